package krylov

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// An initial guess so far from the solution that ‖b − A x₀‖² overflows
// (here ‖b − A x₀‖ ≈ 1e155 for ‖b‖ ≈ 2) is finite input: the solvers
// must not report it as NaN/Inf (ErrNaN, Residual = +Inf, no History),
// but iterate from it (the residual norm itself is representable) and
// report the true residual of what they return. Found by a randomized
// differential audit (x₀ = 1e150·randn with a 1e5-scaled matrix, and
// b of norm 1e-115, rescaled by 2^381, with x₀ = 1e150).
func TestGMRESHugeInitialResidual(t *testing.T) {
	ctx := context.Background()
	n := 4
	a := ktNonsym(n, 3, 5)
	A := linop.Dense(a)
	b := []float64{1, -1, 0.5, 0.25}
	x0 := []float64{1e155, -2e155, 3e154, 7e154}
	for _, tc := range []struct {
		name  string
		solve solverFunc
		o     Options
	}{
		{"GMRES", GMRES, Options{RTol: 1e-6, Restart: n}},
		{"GMRES left", GMRES, Options{RTol: 1e-6, Restart: n, Precond: linop.Diag([]float64{1, 2, 1, 0.5}), Side: Left}},
		{"FGMRES", FGMRES, Options{RTol: 1e-6, Restart: n}},
		{"GCRODR", func(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
			return NewGCRODR(n, &GCRODROptions{M: n, K: 2}).Solve(ctx, A, b, x, o)
		}, Options{RTol: 1e-6}},
	} {
		x := append([]float64(nil), x0...)
		o := tc.o
		o.History = true
		o.MaxIter = 400
		res, err := tc.solve(ctx, A, b, x, &o)
		if errors.Is(err, ErrNaN) {
			t.Errorf("%s: ErrNaN for finite input: %v", tc.name, err)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if math.IsInf(res.Residual, 0) || math.IsNaN(res.Residual) {
			t.Errorf("%s: Residual = %v", tc.name, res.Residual)
		}
		if len(res.History) != res.Iterations+1 {
			t.Errorf("%s: len(History) = %d, Iterations = %d", tc.name, len(res.History), res.Iterations)
		}
		if got := ktRelRes(a, b, x) * vec.Norm(b); math.Abs(got-res.Residual) > 1e-8*got {
			t.Errorf("%s: Residual %g, recomputed %g", tc.name, res.Residual, got)
		}
	}
}
