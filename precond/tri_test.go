package precond

import (
	"math"
	"math/rand/v2"
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
