package krylov

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// CGSolver.Solve is CG bit for bit, also when one solver runs systems of
// different sizes and kinds one after the other (stale vectors, a mulDot
// set up for another matrix): iterates, Result, History and errors.
func TestCGSolverMatchesCG(t *testing.T) {
	big := sparse.Laplacian2D(130, 120) // nnz > mulDotParallelMinNNZ: parallel fused product
	small, dense := ktLap2D(12)
	spd := ktSPD(40, 1e4, 3)
	indef := ktNonsym(30, 0, 5)
	nbig, _ := big.Dims()
	inv := make([]float64, nbig)
	for i := range inv {
		inv[i] = 0.25
	}
	huge := ktOnesRHS(small)
	for i := range huge {
		huge[i] *= 1e300 // beyond the range CG runs in: the rescaled path
	}
	cases := []struct {
		name string
		A    linop.Operator
		b    []float64
		o    *Options
	}{
		{"big", big, ktOnesRHS(big), &Options{RTol: 1e-10, MaxIter: 60}},
		{"big jacobi", big, ktOnesRHS(big), &Options{RTol: 1e-10, MaxIter: 60, Precond: linop.Diag(inv)}},
		{"small history", small, ktOnesRHS(small), &Options{RTol: 1e-12, History: true}},
		{"small operator precond", small, ktOnesRHS(small), &Options{RTol: 1e-12, Precond: ktScaling{144, 0.5}}},
		{"dense", linop.Dense(dense), ktVec(144, 1), &Options{RTol: 1e-9}},
		{"spd", linop.Dense(spd), ktVec(40, 2), &Options{RTol: 1e-13, History: true}},
		{"indefinite", linop.Dense(indef), ktVec(30, 4), nil},
		{"b zero", small, make([]float64, 144), &Options{History: true}},
		{"rescaled", small, huge, nil},
		{"big again", big, ktVec(nbig, 7), &Options{RTol: 1e-10, MaxIter: 40}},
		{"limit", small, ktOnesRHS(small), &Options{RTol: 1e-14, MaxIter: 3, Precond: ktScaling{144, 0.5}}},
	}
	s := NewCGSolver(10)
	for _, c := range cases {
		n := len(c.b)
		x0 := ktVec(n, 9)
		want, got := slices.Clone(x0), slices.Clone(x0)
		wres, werr := CG(context.Background(), c.A, c.b, want, c.o)
		gres, gerr := s.Solve(context.Background(), c.A, c.b, got, c.o)
		if !slices.Equal(bits(want), bits(got)) {
			t.Errorf("%s: x differs from CG's", c.name)
		}
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Errorf("%s: error %v, CG's %v", c.name, gerr, werr)
		}
		if !sameResult(wres, gres) {
			t.Errorf("%s: result %+v, CG's %+v", c.name, gres, wres)
		}
	}
	if _, err := s.Solve(context.Background(), linop.Dense(indef), ktVec(30, 4), make([]float64, 30), nil); !errors.Is(err, ErrIndefinite) {
		t.Errorf("indefinite: %v", err)
	}
}

func bits(x []float64) []uint64 {
	out := make([]uint64, len(x))
	for i, v := range x {
		out[i] = math.Float64bits(v)
	}
	return out
}

func sameResult(a, b Result) bool {
	same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	return a.Iterations == b.Iterations && a.MatVecs == b.MatVecs && a.Converged == b.Converged &&
		a.Reason == b.Reason && same(a.Residual, b.Residual) && same(a.RelResidual, b.RelResidual) &&
		slices.Equal(bits(a.History), bits(b.History))
}

// A warm CGSolver allocates nothing per solve, with or without a
// (diagonal or general) preconditioner, serial and parallel products: a
// method calling CG in its own loop (SNS) then allocates nothing per step.
func TestCGSolverAllocations(t *testing.T) {
	skipAllocsUnderRace(t)
	for _, g := range []int{30, 70} { // 70²: the parallel fused product
		A := sparse.Laplacian2D(g, g)
		n := g * g
		b := ktOnesRHS(A)
		x := make([]float64, n)
		inv := make([]float64, n)
		for i := range inv {
			inv[i] = 0.25
		}
		s := NewCGSolver(n)
		for _, M := range []linop.Operator{nil, linop.Diag(inv), ktScaling{n, 0.25}} {
			o := &Options{RTol: 1e-8, Precond: M} // converges: a failed solve allocates its error
			s.Solve(context.Background(), A, b, x, o)
			// Slack of 2: see TestCGAllocations.
			if a := testing.AllocsPerRun(5, func() {
				clear(x)
				s.Solve(context.Background(), A, b, x, o)
			}); a > 2 {
				t.Errorf("n=%d precond %T: a warm solve allocates %v times", n, M, a)
			}
		}
	}
}
