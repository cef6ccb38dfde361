package krylov

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// infOnCall returns an n×n operator that applies f and puts +Inf in its
// output at the k-th call.
func infOnCall(n, k int, f func(dst, x []float64)) linop.Operator {
	calls := 0
	return linop.Func(n, n, func(dst, x []float64) {
		calls++
		f(dst, x)
		if calls == k {
			dst[n/3] = math.Inf(1)
		}
	}, nil)
}

// An operator or preconditioner whose k-th product is not finite stops
// the square solvers (ErrNaN in the iteration; GMRES, whose true-residual
// check sees the Inf, backtracks to a breakdown) wherever in an iteration
// it happens, and the history still has one entry per counted iteration
// after ‖b − A x₀‖ (Options.History: len(History) = Iterations + 1).
// BiCGStab (A·ŝ after the half step x + αp̂) and TFQMR (w after the first
// half step) counted the iteration whose half step had updated x but left
// its history entry out. Found by a randomized campaign (BiCGStab on a
// nearly singular system, 3730 iterations, 3730 entries).
func TestNaNProductHistoryLength(t *testing.T) {
	const n = 12
	L := sparse.Laplacian1D(n)
	b := make([]float64, n)
	for i := range b {
		b[i] = float64(i%5) - 1.5
	}
	half := func(dst, x []float64) {
		for i := range dst {
			dst[i] = x[i] / 2
		}
	}
	for _, where := range []string{"A", "M"} {
		for k := 1; k <= 30; k++ {
			for _, s := range squareSolvers(n, 6, 3) {
				for _, x0 := range []float64{0, 0.25} {
					o := &Options{History: true, RTol: 1e-12}
					var A linop.Operator = L
					if where == "A" {
						A = infOnCall(n, k, L.MulVecTo)
					} else {
						o.Precond = infOnCall(n, k, half)
					}
					x := make([]float64, n)
					for i := range x {
						x[i] = x0
					}
					name := fmt.Sprintf("%s: Inf in product %d of %s, x0 = %g", s.name, k, where, x0)
					res, err := s.solve(context.Background(), A, b, x, o)
					if len(res.History) != res.Iterations+1 {
						t.Errorf("%s: len(History) = %d, Iterations = %d (err %v)", name, len(res.History), res.Iterations, err)
					}
				}
			}
		}
	}
}
