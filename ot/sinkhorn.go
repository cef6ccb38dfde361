package ot

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Sinkhorn solves min ⟨C,P⟩ − reg·H(P), P1 = a, Pᵀ1 = b, by Sinkhorn's
// matrix scaling (POT's method "sinkhorn"): with K = exp(−C/reg) it
// iterates v = b ./ (Kᵀu), u = a ./ (K v), and P = diag(u) K diag(v). a or
// b nil means uniform weights. It stops when ‖Pᵀ1 − b‖₂ < Tol, evaluated
// every CheckEvery iterations after the u update (POT's rule). The check
// reuses the next iteration's Kᵀu, so it costs O(m). Cost per iteration:
// one fused pass over K (K v, then u, then Kᵀu with the new u, row by
// row), no exponentials; memory: K (n·m), 16 partial column sums (16·m)
// and the plan.
//
// The scaling form is the fastest method for moderate reg but K underflows
// when C/reg exceeds about 700: then a row or column of K, or a scaling,
// becomes 0 or Inf and Sinkhorn returns an error wrapping ErrUnderflow
// that says where, suggesting a log-domain method (sinkhorn-log,
// stabilized, sns). It never returns NaN. Other errors as SinkhornLog.
func Sinkhorn(ctx context.Context, a, b []float64, C *mat.Dense, reg float64, o *Options) (*Result, error) {
	const method = "sinkhorn"
	p, r, err := setup(method, a, b, C, reg, o, true, DefaultTol)
	if err != nil {
		return nil, err
	}
	w := newPasses(p)
	w.K = make([]float64, p.n*p.m)
	w.run(opBuildK) // F = G = 0: K = exp(−C/reg)
	w.u = make([]float64, p.n)
	w.v = make([]float64, p.m)
	if r.f0 != nil {
		for i, f := range r.f0 {
			w.u[i] = math.Exp(f / reg)
		}
		for j, g := range r.g0 {
			w.v[j] = math.Exp(g / reg)
		}
	} else {
		for i := range w.u {
			w.u[i] = 1 / float64(p.n)
		}
		for j := range w.v {
			w.v[j] = 1 / float64(p.m)
		}
	}
	if err := checkScalings(method, w.u, w.v, 0); err != nil {
		return nil, err
	}
	res := &Result{}
	c := &checker{method: method, r: r, ctx: ctx}
	ok := false
	w.run(opKtu)
	for it := 0; ; it++ {
		if c.due(it) {
			done, err := c.check(it, w.scaledColErr())
			if err != nil {
				return nil, err
			}
			if done {
				ok = true
				break
			}
		}
		if it == r.maxIter {
			break
		}
		for j, s := range w.colsum {
			w.v[j] = p.b[j] / s
		}
		w.fused() // u = a ./ (K v); colsum = Kᵀu
		if err := checkScalings(method, w.u, w.v, it+1); err != nil {
			return nil, err
		}
		for i, s := range w.rowsum {
			if bad(s) {
				return nil, errorf("%s: %w at iteration %d: (K v)[%d] = %g (row %d of exp(−C/reg) is too small); use method sinkhorn-log, stabilized or sns", method, ErrUnderflow, it+1, i, s, i)
			}
		}
		res.Iterations++
	}
	res.SinkhornIterations = res.Iterations
	if err := w.finishScaling(method, res); err != nil {
		return nil, err
	}
	if !ok {
		return res, notConverged(method, res, r.maxIter)
	}
	return res, converged(p, method, res, r.tol)
}

// scaledColErr returns ‖v ∘ colsum − b‖₂ where colsum = Kᵀu: the column
// marginal violation of diag(u) K diag(v).
func (w *passes) scaledColErr() float64 {
	s := 0.0
	for j, c := range w.colsum {
		d := w.v[j]*c - w.p.b[j]
		s += d * d
	}
	return math.Sqrt(s)
}

// checkScalings returns ErrUnderflow if a scaling is zero, infinite or NaN.
func checkScalings(method string, u, v []float64, it int) error {
	for i, x := range u {
		if !(x > 0) || math.IsInf(x, 1) {
			return errorf("%s: %w at iteration %d: scaling u[%d] = %g (row %d of exp(−C/reg) is too small); use method sinkhorn-log, stabilized or sns", method, ErrUnderflow, it, i, x, i)
		}
	}
	for j, x := range v {
		if !(x > 0) || math.IsInf(x, 1) {
			return errorf("%s: %w at iteration %d: scaling v[%d] = %g (column %d of exp(−C/reg) is too small); use method sinkhorn-log, stabilized or sns", method, ErrUnderflow, it, j, x, j)
		}
	}
	return nil
}

// finishScaling materialises diag(u) K diag(v) and the potentials
// F + reg·log u, G + reg·log v (w.F, w.G hold absorbed potentials / reg).
func (w *passes) finishScaling(method string, res *Result) error {
	p := w.p
	w.plan = make([]float64, p.n*p.m)
	w.run(opPlanUKV)
	if err := w.fillResult(method, res); err != nil {
		return err
	}
	f := make([]float64, p.n)
	g := make([]float64, p.m)
	for i := range f {
		f[i] = (w.F[i] + math.Log(w.u[i])) * w.reg
	}
	for j := range g {
		g[j] = (w.G[j] + math.Log(w.v[j])) * w.reg
	}
	res.F = expandVec(f, p.rows, p.nn, math.Inf(-1))
	res.G = expandVec(g, p.cols, p.mm, math.Inf(-1))
	return nil
}
