package krylov

import (
	"context"
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/nilcheck"
	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// Helpers shared by the solvers (and usable by GCRO-DR): input checks, the
// true residual, and the per-iteration bookkeeping (history, progress,
// cancellation, NaN detection).

// checkSystem panics unless A is non-nil and square and len(b) = len(x)
// = n; it returns n. method prefixes the message.
func checkSystem(method string, A linop.Operator, b, x []float64) int {
	checkOperator(method, A)
	r, c := A.Dims()
	if r != c {
		panic(fmt.Sprintf("krylov: %s: operator is %d×%d, want a square operator", method, r, c))
	}
	if len(b) != r {
		panic(fmt.Sprintf("krylov: %s: len(b) = %d, want %d", method, len(b), r))
	}
	if len(x) != c {
		panic(fmt.Sprintf("krylov: %s: len(x) = %d, want %d", method, len(x), c))
	}
	if vec.Overlap(b, x) {
		// The solvers update x in place while they still read b: an
		// in-place solve would return a wrong x.
		panic(fmt.Sprintf("krylov: %s: x and b share memory; pass a copy of b", method))
	}
	return r
}

// checkOperator panics with a "krylov:" message if A is nil: every solver
// calls it (through rescaled, checkSystem or lsSolve) before A.Dims.
func checkOperator(method string, A linop.Operator) {
	if nilcheck.IsNil(A) {
		panic("krylov: " + method + ": nil operator")
	}
}

// checkPrecond panics unless M is nil or n×n.
func checkPrecond(method string, M linop.Operator, n int) {
	if M == nil {
		return
	}
	if nilcheck.IsNil(M) {
		panic(fmt.Sprintf("krylov: %s: preconditioner is a nil %T (leave Options.Precond nil for none)", method, M))
	}
	if r, c := M.Dims(); r != n || c != n {
		panic(fmt.Sprintf("krylov: %s: preconditioner is %d×%d, want %d×%d", method, r, c, n, n))
	}
}

// checkFinite returns an ErrNaN error naming v and the first bad index.
func checkFinite(method, name string, v []float64) error {
	if i, bad := vec.HasNaNInf(v); bad {
		return errorf("%s: %s[%d] = %v: %w", method, name, i, v[i], ErrNaN)
	}
	return nil
}

// finite reports whether f is neither NaN nor infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// isZero reports whether every element of x is zero (it stops at the
// first non-zero).
func isZero(x []float64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

// sqInRange reports whether a sum of squares ss is safely inside the
// float64 range, so that √ss is the norm to rounding: neither overflowed
// nor near the subnormals where an underflowed term would be lost.
func sqInRange(ss float64) bool { return ss >= 1e-280 && ss <= math.MaxFloat64 }

// overflowedBack returns nil, or, when x, scaled back from a rescaled
// solve, holds an infinity (the solution is beyond the float64 range), an
// ErrNaN error naming method and the entry, with res marked not
// converged. rescaled and the LSQR/LSMR driver share it.
func overflowedBack(method string, x []float64, res *Result) error {
	i, bad := vec.HasNaNInf(x)
	if !bad {
		return nil
	}
	res.Converged = false
	res.Reason = "the solution overflows"
	return errorf("%s: x[%d] = %v: the solution of the rescaled problem overflows when scaled back: %w", method, i, x[i], ErrNaN)
}

// safeNorm returns ‖v‖ given ss = Σvᵢ² from a fused kernel: √ss when ss
// is safely inside the float64 range, else vec.Norm's scaled sum. Only b
// is rescaled (see rescaleExp), so an image A·p of BiCGStab, IDR(s) or
// TFQMR has a norm near ‖A‖·‖b‖, whose square over- or underflows when
// ‖A‖ is far from 1 (1e150·A overflowed TFQMR's ‖A·M·u‖²; on 1e-150·A
// BiCGStab's ‖t‖² underflowed to 0, reported as "A is singular").
func safeNorm(v []float64, ss float64) float64 {
	if sqInRange(ss) {
		return math.Sqrt(ss)
	}
	return vec.Norm(v)
}

// overSq returns d/‖v‖² for ss = Σvᵢ² and nv = safeNorm(v, ss): d/ss when
// ss is in range (bit-identical to before), else d/nv/nv, which neither
// overflows nor divides by an underflowed 0.
func overSq(d, ss, nv float64) float64 {
	if sqInRange(ss) {
		return d / ss
	}
	return d / nv / nv
}

// residualTo sets r = b − A·x and returns ‖r‖ (one product with A and one
// fused pass over r and b; a second, scaled pass when the sum of squares
// leaves the range: an initial guess far from the solution, x₀ = 1e150 for
// ‖b‖ = 1, has a representable ‖r‖ ≈ 1e155 whose square overflowed, and
// the solve was refused as NaN/Inf).
func residualTo(r []float64, A linop.Operator, b, x []float64) float64 {
	A.Apply(r, x)
	return safeNorm(r, vec.XpayDot(b, -1, r, r))
}

// start is the prologue every square solver shares. It panics on
// dimension mismatch, returns an ErrNaN error for non-finite b or x, an
// error for invalid options (with NaN residuals in the Result: x is left
// as given and its residual is not computed), and the resolved options, ‖b‖ and the
// residual threshold max(RTol·‖b‖, ATol). When b = 0 it sets x = 0 and
// returns done = true with a converged Result (x = 0 is then the exact
// solution, whatever the initial guess).
func start(method string, A linop.Operator, b, x []float64, o *Options) (opt Options, bnorm, thresh float64, res Result, done bool, err error) {
	n := checkSystem(method, A, b, x)
	if o != nil {
		checkPrecond(method, o.Precond, n)
	}
	// A refused input leaves x as given, whose residual was not computed:
	// the Result says so with NaN residuals (not 0, which reads as solved).
	refused := func(reason string) Result {
		return Result{Reason: reason, Residual: math.NaN(), RelResidual: math.NaN()}
	}
	if err = checkFinite(method, "b", b); err != nil {
		return opt, 0, 0, refused("invalid input"), true, err
	}
	if err = checkFinite(method, "x0", x); err != nil {
		return opt, 0, 0, refused("invalid input"), true, err
	}
	bnorm = vec.Norm(b)
	opt, thresh, err = o.resolve(n, bnorm)
	if err != nil {
		return opt, bnorm, 0, refused("invalid options"), true, fmt.Errorf("%w (%s)", err, method)
	}
	if bnorm == 0 {
		clear(x)
		res = Result{Converged: true, Reason: "b = 0: x = 0 is the exact solution"}
		if opt.History {
			res.History = []float64{0}
		}
		return opt, 0, 0, res, true, nil
	}
	return opt, bnorm, thresh, res, false, nil
}

// initialResidual is the part of the prologue after start that the
// single-vector solvers share: it sets r = b − A x (a copy of b, without a
// product, when x = 0), records it as iteration 0, and reports done when
// the solve is already over: x satisfies the tolerance (err nil, Reason
// says so) or the residual is not finite (err wraps ErrNaN; scratch, of
// length n, receives the final true residual).
func initialResidual(method string, A linop.Operator, b, x, r, scratch []float64, bnorm, thresh float64, res *Result, mon *monitor) (rnorm float64, done bool, err error) {
	if isZero(x) {
		vec.Copy(r, b)
		rnorm = bnorm
	} else {
		rnorm = residualTo(r, A, b, x)
		res.MatVecs++
	}
	if err := mon.record(0, rnorm); err != nil {
		return rnorm, true, finish(method, A, b, x, scratch, bnorm, thresh, res, err)
	}
	if rnorm <= thresh {
		res.Reason = "initial guess satisfies the tolerance"
		return rnorm, true, conclude(method, rnorm, bnorm, thresh, res, nil)
	}
	return rnorm, false, nil
}

// reasonStagnated is the Reason of a solve stopped by stagnation.
const reasonStagnated = "stagnated: the true residual stopped decreasing (tolerance below attainable accuracy)"

// confirmTrue confirms a pass of a residual estimate: it computes the true
// residual b − A x into r (counting the product) and reports whether the
// solve may stop on it, converged or stagnated (stag counts the failed
// confirmations; Reason is then set). Otherwise r holds the true residual
// for the caller to restart from.
func confirmTrue(A linop.Operator, b, x, r []float64, thresh float64, res *Result, stag *stagnation) (rnorm float64, stop bool) {
	rnorm = residualTo(r, A, b, x)
	res.MatVecs++
	if rnorm <= thresh {
		return rnorm, true
	}
	if stag.failed(rnorm) {
		res.Reason = reasonStagnated
		return rnorm, true
	}
	return rnorm, false
}

// concludeRestarted is conclude for a method that may have restarted its
// recurrence: the Reason of a converged solve counts the restarts
// ("after N <what>").
func concludeRestarted(method string, rnorm, bnorm, thresh float64, res *Result, restarts int, what string) error {
	err := conclude(method, rnorm, bnorm, thresh, res, nil)
	if err == nil && restarts > 0 {
		res.Reason = fmt.Sprintf("‖b − A x‖ ≤ max(RTol·‖b‖, ATol), after %d %s", restarts, what)
	}
	return err
}

// monitor does the per-iteration bookkeeping of a solve: it appends to
// the history, calls the progress callback, checks the residual estimate
// for NaN/Inf and the context for cancellation. It allocates only when the
// history grows.
type monitor struct {
	ctx      context.Context
	method   string
	bnorm    float64
	history  bool
	progress func(iter int, relres float64)
	res      *Result
}

func newMonitor(ctx context.Context, method string, opt *Options, bnorm float64, res *Result) monitor {
	return monitor{ctx: ctx, method: method, bnorm: bnorm, history: opt.History, progress: opt.Progress, res: res}
}

// record notes the residual estimate rnorm after iteration iter (0: the
// initial residual). It returns an ErrNaN error if rnorm is not finite and
// a wrapped context error if the solve was cancelled.
func (m *monitor) record(iter int, rnorm float64) error {
	if m.history {
		m.res.History = append(m.res.History, rnorm)
	}
	if !finite(rnorm) {
		return errorf("%s: residual norm is %v at iteration %d: %w", m.method, rnorm, iter, ErrNaN)
	}
	if m.progress != nil && iter > 0 {
		m.progress(iter, rnorm/m.bnorm)
	}
	if iter > 0 {
		return ctxErr(m.ctx, m.method, iter)
	}
	return nil
}

// setTrue stores the true residual norm rnorm of the returned x in res and
// marks it converged when rnorm ≤ thresh.
func setTrue(res *Result, rnorm, bnorm, thresh float64) {
	res.Residual = rnorm
	res.RelResidual = rnorm / bnorm
	res.Converged = rnorm <= thresh
}

// finish computes the true residual of x (into scratch r) and concludes
// the solve with it (see conclude).
func finish(method string, A linop.Operator, b, x, r []float64, bnorm, thresh float64, res *Result, err error) error {
	rnorm := residualTo(r, A, b, x)
	res.MatVecs++
	return conclude(method, rnorm, bnorm, thresh, res, err)
}

// conclude fills res from the true residual norm rnorm of the returned x
// and returns err unchanged (marking the result not converged), or an
// ErrNaN error if rnorm is not finite, or a wrapped ErrNotConverged when
// the stopping rule is not met. Every square solver ends through it.
func conclude(method string, rnorm, bnorm, thresh float64, res *Result, err error) error {
	setTrue(res, rnorm, bnorm, thresh)
	if err != nil {
		res.Converged = false
		if res.Reason == "" {
			res.Reason = err.Error()
		}
		return err
	}
	if !finite(rnorm) {
		res.Converged = false
		res.Reason = "the solution contains NaN or Inf"
		return errorf("%s: true residual is %v after %d iterations: %w", method, rnorm, res.Iterations, ErrNaN)
	}
	if !res.Converged {
		if res.Reason == "" {
			res.Reason = fmt.Sprintf("iteration limit %d reached", res.Iterations)
		}
		return errorf("%s: %s: relative residual %.3g > tolerance %.3g after %d iterations: %w",
			method, res.Reason, res.RelResidual, thresh/bnorm, res.Iterations, ErrNotConverged)
	}
	if res.Reason == "" {
		res.Reason = "‖b − A x‖ ≤ max(RTol·‖b‖, ATol)"
	}
	return nil
}
