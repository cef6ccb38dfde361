package krylov_test

import (
	"context"
	"slices"
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// TestMisusePanics: programmer errors panic with a "krylov:" message
// naming the method, never with a runtime error (an operator or
// preconditioner interface holding a nil pointer included), and a documented panic
// (x sharing b's memory) happens on every path.
func TestMisusePanics(t *testing.T) {
	ctx := context.Background()
	A := sparse.Laplacian1D(4)
	b := []float64{1, 2, 3, 4}
	tiny := []float64{1e-95, 2e-95, 3e-95, 4e-95} // ‖b‖ < 2^−300: the rescaled path
	square := []struct {
		name string
		f    krylov.SolveFunc
	}{
		{"CG", krylov.CG}, {"MINRES", krylov.MINRES}, {"GMRES", krylov.GMRES},
		{"FGMRES", krylov.FGMRES}, {"BiCGStab", krylov.BiCGStab}, {"IDR(s)", krylov.IDRS},
		{"TFQMR", krylov.TFQMR}, {"CG", new(krylov.CGSolver).Solve},
		{"GCRODR", krylov.NewGCRODR(4, nil).Solve},
	}
	var cases []misuse.Case
	for _, s := range square {
		cases = append(cases,
			misuse.Case{Name: s.name + " nil operator", Want: "krylov: " + s.name + ": nil operator", F: func() {
				s.f(ctx, nil, b, make([]float64, 4), nil)
			}},
			misuse.Case{Name: s.name + " nil *CSR operator", Want: "krylov: " + s.name + ": nil operator", F: func() {
				s.f(ctx, (*sparse.CSR)(nil), b, make([]float64, 4), nil)
			}},
			misuse.Case{Name: s.name + " nil *Jacobi preconditioner", Want: "krylov: " + s.name + ": preconditioner is a nil *precond.Jacobi (leave Options.Precond nil for none)", F: func() {
				var M *precond.Jacobi // a constructor's error ignored
				s.f(ctx, A, b, make([]float64, 4), &krylov.Options{Precond: M})
			}},
			misuse.Case{Name: s.name + " x aliases a tiny b", Want: "krylov: " + s.name + ": x and b share memory", F: func() {
				v := slices.Clone(tiny)
				s.f(ctx, A, v, v, nil)
			}},
		)
	}
	for _, ls := range []struct {
		name string
		f    func(context.Context, linop.Operator, []float64, []float64, *krylov.LSOptions) (krylov.LSResult, error)
	}{{"LSQR", krylov.LSQR}, {"LSMR", krylov.LSMR}} {
		cases = append(cases,
			misuse.Case{Name: ls.name + " x aliases b", Want: "krylov: " + ls.name + ": x and b share memory", F: func() {
				v := slices.Clone(b)
				ls.f(ctx, A, v, v, nil)
			}},
			misuse.Case{Name: ls.name + " x overlaps b", Want: "krylov: " + ls.name + ": x and b share memory", F: func() {
				R := sparse.NewCOO(3, 4, 0)
				R.Append(0, 0, 1)
				v := make([]float64, 6)
				v[0] = 1
				ls.f(ctx, R.ToCSR(), v[:3], v[2:6], nil)
			}},
		)
	}
	cases = append(cases, misuse.Case{Name: "NewCGSolver negative", Want: "krylov: NewCGSolver: negative size -1", F: func() { krylov.NewCGSolver(-1) }})
	misuse.Check(t, cases)
}
