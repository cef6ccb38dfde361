package krylov

import (
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

// unscale sets x = xs·2^e and scales the absolute quantities of res back.
func unscale(x, xs []float64, e int, res *Result) {
	for i, v := range xs {
		x[i] = math.Ldexp(v, e)
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
// error with the result marked not converged and its residuals +Inf.
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
	unscale(x, xs, e, &res)
	if err == nil {
		if err = overflowedBack(method, x, &res); err != nil {
			res.Residual, res.RelResidual = math.Inf(1), math.Inf(1)
		}
	}
	return res, true, err
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
