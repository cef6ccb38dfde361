package krylov

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
)

func TestMINRESAgainstDense(t *testing.T) {
	ind := ktSymIndef(40, 5)
	absJac := ktDiag(ind)
	for i, v := range absJac {
		absJac[i] = 1 / math.Abs(v)
	}
	_, lap := ktLap2D(8)
	lam := make([]float64, 30)
	for i := range lam {
		lam[i] = math.Pow(1e6, float64(i)/29)
		if i%3 == 0 {
			lam[i] = -lam[i]
		}
	}
	illInd := ktWithEigen(lam, 7)
	cases := []struct {
		name  string
		dense *mat.Dense
		opt   Options
	}{
		{"spd", ktSPD(30, 100, 1), Options{RTol: 1e-10}},
		{"symmetric indefinite", ind, Options{RTol: 1e-10}},
		{"symmetric indefinite |jacobi|", ind, Options{RTol: 1e-10, Precond: linop.Diag(absJac)}},
		// MINRES's attainable accuracy is about κ·ε worse than GMRES's
		// (Sleijpen, van der Vorst & Modersitzki 2000): with κ = 1e6 it
		// stagnates near 1e-7, so ask for 1e-6.
		{"ill-conditioned indefinite", illInd, Options{RTol: 1e-6}},
		{"laplacian jacobi", lap, Options{RTol: 1e-10, Precond: linop.Diag(ktInverse(ktDiag(lap)))}},
		{"1x1 negative", mat.NewDense(1, 1, []float64{-4}), Options{RTol: 1e-10}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, _ := c.dense.Dims()
			b := ktVec(n, 4)
			x := make([]float64, n)
			o := c.opt
			o.History = true
			res, err := MINRES(context.Background(), linop.Dense(c.dense), b, x, &o)
			if err != nil {
				t.Fatalf("%v %+v", err, res)
			}
			ktCheck(t, c.dense, b, x, res, o.RTol*ktNorm(b))
			if !res.Converged {
				t.Errorf("not converged: %+v", res)
			}
			if e, bound := ktRelErr(x, ktDenseSolve(t, c.dense, b)), 10*ktCond(c.dense)*math.Max(res.RelResidual, 1e-15); e > bound {
				t.Errorf("error %.3g > %.3g", e, bound)
			}
			// The MINRES residual (in the M-norm) never increases.
			h := res.History
			for i := 2; i < len(h); i++ {
				if h[i] > h[i-1]*(1+1e-12) {
					t.Errorf("residual estimate increased at %d: %.6g > %.6g", i, h[i], h[i-1])
				}
			}
		})
	}
}

// singularSym returns Q diag(λ) Qᵀ with λ = ±[1,5] and zeros in nullity
// places, and its pseudo-inverse.
func singularSym(n, nullity int, seed uint64) (*mat.Dense, *mat.Dense) {
	lam := make([]float64, n)
	inv := make([]float64, n)
	for i := nullity; i < n; i++ {
		lam[i] = 1 + 4*float64(i)/float64(n)
		if i%2 == 0 {
			lam[i] = -lam[i]
		}
		inv[i] = 1 / lam[i]
	}
	return ktWithEigen(lam, seed), ktWithEigen(inv, seed)
}

func TestMINRESSingular(t *testing.T) {
	a, pinv := singularSym(20, 3, 3)
	// Compatible b = A z: MINRES from x0 = 0 stays in range(A) and
	// converges to the minimum-norm solution A⁺b.
	var bv mat.VecDense
	bv.MulVec(a, mat.NewVecDense(20, ktVec(20, 1)))
	b := bv.RawVector().Data
	var want mat.VecDense
	want.MulVec(pinv, mat.NewVecDense(20, b))
	x := make([]float64, 20)
	res, err := MINRES(context.Background(), linop.Dense(a), b, x, &Options{RTol: 1e-12})
	if err != nil {
		t.Fatalf("compatible: %v", err)
	}
	if e := ktRelErr(x, want.RawVector().Data); e > 1e-9 {
		t.Errorf("compatible: distance to A⁺b %.3g (%+v)", e, res)
	}
	// Incompatible b: stops with a least-squares solution, reported as not
	// converged; it satisfies the normal equations Aᵀ(b − A x) ≈ 0.
	b = ktVec(20, 2)
	x = make([]float64, 20)
	res, err = MINRES(context.Background(), linop.Dense(a), b, x, &Options{RTol: 1e-10})
	if !errors.Is(err, ErrNotConverged) || !strings.Contains(res.Reason, "least-squares") {
		t.Fatalf("incompatible: %v, %+v", err, res)
	}
	ktCheck(t, a, b, x, res, 1e-10*ktNorm(b))
	var r, ar mat.VecDense
	r.MulVec(a, mat.NewVecDense(20, x))
	r.SubVec(mat.NewVecDense(20, b), &r)
	ar.MulVec(a, &r)
	if v := floats.Norm(ar.RawVector().Data, 2) / (mat.Norm(a, 2) * floats.Norm(r.RawVector().Data, 2)); v > 1e-10 {
		t.Errorf("incompatible: ‖Ar‖/(‖A‖‖r‖) = %.3g", v)
	}
	if res.Iterations > 40 {
		t.Errorf("incompatible: %d iterations", res.Iterations)
	}
}

func TestMINRESBadInput(t *testing.T) {
	ctx := context.Background()
	res, err := MINRES(ctx, linop.Dense(&mat.Dense{}), nil, nil, nil)
	if err != nil || !res.Converged {
		t.Errorf("0×0: %+v %v", res, err)
	}
	a := ktSymIndef(8, 1)
	x := ktVec(8, 2)
	if res, err := MINRES(ctx, linop.Dense(a), make([]float64, 8), x, nil); err != nil || !res.Converged || !isZero(x) {
		t.Errorf("b = 0: %+v %v", res, err)
	}
	b := ktVec(8, 3)
	x = ktDenseSolve(t, a, b)
	if res, err := MINRES(ctx, linop.Dense(a), b, x, nil); err != nil || res.Iterations != 0 {
		t.Errorf("x0 exact: %+v %v", res, err)
	}
	neg := []float64{1, 1, 1, -1, 1, 1, 1, 1}
	if _, err := MINRES(ctx, linop.Dense(a), b, make([]float64, 8), &Options{Precond: linop.Diag(neg)}); !errors.Is(err, ErrIndefinite) ||
		!strings.Contains(err.Error(), "preconditioner") {
		t.Errorf("indefinite preconditioner: %v", err)
	}
	// A singular preconditioner with rᵀMr = 0 for r₀ = b ≠ 0: not
	// positive definite, reported as such (it was a division by β₁ = 0
	// and an ErrNaN).
	xs := make([]float64, 2)
	if res, err := MINRES(ctx, linop.Identity(2), []float64{0, 1}, xs, &Options{Precond: linop.Diag([]float64{1, 0})}); !errors.Is(err, ErrIndefinite) ||
		!strings.Contains(err.Error(), "preconditioner") || res.Converged || xs[0] != 0 || xs[1] != 0 {
		t.Errorf("singular preconditioner: %+v %v, x = %v", res, err, xs)
	}
	if _, err := MINRES(ctx, linop.Dense(a), []float64{math.Inf(-1), 0, 0, 0, 0, 0, 0, 0}, make([]float64, 8), nil); !errors.Is(err, ErrNaN) {
		t.Errorf("Inf b: %v", err)
	}
	nanOp := linop.Func(2, 2, func(dst, x []float64) { dst[0], dst[1] = math.NaN(), x[1] }, nil)
	if _, err := MINRES(ctx, nanOp, []float64{1, 1}, make([]float64, 2), nil); !errors.Is(err, ErrNaN) {
		t.Errorf("NaN operator: %v", err)
	}
	ktMustPanic(t, "len(b)", func() { MINRES(ctx, linop.Dense(a), b[:3], make([]float64, 8), nil) })
	A, dense := ktLap2D(15)
	bl := ktOnesRHS(A)
	xl := make([]float64, 225)
	res, err = MINRES(ctx, A, bl, xl, &Options{RTol: 1e-13, MaxIter: 6})
	if !errors.Is(err, ErrNotConverged) || res.Iterations != 6 {
		t.Errorf("max iter: %+v %v", res, err)
	}
	ktCheck(t, dense, bl, xl, res, 1e-13*ktNorm(bl))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := MINRES(cctx, A, bl, make([]float64, 225), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}
}

func TestMINRESAllocations(t *testing.T) { ktAllocsFlat(t, MINRES) }

// Incompatible singular systems of several conditionings: MINRES stops
// with a least-squares solution (normal-equation residual small, x not
// blown up), never with a growing x.
func TestMINRESIncompatibleFamily(t *testing.T) {
	for _, kap := range []float64{1, 1e2, 1e4} {
		for _, null := range []int{1, 3, 7} {
			for seed := uint64(1); seed <= 3; seed++ {
				n := 40
				lam := make([]float64, n)
				for i := null; i < n; i++ {
					lam[i] = math.Pow(kap, float64(i-null)/float64(n-null-1))
					if i%2 == 0 {
						lam[i] = -lam[i]
					}
				}
				a := ktWithEigen(lam, seed)
				b := ktVec(n, 12+seed)
				x := make([]float64, n)
				res, err := MINRES(context.Background(), linop.Dense(a), b, x, &Options{RTol: 1e-10, MaxIter: 2000})
				if !errors.Is(err, ErrNotConverged) || !strings.Contains(res.Reason, "least-squares") {
					t.Errorf("κ %g nullity %d: %v %q", kap, null, err, res.Reason)
					continue
				}
				var r, ar mat.VecDense
				r.MulVec(a, mat.NewVecDense(n, x))
				r.SubVec(mat.NewVecDense(n, b), &r)
				ar.MulVec(a, &r)
				// Backward error of the least-squares solution: the stop is
				// at √ε ≈ 1.5e-8 of the recurrence estimate (relative to
				// its Frobenius estimate of ‖A‖); 1e-6 leaves room for the
				// gap between estimate and true value.
				if v := floats.Norm(ar.RawVector().Data, 2) / (mat.Norm(a, 2) * floats.Norm(r.RawVector().Data, 2)); v > 1e-6 {
					t.Errorf("κ %g nullity %d: ‖Ar‖/(‖A‖‖r‖) = %.3g", kap, null, v)
				}
				if xn := floats.Norm(x, 2); xn > 10*kap*floats.Norm(b, 2) {
					t.Errorf("κ %g nullity %d: ‖x‖ = %.3g has grown", kap, null, xn)
				}
			}
		}
	}
}
