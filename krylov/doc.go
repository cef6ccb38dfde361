// Package krylov solves linear systems A x = b and least-squares problems
// min ‖A x − b‖ with Krylov subspace methods: CG, MINRES, GMRES(m), FGMRES,
// BiCGStab, IDR(s), TFQMR, LSQR, LSMR, and GCRO-DR, which recycles a
// subspace across a sequence of systems.
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
// Result.RelResidual is always ‖b − A x‖/‖b‖ of the x returned. LSQR and
// LSMR use the stopping rules of their papers instead (see LSOptions).
//
// Errors: data-dependent failures return an error wrapping one of
// ErrNotConverged, ErrBreakdown, ErrIndefinite or ErrNaN, naming the method
// and the iteration in which the failure was detected, counted from 1
// (Result.Iterations counts completed iterations only, so it is one less
// when the failure stopped an iteration before its update, as CG's pᵀAp ≤
// 0 does). A nil operator, dimension mismatches, and an x that
// shares memory with b (x is updated while b is still read, so an in-place
// solve would be wrong; LSQR and LSMR included), are programming errors
// and panic with a "krylov:" message.
//
// # Methods and the choices their papers leave open
//
// CG — Hestenes & Stiefel (1952), preconditioned as in Saad, Iterative
// Methods for Sparse Linear Systems (2003), Alg. 9.1. pᵀAp ≤ 0 or rᵀMr ≤ 0
// stops with ErrIndefinite. When the recurrence residual passes the
// tolerance but the true residual does not, the residual is replaced by the
// true one and the iteration continues (van der Vorst & Ye 2000). For a
// *sparse.CSR the product is fused with pᵀAp.
//
// MINRES — Paige & Saunders (1975), with an SPD preconditioner as in
// Saunders' reference code. The recurrence gives ‖r‖ in the M-norm; the
// target is scaled by ‖r₀‖/‖r₀‖_M and confirmed on the true residual. A
// least-squares stop at ‖Ar‖/(‖A‖‖r‖) ≤ √ε (reported as not converged)
// ends incompatible singular systems before x grows.
//
// GMRES(m), FGMRES — Saad & Schultz (1986) and Saad (1993). Arnoldi by
// classical Gram–Schmidt with reorthogonalisation when the measured loss of
// orthogonality exceeds max(1e-12, 4ε√(nk)) (Options.Orthog selects one
// pass, PETSc's and Krylov.jl's default, or always two instead); Givens
// rotations for the least-squares problem; default restart 30 (PETSc's).
// Right preconditioning by default (the minimised residual is the true
// one); with left preconditioning the ‖M r‖ target is scaled by
// ‖r₀‖/‖M r₀‖ of each cycle and every pass of the estimate is confirmed on
// the true residual before the solve may stop. Iterations count inner
// (Arnoldi) steps over all cycles, as PETSc does.
//
// BiCGStab — van der Vorst (1992), right preconditioned, shadow residual
// r̂ = r₀. A breakdown (ρ = 0, r̂ᵀAp̂ = 0, ω = 0, tested as |cos| ≤ ε²)
// after a full step restarts the recurrence from the current residual (at
// most 20 times per solve, and not twice in a row without progress; SciPy
// and PETSc stop there); one right at a (re)start is reported with the
// iteration. After a failed confirmation of convergence the recurrence
// restarts from the true residual. A failed solve returns the better of
// its last iterate and its best (re)start iterate.
//
// IDR(s) — Sonneveld & van Gijzen (2008), the biorthogonal variant of
// van Gijzen & Sonneveld (2011), right preconditioned, s = Options.Shadow
// (default 4) random shadow vectors from a fixed seed. One product per
// iteration; short recurrences (memory (3s+5)·n). A zero pivot of the small
// biorthogonal system, or a failed confirmation, starts the method afresh
// from the current residual.
//
// TFQMR — Freund (1993), right preconditioned, shadow r̃ = r₀; one
// iteration is two half steps (PETSc's count). The quasi-residual bound
// τ√(m+1) decides when to confirm on the true residual; breakdowns, near
// breakdowns with progress and a detected loss of accuracy of the CGS
// residual restart the recurrence from the true residual.
//
// LSQR — Paige & Saunders (1982); LSMR — Fong & Saunders (2011). Damping
// and the ATol/BTol/ConLim stopping rules as SciPy's lsqr and lsmr (default
// tolerances: LSMR's as SciPy's, 1e-6; LSQR's 1e-8, SciPy's before it moved
// to 1e-6; see LSOptions); the result carries the true ‖r‖ and ‖Aᵀr‖ and the
// methods' estimates of ‖A‖ and cond(A). No reorthogonalisation.
//
// Shared by all: inputs with NaN/Inf are refused (ErrNaN), a NaN/Inf in
// the iteration stops it (ErrNaN), b = 0 returns x = 0 at once, and an
// initial guess that already satisfies the rule returns after one product
// (GCRO-DR: plus the products that rebuild C = A·U for a new operator, and
// one to confirm). A right-hand side of norm below 2^−300 or above 2^300
// is solved as the system scaled by a power of two, exactly, so that
// residual norms neither underflow nor overflow. Scaling x back can round
// entries that fall below the normal range (2^−1022): the true residual
// of the rounded x is then computed (one product) and decides convergence.
// A solution beyond the range is ErrNaN, and a failed solve whose iterate
// would overflow returns x₀.
// Three failed confirmations in a row that do not halve the true residual
// stop a solve as stagnated (the tolerance is below the attainable
// accuracy). A confirmation is made when the method's residual estimate
// passes the tolerance; where the estimate itself levels off above an
// unattainable tolerance (CG once its residual was replaced by the true
// one, GCRO-DR) the solve runs to MaxIter and reports the iteration limit,
// as SciPy's and PETSc's solvers do. The inner loops allocate nothing; work space is allocated
// once per call (GCRO-DR: once per solver, plus O(M²) small dense work per
// cycle for the recycled-space update).
//
// Failed solves (breakdown, MaxIter, stagnation, loss of accuracy) are
// never worse than x₀, in a norm that depends on the method. BiCGStab,
// IDR(s), TFQMR and MINRES return the better, by true residual ‖b − A x‖,
// of their last iterate and the best iterate whose true residual they
// computed (x₀ included); GMRES and FGMRES backtrack a cycle that ends
// above its start, in ‖b − A x‖ (‖M(b − A x)‖ with left preconditioning).
// CG does so in the A-norm of the error (the energy ½xᵀAx − bᵀx) for SPD A
// and M, its residual may then exceed x₀'s, and by true residual after
// ErrIndefinite; a nonsymmetric or indefinite A that CG does not detect, or
// a singular A with b outside its range, carries no guarantee. GCRO-DR
// returns the better, by true residual, of its last iterate and the best
// iterate whose true residual it computed (x₀, and its drift and
// stagnation checks). LSQR and LSMR are not covered by this statement
// (their ‖r̄‖ and ‖Āᵀr̄‖ estimates decrease in exact arithmetic).
package krylov
