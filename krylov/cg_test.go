package krylov

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

func TestCGAgainstDense(t *testing.T) {
	lapS, lapD := ktLap2D(9)
	cases := []struct {
		name  string
		A     linop.Operator
		dense *mat.Dense
		rtol  float64
		prec  bool
	}{
		{"spd cond 1e2", linop.Dense(ktSPD(30, 1e2, 1)), ktSPD(30, 1e2, 1), 1e-10, false},
		{"spd cond 1e2 jacobi", linop.Dense(ktSPD(30, 1e2, 1)), ktSPD(30, 1e2, 1), 1e-10, true},
		{"ill-conditioned cond 1e6", linop.Dense(ktSPD(40, 1e6, 2)), ktSPD(40, 1e6, 2), 1e-8, false},
		{"laplacian csr", lapS, lapD, 1e-10, false},
		{"laplacian csr jacobi", lapS, lapD, 1e-10, true},
		{"1x1", linop.Dense(mat.NewDense(1, 1, []float64{3})), mat.NewDense(1, 1, []float64{3}), 1e-10, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, _ := c.dense.Dims()
			b := ktVec(n, 7)
			want := ktDenseSolve(t, c.dense, b)
			x := make([]float64, n)
			o := &Options{RTol: c.rtol}
			if c.prec {
				o.Precond = linop.Diag(ktInverse(ktDiag(c.dense)))
			}
			res, err := CG(context.Background(), c.A, b, x, o)
			if err != nil {
				t.Fatalf("CG: %v (%+v)", err, res)
			}
			ktSolved(t, c.dense, b, x, want, res, c.rtol)
		})
	}
}

func ktNorm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// CG terminates in at most as many steps as A has distinct eigenvalues
// (exact arithmetic); with three well-separated eigenvalues rounding does
// not delay it, so three steps reach 1e-10.
func TestCGDistinctEigenvalues(t *testing.T) {
	lam := make([]float64, 30)
	for i := range lam {
		lam[i] = []float64{1, 2, 5}[i%3]
	}
	a := ktWithEigen(lam, 3)
	b := ktVec(30, 4)
	x := make([]float64, 30)
	res, err := CG(context.Background(), linop.Dense(a), b, x, &Options{RTol: 1e-10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Iterations != 3 {
		t.Errorf("iterations = %d, want 3 (three distinct eigenvalues)", res.Iterations)
	}
}

// On a small well-conditioned SPD matrix CG is exact in ≤ n steps.
func TestCGExactInNSteps(t *testing.T) {
	for _, n := range []int{2, 5, 12} {
		a := ktSPD(n, 10, uint64(n))
		b := ktVec(n, 5)
		x := make([]float64, n)
		res, err := CG(context.Background(), linop.Dense(a), b, x, &Options{RTol: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		if res.Iterations > n {
			t.Errorf("n = %d: %d iterations", n, res.Iterations)
		}
		if e := ktRelErr(x, ktDenseSolve(t, a, b)); e > 1e-10 {
			t.Errorf("n = %d: error %.3g", n, e)
		}
	}
}

func TestCGSpecialInputs(t *testing.T) {
	ctx := context.Background()
	// 0×0: nothing to do, converged.
	res, err := CG(ctx, linop.Dense(&mat.Dense{}), nil, nil, nil)
	if err != nil || !res.Converged || res.Iterations != 0 {
		t.Errorf("0×0: %+v, %v", res, err)
	}
	a := ktSPD(10, 10, 9)
	// b = 0: x = 0 whatever the initial guess.
	x := ktVec(10, 1)
	res, err = CG(ctx, linop.Dense(a), make([]float64, 10), x, &Options{History: true})
	if err != nil || !res.Converged || res.Iterations != 0 || !isZero(x) || len(res.History) != 1 {
		t.Errorf("b = 0: %+v, %v, x = %v", res, err, x)
	}
	// x0 = exact solution: converged with 0 iterations.
	b := ktVec(10, 2)
	x = ktDenseSolve(t, a, b)
	res, err = CG(ctx, linop.Dense(a), b, x, nil)
	if err != nil || !res.Converged || res.Iterations != 0 || res.MatVecs != 1 {
		t.Errorf("x0 exact: %+v, %v", res, err)
	}
}

func TestCGIndefinite(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		a    *mat.Dense
	}{
		{"symmetric indefinite", ktSymIndef(12, 4)},
		// Nonsymmetric with an indefinite symmetric part: pᵀAp < 0 at the
		// first step for p = b = (1, −1).
		{"nonsymmetric", mat.NewDense(2, 2, []float64{1, 4, 0, 1})},
	}
	for _, c := range cases {
		n, _ := c.a.Dims()
		b := ktVec(n, 1)
		if n == 2 {
			b = []float64{1, -1}
		}
		x := make([]float64, n)
		res, err := CG(ctx, linop.Dense(c.a), b, x, nil)
		if !errors.Is(err, ErrIndefinite) {
			t.Fatalf("%s: err = %v, want ErrIndefinite", c.name, err)
		}
		if !strings.Contains(err.Error(), "iteration") || res.Converged {
			t.Errorf("%s: %v, %+v", c.name, err, res)
		}
		ktCheck(t, c.a, b, x, res, 0)
	}
	// A preconditioner that is not positive definite.
	a := ktSPD(8, 10, 1)
	neg := make([]float64, 8)
	for i := range neg {
		neg[i] = -1
	}
	_, err := CG(ctx, linop.Dense(a), ktVec(8, 1), make([]float64, 8), &Options{Precond: linop.Diag(neg)})
	if !errors.Is(err, ErrIndefinite) || !strings.Contains(err.Error(), "preconditioner") {
		t.Errorf("negative preconditioner: %v", err)
	}
}

func TestCGBadInput(t *testing.T) {
	ctx := context.Background()
	a := linop.Dense(ktSPD(4, 10, 1))
	nan := []float64{1, math.NaN(), 0, 0}
	if _, err := CG(ctx, a, nan, make([]float64, 4), nil); !errors.Is(err, ErrNaN) || !strings.Contains(err.Error(), "b[1]") {
		t.Errorf("NaN in b: %v", err)
	}
	if _, err := CG(ctx, a, []float64{1, 1, 1, 1}, []float64{0, 0, math.Inf(1), 0}, nil); !errors.Is(err, ErrNaN) {
		t.Errorf("Inf in x0: %v", err)
	}
	if _, err := CG(ctx, a, []float64{1, 1, 1, 1}, make([]float64, 4), &Options{RTol: -1}); err == nil {
		t.Error("negative RTol accepted")
	}
	if _, err := CG(ctx, a, []float64{1, 1, 1, 1}, make([]float64, 4), &Options{MaxIter: -1}); err == nil {
		t.Error("negative MaxIter accepted")
	}
	for _, o := range []Options{{RTol: math.Inf(1)}, {ATol: math.Inf(1)}, {ATol: math.NaN()}, {Side: 7}, {Orthog: 3}, {Orthog: -1}} {
		if res, err := CG(ctx, a, []float64{1, 1, 1, 1}, make([]float64, 4), &o); !errors.Is(err, ErrOption) || res.Converged {
			t.Errorf("%+v accepted: %+v", o, res)
		}
	}
	// NaN inside the matrix shows up during the iteration.
	coo := sparse.NewCOO(2, 2, 2)
	coo.Append(0, 0, 1)
	coo.Append(1, 1, math.NaN())
	x := make([]float64, 2)
	res, err := CG(ctx, coo.ToCSR(), []float64{1, 1}, x, nil)
	if !errors.Is(err, ErrNaN) || res.Converged {
		t.Errorf("NaN in A: %v %+v", err, res)
	}
	ktMustPanic(t, "len(b)", func() { CG(ctx, a, make([]float64, 3), make([]float64, 4), nil) })
	ktMustPanic(t, "len(x)", func() { CG(ctx, a, make([]float64, 4), make([]float64, 5), nil) })
	ktMustPanic(t, "square", func() { CG(ctx, linop.Dense(mat.NewDense(2, 3, nil)), make([]float64, 2), make([]float64, 3), nil) })
	ktMustPanic(t, "preconditioner", func() {
		CG(ctx, a, make([]float64, 4), make([]float64, 4), &Options{Precond: linop.Identity(3)})
	})
}

// ktMustPanic checks that f panics with a krylov-prefixed message containing
// want.
func ktMustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if r == nil || !strings.HasPrefix(msg, "krylov: ") || !strings.Contains(msg, want) {
			t.Errorf("panic = %v, want a krylov: panic mentioning %q", r, want)
		}
	}()
	f()
}

func TestCGMaxIterHistoryProgress(t *testing.T) {
	A, dense := ktLap2D(20)
	b := ktOnesRHS(A)
	x := make([]float64, 400)
	calls := 0
	res, err := CG(context.Background(), A, b, x, &Options{RTol: 1e-12, MaxIter: 7, History: true,
		Progress: func(it int, rr float64) { calls++ }})
	if !errors.Is(err, ErrNotConverged) || res.Converged || res.Iterations != 7 {
		t.Fatalf("%v %+v", err, res)
	}
	if len(res.History) != 8 || calls != 7 || res.History[0] != ktNorm(b) {
		t.Errorf("history %d entries (want 8), %d progress calls (want 7), h0 = %v", len(res.History), calls, res.History[0])
	}
	ktCheck(t, dense, b, x, res, 1e-12*ktNorm(b))
	if res.MatVecs != 8 {
		t.Errorf("MatVecs = %d, want 7 iterations + 1 final residual", res.MatVecs)
	}
}

func TestCGCancel(t *testing.T) {
	A, _ := ktLap2D(30)
	b := ktOnesRHS(A)
	ctx, cancel := context.WithCancel(context.Background())
	x := make([]float64, 900)
	res, err := CG(ctx, A, b, x, &Options{RTol: 1e-14, Progress: func(it int, _ float64) {
		if it == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || res.Iterations != 3 {
		t.Errorf("err = %v, iterations %d", err, res.Iterations)
	}
	if want := "krylov: CG: cancelled at iteration 3"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want it to start with %q", err, want)
	}
}

// The inner loop allocates nothing: a warm solve allocates the same with 5
// or 50 iterations.
func TestCGAllocations(t *testing.T) {
	skipAllocsUnderRace(t)
	A, _ := ktLap2D(40)
	b := ktOnesRHS(A)
	x := make([]float64, 1600)
	allocs := func(iters int) float64 {
		return testing.AllocsPerRun(5, func() {
			clear(x)
			CG(context.Background(), A, b, x, &Options{RTol: 1e-14, MaxIter: iters, Precond: ktScaling{1600, 0.25}})
		})
	}
	// Slack of 2: a GC during the run empties the vector kernels'
	// sync.Pools, whose refill allocates; a per-iteration allocation
	// would add 45.
	if a5, a50 := allocs(5), allocs(50); a50 > a5+2 {
		t.Errorf("allocations grow with iterations: %v (5 its) vs %v (50 its)", a5, a50)
	}
}

// The fused product q = A p, pᵀq matches A·p bit for bit and its dot
// product does not depend on how many parts run it.
func TestMulDotFused(t *testing.T) {
	A := sparse.Laplacian2D(130, 120) // nnz > sparse.ParallelMinNNZ
	n, _ := A.Dims()
	p := ktVec(n, 11)
	want := make([]float64, n)
	A.MulVecTo(want, p)
	var dots []float64
	for _, parts := range []int{1, 2, 3} {
		m := newMulDot(A)
		m.parts = parts
		m.bounds = make([]int, parts+1)
		nb := len(m.partials)
		for i := range m.bounds {
			m.bounds[i] = nb * i / parts
		}
		q := make([]float64, n)
		dots = append(dots, m.apply(q, p))
		for i := range q {
			if q[i] != want[i] {
				t.Fatalf("parts %d: q[%d] = %v, want %v", parts, i, q[i], want[i])
			}
		}
	}
	if dots[0] != dots[1] || dots[1] != dots[2] {
		t.Errorf("dot depends on the split: %v", dots)
	}
	ref := 0.0
	for i := range p {
		ref += p[i] * want[i]
	}
	if math.Abs(dots[0]-ref) > 1e-12*math.Abs(ref) {
		t.Errorf("pᵀAp = %v, want %v", dots[0], ref)
	}
	// A non-CSR operator takes the generic path.
	m := newMulDot(linop.Identity(3))
	if d := m.apply(make([]float64, 3), []float64{1, 2, 3}); d != 14 {
		t.Errorf("generic pᵀp = %v", d)
	}
}

// ktJacobi is a diagonal preconditioner that exposes its diagonal, as
// precond.Jacobi does, so CG takes its fused path.
type ktJacobi struct{ inv []float64 }

func (j ktJacobi) Dims() (int, int)       { return len(j.inv), len(j.inv) }
func (j ktJacobi) InvDiag() []float64     { return j.inv }
func (j ktJacobi) Apply(dst, x []float64) { linop.Diag(j.inv).Apply(dst, x) }

// The fused diagonal path gives the iterates of the generic path (up to
// the rounding of a different summation order).
func TestCGDiagonalFastPath(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		A    linop.Operator
		d    []float64
	}{
		{"laplacian", sparse.Laplacian2D(40, 30), nil},
		// Well-conditioned: on ill-conditioned systems CG amplifies the
		// different rounding of the two paths (both stay correct).
		{"spd dense", linop.Dense(ktSPD(50, 100, 8)), ktDiag(ktSPD(50, 100, 8))},
	} {
		n, _ := c.A.Dims()
		d := c.d
		if d == nil {
			d = c.A.(*sparse.CSR).Diagonal(nil)
		}
		// A non-constant scaling so that the preconditioner matters.
		inv := ktInverse(d)
		for i := range inv {
			inv[i] *= 1 + 0.5*math.Sin(float64(i))
		}
		b := ktVec(n, 4)
		x1, x2 := make([]float64, n), make([]float64, n)
		o1 := &Options{RTol: 1e-10, Precond: linop.Diag(inv), History: true}
		o2 := &Options{RTol: 1e-10, Precond: ktJacobi{inv}, History: true}
		r1, err1 := CG(ctx, c.A, b, x1, o1)
		r2, err2 := CG(ctx, c.A, b, x2, o2)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", c.name, err1, err2)
		}
		if d := r1.Iterations - r2.Iterations; d < -1 || d > 1 {
			t.Errorf("%s: generic %d iterations, fused %d", c.name, r1.Iterations, r2.Iterations)
		}
		if e := ktRelErr(x2, x1); e > 1e-8 {
			t.Errorf("%s: iterates differ by %.3g", c.name, e)
		}
		for i := 1; i < min(len(r1.History), len(r2.History), 20); i++ {
			if h1, h2 := r1.History[i], r2.History[i]; math.Abs(h1-h2) > 1e-9*h1 {
				t.Errorf("%s: residual %d: %v vs %v", c.name, i, h1, h2)
			}
		}
	}
	// A diagonal with a negative entry is reported as on the generic path.
	A := sparse.Laplacian2D(5, 5)
	inv := make([]float64, 25)
	for i := range inv {
		inv[i] = 0.25
	}
	inv[3] = -1
	_, err := CG(ctx, A, ktOnesRHS(A), make([]float64, 25), &Options{Precond: ktJacobi{inv}})
	if !errors.Is(err, ErrIndefinite) || !strings.Contains(err.Error(), "preconditioner") {
		t.Errorf("indefinite diagonal: %v", err)
	}
}

// Every square solver refuses an x that shares memory with b (an in-place
// solve returned a wrong x from GMRES with Converged = true), whole or in
// part; separate slices of one array are fine.
func TestSolversRefuseAliasedXB(t *testing.T) {
	ctx := context.Background()
	A, _ := ktLap2D(4)
	solvers := map[string]func(b, x []float64){
		"CG":       func(b, x []float64) { CG(ctx, A, b, x, nil) },
		"MINRES":   func(b, x []float64) { MINRES(ctx, A, b, x, nil) },
		"GMRES":    func(b, x []float64) { GMRES(ctx, A, b, x, nil) },
		"FGMRES":   func(b, x []float64) { FGMRES(ctx, A, b, x, nil) },
		"BiCGStab": func(b, x []float64) { BiCGStab(ctx, A, b, x, nil) },
		"IDR(s)":   func(b, x []float64) { IDRS(ctx, A, b, x, nil) },
		"TFQMR":    func(b, x []float64) { TFQMR(ctx, A, b, x, nil) },
		"GCRODR":   func(b, x []float64) { NewGCRODR(16, nil).Solve(ctx, A, b, x, nil) },
	}
	for name, solve := range solvers {
		buf := make([]float64, 40)
		for i := range buf {
			buf[i] = 1
		}
		ktMustPanic(t, name+": x and b share memory", func() { solve(buf[:16], buf[:16]) })
		ktMustPanic(t, name+": x and b share memory", func() { solve(buf[:16], buf[8:24]) })
		solve(buf[:16], buf[16:32]) // adjacent, not overlapping: no panic
	}
}

// A solve refused before it starts (invalid options, NaN in b or x0, an
// operator LSQR cannot transpose) leaves x as given and does not report
// its residual as 0, which would read as solved.
func TestRefusedSolveResidualNotZero(t *testing.T) {
	ctx := context.Background()
	A, _ := ktLap2D(4)
	b := ktOnesRHS(A)
	nanB := slices.Clone(b)
	nanB[3] = math.NaN()
	bad := &Options{RTol: -1}
	type solver func(b, x []float64, o *Options) (Result, error)
	square := map[string]solver{
		"CG":     func(b, x []float64, o *Options) (Result, error) { return CG(ctx, A, b, x, o) },
		"GMRES":  func(b, x []float64, o *Options) (Result, error) { return GMRES(ctx, A, b, x, o) },
		"IDR(s)": func(b, x []float64, o *Options) (Result, error) { return IDRS(ctx, A, b, x, o) },
		"GCRODR": func(b, x []float64, o *Options) (Result, error) { return NewGCRODR(16, nil).Solve(ctx, A, b, x, o) },
	}
	for name, solve := range square {
		for what, call := range map[string]func() (Result, error){
			"invalid options": func() (Result, error) { return solve(b, make([]float64, 16), bad) },
			"NaN in b":        func() (Result, error) { return solve(nanB, make([]float64, 16), nil) },
		} {
			res, err := call()
			if err == nil || res.Converged || !math.IsNaN(res.Residual) || !math.IsNaN(res.RelResidual) {
				t.Errorf("%s, %s: err %v, result %+v; want an error and NaN residuals", name, what, err, res)
			}
		}
	}
	lres, err := LSQR(ctx, linop.Func(4, 4, func(dst, x []float64) { copy(dst, x) }, nil), b[:4], make([]float64, 4), nil)
	if err == nil || !math.IsNaN(lres.RelResidual) {
		t.Errorf("LSQR without ApplyT: err %v, RelResidual %v; want an error and NaN", err, lres.RelResidual)
	}
}
