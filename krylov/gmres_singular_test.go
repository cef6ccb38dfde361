package krylov

import (
	"context"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
)

// ktSingularNonsym returns ktNonsym(n, shift, seed) with row 0 replaced by
// row 1: singular, and b = ktVec is almost surely not in its range.
func ktSingularNonsym(n int, shift float64, seed uint64) *mat.Dense {
	a := ktNonsym(n, shift, seed)
	for j := 0; j < n; j++ {
		a.Set(0, j, a.At(1, j))
	}
	return a
}

// GMRES and FGMRES on singular systems whose Krylov space fills the whole
// space within a cycle (restart ≥ n): the Hessenberg matrix is
// numerically singular without a small pivot, and the solution of its
// triangular factor used to return ‖x‖ ≈ 1e16–1e17 with a true residual up
// to 40 times the initial one (the zero initial guess was better). GMRES
// cannot increase the residual in exact arithmetic: the x returned must
// be no worse than x₀.
func TestGMRESSingularFullCycle(t *testing.T) {
	ctx := context.Background()
	type tc struct {
		name  string
		solve solverFunc
		n     int
		seed  uint64
	}
	var cases []tc
	for _, n := range []int{7, 10, 13, 17, 24} {
		for seed := uint64(1); seed <= 8; seed++ {
			cases = append(cases,
				tc{fmt.Sprintf("GMRES n=%d seed=%d", n, seed), GMRES, n, seed},
				tc{fmt.Sprintf("FGMRES n=%d seed=%d", n, seed), FGMRES, n, seed})
		}
	}
	check := func(t *testing.T, c tc) {
		t.Helper()
		a := ktSingularNonsym(c.n, 1+float64(c.seed%3), c.seed)
		b := ktVec(c.n, c.seed+50)
		x := make([]float64, c.n)
		res, _ := c.solve(ctx, linop.Dense(a), b, x, &Options{RTol: 1e-10, Restart: c.n + 1, MaxIter: 3 * c.n})
		ktCheck(t, a, b, x, res, 1e-10*ktNorm(b))
		if res.RelResidual > 1+1e-12 {
			t.Errorf("relative residual %.3g > 1, that of x₀ = 0 (‖x‖ = %.3g): %s", res.RelResidual, ktNorm(x), res.Reason)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c) })
	}
}
