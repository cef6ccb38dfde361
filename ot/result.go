package ot

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// setup validates the inputs and options of an entropic method.
func setup(method string, a, b []float64, C *mat.Dense, reg float64, o *Options, balanced bool, defTol float64) (*problem, resolved, error) {
	massTol := DefaultMassTol
	if o != nil && o.MassTol > 0 {
		massTol = o.MassTol
	}
	p, err := newProblem(method, a, b, C, reg, balanced, massTol)
	if err != nil {
		return nil, resolved{}, err
	}
	nn, mm := C.Dims()
	r, err := o.resolve(nn, mm, defTol)
	if err != nil {
		return nil, r, err
	}
	if balanced {
		p.shiftCost()
	}
	if o != nil && o.Lambda == 0 {
		r.lambda = 1/float64(p.n) + 1/float64(p.m)
	}
	if o == nil {
		r.lambda = 1/float64(p.n) + 1/float64(p.m)
	}
	p.hist = r.hist
	if r.f0 != nil {
		r.f0 = reduceVec(r.f0, p.rows)
		r.g0 = reduceVec(r.g0, p.cols)
		// Indices are reported in the caller's numbering, not the
		// reduced problem's.
		orig := func(k int, idx []int) int {
			if idx == nil {
				return k
			}
			return idx[k]
		}
		for i, v := range r.f0 {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, r, errorf("%w: %s: warm start F0[%d] = %g on a bin of positive mass", ErrInput, method, orig(i, p.rows), v)
			}
		}
		for j, v := range r.g0 {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, r, errorf("%w: %s: warm start G0[%d] = %g on a bin of positive mass", ErrInput, method, orig(j, p.cols), v)
			}
		}
		for i := range r.f0 { // potentials of C − shift (reduceVec copied them)
			r.f0[i] -= p.shift
		}
	}
	return p, r, nil
}

// warmLog loads the warm start (or zeros) into the log-domain potentials.
func (w *passes) warmLog(r resolved) {
	if r.f0 == nil {
		clear(w.F)
		clear(w.G)
		return
	}
	for i, v := range r.f0 {
		w.F[i] = v * w.inv
	}
	for j, v := range r.g0 {
		w.G[j] = v * w.inv
	}
}

// finishLog materialises the plan of the log-domain potentials F, G and
// fills the result: plan, cost, potentials in cost units, marginal error.
// fresh says that w.plan, rowsum and rowcost already hold that plan (a
// confirmed stopping rule, planErr or dual, was the last thing done), so
// it is not computed again.
func (w *passes) finishLog(method string, res *Result, fresh bool) error {
	p := w.p
	if !fresh {
		if w.plan == nil {
			w.plan = make([]float64, p.n*p.m)
		}
		w.run(opPlan)
	}
	if err := w.fillResult(method, res); err != nil {
		return err
	}
	f := make([]float64, p.n)
	g := make([]float64, p.m)
	for i, v := range w.F {
		f[i] = v*p.reg + p.shift
	}
	for j, v := range w.G {
		g[j] = v * p.reg
	}
	res.F = expandVec(f, p.rows, p.nn, math.Inf(-1))
	res.G = expandVec(g, p.cols, p.mm, math.Inf(-1))
	return nil
}

// planErr materialises the plan of the log-domain potentials F, G into
// w.plan (allocated on the first call) and returns its marginal error
// ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂: bit for bit the Result.MarginalError that
// finishLog reports for the same potentials. rowsum and colsum are left
// holding the plan's marginals.
func (w *passes) planErr() float64 {
	p := w.p
	if w.plan == nil {
		w.plan = make([]float64, p.n*p.m)
	}
	w.run(opPlan)
	w.run(opPlanCols)
	return dist(w.rowsum, p.a) + dist(w.colsum, p.b)
}

// fillResult computes column sums of w.plan and fills cost, marginal
// error and the expanded plan (rowsum and rowcost must be current). It
// returns an error wrapping ErrNaN when the cost or the marginal error is
// not finite: some entry of the plan overflowed (reg far too small for
// the cost's scale) or is NaN, and the result must not pass for a
// solution.
func (w *passes) fillResult(method string, res *Result) error {
	p := w.p
	w.run(opPlanCols)
	cost := 0.0
	for i, v := range w.rowcost {
		cost += v + p.shift*w.rowsum[i] // ⟨C − shift, P⟩ + shift·ΣP
	}
	res.Cost = cost
	res.MarginalError = dist(w.rowsum, p.a) + dist(w.colsum, p.b)
	res.Plan = p.expandPlan(w.plan)
	w.plan = nil // owned by the result now
	if p.hist != nil {
		res.History, res.HistoryIters = p.hist.vals, p.hist.iters
	}
	if c, e := res.Cost, res.MarginalError; math.IsNaN(c) || math.IsInf(c, 0) || math.IsNaN(e) || math.IsInf(e, 0) {
		return errorf("%w: %s: the plan is not finite after %d iterations (cost %g, marginal error %g): reg = %g is too small for costs up to %g",
			ErrNaN, method, res.Iterations, c, e, p.reg, p.cmax)
	}
	return nil
}

// checker runs the stopping rule every checkEvery iterations, reports
// progress and watches the context. With confirm set, the balanced
// Sinkhorn loops accept a passing check only if the plan they would
// return passes it too (planErr ≤ tol; the scaling form also checks the
// mass lost to underflow): otherwise they iterate on, so that Converged
// always describes the returned plan. The intermediate stages of
// ε-scaling leave it unset.
type checker struct {
	method  string
	r       resolved
	ctx     context.Context
	confirm bool
	// last is the iteration of the last evaluation plus one (0: none),
	// so that SNS's Newton stage does not report an iteration twice.
	last int
	// quantity names what check is given, for its NaN error: "" is the
	// marginal error (the unbalanced method tests the scalings' change).
	quantity string
}

// due reports whether the rule is evaluated after iteration it (1-based):
// POT evaluates it after iterations 1, 1+k, 1+2k, ... (ii % k == 0), and
// at once when the context is done, so that check reports the
// cancellation within one iteration whatever CheckEvery is.
func (c *checker) due(it int) bool {
	return it > 0 && ((it-1)%c.r.checkEvery == 0 || (c.ctx != nil && c.ctx.Err() != nil))
}

// check evaluates one marginal error; it returns done=true when converged
// and a non-nil error on NaN or cancellation.
func (c *checker) check(it int, err float64) (bool, error) {
	c.last = it + 1
	if c.r.progress != nil {
		c.r.progress(it, err)
	}
	if math.IsNaN(err) {
		q := c.quantity
		if q == "" {
			q = "marginal error"
		}
		return false, errorf("%w: %s: %s is NaN at iteration %d", ErrNaN, c.method, q, it)
	}
	// Cancellation first: a cancelled solve reports it even when this
	// check would have passed.
	if c.ctx != nil {
		select {
		case <-c.ctx.Done():
			return false, errorf("%s: cancelled at iteration %d: %w", c.method, it, c.ctx.Err())
		default:
		}
	}
	return err < c.r.tol, nil
}

// notConverged finishes a result that hit the iteration limit.
func notConverged(method string, res *Result, maxIter int) error {
	res.Converged = false
	res.Reason = fmt.Sprintf("iteration limit %d reached with marginal error %.3g", maxIter, res.MarginalError)
	return errorf("%s: %w after %d iterations (marginal error %.3g)", method, ErrNotConverged, res.Iterations, res.MarginalError)
}

// converged marks res converged after the stopping rule passed, unless
// the returned plan's marginal error res.MarginalError (‖P1 − a‖₂ +
// ‖Pᵀ1 − b‖₂, recomputed from the plan) exceeds tol: the stopping rule
// is evaluated on the iteration's own quantities (scaled sums, the column
// sums before the last exponentials), and materialising the plan from
// the final potentials can lose accuracy when C/reg is large (C/reg =
// 1e8 leaves about 1e-8 relative accuracy in each plan entry), so the
// result is then an error wrapping ErrNotConverged with the last iterate:
// Converged is never true for a plan whose MarginalError is above tol.
func converged(p *problem, method string, res *Result, tol float64) error {
	if !(res.MarginalError <= tol) {
		res.Converged = false
		res.Reason = fmt.Sprintf("stopping rule met, but the returned plan's marginal error %.3g is above %.3g (accuracy lost to rounding at reg %g for costs up to %g)", res.MarginalError, tol, p.reg, p.cmax)
		return errorf("%s: %w: the stopping rule was met after %d iterations, but the returned plan's marginal error is %.3g > tol %.3g: accuracy lost to rounding at reg = %g for costs up to %g (C/reg up to %.3g); try a larger reg or tol",
			method, ErrNotConverged, res.Iterations, res.MarginalError, tol, p.reg, p.cmax, p.cmax/p.reg)
	}
	res.Converged = true
	res.Reason = fmt.Sprintf("marginal error below %.3g", tol)
	return nil
}
