package ot

import (
	"context"
	"errors"
	"math"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"

	"gonum.org/v1/gonum/mat"
)

// Line-search constants of SNS.
const (
	snsArmijo     = 1e-4 // sufficient increase: D(z+αΔ) ≥ D(z) + c·α·∇Dᵀ(αΔ)/α
	snsBacktrack  = 0.5  // step reduction factor
	snsMaxHalving = 30   // trials before falling back to a Sinkhorn step
	snsStall      = 0.5  // a Newton step that leaves more than this fraction of ‖∇D‖ doubles the kept entries
)

// SNS solves min ⟨C,P⟩ − reg·H(P), P1 = a, Pᵀ1 = b, by
// Sinkhorn–Newton–Sparse (Tang et al., ICLR 2024): N1 log-domain Sinkhorn
// iterations, then Newton steps on the concave dual
//
//	D(f, g) = ⟨f, a⟩ + ⟨g, b⟩ − reg·Σ_ij exp((f_i + g_j − C_ij)/reg)
//
// whose gradient is (a − P1, b − Pᵀ1) and whose Hessian is
// −(1/reg)·[diag(P1) P; Pᵀ diag(Pᵀ1)]. The Newton system keeps the
// diagonal blocks from the full plan and only the ⌈Lambda·n·m⌉ largest
// plan entries off the diagonal (a global threshold), fixes the gauge by
// holding g_{m−1} (the Hessian's null vector is (1, −1)), and is solved by
// Jacobi-preconditioned CG (krylov.CG) to relative residual CGTol. A backtracking
// line search (Armijo constant 1e-4, halving) makes every step increase D;
// when the increase is below rounding it accepts a step that reduces the
// gradient norm instead, and if 30 halvings fail it takes one Sinkhorn
// iteration. It stops when ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ < Tol (the Sinkhorn
// stage uses POT's rule and stops early if it is met). MaxIter bounds
// Sinkhorn plus Newton iterations; a run that reaches it returns the
// Newton stage's iterate of least marginal error (damped Newton increases
// D at every step, not the marginal error). Each Newton iteration costs one
// selection over n·m entries, one CG solve on O(Lambda·n·m) nonzeros and
// one n·m exponential pass per line-search trial. Memory: two n·m buffers.
// Small reg does not overflow or give NaN (down to the limits in the
// package doc). Errors as SinkhornLog.
func SNS(ctx context.Context, a, b []float64, C *mat.Dense, reg float64, o *Options) (*Result, error) {
	const method = "sns"
	p, r, err := setup(method, a, b, C, reg, o, true, DefaultTol)
	if err != nil {
		return nil, err
	}
	w := newPasses(p)
	w.warmLog(r)
	res := &Result{}
	c := &checker{method: method, r: r, ctx: ctx, confirm: true}
	ok, err := w.logSinkhorn(c, min(r.n1, r.maxIter), res)
	if err != nil {
		return nil, err
	}
	res.SinkhornIterations = res.Iterations
	if !ok && res.Iterations < r.maxIter {
		ok, err = w.newton(c, r, res)
		if err != nil {
			return nil, err
		}
	}
	if err := w.finishLog(method, res, ok); err != nil {
		return nil, err
	}
	if !ok {
		return res, notConverged(method, res, r.maxIter)
	}
	return res, converged(p, method, res, r.tol)
}

// snsWork holds the Newton stage's buffers.
type snsWork struct {
	h         sparseHess
	grad, dir []float64 // reduced: n + m − 1
	diag, inv []float64 // Jacobi preconditioner: diag(M̃) and its inverse
	jacobi    linop.Operator
	F0, G0    []float64        // potentials at the current iterate
	sel       []float64        // selection scratch, n·m
	cg        *krylov.CGSolver // one CG workspace for all Newton steps
	cgOpt     krylov.Options
}

// dual evaluates D at the current w.F, w.G (in units of reg), writing the
// plan into w.plan and its marginals into w.rowsum, w.colsum. It returns
// D in cost units and the gradient norm sqrt(‖a − P1‖² + ‖b − Pᵀ1‖²).
func (w *passes) dual() (float64, float64) {
	p := w.p
	w.run(opPlan)
	w.run(opPlanCols)
	lin, mass := 0.0, 0.0
	for i, f := range w.F {
		lin += f * p.a[i]
		mass += w.rowsum[i]
	}
	for j, g := range w.G {
		lin += g * p.b[j]
	}
	D := p.reg * (lin - mass)
	if math.IsNaN(D) {
		D = math.Inf(-1)
	}
	// dist and Hypot neither under- nor overflow: at masses below ~1e-150
	// a plain sum of squares was 0 for any iterate.
	return D, math.Hypot(dist(w.rowsum, p.a), dist(w.colsum, p.b))
}

// newton runs SNS's Newton stage from w.F, w.G.
func (w *passes) newton(c *checker, r resolved, res *Result) (bool, error) {
	p := w.p
	n, m := p.n, p.m
	if m < 2 {
		// One column: the plan is a·1ᵀ after one Sinkhorn iteration; the
		// reduced system would be empty.
		return w.logSinkhorn(c, r.maxIter-res.Iterations, res)
	}
	k := n + m - 1
	s := &snsWork{
		h:    sparseHess{n: n, m: m},
		grad: make([]float64, k), dir: make([]float64, k),
		diag: make([]float64, k), inv: make([]float64, k),
		F0: make([]float64, n), G0: make([]float64, m),
		sel: make([]float64, n*m),
		cg:  krylov.NewCGSolver(k),
	}
	s.jacobi = linop.Diag(s.inv)
	if w.plan == nil {
		w.plan = make([]float64, n*m)
	}
	keep := int(math.Ceil(r.lambda * float64(n) * float64(m)))
	keep = min(max(keep, 1), n*m)
	D, gnorm := w.dual()
	res.LineSearchEvals++
	// The iterate of least marginal error so far: damped Newton's error is
	// not monotone (only D is), and a run cut off by MaxIter returns this
	// one rather than a last iterate that can be worse than where the
	// stage began.
	bestF, bestG := make([]float64, n), make([]float64, m)
	bestE := math.Inf(1)
	for {
		// The stopping rule: ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ of the plan dual()
		// materialised, bit for bit the MarginalError finishLog reports
		// for these potentials (gnorm, the 2-norm of the whole gradient,
		// can be √2 times smaller).
		e := dist(w.rowsum, p.a) + dist(w.colsum, p.b)
		if r.progress != nil && c.last != res.Iterations+1 {
			// (Not when the Sinkhorn stage evaluated this iteration.)
			r.progress(res.Iterations, e)
		}
		c.last = res.Iterations + 1
		if math.IsNaN(e) || math.IsNaN(gnorm) {
			return false, errorf("%w: sns: gradient is NaN at iteration %d", ErrNaN, res.Iterations)
		}
		if e < r.tol {
			return true, nil
		}
		if e < bestE {
			bestE = e
			copy(bestF, w.F)
			copy(bestG, w.G)
		}
		if res.Iterations >= r.maxIter {
			if e > bestE {
				copy(w.F, bestF)
				copy(w.G, bestG)
			}
			return false, nil
		}
		if c.ctx != nil && c.ctx.Err() != nil {
			return false, errorf("sns: cancelled at iteration %d: %w", res.Iterations, c.ctx.Err())
		}
		// Gradient (reduced) and the sparsified Newton matrix.
		for i := 0; i < n; i++ {
			s.grad[i] = p.a[i] - w.rowsum[i]
			s.diag[i] = w.rowsum[i]
		}
		for j := 0; j < m-1; j++ {
			s.grad[n+j] = p.b[j] - w.colsum[j]
			s.diag[n+j] = w.colsum[j]
		}
		s.h.r, s.h.c = w.rowsum, w.colsum
		copy(s.sel, w.plan)
		rho := kthLargest(s.sel, keep)
		s.h.build(w.plan, rho)
		if anyBad(s.diag) {
			// A marginal underflowed: the Newton system is singular there.
			// Take a Sinkhorn step (exact log-sum-exp) instead.
			w.logStep()
			res.Iterations++
			res.SinkhornIterations++
			D, gnorm = w.dual()
			res.LineSearchEvals++
			continue
		}
		// Inexact Newton: the forcing term min(0.1, ‖∇D‖/mass) keeps
		// early solves cheap and late ones accurate (floor CGTol).
		rtol := math.Max(r.cgTol, math.Min(0.1, gnorm/p.mass))
		for i, d := range s.diag {
			s.inv[i] = 1 / ((1 + snsRidge) * d)
		}
		clear(s.dir)
		s.cgOpt = krylov.Options{RTol: rtol, MaxIter: r.cgMaxIter, Precond: s.jacobi}
		cgRes, cgErr := s.cg.Solve(c.ctx, &s.h, s.grad, s.dir, &s.cgOpt)
		res.CGIterations += cgRes.Iterations
		if errors.Is(cgErr, context.Canceled) || errors.Is(cgErr, context.DeadlineExceeded) {
			return false, errorf("sns: cancelled in CG at iteration %d: %w", res.Iterations, cgErr)
		}
		// Not converged or breakdown: the iterate is still a usable
		// (inexact) Newton direction when it is an ascent direction,
		// which the line search checks below.
		// Ascent direction in units of reg: ΔF = M̃⁻¹ grad, so the
		// directional derivative of D is reg·gradᵀΔF > 0.
		slope := p.reg * dot(s.grad, s.dir)
		copy(s.F0, w.F)
		copy(s.G0, w.G)
		D0, g0 := D, gnorm
		accepted := false
		if slope > 0 && !math.IsNaN(slope) && !math.IsInf(slope, 0) {
			alpha := 1.0
			for t := 0; t < snsMaxHalving; t++ {
				for i := range w.F {
					w.F[i] = s.F0[i] + alpha*s.dir[i]
				}
				for j := 0; j < m-1; j++ {
					w.G[j] = s.G0[j] + alpha*s.dir[n+j]
				}
				D, gnorm = w.dual()
				res.LineSearchEvals++
				// Below rounding the dual cannot rank the points: then
				// the gradient norm decides.
				tiny := alpha*slope <= 1e-13*(math.Abs(D0)+p.reg*p.mass)
				if D >= D0+snsArmijo*alpha*slope || (tiny && gnorm < g0) {
					accepted = true
					break
				}
				alpha *= snsBacktrack
			}
		}
		if accepted {
			res.Iterations++
			res.NewtonIterations++
			if gnorm > snsStall*g0 && keep < n*m {
				// The sparsified Hessian misses mass that matters:
				// keep twice as many entries from now on.
				keep = min(2*keep, n*m)
				res.SparsityIncreases++
			}
			continue
		}
		// Fall back to one Sinkhorn iteration from the current iterate.
		copy(w.F, s.F0)
		copy(w.G, s.G0)
		w.logStep()
		res.Iterations++
		res.SinkhornIterations++
		D, gnorm = w.dual()
		res.LineSearchEvals++
	}
}
