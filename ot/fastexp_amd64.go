//go:build !purego

package ot

import (
	"math"

	"golang.org/x/sys/cpu"
)

// useAVX2 selects the vector kernels of fastexp_amd64.s: they need AVX2
// (gathers, 256-bit integer ops) and FMA. Without them the portable Go
// kernels run.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// The vector kernels compute the same exponential as fexp, 4 lanes per
// YMM register, with FMA in the argument (s + g[j] − c[j]·inv rounded
// once), the reduction and a Horner evaluation of the degree-6
// polynomial, and 2^(j/64) gathered from exp2Table. Results differ from
// the Go kernels' in the last bits only (both are within 3 ulp of
// math.Exp of their argument). Sums are accumulated in 8 lanes combined
// in a fixed order: the result depends only on the inputs.

// sumExpShiftAVX2 returns Σ_j exp(s + g[j] − c[j]·inv) over j < len(c);
// g must be at least as long as c.
//
//go:noescape
func sumExpShiftAVX2(c, g []float64, s, inv float64) float64

// axpyExpShiftAVX2 is axpyExpShift over j < len(c); acc and g must be at
// least as long as c.
//
//go:noescape
func axpyExpShiftAVX2(acc, c, g []float64, s, inv float64)

// writeExpShiftAVX2 is writeExpShift over j < len(c); dst and g must be
// at least as long as c.
//
//go:noescape
func writeExpShiftAVX2(dst, c, g []float64, s, inv float64) float64

// expVecAVX2 holds the constants of the vector kernels, one YMM (4 lanes)
// per row; fastexp_amd64.s addresses row k at offset 32·k.
var expVecAVX2 [15][4]float64

func init() {
	rows := [...]float64{
		expInvL,                  // 0
		expShifter,               // 32
		expL2Hi,                  // 64
		expL2Lo,                  // 96
		1,                        // 128
		expMin,                   // 160
		expMax,                   // 192
		math.Inf(1),              // 224
		1.0 / 720,                // 256: Taylor coefficients of e^r
		1.0 / 120,                // 288
		1.0 / 24,                 // 320
		1.0 / 6,                  // 352
		0.5,                      // 384
		math.Float64frombits(63), // 416: table index mask
	}
	for k, v := range rows {
		expVecAVX2[k] = [4]float64{v, v, v, v}
	}
	for i := range expVecAVX2[14] { // 448: lane numbers, for the tail mask
		expVecAVX2[14][i] = math.Float64frombits(uint64(i))
	}
}

// sumExpShift returns Σ_j exp(s + g[j] − c[j]·inv); exponents below −708
// contribute 0, above 709 +Inf, NaN a NaN. It panics if g is shorter
// than c.
func sumExpShift(c, g []float64, s, inv float64) float64 {
	g = g[:len(c)]
	if useAVX2 {
		return sumExpShiftAVX2(c, g, s, inv)
	}
	return sumExpShiftGo(c, g, s, inv)
}

// axpyExpShift sets acc[j] += exp(s + g[j] − c[j]·inv); exponents below
// −708 leave acc[j] untouched, above 709 set it to +Inf. It panics if acc
// or g is shorter than c.
func axpyExpShift(acc, c, g []float64, s, inv float64) {
	acc = acc[:len(c)]
	g = g[:len(c)]
	if useAVX2 {
		axpyExpShiftAVX2(acc, c, g, s, inv)
		return
	}
	axpyExpShiftGo(acc, c, g, s, inv)
}

// writeExpShift sets dst[j] = exp(s + g[j] − c[j]·inv) (0 below −708,
// +Inf above 709) and returns the sum of the dst entries. It panics if
// dst or g is shorter than c.
func writeExpShift(dst, c, g []float64, s, inv float64) float64 {
	dst = dst[:len(c)]
	g = g[:len(c)]
	if useAVX2 {
		return writeExpShiftAVX2(dst, c, g, s, inv)
	}
	return writeExpShiftGo(dst, c, g, s, inv)
}
