package ot

import (
	"context"
	"testing"
)

// SNS's Newton steps allocate nothing: each solves its Newton system with
// CG, whose vectors are sized once per SNS call (they were allocated per
// step, 3(n+m) floats and a few objects). A run with twice as many Newton
// steps allocates the same.
func TestSNSNewtonAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	C := randomCost(2, 20, 18)
	a, b := randomHist(1, 20), randomHist(2, 18)
	const n1 = 10
	run := func(newton int) (float64, *Result) {
		o := &Options{Tol: 1e-300, MaxIter: n1 + newton, N1: n1, CheckEvery: 1}
		res, _ := SNS(context.Background(), a, b, C, 0.01, o)
		return testing.AllocsPerRun(5, func() { SNS(context.Background(), a, b, C, 0.01, o) }), res
	}
	a1, r1 := run(10)
	a2, r2 := run(40)
	if r2.NewtonIterations < r1.NewtonIterations+20 || r2.SparsityIncreases != r1.SparsityIncreases {
		t.Fatalf("Newton steps %d and %d, sparsity increases %d and %d: the test no longer compares runs differing only in Newton steps",
			r1.NewtonIterations, r2.NewtonIterations, r1.SparsityIncreases, r2.SparsityIncreases)
	}
	// Slack of 2: a GC during the run empties the kernels' sync.Pools.
	if a2 > a1+2 {
		t.Errorf("allocations grow with Newton steps: %v (%d steps) vs %v (%d steps)", a1, r1.NewtonIterations, a2, r2.NewtonIterations)
	}
}
