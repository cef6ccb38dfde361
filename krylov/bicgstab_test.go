package krylov

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

func TestBiCGStabAgainstDense(t *testing.T) {
	ns := ktNonsym(40, 4, 1)
	jac := linop.Diag(ktInverse(ktDiag(ns)))
	_, lap := ktLap2D(8)
	cases := []struct {
		name  string
		dense *mat.Dense
		opt   Options
	}{
		{"nonsym", ns, Options{RTol: 1e-10}},
		{"nonsym jacobi", ns, Options{RTol: 1e-10, Precond: jac}},
		{"spd", ktSPD(30, 100, 2), Options{RTol: 1e-10}},
		{"laplacian", lap, Options{RTol: 1e-10}},
		{"ill-conditioned", ktSPD(30, 1e5, 3), Options{RTol: 1e-8}},
		{"1x1", mat.NewDense(1, 1, []float64{5}), Options{RTol: 1e-10}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, _ := c.dense.Dims()
			b := ktVec(n, 6)
			x := make([]float64, n)
			o := c.opt
			o.History = true
			res, err := BiCGStab(context.Background(), linop.Dense(c.dense), b, x, &o)
			if err != nil {
				t.Fatalf("%v %+v", err, res)
			}
			ktSolved(t, c.dense, b, x, ktDenseSolve(t, c.dense, b), res, o.RTol)
			if len(res.History) != res.Iterations+1 || res.MatVecs > 2*res.Iterations+2 {
				t.Errorf("history %d, iterations %d, products %d", len(res.History), res.Iterations, res.MatVecs)
			}
		})
	}
}

// Each breakdown is found by exact rational search over small integer
// systems (the values below make the quantity exactly zero in floating
// point too) and must be reported, with the iteration, not become NaN.
// Breakdowns after a full step first restart the recurrence (restarts:
// the limit given to bicgstab); one right at a (re)start is an error.
func TestBiCGStabBreakdowns(t *testing.T) {
	cases := []struct {
		name     string
		a        *mat.Dense
		b        []float64
		restarts int
		want     string
	}{
		// Skew-symmetric: r̂ᵀA r̂ = 0 at the first step.
		{"r̂ᵀAp̂", mat.NewDense(2, 2, []float64{0, 1, -1, 0}), []float64{1, 0}, maxBiCGStabRestarts, "r̂ᵀA p̂ = 0"},
		// s = (0, −1) and t = A s = (3, 0) are orthogonal. Every step is
		// exact in binary (α = −1/2), so the breakdown is exact whether
		// or not the compiler fuses products into FMAs (arm64 does; with
		// α = −1/3 there, s came out (5.6e-17, −1) and ω ≠ 0).
		{"ω", mat.NewDense(2, 2, []float64{-2, -3, -2, 0}), []float64{1, 0}, maxBiCGStabRestarts, "ω"},
		// After one step r = (1, 0, 0) ⟂ r̂ = (0, −1, 0), and ‖r‖ = ‖b‖: no
		// progress since the start, but a first such restart is allowed;
		// the stabilising step right after it breaks down, which is the
		// error.
		{"ρ then ω", mat.NewDense(3, 3, []float64{2, 2, -2, 1, 2, -1, 2, 2, -1}), []float64{0, -1, 0}, maxBiCGStabRestarts, "ω"},
		// ρ breaks down after a step that reduced ‖r‖ (see
		// TestBiCGStabRestart): without restarts it is the error.
		{"ρ, no restarts", mat.NewDense(3, 3, restartA), restartB, 0, "ρ"},
	}
	for _, c := range cases {
		n := len(c.b)
		x := make([]float64, n)
		res, err := bicgstab(context.Background(), linop.Dense(c.a), c.b, x, &Options{RTol: 1e-12}, c.restarts)
		if !errors.Is(err, ErrBreakdown) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "iteration") {
			t.Errorf("%s: err = %v", c.name, err)
		}
		if _, bad := hasNaN(x); bad || res.Converged {
			t.Errorf("%s: x = %v, %+v", c.name, x, res)
		}
		ktCheck(t, c.a, c.b, x, res, 0)
	}
	// A singular A with A·ŝ = 0.
	a := mat.NewDense(2, 2, []float64{1, 1, 1, 1})
	_, err := BiCGStab(context.Background(), linop.Dense(a), []float64{1, 0}, make([]float64, 2), nil)
	if !errors.Is(err, ErrBreakdown) {
		t.Errorf("singular: %v", err)
	}
}

// A breakdown of the stabilising step comes after the half step that
// moved x: that iteration counts, in History and Progress as in
// Iterations.
func TestBiCGStabBreakdownHistory(t *testing.T) {
	for _, c := range []struct {
		name string
		a    *mat.Dense
		b    []float64
	}{
		{"ω", mat.NewDense(2, 2, []float64{-2, -3, -2, 0}), []float64{1, 0}}, // as above
		// s = (−1, 1) is in the null space of A: t = A s = 0.
		{"tᵀt", mat.NewDense(2, 2, []float64{1, 1, 0, 0}), []float64{1, 1}},
	} {
		calls := 0
		x := make([]float64, 2)
		res, err := BiCGStab(context.Background(), linop.Dense(c.a), c.b, x,
			&Options{RTol: 1e-12, History: true, Progress: func(int, float64) { calls++ }})
		if !errors.Is(err, ErrBreakdown) || !strings.Contains(err.Error(), c.name) || res.Iterations != 1 {
			t.Errorf("%s: err = %v, %+v", c.name, err, res)
		}
		if len(res.History) != res.Iterations+1 || calls != res.Iterations {
			t.Errorf("%s: %d iterations, History %v, %d progress calls", c.name, res.Iterations, res.History, calls)
		}
		ktCheck(t, c.a, c.b, x, res, 0)
	}
}

// restartA, restartB: after the first step (α = −1 and ω = 1/2, exact in
// floating point) r = (2, 1, 1) is orthogonal to r̂ = b, with ‖r‖² = 6 <
// ‖b‖² = 12.
// Found by exact rational search over small integer systems.
var (
	restartA = []float64{1, 2, -1, 1, 2, -2, 3, 3, -2}
	restartB = []float64{2, -2, -2}
)

// A ρ breakdown after progress restarts the recurrence (r̂ = r) and the
// solve converges, saying so in Reason.
func TestBiCGStabRestart(t *testing.T) {
	a := mat.NewDense(3, 3, restartA)
	x := make([]float64, 3)
	res, err := BiCGStab(context.Background(), linop.Dense(a), restartB, x, &Options{RTol: 1e-12})
	if err != nil || !res.Converged || !strings.Contains(res.Reason, "1 restart") {
		t.Fatalf("err = %v, result %+v", err, res)
	}
	ktCheck(t, a, restartB, x, res, 1e-12)
}

func hasNaN(x []float64) (int, bool) {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i, true
		}
	}
	return -1, false
}

func TestBiCGStabSpecialInputs(t *testing.T) {
	ctx := context.Background()
	res, err := BiCGStab(ctx, linop.Dense(&mat.Dense{}), nil, nil, nil)
	if err != nil || !res.Converged {
		t.Errorf("0×0: %+v %v", res, err)
	}
	a := ktNonsym(6, 3, 1)
	x := ktVec(6, 1)
	if res, err := BiCGStab(ctx, linop.Dense(a), make([]float64, 6), x, nil); err != nil || !res.Converged || !isZero(x) {
		t.Errorf("b = 0: %+v %v", res, err)
	}
	b := ktVec(6, 2)
	x = ktDenseSolve(t, a, b)
	if res, err := BiCGStab(ctx, linop.Dense(a), b, x, nil); err != nil || res.Iterations != 0 {
		t.Errorf("x0 exact: %+v %v", res, err)
	}
	if _, err := BiCGStab(ctx, linop.Dense(a), b, []float64{0, math.NaN(), 0, 0, 0, 0}, nil); !errors.Is(err, ErrNaN) {
		t.Errorf("NaN x0: %v", err)
	}
	nanOp := linop.Func(2, 2, func(dst, x []float64) { dst[0], dst[1] = math.Inf(1), x[1] }, nil)
	if _, err := BiCGStab(ctx, nanOp, []float64{1, 1}, make([]float64, 2), nil); !errors.Is(err, ErrNaN) {
		t.Errorf("Inf operator: %v", err)
	}
	ktMustPanic(t, "len(x)", func() { BiCGStab(ctx, linop.Dense(a), b, make([]float64, 2), nil) })
	ktMustPanic(t, "preconditioner", func() { BiCGStab(ctx, linop.Dense(a), b, make([]float64, 6), &Options{Precond: linop.Identity(2)}) })

	A, dense := ktLap2D(15)
	bl := ktOnesRHS(A)
	xl := make([]float64, 225)
	res, err = BiCGStab(ctx, A, bl, xl, &Options{RTol: 1e-13, MaxIter: 4})
	if !errors.Is(err, ErrNotConverged) || res.Iterations != 4 {
		t.Errorf("max iter: %+v %v", res, err)
	}
	ktCheck(t, dense, bl, xl, res, 1e-13*ktNorm(bl))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := BiCGStab(cctx, A, bl, make([]float64, 225), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}
}

// noisy applies A with a deterministic relative perturbation of size
// level, so that the recurrence residual and the true residual part ways
// (a tolerance below the attainable accuracy).
type noisy struct {
	a     linop.Operator
	level float64
	calls int
}

func (o *noisy) Dims() (int, int) { return o.a.Dims() }
func (o *noisy) Apply(dst, x []float64) {
	o.a.Apply(dst, x)
	o.calls++
	for i := range dst {
		dst[i] *= 1 + o.level*math.Sin(float64(o.calls*7+i*13))
	}
}

// With products perturbed at 1e-9 the true residual cannot go below about
// 1e-9: BiCGStab and GMRES see their confirmations fail and stop as
// stagnated long before MaxIter. (CG's recurrence residual stalls above
// the tolerance in this situation, so CG runs to MaxIter as SciPy's does.)
func TestStagnationDetected(t *testing.T) {
	A, _ := ktLap2D(12)
	b := ktOnesRHS(A)
	for name, solve := range map[string]solverFunc{"BiCGStab": BiCGStab, "GMRES": GMRES} {
		x := make([]float64, 144)
		res, err := solve(context.Background(), &noisy{a: A, level: 1e-9}, b, x, &Options{RTol: 1e-12, MaxIter: 3000})
		if !errors.Is(err, ErrNotConverged) || !strings.Contains(res.Reason, "stagnated") || res.Iterations >= 3000 {
			t.Errorf("%s: %v, %d iterations, %q", name, err, res.Iterations, res.Reason)
		}
	}
}

func TestBiCGStabAllocations(t *testing.T) { ktAllocsFlat(t, BiCGStab) }

func TestStagnationCounter(t *testing.T) {
	var s stagnation
	// Halving every time: never stagnated.
	for i, r := range []float64{1, 0.4, 0.1, 0.04, 0.01} {
		if s.failed(r) {
			t.Fatalf("halving residuals flagged at %d", i)
		}
	}
	// Three failures in a row without halving after the last good one.
	if s.failed(0.009) || s.failed(0.008) || !s.failed(0.0085) {
		t.Error("three non-halving failures not flagged")
	}
}

// Rows scaled by 10^U(−6, 6) (ktRowScaled), b = A·1, Jacobi: rounding
// leaves ρ = r̂ᵀr exactly 0 (its terms are ~1e13, their exact sum ~1e-3)
// at a moment when the residual is above ‖b‖. BiCGStab used to stop
// there with ErrBreakdown and an x far worse than x₀ = 0 (relative
// residuals 1.85–104); restarted once without progress it converges, as
// PETSc 3.18's bcgs and SciPy's bicgstab do (their iterations given;
// rtol 1e-5).
func TestBiCGStabRowScaledBreakdownRestarts(t *testing.T) {
	cases := []struct {
		seed         uint64
		petsc, scipy int
	}{
		{52, 104, 102},
		{90, 228, 140},
		{152, 94, 154},
		{184, 142, 133},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint("seed ", c.seed), func(t *testing.T) {
			A := ktRowScaled(37, c.seed, 0.1)
			b := ktOnesRHS(A)
			x := make([]float64, len(b))
			res, err := BiCGStab(context.Background(), A, b, x, &Options{Precond: ktPrecond(t, A, "jacobi")})
			if err != nil || !res.Converged {
				t.Fatalf("%v: %d iterations, relative residual %.3g, %s (PETSc: %d iterations, SciPy: %d)",
					err, res.Iterations, res.RelResidual, res.Reason, c.petsc, c.scipy)
			}
			ktCheck(t, A.ToDense(), b, x, res, DefaultRTol*ktNorm(b))
		})
	}
}

// A BiCGStab solve that fails returns an x no worse than x₀: on west0067
// and gent113 (no preconditioner) it breaks down without progress, and
// the iterate it returns has a true residual at most that of x₀ = 0.
func TestBiCGStabFailureKeepsBest(t *testing.T) {
	for _, f := range []string{"west0067", "gent113"} {
		t.Run(f, func(t *testing.T) {
			A, err := sparse.LoadMM(filepath.Join("..", "testdata", "matrices", f+".mtx"))
			if err != nil {
				t.Fatal(err)
			}
			b := ktOnesRHS(A)
			x := make([]float64, len(b))
			res, err := BiCGStab(context.Background(), A, b, x, &Options{RTol: 1e-8})
			ktCheck(t, A.ToDense(), b, x, res, 1e-8*ktNorm(b))
			if err != nil && res.RelResidual > 1 {
				t.Errorf("relative residual %.3g > 1 (that of x₀ = 0): %v", res.RelResidual, err)
			}
		})
	}
}
