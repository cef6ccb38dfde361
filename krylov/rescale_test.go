package krylov

import (
	"context"
	"fmt"
	"math"
	"testing"

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
	square := []struct {
		name  string
		solve solverFunc
	}{
		{"CG", CG}, {"MINRES", MINRES}, {"GMRES", GMRES}, {"FGMRES", FGMRES},
		{"BiCGStab", BiCGStab}, {"IDRS", IDRS}, {"TFQMR", TFQMR},
		{"GCRODR", func(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
			return NewGCRODR(10, &GCRODROptions{M: 6, K: 2}).Solve(ctx, A, b, x, o)
		}},
	}
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
