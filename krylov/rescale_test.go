package krylov

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// TestRescaledRightHandSide solves the same SPD system with b scaled by
// powers of ten far outside the range where √Σrᵢ² neither underflows nor
// overflows: every solver must return the scaled solution of the unscaled
// system, with a true relative residual below RTol and the absolute
// residual and history scaled with b. Before rescaling, b of norm 1e-200
// looked solved at once (x = 0, RelResidual 0) and b of norm 1e160 gave
// NaN errors.
func TestRescaledRightHandSide(t *testing.T) {
	A := sparse.Laplacian1D(10)
	b0 := ktOnesRHS(A)
	for i := range b0 {
		b0[i] += float64(i) // not an eigenvector
	}
	square := squareSolvers(10, 6, 2)
	ctx := context.Background()
	for _, scale := range []float64{1e-200, 1e-160, 1, 1e160, 1e200} {
		b := make([]float64, len(b0))
		for i, v := range b0 {
			b[i] = v * scale
		}
		for _, s := range square {
			t.Run(fmt.Sprintf("%s/%g", s.name, scale), func(t *testing.T) {
				x := make([]float64, len(b))
				res, err := s.solve(ctx, A, b, x, &Options{RTol: 1e-10, History: true})
				if err != nil || !res.Converged {
					t.Fatalf("%+v, %v", res, err)
				}
				checkScaled(t, A, b, x, res, scale, 1e-10)
			})
		}
		for _, ls := range []struct {
			name  string
			solve func(context.Context, linop.Operator, []float64, []float64, *LSOptions) (LSResult, error)
		}{{"LSQR", LSQR}, {"LSMR", LSMR}} {
			t.Run(fmt.Sprintf("%s/%g", ls.name, scale), func(t *testing.T) {
				x := make([]float64, len(b))
				res, err := ls.solve(ctx, A, b, x, &LSOptions{ATol: 1e-12, BTol: 1e-12, History: true})
				if err != nil || !res.Converged {
					t.Fatalf("%+v, %v", res, err)
				}
				checkScaled(t, A, b, x, res.Result, scale, 1e-9)
				// NormX is LSQR's and LSMR's estimate of ‖x‖ (scaled back).
				xu := make([]float64, len(x))
				for i, v := range x {
					xu[i] = v / scale
				}
				if r := res.NormX / (ktNorm(xu) * scale); math.Abs(r-1) > 1e-6 {
					t.Errorf("NormX %g, ‖x‖ %g", res.NormX, ktNorm(xu)*scale)
				}
			})
		}
	}
}

// checkScaled checks x against scale times the solution of A x = b/scale
// computed densely, and the Result's absolute residuals against ‖b‖.
func checkScaled(t *testing.T, A *sparse.CSR, b, x []float64, res Result, scale, tol float64) {
	t.Helper()
	bu := make([]float64, len(b))
	xu := make([]float64, len(x))
	for i := range b {
		bu[i], xu[i] = b[i]/scale, x[i]/scale
	}
	want := ktDenseSolve(t, A.ToDense(), bu)
	if e := ktRelErr(xu, want); e > 100*tol {
		t.Errorf("relative error of x/scale %.3g", e)
	}
	if rr := ktRelRes(A.ToDense(), bu, xu); rr > tol {
		t.Errorf("true relative residual %.3g > %g", rr, tol)
	}
	if math.Abs(res.RelResidual-ktRelRes(A.ToDense(), bu, xu)) > 1e-3*tol+1e-15 {
		t.Errorf("RelResidual %.3g, recomputed %.3g", res.RelResidual, ktRelRes(A.ToDense(), bu, xu))
	}
	bn := ktNorm(bu) * scale
	if r := res.Residual / (res.RelResidual * bn); res.RelResidual > 0 && math.Abs(r-1) > 1e-6 {
		t.Errorf("Residual %.3g, RelResidual·‖b‖ %.3g", res.Residual, res.RelResidual*bn)
	}
	if len(res.History) == 0 || math.Abs(res.History[0]/bn-1) > 1e-12 {
		t.Errorf("History[0] = %v, want ‖b‖ = %.3g", res.History, bn)
	}
}

// The rescaling leaves the caller's options and x0 alone where it cannot
// apply exactly, and covers a finite b whose norm overflows.
func TestRescaledEdges(t *testing.T) {
	ctx := context.Background()
	A := sparse.Laplacian1D(10)
	scaled := func(s float64) []float64 {
		b := ktOnesRHS(A)
		for i := range b {
			b[i] *= s
		}
		return b
	}
	// A valid ATol that would overflow once scaled: any x meets it.
	x := make([]float64, 10)
	if res, err := GMRES(ctx, A, scaled(1e-200), x, &Options{ATol: 1e200}); err != nil || !res.Converged {
		t.Errorf("ATol 1e200 with b of norm 1e-200: %+v, %v", res, err)
	}
	// Invalid options are reported as given, x0 untouched.
	x0 := []float64{1e-300, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	x = append([]float64(nil), x0...)
	if _, err := GMRES(ctx, A, scaled(1e200), x, &Options{ATol: -1}); !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), "atol=-1") {
		t.Errorf("ATol -1: %v", err)
	}
	for i := range x {
		if x[i] != x0[i] {
			t.Fatalf("x0[%d] changed to %v by a refused solve", i, x[i])
		}
	}
	// x0 with an entry that would overflow once scaled: not rescaled, and
	// the caller's x0 is not turned into Inf before the solve starts.
	x = make([]float64, 10)
	x[0] = 1e200
	_, err := GMRES(ctx, A, scaled(1e-200), x, nil)
	if err != nil && strings.Contains(err.Error(), "x0[0] = +Inf") {
		t.Errorf("x0 reported as infinite: %v", err)
	}
	// Entries of 1.5e308: the norm overflows, the system is still solved
	// (A = L + 100·I keeps x within range).
	D := sparse.Add(1, A, 100, sparse.Identity(10))
	b := make([]float64, 10)
	for i := range b {
		b[i] = 1.5e308
	}
	x = make([]float64, 10)
	res, err := CG(ctx, D, b, x, &Options{RTol: 1e-10})
	if err != nil || !res.Converged {
		t.Fatalf("b of 1.5e308: %+v, %v", res, err)
	}
	bu := make([]float64, 10)
	for i := range bu {
		bu[i] = 1
	}
	want := ktDenseSolve(t, D.ToDense(), bu)
	for i := range x {
		if math.Abs(x[i]/1.5e308-want[i]) > 1e-8*math.Abs(want[i]) {
			t.Fatalf("x[%d]/1.5e308 = %v, want %v", i, x[i]/1.5e308, want[i])
		}
	}
}

// A system whose solution is beyond the float64 range (A = 1e-150·D, b of
// 1e160: x ≈ 1e310) is solved rescaled, and the rescaled solve converges;
// scaling x back overflows. Every square solver reports that as ErrNaN
// with the result not converged (it said Converged with an infinite x,
// and a sequence warm-started every later system from it).
func TestRescaledSolutionOverflows(t *testing.T) {
	const n = 6
	A, b := overflowingSystem(n)
	for _, s := range squareSolvers(n, 4, 2) {
		t.Run(s.name, func(t *testing.T) {
			x := make([]float64, n)
			res, err := s.solve(context.Background(), A, b, x, nil)
			if !errors.Is(err, ErrNaN) || !strings.Contains(err.Error(), s.name) || !strings.Contains(err.Error(), "overflows") {
				t.Fatalf("err = %v, want an ErrNaN naming %s and the overflow", err, s.name)
			}
			if res.Converged || !math.IsInf(res.RelResidual, 1) {
				t.Errorf("result %+v: want not converged, RelResidual +Inf", res)
			}
		})
	}
}

// The solvers are invariant under scaling A: s·A x = b takes the
// iterations A x = b does, for s far from 1 in both directions. MINRES
// added ‖b‖² to its estimate of ‖A‖² and floored its rotations at ε
// (SciPy does both), and stopped at once on 1e-8·L, calling it singular.
func TestScaledOperatorSameIterations(t *testing.T) {
	L := sparse.Laplacian2D(12, 12)
	n, _ := L.Dims()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1 + float64(i%7)
	}
	for _, s := range squareSolvers(n, 10, 4) {
		t.Run(s.name, func(t *testing.T) {
			its := -1
			// Beyond 1e±154 the squares of ‖A‖-sized numbers (Arnoldi
			// columns, Lanczos β, ‖A·p‖ in BiCGStab, IDR(s), TFQMR) leave
			// the float64 range: the solvers sum them safely.
			for _, scale := range []float64{1, 1e-8, 1e-12, 1e-100, 1e8, 1e12, 1e100, 1e154, 1e-154, 1e200, 1e-200} {
				A := sparse.Add(scale, L, 0, L)
				x := make([]float64, n)
				res, err := s.solve(context.Background(), A, b, x, &Options{RTol: 1e-8})
				if err != nil || !res.Converged {
					t.Fatalf("A scaled by %g: %v (%+v)", scale, err, res)
				}
				if its < 0 {
					its = res.Iterations
				} else if d := res.Iterations - its; d < -1 || d > 1 {
					t.Errorf("A scaled by %g: %d iterations, %d unscaled", scale, res.Iterations, its)
				}
			}
		})
	}
}

// namedSolver is a square solver and the name its errors use.
type namedSolver struct {
	name  string
	solve solverFunc
}

// squareSolvers lists every square solver, GCRO-DR as a fresh
// NewGCRODR(n, M, K) per call.
func squareSolvers(n, M, K int) []namedSolver {
	return []namedSolver{
		{"CG", CG}, {"MINRES", MINRES}, {"GMRES", GMRES}, {"FGMRES", FGMRES},
		{"BiCGStab", BiCGStab}, {"IDR(s)", IDRS}, {"TFQMR", TFQMR},
		{"GCRODR", func(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
			return NewGCRODR(n, &GCRODROptions{M: M, K: K}).Solve(ctx, A, b, x, o)
		}},
	}
}

// scaledResidual returns ‖b − A x‖/‖b‖ computed on the system multiplied
// by 2^e, an exact scaling for the tiny or huge b and x of the tests below
// (their entries, subnormal ones included, scale without rounding), so
// that the residual of the x a solver returned is measured without
// under- or overflow.
func scaledResidual(A *sparse.CSR, b, x []float64, e int) float64 {
	n := len(b)
	xs, bs, r := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		xs[i], bs[i] = math.Ldexp(x[i], e), math.Ldexp(b[i], e)
	}
	A.MulVecTo(r, xs)
	for i := range r {
		r[i] = bs[i] - r[i]
	}
	return vec.Norm(r) / vec.Norm(bs)
}

// A failed solve of a rescaled system (b of 1e160, here stopped by
// MaxIter) whose iterate is beyond the float64 range once scaled back
// (A = 1e-150·D: x ≈ 1e310) returns x₀, as every failed solve returns an
// x no worse than x₀, with the error of the failure and a Result that
// describes x₀. It returned +Inf entries with a finite Residual and
// ErrNotConverged, which a caller warm-starting the next solve from x
// cannot tell from a usable iterate. Found by a randomized campaign
// (b of norm 1e300 and 1e305 on row- and column-scaled matrices).
func TestRescaledFailedSolveOverflowReturnsX0(t *testing.T) {
	const n = 6
	A, b := overflowingSystem(n)
	for _, x0 := range [][]float64{make([]float64, n), {1e300, -2e300, 0, 3e299, 1e301, -1e300}} {
		for _, s := range squareSolvers(n, 4, 2) {
			t.Run(fmt.Sprintf("%s/x0=%g", s.name, x0[0]), func(t *testing.T) {
				x := append([]float64(nil), x0...)
				res, err := s.solve(context.Background(), A, b, x, &Options{MaxIter: 1})
				if !errors.Is(err, ErrNotConverged) || res.Converged {
					t.Fatalf("err = %v, Converged = %v: want ErrNotConverged", err, res.Converged)
				}
				for i := range x {
					if math.IsInf(x[i], 0) || math.IsNaN(x[i]) {
						t.Fatalf("x[%d] = %v", i, x[i])
					}
				}
				want := scaledResidual(A, b, x, -600)
				if math.Abs(res.RelResidual-want) > 1e-12*want {
					t.Errorf("RelResidual = %v, true ‖b − A x‖/‖b‖ = %v", res.RelResidual, want)
				}
				if r0 := scaledResidual(A, b, x0, -600); res.RelResidual > r0*(1+1e-12) {
					t.Errorf("RelResidual = %v, worse than x0's %v", res.RelResidual, r0)
				}
			})
		}
	}
}

// A tiny b (norm about 1e-305) whose solution has entries below the
// normal float64 range: the rescaled solve converges, but scaling x back
// rounds those entries to the absolute grid of the subnormals, which
// leaves a true residual far above the rescaled iterate's (relative
// 3e-10 here). The solvers reported Converged with RelResidual ≈ 1e-13
// for a requested 1e-12; the Result must describe the x returned, and
// convergence be judged on it. With a tolerance the rounded x meets,
// the solve still converges.
func TestRescaledSubnormalSolutionResidual(t *testing.T) {
	const n = 8
	c := sparse.NewCOO(n, n, 2*n)
	b := make([]float64, n)
	for i := range n {
		c.Append(i, i, 1e8*float64(i+1))
		if i+1 < n {
			c.Append(i, i+1, 1e7)
		}
		b[i] = 1e-306 * float64(1+i%3)
	}
	A := c.ToCSR()
	for _, tc := range []struct {
		rtol     float64
		converge bool
	}{{1e-12, false}, {1e-6, true}} {
		for _, s := range squareSolvers(n, 4, 2) {
			t.Run(fmt.Sprintf("%s/rtol=%g", s.name, tc.rtol), func(t *testing.T) {
				x := make([]float64, n)
				res, err := s.solve(context.Background(), A, b, x, &Options{RTol: tc.rtol})
				want := scaledResidual(A, b, x, 1000)
				if math.Abs(res.RelResidual-want) > 1e-10*want {
					t.Errorf("RelResidual = %v, true ‖b − A x‖/‖b‖ = %v", res.RelResidual, want)
				}
				if res.Converged && want > tc.rtol {
					t.Errorf("Converged with true relative residual %v > RTol %v", want, tc.rtol)
				}
				if tc.converge && (err != nil || !res.Converged) {
					t.Errorf("err = %v, Converged = %v: want convergence", err, res.Converged)
				}
				if !tc.converge && !errors.Is(err, ErrNotConverged) {
					t.Errorf("err = %v, want ErrNotConverged", err)
				}
			})
		}
	}
}

// LSQR and LSMR report a solution that overflows when scaled back from
// the rescaled problem as ErrNaN (LSOptions), also when the solve had
// failed already: a MaxIter stop returned +Inf entries with only
// ErrNotConverged. The error wraps both.
func TestLSRescaledFailedSolveOverflow(t *testing.T) {
	const n = 6
	A, b := overflowingSystem(n)
	for _, tc := range []struct {
		name  string
		solve func(context.Context, linop.Operator, []float64, []float64, *LSOptions) (LSResult, error)
	}{{"LSQR", LSQR}, {"LSMR", LSMR}} {
		for _, maxIter := range []int{0, 1} {
			x := make([]float64, n)
			res, err := tc.solve(context.Background(), A, b, x, &LSOptions{MaxIter: maxIter})
			if !errors.Is(err, ErrNaN) || res.Converged {
				t.Errorf("%s MaxIter %d: err = %v, Converged = %v: want ErrNaN", tc.name, maxIter, err, res.Converged)
			}
			if maxIter == 1 && !errors.Is(err, ErrNotConverged) {
				t.Errorf("%s MaxIter 1: err = %v does not keep ErrNotConverged (Stop %d)", tc.name, err, res.Stop)
			}
		}
	}
}

// overflowingSystem returns A = 1e-150·diag(1, …, n) and b = 1e160·1,
// whose solution (about 1e310) is beyond the float64 range although A and
// b are not: they are solved rescaled, and x overflows when scaled back.
func overflowingSystem(n int) (*sparse.CSR, []float64) {
	c := sparse.NewCOO(n, n, n)
	b := make([]float64, n)
	for i := range n {
		c.Append(i, i, 1e-150*float64(i+1))
		b[i] = 1e160
	}
	return c.ToCSR(), b
}
