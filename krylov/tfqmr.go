package krylov

import (
	"context"
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// maxTFQMRRestarts bounds TFQMR's restarts of the recurrence after a
// breakdown, a near breakdown or a loss of accuracy, per solve.
const maxTFQMRRestarts = 20

// maxTFQMRFrozen is the number of consecutive half steps with θ > 1/√ε
// (τ and x no longer change in floating point) after which TFQMR abandons
// its recurrence. Solves that recover from such a plateau by themselves
// do so within a few half steps (at most 4 on the 2-D convection–diffusion
// systems of tfqmr_test.go, winds 10–100, several right-hand sides);
// stalled ones stay there for thousands.
const maxTFQMRFrozen = 10

// Kinds of failure of TFQMR's recurrence, handled by salvage.
const (
	tfqmrBreakdown     = iota // |cos| ≤ ε²
	tfqmrNearBreakdown        // ε² < |cos| ≤ 16ε
	tfqmrLost                 // the CGS residual grew or the quasi-residual froze
)

// TFQMR solves A x = b for a general square A by Freund's transpose-free
// quasi-minimal residual method (R. W. Freund, SIAM J. Sci. Comput. 14(2),
// 1993; Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., Alg.
// 7.8), right preconditioned (the recurrence runs on A M, x = M y), with
// shadow vector r̃ = r₀: the method of SciPy's tfqmr and PETSc's KSPTFQMR.
//
// x holds the initial guess on entry (zeros for none) and the solution on
// return. Options used: RTol (default 1e-5), ATol, MaxIter (default
// 10·n), Precond, History, Progress; Side (which must be Left or
// Right) and Restart do not change the method.
//
// Iterations: one iteration is one full TFQMR step, the two half steps
// m = 2k−1, 2k of Freund's index, each with one product with A and one
// application of M (as PETSc's KSPTFQMR counts; SciPy's tfqmr counts each
// half step as an iteration, so its counts are about twice these).
// MaxIter bounds the iterations. The solve may stop after the first half
// step of an iteration, which then counts as a whole one. Cost per
// iteration: 2 products with A, 2 applications of M, 11 passes over
// vectors of length n; a nonzero x₀, each confirmation of convergence and
// each restart of the recurrence cost one more product (the true
// residual). Memory: 7n (8n with a preconditioner).
//
// Stopping: with right preconditioning the quasi-residual bound
// ‖b − A x_m‖ ≤ τ_m·√(m+1) (m half steps since the last (re)start of the
// recurrence) bounds the unpreconditioned residual. When the bound, tested
// after every half step, falls to max(RTol·‖b‖, ATol), the pass is
// confirmed with the true residual b − A x (SciPy stops on the bound
// alone, which rounding can make wrong). If the confirmation fails, the
// recurrence restarts from the true residual (new shadow vector r̃ = r);
// three failed confirmations in a row that do not halve the true residual
// stop the solve as stagnated. History and Progress report the bound
// τ_m·√(m+1) of each iteration's last half step (an upper bound: the true
// residual is often smaller).
//
// Breakdowns are never turned into NaN. σ = r̃ᵀv (v = A M u, the divisor
// of the first half step) and ρ = r̃ᵀw (w the CGS residual, the divisor of
// the next β) are tested relative to the norms involved. |cos| ≤ ε² is a
// breakdown: the recurrence restarts from the current true residual with
// a new shadow vector r̃ = r when that residual is smaller than at the
// last (re)start (the iterate is valid, only the Lanczos recurrence has
// failed; SciPy stops there instead); otherwise the solve returns an error
// wrapping ErrBreakdown that names the quantity and the iteration, x the
// last valid iterate. A near breakdown, ε² < |cos| ≤ 16ε (the computed
// value has no significant digits: the rounding error of an inner product
// and of the vectors in it is a few ε·‖r̃‖·‖z‖), restarts likewise when
// the bound τ_m·√(m+1) shows progress since the last (re)start, and is
// otherwise carried on.
//
// Loss of accuracy: the CGS residual w can grow by many orders of
// magnitude (strong convection, non-normal A); its rounding errors then
// swamp the residual TFQMR is reducing and the quasi-residual stalls
// (SciPy's tfqmr runs to its iteration limit). When ‖w‖ exceeds
// ‖b − A x‖ at the last (re)start by 1/√ε, or the quasi-residual is
// frozen (‖w‖/τ > 1/√ε: τ and x no longer change) for more than
// 10 half steps, the recurrence restarts from the true residual, whether
// or not that residual is smaller than at the last (re)start: it is the
// recurrence that has failed, not the iterate, and one near breakdown
// (a tiny σ, a huge α) can make ‖w‖ jump past the limit before the
// residual has started to fall (on badly row-scaled systems with ILU(0)
// or SSOR, stopping there left relative residuals of 1–1.5 where PETSc's
// KSPTFQMR, which has no such rule, converges; restarted, they converge
// too). Once the restarts are used up, a loss of accuracy stops the solve
// as stagnated (ErrNotConverged). All restarts
// together are bounded by 20 per solve; the Reason of a converged solve
// counts them.
//
// A solve that fails (breakdown, loss of accuracy, MaxIter, stagnation, a
// NaN in the recurrence) returns the better, by true residual, of its
// last iterate and the (re)start iterate of smallest residual (x₀
// included), so x is never worse than the initial guess: the residual of
// TFQMR is not monotone, and its last iterate ended up to 2.3 times x₀'s
// on singular and nearly singular systems with Jacobi. Other errors:
// ErrNaN, ErrNotConverged (MaxIter or stagnation), a wrapped ctx.Err().
func TFQMR(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	if res, ok, err := rescaled("TFQMR", A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return TFQMR(ctx, A, b, x, o) }); ok {
		return res, err
	}
	return tfqmr(ctx, A, b, x, o, maxTFQMRRestarts)
}

// tfqmr is TFQMR with at most maxRestarts restarts of the recurrence.
//
// Notation (Saad's Alg. 7.8 on A M): w is the CGS residual, u the half
// step's direction, v = A M u_{2k} (between iterations it holds
// β(A M u_{2k+1} + β v_{2k}), completed by the next product), d the
// smoothing direction, kept premultiplied by M so that x ← x + η d.
func tfqmr(ctx context.Context, A linop.Operator, b, x []float64, o *Options, maxRestarts int) (Result, error) {
	const method = "TFQMR"
	opt, bnorm, thresh, res, done, err := start(method, A, b, x, o)
	if done {
		return res, err
	}
	n := len(b)
	mon := newMonitor(ctx, method, &opt, bnorm, &res)
	M := opt.Precond

	rt := make([]float64, n) // shadow vector r̃
	w := make([]float64, n)
	u := make([]float64, n)
	v := make([]float64, n)
	au := make([]float64, n) // A M u
	d := make([]float64, n)  // M d
	uhat := u                // M u
	if M != nil {
		uhat = make([]float64, n)
	}
	xbest := make([]float64, n) // the best (re)start iterate

	rnorm, done, err := initialResidual(method, A, b, x, w, au, bnorm, thresh, &res, &mon)
	if done {
		return res, err
	}

	const (
		tiny    = eps * eps
		nearCos = 16 * eps // |cos| below which a computed r̃ᵀz has no significant digits
	)
	sqrtEps := math.Sqrt(eps)
	var stag stagnation
	var (
		rho, alpha, rtNorm float64
		tau                float64 // quasi-residual norm τ_m
		bound              float64 // τ_m·√(m+1) ≥ ‖b − A x‖
		s2eta              float64 // θ_m²·η_m of the last half step
		lostAt             float64 // ‖w‖ beyond which the recurrence is abandoned
		m                  int     // half steps since the last (re)start
		frozen             int     // consecutive half steps with θ > 1/√ε
		lost               string  // why the recurrence is abandoned, or ""
	)
	fresh := true // start (or restart) the recurrence from w = r
	restarts := 0
	rStart := 0.0 // true ‖r‖ at the last (re)start: a restart after a breakdown needs progress since
	// xbest is the (re)start iterate of smallest true residual, best that
	// residual: a solve that fails returns it if x is worse.
	vec.Copy(xbest, x)
	best := rnorm
	// settle returns tn, the true residual norm of x, or, when the solve
	// has failed and xbest is better, replaces x by xbest and returns its
	// true residual (au is scratch).
	settle := func(tn float64) float64 {
		if tn <= thresh || tn <= best {
			return tn
		}
		bn := residualTo(au, A, b, xbest)
		res.MatVecs++
		if bn < tn || !finite(tn) {
			vec.Copy(x, xbest)
			return bn
		}
		return tn
	}
	// fail concludes a failed solve with err (nil: the iteration limit).
	fail := func(err error) error {
		tn := residualTo(au, A, b, x)
		res.MatVecs++
		return conclude(method, settle(tn), bnorm, thresh, &res, err)
	}
	nanErr := func(it int, what string) error {
		return fail(errorf("%s: %s is not finite at iteration %d: %w", method, what, it, ErrNaN))
	}
	// concluded concludes a solve whose true residual rnorm passed (or
	// stagnated), counting the restarts in Reason when it converged.
	concluded := func() error {
		return concludeRestarted(method, settle(rnorm), bnorm, thresh, &res, restarts, "restart(s) of the recurrence")
	}
	// confirm computes the true residual of x into w; it reports whether
	// the solve converged or stagnated (stop) and otherwise arms a restart
	// of the recurrence from it.
	confirm := func() (stop bool) {
		rnorm, stop = confirmTrue(A, b, x, w, thresh, &res, &stag)
		fresh = !stop
		return stop
	}
	// salvage handles a failure of the recurrence (kind, described by
	// what) at iteration it. A near breakdown without progress shown by
	// the bound is carried on (neither stop nor restarted). Otherwise,
	// when x moved since the last (re)start, salvage computes its true
	// residual into w and concludes if it passes, or arms a restart from
	// it (restarted) if restarts remain and it is smaller than at the last
	// (re)start (a near breakdown and a loss of accuracy restart anyway).
	// Failing that, it stops with ErrBreakdown (a breakdown) or as
	// stagnated (a loss of accuracy).
	salvage := func(it int, what string, kind int) (stop, restarted bool, err error) {
		if kind == tfqmrNearBreakdown && (m == 0 || restarts >= maxRestarts || !(bound < rStart)) {
			return false, false, nil
		}
		if m > 0 {
			rnorm = residualTo(w, A, b, x)
			res.MatVecs++
			if rnorm <= thresh {
				return true, false, concluded()
			}
			if !finite(rnorm) {
				return true, false, conclude(method, settle(rnorm), bnorm, thresh, &res,
					errorf("%s: true residual is %v at iteration %d: %w", method, rnorm, it, ErrNaN))
			}
			if restarts < maxRestarts && (rnorm < rStart || kind != tfqmrBreakdown) {
				restarts++
				fresh = true
				return false, true, nil
			}
		}
		// Otherwise rnorm is the true residual of x.
		if kind == tfqmrLost {
			res.Reason = "stagnated: " + what
			if restarts > 0 {
				res.Reason += fmt.Sprintf(" (after %d restart(s))", restarts)
			}
			return true, false, conclude(method, settle(rnorm), bnorm, thresh, &res, nil)
		}
		res.Reason = "breakdown: " + what
		return true, false, conclude(method, settle(rnorm), bnorm, thresh, &res,
			errorf("%s: breakdown at iteration %d (after %d restart(s)): %s: %w", method, it, restarts, what, ErrBreakdown))
	}
	// tested classifies dot = r̃ᵀz against ‖r̃‖·‖z‖ = scale: sound (bad
	// false), a breakdown (|cos| ≤ ε²) or a near breakdown (|cos| ≤ 16ε).
	tested := func(dot, scale float64) (kind int, bad bool) {
		switch a := math.Abs(dot); {
		case a <= tiny*scale:
			return tfqmrBreakdown, true
		case a <= nearCos*scale:
			return tfqmrNearBreakdown, true
		}
		return 0, false
	}
	// step ends a half step whose CGS residual has ‖w‖² = ww: the QMR
	// weights (θ, c, τ, η; Saad's lines 8–9, with hypot against
	// overflow), x ← x + η d and the bound τ·√(m+1). It sets lost when
	// the recurrence has lost the accuracy it needs.
	step := func(ww float64) {
		wnorm := math.Sqrt(ww)
		theta := wnorm / tau
		switch {
		case wnorm > lostAt:
			lost = "the CGS residual grew by more than 1/√ε since the last (re)start (its rounding errors swamp the residual)"
		case theta > 1/sqrtEps:
			if frozen++; frozen > maxTFQMRFrozen {
				lost = fmt.Sprintf("the quasi-residual stalled for %d half steps (‖w‖/τ > 1/√ε)", frozen)
			}
		default:
			frozen = 0
		}
		h := math.Hypot(1, theta) // 1/c
		tau = wnorm / h           // τ·θ·c
		eta := alpha / h / h      // c²·α
		s := theta / h            // θ·c
		s2eta = s * s * alpha     // θ²·η
		vec.Axpy(eta, d, x)
		m++
		bound = tau * math.Sqrt(float64(m+1))
	}

	for it := 1; it <= opt.MaxIter; it++ {
		if fresh {
			vec.Copy(rt, w)
			vec.Copy(u, w)
			rho = vec.Dot(rt, w)
			rtNorm, rStart, tau, bound = rnorm, rnorm, rnorm, rnorm
			if rnorm < best {
				// A restart: rnorm is the true residual of x.
				best = rnorm
				vec.Copy(xbest, x)
			}
			lostAt = rnorm / sqrtEps
			s2eta, m, frozen, lost = 0, 0, 0, ""
		}

		// First half step (u = u_{2k}).
		if M != nil {
			M.Apply(uhat, u)
		}
		A.Apply(au, uhat)
		res.MatVecs++
		if fresh {
			vec.Copy(v, au)
		} else {
			vec.Axpy(1, au, v)
		}
		sigma, vv := vec.Dot2(v, rt, v)
		vnorm := safeNorm(v, vv)
		if !finite(sigma) || !finite(vnorm) {
			return res, nanErr(it, "A·M·u")
		}
		if kind, bad := tested(sigma, rtNorm*vnorm); bad {
			stop, restarted, err := salvage(it, "σ = r̃ᵀv = 0 (v = A M u is orthogonal to the shadow vector)", kind)
			if stop {
				return res, err
			}
			if restarted {
				it--
				continue
			}
		}
		alpha = rho / sigma
		if fresh {
			vec.Copy(d, uhat)
			fresh = false
		} else {
			vec.AddScaled(d, uhat, s2eta/alpha, d)
		}
		// u_{2k+1} = u − αv and w ← w − αA M u, with ‖w‖², in one pass
		// (after d, which reads u when M = nil).
		ww := vec.AxpyAxpyNorm2(-alpha, v, u, -alpha, au, w)
		if !finite(ww) {
			return res, nanErr(it, "w")
		}
		step(ww)
		res.Iterations = it
		if bound <= thresh || lost != "" {
			if err := mon.record(it, bound); err != nil {
				return res, finish(method, A, b, x, au, bnorm, thresh, &res, err)
			}
			if bound <= thresh {
				if confirm() {
					return res, concluded()
				}
			} else if stop, _, err := salvage(it, lost, tfqmrLost); stop {
				return res, err
			}
			continue
		}

		// Second half step (u = u_{2k+1}, same α).
		if M != nil {
			M.Apply(uhat, u)
		}
		A.Apply(au, uhat)
		res.MatVecs++
		vec.AddScaled(d, uhat, s2eta/alpha, d)
		vec.Axpy(-alpha, au, w)
		ww, rhoNew := vec.Dot2(w, w, rt)
		if !finite(ww) || !finite(rhoNew) {
			// Iteration it ends with its first half step (x updated and
			// counted): its bound is the iteration's entry.
			if err := mon.record(it, bound); err != nil {
				return res, finish(method, A, b, x, au, bnorm, thresh, &res, err)
			}
			return res, nanErr(it, "w")
		}
		step(ww)
		if err := mon.record(it, bound); err != nil {
			return res, finish(method, A, b, x, au, bnorm, thresh, &res, err)
		}
		if bound <= thresh {
			if confirm() {
				return res, concluded()
			}
			continue
		}
		if lost != "" {
			if stop, _, err := salvage(it, lost, tfqmrLost); stop {
				return res, err
			}
			continue
		}
		if kind, bad := tested(rhoNew, rtNorm*math.Sqrt(ww)); bad {
			stop, restarted, err := salvage(it, "ρ = r̃ᵀw = 0 (the CGS residual is orthogonal to the shadow vector)", kind)
			if stop {
				return res, err
			}
			if restarted {
				continue
			}
		}
		// u_{2k+2} = w + βu_{2k+1}; v ← β(A M u_{2k+1} + βv_{2k}), to which
		// the next iteration adds A M u_{2k+2}.
		beta := rhoNew / rho
		vec.Axpby(1, w, beta, u)
		vec.Axpby(beta, au, beta*beta, v)
		rho = rhoNew
	}
	return res, fail(nil)
}
