package krylov

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// The solvers' fused kernels compute norms as √Σrᵢ², which underflows
// to 0 when the entries are below about 1e-154 and overflows above about
// 1e154: a right-hand side of norm 1e-200 would look solved at once, one
// of 1e160 would turn into Inf. Such a system is solved instead with b and
// x0 multiplied by 2^−e, e the binary exponent of max|bᵢ| (an exact
// scaling, so the iterates are those of the original system scaled, up to
// entries of b that underflow), and x, the absolute residuals and ATol are
// scaled back. It is not applied when the options are invalid or x0 would
// not scale exactly: the solver then reports the system as given. Right-hand sides with ‖b‖ in [rescaleLow, rescaleHigh]
// are solved as they are: their squares are far inside the range even
// for residuals 1e60 times larger or smaller than b.
const (
	rescaleLow  = 0x1p-300 // about 4.9e-91
	rescaleHigh = 0x1p+300 // about 2.0e+90
)

// rescaleExp returns e such that b·2^−e has its largest entry in
// [1/2, 1) (so its norm is at most √n), and false when b needs no
// rescaling: its norm is in range, b is zero or not finite (the solver
// reports those itself), or x0 would not scale exactly (a nonzero entry
// would overflow or fall below the normal range: then the system is
// solved as given, and a failure is reported as it is).
func rescaleExp(b, x0 []float64) (int, bool) {
	nb := vec.Norm(b) // +Inf when the norm itself overflows
	if nb == 0 || math.IsNaN(nb) || (nb >= rescaleLow && nb <= rescaleHigh) {
		return 0, false
	}
	big := vec.MaxAbs(b)
	if math.IsInf(big, 0) || math.IsNaN(big) {
		return 0, false
	}
	_, e := math.Frexp(big)
	for _, v := range x0 {
		if v == 0 {
			continue
		}
		if s := math.Abs(math.Ldexp(v, -e)); math.IsInf(s, 0) || s < 0x1p-1022 {
			return 0, false
		}
	}
	return e, true
}

// scaledCopies returns b·2^−e and x·2^−e as new slices.
func scaledCopies(b, x []float64, e int) (bs, xs []float64) {
	bs, xs = make([]float64, len(b)), make([]float64, len(x))
	for i, v := range b {
		bs[i] = math.Ldexp(v, -e)
	}
	for i, v := range x {
		xs[i] = math.Ldexp(v, -e)
	}
	return bs, xs
}

// unscale sets x = xs·2^e (not when x is nil) and scales the absolute
// quantities of res back.
func unscale(x, xs []float64, e int, res *Result) {
	if x != nil {
		for i, v := range xs {
			x[i] = math.Ldexp(v, e)
		}
	}
	res.Residual = math.Ldexp(res.Residual, e)
	for i, v := range res.History {
		res.History[i] = math.Ldexp(v, e)
	}
}

// rescaled runs solve on the rescaled system when b is out of range (see
// rescaleLow) and reports whether it did; the caller returns its result.
// The options' absolute tolerance is scaled with b. On mismatched sizes
// (or an x that shares memory with b) or invalid options it declines at
// once, so that the solver reports them
// (a panic, an ErrOption error) exactly as for any other b.
//
// A solution beyond the float64 range (|x| > 1.8e308 once scaled back,
// though the rescaled solve converged) is reported as method's ErrNaN
// error with the result marked not converged and its residuals +Inf. A
// failed solve whose iterate overflows so returns x₀ instead (see
// failedOverflowBack), and an x whose entries were rounded below the
// normal range is judged by its own true residual (see roundedResidual).
func rescaled(method string, A linop.Operator, b, x []float64, o *Options, solve func(b, x []float64, o *Options) (Result, error)) (Result, bool, error) {
	checkOperator(method, A)
	r, c := A.Dims()
	if r != c || len(b) != r || len(x) != c || vec.Overlap(b, x) {
		// The solver panics with its message. An x sharing b's memory
		// must not reach the scaled copies, where the check would pass.
		return Result{}, false, nil
	}
	if _, _, err := o.resolve(r, 1); err != nil {
		return Result{}, false, nil // the solver reports the options as given
	}
	e, ok := rescaleExp(b, x)
	if !ok {
		return Result{}, false, nil
	}
	bs, xs := scaledCopies(b, x, e)
	var os Options
	if o != nil {
		os = *o
	}
	// An ATol beyond the range once scaled is met by any x: keep it huge.
	os.ATol = math.Min(math.Ldexp(os.ATol, -e), math.MaxFloat64)
	res, err := solve(bs, xs, &os)
	if i, bad := notFiniteBack(xs, e); bad && err != nil {
		// x still holds x₀.
		unscale(nil, xs, e, &res)
		return res, true, failedOverflowBack(A, bs, xs, x, e, i, &res, err)
	}
	unscale(x, xs, e, &res)
	if _, bad := vec.HasNaNInf(x); bad {
		err = overflowedBack(method, x, &res)
		res.Residual, res.RelResidual = math.Inf(1), math.Inf(1)
	} else if roundedBack(x, xs, e) {
		_, thresh, _ := os.resolve(r, vec.Norm(bs))
		err = roundedResidual(method, A, bs, x, e, thresh, &res, err)
	}
	return res, true, err
}

// roundedBack reports whether x = xs·2^e lost bits: entries that fell
// below the normal range (subnormal or 0) when scaled back.
func roundedBack(x, xs []float64, e int) bool {
	for i, v := range xs {
		if math.Ldexp(x[i], -e) != v {
			return true
		}
	}
	return false
}

// roundedResidual makes res describe x after a scaling back that rounded
// some of its entries (a tiny b whose solution has entries below 2^−1022,
// where the float64 grid is absolute: the rounding can leave a residual
// far above the one of the rescaled iterate). It computes the true
// residual of x on the scaled system (x·2^−e is exact), one product, and,
// when the solve had converged, reports ErrNotConverged if that residual
// misses thresh, the threshold of the scaled system. Otherwise err is
// returned as it was.
func roundedResidual(method string, A linop.Operator, bs, x []float64, e int, thresh float64, res *Result, err error) error {
	xr := make([]float64, len(x))
	for i, v := range x {
		xr[i] = math.Ldexp(v, -e)
	}
	r := make([]float64, len(bs))
	nr := residualTo(r, A, bs, xr)
	res.MatVecs++
	res.Residual = math.Ldexp(nr, e)
	res.RelResidual = nr / vec.Norm(bs)
	if err != nil || nr <= thresh {
		return err
	}
	res.Converged = false
	res.Reason = "the solution has entries below the normal float64 range, rounded when scaled back"
	return errorf("%s: %s: relative residual %.3g > tolerance %.3g after %d iterations: %w",
		method, res.Reason, res.RelResidual, thresh/vec.Norm(bs), res.Iterations, ErrNotConverged)
}

// notFiniteBack returns the first i whose xs[i]·2^e is not finite.
func notFiniteBack(xs []float64, e int) (int, bool) {
	for i, v := range xs {
		if w := math.Ldexp(v, e); math.IsInf(w, 0) || math.IsNaN(w) {
			return i, true
		}
	}
	return 0, false
}

// failedOverflowBack handles a failed rescaled solve (err ≠ nil) whose
// iterate xs, scaled back, would not be finite at entry i (beyond the
// float64 range). A failed solve returns x no worse than x₀, so x is left
// holding x₀ and res is made to describe it: its true residual, computed
// on the scaled system (x₀·2^−e is exact, see rescaleExp; it overwrites
// xs; one product, none for x₀ = 0), and the reason. The error keeps
// err's sentinel and says what happened.
func failedOverflowBack(A linop.Operator, bs, xs, x []float64, e, i int, res *Result, err error) error {
	bad := math.Ldexp(xs[i], e)
	r := make([]float64, len(bs))
	var nr float64
	if isZero(x) {
		copy(r, bs)
		nr = vec.Norm(r)
	} else {
		for j, v := range x {
			xs[j] = math.Ldexp(v, -e)
		}
		nr = residualTo(r, A, bs, xs)
		res.MatVecs++
	}
	res.Residual = math.Ldexp(nr, e)
	res.RelResidual = nr / vec.Norm(bs)
	res.Converged = false
	res.Reason += "; the iterate overflows when scaled back, x0 returned"
	return fmt.Errorf("%w; that iterate overflows when scaled back from the rescaled problem (x[%d] = %v): x0 returned instead, relative residual %.3g", err, i, bad, res.RelResidual)
}

// rescaledLS is rescaled for LSQR and LSMR: the relative tolerances and
// the damping are scale-free; NormAr (‖Aᵀr − λ²(x − x₀)‖) and NormX scale
// with b.
func rescaledLS(A linop.Operator, b, x []float64, o *LSOptions, solve func(b, x []float64, o *LSOptions) (LSResult, error)) (LSResult, bool, error) {
	m, n := A.Dims()
	if len(b) != m || len(x) != n {
		return LSResult{}, false, nil
	}
	if _, err := o.resolve("", m, n, 1e-8); err != nil {
		return LSResult{}, false, nil
	}
	e, ok := rescaleExp(b, x)
	if !ok {
		return LSResult{}, false, nil
	}
	bs, xs := scaledCopies(b, x, e)
	res, err := solve(bs, xs, o)
	unscale(x, xs, e, &res.Result)
	res.NormAr = math.Ldexp(res.NormAr, e)
	res.NormX = math.Ldexp(res.NormX, e)
	return res, true, err
}
