package ot

import (
	"context"
	"math"
	"testing"
)

// entropicMethods are the balanced entropic solvers, all checked against
// the same references.
var entropicMethods = []struct {
	name string
	m    Method
}{
	{"sinkhorn", MethodSinkhorn},
	{"sinkhorn-log", MethodSinkhornLog},
	{"stabilized", MethodStabilized},
	{"eps-scaling", MethodEpsScaling},
	{"sns", MethodSNS},
}

// TestEntropicAgainstPOT compares every balanced entropic method with the
// plan of POT's sinkhorn_log run to 1e-13. All methods solve the same
// strictly convex problem, so the plans agree to the stopping tolerance:
// run to 1e-12, the plan entries must agree within 1e-9 (the dual
// problem's conditioning at these reg magnifies the marginal error by at
// most a few hundred here).
func TestEntropicAgainstPOT(t *testing.T) {
	for _, c := range loadRef(t) {
		for _, m := range entropicMethods {
			t.Run(c.Name+"/"+m.name, func(t *testing.T) {
				res, err := Solve(context.Background(), m.m, c.A, c.B, c.cost(), c.Reg, &Options{Tol: 1e-12, MaxIter: 200000})
				if err != nil {
					t.Fatal(err)
				}
				if d := maxAbsDiff(t, res.Plan, c.LogPlan); d > 1e-9 {
					t.Errorf("max |P − P_POT| = %.3g", d)
				}
				if math.Abs(res.Cost-c.LogCost) > 1e-9*math.Max(1, math.Abs(c.LogCost)) {
					t.Errorf("cost %.15g, POT %.15g", res.Cost, c.LogCost)
				}
				if !res.Converged || res.MarginalError > 1e-10 {
					t.Errorf("converged %v, marginal error %.3g", res.Converged, res.MarginalError)
				}
			})
		}
	}
}
