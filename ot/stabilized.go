package ot

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SinkhornStabilized solves the problem of Sinkhorn with the scaling
// iteration stabilised by absorption (Schmitzer 2019; POT's method
// "sinkhorn_stabilized"): the plan is diag(u) K̃ diag(v) with K̃_ij =
// exp((α_i + β_j − C_ij)/reg); when a scaling exceeds Tau (default 1e3)
// it is absorbed, α += reg·log u, β += reg·log v, u = v = 1, and K̃ is
// recomputed (n·m exponentials). Between absorptions an iteration is one
// fused pass over K̃ (as Sinkhorn's) without exponentials. Unlike POT, the first iteration is
// done in the log domain (so K̃ starts well scaled whatever reg is), and a
// Kᵀu or Kv entry that underflows to 0 triggers an exact log-domain
// iteration and an absorption instead of a failure: small reg does not
// overflow or give NaN (down to the limits in the package doc). Stopping rule, errors and memory as Sinkhorn.
func SinkhornStabilized(ctx context.Context, a, b []float64, C *mat.Dense, reg float64, o *Options) (*Result, error) {
	const method = "stabilized"
	p, r, err := setup(method, a, b, C, reg, o, true, DefaultTol)
	if err != nil {
		return nil, err
	}
	w := newPasses(p)
	w.warmLog(r)
	res := &Result{}
	c := &checker{method: method, r: r, ctx: ctx, confirm: true}
	ok, err := w.stabilized(c, r.maxIter, r.tau, res, true)
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

// stabilized runs at most maxIter absorbed-scaling iterations at the
// current w.reg, starting from the log-domain potentials w.F, w.G (in
// units of w.reg). On return the scalings are folded into w.F, w.G.
// first=true makes the first iteration an exact log-domain one. With
// c.confirm a passing check is accepted only if the plan of the folded
// potentials (what finishLog returns) meets the tolerance too; otherwise
// K̃ is rebuilt from them and the iteration goes on.
func (w *passes) stabilized(c *checker, maxIter int, tau float64, res *Result, first bool) (bool, error) {
	p := w.p
	if w.K == nil {
		w.K = make([]float64, p.n*p.m)
		w.u = make([]float64, p.n)
		w.v = make([]float64, p.m)
	}
	start := 0
	if first && maxIter > 0 {
		w.logStep()
		res.Iterations++
		start = 1
	}
	w.rebuild()
	for it := start; ; it++ {
		if c.due(it) {
			done, err := c.check(res.Iterations, w.scaledColErr())
			if err != nil {
				w.fold()
				return false, err
			}
			if done {
				w.fold()
				if !c.confirm || w.planErr() <= c.r.tol {
					return true, nil
				}
				// The plan of the folded potentials misses tol (the
				// exponentials of large C/reg round differently from
				// the scaled sums): go on from the folded potentials.
				res.Absorptions++
				w.rebuild()
			}
		}
		if it >= maxIter {
			w.fold()
			return false, nil
		}
		if anyBad(w.colsum) {
			w.absorb(res, true)
			res.Iterations++
			continue
		}
		for j, s := range w.colsum {
			w.v[j] = p.b[j] / s
		}
		if w.fused() { // u = a ./ (K̃ v); colsum = K̃ᵀu
			w.absorb(res, true)
			res.Iterations++
			continue
		}
		res.Iterations++
		if maxAbs(w.u) > tau || maxAbs(w.v) > tau {
			w.absorb(res, false)
		}
	}
}

// absorb moves the scalings into the potentials, optionally takes one
// exact log-domain iteration (when a scaled sum underflowed), rebuilds K̃
// and resets u = v = 1.
func (w *passes) absorb(res *Result, logStep bool) {
	w.fold()
	res.Absorptions++
	if logStep {
		w.logStep()
	}
	w.rebuild()
}

// fold moves the scalings into the potentials (F += log u, G += log v)
// and resets them to 1; K̃ is stale afterwards.
func (w *passes) fold() {
	for i, u := range w.u {
		w.F[i] += math.Log(u)
		w.u[i] = 1
	}
	for j, v := range w.v {
		w.G[j] += math.Log(v)
		w.v[j] = 1
	}
}

// rebuild computes K̃ = exp(F_i + G_j − C_ij/reg), sets u = v = 1 and
// colsum = K̃ᵀu.
func (w *passes) rebuild() {
	w.run(opBuildK)
	for i := range w.u {
		w.u[i] = 1
	}
	for j := range w.v {
		w.v[j] = 1
	}
	w.run(opKtu)
}

// logStep is one exact log-domain Sinkhorn iteration on w.F, w.G.
func (w *passes) logStep() {
	w.run(opColExp)
	w.updateG(1)
	w.run(opRowExp)
	w.updateF(1)
}

func anyBad(x []float64) bool {
	for _, v := range x {
		if bad(v) {
			return true
		}
	}
	return false
}

// maxAbs returns max |x_i| (NaN entries are skipped; callers check them).
func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		if a := math.Abs(v); a > m {
			m = a
		}
	}
	return m
}

// setReg changes the regularisation of the log-domain state, rescaling
// the potentials (kept in units of reg) so that f = reg·F is unchanged.
func (w *passes) setReg(reg float64) {
	s := w.reg / reg
	for i := range w.F {
		w.F[i] *= s
	}
	for j := range w.G {
		w.G[j] *= s
	}
	w.reg = reg
	w.inv = 1 / reg
	w.centre()
}

// centre moves the gauge (F + t, G − t leaves the balanced plan
// unchanged) so that max F = max G. ε-scaling's coarse stages leave
// potentials of the size of reg_k·log(mass) in a gauge that nothing
// pulls back: at Eps0/reg = 1e8 they held F ≈ −G ≈ 4e7 at the final reg,
// where folding log u into them (and every exponent F_i + G_j −
// C_ij/reg) kept only ~1e-8 accuracy and the solve could not reach Tol.
func (w *passes) centre() {
	mf, mg := math.Inf(-1), math.Inf(-1)
	for _, v := range w.F {
		mf = math.Max(mf, v)
	}
	for _, v := range w.G {
		mg = math.Max(mg, v)
	}
	t := (mf - mg) / 2
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return
	}
	for i := range w.F {
		w.F[i] -= t
	}
	for j := range w.G {
		w.G[j] += t
	}
}
