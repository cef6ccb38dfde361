package precond_test

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// iluKDense is the textbook ILU(k) on a dense copy (Saad, Algorithm 10.5):
// levels 0 on A's pattern and ∞ elsewhere; for each row i and each k < i
// of level ≤ p in increasing order, aᵢₖ /= aₖₖ and, for every j > k,
// aᵢⱼ −= aᵢₖ·aₖⱼ with level min(levᵢⱼ, levᵢₖ + levₖⱼ + 1); entries of
// level > p are then dropped. It returns L (unit diagonal) and U.
func iluKDense(A *sparse.CSR, p int) (L, U *mat.Dense, pattern [][]bool) {
	n, _ := A.Dims()
	a := A.ToDense()
	const inf = math.MaxInt / 4
	lev := make([][]int, n)
	for i := range lev {
		lev[i] = make([]int, n)
		for j := range lev[i] {
			lev[i][j] = inf
		}
	}
	indptr, ind, _ := A.Raw()
	for i := range n {
		for _, j := range ind[indptr[i]:indptr[i+1]] {
			lev[i][j] = 0
		}
	}
	for i := 1; i < n; i++ {
		for k := 0; k < i; k++ {
			if lev[i][k] > p {
				continue
			}
			a.Set(i, k, a.At(i, k)/a.At(k, k))
			for j := k + 1; j < n; j++ {
				if lev[k][j] > p {
					continue // dropped from row k: no contribution
				}
				a.Set(i, j, a.At(i, j)-a.At(i, k)*a.At(k, j))
				lev[i][j] = min(lev[i][j], lev[i][k]+lev[k][j]+1)
			}
		}
		for j := range n {
			if lev[i][j] > p {
				a.Set(i, j, 0)
			}
		}
	}
	L, U = mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	pattern = make([][]bool, n)
	for i := range n {
		pattern[i] = make([]bool, n)
		for j := range n {
			pattern[i][j] = lev[i][j] <= p
			switch {
			case j < i:
				L.Set(i, j, a.At(i, j))
			case j == i:
				L.Set(i, i, 1)
				U.Set(i, i, a.At(i, i))
			default:
				U.Set(i, j, a.At(i, j))
			}
		}
	}
	return L, U, pattern
}

// TestILUKAgainstDenseDefinition: the factors of NewILUK have exactly the
// level-k pattern of the textbook dense algorithm (positions, explicit
// zeros included) and its values, on random matrices of every kind and
// levels 0–4 and n.
func TestILUKAgainstDenseDefinition(t *testing.T) {
	for _, kind := range []string{"nonsym", "zeros", "spd", "weak"} {
		for seed := uint64(1); seed <= 6; seed++ {
			A := randCSR(t, seed, 24, 0.12, kind)
			for _, p := range []int{0, 1, 2, 3, 4, 24} {
				name := fmt.Sprintf("%s seed %d ILU(%d)", kind, seed, p)
				M, err := precond.NewILUK(A, p)
				if err != nil {
					if kind == "weak" && errors.Is(err, precond.ErrZeroPivot) {
						continue // not dominant: a pivot may vanish
					}
					t.Fatalf("%s: %v", name, err)
				}
				Lw, Uw, pat := iluKDense(A, p)
				L, U := M.Factors()
				for _, f := range []struct {
					what      string
					got       *sparse.CSR
					want      *mat.Dense
					lower     bool
					unitStore bool
				}{{"L", L, Lw, true, true}, {"U", U, Uw, false, false}} {
					indptr, ind, val := f.got.Raw()
					n, _ := f.got.Dims()
					for i := range n {
						var cols []int
						for j := range n {
							if pat[i][j] && (f.lower && j < i || !f.lower && j >= i) || f.lower && j == i {
								cols = append(cols, j)
							}
						}
						var got []int
						for q := indptr[i]; q < indptr[i+1]; q++ {
							j := int(ind[q])
							got = append(got, j)
							if w := f.want.At(i, j); math.Abs(val[q]-w) > 1e-12*(1+math.Abs(w)) {
								t.Errorf("%s: %s(%d,%d) = %g, want %g", name, f.what, i, j, val[q], w)
							}
						}
						if !slices.Equal(got, cols) {
							t.Fatalf("%s: %s row %d pattern %v, want %v", name, f.what, i, got, cols)
						}
					}
				}
			}
		}
	}
}

// TestILUKLevelZeroIsILU0: ILU(0) through NewILUK is NewILU0 bit for bit,
// errors included.
func TestILUKLevelZeroIsILU0(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		A := randCSR(t, seed, 40, 0.1, "zeros")
		a, err := precond.NewILU0(A)
		if err != nil {
			t.Fatal(err)
		}
		k, err := precond.NewILUK(A, 0)
		if err != nil {
			t.Fatal(err)
		}
		x := randVec(seed, 40)
		ya, yk := make([]float64, 40), make([]float64, 40)
		a.Apply(ya, x)
		k.Apply(yk, x)
		if !slices.Equal(ya, yk) {
			t.Errorf("seed %d: ILU(0) by NewILUK differs from NewILU0", seed)
		}
	}
	missing := mustCSR(t, 2, 2, []int{0, 1, 2}, []int32{1, 0}, []float64{1, 1})
	_, e0 := precond.NewILU0(missing)
	_, ek := precond.NewILUK(missing, 0)
	if e0 == nil || ek == nil || e0.Error() != ek.Error() {
		t.Errorf("errors differ: %v vs %v", e0, ek)
	}
}

// TestILUKSmallAgainstPETSc: PETSc 3.18's PCILU with -pc_factor_levels 1
// and 2 (natural ordering, no shift, -mat_no_inode) on the 12×12
// nonsymmetric matrix with explicit zeros of petscSmall, PCApply and
// PCApplyTranspose; levels 2 and 4 give the same 67-entry factors there
// (all fill reached), so ILU(4) must equal ILU(2).
func TestILUKSmallAgainstPETSc(t *testing.T) {
	s := petscSmall
	A := mustCSR(t, 12, 12, s.indptr, s.ind, s.val)
	for _, tc := range []struct {
		levels int
		trans  bool
		want   []float64
	}{
		{1, false, []float64{-2.0, 0.1736556117737153, -0.7171619610136533, 0.0808947020707792, 0.2274476830259375, -0.8747750142526133, 0.8021720082395796, -0.42251994978016716, 0.75, -0.8350430719855311, 0.6946616591480105, 0.5216290732386678}},
		{1, true, []float64{-2.8269684587571047, 0.2575105032089751, -0.571078747403845, 0.2010772898236819, 0.03135540187856184, -0.831293836413678, 0.4645201009977344, -0.25269322455920473, 0.8819237220501015, -1.0696350060310962, 0.6914366208395407, 0.4916881765536727}},
		{2, false, []float64{-2.0, 0.17366795751551614, -0.7172086096046099, 0.08095325933801918, 0.22748182400218792, -0.8728886659465039, 0.8024730232184804, -0.4132564641317842, 0.75, -0.8347317670366299, 0.6944690433606796, 0.5216076714845199}},
		{2, true, []float64{-2.826584839774395, 0.256960992210013, -0.5706018706500744, 0.20110288091963893, 0.030390748209880636, -0.8309979393666749, 0.46447695540923906, -0.2527572022990973, 0.8812042707308851, -1.0667068642343196, 0.6821429742215831, 0.490939941913839}},
		{4, false, []float64{-2.0, 0.17366795751551614, -0.7172086096046099, 0.08095325933801918, 0.22748182400218792, -0.8728886659465039, 0.8024730232184804, -0.4132564641317842, 0.75, -0.8347317670366299, 0.6944690433606796, 0.5216076714845199}},
	} {
		M, err := precond.NewILUK(A, tc.levels)
		if err != nil {
			t.Fatal(err)
		}
		L, U := M.Factors()
		if nnz := L.NNZ() + U.NNZ() - 12; tc.levels == 1 && nnz != 62 || tc.levels >= 2 && nnz != 67 {
			t.Errorf("ILU(%d): %d entries in L+U, PETSc's factor has %d", tc.levels, nnz, map[bool]int{true: 62, false: 67}[tc.levels == 1])
		}
		got := make([]float64, 12)
		if tc.trans {
			M.ApplyT(got, s.x)
		} else {
			M.Apply(got, s.x)
		}
		checkClose(t, fmt.Sprintf("ILU(%d) transposed %v", tc.levels, tc.trans), got, tc.want, 1e-14)
	}
}

// TestILUKLaplacianFillMatchesPETSc: the number of factor entries of
// ILU(k) on the 30×30 5-point Laplacian is PETSc's nz_used (PCILU,
// -pc_factor_levels k), and on this matrix a level equal to the
// half-bandwidth gives the exact factors: Apply solves A·x = b.
func TestILUKLaplacianFillMatchesPETSc(t *testing.T) {
	A := sparse.Laplacian2D(30, 30)
	for k, want := range map[int]int{1: 6062, 2: 7686, 3: 10876} {
		M, err := precond.NewILUK(A, k)
		if err != nil {
			t.Fatal(err)
		}
		L, U := M.Factors()
		if got := L.NNZ() + U.NNZ() - 900; got != want {
			t.Errorf("ILU(%d): %d factor entries, PETSc %d", k, got, want)
		}
	}
	M, err := precond.NewILUK(A, 30)
	if err != nil {
		t.Fatal(err)
	}
	b := randVec(3, 900)
	x := make([]float64, 900)
	M.Apply(x, b)
	want := denseSolve(t, A.ToDense(), b, false)
	checkClose(t, "ILU(30) = LU", x, want, 1e-12)
}

// TestILUKFewerIterations: on a convection–diffusion matrix GMRES(30)
// needs strictly fewer iterations with each level of fill up to 3 (the
// reason to pay for it), and converges with every one.
func TestILUKFewerIterations(t *testing.T) {
	A := sparse.ConvectionDiffusion2D(40, 40, 0.1)
	n, _ := A.Dims()
	checkFewerIterations(t, A, randVec(9, n), []int{0, 1, 2, 3}, krylov.Options{RTol: 1e-10, Restart: 30}, krylov.GMRES,
		func(k int) string { return fmt.Sprintf("ILU(%d)", k) },
		func(k int) (linop.Operator, error) {
			if k == 0 {
				return precond.New("ilu0", A, nil)
			}
			return precond.New("iluk", A, &precond.Options{Levels: k})
		})
}

// TestILUKErrors: each failure is an error of its kind naming ILU(k).
func TestILUKErrors(t *testing.T) {
	nan := mustCSR(t, 2, 2, []int{0, 2, 4}, []int32{0, 1, 0, 1}, []float64{1, math.NaN(), 1, 1})
	for _, tc := range []struct {
		name   string
		A      *sparse.CSR
		levels int
		want   error
		msg    string
	}{
		{"negative levels", sparse.Laplacian1D(3), -1, precond.ErrOption, "level of fill -1"},
		{"not square", mustCSR(t, 2, 3, []int{0, 1, 2}, []int32{0, 1}, []float64{1, 1}), 2, precond.ErrNotSquare, "ILU(2)"},
		{"missing diagonal", mustCSR(t, 3, 3, []int{0, 2, 3, 5}, []int32{0, 1, 0, 1, 2}, []float64{1, 1, 1, 1, 1}), 1, precond.ErrZeroDiagonal, "ILU(1)"},
		{"zero pivot (no fill: A is full)", mustCSR(t, 2, 2, []int{0, 2, 4}, []int32{0, 1, 0, 1}, []float64{1, 1, 1, 1}), 1, precond.ErrZeroPivot, "ILU(1): pivot u(1,1)"},
		// ILU(0) of this matrix is fine (u₂₂ = −1); the level-1 fill
		// u₁₂ = −1 makes u₂₂ = −1 + 1 = 0.
		{"zero pivot made by fill", mustCSR(t, 3, 3, []int{0, 2, 4, 6}, []int32{0, 2, 0, 1, 1, 2}, []float64{1, 1, 1, 1, 1, -1}), 1, precond.ErrZeroPivot, "ILU(1): pivot u(2,2)"},
		{"NaN", nan, 2, precond.ErrNotFinite, "ILU(2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := precond.NewILUK(tc.A, tc.levels)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
}

// TestILUKNewDefault: New's iluk kind with Levels 0 is ILU(1).
func TestILUKNewDefault(t *testing.T) {
	A := sparse.Laplacian2D(8, 8)
	M, err := precond.New("iluk", A, nil)
	if err != nil {
		t.Fatal(err)
	}
	if k := M.(*precond.ILUK).Levels(); k != 1 {
		t.Errorf("default level %d, want 1", k)
	}
	if precond.DefaultILUKLevels != 1 {
		t.Errorf("DefaultILUKLevels = %d, documented as 1", precond.DefaultILUKLevels)
	}
}

// arrowCSR returns the n×n arrow matrix with diagonal n and −1 in the
// first (first = true) or last row and column.
func arrowCSR(t *testing.T, n int, first bool) *sparse.CSR {
	t.Helper()
	a := n - 1
	if first {
		a = 0
	}
	c := sparse.NewCOO(n, n, 3*n)
	for i := range n {
		c.Append(i, i, float64(n))
		if i != a {
			c.Append(i, a, -1)
			c.Append(a, i, -1)
		}
	}
	return c.ToCSR()
}

// TestILUKArrowAndBanded: matrices whose ILU(k) with a large enough k is
// their LU, checked through the fill count and ‖A·M⁻¹b − b‖. The arrow
// with the dense last row and column has no fill: each of its rows k < n−1
// merges U(k) = {n−1} into the dense last row, an entry already there
// (NewILUK once walked the row to it for every k, O(n²) for this O(n)
// factorisation). Dense first row and column fill everything at level 1.
// The banded matrix (entries (i, i±2) and (0, 1), half-bandwidth 2) needs
// level n−2 to be complete, far above its bandwidth.
func TestILUKArrowAndBanded(t *testing.T) {
	const nb = 40
	banded := sparse.NewCOO(nb, nb, 3*nb)
	for i := range nb {
		banded.Append(i, i, 10)
		if i+2 < nb {
			banded.Append(i, i+2, -1)
			banded.Append(i+2, i, -1)
		}
	}
	banded.Append(0, 1, -1)
	banded.Append(1, 0, -1)
	B := banded.ToCSR()
	for _, tc := range []struct {
		name   string
		A      *sparse.CSR
		levels int
		nnz    int // of L+U, diagonal counted once
		exact  bool
	}{
		{"arrow last, 50000, ILU(1)", arrowCSR(t, 50000, false), 1, 3*50000 - 2, true},
		{"arrow last, 50000, ILU(1<<40)", arrowCSR(t, 50000, false), 1 << 40, 3*50000 - 2, true},
		{"arrow first, 150, ILU(0)", arrowCSR(t, 150, true), 0, 3*150 - 2, false},
		{"arrow first, 150, ILU(1)", arrowCSR(t, 150, true), 1, 150 * 150, true},
		{"banded, ILU(2)", B, 2, 122, false},
		{"banded, ILU(n−3)", B, nb - 3, 192, false},
		{"banded, ILU(n−2)", B, nb - 2, 194, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, _ := tc.A.Dims()
			M, err := precond.NewILUK(tc.A, tc.levels)
			if err != nil {
				t.Fatal(err)
			}
			L, U := M.Factors()
			if got := L.NNZ() + U.NNZ() - n; got != tc.nnz {
				t.Errorf("%d entries in L+U, want %d", got, tc.nnz)
			}
			if !tc.exact {
				return
			}
			b := randVec(5, n)
			x := make([]float64, n)
			M.Apply(x, b)
			r := make([]float64, n)
			tc.A.MulVecTo(r, x)
			checkClose(t, "A·M⁻¹b", r, b, 1e-12)
		})
	}
}

// TestILUKLevelsDoNotScaleMemory: a level far above any fill the matrix
// can have costs no more memory than the fill needs. NewILUK once sized
// its index arrays by (1 + k/2)·nnz(A)/2 with k = min(levels, n): 3.6 GB
// for this 20000×20000 tridiagonal matrix, which has no fill at all
// (and a fatal out-of-memory error at n = 10⁵).
func TestILUKLevelsDoNotScaleMemory(t *testing.T) {
	const n = 20000
	A := sparse.Laplacian1D(n)
	for _, levels := range []int{2, n, 1 << 40} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		M, err := precond.NewILUK(A, levels)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		// The factors take 12·nnz + 20·n bytes (1.1 MB); allow for the
		// work space and the index arrays' spare capacity.
		if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
			t.Errorf("ILU(%d): allocated %d bytes for %d-entry factors", levels, d, A.NNZ())
		}
		if L, U := M.Factors(); L.NNZ()+U.NNZ()-n != A.NNZ() {
			t.Errorf("ILU(%d): %d entries in L+U, want A's %d (no fill)", levels, L.NNZ()+U.NNZ()-n, A.NNZ())
		}
	}
}
