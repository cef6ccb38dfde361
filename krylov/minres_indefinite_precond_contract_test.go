package krylov

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// MINRES promises that a solve that does not converge returns, of the
// iterates whose true residual it computed (x₀ included), the one with
// the smallest residual when the last x is worse. A preconditioner that
// is not positive definite (Jacobi or SSOR of a symmetric indefinite A)
// stopped the solve with ErrIndefinite and returned the last iterate as
// it was: relative residuals up to 12 where x₀'s was 5.3, 3.2 where
// x₀ = 0 had 1.
func TestMINRESIndefinitePrecondNotWorseContract(t *testing.T) {
	ctx := context.Background()
	type tc struct {
		n    int
		seed uint64
		pc   string
		x0   bool
	}
	var cases []tc
	for _, n := range []int{5, 17, 20, 43, 49} {
		for seed := uint64(1); seed <= 4; seed++ {
			for _, pc := range []string{"jacobi", "ssor"} {
				cases = append(cases, tc{n, seed, pc, false}, tc{n, seed, pc, true})
			}
		}
	}
	indefinite := 0
	check := func(t *testing.T, c tc) {
		t.Helper()
		a := ktSymIndef(c.n, c.seed)
		M := ktPrecond(t, sparse.FromDense(a, 0), c.pc)
		b := ktVec(c.n, c.seed+50)
		x := make([]float64, c.n)
		if c.x0 {
			x = ktVec(c.n, c.seed+60)
		}
		r0 := ktRelRes(a, b, x)
		res, err := MINRES(ctx, linop.Dense(a), b, x, &Options{RTol: 1e-10, Precond: M})
		ktCheck(t, a, b, x, res, 1e-10*ktNorm(b))
		if !errors.Is(err, ErrIndefinite) {
			return
		}
		indefinite++
		if res.RelResidual > r0*(1+1e-12) {
			t.Errorf("relative residual %.3g > x₀'s %.3g after %v", res.RelResidual, r0, err)
		}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n=%d seed=%d %s x0=%v", c.n, c.seed, c.pc, c.x0), func(t *testing.T) { check(t, c) })
	}
	if indefinite == 0 {
		t.Error("no case stopped with ErrIndefinite: the test checks nothing")
	}
}
