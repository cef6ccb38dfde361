package ot

import (
	"math"
	"testing"
)

// TestFexpAccuracy checks the kernels' exponential against math.Exp over
// the whole range where the result is a normal number; 4 ulp allows for
// the table entry, the polynomial and the final product each rounding.
func TestFexpAccuracy(t *testing.T) {
	worst := 0.0
	check := func(x float64) {
		want := math.Exp(x)
		got := fexp(x)
		ulp := math.Nextafter(want, math.Inf(1)) - want
		if u := math.Abs(got-want) / ulp; u > worst {
			worst = u
		}
	}
	for i := 0; i <= 2_000_000; i++ {
		check(-708 + 1417*float64(i)/2_000_000)
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 1e-10, -1e-10, math.Ln2, -math.Ln2, 0.5 * math.Ln2 / 64} {
		check(x)
	}
	if worst > 4 {
		t.Fatalf("worst error %g ulp, want ≤ 4", worst)
	}
	if fexp(-709) != 0 || fexp(-1e300) != 0 {
		t.Errorf("fexp below −708 must flush to 0")
	}
	if !math.IsInf(fexp(710), 1) || !math.IsInf(fexp(1e300), 1) {
		t.Errorf("fexp above 709 must be +Inf")
	}
}

func TestExpKernels(t *testing.T) {
	c := []float64{0, 1, 2, 800, -3, 0.25}
	g := []float64{0.5, -1, 3, 0, 2, 1}
	const s, inv = -0.7, 1.5
	want := make([]float64, len(c))
	sum := 0.0
	for j := range c {
		want[j] = fexp(s + g[j] - c[j]*inv)
		sum += want[j]
	}
	if got := sumExpShift(c, g, s, inv); math.Abs(got-sum) > 1e-15*sum {
		t.Errorf("sumExpShift = %v, want %v", got, sum)
	}
	dst := make([]float64, len(c))
	if got := writeExpShift(dst, c, g, s, inv); math.Abs(got-sum) > 1e-15*sum {
		t.Errorf("writeExpShift sum = %v, want %v", got, sum)
	}
	acc := make([]float64, len(c))
	acc[0] = 1
	axpyExpShift(acc, c, g, s, inv)
	for j := range c {
		if dst[j] != want[j] {
			t.Errorf("writeExpShift[%d] = %v, want %v", j, dst[j], want[j])
		}
		w := want[j]
		if j == 0 {
			w++
		}
		if acc[j] != w {
			t.Errorf("axpyExpShift[%d] = %v, want %v", j, acc[j], w)
		}
	}
}
