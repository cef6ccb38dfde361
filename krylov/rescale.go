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
// x0 multiplied by 2^−e, e the binary exponent of ‖b‖ (an exact scaling,
// so the iterates are those of the original system scaled, up to
// subnormal entries of b), and x, the absolute residuals and ATol are
// scaled back. Right-hand sides with ‖b‖ in [rescaleLow, rescaleHigh]
// are solved as they are: their squares are far inside the range even
// for residuals 1e60 times larger or smaller than b.
const (
	rescaleLow  = 0x1p-300 // about 4.9e-91
	rescaleHigh = 0x1p+300 // about 2.0e+90
)

// rescaleExp returns e such that b·2^−e has norm in [1/2, 1), and false
// when b needs no rescaling (its norm is in range, zero or not finite:
// the solver reports those itself).
func rescaleExp(b []float64) (int, bool) {
	nb := vec.Norm(b)
	if nb == 0 || math.IsNaN(nb) || math.IsInf(nb, 0) || (nb >= rescaleLow && nb <= rescaleHigh) {
		return 0, false
	}
	_, e := math.Frexp(nb)
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
// The options' absolute tolerance is scaled with b. It checks the sizes
// first (panicking as the solvers do), so that a wrong call fails the
// same way whatever b holds.
func rescaled(A linop.Operator, b, x []float64, o *Options, solve func(b, x []float64, o *Options) (Result, error)) (Result, bool, error) {
	if r, c := A.Dims(); r != c || len(b) != r || len(x) != c {
		return Result{}, false, nil // the solver panics with its message
	}
	e, ok := rescaleExp(b)
	if !ok {
		return Result{}, false, nil
	}
	bs, xs := scaledCopies(b, x, e)
	var os Options
	if o != nil {
		os = *o
	}
	os.ATol = math.Ldexp(os.ATol, -e)
	res, err := solve(bs, xs, &os)
	unscale(x, xs, e, &res)
	return res, true, err
}

// rescaledLS is rescaled for LSQR and LSMR: the relative tolerances and
// the damping are scale-free; ‖Aᵀr − λ²x‖ and ‖x‖ scale with b.
func rescaledLS(A linop.Operator, b, x []float64, o *LSOptions, solve func(b, x []float64, o *LSOptions) (LSResult, error)) (LSResult, bool, error) {
	if m, n := A.Dims(); len(b) != m || len(x) != n {
		return LSResult{}, false, nil
	}
	e, ok := rescaleExp(b)
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
