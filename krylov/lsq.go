package krylov

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// LSOptions controls the least-squares solvers LSQR and LSMR. The zero
// value, and a nil *LSOptions, mean the documented defaults, which are
// SciPy's (scipy.sparse.linalg.lsqr and lsmr).
//
// Stopping rules (Paige & Saunders 1982, Fong & Saunders 2011), with
// Ā = [A; λI], r̄ the residual of the damped problem and ‖Ā‖, cond(Ā)
// the methods' running estimates, all norms relative to ‖b − A x₀‖ (= ‖b‖
// for a zero initial guess):
//
//  1. ‖r̄‖ ≤ BTol·‖b‖ + ATol·‖Ā‖·‖x‖: x solves a compatible system A x = b
//     to the tolerances (converged);
//  2. ‖Āᵀr̄‖ ≤ ATol·‖Ā‖·‖r̄‖: x is a least-squares solution to the
//     tolerances (converged);
//  3. cond(Ā) ≥ ConLim: stopped because the problem looks too
//     ill-conditioned (not converged; a form of regularisation);
//  4. 5. as 1 and 2 with ATol = BTol = ε: the tolerances are below
//     machine precision, x is as good as it gets (converged);
//  6. cond(Ā) ≥ 1/ε (not converged);
//  7. MaxIter iterations (not converged).
//
// The DESIGN rule ‖r‖ ≤ max(RTol·‖b‖, ATol) does not apply: an
// incompatible system never reaches a small residual, and the natural test
// is rule 2.
type LSOptions struct {
	// Damp is the regularisation parameter λ ≥ 0: the solvers minimise
	// ‖A x − b‖² + λ²‖x‖². 0 means none. With an initial guess x₀ the
	// damping applies to the correction x − x₀ (as in SciPy).
	Damp float64
	// ATol is the relative tolerance on ‖Āᵀr̄‖ (rule 2) and on the
	// ‖Ā‖‖x‖ term of rule 1. 0 means the default: 1e-8 for LSQR, 1e-6
	// for LSMR (SciPy's). Negative values are an error.
	ATol float64
	// BTol is the relative tolerance on ‖r̄‖ (rule 1). 0 means the same
	// defaults as ATol.
	BTol float64
	// ConLim bounds the estimate of cond(Ā) (rule 3). 0 means 1e8; use
	// math.Inf(1) to disable.
	ConLim float64
	// MaxIter bounds the iterations (one product with A and one with Aᵀ
	// each). 0 means DefaultMaxIterFactor·min(m, n).
	MaxIter int
	// History records the estimate of ‖r̄‖ after every iteration
	// (starting with ‖b − A x₀‖) in the result's History.
	History bool
	// Progress, when not nil, is called after every iteration with the
	// iteration count and the estimate of ‖r̄‖/‖b − A x₀‖.
	Progress func(iter int, relres float64)
}

// LSResult reports a least-squares solve. The embedded Result has the
// iterations, MatVecs (products with A, including the final residual),
// the true residual ‖b − A x‖ and ‖b − A x‖/‖b‖ of the returned x,
// Converged (stopping rules 1, 2, 4 or 5 of LSOptions, or b − A x₀ = 0 or
// Aᵀ(b − A x₀) = 0 at the start), the reason and the history.
type LSResult struct {
	Result
	// MatVecsT is the number of products with Aᵀ (including the final
	// ‖Aᵀr‖).
	MatVecsT int
	// NormAr is the true ‖Aᵀ(b − A x) − λ²(x − x₀)‖ of the returned x (the
	// gradient of the objective, zero at the solution; x₀ = 0 without an
	// initial guess).
	NormAr float64
	// NormA and CondA are the method's estimates of ‖Ā‖ (Frobenius norm
	// of the bidiagonal matrix built so far) and cond(Ā).
	NormA, CondA float64
	// NormX is ‖x‖ of the returned x.
	NormX float64
	// x0 is a copy of the initial guess when damping applies to x − x₀
	// with x₀ ≠ 0 (for NormAr); nil otherwise.
	x0 []float64
	// Stop is the number of the stopping rule that ended the solve (see
	// LSOptions; 0 when the initial guess already solves the problem).
	Stop int
}

// lsDefaults resolves the options; defTol is the method's default ATol and
// BTol.
func (o *LSOptions) resolve(method string, m, n int, defTol float64) (LSOptions, error) {
	var r LSOptions
	if o != nil {
		r = *o
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Damp", r.Damp}, {"ATol", r.ATol}, {"BTol", r.BTol}, {"ConLim", r.ConLim}} {
		if f.v < 0 || math.IsNaN(f.v) {
			return r, errorf("%s: %w: %s %g (must be ≥ 0)", method, ErrOption, f.name, f.v)
		}
	}
	if math.IsInf(r.Damp, 0) || math.IsInf(r.ATol, 0) || math.IsInf(r.BTol, 0) {
		return r, errorf("%s: %w: Damp, ATol and BTol must be finite", method, ErrOption)
	}
	if r.MaxIter < 0 {
		return r, errorf("%s: %w: MaxIter %d (must be ≥ 0)", method, ErrOption, r.MaxIter)
	}
	if r.ATol == 0 {
		r.ATol = defTol
	}
	if r.BTol == 0 {
		r.BTol = defTol
	}
	if r.ConLim == 0 {
		r.ConLim = 1e8
	}
	if r.MaxIter == 0 {
		r.MaxIter = max(DefaultMaxIterFactor*min(m, n), 1)
	}
	return r, nil
}

// lsReasons describes the stopping rules.
var lsReasons = [...]string{
	0: "the initial guess solves the problem",
	1: "x solves the compatible system A x = b to the tolerances",
	2: "x is a least-squares solution to the tolerances",
	3: "cond(A) estimate exceeded ConLim",
	4: "x solves A x = b to machine precision",
	5: "x is a least-squares solution to machine precision",
	6: "cond(A) estimate exceeded 1/ε: A is numerically singular",
	7: "iteration limit reached",
}

// lsStart is the prologue of LSQR and LSMR: it checks dimensions (panics),
// that A can apply its transpose (error), finiteness of b and x (ErrNaN),
// the options, and handles the trivial cases; done reports that the
// result is final.
func lsStart(method string, A linop.Operator, b, x []float64, o *LSOptions, defTol float64) (At linop.Transposer, opt LSOptions, res LSResult, done bool, err error) {
	m, n := A.Dims()
	if len(b) != m {
		panic(fmt.Sprintf("krylov: %s: len(b) = %d, want %d (rows of A)", method, len(b), m))
	}
	if len(x) != n {
		panic(fmt.Sprintf("krylov: %s: len(x) = %d, want %d (columns of A)", method, len(x), n))
	}
	res.Reason = "invalid input"
	At, ok := A.(linop.Transposer)
	if !ok {
		return nil, opt, res, true, errorf("%s: %w: the operator %T cannot apply its transpose: LSQR and LSMR need a linop.Transposer", method, ErrOption, A)
	}
	if err = checkFinite(method, "b", b); err != nil {
		return At, opt, res, true, err
	}
	if err = checkFinite(method, "x0", x); err != nil {
		return At, opt, res, true, err
	}
	if opt, err = o.resolve(method, m, n, defTol); err != nil {
		res.Reason = "invalid options"
		return At, opt, res, true, err
	}
	res.Reason = ""
	// b = 0: x = 0 minimises ‖A x‖ (exactly, residual 0) unless damping
	// pulls x towards a non-zero x0, which is then solved for as usual.
	if vec.Norm(b) == 0 && (opt.Damp == 0 || isZero(x)) {
		clear(x)
		res.Converged = true
		res.Reason = "b = 0: x = 0 is the exact solution"
		if opt.History {
			res.History = []float64{0}
		}
		return At, opt, res, true, nil
	}
	if opt.Damp != 0 && !isZero(x) {
		res.x0 = slices.Clone(x)
	}
	if n == 0 {
		res.Converged = true
		res.Reason = "A has no columns: the empty x is the least-squares solution"
		res.Residual = vec.Norm(b)
		res.RelResidual = 1
		if opt.History {
			res.History = []float64{res.Residual}
		}
		return At, opt, res, true, nil
	}
	return At, opt, res, false, nil
}

// lsStopRule applies the stopping rules of LSOptions after iteration it
// and returns the rule number, or 0 to continue.
func lsStopRule(opt *LSOptions, it int, normb, normr, normar, normA, condA, normx float64) int {
	test1 := normr / normb
	test2 := math.Inf(1)
	if normA*normr != 0 {
		test2 = normar / (normA * normr)
	}
	test3 := 1 / condA
	t1 := test1 / (1 + normA*normx/normb)
	rtol := opt.BTol + opt.ATol*normA*normx/normb
	switch {
	case test1 <= rtol:
		return 1
	case test2 <= opt.ATol:
		return 2
	case 1+t1 <= 1:
		return 4
	case 1+test2 <= 1:
		return 5
	case test3 <= 1/opt.ConLim:
		return 3
	case 1+test3 <= 1:
		return 6
	case it >= opt.MaxIter:
		return 7
	}
	return 0
}

// lsFinish computes the true residual r = b − A x, ‖r‖ and ‖Aᵀr − λ²x‖
// (scratch rm of length m and rn of length n), fills res from stop and
// returns err, or a wrapped ErrNotConverged for rules 3, 6 and 7, or
// ErrNaN if the result is not finite.
func lsFinish(method string, A linop.Transposer, b, x, rm, rn []float64, damp float64, stop int, res *LSResult, err error) error {
	rnorm := residualTo(rm, A, b, x)
	A.ApplyT(rn, rm)
	res.MatVecs++
	res.MatVecsT++
	if damp != 0 {
		vec.Axpy(-damp*damp, x, rn)
		if res.x0 != nil {
			vec.Axpy(damp*damp, res.x0, rn) // the damping is on x − x₀
		}
	}
	res.Residual = rnorm
	res.RelResidual = rnorm
	if nb := vec.Norm(b); nb > 0 {
		res.RelResidual = rnorm / nb // ‖b − A x‖ itself when b = 0, as Result says
	}
	res.NormAr = vec.Norm(rn)
	res.NormX = vec.Norm(x)
	res.Stop = stop
	if err != nil {
		res.Converged = false
		if res.Reason == "" {
			res.Reason = err.Error()
		}
		return err
	}
	if !finite(rnorm) || !finite(res.NormAr) || !finite(res.NormX) {
		res.Converged = false
		res.Reason = "the solution contains NaN or Inf"
		return errorf("%s: result is not finite after %d iterations: %w", method, res.Iterations, ErrNaN)
	}
	res.Reason = lsReasons[stop]
	switch stop {
	case 0, 1, 2, 4, 5:
		res.Converged = true
		return nil
	}
	res.Converged = false
	return errorf("%s: %s after %d iterations (‖r‖/‖b‖ = %.3g, ‖Aᵀr‖ = %.3g, cond(A) ≈ %.3g): %w",
		method, res.Reason, res.Iterations, res.RelResidual, res.NormAr, res.CondA, ErrNotConverged)
}

// lsMonitor records history and progress and checks for cancellation.
type lsMonitor struct {
	ctx      context.Context
	method   string
	normb    float64
	history  bool
	progress func(int, float64)
	res      *LSResult
}

func (m *lsMonitor) record(it int, normr float64) error {
	if m.history {
		m.res.History = append(m.res.History, normr)
	}
	if !finite(normr) {
		return errorf("%s: residual estimate is %v at iteration %d: %w", m.method, normr, it, ErrNaN)
	}
	if m.progress != nil && it > 0 {
		m.progress(it, normr/m.normb)
	}
	if it > 0 {
		return ctxErr(m.ctx, it)
	}
	return nil
}

// normalize scales v to unit norm given its norm nv (no-op when nv = 0).
func normalize(v []float64, nv float64) {
	if nv > 0 {
		vec.Scale(1/nv, v)
	}
}

// lsBidiagStart is the first step of the Golub–Kahan bidiagonalisation
// shared by LSQR and LSMR: β₁u₁ = b − A x₀ and α₁v₁ = Aᵀu₁ (u, v
// normalised in place, products counted in res), then the monitor's first
// record. done reports that the solve is already over — cancelled, a
// non-finite ‖Aᵀu₁‖ (ErrNaN), or x₀ optimal because β₁ = 0 or α₁ = 0 —
// and err is then what the solver must return after lsFinish; tm and tn
// are lsFinish's scratch.
func lsBidiagStart(ctx context.Context, method string, A linop.Operator, At linop.Transposer, b, x, u, v, tm, tn []float64, opt *LSOptions, res *LSResult) (alpha, beta float64, mon lsMonitor, done bool, err error) {
	if isZero(x) {
		vec.Copy(u, b)
	} else {
		A.Apply(u, x)
		res.MatVecs++
		vec.XpayDot(b, -1, u, u)
	}
	beta = vec.Norm(u)
	normalize(u, beta)
	At.ApplyT(v, u)
	res.MatVecsT++
	alpha = vec.Norm(v)
	normalize(v, alpha)

	mon = lsMonitor{ctx: ctx, method: method, normb: beta, history: opt.History, progress: opt.Progress, res: res}
	if err := mon.record(0, beta); err != nil {
		return alpha, beta, mon, true, lsFinish(method, At, b, x, tm, tn, opt.Damp, 0, res, err)
	}
	if !finite(alpha) {
		return alpha, beta, mon, true, lsFinish(method, At, b, x, tm, tn, opt.Damp, 0, res,
			errorf("%s: ‖Aᵀb‖ = %v: %w", method, alpha, ErrNaN))
	}
	if beta == 0 || alpha == 0 {
		// b − A x₀ = 0, or it is orthogonal to range(A): x₀ is optimal.
		return alpha, beta, mon, true, lsFinish(method, At, b, x, tm, tn, opt.Damp, 0, res, nil)
	}
	return alpha, beta, mon, false, nil
}
