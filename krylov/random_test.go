package krylov

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
)

// Many small random systems of every size from 1 to 40, with random
// restart lengths, sides, preconditioners and initial guesses: every
// solver that suits the matrix converges and reports the true residual.
func TestRandomSystems(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 7))
	ctx := context.Background()
	for trial := 0; trial < 60; trial++ {
		n := 1 + rng.IntN(40)
		seed := uint64(trial)
		spd := ktSPD(n, math.Pow(10, 1+2*rng.Float64()), seed)
		ns := ktNonsym(n, 3+rng.Float64(), seed)
		sym := ktSymIndef(n, seed)
		d := make([]float64, n)
		for i := range d {
			d[i] = 0.5 + rng.Float64()
		}
		var M linop.Operator
		if rng.IntN(2) == 0 {
			M = linop.Diag(d)
		}
		b := ktVec(n, seed+100)
		x0 := make([]float64, n)
		if rng.IntN(2) == 0 {
			x0 = ktVec(n, seed+200)
		}
		restart := 1 + rng.IntN(n+2)
		side := Side(rng.IntN(2))
		runs := []struct {
			name  string
			a     *mat.Dense
			solve solverFunc
			o     Options
		}{
			{"CG", spd, CG, Options{RTol: 1e-9, Precond: M}},
			{"MINRES spd", spd, MINRES, Options{RTol: 1e-9, Precond: M}},
			{"MINRES indefinite", sym, MINRES, Options{RTol: 1e-9, Precond: M}},
			{"GMRES", ns, GMRES, Options{RTol: 1e-9, Precond: M, Side: side, Restart: restart, MaxIter: 100 * n}},
			{"FGMRES", ns, FGMRES, Options{RTol: 1e-9, Precond: M, Restart: restart, MaxIter: 100 * n}},
			{"BiCGStab", ns, BiCGStab, Options{RTol: 1e-9, Precond: M}},
			{"IDR(s)", ns, IDRS, Options{RTol: 1e-9, Precond: M, Shadow: 1 + rng.IntN(n)}},
		}
		for _, r := range runs {
			name := fmt.Sprintf("trial %d n=%d %s restart %d side %v precond %v", trial, n, r.name, restart, side, M != nil)
			x := append([]float64(nil), x0...)
			o := r.o
			res, err := r.solve(ctx, linop.Dense(r.a), b, x, &o)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if !res.Converged || res.RelResidual > 1e-9 {
				t.Errorf("%s: %+v", name, res)
			}
			ktCheck(t, r.a, b, x, res, 1e-9*ktNorm(b))
		}
		// Least squares on a random rectangular matrix.
		m := 1 + rng.IntN(40)
		a := ktRankMatrix(m, n, min(m, n), 10, seed)
		bm := ktVec(m, seed+300)
		want := ktPinvSolve(t, a, bm, 1e-12)
		for _, s := range lsSolvers {
			x := make([]float64, n)
			res, err := s.solve(ctx, linop.Dense(a), bm, x, &LSOptions{ATol: 1e-12, BTol: 1e-12})
			if err != nil || !res.Converged {
				t.Errorf("trial %d %s %d×%d: %v %+v", trial, s.name, m, n, err, res.Result)
				continue
			}
			if e := ktRelErr(x, want); e > 1e-8 {
				t.Errorf("trial %d %s %d×%d: distance to A⁺b %.3g", trial, s.name, m, n, e)
			}
		}
	}
}
