package krylov

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// LSOptions controls the least-squares solvers LSQR and LSMR. The zero
// value, and a nil *LSOptions, mean the documented defaults, which are
// those of scipy.sparse.linalg.lsqr and lsmr except LSQR's ATol and BTol
// (1e-8; SciPy's lsqr now uses 1e-6) and MaxIter (10·min(m, n); SciPy:
// 2n for lsqr, min(m, n) for lsmr).
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
// The first rule that holds, in this order (Paige and Saunders' and
// SciPy's), is the one reported: a cond(Ā) above ConLim (3) is reported
// even when the step also reached machine precision (4, 5).
//
// The rule of the other solvers, ‖r‖ ≤ max(RTol·‖b‖, ATol) (see Options),
// does not apply: an
// incompatible system never reaches a small residual, and the natural test
// is rule 2.
//
// The estimates that feed the rules (‖r̄‖, ‖Āᵀr̄‖, ‖Ā‖, ‖x‖ and their
// products) must be finite: a rule never passes because one of them
// overflowed (‖Ā‖ = Inf made ‖Āᵀr̄‖/(‖Ā‖‖r̄‖) = 0 look like rule 2). The
// methods square and multiply the α and β of the bidiagonalisation, which
// are at most ‖Ā‖, so when one of them or λ exceeds 2^300, a product
// overflows, or α₁ = ‖Aᵀu₁‖ and λ are both below 2^−300 (‖b‖ is rescaled
// as for every solver, see the package doc), the solve starts again from
// x₀ on the problem with A and λ multiplied by a power of two 2^−f that
// brings that value (the geometric mean of α₁ and λ when λ is the larger)
// to about 1, and x by 2^f: an exact scaling (up to entries that
// underflow, and a damping below 2^−1022‖Ā‖), so the iterates are those
// of the original problem scaled. At most two such restarts are made
// (none when x₀ would not scale exactly); a non-finite estimate then
// stops the solve with ErrNaN, as does an x whose scaling back overflows.
// An initial guess far from the solution can make β₁ = ‖b − A x₀‖ exceed
// 2^300, or A x₀ overflow, with b in range; scaling A does not change β₁,
// so the restart then also multiplies b and x₀ by a power of two 2^−e that
// brings β₁ to about 1 (2^−1024 when A x₀ overflowed; x is scaled back by
// 2^e), under the same conditions (x₀ scales exactly, and b, which may
// lose bits far below β₁, does not become 0).
type LSOptions struct {
	// Damp is the regularisation parameter λ ≥ 0: the solvers minimise
	// ‖A x − b‖² + λ²‖x‖². 0 means none. With an initial guess x₀ the
	// damping applies to the correction x − x₀ (as in SciPy).
	Damp float64
	// ATol is the relative tolerance on ‖Āᵀr̄‖ (rule 2) and on the
	// ‖Ā‖‖x‖ term of rule 1. 0 means the default: 1e-8 for LSQR (older
	// SciPy's; SciPy's lsqr now defaults to 1e-6), 1e-6 for LSMR (SciPy's).
	// Negative values are an error. Unlike
	// Options.ATol it is relative and not a bound on ‖r‖: SciPy's lsqr
	// atol, kept under SciPy's name.
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
	// iteration count and the estimate of ‖r̄‖/‖b − A x₀‖. After a
	// restart on the rescaled problem (see above) the count starts again.
	Progress func(iter int, relres float64)
}

// LSResult reports a least-squares solve. The embedded Result has the
// iterations, MatVecs (products with A, including the final residual),
// the true residual ‖b − A x‖ and ‖b − A x‖/‖b‖ of the returned x,
// Converged (stopping rules 1, 2, 4 or 5 of LSOptions, or b − A x₀ = 0 or
// Aᵀ(b − A x₀) = 0 at the start), the reason and the history. After a
// restart on the rescaled problem (see LSOptions) Iterations and History
// are those of the last run, MatVecs and MatVecsT count every product.
// The norms are computed on the scaled problem and scaled back: one whose
// true value exceeds the float64 range (‖A‖ of a matrix with entries near
// 1e308, say) is +Inf.
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
	// of the bidiagonal matrix built so far) and cond(Ā). LSMR's NormA,
	// like SciPy's lsmr's, comes from the bidiagonalisation of A alone
	// and leaves λ out: it estimates ‖A‖_F, below ‖Ā‖_F = √(‖A‖_F² + nλ²),
	// so with damping LSMR's rules 1 and 2 are the stricter.
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
	// A refused input leaves x as given, with its residual not computed:
	// NaN, not 0, which reads as solved (cleared below once accepted).
	res.Reason = "invalid input"
	res.Residual, res.RelResidual, res.NormAr = math.NaN(), math.NaN(), math.NaN()
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
	res.Residual, res.RelResidual, res.NormAr = 0, 0, 0
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
// and returns the rule number, or 0 to continue. It returns an ErrNaN
// error instead when an estimate, or ‖Ā‖‖r̄‖ or ‖Ā‖‖x‖/‖b‖, is not finite
// (NaN, or an overflow that would make the ratios 0), or cond(Ā) is NaN
// (+Inf is a valid estimate: it stops the solve by rules 3 and 6).
func lsStopRule(method string, opt *LSOptions, it int, normb, normr, normar, normA, condA, normx float64) (int, error) {
	ax := normA * normx / normb
	if !finite(normr) || !finite(normar) || !finite(normA) || !finite(normx) || !finite(ax) || !finite(normA*normr) || math.IsNaN(condA) {
		return 0, errorf("%s: estimates not finite at iteration %d (‖r‖ = %v, ‖Aᵀr‖ = %v, ‖A‖ = %v, ‖x‖ = %v, cond(A) = %v, ‖b‖ = %v): %w",
			method, it, normr, normar, normA, normx, condA, normb, ErrNaN)
	}
	test1 := normr / normb
	test2 := math.Inf(1)
	if normA*normr != 0 {
		test2 = normar / (normA * normr)
	}
	test3 := 1 / condA
	t1 := test1 / (1 + ax)
	rtol := opt.BTol + opt.ATol*ax
	// In the rules' order (see LSOptions): 3 before 4 and 5.
	switch {
	case test1 <= rtol:
		return 1, nil
	case test2 <= opt.ATol:
		return 2, nil
	case test3 <= 1/opt.ConLim:
		return 3, nil
	case 1+t1 <= 1:
		return 4, nil
	case 1+test2 <= 1:
		return 5, nil
	case 1+test3 <= 1:
		return 6, nil
	case it >= opt.MaxIter:
		return 7, nil
	}
	return 0, nil
}

// lsFinish computes the true residual r = b − A x, ‖r‖ and ‖Aᵀr − λ²(x − x₀)‖
// (scratch rm of length m and rn of length n), fills res from stop and
// returns err, or a wrapped ErrNotConverged for rules 3, 6 and 7, or
// ErrNaN if the result is not finite.
func lsFinish(method string, A linop.Transposer, b, x, rm, rn []float64, damp float64, stop int, res *LSResult, err error) error {
	A.Apply(rm, x)
	rnorm := xpayNorm(b, -1, rm)
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
		return ctxErr(m.ctx, m.method, it)
	}
	return nil
}

// normalize scales v to unit norm given its norm nv (no-op when nv = 0),
// also when nv is subnormal and 1/nv overflows.
func normalize(v []float64, nv float64) {
	switch {
	case nv >= 0x1p-1022:
		vec.Scale(1/nv, v)
	case nv > 0:
		vec.Scale(0x1p1022, v) // exact: |vᵢ| ≤ nv < 2^−1022
		vec.Scale(1/(nv*0x1p1022), v)
	}
}

// xpayNorm sets y = x + a·y and returns ‖y‖: the fused √Σyᵢ² when the sum
// is safely inside the range, else vec.Norm's scaled sum, which neither
// overflows nor underflows (a β of 1e−170 is not 0, nor one of 1e170 +Inf).
func xpayNorm(x []float64, a float64, y []float64) float64 {
	return safeNorm(y, vec.XpayDot(x, a, y, y))
}

// lsBidiagStart is the first step of the Golub–Kahan bidiagonalisation
// shared by LSQR and LSMR: β₁u₁ = b − A x₀ and α₁v₁ = Aᵀu₁ (u, v
// normalised in place, products counted in res), then the monitor's first
// record. done reports that the solve is already over — cancelled, a
// non-finite ‖Aᵀu₁‖ (ErrNaN), or x₀ optimal because β₁ = 0 or α₁ = 0 —
// and err is then what the solver must return after lsFinish; tm and tn
// are lsFinish's scratch. done is also set, with sc.want and no
// lsFinish, when β₁ (out of range: x₀ far from the solution), α₁ or λ
// asks for a rescaled restart (see lsScale).
func lsBidiagStart(ctx context.Context, method string, A linop.Transposer, b, x, u, v, tm, tn []float64, opt *LSOptions, res *LSResult, sc *lsScale) (alpha, beta float64, mon lsMonitor, done bool, err error) {
	if isZero(x) {
		vec.Copy(u, b)
	} else {
		A.Apply(u, x)
		res.MatVecs++
		vec.XpayDot(b, -1, u, u)
	}
	beta = vec.Norm(u)
	if !finite(beta) && !sc.checkOverflow() {
		return alpha, beta, mon, true, nil // A x₀ overflowed: start again rescaled
	}
	normalize(u, beta)
	A.ApplyT(v, u)
	res.MatVecsT++
	alpha = vec.Norm(v)
	if finite(beta) && !sc.checkStart(alpha, opt.Damp, beta) {
		return alpha, beta, mon, true, nil
	}
	normalize(v, alpha)

	mon = lsMonitor{ctx: ctx, method: method, normb: beta, history: opt.History, progress: opt.Progress, res: res}
	if err := mon.record(0, beta); err != nil {
		return alpha, beta, mon, true, lsFinish(method, A, b, x, tm, tn, opt.Damp, 0, res, err)
	}
	if !finite(alpha) {
		return alpha, beta, mon, true, lsFinish(method, A, b, x, tm, tn, opt.Damp, 0, res,
			errorf("%s: ‖Aᵀb‖ = %v: %w", method, alpha, ErrNaN))
	}
	if beta == 0 || alpha == 0 {
		// b − A x₀ = 0, or it is orthogonal to range(A): x₀ is optimal.
		return alpha, beta, mon, true, lsFinish(method, A, b, x, tm, tn, opt.Damp, 0, res, nil)
	}
	return alpha, beta, mon, false, nil
}

// lsCore is one run of LSQR's or LSMR's iteration (after lsStart) on the
// problem as lsSolve scaled it. It leaves its result in res and returns
// lsFinish's error, or nil with sc.want set when it stopped early to ask
// for a rescaled restart.
type lsCore func(ctx context.Context, A linop.Transposer, b, x []float64, opt *LSOptions, res *LSResult, sc *lsScale) error

// lsScale is the power-of-two scaling under which a run of lsCore works
// (A and λ times 2^−f, b times 2^−e, x times 2^(f−e)), and the range
// check that asks for a new f.
type lsScale struct {
	f, e  int
	retry bool      // a new scaling may still be asked for
	x0    []float64 // the caller's initial guess; nil if zero
	bmax  float64   // max |bᵢ| of the caller's b
	want  bool      // set by ask: start again with f = next, e = nextE
	next  int
	nextE int
}

// lsMaxScale bounds |f|, so that 2^−f/2 and 2^−(f − f/2) stay normal.
const lsMaxScale = 2000

// checkStart is check for the first step: alpha = α₁ = ‖Aᵀu₁‖, lam = λ
// and beta = β₁ = ‖b − A x₀‖ (finite). A run also restarts when the larger
// of α₁ and λ is below rescaleLow (and not 0); when λ is the larger, f
// brings the geometric mean of α₁ and λ to about 1, not λ alone, which
// could leave α's square to underflow. β₁ above rescaleHigh comes from an
// x₀ far from the solution (b is in range once rescaled), and scaling A
// leaves it unchanged (2^−f A times 2^f x₀): e then grows so that β₁
// becomes about 1, in the same restart as f.
func (sc *lsScale) checkStart(alpha, lam, beta float64) bool {
	de := 0
	if beta > rescaleHigh {
		_, de = math.Frexp(beta)
	}
	s := max(alpha, lam)
	if !finite(s) || s == 0 || (s >= rescaleLow && s <= rescaleHigh) {
		if de == 0 {
			return sc.check(s)
		}
		df := 0
		if !finite(s) && sc.f <= 0 {
			df = 1024 // as check
		}
		return sc.ask(df, de)
	}
	_, df := math.Frexp(s)
	if lam > alpha && alpha > 0 {
		_, ea := math.Frexp(alpha)
		df = (df + ea) / 2
	}
	return sc.ask(df, de)
}

// checkOverflow is check for a β₁ = ‖b − A x₀‖ that is not finite: A x₀
// overflowed. Scaling A alone does not help (2^−f A times 2^f x₀); e grows
// by 1024, and f by 1024 too unless x₀ times 2^(f−e−1024) is exact.
func (sc *lsScale) checkOverflow() bool {
	df := 0
	if !scalesExactly(sc.x0, sc.f-sc.e-1024) {
		df = 1024
	}
	return sc.ask(df, 1024)
}

// check reports whether s, the larger of the α and β just computed, lets
// the run go on. It does unless s is above rescaleHigh or not finite (an
// overflow: then f grows by 1024, tried only from f ≤ 0), and the run may
// still be restarted with an f that brings s to about 1 and scales x₀
// exactly; then it records that f in next, sets want and returns false.
func (sc *lsScale) check(s float64) bool {
	switch {
	case !finite(s):
		if sc.f > 0 {
			return true
		}
		return sc.ask(1024, 0)
	case s > rescaleHigh:
		_, e := math.Frexp(s)
		return sc.ask(e, 0)
	}
	return true
}

// ask asks for a restart with f increased by df and e by de, if one may
// still be made, scales x₀ exactly and does not flush b to 0 (b may lose
// bits far below ‖b − A x₀‖, but a zero b would read as b = 0), and
// reports whether the run may go on instead.
func (sc *lsScale) ask(df, de int) bool {
	if !sc.retry {
		return true
	}
	next := min(max(sc.f+df, -lsMaxScale), lsMaxScale)
	nextE := min(max(sc.e+de, -lsMaxScale), lsMaxScale)
	if (next == sc.f && nextE == sc.e) || !scalesExactly(sc.x0, next-nextE) || (nextE > sc.e && sc.bmax != 0 && math.Ldexp(sc.bmax, -nextE) == 0) {
		sc.retry = false
		return true
	}
	sc.next, sc.nextE, sc.want = next, nextE, true
	return false
}

// scalesExactly reports whether every non-zero entry of x times 2^f is a
// normal float64.
func scalesExactly(x []float64, f int) bool {
	for _, v := range x {
		if v == 0 {
			continue
		}
		if s := math.Abs(math.Ldexp(v, f)); math.IsInf(s, 0) || s < 0x1p-1022 {
			return false
		}
	}
	return true
}

// lsScaledOp is 2^−f·A, applied as 2^−g·(A·(2^−h·x)) with g = f/2 and
// h = f − g, so that for |f| ≤ lsMaxScale neither the scaled argument nor
// the product overflows where 2^−f·(A·x) would, and few entries of the
// argument underflow where A·(2^−f·x) would lose them.
type lsScaledOp struct {
	a      linop.Transposer
	sg, sh float64   // 2^−g, 2^−h
	tmp    []float64 // the scaled argument
}

func newLSScaledOp(A linop.Transposer, f int) *lsScaledOp {
	m, n := A.Dims()
	g := f / 2
	return &lsScaledOp{a: A, sg: math.Ldexp(1, -g), sh: math.Ldexp(1, g-f), tmp: make([]float64, max(m, n))}
}

func (s *lsScaledOp) Dims() (r, c int) { return s.a.Dims() }

func (s *lsScaledOp) Apply(dst, x []float64) {
	s.a.Apply(dst, s.arg(x))
	vec.Scale(s.sg, dst)
}

func (s *lsScaledOp) ApplyT(dst, x []float64) {
	s.a.ApplyT(dst, s.arg(x))
	vec.Scale(s.sg, dst)
}

// arg returns 2^−h·x in the scratch vector.
func (s *lsScaledOp) arg(x []float64) []float64 {
	t := s.tmp[:len(x)]
	for i, v := range x {
		t[i] = v * s.sh
	}
	return t
}

// lsSolve runs LSQR or LSMR (core, with its default tolerance defTol):
// lsStart and a run of core on the problem as given, or with b rescaled
// when its norm is out of range (rescaledLS). When the run asks for A to
// be rescaled (see LSOptions), it starts again from x₀ on the problem
// with A and λ times 2^−f, b times 2^−e and x₀ times 2^(f−e), as often as
// the runs ask, and scales the result back at once (scaling back by 2^e
// and then by 2^−f could overflow in between).
func lsSolve(ctx context.Context, method string, A linop.Operator, b, x []float64, o *LSOptions, defTol float64, core lsCore) (LSResult, error) {
	checkOperator(method, A)
	if vec.Overlap(b, x) {
		// x is updated while b is still read (and the final residual is
		// b − A x): an in-place solve reports a wrong residual.
		panic(fmt.Sprintf("krylov: %s: x and b share memory; pass a copy of b", method))
	}
	sc := lsScale{retry: true}
	if e, ok := rescaleExp(b, x); ok {
		sc.e = e // the scaling rescaledLS applies to the first run
	}
	if !isZero(x) {
		sc.x0 = slices.Clone(x)
	}
	sc.bmax = vec.MaxAbs(b)
	run := func(A linop.Operator, b, x []float64, o *LSOptions) (LSResult, error) {
		At, opt, res, done, err := lsStart(method, A, b, x, o, defTol)
		if done {
			return res, err
		}
		err = core(ctx, At, b, x, &opt, &res, &sc)
		return res, err
	}
	res, ok, err := rescaledLS(A, b, x, o, func(b, x []float64, o *LSOptions) (LSResult, error) { return run(A, b, x, o) })
	if !ok {
		res, err = run(A, b, x, o)
	}
	if !sc.want {
		return lsScaledBack(method, x, res, err)
	}
	// A asked for the scaling, so it is a Transposer and o is valid.
	bs, xs := make([]float64, len(b)), make([]float64, len(x))
	for runs := 2; sc.want; runs++ {
		matvecs, matvecsT := res.MatVecs, res.MatVecsT
		sc.f, sc.e, sc.want, sc.retry = sc.next, sc.nextE, false, runs < 3
		for i, v := range b {
			bs[i] = math.Ldexp(v, -sc.e)
		}
		var so LSOptions
		if o != nil {
			so = *o
		}
		so.Damp = math.Ldexp(so.Damp, -sc.f)
		clear(xs)
		for i, v := range sc.x0 {
			xs[i] = math.Ldexp(v, sc.f-sc.e)
		}
		res, err = run(newLSScaledOp(A.(linop.Transposer), sc.f), bs, xs, &so)
		res.MatVecs += matvecs
		res.MatVecsT += matvecsT
	}
	for i, v := range xs {
		x[i] = math.Ldexp(v, sc.e-sc.f)
	}
	res.Residual = math.Ldexp(res.Residual, sc.e)
	for i, v := range res.History {
		res.History[i] = math.Ldexp(v, sc.e)
	}
	res.NormA = math.Ldexp(res.NormA, sc.f)
	res.NormAr = math.Ldexp(res.NormAr, sc.e+sc.f)
	res.NormX = math.Ldexp(res.NormX, sc.e-sc.f)
	return lsScaledBack(method, x, res, err)
}

// lsScaledBack returns res and err, or, when x, scaled back from a
// rescaled solve, holds an infinity, res marked not converged and an
// ErrNaN error: the solution is beyond the float64 range. A solve that
// had failed already (iteration limit, cond(Ā) above ConLim, cancelled)
// keeps its error too: the ErrNaN error wraps both.
func lsScaledBack(method string, x []float64, res LSResult, err error) (LSResult, error) {
	if errors.Is(err, ErrNaN) {
		return res, err
	}
	oerr := overflowedBack(method, x, &res.Result)
	switch {
	case oerr == nil:
		return res, err
	case err == nil:
		return res, oerr
	}
	return res, fmt.Errorf("%w (%w)", oerr, err)
}
