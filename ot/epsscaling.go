package ot

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SinkhornEpsScaling solves the problem of Sinkhorn by ε-scaling (Schmitzer
// 2019; POT's method "sinkhorn_epsilon_scaling"): it runs the stabilised
// iteration at the decreasing regularisations reg_k = (Eps0 − reg)·e^(−k)
// + reg, k = 0, 1, ..., (POT's schedule), each stage warm-started from the
// previous potentials and limited to EpsInnerMaxIter iterations (or until
// its marginal error is below max(Tol, 1e-6·Σa)), until reg_k is within 0.1% of reg; the
// last stage runs at reg itself until the stopping rule is met. Eps0
// defaults to the cost scale max|C_ij| over the bins of positive mass, or
// max C − min C when the cost is solved shifted (min C above the spread;
// see the package doc), and is at least reg (POT uses the absolute 1e4).
// MaxIter bounds the total number of Sinkhorn iterations of all stages
// (POT counts outer stages instead); the schedule is cut short so that
// at least one of them is spent at reg itself, the first of them then an
// exact log-domain iteration, and a result that stops at MaxIter is the
// last iterate at reg (rows exact, as for the other methods). With the
// default MaxIter the schedule alone can take the
// whole budget at reg below about 1e-2·max|C| (up to EpsInnerMaxIter
// iterations for each of ln(1000·Eps0/reg) stages): raise MaxIter or
// lower EpsInnerMaxIter there. With a warm start (F0, G0) the
// schedule is skipped: the potentials already carry the coarse stages.
// Stopping rule, errors and memory as
// SinkhornStabilized; small reg does not overflow or give NaN (down to
// the limits in the package doc).
func SinkhornEpsScaling(ctx context.Context, a, b []float64, C *mat.Dense, reg float64, o *Options) (*Result, error) {
	const method = "eps-scaling"
	p, r, err := setup(method, a, b, C, reg, o, true, DefaultTol)
	if err != nil {
		return nil, err
	}
	eps0 := r.eps0
	if eps0 == 0 {
		eps0 = p.cmax
	}
	eps0 = math.Max(eps0, reg)
	w := newPasses(p)
	w.warmLog(r) // F, G in units of reg
	res := &Result{}
	// Intermediate stages only prepare the potentials of the next one:
	// they stop at marginal error 1e-6·mass (or Tol if looser).
	stage := &checker{method: method, r: r, ctx: ctx}
	stage.r.progress = nil
	stage.r.tol = math.Max(r.tol, 1e-6*p.mass)
	first := true
	// The schedule leaves at least one iteration of the budget to the
	// final stage: the returned plan is that of reg, and the potentials
	// of a coarser stage do not describe it (at reg_k ≫ reg their plan
	// at reg has a mass of 1e-283 or 1e119 instead of Σa).
	for k := 0; r.f0 == nil; k++ {
		regk := (eps0-reg)*math.Exp(-float64(k)) + reg
		if regk <= reg*(1+1e-3) {
			break
		}
		if res.Iterations >= r.maxIter-1 {
			// Cut short: the potentials are those of a reg_k up to
			// Eps0, whose kernel at reg has entries that underflow next
			// to scalings of 1e+200. The final stage starts with an
			// exact log-domain iteration; a scaling step there left the
			// plan of the folded potentials with rows up to 1e23·a_i.
			first = true
			break
		}
		w.setReg(regk)
		budget := min(r.innerMax, r.maxIter-1-res.Iterations)
		if _, err := w.stabilized(stage, budget, r.tau, res, first); err != nil {
			return nil, err
		}
		first = false
		if r.progress != nil {
			r.progress(res.Iterations, math.NaN())
		}
	}
	w.setReg(reg)
	c := &checker{method: method, r: r, ctx: ctx, confirm: true}
	ok, err := w.stabilized(c, max(r.maxIter-res.Iterations, 0), r.tau, res, first)
	if err != nil {
		return nil, err
	}
	res.SinkhornIterations = res.Iterations
	if err := w.finishLog(method, res, ok); err != nil {
		return nil, err
	}
	if !ok {
		return res, notConverged(method, res, r.maxIter)
	}
	return res, converged(p, method, res, r.tol)
}
