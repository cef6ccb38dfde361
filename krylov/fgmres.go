package krylov

import (
	"context"

	"github.com/subspace-lab/subspace/linop"
)

// FGMRES solves A x = b for a general square A by flexible GMRES(m)
// (Saad 1993, "A flexible inner-outer preconditioned GMRES algorithm";
// Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., Alg. 9.6):
// right-preconditioned GMRES in which the preconditioner may differ at
// every application — an inner iterative solve, a preconditioner with
// adaptive parameters — because the preconditioned vectors zⱼ = Mⱼ vⱼ are
// stored and the solution is formed from them, x = x₀ + Z y.
//
// Everything else is as GMRES with Side = Right (Side, Left or Right, is
// not used):
// options, iteration counting (inner Arnoldi steps over all cycles),
// the stopping rule on the true residual ‖b − A x‖, breakdown handling and
// errors. Without a preconditioner it is GMRES.
//
// Memory: (2m+1)·n for V and Z plus 3n; m = o.Restart (default 30).
// o.Precond is applied once per iteration; it must not keep references to
// its arguments.
func FGMRES(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	if res, ok, err := rescaled("FGMRES", A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return FGMRES(ctx, A, b, x, o) }); ok {
		return res, err
	}
	return gmres(ctx, "FGMRES", A, b, x, o, true)
}
