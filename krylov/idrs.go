package krylov

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// DefaultShadow is IDR(s)'s default shadow-space dimension s, the value
// its authors recommend for general use.
const DefaultShadow = 4

// idrsAngle is the minimum angle (as a cosine) between t = A·M·r and r
// that IDR(s) keeps when it picks ω, van der Vorst and Sleijpen's
// "maintaining the convergence" rule with the authors' value 0.7.
const idrsAngle = 0.7

// idrsSeed seeds the shadow space, so that solves are reproducible.
const idrsSeed = 0x1d5

// maxIDRSRestarts bounds IDR(s)'s fresh starts after a breakdown or a
// failed confirmation of convergence, per solve.
const maxIDRSRestarts = 20

// IDRS solves A x = b for a general square A by IDR(s), the induced
// dimension reduction method of Sonneveld and van Gijzen (SIAM J. Sci.
// Comput. 31(2), 2008) in its biorthogonal variant (van Gijzen and
// Sonneveld, "Algorithm 913: an elegant IDR(s) variant that efficiently
// exploits biorthogonality properties", ACM TOMS 38(1), 2011), right
// preconditioned (A M y = b, x = M y, so the residual it updates is the
// true one). s = Options.Shadow (default DefaultShadow = 4, or n when n
// is smaller); s = 1 is
// mathematically BiCGStab. The s shadow vectors are random with a fixed
// seed, orthonormalised, so a solve is reproducible.
//
// x holds the initial guess on entry (zeros for none) and the solution on
// return. Options used: RTol (default 1e-5), ATol, MaxIter (default
// 10·n), Precond, Shadow, History, Progress; Side (which must be Left or
// Right) and Restart do not change the method.
//
// An iteration is one product with A and one application of M (s+1 of
// them per cycle of s biorthogonalisation steps and one dimension
// reduction step); MaxIter bounds them, and History has one entry per
// iteration. IDR(s) reaches in at most n + n/s products what GMRES
// reaches in n, with short recurrences: memory (3s + 5)·n, and per
// iteration about 4s vector operations of length n, fused into a few
// passes over memory.
//
// Stopping: the updated residual is tested after every iteration against
// max(RTol·‖b‖, ATol) and a pass is confirmed with the true residual
// b − A x. If the confirmation fails, the method starts afresh from the
// true residual; three failed confirmations in a row that do not halve it
// stop the solve as stagnated.
//
// Breakdowns are never turned into NaN: a zero pivot Pₖᵀgₖ of the small
// biorthogonal system (relative to ‖gₖ‖, |cos| ≤ ε²) restarts the method
// from the current residual when the residual has decreased since the
// last start (at most 20 times), and otherwise returns an error wrapping
// ErrBreakdown naming the pivot and the iteration; A·M·r = 0 for r ≠ 0
// (A singular) is ErrBreakdown too. A failed solve returns the better (by
// true residual) of its last iterate and its best (re)start iterate, x0
// included, as BiCGStab does: the residual of IDR(s) is not monotone, and
// on a singular, inconsistent system the last iterate can be far worse
// than x0 (A = [1 1; 1 1], b = (1, 0) ended at ‖x‖ ≈ 1e31), where GMRES or
// MINRES stop near the least-squares solution. Other errors: ErrNaN,
// ErrNotConverged, a wrapped ctx.Err().
func IDRS(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	const method = "IDR(s)"
	if res, ok, err := rescaled(method, A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return IDRS(ctx, A, b, x, o) }); ok {
		return res, err
	}
	opt, bnorm, thresh, res, done, err := start(method, A, b, x, o)
	if done {
		return res, err
	}
	s := opt.Shadow
	n := len(b)
	if s == 0 {
		s = min(DefaultShadow, n) // IDR(n) is exact in n+1 steps; s > n has no meaning
	}
	if s < 0 || s > n {
		return Result{Reason: "invalid options", Residual: math.NaN(), RelResidual: math.NaN()}, errorf("%s: %w: Shadow %d (must be in [1, n = %d])", method, ErrOption, opt.Shadow, n)
	}
	w := newIDRS(n, s, opt.Precond != nil)
	mon := newMonitor(ctx, method, &opt, bnorm, &res)
	return w.solve(A, opt.Precond, b, x, bnorm, thresh, &res, &mon, opt.MaxIter)
}

// idrs is the state of one IDR(s) solve.
type idrs struct {
	s       int
	P, G, U [][]float64 // shadow space, and the biorthogonal bases G = A·U
	r, v, t []float64
	xbest   []float64 // the (re)start iterate of smallest residual
	spare   []float64 // the next U column, swapped in
	vhat    []float64 // M·v (aliases v without a preconditioner)
	m       []float64 // s×s lower triangular Pᵀ·G, row-major
	f, c, h []float64
	alpha   []float64
	coef    []float64   // 1 + s coefficients of a Combine
	terms   [][]float64 // and its vectors
}

func newIDRS(n, s int, precond bool) *idrs {
	w := &idrs{s: s}
	alloc := func(k int) [][]float64 {
		out := make([][]float64, k)
		for i := range out {
			out[i] = make([]float64, n)
		}
		return out
	}
	w.P, w.G, w.U = alloc(s), alloc(s), alloc(s)
	w.r, w.v, w.t, w.spare = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	w.xbest = make([]float64, n)
	w.vhat = w.v
	if precond {
		w.vhat = make([]float64, n)
	}
	w.m = make([]float64, s*s)
	w.f, w.c, w.h, w.alpha = make([]float64, s), make([]float64, s), make([]float64, s), make([]float64, s)
	w.coef, w.terms = make([]float64, s+1), make([][]float64, s+1)
	// Random shadow vectors, orthonormalised (modified Gram–Schmidt).
	rng := rand.New(rand.NewPCG(idrsSeed, uint64(n)))
	for k, p := range w.P {
		for i := range p {
			p[i] = rng.NormFloat64()
		}
		for _, q := range w.P[:k] {
			vec.Axpy(-vec.Dot(q, p), q, p)
		}
		vec.Scale(1/vec.Norm(p), p)
	}
	return w
}

// fresh empties the bases: the next cycle starts IDR(s) from r.
func (w *idrs) fresh() {
	for k := 0; k < w.s; k++ {
		clear(w.G[k])
		clear(w.U[k])
	}
	clear(w.m)
	for k := 0; k < w.s; k++ {
		w.m[k*w.s+k] = 1
	}
}

func (w *idrs) solve(A, M linop.Operator, b, x []float64, bnorm, thresh float64, res *Result, mon *monitor, maxIter int) (Result, error) {
	const method = "IDR(s)"
	s, r := w.s, w.r
	rnorm, done, err := initialResidual(method, A, b, x, r, w.t, bnorm, thresh, res, mon)
	if done {
		return *res, err
	}
	const tiny = eps * eps
	var stag stagnation
	restarts := 0
	rStart := rnorm // ‖r‖ at the last (re)start: a restart needs progress since
	om := 1.0
	w.fresh()
	// xbest is the (re)start iterate of smallest true residual, best that
	// residual: a failed solve returns it when its last iterate is worse.
	vec.Copy(w.xbest, x)
	best := rnorm
	// startAt notes a (re)start from x with residual rnorm, the true one
	// when confirmed (after a breakdown it is the recurrence's, which can
	// have drifted far below ‖b − A x‖ on singular systems).
	startAt := func(confirmed bool) {
		rStart = rnorm
		om = 1
		w.fresh()
		if confirmed && rnorm < best {
			best = rnorm
			vec.Copy(w.xbest, x)
		}
	}
	// settle returns the true residual norm tn of x, or, when the solve
	// failed and xbest is better, replaces x by xbest and returns its true
	// residual (w.t is scratch).
	settle := func(tn float64) float64 {
		if tn <= thresh || tn <= best {
			return tn
		}
		bn := residualTo(w.t, A, b, w.xbest)
		res.MatVecs++
		if bn < tn || !finite(tn) {
			vec.Copy(x, w.xbest)
			return bn
		}
		return tn
	}
	// fail concludes a failed solve with err (nil: the iteration limit).
	fail := func(err error) error {
		tn := residualTo(w.t, A, b, x)
		res.MatVecs++
		return conclude(method, settle(tn), bnorm, thresh, res, err)
	}
	it := 0
	applyM := func(dst, v []float64) {
		if M != nil {
			M.Apply(dst, v)
		}
	}
	// step records iteration it's residual and reports whether the solve
	// is over (converged, stagnated, failed or out of iterations); a
	// failed confirmation restarts from the true residual (restart = true).
	var stopErr error
	confirmed := false // rnorm is the true residual of x, not the recurrence's
	step := func() (stop, restart bool) {
		res.Iterations = it
		confirmed = false
		if err := mon.record(it, rnorm); err != nil {
			stopErr = err
			return true, false
		}
		if rnorm <= thresh {
			var done bool
			rnorm, done = confirmTrue(A, b, x, r, thresh, res, &stag)
			confirmed = true
			if done {
				return true, false
			}
			return it >= maxIter, true
		}
		return it >= maxIter, false
	}
	concluded := func() error {
		if stopErr != nil {
			return fail(stopErr)
		}
		if !confirmed {
			// Out of iterations on the recurrence's estimate, which can
			// be far from ‖b − A x‖: report the true residual.
			rnorm = residualTo(w.t, A, b, x)
			res.MatVecs++
		}
		rnorm = settle(rnorm)
		return concludeRestarted(method, rnorm, bnorm, thresh, res, restarts, "fresh start(s)")
	}
	breakdown := func(what string) error {
		res.Reason = "breakdown: " + what
		return fail(errorf("%s: breakdown at iteration %d: %s: %w", method, it, what, ErrBreakdown))
	}
	// restart starts afresh from r after a breakdown or a failed
	// confirmation (confirmed: r is the true residual), if the residual
	// has decreased since the last start.
	restart := func(confirmed bool) bool {
		if restarts >= maxIDRSRestarts || !(rnorm < rStart) {
			return false
		}
		restarts++
		startAt(confirmed)
		return true
	}

cycles:
	for it < maxIter {
		// f = Pᵀr.
		vec.MultiDot(w.f, w.P, r)
		for k := 0; k < s; k++ {
			// Solve the lower triangular m[k:, k:] c = f[k:].
			c := w.c[k:]
			for i := k; i < s; i++ {
				sum := w.f[i]
				for l := k; l < i; l++ {
					sum -= w.m[i*s+l] * c[l-k]
				}
				c[i-k] = sum / w.m[i*s+i]
			}
			// v = r − G[k:] c; u = ω·M·v + U[k:] c, each in one pass.
			coef, terms := w.coef[:s-k+1], w.terms[:s-k+1]
			coef[0], terms[0] = 1, r
			for i := range c {
				coef[i+1], terms[i+1] = -c[i], w.G[k+i]
			}
			vec.Combine(w.v, coef, terms)
			applyM(w.vhat, w.v)
			u := w.spare
			coef[0], terms[0] = om, w.vhat
			for i := range c {
				coef[i+1], terms[i+1] = c[i], w.U[k+i]
			}
			vec.Combine(u, coef, terms)
			w.spare, w.U[k] = w.U[k], u
			g := w.G[k]
			A.Apply(g, u)
			res.MatVecs++
			it++
			// Biorthogonalise g against P[:k]: with h = Pᵀg, the
			// coefficients solve m[:k, :k] α = h[:k] (forward), and the
			// new column of m follows from h without another pass.
			gnorm := vec.MultiDotNorm(w.h, w.P, g)
			if !finite(gnorm) {
				return *res, fail(errorf("%s: A·u is not finite at iteration %d: %w", method, it, ErrNaN))
			}
			alpha := w.alpha[:k]
			for i := 0; i < k; i++ {
				sum := w.h[i]
				for l := 0; l < i; l++ {
					sum -= w.m[i*s+l] * alpha[l]
				}
				alpha[i] = sum / w.m[i*s+i]
			}
			if k > 0 {
				for i := range alpha {
					w.c[i] = -alpha[i]
				}
				vec.MultiAxpy(g, w.c[:k], w.G[:k])
				vec.MultiAxpy(u, w.c[:k], w.U[:k])
			}
			for j := k; j < s; j++ {
				sum := w.h[j]
				for l := 0; l < k; l++ {
					sum -= alpha[l] * w.m[j*s+l]
				}
				w.m[j*s+k] = sum
			}
			mkk := w.m[k*s+k]
			if math.Abs(mkk) <= tiny*gnorm || gnorm == 0 {
				// The product counts as an iteration (x and r unchanged).
				res.Iterations = it
				if err := mon.record(it, rnorm); err != nil {
					return *res, fail(err)
				}
				if restart(false) {
					continue cycles
				}
				return *res, breakdown(fmt.Sprintf("pivot P%dᵀg%d = %.3g (the shadow space is orthogonal to the new direction)", k, k, mkk))
			}
			// r ← r − βg, x ← x + βu: r is now orthogonal to P[:k+1].
			beta := w.f[k] / mkk
			rnorm = math.Sqrt(vec.AxpyAxpyNorm2(beta, u, x, -beta, g, r))
			if stop, again := step(); stop {
				return *res, concluded()
			} else if again {
				if !restart(true) {
					startAt(true) // a failed confirmation: start afresh anyway
				}
				continue cycles
			}
			for j := k + 1; j < s; j++ {
				w.f[j] -= beta * w.m[j*s+k]
			}
		}
		// Dimension reduction: r ← r − ω·A·M·r, x ← x + ω·M·r.
		applyM(w.vhat, r)
		vhat := w.vhat
		if M == nil {
			vhat = r
		}
		A.Apply(w.t, vhat)
		res.MatVecs++
		it++
		tt, tr := vec.Dot2(w.t, w.t, r)
		tnorm := safeNorm(w.t, tt)
		if !finite(tnorm) || !finite(tr) {
			return *res, fail(errorf("%s: A·M·r is not finite at iteration %d: %w", method, it, ErrNaN))
		}
		if tnorm == 0 {
			res.Iterations = it // as above: an iteration without a step
			if err := mon.record(it, rnorm); err != nil {
				return *res, fail(err)
			}
			return *res, breakdown("A·M·r = 0 for r ≠ 0 (A is singular)")
		}
		rho := math.Abs(tr) / (tnorm * rnorm)
		om = overSq(tr, tt, tnorm)
		if rho < idrsAngle {
			// Keep the angle between t and r: a larger step than the
			// minimal-residual one where that would stall.
			if tr == 0 {
				om = idrsAngle * rnorm / tnorm
			} else {
				om *= idrsAngle / rho
			}
		}
		if M == nil {
			vec.Axpy(om, r, x)
			vec.Axpy(-om, w.t, r)
			rnorm = vec.Norm(r)
		} else {
			rnorm = math.Sqrt(vec.AxpyAxpyNorm2(om, vhat, x, -om, w.t, r))
		}
		if stop, again := step(); stop {
			return *res, concluded()
		} else if again {
			startAt(true)
		}
	}
	return *res, fail(nil)
}
