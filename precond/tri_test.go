package precond

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/sparse"
)

// plainSolve is the textbook forward/backward substitution over the
// triFactors layout, every term read from dst in index order: the
// reference that triFactors.solve (which keeps the neighbouring row's
// value in a register) must match bit for bit.
func plainSolve(f *triFactors, dst, x []float64) {
	for i := 0; i < f.n; i++ {
		s := x[i]
		for k := f.lp[i]; k < f.lp[i+1]; k++ {
			s -= f.lv[k] * dst[f.li[k]]
		}
		dst[i] = s
	}
	for i := f.n - 1; i >= 0; i-- {
		s := dst[i]
		for k := f.up[i]; k < f.up[i+1]; k++ {
			s -= f.uv[k] * dst[f.ui[k]]
		}
		dst[i] = s * f.invDiag[i]
	}
}

// TestTriSolveMatchesPlainLoop checks the register-forwarding solve against
// plainSolve on matrices where rows do and do not have entries next to the
// diagonal (random patterns, a grid Laplacian, a diagonal matrix), bit for
// bit: both perform the same operations in the same order.
func TestTriSolveMatchesPlainLoop(t *testing.T) {
	cases := map[string]*sparse.CSR{
		"laplacian 2-D": sparse.Laplacian2D(7, 9),
		"identity":      sparse.Identity(5),
		"random sparse": randomDiagDominant(3, 60, 0.08),
		"random dense":  randomDiagDominant(4, 25, 0.6),
	}
	for name, A := range cases {
		f, err := splitLU("test", A, true, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := f.n
		rng := rand.New(rand.NewPCG(11, 5))
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		got, want := make([]float64, n), make([]float64, n)
		f.solve(got, x)
		plainSolve(f, want, x)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Errorf("%s: dst[%d] = %v, plain loop %v", name, i, got[i], want[i])
				break
			}
		}
	}
}

// randomDiagDominant returns an n×n matrix with a unit-free random pattern
// of the given density, entries in [−1, 1] and a diagonal of n.
func randomDiagDominant(seed uint64, n int, density float64) *sparse.CSR {
	rng := rand.New(rand.NewPCG(seed, 9))
	c := sparse.NewCOO(n, n, 0)
	for i := range n {
		c.Append(i, i, float64(n))
		for j := range n {
			if j != i && rng.Float64() < density {
				c.Append(i, j, 2*rng.Float64()-1)
			}
		}
	}
	return c.ToCSR()
}

// dropDiagonal returns a copy of A without the diagonal entries of rows.
func dropDiagonal(t *testing.T, A *sparse.CSR, rows ...int) *sparse.CSR {
	t.Helper()
	var e [][2]int
	for _, i := range rows {
		e = append(e, [2]int{i, i})
	}
	return dropEntries(t, A, e...)
}

// dropEntries returns a copy of A without the stored entries (i, j).
func dropEntries(t *testing.T, A *sparse.CSR, entries ...[2]int) *sparse.CSR {
	t.Helper()
	ap, ai, av := A.Raw()
	n, _ := A.Dims()
	drop := map[[2]int]bool{}
	for _, e := range entries {
		drop[e] = true
	}
	indptr := make([]int, n+1)
	var ind []int32
	var val []float64
	for i := range n {
		for k := ap[i]; k < ap[i+1]; k++ {
			if drop[[2]int{i, int(ai[k])}] {
				continue
			}
			ind, val = append(ind, ai[k]), append(val, av[k])
		}
		indptr[i+1] = len(ind)
	}
	B, err := sparse.NewCSR(n, n, indptr, ind, val)
	if err != nil {
		t.Fatal(err)
	}
	return B
}

// The split runs in parallel row blocks on large matrices: its errors
// must still name the first bad row or entry in row order wherever it
// lies, and its factors must not depend on the number of workers.
func TestSplitParallelBlocks(t *testing.T) {
	A := sparse.Laplacian2D(300, 300) // 90 000 rows, nnz ≥ parallelScanMin
	if A.NNZ() < parallelScanMin {
		t.Fatalf("test matrix too small for the parallel path: nnz %d", A.NNZ())
	}
	n, _ := A.Dims()

	t.Run("missing diagonals", func(t *testing.T) {
		B := dropDiagonal(t, A, 60000, 85000, 20000)
		for _, omega := range []float64{0, 1.2} {
			_, err := splitLUScaled("X", B, false, true, omega)
			if !errors.Is(err, ErrZeroDiagonal) || !strings.Contains(err.Error(), "3 of 90000 rows") || !strings.Contains(err.Error(), "row 20000") {
				t.Fatalf("ω=%v: err = %v, want ErrZeroDiagonal naming row 20000 and 3 rows", omega, err)
			}
		}
	})
	t.Run("non-finite", func(t *testing.T) {
		B := A.Clone()
		ap, ai, av := B.Raw()
		av[ap[80000]+1] = math.Inf(-1)
		av[ap[89000]] = math.NaN()
		_, err := splitLU("X", B, false, true)
		want := fmt.Sprintf("entry (80000,%d) of A is -Inf", ai[ap[80000]+1])
		if !errors.Is(err, ErrNotFinite) || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want ErrNotFinite with %q", err, want)
		}
	})
	t.Run("independent of workers", func(t *testing.T) {
		split := func(procs int) *triFactors {
			old := runtime.GOMAXPROCS(procs)
			defer runtime.GOMAXPROCS(old)
			f, err := splitLUScaled("X", A, true, true, 1.3)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		f1, f2 := split(1), split(3)
		same := slices.Equal(f1.lp, f2.lp) && slices.Equal(f1.li, f2.li) && slices.Equal(f1.lv, f2.lv) &&
			slices.Equal(f1.up, f2.up) && slices.Equal(f1.ui, f2.ui) && slices.Equal(f1.uv, f2.uv) &&
			slices.Equal(f1.invDiag, f2.invDiag) && slices.Equal(f1.diag, f2.diag)
		if !same {
			t.Fatal("split differs between 1 and 3 workers")
		}
		// And it is the split: L + D + U reassembles A's scaled entries.
		ap, ai, av := A.Raw()
		for i := range n {
			l, u := f1.lp[i], f1.up[i]
			for k := ap[i]; k < ap[i+1]; k++ {
				j := int(ai[k])
				switch {
				case j < i:
					if int(f1.li[l]) != j || f1.lv[l] != av[k]*(1.3*f1.invDiag[j]) {
						t.Fatalf("L(%d,%d) wrong", i, j)
					}
					l++
				case j == i:
					if f1.diag[i] != av[k] || f1.invDiag[i] != 1/av[k] {
						t.Fatalf("diagonal %d wrong", i)
					}
				default:
					if int(f1.ui[u]) != j || f1.uv[u] != av[k]*(1/(2-1.3)) {
						t.Fatalf("U(%d,%d) wrong", i, j)
					}
					u++
				}
			}
			if l != f1.lp[i+1] || u != f1.up[i+1] {
				t.Fatalf("row %d: pointer mismatch", i)
			}
		}
	})
}

// scanSymmetric in parallel blocks: passes on a symmetric matrix, fails
// (and the naming scan then reports the entry) when one value in the
// second block differs or one entry lacks its partner.
func TestSymmetricFastBlocks(t *testing.T) {
	A := sparse.Laplacian2D(300, 300)
	symmetricFast := func(A *sparse.CSR, lim float64) bool {
		sc := scanSymmetric(A)
		return sc.finite && sc.paired && sc.maxDev <= lim
	}
	if sc := scanSymmetric(A); !sc.finite || sc.maxAbs != 4 {
		t.Fatalf("scan of the Laplacian: finite %v, max|a| %v, want true, 4", sc.finite, sc.maxAbs)
	}
	if !symmetricFast(A, 1e-12) {
		t.Fatal("Laplacian reported nonsymmetric")
	}
	B := A.Clone()
	ap, _, av := B.Raw()
	av[ap[70000+1]-1] += 1e-3 // last (upper) entry of row 70000
	if symmetricFast(B, 1e-12) {
		t.Fatal("perturbed upper entry not detected")
	}
	if err := checkSymmetric("X", B, 4); !errors.Is(err, ErrNotSymmetric) || !strings.Contains(err.Error(), "A(70000,") {
		t.Fatalf("err = %v, want ErrNotSymmetric naming row 70000", err)
	}
	// (79999, 80000) = −1 stored, its partner (80000, 79999) not.
	C := dropEntries(t, A, [2]int{80000, 79999})
	if symmetricFast(C, 1e-12) {
		t.Fatal("one-sided entry not detected")
	}
	if err := checkSymmetric("X", C, 4); !errors.Is(err, ErrNotSymmetric) || !strings.Contains(err.Error(), "A(80000,79999) is not stored") {
		t.Fatalf("err = %v, want ErrNotSymmetric naming the missing partner", err)
	}
}
