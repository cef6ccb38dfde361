package benchutil

import (
	"context"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
)

// ColdGCRODR returns s.Solve preceded by s.Reset: every solve starts with
// an empty recycled space, so only GCRO-DR's deflated restarts act (a
// single-system solve, or the "cold" lane beside a recycling one). The
// storage is allocated once, by the caller, outside the timed solves.
func ColdGCRODR(s *krylov.GCRODR) func(ctx context.Context, A linop.Operator, b, x []float64, o *krylov.Options) (krylov.Result, error) {
	return func(ctx context.Context, A linop.Operator, b, x []float64, o *krylov.Options) (krylov.Result, error) {
		s.Reset()
		return s.Solve(ctx, A, b, x, o)
	}
}
