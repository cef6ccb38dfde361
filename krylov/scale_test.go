package krylov

import (
	"context"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// scaleFactors are the factors the scale-invariance tests multiply A (and b) by.
var scaleFactors = []float64{1e-150, 1e-100, 1e-20, 1e-8, 1e8, 1e20, 1e100, 1e150}

// LSMR's estimate of cond(Ā) seeded max ρ̄ with the initial ρ̄ = 1 (as
// SciPy and Fong–Saunders' code do): cond(Ā) ≥ 1/min ρ̄ ≈ 1/‖A‖, so on
// s·A with s ≲ 1e-9 (until the 2^−300 rescaling kicks in) LSMR stopped at
// iteration 1 by rule 3 ("cond(A) exceeded ConLim", cond ≈ 1e19 at
// s = 1e-20) for a well-conditioned A. A x = b and s·A x = b (damping
// scaled with A) must take the same iterations and stop by the same rule.
func TestLSScaledOperator(t *testing.T) {
	const m, n = 200, 120
	c := sparse.NewCOO(m, n, 3*m)
	for i := 0; i < m; i++ {
		c.Append(i, i%n, 2+float64(i%5))
		c.Append(i, (i*7+3)%n, 1-0.3*float64(i%4))
		c.Append(i, (i*13+5)%n, 0.5)
	}
	A0 := c.ToCSR()
	b := make([]float64, m)
	for i := range b {
		b[i] = 1 + float64(i%7) + 0.1*float64(i%3)
	}
	for _, ls := range []struct {
		name  string
		solve func(context.Context, linop.Operator, []float64, []float64, *LSOptions) (LSResult, error)
	}{{"LSQR", LSQR}, {"LSMR", LSMR}} {
		for _, damp := range []float64{0, 0.5} {
			run := func(s float64) LSResult {
				x := make([]float64, n)
				res, err := ls.solve(context.Background(), sparse.Add(s, A0, 0, A0), b, x, &LSOptions{Damp: damp * s})
				if err != nil {
					t.Errorf("%s damp %g, A scaled by %g: %v", ls.name, damp, s, err)
				}
				return res
			}
			base := run(1)
			for _, s := range scaleFactors {
				res := run(s)
				if d := res.Iterations - base.Iterations; d < -1 || d > 1 || res.Stop != base.Stop {
					t.Errorf("%s damp %g, A scaled by %g: %d iterations, stop %d (cond %.3g); unscaled %d, stop %d (cond %.3g)",
						ls.name, damp, s, res.Iterations, res.Stop, res.CondA, base.Iterations, base.Stop, base.CondA)
				}
			}
		}
	}
}

// BiCGStab, IDR(s) and TFQMR test breakdowns with squared norms of
// A-images, ‖A·p‖² (fused √Σ kernels). Rescaling brings only b to O(1),
// so these squares are about ‖A‖²‖b‖² and leave the float64 range when
// ‖A‖·‖b‖ is beyond ~1e±154: TFQMR on 1e150·A (b ~ 1) returns ErrNaN
// ("A·M·u is not finite") once its CGS residual grows; BiCGStab and IDR(s)
// on 1e150·A with ‖b‖ ~ 1e9 return ErrNaN, and on 1e-150·A with ‖b‖ ~ 1e-7
// report a breakdown "tᵀt = 0 … A is singular". Every solver must solve
// s_A·A x = s_b·b in the iterations of A x = b (±1).
func TestSquaredNormsOfOperatorImages(t *testing.T) {
	A0 := sparse.ConvectionDiffusion2D(12, 12, 0.5)
	n, _ := A0.Dims()
	b0 := make([]float64, n)
	for i := range b0 {
		b0[i] = 1 + float64(i%7) + 0.1*float64(i%3)
	}
	pairs := [][2]float64{{1e150, 1}, {1e150, 1e8}, {1e150, 1e20}, {1e-150, 1e-8}, {1e-150, 1e-20}}
	for _, s := range []struct {
		name  string
		solve solverFunc
	}{
		{"BiCGStab", BiCGStab}, {"IDR(s)", IDRS}, {"TFQMR", TFQMR},
	} {
		run := func(sA, sb float64) (Result, error) {
			b := make([]float64, n)
			for i, v := range b0 {
				b[i] = sb * v
			}
			x := make([]float64, n)
			return s.solve(context.Background(), sparse.Add(sA, A0, 0, A0), b, x, &Options{RTol: 1e-8})
		}
		base, err := run(1, 1)
		if err != nil {
			t.Fatalf("%s unscaled: %v", s.name, err)
		}
		for _, p := range pairs {
			t.Run(fmt.Sprintf("%s/A×%g/b×%g", s.name, p[0], p[1]), func(t *testing.T) {
				res, err := run(p[0], p[1])
				if err != nil || !res.Converged {
					t.Fatalf("%v (%d iterations)", err, res.Iterations)
				}
				if d := res.Iterations - base.Iterations; d < -1 || d > 1 {
					t.Errorf("%d iterations, %d unscaled", res.Iterations, base.Iterations)
				}
			})
		}
	}
}

// largestEigvecs replaces an exactly zero pivot of H − λI by
// ε·‖H‖ (it was max(‖H‖, 1)·ε, an absolute floor when ‖H‖ < 1). On
// s·T (T upper triangular, so the computed eigenvalues are its diagonal
// and H − λI has an exact zero pivot) the vectors returned for s = 1e-20
// were not eigenvectors (‖E P − P T‖/‖E P‖ ≈ 0.1 instead of 1e-32). The
// harmonic Ritz matrix of GCRO-DR scales like 1/‖A‖, so this is A large.
func TestLargestEigvecsScaled(t *testing.T) {
	const n, k = 5, 3
	for _, s := range append([]float64{1}, scaleFactors...) {
		E := mat.NewDense(n, n, nil)
		for i := range n {
			for j := i + 1; j < n; j++ {
				E.Set(i, j, s*float64(1+i+2*j))
			}
			E.Set(i, i, s*float64(n-i))
		}
		P, kn := largestEigvecs(E.RawMatrix(), k, nil)
		if kn != k {
			t.Errorf("s = %g: %d vectors, want %d", s, kn, k)
			continue
		}
		Pk := P.Slice(0, n, 0, kn)
		var EP, proj, res mat.Dense
		EP.Mul(E, Pk)
		var qr mat.QR
		qr.Factorize(Pk)
		var Q mat.Dense
		qr.QTo(&Q)
		Qk := Q.Slice(0, n, 0, kn)
		proj.Mul(Qk.T(), &EP)
		res.Mul(Qk, &proj)
		res.Sub(&EP, &res)
		if r := mat.Norm(&res, 2) / mat.Norm(&EP, 2); r > 1e-12 {
			t.Errorf("s = %g: ‖E·P − proj‖/‖E·P‖ = %.3g: not an invariant subspace", s, r)
		}
	}
}
