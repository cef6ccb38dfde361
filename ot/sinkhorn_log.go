package ot

import (
	"context"

	"gonum.org/v1/gonum/mat"
)

// SinkhornLog solves the entropic problem min ⟨C,P⟩ − reg·H(P), P1 = a,
// Pᵀ1 = b, by Sinkhorn's iteration on the dual potentials in the log
// domain (POT's method "sinkhorn_log"): each iteration sets
//
//	g_j = reg·log b_j − reg·log Σ_i exp((f_i − C_ij)/reg)
//	f_i = reg·log a_i − reg·log Σ_j exp((g_j − C_ij)/reg)
//
// a or b nil means uniform weights. The log-sum-exps are shifted by the
// current potential, so each half-iteration is one fused pass of n·m
// exponentials with no overflow (after a row update every plan entry is at
// most a_i); a row or column whose shifted sum under- or overflows is
// recomputed exactly with a max shift. Small reg does not overflow or give
// NaN (down to the limits in the package doc, s/reg ≈ 1e15). It stops when ‖Pᵀ1 − b‖₂ < Tol, evaluated every CheckEvery
// iterations after the row update (POT's rule). Cost O(n·m) exponentials
// per iteration, parallel over rows and columns; memory O(n·m) for the
// returned plan only.
//
// Errors: ErrInput/ErrNaN for bad data, ErrNotConverged (with the last
// iterate's Result) at MaxIter, the context's error if ctx is cancelled.
func SinkhornLog(ctx context.Context, a, b []float64, C *mat.Dense, reg float64, o *Options) (*Result, error) {
	const method = "sinkhorn-log"
	p, r, err := setup(method, a, b, C, reg, o, true, DefaultTol)
	if err != nil {
		return nil, err
	}
	w := newPasses(p)
	w.warmLog(r)
	res := &Result{}
	ok, err := w.logSinkhorn(&checker{method: method, r: r, ctx: ctx, confirm: true}, r.maxIter, res)
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

// logSinkhorn runs at most maxIter log-domain iterations from the current
// F, G, adding them to res.Iterations. It returns true when the stopping
// rule was met (and, with c.confirm, the plan of F, G meets it too).
func (w *passes) logSinkhorn(c *checker, maxIter int, res *Result) (bool, error) {
	for it := 0; ; it++ {
		w.run(opColExp)
		if c.due(it) {
			done, err := c.check(res.Iterations, w.colErr())
			if err != nil {
				return false, err
			}
			// planErr leaves colsum as the plan's column sums: the same
			// quantity updateG needs if the iteration goes on.
			if done && (!c.confirm || w.planErr() <= c.r.tol) {
				return true, nil
			}
		}
		if it == maxIter {
			return false, nil
		}
		w.updateG(1)
		w.run(opRowExp)
		w.updateF(1)
		res.Iterations++
	}
}
