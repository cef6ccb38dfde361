package ot

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SinkhornUnbalanced solves the unbalanced entropic problem (Chizat et al.
// 2018; POT's ot.sinkhorn_unbalanced with method "sinkhorn")
//
//	min_P ⟨C,P⟩ + reg·Σ P_ij log P_ij + regM·KL(P1 | a) + regM·KL(Pᵀ1 | b),
//
// where the marginal constraints are relaxed to Kullback–Leibler
// penalties of weight regM (regM → ∞ recovers the balanced problem), by
// the generalised Sinkhorn iteration u = (a ./ K v)^φ, v = (b ./ Kᵀu)^φ,
// φ = regM/(regM + reg), stabilised by absorption as SinkhornStabilized:
// the kernel is K̃ = exp((α_i + β_j − C_ij)/reg), an iteration is one
// fused pass over K̃ plus O(n + m) exponentials, and scalings outside
// [1/Tau, Tau] are absorbed into α, β. The first iteration, and any whose
// K̃v or K̃ᵀu underflows, is done exactly in the log domain, so small reg
// neither overflows nor gives NaN. a and b need not have equal mass (nil means uniform). It
// starts from u = 1/n, v = 1/m as POT does (n and m count every bin,
// zero-mass bins included, as POT's dim_a and dim_b; the zero-mass bins
// themselves are removed first, where POT keeps them in its first
// iterations, so with such bins the iterates differ and the weak stopping
// rule below can stop at a different point, plans up to ~1e-3 apart),
// and stops as POT does: when
// ½(max|Δu|/max(‖u‖∞, ‖u_prev‖∞, 1) + the same for v) < Tol (default
// 1e-6), evaluated every iteration in an overflow-free form. The floor
// of 1 makes the rule absolute for small scalings: with masses far below
// 1 (scalings u, v ≪ 1) it stops after a few iterations with a plan far
// from the optimum (POT too: 2 iterations at mass 1e-100); normalise a
// and b to mass about 1 and scale the plan back (the optimal plan for
// s·a, s·b is s^(2φ/(1+φ)) times the one for a, b). Result.Cost
// is ⟨C,P⟩ (what POT's sinkhorn_unbalanced2 returns); MarginalError is
// reported but is not zero at the optimum. Errors as SinkhornLog, and
// ErrInput for regM ≤ 0 or infinite.
func SinkhornUnbalanced(ctx context.Context, a, b []float64, C *mat.Dense, reg, regM float64, o *Options) (*Result, error) {
	const method = "unbalanced"
	if !(regM > 0) || math.IsInf(regM, 0) {
		return nil, errorf("%w: %s: reg_m = %g must be positive and finite (use a balanced method for reg_m = ∞)", ErrInput, method, regM)
	}
	p, r, err := setup(method, a, b, C, reg, o, false, DefaultUnbalancedTol)
	if err != nil {
		return nil, err
	}
	phi := 1 / (1 + reg/regM) // regM/(regM + reg) without overflow of the sum
	w := newPasses(p)
	if r.f0 != nil {
		w.warmLog(r)
	} else {
		// POT's u = 1/dim_a, v = 1/dim_b count the zero-mass bins too.
		for i := range w.F {
			w.F[i] = -math.Log(float64(p.nn))
		}
		for j := range w.G {
			w.G[j] = -math.Log(float64(p.mm))
		}
	}
	res := &Result{}
	c := &checker{method: method, r: r, ctx: ctx, quantity: "relative change of the scalings"}
	ok, err := w.unbalanced(c, phi, r, res)
	if err != nil {
		return nil, err
	}
	res.SinkhornIterations = res.Iterations
	if err := w.finishLog(method, res, false); err != nil {
		return nil, err
	}
	if !ok {
		return res, notConverged(method, res, r.maxIter)
	}
	res.Converged = true
	res.Reason = "relative change of the scalings below tolerance"
	return res, nil
}

// relScalingChange returns max_i |e^x_i − e^y_i| / max(max_i e^x_i,
// max_i e^y_i, 1) without overflow: with s = max(max x, max y, 0) the
// denominator is e^s, so the ratio is max_i |e^(x_i−s) − e^(y_i−s)|. The
// exponentials are taken by the vector kernel (writeExpShift, with c =
// zero, all zeros) into the scratch ex, ey; terms below e^−708 count as
// 0, which changes the ratio by less than 1e-300. All slices are at
// least as long as x.
func relScalingChange(x, y, zero, ex, ey []float64) float64 {
	y = y[:len(x)]
	s := 0.0
	for i, v := range x {
		if v > s {
			s = v
		}
		if y[i] > s {
			s = y[i]
		}
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return math.NaN()
	}
	zero, ex, ey = zero[:len(x)], ex[:len(x)], ey[:len(x)]
	writeExpShift(ex, zero, x, -s, 1)
	writeExpShift(ey, zero, y, -s, 1)
	d := 0.0
	for i, v := range ex {
		if e := math.Abs(v - ey[i]); e > d {
			d = e
		}
	}
	return d
}

// unbalanced runs the absorbed generalised Sinkhorn iteration from the
// potentials w.F, w.G (units of reg); on return they hold the result.
func (w *passes) unbalanced(c *checker, phi float64, r resolved, res *Result) (bool, error) {
	p := w.p
	n, m := p.n, p.m
	w.K = make([]float64, n*m)
	w.u = make([]float64, n)
	w.v = make([]float64, m)
	w.t = make([]float64, n)
	w.unbal, w.phi = true, phi
	w.la = make([]float64, n)
	w.lb = make([]float64, m)
	for i, v := range p.a {
		w.la[i] = math.Log(v)
	}
	for j, v := range p.b {
		w.lb[j] = math.Log(v)
	}
	tv := make([]float64, m)
	fEff := make([]float64, n)
	gEff := make([]float64, m)
	fOld := make([]float64, n)
	gOld := make([]float64, m)
	logTau := math.Log(r.tau)
	nm := max(n, m)
	zero, ex, ey := make([]float64, nm), make([]float64, nm), make([]float64, nm)
	check := func() (bool, error) {
		e := 0.5 * (relScalingChange(fEff, fOld, zero, ex, ey) + relScalingChange(gEff, gOld, zero, ex, ey))
		return c.check(res.Iterations, e)
	}
	// logIter is one exact log-domain iteration; it leaves K̃ rebuilt.
	logIter := func() (bool, error) {
		w.fold()
		copy(fOld, w.F)
		copy(gOld, w.G)
		w.run(opRowExp)
		w.updateF(phi)
		w.run(opColExp)
		w.updateG(phi)
		res.Iterations++
		copy(fEff, w.F)
		copy(gEff, w.G)
		w.rebuild()
		return check()
	}
	for i := range w.u {
		w.u[i] = 1
	}
	for j := range w.v {
		w.v[j] = 1
	}
	if r.maxIter == 0 {
		return false, nil
	}
	if done, err := logIter(); err != nil || done {
		w.fold()
		return done, err
	}
	for res.Iterations < r.maxIter {
		copy(fOld, fEff)
		copy(gOld, gEff)
		if w.fused() { // u = (a ./ K̃v)^φ·e^((φ−1)α/reg), colsum = K̃ᵀu
			res.Absorptions++
			if done, err := logIter(); err != nil || done {
				w.fold()
				return done, err
			}
			continue
		}
		trouble := false
		for j, y := range w.colsum {
			if bad(y) {
				trouble = true
				break
			}
			tv[j] = phi*(w.lb[j]-math.Log(y)) + (phi-1)*w.G[j]
		}
		if trouble { // v keeps the last iteration's values; redo this one exactly
			res.Absorptions++
			if done, err := logIter(); err != nil || done {
				w.fold()
				return done, err
			}
			continue
		}
		writeExpShift(w.v, zero[:m], tv, 0, 1) // v = e^tv
		res.Iterations++
		for i, t := range w.t {
			fEff[i] = w.F[i] + t
		}
		for j, t := range tv {
			gEff[j] = w.G[j] + t
		}
		done, err := check()
		if err != nil || done {
			w.fold()
			return done, err
		}
		if maxAbs(w.t) > logTau || maxAbs(tv) > logTau {
			res.Absorptions++
			w.fold()
			w.rebuild()
		}
	}
	w.fold()
	return false, nil
}
