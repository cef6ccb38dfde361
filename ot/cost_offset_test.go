package ot

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestLogMethodsCostOffset: a constant offset in C does not change the
// balanced problem (the potentials absorb it), but C/reg = 2e8 leaves the
// log-domain exponents F_i + G_j − C_ij/reg only ~1e-8 absolute
// accuracy, so every method but the scaling form (which already worked
// on C − min C) stopped at ErrNotConverged with a marginal error of a
// few 1e-9 (found by a randomized comparison with POT: 3×1 and 19×47
// costs of scale 1e6 with spread ~1e3·reg). Every balanced method must
// converge on C + 1e7 to the plan of C, report ⟨C + 1e7, P⟩ as the cost
// and potentials of the offset problem: f + g − (C + 1e7) equal to the
// offset-free f + g − C, gauge included.
func TestLogMethodsCostOffset(t *testing.T) {
	ctx := context.Background()
	const n, m, reg, off = 19, 47, 0.05, 1e7
	C := randomCost(31, n, m)
	a, b := randomHist(32, n), randomHist(33, m)
	a[3], b[5] = 0, 0 // zero-mass bins: the reduced copy is shifted too
	sa, sb := floats.Sum(a), floats.Sum(b)
	floats.Scale(1/sa, a)
	floats.Scale(1/sb, b)
	C2 := mat.NewDense(n, m, nil)
	C2.Apply(func(_, _ int, v float64) float64 { return v + off }, C)
	// The offset-free problem that C2 represents: C2 − off is exact
	// (Sterbenz), C + off was rounded.
	C.Apply(func(_, _ int, v float64) float64 { return v - off }, C2)
	for _, meth := range entropicMethods {
		t.Run(meth.name, func(t *testing.T) {
			o := &Options{MaxIter: 5000}
			ref, err := Solve(ctx, meth.m, a, b, C, reg, o)
			if err != nil {
				t.Fatalf("without offset: %v", err)
			}
			res, err := Solve(ctx, meth.m, a, b, C2, reg, o)
			if err != nil {
				t.Fatalf("offset %g (C/reg = %.3g): %v", off, off/reg, err)
			}
			if d := maxAbsDiff(t, res.Plan, ref.Plan.RawMatrix().Data); d > 1e-10 {
				t.Errorf("plan differs from the offset-free plan by %.3g", d)
			}
			var want float64
			for i := range n {
				for j := range m {
					want += C2.At(i, j) * res.Plan.At(i, j)
				}
			}
			if math.Abs(res.Cost-want) > 1e-14*off {
				t.Errorf("Cost %.17g, want ⟨C + off, P⟩ = %.17g", res.Cost, want)
			}
			// The returned potentials describe the offset problem:
			// (f_i + g_j − C2_ij)/reg within rounding of the offset's size
			// of the offset-free exponent.
			for i := range n {
				for j := range m {
					if a[i] == 0 || b[j] == 0 {
						continue
					}
					e2 := (res.F[i] + res.G[j] - C2.At(i, j)) / reg
					e1 := (ref.F[i] + ref.G[j] - C.At(i, j)) / reg
					if math.Abs(e2-e1) > 1e-6 {
						t.Fatalf("exponent (%d,%d): %.12g with the offset, %.12g without", i, j, e2, e1)
					}
				}
			}
			// Warm start from the offset problem's own potentials.
			w, err := Solve(ctx, meth.m, a, b, C2, reg, &Options{F0: res.F, G0: res.G})
			if err != nil {
				t.Fatalf("warm start: %v", err)
			}
			if w.Iterations > 2 {
				t.Errorf("warm start from the solution took %d iterations", w.Iterations)
			}
		})
	}
}

// TestEpsScalingGauge: the coarse stages of ε-scaling left the potentials
// in the gauge F ≈ −G ≈ 0.2·Eps0/reg (f ≈ 2.2e7, g ≈ −2.2e7 for Eps0 =
// 1e8), where the final stage could not resolve plan entries to Tol:
// ErrNotConverged after 100 000 iterations with marginal error 5.5e-9 on
// costs in [0, 1] at reg 0.05, which converges in 201 iterations with
// the default Eps0. POT's default Eps0 is 1e4 whatever the costs, so
// costs of scale 1e-4 hit the same wall. Any Eps0 must converge, and the
// potentials stay of the costs' size.
func TestEpsScalingGauge(t *testing.T) {
	ctx := context.Background()
	C := randomCost(31, 19, 47)
	a, b := randomHist(32, 19), randomHist(33, 47)
	ref, err := SinkhornLog(ctx, a, b, C, 0.05, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, eps0 := range []float64{1e4, 1e8} {
		res, err := SinkhornEpsScaling(ctx, a, b, C, 0.05, &Options{Eps0: eps0, MaxIter: 20000})
		if err != nil {
			t.Errorf("Eps0 %g: %v", eps0, err)
			continue
		}
		if d := maxAbsDiff(t, res.Plan, ref.Plan.RawMatrix().Data); d > 1e-9 {
			t.Errorf("Eps0 %g: plan differs from sinkhorn-log's by %.3g", eps0, d)
		}
		if f, g := floats.Max(res.F), floats.Max(res.G); math.Abs(f) > 10 || math.Abs(g) > 10 {
			t.Errorf("Eps0 %g: potentials up to f %.3g, g %.3g for costs in [0, 1]", eps0, f, g)
		}
	}
}
