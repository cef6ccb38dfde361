package krylov

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/sparse"
)

// TestGCRODRProjectKeepsCOrthonormal solves a sequence of systems whose
// solution (all ones) the recycled space already nearly holds, so that
// the projection onto C cancels all but ~rtol of b and a cycle starts
// from that small remainder. A single Gram–Schmidt pass left the
// remainder with components along C of order eps·‖b‖, which the cycle's
// update built into the new C: ‖CᵀC − I‖ reached 4e-4 here, and a next
// solve with the same operator (sequence's ReuseIdentical, which keeps C)
// stagnated at the orthogonality error instead of converging.
func TestGCRODRProjectKeepsCOrthonormal(t *testing.T) {
	const n = 60
	for _, rtol := range []float64{1e-9, 1e-12} {
		for seed := uint64(0); seed < 20; seed++ {
			rng := rand.New(rand.NewPCG(seed, 1))
			s := NewGCRODR(n, nil)
			for sys := 0; sys < 11; sys++ {
				c := sparse.NewCOO(n, n, 0)
				for i := 0; i < n; i++ {
					c.Append(i, i, 4)
					for j := 0; j < n; j++ {
						if rng.Float64() < 0.05 {
							c.Append(i, j, math.Round(rng.Float64()*4)/4)
						}
					}
				}
				A := c.ToCSR()
				one, b, x := make([]float64, n), make([]float64, n), make([]float64, n)
				for i := range one {
					one[i] = 1
				}
				A.MulVecTo(b, one)
				if _, err := s.Solve(context.Background(), A, b, x, &Options{RTol: rtol, MaxIter: 600}); err != nil {
					t.Fatalf("rtol %g seed %d system %d: %v", rtol, seed, sys, err)
				}
				_, C := s.Recycled()
				if C == nil {
					continue
				}
				var G mat.Dense
				G.Mul(C.T(), C)
				r, _ := G.Dims()
				for j := 0; j < r; j++ {
					G.Set(j, j, G.At(j, j)-1)
				}
				if e := mat.Norm(&G, 2); e > 1e-10 {
					t.Fatalf("rtol %g seed %d after system %d: ‖CᵀC − I‖ = %.3g, want ≤ 1e-10", rtol, seed, sys, e)
				}
			}
		}
	}
}
