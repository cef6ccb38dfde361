package ot

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// EMDOptions controls EMD. The zero value and a nil pointer mean defaults.
type EMDOptions struct {
	// MaxIter bounds the number of simplex pivots; 0 means
	// max(100000, 50·n·m).
	MaxIter int
	// MassTol is the relative tolerance allowed between Σa and Σb; 0
	// means DefaultMassTol. Within it b is rescaled to Σa, as POT does.
	MassTol float64
	// Progress, when not nil, is called every 12 288 pivots (every third
	// refresh of the potentials, which happens every 4096) with the pivot
	// count and the current transport cost.
	Progress func(pivots int, cost float64)
}

// EMDResult reports an exact optimal transport solution.
type EMDResult struct {
	// Plan is an optimal n×m plan; it is a vertex of the transport
	// polytope, so it has at most n + m − 1 nonzeros.
	Plan *mat.Dense
	// Cost is ⟨C, Plan⟩.
	Cost float64
	// U and V are optimal dual potentials: U_i + V_j ≤ C_ij for all i, j
	// with equality where Plan_ij > 0, centred as POT does (Σ a_i U_i and
	// Σ b_j V_j balanced); zero-mass bins get the largest feasible value
	// (a c-transform), as POT's estimate_dual_null_weights.
	U, V []float64
	// Iterations is the number of simplex pivots.
	Iterations int
	// MarginalError is ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂: rounding only when
	// Converged; after the pivot limit, the mass still on the
	// artificial arcs of the Big-M start, which Plan does not carry.
	MarginalError float64
	// Converged reports that no arc has negative reduced cost.
	Converged bool
	// Reason says why the solve stopped.
	Reason string
}

// EMD solves the exact optimal transport problem min ⟨C, P⟩ over P ≥ 0,
// P1 = a, Pᵀ1 = b (the earth mover's distance; POT's ot.emd) by the
// primal network simplex method on the complete bipartite graph, with
// block-search pivoting (blocks of √(n·m) arcs), a strongly feasible
// spanning tree (Cunningham's rule: no cycling on degenerate pivots) and
// an artificial root. a or b nil means uniform weights. n and m may
// differ; weights may be zero (those bins are removed before solving) and
// costs may tie. A common offset larger than the spread of the costs
// (|min C| > max C − min C) is subtracted before solving and added back
// to Cost and U (the plan does not change), so that the simplex's
// tolerance on reduced costs, relative to the size of its potentials,
// is not set by the offset. Memory: the n·m flow array, and an n·m
// copy of C when the offset is subtracted (or bins are removed); each
// pivot costs one block of reduced costs plus the size of the re-hung subtree.
// Practical for n, m up to a few thousand.
//
// Errors: ErrInput/ErrNaN for bad data; ErrNotConverged (with the last
// basic plan in the result, whose marginals miss the mass still routed
// through the artificial root) after MaxIter pivots; the context's
// error if cancelled.
func EMD(ctx context.Context, a, b []float64, C *mat.Dense, o *EMDOptions) (*EMDResult, error) {
	const method = "emd"
	var opt EMDOptions
	if o != nil {
		opt = *o
	}
	if opt.MaxIter < 0 || !(opt.MassTol >= 0) || math.IsInf(opt.MassTol, 1) {
		return nil, errorf("%w: emd: invalid options MaxIter %d, MassTol %g", ErrInput, opt.MaxIter, opt.MassTol)
	}
	// The simplex looks at ctx every few thousand pivots; a context
	// already done stops it before any.
	if ctx != nil && ctx.Err() != nil {
		return nil, errorf("emd: cancelled before the first pivot: %w", ctx.Err())
	}
	massTol := pick(opt.MassTol, DefaultMassTol)
	p, err := newProblem(method, a, b, C, 1, true, massTol)
	if err != nil {
		return nil, err
	}
	// A common offset larger than the spread (|min C| > max C − min C)
	// is removed, as for the balanced entropic methods: the plan does not
	// change, but the simplex's reduced-cost tolerance is relative to
	// its potentials, of the size of max|C|, and with costs of 1e12 +
	// [0, 1] it accepted plans 1e-2 above the optimum of the stored
	// costs. Cost and U are returned for C.
	p.shiftCost()
	// The artificial arcs cost (n+m+1)·max|C|, and reduced costs are
	// differences of potentials of that size: they must stay far from
	// overflow (else the simplex stops at once with an infeasible plan).
	if big := p.cmax * float64(p.n+p.m+1); big > 1e300 {
		return nil, errorf("%w: emd: costs up to %g are too large for the network simplex ((n+m+1)·max|C| = %g > 1e300); scale C down: the optimal plan does not change", ErrInput, p.cmax, big)
	}
	maxIter := opt.MaxIter
	if maxIter == 0 {
		maxIter = max(100000, 50*p.n*p.m)
	}
	s := newSimplex(p)
	ok, err := s.solve(ctx, maxIter, opt.Progress)
	if err != nil {
		return nil, err
	}
	res := s.result()
	if !ok {
		res.Converged = false
		res.Reason = fmt.Sprintf("pivot limit %d reached", maxIter)
		return res, errorf("emd: %w after %d pivots", ErrNotConverged, res.Iterations)
	}
	res.Converged = true
	res.Reason = "optimal: no arc has negative reduced cost"
	return res, nil
}
