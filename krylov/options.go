package krylov

import (
	"context"
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/linop"
)

// Default values used when an Options field is zero.
const (
	DefaultRTol    = 1e-5 // as SciPy
	DefaultRestart = 30   // GMRES/FGMRES restart length, as PETSc
	// DefaultMaxIterFactor times the number of unknowns is the default
	// iteration limit (SciPy uses 10·n for CG).
	DefaultMaxIterFactor = 10
)

// Side says on which side a preconditioner is applied by methods that
// support both (GMRES).
type Side int

const (
	// Right preconditioning solves A M y = b, x = M y. The residual the
	// method minimises and tests is the true residual b − A x. Default.
	Right Side = iota
	// Left preconditioning solves M A x = M b. The method minimises the
	// preconditioned residual M(b − A x); the stopping test still uses the
	// true residual when the method can afford it (see each method).
	Left
)

// String returns "left" or "right", the CLI's --side values.
func (s Side) String() string {
	if s == Left {
		return "left"
	}
	return "right"
}

// Orthog says how the Arnoldi-based methods (GMRES, FGMRES, GCRO-DR) make
// each new Krylov vector orthogonal to the basis. Every mode is classical
// Gram–Schmidt, whose passes are two sweeps over the basis (all dot
// products, then all updates) that run at memory bandwidth; they differ in
// how many passes they make.
type Orthog int

const (
	// OrthogAuto makes one pass whose update sweep also measures what is
	// left of Vᵀw, and a second (at most a third) pass only when that
	// measurement shows cancellation: ‖Vᵀw‖ > τ‖w‖, τ = max(1e-12,
	// 4ε√(n·k)). Orthogonal to working precision at the cost of one pass
	// in the common case. Default.
	OrthogAuto Orthog = iota
	// OrthogOnce makes one pass and never reorthogonalises: PETSc's GMRES
	// default (-ksp_gmres_cgs_refinement_type refine_never) and
	// Krylov.jl's (reorthogonalization = false). The cheapest; when
	// cancellation occurs (nearly dependent Krylov vectors, tight
	// tolerances on ill-conditioned systems) the basis loses
	// orthogonality, which can slow convergence or end it in stagnation
	// (the true-residual check still guards what is reported).
	OrthogOnce
	// OrthogTwice makes two passes at every step (CGS2; PETSc's
	// refine_always): orthogonal to working precision whatever the input,
	// at twice the memory traffic of OrthogOnce.
	OrthogTwice
)

// String returns "auto", "once" or "twice", the CLI's --orthog values.
func (o Orthog) String() string {
	switch o {
	case OrthogAuto:
		return "auto"
	case OrthogOnce:
		return "once"
	case OrthogTwice:
		return "twice"
	}
	return fmt.Sprintf("Orthog(%d)", int(o))
}

// ParseOrthog returns the Orthog named by s ("auto", "once" or "twice").
func ParseOrthog(s string) (Orthog, error) {
	for _, o := range []Orthog{OrthogAuto, OrthogOnce, OrthogTwice} {
		if s == o.String() {
			return o, nil
		}
	}
	return 0, errorf("%w: orthogonalisation %q (want auto, once or twice)", ErrOption, s)
}

// Options controls an iterative solve. The zero value, and a nil
// *Options, mean the documented defaults.
//
// Stopping rule (all methods unless their doc says otherwise): converged
// when ‖r‖ ≤ max(RTol·‖b‖, ATol), r = b − A x, the rule SciPy uses.
type Options struct {
	// RTol is the relative tolerance; 0 means DefaultRTol. Negative,
	// infinite and NaN values are an error (so are they for ATol).
	RTol float64
	// ATol is the absolute tolerance on ‖r‖; 0 means none.
	ATol float64
	// MaxIter bounds Result.Iterations; 0 means DefaultMaxIterFactor·n.
	// An iteration is one product with A for CG, MINRES and IDR(s), one
	// Arnoldi step (counted over all cycles) for GMRES, FGMRES and
	// GCRO-DR, and two products with A for BiCGStab and TFQMR; compare
	// Result.MatVecs to compare work across methods.
	MaxIter int
	// Precond applies M ≈ A⁻¹ (dst = M·x). nil means none. FGMRES
	// allows it to change between applications; the other methods,
	// GCRO-DR included, need it fixed during a solve.
	Precond linop.Operator
	// Side selects left or right preconditioning where a method offers
	// both; the zero value is Right.
	Side Side
	// Restart is the Krylov subspace dimension of restarted methods
	// (GMRES, FGMRES, GCRO-DR's m); 0 means DefaultRestart (GCRO-DR: the
	// solver's M, set by NewGCRODR).
	Restart int
	// Orthog selects the Gram–Schmidt variant of GMRES, FGMRES and
	// GCRO-DR's Arnoldi steps; the zero value is OrthogAuto. Other
	// methods ignore it.
	Orthog Orthog
	// Shadow is IDR(s)'s shadow-space dimension s; 0 means DefaultShadow
	// (or n when n is smaller). A value above n is an ErrOption error.
	// Other methods ignore it.
	Shadow int
	// History records, when true, the method's estimate of the absolute
	// residual norm ‖r‖ (not ‖r‖/‖b‖, unlike Progress) in Result.History:
	// History[0] = ‖b − A x₀‖ (for GCRO-DR with a recycled space, the
	// residual after x₀ is corrected over that space, where its cycles
	// start), then one entry per iteration, so len(History) =
	// Iterations + 1. See each method for what the estimate is.
	History bool
	// Progress, when not nil, is called after every iteration with the
	// iteration count and the current relative residual estimate.
	Progress func(iter int, relres float64)
}

// Result reports the outcome of a solve.
type Result struct {
	// Iterations is the number of iterations performed.
	Iterations int
	// MatVecs is the number of products with A (including the one that
	// computes the final true residual).
	MatVecs int
	// RelResidual is the true relative residual ‖b − A x‖/‖b‖ of the
	// returned x, computed from scratch at the end (‖b − A x‖ when b = 0).
	RelResidual float64
	// Residual is the true residual norm ‖b − A x‖ of the returned x.
	Residual float64
	// Converged reports whether the stopping rule was met by the true
	// residual. A cancelled solve (context done) reports false and the
	// context's error even when the x it returns happens to meet it.
	Converged bool
	// Reason says why the solve stopped, in words.
	Reason string
	// History holds the residual norm estimate of each iteration, starting
	// with the initial residual, when Options.History is set.
	History []float64
}

// tolerances returns the resolved options and the absolute residual
// threshold max(RTol·‖b‖, ATol).
func (o *Options) resolve(n int, bnorm float64) (Options, float64, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if !(r.RTol >= 0) || !(r.ATol >= 0) || math.IsInf(r.RTol, 0) || math.IsInf(r.ATol, 0) {
		return r, 0, errorf("%w: tolerances rtol=%g atol=%g (must be finite and ≥ 0)", ErrOption, r.RTol, r.ATol)
	}
	if r.Side != Left && r.Side != Right {
		return r, 0, errorf("%w: Side %d (want Left or Right)", ErrOption, int(r.Side))
	}
	if r.Orthog < OrthogAuto || r.Orthog > OrthogTwice {
		return r, 0, errorf("%w: Orthog %d (want OrthogAuto, OrthogOnce or OrthogTwice)", ErrOption, int(r.Orthog))
	}
	if r.MaxIter < 0 {
		return r, 0, errorf("%w: MaxIter %d (must be ≥ 0)", ErrOption, r.MaxIter)
	}
	if r.Restart < 0 {
		return r, 0, errorf("%w: Restart %d (must be ≥ 0)", ErrOption, r.Restart)
	}
	if r.Shadow < 0 {
		return r, 0, errorf("%w: Shadow %d (must be ≥ 0)", ErrOption, r.Shadow)
	}
	if r.RTol == 0 {
		r.RTol = DefaultRTol
	}
	if r.MaxIter == 0 {
		r.MaxIter = max(DefaultMaxIterFactor*n, 1)
	}
	if r.Restart == 0 {
		r.Restart = DefaultRestart
	}
	return r, math.Max(r.RTol*bnorm, r.ATol), nil
}

// ctxErr returns a wrapped context error if ctx is done.
func ctxErr(ctx context.Context, method string, iter int) error {
	if ctx == nil {
		return nil
	}
	select {
	case <-ctx.Done():
		return errorf("%s: cancelled at iteration %d: %w", method, iter, ctx.Err())
	default:
		return nil
	}
}
