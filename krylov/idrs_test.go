package krylov

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

func TestIDRSAgainstDense(t *testing.T) {
	ns := ktNonsym(40, 4, 1)
	jac := linop.Diag(ktInverse(ktDiag(ns)))
	_, lap := ktLap2D(8)
	cases := []struct {
		name  string
		dense *mat.Dense
		opt   Options
	}{
		{"nonsym", ns, Options{RTol: 1e-10}},
		{"nonsym s=1", ns, Options{RTol: 1e-10, Shadow: 1}},
		{"nonsym s=8", ns, Options{RTol: 1e-10, Shadow: 8}},
		{"nonsym s=n", ns, Options{RTol: 1e-10, Shadow: 40}},
		{"nonsym jacobi", ns, Options{RTol: 1e-10, Precond: jac}},
		{"spd", ktSPD(30, 100, 2), Options{RTol: 1e-10}},
		{"symmetric indefinite", ktSymIndef(30, 4), Options{RTol: 1e-10}},
		{"laplacian", lap, Options{RTol: 1e-10}},
		{"ill-conditioned", ktSPD(30, 1e5, 3), Options{RTol: 1e-8}},
		{"1x1", mat.NewDense(1, 1, []float64{5}), Options{RTol: 1e-10, Shadow: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, _ := c.dense.Dims()
			b := ktVec(n, 6)
			x := make([]float64, n)
			o := c.opt
			o.History = true
			res, err := IDRS(context.Background(), linop.Dense(c.dense), b, x, &o)
			if err != nil {
				t.Fatalf("%v %+v", err, res)
			}
			ktSolved(t, c.dense, b, x, ktDenseSolve(t, c.dense, b), res, o.RTol)
			// One product per iteration, plus true-residual checks.
			if len(res.History) != res.Iterations+1 || res.MatVecs < res.Iterations || res.MatVecs > res.Iterations+4 {
				t.Errorf("history %d, iterations %d, products %d", len(res.History), res.Iterations, res.MatVecs)
			}
		})
	}
}

// TestIDRSFiniteTermination: in exact arithmetic IDR(s) solves an n×n
// system in at most n + n/s products. On a well-conditioned nonsymmetric
// 40×40 matrix it must get to 1e-10 within that budget plus rounding's
// slack (a quarter more), for every s.
func TestIDRSFiniteTermination(t *testing.T) {
	const n = 40
	A := ktNonsym(n, 6, 11)
	b := ktVec(n, 12)
	for _, s := range []int{1, 2, 4, 8} {
		x := make([]float64, n)
		res, err := IDRS(context.Background(), linop.Dense(A), b, x, &Options{RTol: 1e-10, Shadow: s})
		if err != nil {
			t.Fatalf("s=%d: %v", s, err)
		}
		if budget := (n + n/s) * 5 / 4; res.Iterations > budget {
			t.Errorf("s=%d: %d products, exact-arithmetic bound %d (+25%%)", s, res.Iterations, n+n/s)
		}
	}
}

// TestIDRSBeatsBiCGStab: on a nonsymmetric convection–diffusion problem
// IDR(4) needs fewer products than BiCGStab (IDR(1)), the reason to have
// it: the authors' examples show 30–50% fewer.
func TestIDRSBeatsBiCGStab(t *testing.T) {
	const g = 40
	A := sparse.ConvectionDiffusion2D(g, g, 0.3)
	b := ktOnesRHS(A)
	n := g * g
	x := make([]float64, n)
	ri, err := IDRS(context.Background(), A, b, x, &Options{RTol: 1e-8})
	if err != nil {
		t.Fatal(err)
	}
	clear(x)
	rb, err := BiCGStab(context.Background(), A, b, x, &Options{RTol: 1e-8})
	if err != nil {
		t.Fatal(err)
	}
	if ri.MatVecs >= rb.MatVecs {
		t.Errorf("IDR(4) %d products, BiCGStab %d", ri.MatVecs, rb.MatVecs)
	}
	t.Logf("IDR(4) %d products, BiCGStab %d", ri.MatVecs, rb.MatVecs)
}

func TestIDRSSpecialInputs(t *testing.T) {
	ctx := context.Background()
	A := linop.Dense(ktNonsym(10, 4, 2))
	b := ktVec(10, 3)
	// b = 0: x = 0 exactly.
	x := ktVec(10, 4)
	res, err := IDRS(ctx, A, make([]float64, 10), x, nil)
	if err != nil || !res.Converged || !isZero(x) {
		t.Errorf("b = 0: %v %+v %v", err, res, x)
	}
	// NaN in b.
	bad := append([]float64(nil), b...)
	bad[3] = math.NaN()
	if _, err := IDRS(ctx, A, bad, make([]float64, 10), nil); !errors.Is(err, ErrNaN) {
		t.Errorf("NaN b: %v", err)
	}
	// Shadow out of range.
	for _, s := range []int{-1, 11} {
		// x is left as given: its residual is not computed (NaN, not 0).
		if res, err := IDRS(ctx, A, b, make([]float64, 10), &Options{Shadow: s}); err == nil ||
			!math.IsNaN(res.Residual) || !math.IsNaN(res.RelResidual) {
			t.Errorf("Shadow %d: %v %+v", s, err, res)
		}
	}
	// Iteration limit.
	res, err = IDRS(ctx, A, b, make([]float64, 10), &Options{RTol: 1e-14, MaxIter: 3})
	if !errors.Is(err, ErrNotConverged) || res.Iterations != 3 || res.Converged {
		t.Errorf("MaxIter 3: %v %+v", err, res)
	}
	// Initial guess: the residuals are those from x0.
	x0 := ktDenseSolve(t, ktNonsym(10, 4, 2), b)
	res, err = IDRS(ctx, A, b, x0, nil)
	if err != nil || res.Iterations != 0 || !res.Converged {
		t.Errorf("exact x0: %v %+v", err, res)
	}
	// Cancellation.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, lap := ktLap2D(10)
	if _, err := IDRS(cctx, linop.Dense(lap), ktVec(100, 1), make([]float64, 100), &Options{RTol: 1e-12}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// A singular matrix whose range misses b: the solve ends with an
	// error (breakdown or not converged), never NaN.
	sing := mat.NewDense(3, 3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 0})
	xs := make([]float64, 3)
	_, err = IDRS(ctx, linop.Dense(sing), []float64{1, 1, 1}, xs, &Options{RTol: 1e-10, MaxIter: 200})
	if err == nil || errors.Is(err, ErrNaN) {
		t.Errorf("singular: %v", err)
	}
	if _, bad := hasNaN(xs); bad {
		t.Errorf("singular: NaN in x %v", xs)
	}
	// The 2×2 rotation: r₀ᵀ A r₀ = 0, BiCGStab's classic breakdown.
	rot := mat.NewDense(2, 2, []float64{0, 1, -1, 0})
	for _, s := range []int{1, 2} {
		xr := make([]float64, 2)
		res, err := IDRS(ctx, linop.Dense(rot), []float64{1, 0}, xr, &Options{RTol: 1e-12, Shadow: s})
		if _, nan := hasNaN(xr); nan || (err != nil && !errors.Is(err, ErrBreakdown)) {
			t.Errorf("rotation s=%d: %v %+v %v", s, err, res, xr)
		}
		if err == nil {
			ktCheck(t, rot, []float64{1, 0}, xr, res, 1e-12)
		}
	}
}

// A zero pivot (here A·u = 0 on a singular A) comes after a product
// but no step: that iteration counts, in History and Progress as in
// Iterations, both when it restarts the method and when it stops it.
// The first case is exact in any arithmetic (b spans A's null space, so
// g = A·r = 0 at once): it must stop with the breakdown. The second
// restarts once and then breaks down where products are rounded one by
// one (amd64); where the compiler fuses them into FMAs (arm64) A·u is
// 1e-16 instead of 0 and the solve ends stagnated instead. Either way
// the accounting must hold.
func TestIDRSBreakdownHistory(t *testing.T) {
	for _, c := range []struct {
		name      string
		a         []float64
		b         []float64
		breakdown bool
	}{
		{"b in the null space", []float64{2, 1, 0, 0, 1, 0, 0, 0, 0}, []float64{0, 0, 1}, true},
		{"restart, then the pivot", []float64{-1, 2, -2, 1, -1, 1, 2, 1, -1}, []float64{0, -2, 2}, false},
	} {
		a := mat.NewDense(3, 3, c.a)
		calls := 0
		x := make([]float64, 3)
		res, err := IDRS(context.Background(), linop.Dense(a), c.b, x,
			&Options{Shadow: 2, RTol: 1e-10, History: true, Progress: func(int, float64) { calls++ }})
		if errors.Is(err, ErrBreakdown) {
			if !strings.Contains(err.Error(), fmt.Sprintf("at iteration %d:", res.Iterations)) {
				t.Errorf("%s: err = %v, %+v", c.name, err, res)
			}
		} else if c.breakdown || err == nil {
			t.Errorf("%s: err = %v, want a breakdown, %+v", c.name, err, res)
		}
		if len(res.History) != res.Iterations+1 || calls != res.Iterations {
			t.Errorf("%s: %d iterations, %d History entries, %d progress calls", c.name, res.Iterations, len(res.History), calls)
		}
		ktCheck(t, a, c.b, x, res, 1e-10*ktNorm(c.b))
	}
}

func TestIDRSAllocations(t *testing.T) { ktAllocsFlat(t, IDRS) }

func ExampleIDRS() {
	A := linop.Dense(mat.NewDense(3, 3, []float64{4, 1, 0, -1, 4, 1, 0, -1, 4}))
	b := []float64{5, 4, 3} // A·1
	x := make([]float64, 3)
	res, err := IDRS(context.Background(), A, b, x, &Options{RTol: 1e-12, Shadow: 2})
	fmt.Printf("%v %.6f %.6f %.6f %v\n", err, x[0], x[1], x[2], res.Converged)
	// Output: <nil> 1.000000 1.000000 1.000000 true
}

// At MaxIter, IDR(s) reports the true residual of the x it returns, not
// its recurrence's estimate (on this badly scaled matrix they differ by
// two orders of magnitude), and counts the product that computed it.
func TestIDRSMaxIterTrueResidual(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 20
	d := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d.Set(i, j, rng.NormFloat64()*math.Pow(10, float64(i%8))) // rows scaled 1..1e7
		}
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	A := linop.Dense(d)
	x := make([]float64, n)
	res, err := IDRS(context.Background(), A, b, x, &Options{RTol: 1e-12, MaxIter: 60})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
	r := make([]float64, n)
	A.Apply(r, x)
	floats.Sub(r, b)
	want := floats.Norm(r, 2) / floats.Norm(b, 2)
	if math.Abs(res.RelResidual-want) > 1e-6*want {
		t.Errorf("RelResidual %.6g, true ‖b − A x‖/‖b‖ %.6g", res.RelResidual, want)
	}
	if res.MatVecs <= res.Iterations {
		t.Errorf("MatVecs %d ≤ Iterations %d: no product for the true residual", res.MatVecs, res.Iterations)
	}
}
