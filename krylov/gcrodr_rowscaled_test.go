package krylov

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
	"gonum.org/v1/gonum/mat"
)

// A known limitation (see the GCRODR doc comment): a solver that carries a
// space recycled from a sequence A₀, A₀·(1+1e-3), A₀·(1−1e-3) (A₀ =
// ktRowScaled(n, seed+1000, 1), b random) then solves a row-scaled
// system A·x = A·1 with the preconditioner rebuilt for it. Its first cycle
// brings the residual to about 2e-8·‖b‖; the next cycle's ‖y‖ (≈ 1e6,
// from the scaling of A·M, ‖A·M‖ ≈ 3e7) trips the normwise singularity
// test, the space is dropped (one reset), and the plain cycle that follows
// trips it again: ErrBreakdown, while a fresh solver converges. The test
// reproduces it (logged as a known limitation) and checks that such a
// failure is only ever that breakdown, near convergence and no worse than
// x₀; a fix must then also update the doc comment. Its n = 39 case also
// pins the drift reset: without it that solve ran to MaxIter at 8.9e-8,
// its estimate below the tolerance every cycle and every true residual
// above it.
func TestGCRODRRowScaledWarmBreakdown(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		n    int
		seed uint64
		dom  float64
		pc   string
		m, k int
	}{
		{30, 300, 1, "jacobi", 12, 6},
		{33, 300, 0.5, "ilu0", 20, 8},
		{33, 307, 1, "ilu0", 12, 6},
		{39, 304, 1, "ilu0", 40, 20},
	}
	check := func(t *testing.T, n int, seed uint64, dom float64, pc string, m, k int) {
		t.Helper()
		s := NewGCRODR(n, &GCRODROptions{M: m, K: k})
		bw := ktVec(n, seed+1)
		a0 := ktRowScaled(n, seed+1000, 1).ToDense()
		for _, f := range []float64{1, 1 + 1e-3, 1 - 1e-3} {
			var af mat.Dense
			af.Scale(f, a0)
			x := make([]float64, n)
			// Some of these solves end short of the tolerance at
			// MaxIter; only the space they leave matters.
			s.Solve(ctx, linop.Dense(&af), bw, x, &Options{RTol: 1e-8, MaxIter: 400,
				Precond: ktPrecond(t, sparse.FromDense(&af, 0), pc)})
		}
		a := ktRowScaled(n, seed, dom).ToDense()
		M := ktPrecond(t, sparse.FromDense(a, 0), pc)
		b := ktOnesRHS(linop.Dense(a))
		thresh := 1e-8 * ktNorm(b)
		opt := &Options{RTol: 1e-8, MaxIter: 400, Precond: M}

		fresh := NewGCRODR(n, &GCRODROptions{M: m, K: k})
		xf := make([]float64, n)
		resf, err := fresh.Solve(ctx, linop.Dense(a), b, xf, opt)
		ktCheck(t, a, b, xf, resf, thresh)
		if err != nil {
			t.Fatalf("fresh solve: %v", err)
		}

		x := make([]float64, n)
		res, err := s.Solve(ctx, linop.Dense(a), b, x, opt)
		ktCheck(t, a, b, x, res, thresh)
		if res.RelResidual > 1 {
			t.Errorf("relative residual %.3g above x₀'s 1", res.RelResidual)
		}
		switch {
		case err == nil:
		case errors.Is(err, ErrBreakdown) && s.Stats().Resets >= 1 && res.RelResidual < 1e-4:
			// The documented limitation (with the assembly kernels; the
			// purego build rounds differently and converges).
			t.Logf("known limitation: %v after %d reset(s), relative residual %.3g; fresh: %d iterations", err, s.Stats().Resets, res.RelResidual, resf.Iterations)
		default:
			t.Errorf("err %v after %d resets, relative residual %.3g: want convergence or the documented breakdown near it", err, s.Stats().Resets, res.RelResidual)
		}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n=%d seed=%d dom=%g %s m=%d k=%d", c.n, c.seed, c.dom, c.pc, c.m, c.k), func(t *testing.T) {
			check(t, c.n, c.seed, c.dom, c.pc, c.m, c.k)
		})
	}
}
