package precond_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// TestICKAgainstDenseDefinition: the factor L of NewICK has exactly the
// lower part of the level-k pattern of the textbook dense ILU(k)
// (iluKDense: diagonal, explicit zeros and fill included) and satisfies
// (L·Lᵀ)ᵢⱼ = aᵢⱼ on it (0 at a fill position), on random SPD matrices,
// with and without explicit zeros, for levels 0–4 and n.
func TestICKAgainstDenseDefinition(t *testing.T) {
	cases := map[string]*sparse.CSR{"laplacian2d": sparse.Laplacian2D(7, 5), "spd_zeros": spdWithZeros(t)}
	for seed := uint64(1); seed <= 6; seed++ {
		cases[fmt.Sprintf("spd seed %d", seed)] = randCSR(t, seed, 24, 0.12, "spd")
	}
	for name, A := range cases {
		n, _ := A.Dims()
		a := A.ToDense()
		for _, p := range []int{0, 1, 2, 3, 4, n} {
			M, err := precond.NewICK(A, p, nil)
			if err != nil {
				t.Fatalf("%s IC(%d): %v", name, p, err)
			}
			_, _, pat := iluKDense(A, p)
			L := M.Factor()
			indptr, ind, _ := L.Raw()
			for i := range n {
				var want []int
				for j := 0; j <= i; j++ {
					if pat[i][j] || j == i {
						want = append(want, j)
					}
				}
				got := make([]int, 0, len(want))
				for _, j := range ind[indptr[i]:indptr[i+1]] {
					got = append(got, int(j))
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s IC(%d): row %d pattern %v, want %v", name, p, i, got, want)
				}
			}
			var llt mat.Dense
			Ld := L.ToDense()
			llt.Mul(Ld, Ld.T())
			scale := mat.Norm(a, math.Inf(1))
			for i := range n {
				for j := 0; j <= i; j++ {
					if pat[i][j] || j == i {
						if d := math.Abs(llt.At(i, j) - a.At(i, j)); d > 1e-13*scale {
							t.Fatalf("%s IC(%d): (L·Lᵀ)(%d,%d) = %g, a = %g", name, p, i, j, llt.At(i, j), a.At(i, j))
						}
					}
				}
			}
		}
	}
}

// TestICKLevelZeroIsIC0: IC(0) through NewICK is NewIC0 bit for bit, with
// and without a shift, and errors keep their kind.
func TestICKLevelZeroIsIC0(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		A := randCSR(t, seed, 40, 0.1, "spd")
		for _, shift := range []float64{0, 0.05} {
			a, err := precond.NewIC0(A, &precond.IC0Options{Shift: shift})
			if err != nil {
				t.Fatal(err)
			}
			b, err := precond.NewICK(A, 0, &precond.IC0Options{Shift: shift})
			if err != nil {
				t.Fatal(err)
			}
			x := randVec(seed, 40)
			ya, yb := make([]float64, 40), make([]float64, 40)
			a.Apply(ya, x)
			b.Apply(yb, x)
			if !slices.Equal(ya, yb) {
				t.Errorf("seed %d shift %g: IC(0) through NewICK differs from NewIC0", seed, shift)
			}
			if b.Shift() != shift || b.Levels() != 0 {
				t.Errorf("Shift %g Levels %d", b.Shift(), b.Levels())
			}
		}
	}
	_, err := precond.NewICK(csrFromDense(t, 2, []float64{1, 2, 2, 1}), 0, nil)
	if !errors.Is(err, precond.ErrNotSPD) {
		t.Errorf("indefinite: %v", err)
	}
}

// TestICKExactAtFullFill: with k ≥ n − 2 every fill entry is kept and
// M = A, so M⁻¹·(A·x) = x (the Cholesky factor of an SPD matrix).
func TestICKExactAtFullFill(t *testing.T) {
	A := randCSR(t, 11, 30, 0.08, "spd")
	M, err := precond.NewICK(A, 28, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := randVec(3, 30)
	b := make([]float64, 30)
	A.MulVecTo(b, x)
	got := make([]float64, 30)
	M.Apply(got, b)
	checkClose(t, "IC(28) = Cholesky", got, x, 1e-12)
}

// TestICKFewerIterations: CG on the 2-D Laplacian needs strictly fewer
// iterations with each level of fill up to 3 and converges with every one.
func TestICKFewerIterations(t *testing.T) {
	A := sparse.Laplacian2D(40, 40)
	n, _ := A.Dims()
	checkFewerIterations(t, A, randVec(9, n), []int{0, 1, 2, 3}, krylov.Options{RTol: 1e-10}, krylov.CG,
		func(k int) string { return fmt.Sprintf("IC(%d)", k) },
		func(k int) (linop.Operator, error) {
			if k == 0 {
				return precond.New("ic0", A, nil)
			}
			return precond.New("ick", A, &precond.Options{Levels: k})
		})
}

// TestICKErrors: each failure is an error of its kind naming IC(k).
func TestICKErrors(t *testing.T) {
	nan := mustCSR(t, 2, 2, []int{0, 2, 4}, []int32{0, 1, 0, 1}, []float64{1, math.NaN(), math.NaN(), 1})
	for _, tc := range []struct {
		name   string
		A      *sparse.CSR
		levels int
		shift  float64
		want   error
		msg    string
	}{
		{"negative levels", sparse.Laplacian1D(3), -1, 0, precond.ErrOption, "level of fill -1"},
		{"negative shift", sparse.Laplacian1D(3), 1, -1, precond.ErrOption, "IC(1) shift -1"},
		{"not square", mustCSR(t, 2, 3, []int{0, 1, 2}, []int32{0, 1}, []float64{1, 1}), 2, 0, precond.ErrNotSquare, "IC(2)"},
		{"not symmetric", csrFromDense(t, 2, []float64{2, 1, 0, 2}), 1, 0, precond.ErrNotSymmetric, "IC(1)"},
		{"missing diagonal", mustCSR(t, 3, 3, []int{0, 2, 4, 4}, []int32{0, 1, 0, 1}, []float64{2, 1, 1, 2}), 1, 0, precond.ErrZeroDiagonal, "IC(1)"},
		{"indefinite", csrFromDense(t, 2, []float64{1, 2, 2, 1}), 1, 0, precond.ErrNotSPD, "IC(1): pivot of row 1"},
		{"NaN", nan, 2, 0, precond.ErrNotFinite, "IC(2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := precond.NewICK(tc.A, tc.levels, &precond.IC0Options{Shift: tc.shift})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
}

// TestICKNewDefault: New's ick kind with Levels 0 is IC(1) and passes the
// shift on.
func TestICKNewDefault(t *testing.T) {
	A := sparse.Laplacian2D(8, 8)
	M, err := precond.New("ick", A, &precond.Options{Shift: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if p := M.(*precond.ICK); p.Levels() != 1 || p.Shift() != 0.1 {
		t.Errorf("default level %d shift %g, want 1 and 0.1", p.Levels(), p.Shift())
	}
	if precond.DefaultICKLevels != 1 {
		t.Errorf("DefaultICKLevels = %d, documented as 1", precond.DefaultICKLevels)
	}
}

// TestICKTinyUnpairedEntry: a tiny lower entry without its upper partner
// passes the symmetry check; at k ≥ 1 its fill lands in ILU(k)'s upper
// part only (here (2,3), making the lower and upper counts equal), so the
// backward solve must be laid out from L's own pattern. NewICK indexed
// past the end of a row, and Apply must still invert L·Lᵀ of Factor.
func TestICKTinyUnpairedEntry(t *testing.T) {
	A := csrFromDense(t, 4, []float64{
		4, 0, 0, 1,
		0, 4, 0, 0,
		1e-20, 0, 4, 0,
		1, 0, 0, 4,
	})
	for k := 0; k <= 2; k++ {
		M, err := precond.NewICK(A, k, nil)
		if err != nil {
			t.Fatalf("IC(%d): %v", k, err)
		}
		Ld := M.Factor().ToDense()
		var llt mat.Dense
		llt.Mul(Ld, Ld.T())
		x := []float64{1, 2, 3, 4}
		b := mat.NewVecDense(4, nil)
		b.MulVec(&llt, mat.NewVecDense(4, x))
		got := make([]float64, 4)
		M.Apply(got, b.RawVector().Data)
		checkClose(t, fmt.Sprintf("IC(%d) Apply of L·Lᵀ·x", k), got, x, 1e-14)
	}
}
