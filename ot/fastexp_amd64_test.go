//go:build !purego

package ot

import (
	"math"
	"math/rand/v2"
	"testing"
)

// expRef is the value the kernels must approximate for the argument
// s + g − c·inv, rounded once as the vector kernels compute it (FMA):
// 0 below expMin, +Inf above expMax, NaN for NaN, else math.Exp.
func expRef(c, g, s, inv float64) float64 {
	x := math.FMA(-c, inv, s+g)
	switch {
	case x < expMin:
		return 0
	case x > expMax:
		return math.Inf(1)
	}
	return math.Exp(x)
}

// ulpDiff returns |got − want| in units of the last place of want, 0 if
// both are the same special value and +Inf if only one is.
func ulpDiff(got, want float64) float64 {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		if math.IsNaN(want) && math.IsNaN(got) {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(want, 0) || want == 0 || math.IsInf(got, 0) || got == 0:
		if got == want {
			return 0
		}
		return math.Inf(1)
	}
	ulp := math.Nextafter(want, math.Inf(1)) - want
	return math.Abs(got-want) / ulp
}

// expTestArgs returns n arguments (c, g) spread over the whole range of
// s + g − c·inv with the special cases mixed in.
func expTestArgs(rng *rand.Rand, n int) (c, g []float64) {
	special := []float64{
		expMin, math.Nextafter(expMin, math.Inf(-1)), math.Nextafter(expMin, 0),
		expMax, math.Nextafter(expMax, math.Inf(1)), math.Nextafter(expMax, 0),
		0, math.Copysign(0, -1), -720, -745, -1000, -1e300, 1e300, 710,
		math.Inf(1), math.Inf(-1), math.NaN(), 1e-300, -1e-300,
	}
	c = make([]float64, n)
	g = make([]float64, n)
	for j := range c {
		switch rng.IntN(4) {
		case 0: // the special values, argument in g
			g[j] = special[rng.IntN(len(special))]
		case 1: // whole range
			g[j] = -760 + 1480*rng.Float64()
			c[j] = rng.Float64()
		default: // a typical cost/potential row
			g[j] = 30 * (rng.Float64() - 0.5)
			c[j] = 10 * rng.Float64()
		}
	}
	return c, g
}

// TestExpKernelsAVX2 checks the vector kernels against math.Exp (3 ulp,
// exact special values) and against the Go kernels, for all lengths
// 0..40 and some long rows, at odd offsets so that no access is aligned.
func TestExpKernelsAVX2(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{1000, 1001, 1023, 4099}
	for n := 0; n <= 40; n++ {
		lengths = append(lengths, n)
	}
	params := []struct{ s, inv float64 }{{0, 1}, {-0.7, 1.5}, {3, 1 / 0.013}, {-400, 0.25}, {math.Copysign(0, -1), 0}}
	for _, n := range lengths {
		for _, pr := range params {
			const off = 3
			c, g := expTestArgs(rng, n+off)
			c, g = c[off:], g[off:]
			want := make([]float64, n)
			for j := range want {
				want[j] = expRef(c[j], g[j], pr.s, pr.inv)
			}
			dst := make([]float64, n+off)[off:]
			wsum := writeExpShiftAVX2(dst, c, g, pr.s, pr.inv)
			for j := range want {
				if d := ulpDiff(dst[j], want[j]); d > 3 {
					x := math.FMA(-c[j], pr.inv, pr.s+g[j])
					t.Fatalf("n=%d s=%v inv=%v: exp(%v) = %v, want %v (%g ulp)", n, pr.s, pr.inv, x, dst[j], want[j], d)
				}
			}
			// The sum differs from the Go kernels' only in summation order
			// (8 lanes instead of 2 accumulators). Both sums of n positive
			// terms are within about (n/2)·2^-53 relative of the exact sum
			// in the worst case; in practice rounding errors cancel and
			// 1e-15 holds for these rows of up to 4099 terms.
			ref := 0.0
			for j, v := range dst {
				if j&1 == 0 {
					ref += v
				}
			}
			ref1 := 0.0
			for j, v := range dst {
				if j&1 == 1 {
					ref1 += v
				}
			}
			ref += ref1
			if !sumClose(wsum, ref, 1e-15) {
				t.Fatalf("n=%d s=%v inv=%v: writeExpShiftAVX2 sum = %v, Go-order sum of its terms %v", n, pr.s, pr.inv, wsum, ref)
			}
			if sum := sumExpShiftAVX2(c, g, pr.s, pr.inv); math.Float64bits(sum) != math.Float64bits(wsum) && !(math.IsNaN(sum) && math.IsNaN(wsum)) {
				t.Fatalf("n=%d: sumExpShiftAVX2 = %v, writeExpShiftAVX2 sum = %v", n, sum, wsum)
			}

			// axpy: flushed terms leave acc untouched (even −0), overflow
			// sets +Inf, others add.
			acc0 := make([]float64, n)
			for j := range acc0 {
				switch j % 3 {
				case 0:
					acc0[j] = math.Copysign(0, -1)
				case 1:
					acc0[j] = rng.Float64()
				default:
					acc0[j] = math.Inf(-1)
				}
			}
			acc := append([]float64(nil), acc0...)
			axpyExpShiftAVX2(acc, c, g, pr.s, pr.inv)
			for j := range acc {
				x := math.FMA(-c[j], pr.inv, pr.s+g[j])
				var w float64
				switch {
				case x < expMin:
					w = acc0[j]
				case x > expMax:
					w = math.Inf(1)
				default:
					w = acc0[j] + dst[j]
				}
				if math.Float64bits(acc[j]) != math.Float64bits(w) && !(math.IsNaN(acc[j]) && math.IsNaN(w)) {
					t.Fatalf("n=%d: axpy[%d] with x=%v: %v + e = %v, want %v", n, j, x, acc0[j], acc[j], w)
				}
			}

			// Against the Go kernels: where c·inv is exact (inv a power of
			// two or 0) both compute the same argument, so the terms agree
			// within 3+3 ulp and the special cases exactly.
			if pr.inv == 0 || pr.inv == 1 || pr.inv == 0.25 {
				dgo := make([]float64, n)
				gsum := writeExpShiftGo(dgo, c, g, pr.s, pr.inv)
				for j := range dgo {
					if d := ulpDiff(dst[j], dgo[j]); d > 6 {
						t.Fatalf("n=%d: AVX2 term %v, Go term %v (%g ulp)", n, dst[j], dgo[j], d)
					}
				}
				if !sumClose(wsum, gsum, 4e-15) {
					t.Fatalf("n=%d: AVX2 sum %v, Go sum %v", n, wsum, gsum)
				}
			}
		}
	}
}

// sumClose reports whether a and b agree within relative tolerance tol,
// or are equal, or both NaN.
func sumClose(a, b, tol float64) bool {
	if a == b || math.IsNaN(a) && math.IsNaN(b) {
		return true
	}
	return math.Abs(a-b) <= tol*math.Abs(b)
}

// TestExpAccuracyAVX2 measures the vector exponential over [−708, 709]
// against math.Exp: at most 3 ulp.
func TestExpAccuracyAVX2(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA")
	}
	const n = 1 << 21
	x := make([]float64, n)
	for i := range x {
		x[i] = expMin + (expMax-expMin)*float64(i)/(n-1)
	}
	zero := make([]float64, n)
	got := make([]float64, n)
	writeExpShiftAVX2(got, zero, x, 0, 0)
	worst := 0.0
	for i, v := range got {
		if d := ulpDiff(v, math.Exp(x[i])); d > worst {
			worst = d
		}
	}
	t.Logf("worst error %.3g ulp", worst)
	if worst > 3 {
		t.Fatalf("worst error %g ulp, want ≤ 3", worst)
	}
}

// TestExpKernelsAVX2Bounds checks that the vector kernels read and write
// nothing outside their slices: the neighbours are NaN sentinels (any
// read of them would make a sum NaN) and must stay untouched.
func TestExpKernelsAVX2Bounds(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA")
	}
	const pad = 8
	nan := math.NaN()
	for n := 0; n <= 21; n++ {
		mk := func(fill float64) []float64 {
			b := make([]float64, n+2*pad)
			for i := range b {
				b[i] = nan
			}
			for i := pad; i < pad+n; i++ {
				b[i] = fill
			}
			return b
		}
		cb, gb, db := mk(1), mk(0.5), mk(2)
		c, g, d := cb[pad:pad+n], gb[pad:pad+n], db[pad:pad+n]
		if s := sumExpShiftAVX2(c, g, 0.5, 1); math.IsNaN(s) {
			t.Fatalf("n=%d: sumExpShiftAVX2 read outside its slices", n)
		}
		if s := writeExpShiftAVX2(d, c, g, 0.5, 1); math.IsNaN(s) {
			t.Fatalf("n=%d: writeExpShiftAVX2 read outside its slices", n)
		}
		axpyExpShiftAVX2(d, c, g, 0.5, 1)
		for i, v := range db {
			if inside := i >= pad && i < pad+n; inside == math.IsNaN(v) {
				t.Fatalf("n=%d: dst[%d] = %v after the kernels", n, i-pad, v)
			}
		}
	}
}
