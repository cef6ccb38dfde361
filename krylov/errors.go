package krylov

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by the solvers wrap one of these (test
// with errors.Is), except a cancelled context's (which wraps ctx.Err()),
// and say where it happened (method, iteration, values).
// When a solver returns an error it still returns a Result describing the
// iterate it left in x.
var (
	// ErrNotConverged: the iteration limit was reached before the
	// stopping rule was met.
	ErrNotConverged = errors.New("did not converge")
	// ErrBreakdown: a recurrence divided by (near) zero and cannot continue
	// (for example BiCGStab's ρ = r̂ᵀr = 0, or a singular Hessenberg
	// matrix in GMRES on a singular system).
	ErrBreakdown = errors.New("breakdown")
	// ErrIndefinite: a method that needs a symmetric positive definite
	// operator (CG) or preconditioner (CG, MINRES) found pᵀAp ≤ 0 or
	// rᵀMr ≤ 0.
	ErrIndefinite = errors.New("not positive definite")
	// ErrNaN: a NaN or infinity appeared in the input or the iteration.
	ErrNaN = errors.New("NaN or Inf")
	// ErrOption: an option is out of range (negative or infinite
	// tolerances, MaxIter < 0, an unknown Side, a Restart or Shadow the
	// solver cannot use) or the operator lacks what the method needs (LSQR
	// and LSMR need a linop.Transposer).
	ErrOption = errors.New("invalid option")
)

func errorf(format string, args ...any) error {
	return fmt.Errorf("krylov: "+format, args...)
}
