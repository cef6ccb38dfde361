package krylov

import (
	"context"
	"errors"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// maxBiCGStabRestarts bounds BiCGStab's restarts of the recurrence after a
// breakdown, per solve.
const maxBiCGStabRestarts = 20

// BiCGStab solves A x = b for a general square A by the stabilised
// biconjugate gradient method of van der Vorst (1992), right
// preconditioned (Saad, Iterative Methods for Sparse Linear Systems, 2nd
// ed., Alg. 7.7 applied to A M, x = M y), with shadow residual r̂ = r₀.
//
// x holds the initial guess on entry (zeros for none) and the solution on
// return. Options used: RTol (default 1e-5), ATol, MaxIter (default
// 10·n), Precond, History, Progress; Side (which must be Left or
// Right) and Restart do not change the method.
//
// One iteration is two products with A and two applications of M (as in
// SciPy and PETSc's bcgs); MaxIter bounds the iterations. Memory: 6n (8n
// with a preconditioner).
//
// Stopping: with right preconditioning the recurrence residual is the
// unpreconditioned residual. It is tested after each half step (s = r − αAp̂,
// where the solve may stop with x + αp̂) and each full step, against
// max(RTol·‖b‖, ATol); a pass is confirmed with the true residual
// b − A x. If the confirmation fails, the recurrence restarts from the
// true residual (new shadow vector r̂ = r); three failed confirmations in a
// row that do not halve the true residual stop the solve as stagnated.
//
// Breakdowns are never turned into NaN. ρ = r̂ᵀr = 0 (the shadow residual
// is orthogonal to the residual), r̂ᵀAp̂ = 0 and ω = tᵀs/tᵀt = 0 (the
// stabilising step makes no progress), each tested relative to the norms
// involved (|cos| ≤ ε²), restart the recurrence from the current residual
// with a new shadow vector r̂ = r when they occur after at least one full
// step since the last (re)start, at most 20 times per solve: the iterate
// is valid, only the Lanczos recurrence has failed (SciPy and PETSc stop
// there instead). A restart whose residual is not below that of the
// (re)start before it may not be followed by another such: the second
// breakdown in a row without progress stops the solve. (Rows scaled by
// 10^±6 with Jacobi can leave ρ at exactly 0 by rounding while the
// residual is above ‖b‖; restarted, they converge as PETSc's and SciPy's
// runs do, while more restarts without progress let west0067's residual
// grow to 1e11.) A breakdown right at a (re)start, one that may not
// restart, or tᵀt = 0 (A·ŝ = 0 for s ≠ 0), returns an error wrapping
// ErrBreakdown that names the quantity and the iteration.
//
// A solve that fails (breakdown, MaxIter, stagnation) returns the better,
// by true residual, of its last iterate and the (re)start iterate of
// smallest residual (x₀ included), so x is never worse than the initial
// guess. The Reason of a converged solve counts its restarts. Other
// errors: ErrNaN, ErrNotConverged, a wrapped ctx.Err().
func BiCGStab(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	if res, ok, err := rescaled("BiCGStab", A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return BiCGStab(ctx, A, b, x, o) }); ok {
		return res, err
	}
	return bicgstab(ctx, A, b, x, o, maxBiCGStabRestarts)
}

// bicgstab is BiCGStab with at most maxRestarts restarts on breakdown.
func bicgstab(ctx context.Context, A linop.Operator, b, x []float64, o *Options, maxRestarts int) (Result, error) {
	const method = "BiCGStab"
	opt, bnorm, thresh, res, done, err := start(method, A, b, x, o)
	if done {
		return res, err
	}
	n := len(b)
	mon := newMonitor(ctx, method, &opt, bnorm, &res)
	M := opt.Precond

	r := make([]float64, n)
	rhat := make([]float64, n)
	p := make([]float64, n)
	v := make([]float64, n)
	t := make([]float64, n)
	phat, shat := p, r
	if M != nil {
		phat = make([]float64, n)
		shat = make([]float64, n)
	}

	rnorm, done, err := initialResidual(method, A, b, x, r, t, bnorm, thresh, &res, &mon)
	if done {
		return res, err
	}

	const tiny = eps * eps
	var stag stagnation
	var rhoOld, alpha, omega, rhatNorm float64
	fresh := true // start (or restart) the recurrence from r
	steps := 0    // full steps since the last (re)start
	restarts := 0
	stalls := 0   // restarts in a row without progress
	rStart := 0.0 // ‖r‖ at the last (re)start
	// xbest is the (re)start iterate of smallest residual, best that
	// residual: a solve that fails returns it if x is worse.
	xbest := make([]float64, n)
	vec.Copy(xbest, x)
	best := rnorm
	// settle makes x the better of x and xbest before a failed solve
	// ends (true residuals compared; t is scratch).
	// An x that is no longer finite (tn NaN) is replaced.
	settle := func() {
		tn := residualTo(t, A, b, x)
		res.MatVecs++
		if !(tn <= best) {
			bn := residualTo(t, A, b, xbest)
			res.MatVecs++
			if !(tn <= bn) {
				vec.Copy(x, xbest)
			}
		}
	}
	// fail ends a solve stopped by err (a NaN or Inf, or a cancelled
	// context): on a NaN x is settled first, since the step that made
	// it may have left x infinite.
	fail := func(err error) error {
		if errors.Is(err, ErrNaN) {
			settle()
		}
		return finish(method, A, b, x, t, bnorm, thresh, &res, err)
	}
	breakdown := func(it int, what string) error {
		res.Reason = "breakdown: " + what
		settle()
		return finish(method, A, b, x, t, bnorm, thresh, &res,
			errorf("%s: breakdown at iteration %d: %s: %w", method, it, what, ErrBreakdown))
	}
	// restart reports whether a breakdown may restart the recurrence from
	// the current residual, and arms the restart.
	restart := func() bool {
		if steps == 0 || restarts >= maxRestarts {
			return false
		}
		if rnorm < rStart {
			stalls = 0
		} else if stalls++; stalls > 1 {
			return false
		}
		restarts++
		fresh = true
		return true
	}
	// concluded concludes a solve whose true residual passed (or stagnated),
	// counting the restarts in Reason when it converged.
	concluded := func() error {
		return concludeRestarted(method, rnorm, bnorm, thresh, &res, restarts, "restart(s) of the recurrence on breakdown")
	}
	// confirm checks the true residual of x into r; it reports whether
	// the solve converged or stagnated (stop) and leaves r the true
	// residual otherwise, restarting the recurrence.
	confirm := func() (stop bool) {
		rnorm, stop = confirmTrue(A, b, x, r, thresh, &res, &stag)
		fresh = !stop
		return stop
	}

	for it := 1; it <= opt.MaxIter; it++ {
		if fresh {
			vec.Copy(rhat, r)
			rhatNorm = rnorm
			rStart = rnorm
			if rnorm < best {
				best = rnorm
				vec.Copy(xbest, x)
			}
		}
		rho := vec.Dot(rhat, r)
		if !finite(rho) {
			return res, fail(
				errorf("%s: ρ = %v at iteration %d: %w", method, rho, it, ErrNaN))
		}
		if math.Abs(rho) <= tiny*rhatNorm*rnorm {
			if restart() {
				it--
				continue
			}
			return res, breakdown(it, "ρ = r̂ᵀr = 0 (the residual is orthogonal to the shadow residual)")
		}
		if fresh {
			vec.Copy(p, r)
			fresh = false
			steps = 0
		} else {
			beta := (rho / rhoOld) * (alpha / omega)
			vec.Axpy(-omega, v, p)
			vec.AddScaled(p, r, beta, p)
		}
		if M != nil {
			M.Apply(phat, p)
		}
		A.Apply(v, phat)
		res.MatVecs++
		rv, vv := vec.Dot2(v, rhat, v)
		vnorm := safeNorm(v, vv)
		if !finite(rv) || !finite(vnorm) {
			return res, fail(
				errorf("%s: A·p̂ is not finite at iteration %d: %w", method, it, ErrNaN))
		}
		if math.Abs(rv) <= tiny*rhatNorm*vnorm {
			if restart() {
				it--
				continue
			}
			return res, breakdown(it, "r̂ᵀA p̂ = 0")
		}
		alpha = rho / rv
		// x ← x + αp̂ and s = r ← r − αv, with ‖s‖², in one pass.
		snorm := math.Sqrt(vec.AxpyAxpyNorm2(alpha, phat, x, -alpha, v, r))
		res.Iterations = it
		if snorm <= thresh {
			if err := mon.record(it, snorm); err != nil {
				return res, fail(err)
			}
			if confirm() {
				return res, concluded()
			}
			continue
		}
		if M != nil {
			M.Apply(shat, r)
		}
		A.Apply(t, shat)
		res.MatVecs++
		tt, ts := vec.Dot2(t, t, r)
		tnorm := safeNorm(t, tt)
		if !finite(tnorm) || !finite(ts) {
			// x + αp̂ and r = s are valid: iteration it ends with them
			// (recorded, as it is counted), and the failure is reported.
			if err := mon.record(it, snorm); err != nil {
				return res, fail(err)
			}
			return res, fail(
				errorf("%s: A·ŝ is not finite at iteration %d: %w", method, it, ErrNaN))
		}
		if tnorm == 0 || math.Abs(ts) <= tiny*tnorm*snorm {
			// x + αp̂ and r = s are valid: iteration it ends with them
			// (recorded), and the recurrence restarts from them if it may.
			rnorm = snorm
			if err := mon.record(it, rnorm); err != nil {
				return res, fail(err)
			}
			if tnorm == 0 {
				return res, breakdown(it, "tᵀt = 0 (A·ŝ = 0 for s ≠ 0: A is singular)")
			}
			if restart() {
				continue
			}
			return res, breakdown(it, "ω = tᵀs/tᵀt = 0 (the stabilising step makes no progress)")
		}
		omega = overSq(ts, tt, tnorm)
		if M != nil {
			rnorm = math.Sqrt(vec.AxpyAxpyNorm2(omega, shat, x, -omega, t, r))
		} else {
			// ŝ is r itself: update x before r.
			vec.Axpy(omega, r, x)
			vec.Axpy(-omega, t, r)
			rnorm = vec.Norm(r)
		}
		if err := mon.record(it, rnorm); err != nil {
			return res, fail(err)
		}
		rhoOld = rho
		steps++
		if rnorm <= thresh && confirm() {
			return res, concluded()
		}
	}
	settle()
	return res, finish(method, A, b, x, t, bnorm, thresh, &res, nil)
}
