package krylov

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// The SuiteSparse matrices in testdata/matrices (see its README), with
// b = A·1. For nonsingular matrices x must approach 1 within the
// perturbation bound cond(A)·(relative residual); for the singular ones
// (bcspwr05, gent113: b is in the range) only the residual is checked.
func TestRealMatrices(t *testing.T) {
	type run struct {
		method string
		solve  solverFunc
		opt    Options
	}
	jac := func(A *sparse.CSR) linop.Operator {
		d := A.Diagonal(nil)
		return linop.Diag(ktInverse(d))
	}
	cases := []struct {
		file     string
		singular bool
		runs     func(A *sparse.CSR) []run
	}{
		{"494_bus.mtx", false, func(A *sparse.CSR) []run {
			return []run{
				{"CG", CG, Options{RTol: 1e-8}},
				{"CG jacobi", CG, Options{RTol: 1e-8, Precond: jac(A)}},
				{"MINRES jacobi", MINRES, Options{RTol: 1e-8, Precond: jac(A)}},
				{"BiCGStab", BiCGStab, Options{RTol: 1e-8}},
				{"full GMRES jacobi", GMRES, Options{RTol: 1e-8, Restart: 494, Precond: jac(A)}},
			}
		}},
		{"pts5ldd03.mtx", false, func(A *sparse.CSR) []run {
			return []run{
				{"CG", CG, Options{RTol: 1e-10}},
				{"MINRES", MINRES, Options{RTol: 1e-10}},
				{"GMRES", GMRES, Options{RTol: 1e-10}},
				{"FGMRES jacobi", FGMRES, Options{RTol: 1e-10, Precond: jac(A)}},
				{"BiCGStab", BiCGStab, Options{RTol: 1e-10}},
				{"IDR(4)", IDRS, Options{RTol: 1e-10}},
			}
		}},
		{"can___24.mtx", false, func(A *sparse.CSR) []run {
			return []run{
				{"MINRES", MINRES, Options{RTol: 1e-10}},
				{"GMRES", GMRES, Options{RTol: 1e-10}},
				{"BiCGStab", BiCGStab, Options{RTol: 1e-10}},
			}
		}},
		{"cage5.mtx", false, func(A *sparse.CSR) []run {
			return []run{
				{"GMRES", GMRES, Options{RTol: 1e-10}},
				{"GMRES left jacobi", GMRES, Options{RTol: 1e-10, Precond: jac(A), Side: Left}},
				{"BiCGStab jacobi", BiCGStab, Options{RTol: 1e-10, Precond: jac(A)}},
				{"IDR(4) jacobi", IDRS, Options{RTol: 1e-10, Precond: jac(A)}},
			}
		}},
		// GMRES(30) stagnates on west0067 (as SciPy's and PETSc's do);
		// full GMRES solves it.
		{"west0067.mtx", false, func(A *sparse.CSR) []run {
			return []run{{"GMRES(67)", GMRES, Options{RTol: 1e-10, Restart: 67}}}
		}},
		{"bcspwr05.mtx", true, func(A *sparse.CSR) []run {
			return []run{{"MINRES", MINRES, Options{RTol: 1e-8}}}
		}},
		{"gent113.mtx", true, func(A *sparse.CSR) []run {
			return []run{{"GMRES", GMRES, Options{RTol: 1e-8, MaxIter: 5000}}}
		}},
	}
	for _, c := range cases {
		A, err := sparse.LoadMM(filepath.Join("..", "testdata", "matrices", c.file))
		if err != nil {
			t.Fatal(err)
		}
		dense := A.ToDense()
		b := ktOnesRHS(A)
		n, _ := A.Dims()
		one := make([]float64, n)
		for i := range one {
			one[i] = 1
		}
		cond := math.Inf(1)
		if !c.singular {
			cond = ktCond(dense)
		}
		for _, r := range c.runs(A) {
			t.Run(c.file+"/"+r.method, func(t *testing.T) {
				x := make([]float64, n)
				o := r.opt
				res, err := r.solve(context.Background(), A, b, x, &o)
				if err != nil {
					t.Fatalf("%v (%+v)", err, res)
				}
				ktCheck(t, dense, b, x, res, o.RTol*ktNorm(b))
				if !res.Converged || res.RelResidual > o.RTol {
					t.Errorf("%+v", res)
				}
				if !c.singular {
					if e, bound := ktRelErr(x, one), 10*cond*res.RelResidual; e > bound {
						t.Errorf("‖x − 1‖/‖1‖ = %.3g > cond·relres·10 = %.3g", e, bound)
					}
				}
			})
		}
	}
}
