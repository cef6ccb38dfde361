package krylov_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// TestMisusePanics: programmer errors panic with a "krylov:" message
// naming the method, never with a runtime error, and a documented panic
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
	var cases []misuseCase
	for _, s := range square {
		cases = append(cases,
			misuseCase{s.name + " nil operator", "krylov: " + s.name + ": nil operator", func() {
				s.f(ctx, nil, b, make([]float64, 4), nil)
			}},
			misuseCase{s.name + " x aliases a tiny b", "krylov: " + s.name + ": x and b share memory", func() {
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
			misuseCase{ls.name + " x aliases b", "krylov: " + ls.name + ": x and b share memory", func() {
				v := slices.Clone(b)
				ls.f(ctx, A, v, v, nil)
			}},
			misuseCase{ls.name + " x overlaps b", "krylov: " + ls.name + ": x and b share memory", func() {
				R := sparse.NewCOO(3, 4, 0)
				R.Append(0, 0, 1)
				v := make([]float64, 6)
				v[0] = 1
				ls.f(ctx, R.ToCSR(), v[:3], v[2:6], nil)
			}},
		)
	}
	cases = append(cases, misuseCase{"NewCGSolver negative", "krylov: NewCGSolver: negative size -1", func() { krylov.NewCGSolver(-1) }})
	checkMisuse(t, cases)
}

// misuseCase is a call that misuses the API and must panic with a
// message starting with want (the package's prefix and the function).
type misuseCase struct {
	name string
	want string
	f    func()
}

// checkMisuse runs each case and fails unless it panics with a message
// (not a runtime error) that starts with c.want.
func checkMisuse(t *testing.T, cases []misuseCase) {
	t.Helper()
	for _, c := range cases {
		msg, isRuntime, panicked := recoverMisuse(c.f)
		switch {
		case !panicked:
			t.Errorf("%s: no panic, want one starting %q", c.name, c.want)
		case isRuntime:
			t.Errorf("%s: runtime panic %q, want one starting %q", c.name, msg, c.want)
		case !strings.HasPrefix(msg, c.want):
			t.Errorf("%s: panic %q, want one starting %q", c.name, msg, c.want)
		}
	}
}

func recoverMisuse(f func()) (msg string, isRuntime, panicked bool) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		panicked = true
		_, isRuntime = r.(runtime.Error)
		msg = fmt.Sprint(r)
	}()
	f()
	return "", false, false
}
