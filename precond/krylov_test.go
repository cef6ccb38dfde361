package precond_test

import (
	"context"
	"testing"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// solveIters runs solver with preconditioner M and returns the iteration
// count, failing unless it converged.
func solveIters(t *testing.T, name string, solver func(context.Context, linop.Operator, []float64, []float64, *krylov.Options) (krylov.Result, error),
	A *sparse.CSR, M linop.Operator, rtol float64) int {
	t.Helper()
	n, _ := A.Dims()
	b := randVec(42, n)
	x := make([]float64, n)
	res, err := solver(context.Background(), A, b, x, &krylov.Options{RTol: rtol, Precond: M, MaxIter: 10 * n})
	if err != nil || !res.Converged {
		t.Fatalf("%s: %v (converged %v, %d iterations)", name, err, res.Converged, res.Iterations)
	}
	if res.RelResidual > rtol {
		t.Fatalf("%s: relative residual %.3g > %.3g", name, res.RelResidual, rtol)
	}
	return res.Iterations
}

// The preconditioners do their job inside the Krylov solvers: on the 2-D
// Laplacian, CG needs fewer iterations with SSOR and IC(0) than without;
// Jacobi (a constant diagonal here, so M is a multiple of I) and a
// rescaled preconditioner leave CG's iterations unchanged, the scale
// invariance the package doc states; GMRES with ILU(0) beats GMRES alone
// on a nonsymmetric matrix, and so does BiCGStab.
func TestInKrylovSolvers(t *testing.T) {
	A := sparse.Laplacian2D(48, 48)
	const rtol = 1e-8
	mk := func(kind string, o *precond.Options) linop.Operator {
		p, err := precond.New(kind, A, o)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	none := solveIters(t, "CG", krylov.CG, A, nil, rtol)
	jac := solveIters(t, "CG+Jacobi", krylov.CG, A, mk("jacobi", nil), rtol)
	ssor := solveIters(t, "CG+SSOR", krylov.CG, A, mk("ssor", nil), rtol)
	ssor15 := solveIters(t, "CG+SSOR(1.5)", krylov.CG, A, mk("ssor", &precond.Options{Omega: 1.5}), rtol)
	ic := solveIters(t, "CG+IC(0)", krylov.CG, A, mk("ic0", nil), rtol)
	icScaled := solveIters(t, "CG+3·IC(0)", krylov.CG, A, linop.Scaled(3, mk("ic0", nil)), rtol)
	t.Logf("CG iterations: none %d, Jacobi %d, SSOR(1) %d, SSOR(1.5) %d, IC(0) %d, 3·IC(0) %d", none, jac, ssor, ssor15, ic, icScaled)
	// Iterates coincide in exact arithmetic; rounding may shift the count
	// by an iteration or two.
	if d := jac - none; d < -2 || d > 2 {
		t.Errorf("Jacobi changed CG's iterations on a constant diagonal: %d vs %d", jac, none)
	}
	if d := icScaled - ic; d < -2 || d > 2 {
		t.Errorf("scaling IC(0) by 3 changed CG's iterations: %d vs %d", icScaled, ic)
	}
	if !(ssor < none*3/4 && ssor15 < ssor && ic < none/2) {
		t.Errorf("preconditioning did not reduce CG's iterations as expected: none %d, SSOR %d, SSOR(1.5) %d, IC(0) %d", none, ssor, ssor15, ic)
	}

	// Nonsymmetric: convection–diffusion-like perturbation of the Laplacian.
	N := sparse.Add(1, A, 0.6, upwind(48))
	ilu, err := precond.NewILU0(N)
	if err != nil {
		t.Fatal(err)
	}
	g0 := solveIters(t, "GMRES", krylov.GMRES, N, nil, rtol)
	g1 := solveIters(t, "GMRES+ILU(0)", krylov.GMRES, N, ilu, rtol)
	b0 := solveIters(t, "BiCGStab", krylov.BiCGStab, N, nil, rtol)
	b1 := solveIters(t, "BiCGStab+ILU(0)", krylov.BiCGStab, N, ilu, rtol)
	t.Logf("nonsymmetric: GMRES %d → %d with ILU(0); BiCGStab %d → %d", g0, g1, b0, b1)
	if !(g1 < g0/2 && b1 < b0/2) {
		t.Errorf("ILU(0) did not halve the iterations: GMRES %d → %d, BiCGStab %d → %d", g0, g1, b0, b1)
	}
}

// upwind returns the first-order upwind x-derivative on a g×g grid
// (1 on the diagonal, −1 to the left neighbour): a nonsymmetric term.
func upwind(g int) *sparse.CSR {
	coo := sparse.NewCOO(g*g, g*g, 2*g*g)
	for i := range g {
		for j := range g {
			r := i*g + j
			coo.Append(r, r, 1)
			if j > 0 {
				coo.Append(r, r-1, -1)
			}
		}
	}
	return coo.ToCSR()
}
