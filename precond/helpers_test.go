package precond_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// randCSR returns an n×n random sparse matrix with a stored diagonal and
// each off-diagonal position stored with probability density. Kinds:
//
//	"spd"     symmetric, strictly diagonally dominant with positive
//	          diagonal, hence SPD (and an H-matrix: IC(0) exists)
//	"nonsym"  nonsymmetric pattern and values, strictly diagonally dominant
//	"zeros"   like nonsym, but about a third of the stored off-diagonal
//	          entries are explicit zeros (part of the pattern)
//	"weak"    nonsymmetric, diagonal in [0.5, 1.5]: not dominant
func randCSR(t testing.TB, seed uint64, n int, density float64, kind string) *sparse.CSR {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	d := mat.NewDense(n, n, nil)
	stored := make([][]bool, n)
	for i := range stored {
		stored[i] = make([]bool, n)
		stored[i][i] = true
	}
	for i := range n {
		for j := range n {
			if i == j || rng.Float64() >= density {
				continue
			}
			if kind == "spd" && j < i {
				continue
			}
			v := 2*rng.Float64() - 1
			if kind == "zeros" && rng.IntN(3) == 0 {
				v = 0
			}
			stored[i][j] = true
			d.Set(i, j, v)
			if kind == "spd" {
				stored[j][i] = true
				d.Set(j, i, v)
			}
		}
	}
	for i := range n {
		s := 0.0
		for j := range n {
			if j != i {
				s += math.Abs(d.At(i, j))
			}
		}
		switch kind {
		case "weak":
			d.Set(i, i, 0.5+rng.Float64())
		default:
			d.Set(i, i, s+0.5+rng.Float64())
		}
	}
	return fromPattern(t, d, stored)
}

// fromPattern returns the CSR matrix with the entries of d at the
// positions marked in stored (zeros included).
func fromPattern(t testing.TB, d *mat.Dense, stored [][]bool) *sparse.CSR {
	t.Helper()
	n, _ := d.Dims()
	indptr := make([]int, n+1)
	var ind []int32
	var val []float64
	for i := range n {
		for j := range n {
			if stored[i][j] {
				ind = append(ind, int32(j))
				val = append(val, d.At(i, j))
			}
		}
		indptr[i+1] = len(ind)
	}
	A, err := sparse.NewCSR(n, n, indptr, ind, val)
	if err != nil {
		t.Fatal(err)
	}
	return A
}

// csrFromDense builds a CSR matrix storing the nonzeros of a row-major
// dense array.
func csrFromDense(t testing.TB, n int, a []float64) *sparse.CSR {
	t.Helper()
	return sparse.FromDense(mat.NewDense(n, n, a), 0)
}

// denseSolve returns M⁻¹·x (or M⁻ᵀ·x) by a dense LU solve.
func denseSolve(t testing.TB, M mat.Matrix, x []float64, trans bool) []float64 {
	t.Helper()
	n := len(x)
	if trans {
		M = M.T()
	}
	var y mat.VecDense
	if err := y.SolveVec(M, mat.NewVecDense(n, append([]float64(nil), x...))); err != nil {
		t.Fatalf("dense reference solve: %v", err)
	}
	return y.RawVector().Data
}

// randVec returns a vector of n standard normal values.
func randVec(seed uint64, n int) []float64 {
	rng := rand.New(rand.NewPCG(seed, 11))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// relDiff returns ‖a − b‖∞ / ‖b‖∞.
func relDiff(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	if den == 0 {
		return num
	}
	return num / den
}

// checkClose fails unless relDiff(got, want) ≤ tol.
func checkClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	if d := relDiff(got, want); !(d <= tol) {
		t.Errorf("%s: relative difference %.3g > %.3g", what, d, tol)
	}
}

// kershaw returns Kershaw's 4×4 SPD matrix on which IC(0) breaks down.
func kershaw() *mat.Dense {
	return mat.NewDense(4, 4, []float64{
		3, -2, 0, 2,
		-2, 3, -2, 0,
		0, -2, 3, -2,
		2, 0, -2, 3,
	})
}

// checkFewerIterations solves A x = b with solve (options o plus the
// preconditioner) for each level k in turn, with the preconditioner
// build(k) named name(k), and fails unless every solve converges and
// each takes strictly fewer iterations than the one before.
func checkFewerIterations(t *testing.T, A *sparse.CSR, b []float64, levels []int, o krylov.Options,
	solve func(context.Context, linop.Operator, []float64, []float64, *krylov.Options) (krylov.Result, error),
	name func(k int) string, build func(k int) (linop.Operator, error)) {
	t.Helper()
	n, _ := A.Dims()
	prev, prevName := math.MaxInt, ""
	for _, k := range levels {
		M, err := build(k)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, n)
		o.Precond = M
		res, err := solve(context.Background(), A, b, x, &o)
		if err != nil {
			t.Fatalf("%s: %v", name(k), err)
		}
		if res.Iterations >= prev {
			t.Errorf("%s: %d iterations, not fewer than %s's %d", name(k), res.Iterations, prevName, prev)
		}
		prev, prevName = res.Iterations, name(k)
	}
}
