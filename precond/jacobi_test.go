package precond_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// kinds of random test matrices every dense comparison runs on.
var denseKinds = []struct {
	kind    string
	n       int
	density float64
}{
	{"spd", 40, 0.1},
	{"nonsym", 50, 0.08},
	{"zeros", 45, 0.15},
	{"weak", 30, 0.1},
	{"nonsym", 1, 0},
	{"spd", 7, 1}, // dense pattern
}

// denseTol bounds the relative difference between Apply and a dense LU
// solve: the test matrices have condition numbers below about 10³, so both
// results carry errors of order n·ε·κ ≈ 1e-11 at worst.
const denseTol = 1e-11

// Jacobi against a dense diagonal solve, M = diag(A).
func TestJacobiDense(t *testing.T) {
	for s, c := range denseKinds {
		t.Run(fmt.Sprintf("%s_n%d", c.kind, c.n), func(t *testing.T) {
			A := randCSR(t, uint64(s)+1, c.n, c.density, c.kind)
			p, err := precond.NewJacobi(A)
			if err != nil {
				t.Fatal(err)
			}
			if r, cc := p.Dims(); r != c.n || cc != c.n {
				t.Fatalf("Dims = %d×%d, want %d×%d", r, cc, c.n, c.n)
			}
			M := mat.NewDense(c.n, c.n, nil)
			for i := range c.n {
				M.Set(i, i, A.At(i, i))
			}
			x := randVec(uint64(s)+100, c.n)
			got := make([]float64, c.n)
			p.Apply(got, x)
			checkClose(t, "Apply", got, denseSolve(t, M, x, false), denseTol)
			p.ApplyT(got, x)
			checkClose(t, "ApplyT", got, denseSolve(t, M, x, true), denseTol)
		})
	}
}

// The parallel path (n ≥ vec.ParallelMin) gives exactly the serial result.
func TestJacobiParallel(t *testing.T) {
	A := sparse.Laplacian2D(300, 200) // 60000 unknowns
	_, _, val := A.Raw()
	for k := range val {
		val[k] *= 1 + float64(k%7)/10 // vary the diagonal
	}
	p, err := precond.NewJacobi(A)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := A.Dims()
	x := randVec(3, n)
	got := make([]float64, n)
	p.Apply(got, x)
	inv := p.InvDiag()
	for i := range n {
		if inv[i] != 1/A.At(i, i) {
			t.Fatalf("InvDiag[%d] = %v, want 1/%v", i, inv[i], A.At(i, i))
		}
		if want := x[i] * inv[i]; got[i] != want {
			t.Fatalf("row %d: got %v, want %v (serial)", i, got[i], want)
		}
	}
}

// The parallel setup scan merges its parts: the count covers all rows and
// the first bad row is the smallest, whichever part found it.
func TestJacobiParallelSetupErrors(t *testing.T) {
	build := func(mod func(val []float64, A *sparse.CSR)) error {
		A := sparse.Laplacian2D(300, 200) // 60000 rows, ~3·10⁵ entries: parallel scan
		_, _, val := A.Raw()
		mod(val, A)
		_, err := precond.NewJacobi(A)
		return err
	}
	diagIndex := func(A *sparse.CSR, i int) int {
		indptr, ind, _ := A.Raw()
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if int(ind[k]) == i {
				return k
			}
		}
		t.Fatalf("row %d has no diagonal", i)
		return -1
	}
	err := build(func(val []float64, A *sparse.CSR) {
		val[diagIndex(A, 59999)] = 0
		val[diagIndex(A, 45000)] = 0
		val[diagIndex(A, 31000)] = 0
	})
	if !errors.Is(err, precond.ErrZeroDiagonal) || !strings.Contains(err.Error(), "3 of 60000 rows") || !strings.Contains(err.Error(), "row 31000") {
		t.Errorf("zero diagonals: %v", err)
	}
	err = build(func(val []float64, A *sparse.CSR) { val[len(val)-2] = math.Inf(1) })
	if !errors.Is(err, precond.ErrNotFinite) || !strings.Contains(err.Error(), "(59999,") {
		t.Errorf("late infinity: %v", err)
	}
	err = build(func(val []float64, A *sparse.CSR) { val[diagIndex(A, 50001)] = 1e-310 })
	if !errors.Is(err, precond.ErrZeroDiagonal) || !strings.Contains(err.Error(), "(50001,50001)") {
		t.Errorf("subnormal diagonal: %v", err)
	}
}
