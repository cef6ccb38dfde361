package krylov

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
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

// GMRES and FGMRES asked for a tolerance below the rounding level of
// b − A x on nonsingular matrices: the cycle that starts from that
// rounding error breaks down (diag(2, 3): the residual (0, 4e-16) is an
// eigenvector) and its correction cannot lower the residual. That is
// stagnation (ErrNotConverged), not the "singular Hessenberg matrix"
// breakdown they reported, which told the user A was singular.
func TestGMRESToleranceBelowRounding(t *testing.T) {
	ctx := context.Background()
	can, err := sparse.LoadMM("../testdata/matrices/can___24.mtx")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		A     linop.Operator
		solve solverFunc
	}{
		{"GMRES diag(2,3)", linop.Dense(mat.NewDense(2, 2, []float64{2, 0, 0, 3})), GMRES},
		{"FGMRES diag(2,3)", linop.Dense(mat.NewDense(2, 2, []float64{2, 0, 0, 3})), FGMRES},
		{"GMRES can_24", can, GMRES},
		{"FGMRES can_24", can, FGMRES},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, _ := c.A.Dims()
			ones := make([]float64, n)
			for i := range ones {
				ones[i] = 1
			}
			b := make([]float64, n)
			c.A.Apply(b, ones)
			x := make([]float64, n)
			res, err := c.solve(ctx, c.A, b, x, &Options{RTol: 1e-300})
			if !errors.Is(err, ErrNotConverged) || errors.Is(err, ErrBreakdown) {
				t.Fatalf("err = %v (%s), want ErrNotConverged", err, res.Reason)
			}
			if res.Reason != reasonStagnated {
				t.Errorf("reason %q, want %q", res.Reason, reasonStagnated)
			}
			if res.RelResidual > 1e-13 {
				t.Errorf("relative residual %.3g", res.RelResidual)
			}
		})
	}
}
