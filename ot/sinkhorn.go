package ot

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Sinkhorn solves min ⟨C,P⟩ − reg·H(P), P1 = a, Pᵀ1 = b, by Sinkhorn's
// matrix scaling (POT's method "sinkhorn"): with K = exp(−(C − min C)/reg) it
// iterates v = b ./ (Kᵀu), u = a ./ (K v), and P = diag(u) K diag(v). a or
// b nil means uniform weights. It stops when ‖Pᵀ1 − b‖₂ < Tol, evaluated
// every CheckEvery iterations after the u update (POT's rule). The check
// reuses the next iteration's Kᵀu, so it costs O(m); when it passes, the
// plan is materialised and the stop is accepted only if its marginal
// error (Result.MarginalError) is ≤ Tol, with and without the mass of
// underflowed entries (below); otherwise the iteration goes on. Cost per
// iteration: one fused pass over K (K v, then u, then Kᵀu with the new
// u, row by row), no exponentials; memory: K (n·m), 16 partial column
// sums (16·m) and the plan.
//
// The scaling form is the fastest method for moderate reg but K =
// exp(−(C − min C)/reg) (the shift by min C changes only the potentials)
// underflows where (C − min C)/reg exceeds about 708 (such entries are
// 0). When
// a whole row or column of K, or a scaling, becomes 0 or Inf, Sinkhorn
// returns an error wrapping ErrUnderflow that says where (a scaling of a
// warm start F0, G0 outside the range is blamed on the warm start, with
// its index). When only some
// entries underflow, the iteration solves the problem restricted to the
// other entries and can converge on its marginals with a wrong plan: so
// after it stops (converged or not), the plan entries below 2^−1000 are
// recomputed in the log domain, exp(log u_i + log v_j − C_ij/reg), one
// pass at the end, and if the mass they should carry, ‖Δ(P1)‖₂ +
// ‖Δ(Pᵀ1)‖₂, exceeds Tol the result is an error wrapping ErrUnderflow
// (no Result) suggesting sinkhorn-log, stabilized, eps-scaling or sns, or
// a larger reg. Underflow where the plan is negligible is harmless and
// passes. It never returns NaN. Other errors as SinkhornLog.
func Sinkhorn(ctx context.Context, a, b []float64, C *mat.Dense, reg float64, o *Options) (*Result, error) {
	const method = "sinkhorn"
	p, r, err := setup(method, a, b, C, reg, o, true, DefaultTol)
	if err != nil {
		return nil, err
	}
	w := newPasses(p)
	w.K = make([]float64, p.n*p.m)
	// The problem is invariant under C − min C (the potentials absorb the
	// shift): F_i = min C/reg makes K = exp(−(C − min C)/reg), whose
	// largest entry is 1, so a constant offset in C (negative costs, or
	// costs far from 0) neither overflows nor underflows K.
	for i := range w.F {
		w.F[i] = p.cmin * w.inv
	}
	w.run(opBuildK)
	w.u = make([]float64, p.n)
	w.v = make([]float64, p.m)
	if r.f0 != nil {
		// u_i v_j = exp((f_i + g_j − min C)/reg); the gauge t balances
		// the largest exponents of u and v, so that potentials shifted
		// by (+t, −t) load as well as any other pair.
		mf, mg := math.Inf(-1), math.Inf(-1)
		for _, f := range r.f0 {
			mf = math.Max(mf, f)
		}
		for _, g := range r.g0 {
			mg = math.Max(mg, g)
		}
		t := (mf - p.cmin - mg) / 2
		for i, f := range r.f0 {
			w.u[i] = math.Exp((f - p.cmin - t) / reg)
		}
		for j, g := range r.g0 {
			w.v[j] = math.Exp((g + t) / reg)
		}
	} else {
		for i := range w.u {
			w.u[i] = 1 / float64(p.n)
		}
		for j := range w.v {
			w.v[j] = 1 / float64(p.m)
		}
	}
	if r.f0 != nil {
		if err := checkWarmScalings(method, p, w.u, w.v); err != nil {
			return nil, err
		}
	} else if err := checkScalings(method, w.u, w.v, 0); err != nil {
		return nil, err
	}
	res := &Result{}
	c := &checker{method: method, r: r, ctx: ctx} // confirmed below, with the underflow check
	var gap kernelGap
	ok := false
	w.run(opKtu)
	for it := 0; ; it++ {
		if c.due(it) {
			done, err := c.check(it, w.scaledColErr())
			if err != nil {
				return nil, err
			}
			if done {
				// Confirm on the plan diag(u) K diag(v) that would be
				// returned, and on the same plan with the mass of its
				// underflowed entries restored (the plan the potentials
				// imply).
				w.planUKV()
				planErr := dist(w.rowsum, p.a) + dist(w.colsum, p.b)
				exact, miss := w.kernelGap(&gap)
				if planErr <= r.tol && exact <= r.tol {
					ok = true
					break
				}
				if miss > r.tol {
					return nil, w.underflowError(method, it, miss, r.tol, &gap)
				}
				w.run(opKtu) // planUKV overwrote colsum = Kᵀu
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
				return nil, errorf("%s: %w at iteration %d: (K v)[%d] = %g (row %d of exp(−(C − min C)/reg) is too small); use method sinkhorn-log, stabilized, eps-scaling or sns, or a larger reg", method, ErrUnderflow, it+1, i, s, i)
			}
		}
		res.Iterations++
	}
	res.SinkhornIterations = res.Iterations
	if !ok {
		// The last iterate is returned with ErrNotConverged, unless the
		// mass lost to underflow alone breaks the tolerance.
		w.planUKV()
		if _, miss := w.kernelGap(&gap); miss > r.tol {
			return nil, w.underflowError(method, res.Iterations, miss, r.tol, &gap)
		}
	}
	if err := w.finishScaling(method, res); err != nil {
		return nil, err
	}
	if !ok {
		return res, notConverged(method, res, r.maxIter)
	}
	return res, converged(p, method, res, r.tol)
}

// tinyPlan bounds the plan entries of the scaling form that kernelGap
// recomputes: below it exp(−C/reg) (flushed to 0 under e^−708) or the
// product u_i·K_ij may have underflowed, so the entry may carry less mass
// than the potentials imply. Above it the entry is accurate to far below
// any tolerance (a subnormal intermediate costs at most ~1e-300
// absolute).
const tinyPlan = 0x1p-1000

// kernelGap is the scratch and the findings of passes.kernelGap.
type kernelGap struct {
	lv []float64 // G_j + log v_j
	// The mass missing from the plan's row and column sums; on return
	// from kernelGap, the exact kernel's row and column sums.
	dr, dc []float64
	// The underflowed entry that lost the most mass (reduced indices).
	wi, wj int
	wmass  float64
}

// kernelGap compares the plan diag(u) K diag(v) in w.plan (rowsum and
// colsum its marginals, from planUKV) with the plan of the exact kernel,
// P_ij = exp(F_i + G_j + log u_i + log v_j − C_ij/reg), the plan the
// potentials imply. Only entries below tinyPlan can differ; they are
// recomputed in the log domain (one pass over the plan, math.Exp on the
// tiny entries only; none when nothing underflowed) and their missing
// mass is added to the marginals. It returns the exact-kernel marginal
// error ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ and the norm ‖Δr‖₂ + ‖Δc‖₂ of the
// missing mass. Without underflow both are exact: the first equals the
// plan's marginal error, the second is 0. The scratch in g is allocated
// on the first call only.
func (w *passes) kernelGap(g *kernelGap) (exact, miss float64) {
	p := w.p
	n, m := p.n, p.m
	if g.lv == nil {
		g.lv = make([]float64, m)
		g.dr = make([]float64, n)
		g.dc = make([]float64, m)
	}
	clear(g.dr)
	clear(g.dc)
	g.wmass = 0
	haveLv := false
	for i := 0; i < n; i++ {
		row := w.plan[i*m : (i+1)*m]
		lu, haveLu := 0.0, false
		for j, pij := range row {
			if pij >= tinyPlan {
				continue
			}
			if !haveLv {
				for l, v := range w.v {
					g.lv[l] = w.G[l] + math.Log(v)
				}
				haveLv = true
			}
			if !haveLu {
				lu, haveLu = w.F[i]+math.Log(w.u[i]), true
			}
			d := math.Exp(lu+g.lv[j]-p.c[i*p.ld+j]*w.inv) - pij
			if !(d > 0) {
				continue
			}
			g.dr[i] += d
			g.dc[j] += d
			if d > g.wmass {
				g.wi, g.wj, g.wmass = i, j, d
			}
		}
	}
	// Norms by norm and dist (no under- or overflow at any mass); dr and dc
	// become the exact kernel's marginals.
	miss = norm(g.dr) + norm(g.dc)
	for i, s := range w.rowsum {
		g.dr[i] += s
	}
	for j, s := range w.colsum {
		g.dc[j] += s
	}
	return dist(g.dr, p.a) + dist(g.dc, p.b), miss
}

// underflowError is the ErrUnderflow error of a scaling iteration that
// stopped after it iterations on a plan that misses mass miss > tol
// because exp(−C/reg) underflowed where the plan is not negligible; g
// holds kernelGap's findings.
func (w *passes) underflowError(method string, it int, miss, tol float64, g *kernelGap) error {
	p := w.p
	i, j := g.wi, g.wj
	c := p.c[i*p.ld+j]
	if p.rows != nil {
		i, j = p.rows[i], p.cols[j]
	}
	return errorf("%s: %w after %d iterations: exp(−(C − min C)/reg) underflowed on entries where the plan is not negligible (mass %.3g missing from the marginals > tol %.3g; e.g. entry (%d, %d) at (C − min C)/reg = %.4g, where the potentials put %.3g), so the scaling iteration solved another problem; use method sinkhorn-log, stabilized, eps-scaling or sns, or a larger reg",
		method, ErrUnderflow, it, miss, tol, i, j, (c-p.cmin)*w.inv, g.wmass)
}

// planUKV materialises diag(u) K diag(v) into w.plan (allocated on the
// first call), its row sums into rowsum and its column sums into colsum.
func (w *passes) planUKV() {
	if w.plan == nil {
		w.plan = make([]float64, w.p.n*w.p.m)
	}
	w.run(opPlanUKV)
	w.run(opPlanCols)
}

// scaledColErr returns ‖v ∘ colsum − b‖₂ where colsum = Kᵀu: the column
// marginal violation of diag(u) K diag(v).
func (w *passes) scaledColErr() float64 {
	b := w.p.b
	s := 0.0
	for j, c := range w.colsum {
		d := w.v[j]*c - b[j]
		s += d * d
	}
	if !badSumSq(s) {
		return math.Sqrt(s)
	}
	return scaledNorm(len(w.colsum), func(j int) float64 { return w.v[j]*w.colsum[j] - b[j] })
}

// checkScalings returns ErrUnderflow if a scaling is zero, infinite or NaN.
func checkScalings(method string, u, v []float64, it int) error {
	for i, x := range u {
		if !(x > 0) || math.IsInf(x, 1) {
			return errorf("%s: %w at iteration %d: scaling u[%d] = %g (row %d of exp(−(C − min C)/reg) is too small); use method sinkhorn-log, stabilized, eps-scaling or sns, or a larger reg", method, ErrUnderflow, it, i, x, i)
		}
	}
	for j, x := range v {
		if !(x > 0) || math.IsInf(x, 1) {
			return errorf("%s: %w at iteration %d: scaling v[%d] = %g (column %d of exp(−(C − min C)/reg) is too small); use method sinkhorn-log, stabilized, eps-scaling or sns, or a larger reg", method, ErrUnderflow, it, j, x, j)
		}
	}
	return nil
}

// checkWarmScalings is checkScalings for the scalings loaded from a warm
// start: a zero or infinite u_i = exp((F0_i − min C − t)/reg) or v_j =
// exp((G0_j + t)/reg) comes from the potentials (their sum F0_i + G0_j
// is more than ~700·reg away from a plan of mass Σa), not from the
// kernel, so the error, wrapping ErrUnderflow, names the warm-start
// entry in the caller's numbering.
func checkWarmScalings(method string, p *problem, u, v []float64) error {
	at := func(k int, idx []int) int {
		if idx == nil {
			return k
		}
		return idx[k]
	}
	for i, x := range u {
		if !(x > 0) || math.IsInf(x, 1) {
			return errorf("%s: %w: the warm start F0[%d] gives the scaling u[%d] = %g, outside the floating-point range of the scaling form (F0 + G0 is far from the potentials of a plan of mass %g at reg = %g); use method sinkhorn-log, stabilized, eps-scaling or sns, or other potentials", method, ErrUnderflow, at(i, p.rows), at(i, p.rows), x, p.mass, p.reg)
		}
	}
	for j, x := range v {
		if !(x > 0) || math.IsInf(x, 1) {
			return errorf("%s: %w: the warm start G0[%d] gives the scaling v[%d] = %g, outside the floating-point range of the scaling form (F0 + G0 is far from the potentials of a plan of mass %g at reg = %g); use method sinkhorn-log, stabilized, eps-scaling or sns, or other potentials", method, ErrUnderflow, at(j, p.cols), at(j, p.cols), x, p.mass, p.reg)
		}
	}
	return nil
}

// finishScaling fills res from the plan diag(u) K diag(v) that planUKV
// materialised and the potentials F + reg·log u, G + reg·log v (w.F, w.G
// hold absorbed potentials / reg).
func (w *passes) finishScaling(method string, res *Result) error {
	p := w.p
	if err := w.fillResult(method, res); err != nil {
		return err
	}
	f := make([]float64, p.n)
	g := make([]float64, p.m)
	for i := range f {
		f[i] = (w.F[i]+math.Log(w.u[i]))*w.reg + p.shift
	}
	for j := range g {
		g[j] = (w.G[j] + math.Log(w.v[j])) * w.reg
	}
	res.F = expandVec(f, p.rows, p.nn, math.Inf(-1))
	res.G = expandVec(g, p.cols, p.mm, math.Inf(-1))
	return nil
}
