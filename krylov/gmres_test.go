package krylov

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
)

// gmresCase is one system for the GMRES-type tests.
type gmresCase struct {
	name  string
	dense *mat.Dense
	opt   Options
	flex  bool
}

func gmresCases() []gmresCase {
	ns := ktNonsym(40, 4, 1)
	jac := linop.Diag(ktInverse(ktDiag(ns)))
	ind := ktSymIndef(30, 2)
	ill := ktSPD(30, 1e6, 3)
	// A badly scaled nonsymmetric matrix: rows scaled over 6 orders of
	// magnitude, so that ‖M r‖/‖r‖ changes a lot along the iteration with
	// a Jacobi preconditioner.
	bad := ktNonsym(30, 4, 5)
	for i := 0; i < 30; i++ {
		s := math.Pow(10, float64(i%7)-3)
		for j := 0; j < 30; j++ {
			bad.Set(i, j, s*bad.At(i, j))
		}
	}
	badJ := linop.Diag(ktInverse(ktDiag(bad)))
	_, lap := ktLap2D(6)
	return []gmresCase{
		{"nonsym", ns, Options{RTol: 1e-10}, false},
		{"nonsym restart 5", ns, Options{RTol: 1e-10, Restart: 5}, false},
		{"nonsym right jacobi", ns, Options{RTol: 1e-10, Precond: jac}, false},
		{"nonsym left jacobi", ns, Options{RTol: 1e-10, Precond: jac, Side: Left}, false},
		{"nonsym left jacobi restart 4", ns, Options{RTol: 1e-10, Precond: jac, Side: Left, Restart: 4}, false},
		{"symmetric indefinite", ind, Options{RTol: 1e-10}, false},
		{"ill-conditioned spd", ill, Options{RTol: 1e-9}, false},
		{"badly scaled left", bad, Options{RTol: 1e-9, Precond: badJ, Side: Left, Restart: 8}, false},
		{"badly scaled right", bad, Options{RTol: 1e-9, Precond: badJ, Restart: 8}, false},
		{"laplacian restart 3", lap, Options{RTol: 1e-10, Restart: 3}, false},
		{"1x1", mat.NewDense(1, 1, []float64{-2}), Options{RTol: 1e-10}, false},
		{"fgmres nonsym", ns, Options{RTol: 1e-10, Restart: 7}, true},
		{"fgmres jacobi", ns, Options{RTol: 1e-10, Precond: jac, Restart: 7}, true},
		{"fgmres badly scaled", bad, Options{RTol: 1e-9, Precond: badJ, Restart: 8}, true},
	}
}

// TestGMRESAgainstDense solves every case with each Gram–Schmidt variant.
func TestGMRESAgainstDense(t *testing.T) {
	for _, c := range gmresCases() {
		for _, mode := range []Orthog{OrthogAuto, OrthogOnce, OrthogTwice} {
			t.Run(c.name+"/"+mode.String(), func(t *testing.T) {
				gmresAgainstDense(t, c, mode)
			})
		}
	}
}

func gmresAgainstDense(t *testing.T, c gmresCase, mode Orthog) {
	t.Helper()
	n, _ := c.dense.Dims()
	b := ktVec(n, 3)
	want := ktDenseSolve(t, c.dense, b)
	x := make([]float64, n)
	o := c.opt
	o.History = true
	o.Orthog = mode
	solve := GMRES
	if c.flex {
		solve = FGMRES
	}
	res, err := solve(context.Background(), linop.Dense(c.dense), b, x, &o)
	if err != nil {
		t.Fatalf("%v (%+v)", err, res)
	}
	ktSolved(t, c.dense, b, x, want, res, o.RTol)
	if len(res.History) != res.Iterations+1 {
		t.Errorf("history has %d entries for %d iterations", len(res.History), res.Iterations)
	}
	// Without a left preconditioner, the least-squares residual
	// never increases within a cycle (it is minimised over nested
	// spaces).
	if o.Side == Right || o.Precond == nil {
		m := o.Restart
		if m == 0 {
			m = DefaultRestart
		}
		h := res.History
		for i := 2; i < len(h); i++ {
			if (i-1)%m != 0 && h[i] > h[i-1]*(1+1e-12) {
				t.Errorf("residual increased within a cycle at iteration %d: %.6g > %.6g", i, h[i], h[i-1])
			}
		}
	}
}

// GMRES and FGMRES agree (same iterations, same x up to rounding) with a
// fixed preconditioner.
func TestFGMRESMatchesGMRES(t *testing.T) {
	ns := ktNonsym(25, 3, 8)
	b := ktVec(25, 1)
	o := &Options{RTol: 1e-10, Restart: 6, Precond: linop.Diag(ktInverse(ktDiag(ns)))}
	x1, x2 := make([]float64, 25), make([]float64, 25)
	r1, err1 := GMRES(context.Background(), linop.Dense(ns), b, x1, o)
	r2, err2 := FGMRES(context.Background(), linop.Dense(ns), b, x2, o)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if r1.Iterations != r2.Iterations || ktRelErr(x1, x2) > 1e-9 {
		t.Errorf("GMRES %d its, FGMRES %d its, difference %.3g", r1.Iterations, r2.Iterations, ktRelErr(x1, x2))
	}
}

// FGMRES converges with a preconditioner that changes at every
// application: an inner GMRES run for three steps.
func TestFGMRESVaryingPreconditioner(t *testing.T) {
	ns := ktNonsym(40, 2, 4)
	A := linop.Dense(ns)
	calls := 0
	inner := linop.Func(40, 40, func(dst, r []float64) {
		calls++
		clear(dst)
		GMRES(context.Background(), A, r, dst, &Options{MaxIter: 2 + calls%3, RTol: 1e-14})
	}, nil)
	b := ktVec(40, 9)
	x := make([]float64, 40)
	res, err := FGMRES(context.Background(), A, b, x, &Options{RTol: 1e-10, Precond: inner, Restart: 10})
	if err != nil {
		t.Fatalf("%v %+v", err, res)
	}
	ktCheck(t, ns, b, x, res, 1e-10*ktNorm(b))
	if e := ktRelErr(x, ktDenseSolve(t, ns, b)); e > 1e-8 {
		t.Errorf("error %.3g", e)
	}
	if res.Iterations >= 20 {
		t.Errorf("%d iterations: the inner solves did not help", res.Iterations)
	}
}

func TestGMRESBreakdowns(t *testing.T) {
	ctx := context.Background()
	// Three distinct eigenvalues: the Krylov space is invariant after
	// three steps (happy breakdown) and the solution exact.
	lam := make([]float64, 20)
	for i := range lam {
		lam[i] = []float64{1, -3, 7}[i%3]
	}
	a := ktWithEigen(lam, 2)
	b := ktVec(20, 1)
	x := make([]float64, 20)
	res, err := GMRES(ctx, linop.Dense(a), b, x, &Options{RTol: 1e-12})
	if err != nil || res.Iterations != 3 {
		t.Errorf("three eigenvalues: %d iterations, %v", res.Iterations, err)
	}
	// Identity: one step.
	res, err = GMRES(ctx, linop.Identity(5), b[:5], make([]float64, 5), nil)
	if err != nil || res.Iterations != 1 || !res.Converged {
		t.Errorf("identity: %+v %v", res, err)
	}
	// Singular A, consistent b: converges.
	sing := mat.NewDense(2, 2, []float64{1, 0, 0, 0})
	x = make([]float64, 2)
	res, err = GMRES(ctx, linop.Dense(sing), []float64{1, 0}, x, nil)
	if err != nil || !res.Converged || x[0] != 1 {
		t.Errorf("singular consistent: %+v %v %v", res, err, x)
	}
	// Singular A, b outside its range: the Hessenberg matrix is singular.
	x = make([]float64, 2)
	res, err = GMRES(ctx, linop.Dense(sing), []float64{1, 1}, x, nil)
	if !errors.Is(err, ErrBreakdown) || res.Converged || !strings.Contains(err.Error(), "iteration") {
		t.Errorf("singular inconsistent: %+v %v", res, err)
	}
	ktCheck(t, sing, []float64{1, 1}, x, res, 1e-5*math.Sqrt2)
	// A singular left preconditioner maps r to zero.
	res, err = GMRES(ctx, linop.Identity(2), []float64{1, 1}, make([]float64, 2),
		&Options{Side: Left, Precond: linop.Diag([]float64{0, 0})})
	if !errors.Is(err, ErrBreakdown) {
		t.Errorf("zero preconditioner: %v", err)
	}
}

func TestGMRESSpecialInputs(t *testing.T) {
	ctx := context.Background()
	for _, solve := range []func(context.Context, linop.Operator, []float64, []float64, *Options) (Result, error){GMRES, FGMRES} {
		res, err := solve(ctx, linop.Dense(&mat.Dense{}), nil, nil, nil)
		if err != nil || !res.Converged {
			t.Errorf("0×0: %+v %v", res, err)
		}
		a := ktNonsym(6, 3, 1)
		x := ktVec(6, 2)
		res, err = solve(ctx, linop.Dense(a), make([]float64, 6), x, nil)
		if err != nil || !res.Converged || !isZero(x) {
			t.Errorf("b = 0: %+v %v", res, err)
		}
		b := ktVec(6, 3)
		x = ktDenseSolve(t, a, b)
		res, err = solve(ctx, linop.Dense(a), b, x, nil)
		if err != nil || res.Iterations != 0 || !res.Converged {
			t.Errorf("x0 exact: %+v %v", res, err)
		}
		if _, err := solve(ctx, linop.Dense(a), b, make([]float64, 6), &Options{Restart: -1}); err == nil {
			t.Error("negative restart accepted")
		}
		if _, err := solve(ctx, linop.Dense(a), []float64{1, 2, 3, math.NaN(), 0, 0}, make([]float64, 6), nil); !errors.Is(err, ErrNaN) {
			t.Errorf("NaN b: %v", err)
		}
		nanOp := linop.Func(2, 2, func(dst, x []float64) { dst[0], dst[1] = math.NaN(), x[1] }, nil)
		if _, err := solve(ctx, nanOp, []float64{1, 1}, make([]float64, 2), nil); !errors.Is(err, ErrNaN) {
			t.Errorf("NaN operator: %v", err)
		}
		ktMustPanic(t, "len(b)", func() { solve(ctx, linop.Dense(a), make([]float64, 5), make([]float64, 6), nil) })
		ktMustPanic(t, "square", func() { solve(ctx, linop.Dense(mat.NewDense(2, 3, nil)), make([]float64, 2), make([]float64, 3), nil) })
	}
}

func TestGMRESMaxIterCancel(t *testing.T) {
	A, dense := ktLap2D(20)
	b := ktOnesRHS(A)
	x := make([]float64, 400)
	res, err := GMRES(context.Background(), A, b, x, &Options{RTol: 1e-12, MaxIter: 17, Restart: 5})
	if !errors.Is(err, ErrNotConverged) || res.Iterations != 17 || res.Converged {
		t.Errorf("%+v %v", res, err)
	}
	ktCheck(t, dense, b, x, res, 1e-12*ktNorm(b))
	ctx, cancel := context.WithCancel(context.Background())
	clear(x)
	res, err = GMRES(ctx, A, b, x, &Options{RTol: 1e-12, Restart: 10, Progress: func(it int, _ float64) {
		if it == 13 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || res.Iterations != 13 {
		t.Errorf("cancel: %+v %v", res, err)
	}
	// The iterate returned after cancellation is the cycle's best: its
	// residual is below the initial one.
	ktCheck(t, dense, b, x, res, 1e-12*ktNorm(b))
	if res.RelResidual >= 1 {
		t.Errorf("cancelled iterate has relative residual %v", res.RelResidual)
	}
}

func TestGMRESAllocations(t *testing.T) {
	skipAllocsUnderRace(t)
	A, _ := ktLap2D(30)
	b := ktOnesRHS(A)
	x := make([]float64, 900)
	for _, side := range []Side{Right, Left} {
		for _, flex := range []bool{false, true} {
			allocs := func(iters int) float64 {
				return testing.AllocsPerRun(5, func() {
					clear(x)
					o := &Options{RTol: 1e-14, MaxIter: iters, Restart: 8, Precond: ktScaling{900, 0.25}, Side: side}
					if flex {
						FGMRES(context.Background(), A, b, x, o)
					} else {
						GMRES(context.Background(), A, b, x, o)
					}
				})
			}
			// Slack of 2: a GC during the run empties the vector kernels'
			// sync.Pools, whose refill allocates; a per-iteration
			// allocation would add 50.
			if a1, a2 := allocs(10), allocs(60); a2 > a1+2 {
				t.Errorf("side %v flexible %v: allocations grow with iterations: %v vs %v", side, flex, a1, a2)
			}
		}
	}
}

// With a left preconditioner whose weights differ by 10³ between
// components, ‖M r‖/‖r‖ drifts during the cycle: the estimate passes
// before the true residual does. GMRES must notice (a failed confirmation
// costs one extra product) and still return only a truly converged x.
func TestGMRESLeftConfirmsTrueResidual(t *testing.T) {
	a := ktNonsym(30, 3, 0)
	d := make([]float64, 30)
	for i := range d {
		d[i] = math.Pow(10, -3*float64(i%2))
	}
	b := ktVec(30, 0)
	x := make([]float64, 30)
	res, err := GMRES(context.Background(), linop.Dense(a), b, x, &Options{RTol: 1e-8, Precond: linop.Diag(d), Side: Left, Restart: 50})
	if err != nil {
		t.Fatal(err)
	}
	ktCheck(t, a, b, x, res, 1e-8*ktNorm(b))
	if res.MatVecs < res.Iterations+2 {
		t.Errorf("no failed confirmation (%d products, %d iterations): the test no longer exercises it", res.MatVecs, res.Iterations)
	}
}

// A tolerance below the attainable accuracy ends in stagnation, not in a
// run to MaxIter.
func TestGMRESStagnation(t *testing.T) {
	A, dense := ktLap2D(10)
	b := ktOnesRHS(A)
	x := make([]float64, 100)
	res, err := GMRES(context.Background(), A, b, x, &Options{RTol: 1e-18})
	if !errors.Is(err, ErrNotConverged) || !strings.Contains(res.Reason, "stagnated") || res.Iterations >= 1000 {
		t.Errorf("%+v %v", res, err)
	}
	ktCheck(t, dense, b, x, res, 1e-18*ktNorm(b))
}

// A preconditioner whose output is not finite stops GMRES and FGMRES with
// ErrNaN in their first Arnoldi step (right and flexible) or before it
// (left: ‖M r₀‖). Iterations counts completed iterations only and the
// history keeps one entry per iteration after ‖b − A x₀‖: GMRES reported
// the failed step as completed (Iterations 1 with one History entry), and
// with left preconditioning returned no History at all.
func TestGMRESNaNPrecondIterationsHistory(t *testing.T) {
	const n = 5
	A := linop.Dense(ktNonsym(n, 3, 4))
	b := ktVec(n, 5)
	infPrec := linop.Func(n, n, func(dst, x []float64) {
		copy(dst, x)
		dst[0] = math.Inf(1)
	}, nil)
	for _, tc := range []struct {
		name  string
		solve solverFunc
		side  Side
	}{
		{"GMRES right", GMRES, Right},
		{"GMRES left", GMRES, Left},
		{"FGMRES", FGMRES, Right},
	} {
		for _, x0 := range [][]float64{make([]float64, n), ktVec(n, 6)} {
			x := append([]float64(nil), x0...)
			res, err := tc.solve(context.Background(), A, b, x, &Options{Precond: infPrec, Side: tc.side, History: true})
			if !errors.Is(err, ErrNaN) {
				t.Fatalf("%s: err = %v, want ErrNaN", tc.name, err)
			}
			if res.Iterations != 0 || len(res.History) != res.Iterations+1 {
				t.Errorf("%s: Iterations = %d, len(History) = %d: want 0 and 1", tc.name, res.Iterations, len(res.History))
			}
			for i := range x {
				if x[i] != x0[i] {
					t.Fatalf("%s: x = %v, want x0 = %v: no iteration completed", tc.name, x, x0)
				}
			}
		}
	}
}
