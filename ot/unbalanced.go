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
// φ = regM/(regM + reg), run in the log domain with the same shifted
// one-pass log-sum-exps as SinkhornLog (so small reg neither overflows nor
// gives NaN). a and b need not have equal mass (nil means uniform). It
// starts from u = 1/n, v = 1/m as POT does, and stops as POT does: when
// ½(max|Δu|/max(‖u‖∞, ‖u_prev‖∞, 1) + the same for v) < Tol (default
// 1e-6), evaluated every iteration in an overflow-free form. Result.Cost
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
	phi := regM / (regM + reg)
	w := newPasses(p)
	if r.f0 != nil {
		w.warmLog(r)
	} else {
		for i := range w.F {
			w.F[i] = -math.Log(float64(p.n))
		}
		for j := range w.G {
			w.G[j] = -math.Log(float64(p.m))
		}
	}
	fOld := make([]float64, p.n)
	gOld := make([]float64, p.m)
	res := &Result{}
	c := &checker{method: method, r: r, ctx: ctx}
	ok := false
	for res.Iterations < r.maxIter {
		copy(fOld, w.F)
		copy(gOld, w.G)
		w.run(opRowExp)
		w.updateF(phi)
		w.run(opColExp)
		w.updateG(phi)
		res.Iterations++
		e := 0.5 * (relScalingChange(w.F, fOld) + relScalingChange(w.G, gOld))
		done, err := c.check(res.Iterations, e)
		if err != nil {
			return nil, err
		}
		if done {
			ok = true
			break
		}
	}
	res.SinkhornIterations = res.Iterations
	w.finishLog(res)
	if !ok {
		return res, notConverged(method, res, r.maxIter)
	}
	res.Converged = true
	res.Reason = "relative change of the scalings below tolerance"
	return res, nil
}

// relScalingChange returns max_i |e^x_i − e^y_i| / max(max_i e^x_i,
// max_i e^y_i, 1) without overflow: with s = max(max x, max y, 0) the
// denominator is e^s, so the ratio is max_i |e^(x_i−s) − e^(y_i−s)|.
func relScalingChange(x, y []float64) float64 {
	s := 0.0
	for i := range x {
		s = math.Max(s, math.Max(x[i], y[i]))
	}
	d := 0.0
	for i := range x {
		d = math.Max(d, math.Abs(math.Exp(x[i]-s)-math.Exp(y[i]-s)))
	}
	return d
}
