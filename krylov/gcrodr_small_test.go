package krylov

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
)

// On systems smaller than the recycled space asked for, the space stays a
// valid one: at most n − 1 columns, C orthonormal and C = A·U. Before
// the cap an update could make C span all of Rⁿ; the next cycle then
// started from rounding noise that was not orthogonal to C, and the
// update after it put up to 13 columns into a C for n = 5 that was far
// from orthonormal (CᵀC off the identity by 1). Well-conditioned
// matrices get the full check of the carried CᵀU too; the row-scaled
// ones (rows scaled by 10^U(−6, 6), where 1e-10 is not always attainable
// and an unconverged solve is allowed) the count and CᵀC.
func TestGCRODRSmallSystemsKeepAValidSpace(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 2, 3, 5, 8} {
		for _, mk := range [][2]int{{40, 20}, {10, 6}, {4, 3}} {
			for seed := uint64(1); seed <= 5; seed++ {
				for _, scaled := range []bool{false, true} {
					label := fmt.Sprintf("n=%d (m,k)=%v seed=%d scaled=%v", n, mk, seed, scaled)
					var A linop.Operator = linop.Dense(ktNonsym(n, 2, seed))
					if scaled {
						A = ktRowScaled(n, seed, 1)
					}
					s := NewGCRODR(n, &GCRODROptions{M: mk[0], K: mk[1]})
					for sys := range 4 {
						b := ktVec(n, seed+uint64(sys)+10)
						x := make([]float64, n)
						_, err := s.Solve(ctx, A, b, x, &Options{RTol: 1e-10})
						if err != nil && !(scaled && errors.Is(err, ErrNotConverged)) {
							t.Fatalf("%s system %d: %v", label, sys, err)
						}
						at := fmt.Sprintf("%s system %d", label, sys)
						if !scaled {
							checkRecycledSpace(t, at, s, A)
						}
						U, C := s.Recycled()
						if U == nil {
							continue
						}
						if _, kk := U.Dims(); kk > n-1 {
							t.Fatalf("%s: %d recycled vectors for n = %d", at, kk, n)
						}
						var ctc mat.Dense
						ctc.Mul(C.T(), C)
						_, kk := C.Dims()
						for i := range kk {
							ctc.Set(i, i, ctc.At(i, i)-1)
						}
						if e := mat.Norm(&ctc, math.Inf(1)); e > 1e-8 {
							t.Fatalf("%s: ‖CᵀC − I‖ = %.3g", at, e)
						}
					}
				}
			}
		}
	}
}
