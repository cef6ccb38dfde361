package ot

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestUnbalancedAgainstPOT compares with POT's sinkhorn_unbalanced run to
// stopThr 1e-13. Both iterate the same fixed-point map; run to 1e-13 the
// plans agree within 1e-10 (the map contracts with factor φ < 1 per
// half-step, so the distance to the fixed point is of the order of the
// last change).
func TestUnbalancedAgainstPOT(t *testing.T) {
	for _, c := range loadRef(t) {
		t.Run(c.Name, func(t *testing.T) {
			res, err := SinkhornUnbalanced(context.Background(), c.A, c.B, c.cost(), c.Reg, c.RegM, &Options{Tol: 1e-13, MaxIter: 200000})
			if err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(t, res.Plan, c.UnbalancedPlan); d > 1e-10 {
				t.Errorf("max |P − P_POT| = %.3g", d)
			}
			if math.Abs(res.Cost-c.UnbalancedCost) > 1e-10*math.Max(1, c.UnbalancedCost) {
				t.Errorf("cost %.15g, POT %.15g", res.Cost, c.UnbalancedCost)
			}
		})
	}
}

// TestUnbalancedLimits: unequal masses are allowed; a huge reg_m
// approaches the balanced plan (after normalising the masses).
func TestUnbalancedLimits(t *testing.T) {
	C := mat.NewDense(3, 3, []float64{0, 1, 4, 1, 0, 1, 4, 1, 0})
	a := []float64{0.2, 0.5, 0.3}
	b := []float64{0.4, 0.4, 0.2}
	bal, err := SinkhornLog(context.Background(), a, b, C, 0.5, &Options{Tol: 1e-13, MaxIter: 100000})
	if err != nil {
		t.Fatal(err)
	}
	unb, err := SinkhornUnbalanced(context.Background(), a, b, C, 0.5, 1e3, &Options{Tol: 1e-12, MaxIter: 1000000})
	if err != nil {
		t.Fatal(err)
	}
	// A KL penalty of 1e3 leaves plan changes of order reg/regM = 5e-4.
	if d := maxAbsDiff(t, unb.Plan, bal.Plan.RawMatrix().Data); d > 2e-3 {
		t.Errorf("reg_m = 1e3 plan differs from balanced by %.3g", d)
	}
	big := []float64{2, 5, 3}
	if _, err := SinkhornUnbalanced(context.Background(), big, b, C, 0.5, 1, nil); err != nil {
		t.Errorf("unequal masses must be allowed: %v", err)
	}
	for _, rm := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if _, err := SinkhornUnbalanced(context.Background(), a, b, C, 0.5, rm, nil); !errors.Is(err, ErrInput) {
			t.Errorf("reg_m = %g: error %v, want ErrInput", rm, err)
		}
	}
}

// TestRelScalingChange checks POT's stopping quantity max|u − u'| /
// max(‖u‖∞, ‖u'‖∞, 1), u = e^x, against a direct evaluation where that
// does not overflow, and that it stays finite where e^x would overflow.
func TestRelScalingChange(t *testing.T) {
	direct := func(x, y []float64) float64 {
		d, big := 0.0, 1.0
		for i := range x {
			ex, ey := math.Exp(x[i]), math.Exp(y[i])
			d = max(d, math.Abs(ex-ey))
			big = max(big, ex, ey)
		}
		return d / big
	}
	scratch := func(n int) ([]float64, []float64, []float64) {
		return make([]float64, n), make([]float64, n), make([]float64, n)
	}
	for _, tc := range []struct{ x, y []float64 }{
		{[]float64{0, -1, 2, -3, 0.5}, []float64{0.1, -1, 2.01, -2, 0.5}},
		{[]float64{-5, -6, -7}, []float64{-5.5, -6, -7.1}}, // all below 1: denominator 1
		{[]float64{3, 3, 3, 3, 3, 3, 3, 3, 3}, []float64{3, 3, 3, 3, 3, 3, 3, 3, 3.2}},
	} {
		z, ex, ey := scratch(len(tc.x))
		got, want := relScalingChange(tc.x, tc.y, z, ex, ey), direct(tc.x, tc.y)
		if math.Abs(got-want) > 1e-14*max(want, 1e-300) {
			t.Errorf("x %v y %v: got %v, want %v", tc.x, tc.y, got, want)
		}
	}
	// e^800 overflows; with s = 800 the ratio is e^0 − e^−1 (the second
	// entries differ by nothing).
	x, y := []float64{800, 10}, []float64{799, 10}
	z, ex, ey := scratch(2)
	if got, want := relScalingChange(x, y, z, ex, ey), 1-math.Exp(-1); math.Abs(got-want) > 1e-14 {
		t.Errorf("large potentials: got %v, want %v", got, want)
	}
}

// TestUnbalancedFarRowAndColumn puts a row and a column 800·reg further
// away than the rest, so that their sums in the shifted sweep underflow to
// zero at the first iteration and the exact log-sum-exp fallbacks take
// over, and compares the plan with a plain log-domain iteration written
// here with max-shifted math.Exp.
func TestUnbalancedFarRowAndColumn(t *testing.T) {
	const reg, regM = 0.1, 0.5
	n, m := 4, 3
	C := mat.NewDense(n, m, []float64{
		80, 80.5, 81, // row 0: far from every column
		0, 1, 80.2,
		1, 0, 80.7,
		0.5, 0.25, 80.1, // column 2: far from every other row
	})
	a := []float64{0.1, 0.3, 0.4, 0.2}
	b := []float64{0.25, 0.5, 0.25}
	res, err := SinkhornUnbalanced(context.Background(), a, b, C, reg, regM, &Options{Tol: 1e-14, MaxIter: 100000})
	if err != nil {
		t.Fatal(err)
	}

	lse := logSumExp
	phi := regM / (regM + reg)
	F, G := make([]float64, n), make([]float64, m)
	row, col := make([]float64, m), make([]float64, n)
	for it := 0; it < 20000; it++ {
		for i := range F {
			for j := range row {
				row[j] = G[j] - C.At(i, j)/reg
			}
			F[i] = phi * (math.Log(a[i]) - lse(row))
		}
		for j := range G {
			for i := range col {
				col[i] = F[i] - C.At(i, j)/reg
			}
			G[j] = phi * (math.Log(b[j]) - lse(col))
		}
	}
	for i := range n {
		for j := range m {
			want := math.Exp(F[i] + G[j] - C.At(i, j)/reg)
			got := res.Plan.At(i, j)
			if math.IsNaN(got) || math.Abs(got-want) > 1e-12+1e-9*want {
				t.Errorf("P[%d][%d] = %.6g, reference %.6g", i, j, got, want)
			}
		}
	}
}

// TestUnbalancedOverflowNamesItsRule: when the unbalanced optimum itself
// overflows (negative costs far below −reg, small regM), the NaN error
// names the quantity the method tests, the scalings' relative change (it
// said "marginal error", which the method does not stop on).
func TestUnbalancedOverflowNamesItsRule(t *testing.T) {
	C := mat.NewDense(2, 3, []float64{-100, 0, 1, 0, -100, 2})
	_, err := SinkhornUnbalanced(context.Background(), nil, nil, C, 0.01, 0.1, nil)
	if !errors.Is(err, ErrNaN) || !strings.Contains(err.Error(), "relative change of the scalings is NaN") {
		t.Errorf("err = %v, want ErrNaN naming the relative change of the scalings", err)
	}
}
