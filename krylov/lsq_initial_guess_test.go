package krylov

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
)

// An initial guess far from the solution, with A, b and x₀ in range, can
// make β₁ = ‖b − A x₀‖ exceed 2^300 (its square overflowing in the
// estimates), or A x₀ itself overflow. That is finite input (the
// analogue of TestGMRESHugeInitialResidual): LSQR and LSMR must iterate
// from x₀ and report the true residual and ‖x‖ of what they return, not
// refuse it as ErrNaN. Scaling A, the restart that α and λ ask for,
// leaves β₁ unchanged; b and x₀ have to be scaled. Found by a randomized
// comparison with SciPy (A of entries near 1e299 with x₀ of order 1:
// "residual estimate is NaN at iteration 0"; ‖A‖ ≈ 1 with x₀ = 1e160:
// "+Inf at iteration 1").
func TestLSHugeInitialResidual(t *testing.T) {
	base := ktRankMatrix(8, 5, 5, 10, 11)
	scaled := func(s float64) *mat.Dense {
		var c mat.Dense
		c.Scale(s, base)
		return &c
	}
	fill := func(n int, v float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = v * float64(1+i%3)
		}
		return x
	}
	b := ktVec(8, 3)
	cases := []struct {
		name string
		a    *mat.Dense
		x0   []float64
	}{
		{"A ≈ 1, x0 = 1e160", base, fill(5, 1e160)},
		{"A ≈ 1, x0 = 1e300", base, fill(5, 1e300)},
		{"A ≈ 16, A x0 overflows", scaled(16), fill(5, 5e307)},
		{"A ≈ 1e160, x0 ≈ 1", scaled(1e160), fill(5, 1)},
		{"A ≈ 1e299, x0 ≈ 1", scaled(1e299), fill(5, 1)},
		{"A ≈ 1e100, x0 = 1e100", scaled(1e100), fill(5, 1e100)},
	}
	ctx := context.Background()
	for _, s := range lsSolvers {
		for _, c := range cases {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				checkLSHugeInitial(t, ctx, s.solve, c.a, b, c.x0)
			})
		}
	}
}

func checkLSHugeInitial(t *testing.T, ctx context.Context, solve lsSolver, a *mat.Dense, b, x0 []float64) {
	t.Helper()
	x := append([]float64(nil), x0...)
	res, err := solve(ctx, linop.Dense(a), b, x, &LSOptions{ATol: 1e-10, BTol: 1e-10})
	if errors.Is(err, ErrNaN) {
		t.Fatalf("ErrNaN for finite input: %v", err)
	}
	if err != nil || !res.Converged {
		t.Fatalf("%v, %+v", err, res)
	}
	// The true ‖b − A x‖ and ‖x‖, summed scaled: their squares overflow.
	m, n := a.Dims()
	ka := ktMaxExp(a)
	kx := 0
	for _, v := range x {
		_, e := math.Frexp(v)
		kx = max(kx, e)
	}
	r := make([]float64, m)
	for i := range r {
		s := 0.0
		for j := 0; j < n; j++ {
			s += math.Ldexp(a.At(i, j), -ka) * math.Ldexp(x[j], -kx)
		}
		r[i] = math.Ldexp(b[i], -ka-kx) - s
	}
	rn := math.Ldexp(mat.Norm(mat.NewVecDense(m, r), 2), ka+kx)
	if !(math.Abs(res.Residual-rn) <= 1e-6*rn) {
		t.Errorf("Residual %g, recomputed %g", res.Residual, rn)
	}
	xs := make([]float64, n)
	for i, v := range x {
		xs[i] = math.Ldexp(v, -kx)
	}
	if nx := math.Ldexp(mat.Norm(mat.NewVecDense(n, xs), 2), kx); !(math.Abs(res.NormX-nx) <= 1e-12*nx) {
		t.Errorf("NormX %g, ‖x‖ %g", res.NormX, nx)
	}
	// Rule 1 or 2, relative to ‖b − A x₀‖ (see LSOptions), to rounding:
	// the accuracy of x = x₀ + (x − x₀) is that of x₀'s last bits.
	if res.Stop != 1 && res.Stop != 2 && res.Stop != 4 && res.Stop != 5 {
		t.Errorf("stop %d", res.Stop)
	}
}
