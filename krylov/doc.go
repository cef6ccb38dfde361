// Package krylov solves linear systems A x = b and least-squares problems
// min ‖A x − b‖ with Krylov subspace methods: CG, MINRES, GMRES(m), FGMRES,
// BiCGStab, LSQR, LSMR, and GCRO-DR, which recycles a subspace across a
// sequence of systems.
//
// Every solver takes a linop.Operator (so *sparse.CSR, dense matrices and
// matrix-free operators all work), a right-hand side b, and x holding the
// initial guess on entry and the solution on return. Options carries the
// tolerances, iteration limit, preconditioner, history and progress
// callback; a context cancels a long solve.
//
// Stopping rule: converged when ‖b − A x‖ ≤ max(RTol·‖b‖, ATol), the rule
// SciPy uses (PETSc's default differs: it compares against the initial
// residual, which equals ‖b‖ for a zero initial guess). Methods track a
// recurrence estimate of the residual during the iteration and confirm
// convergence with the true residual before returning, so
// Result.RelResidual is always ‖b − A x‖/‖b‖ of the x returned.
//
// Errors: data-dependent failures return an error wrapping one of
// ErrNotConverged, ErrBreakdown, ErrIndefinite or ErrNaN, naming the method
// and the iteration. Dimension mismatches are programming errors and panic
// with a "krylov:" message.
package krylov
