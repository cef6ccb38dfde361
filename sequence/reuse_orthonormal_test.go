package sequence

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/sparse"
)

// onesSource gives system i as (A[i], A[i]·1).
type onesSource []*sparse.CSR

func (s onesSource) Len() int { return len(s) }

func (s onesSource) System(i int) (*sparse.CSR, []float64, error) {
	n, _ := s[i].Dims()
	one, b := make([]float64, n), make([]float64, n)
	for j := range one {
		one[j] = 1
	}
	s[i].MulVecTo(b, one)
	return s[i], b, nil
}

// TestRunReuseAfterNearlyExactProjection: six random matrices, the last
// one solved twice (ReuseIdentical keeps GCRO-DR's C for the repeat). The
// recycled space holds the solution (all ones) so nearly that the sixth
// solve starts its one cycle from a remainder of ~1e-9·‖b‖; GCRO-DR's
// one-pass projection left that remainder with components along C, the
// updated C lost its orthonormality (‖CᵀC − I‖ ≈ 1e-7), and the repeat,
// which trusts C, stagnated at 8e-8 for all 400 iterations instead of
// converging (rebuilding C, ReuseIdentical false, converged at once).
func TestRunReuseAfterNearlyExactProjection(t *testing.T) {
	const n = 40
	rng := rand.New(rand.NewPCG(202, 7))
	var src onesSource
	for k := 0; k < 6; k++ {
		c := sparse.NewCOO(n, n, 0)
		for i := 0; i < n; i++ {
			c.Append(i, i, 4)
			for j := 0; j < n; j++ {
				if rng.Float64() < 0.05 {
					c.Append(i, j, math.Round(rng.Float64()*4)/4)
				}
			}
		}
		src = append(src, c.ToCSR())
	}
	src = append(src, src[5])
	order := []int{0, 1, 2, 3, 4, 5, 6}
	st, err := Run(context.Background(), src, order, krylov.NewGCRODR(n, nil),
		&Options{Krylov: krylov.Options{RTol: 1e-9, MaxIter: 400}, ReuseIdentical: true})
	if err != nil {
		t.Fatal(err)
	}
	if !st[6].Reused {
		t.Fatalf("system 6 did not reuse system 5's matrix")
	}
	for _, s := range st {
		if !s.Converged || !(s.RelResidual <= 1e-9) {
			t.Errorf("system %d: converged %v after %d iterations, relative residual %.3g > 1e-9 (%s)", s.System, s.Converged, s.Iterations, s.RelResidual, s.Err)
		}
	}
}
