package ot

import (
	"context"
	"errors"
	"math"
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
