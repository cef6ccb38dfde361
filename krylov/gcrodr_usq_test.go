package krylov

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/sparse"
)

// The squared column norms of U that GCRO-DR carries from one update to
// the next (for the scaling D = diag(1/‖uᵢ‖) of the next update's small
// problem) match U whenever they are marked valid, also after an update
// that the gain test abandoned (every new column nearly annihilated by
// A·M): that update's combine had already overwritten them with the
// discarded U₂'s norms, and the next update scaled U by them.
func TestGCRODRCarriedNormsMatchU(t *testing.T) {
	ctx := context.Background()
	abandoned := 0
	for _, n := range []int{30, 50} {
		for _, mk := range [][2]int{{10, 4}, {30, 10}} {
			c := sparse.NewCOO(n, n, n)
			for i := 0; i < n-1; i++ {
				c.Append(i, i, float64(i+1))
			}
			A := c.ToCSR() // diag(1, …, n−1, 0): singular, b = 1 outside its range
			b := make([]float64, n)
			for i := range b {
				b[i] = 1
			}
			s := NewGCRODR(n, &GCRODROptions{M: mk[0], K: mk[1]})
			for sys := range 3 {
				x := make([]float64, n)
				before := s.Stats().Deflated
				s.Solve(ctx, A, b, x, &Options{RTol: 1e-10, MaxIter: 200})
				if s.Stats().Deflated > before {
					abandoned++
				}
				if !s.usqOK {
					continue
				}
				for i := 0; i < s.kk; i++ {
					if got, want := math.Sqrt(s.usq[i]), vec.Norm(s.u[i]); math.Abs(got-want) > 1e-12*want {
						t.Fatalf("%s: carried ‖u_%d‖ = %.6g, actual %.6g", fmt.Sprintf("n=%d (m,k)=%v system %d", n, mk, sys), i, got, want)
					}
				}
			}
		}
	}
	if abandoned == 0 {
		t.Error("no update dropped a column: the test does not exercise the path")
	}
}
