package ot

import "math"

// Exponential kernels of the log-domain passes.
//
// The n·m exponentials per half-iteration dominate the log-domain methods,
// and math.Exp is not inlined, so these kernels carry their own exp: the
// argument is reduced as x = (64k + j)·ln2/64 + r with |r| ≤ ln2/128,
// e^x = 2^k · 2^(j/64) · e^r, e^r by its degree-6 Taylor polynomial
// (truncation error < 4e-18), 2^(j/64) from a table computed with
// math.Exp2. Measured error ≤ 3 ulp against math.Exp (fastexp_test.go).
// Results below 2^-1022 (x < −708) are flushed to zero: the passes sum
// plan entries, and entries that small never change a sum that matters;
// when a whole row or column flushes to zero the callers fall back to an
// exact max-shifted log-sum-exp. x > 709 gives +Inf.

var exp2Table [64]float64

func init() {
	for j := range exp2Table {
		exp2Table[j] = math.Exp2(float64(j) / 64)
	}
}

const (
	expShifter = 6755399441055744.0 // 1.5·2^52: adding it rounds to an integer
	expInvL    = 64 / math.Ln2
	expL2Hi    = 6.93147180369123816490e-01 / 64 // ln2/64, high part (exact product with k)
	expL2Lo    = 1.90821492927058770002e-10 / 64 // ln2/64, low part
	expMin     = -708.0
	expMax     = 709.0
	expMask52  = 1<<52 - 1
)

// fexp is the scalar version of the kernels' exponential (for rare
// paths; hot loops carry the code inline).
func fexp(x float64) float64 {
	if x < expMin {
		return 0
	}
	if x > expMax {
		return math.Inf(1)
	}
	y := x*expInvL + expShifter
	ky := math.Float64bits(y)
	kf := y - expShifter
	r := (x - kf*expL2Hi) - kf*expL2Lo
	r2 := r * r
	p := (1 + r) + r2*((0.5+r*(1.0/6))+r2*((1.0/24+r*(1.0/120))+r2*(1.0/720)))
	t := exp2Table[ky&63] * p
	return math.Float64frombits(math.Float64bits(t) + (ky<<46)&^expMask52)
}

// sumExpShiftGo returns Σ_j exp(s + g[j] − c[j]·inv), summing the terms
// alternately into two accumulators. It is the portable version of
// sumExpShift.
func sumExpShiftGo(c, g []float64, s, inv float64) float64 {
	g = g[:len(c)]
	var acc0, acc1 float64
	for j, cj := range c {
		x := s + g[j] - cj*inv
		var e float64
		if x < expMin {
			continue
		} else if x > expMax {
			e = math.Inf(1)
		} else {
			y := x*expInvL + expShifter
			ky := math.Float64bits(y)
			kf := y - expShifter
			r := (x - kf*expL2Hi) - kf*expL2Lo
			r2 := r * r
			p := (1 + r) + r2*((0.5+r*(1.0/6))+r2*((1.0/24+r*(1.0/120))+r2*(1.0/720)))
			t := exp2Table[ky&63] * p
			e = math.Float64frombits(math.Float64bits(t) + (ky<<46)&^expMask52)
		}
		if j&1 == 0 {
			acc0 += e
		} else {
			acc1 += e
		}
	}
	return acc0 + acc1
}

// axpyExpShiftGo sets acc[j] += exp(s + g[j] − c[j]·inv); terms that
// flush to zero leave acc[j] untouched and overflowing ones set it to
// +Inf. It is the portable version of axpyExpShift.
func axpyExpShiftGo(acc, c, g []float64, s, inv float64) {
	g = g[:len(c)]
	acc = acc[:len(c)]
	for j, cj := range c {
		x := s + g[j] - cj*inv
		if x < expMin {
			continue
		} else if x > expMax {
			acc[j] = math.Inf(1)
			continue
		}
		y := x*expInvL + expShifter
		ky := math.Float64bits(y)
		kf := y - expShifter
		r := (x - kf*expL2Hi) - kf*expL2Lo
		r2 := r * r
		p := (1 + r) + r2*((0.5+r*(1.0/6))+r2*((1.0/24+r*(1.0/120))+r2*(1.0/720)))
		t := exp2Table[ky&63] * p
		acc[j] += math.Float64frombits(math.Float64bits(t) + (ky<<46)&^expMask52)
	}
}

// writeExpShiftGo sets dst[j] = exp(s + g[j] − c[j]·inv) and returns the
// sum of the dst entries, summed alternately into two accumulators. It is
// the portable version of writeExpShift.
func writeExpShiftGo(dst, c, g []float64, s, inv float64) float64 {
	g = g[:len(c)]
	dst = dst[:len(c)]
	var acc0, acc1 float64
	for j, cj := range c {
		x := s + g[j] - cj*inv
		var e float64
		if x < expMin {
			e = 0
		} else if x > expMax {
			e = math.Inf(1)
		} else {
			y := x*expInvL + expShifter
			ky := math.Float64bits(y)
			kf := y - expShifter
			r := (x - kf*expL2Hi) - kf*expL2Lo
			r2 := r * r
			p := (1 + r) + r2*((0.5+r*(1.0/6))+r2*((1.0/24+r*(1.0/120))+r2*(1.0/720)))
			t := exp2Table[ky&63] * p
			e = math.Float64frombits(math.Float64bits(t) + (ky<<46)&^expMask52)
		}
		dst[j] = e
		if j&1 == 0 {
			acc0 += e
		} else {
			acc1 += e
		}
	}
	return acc0 + acc1
}
