package krylov_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// Solve the 2-D Poisson problem on a 30×30 grid with CG and a Jacobi
// preconditioner. b = A·1, so the solution is all ones.
func ExampleCG() {
	A := sparse.Laplacian2D(30, 30)
	n, _ := A.Dims()
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	b := make([]float64, n)
	A.MulVecTo(b, ones)
	M, err := precond.NewJacobi(A) // fused into CG's vector passes
	if err != nil {
		fmt.Println(err)
		return
	}

	x := make([]float64, n) // initial guess 0
	res, err := krylov.CG(context.Background(), A, b, x, &krylov.Options{RTol: 1e-10, Precond: M})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("converged:", res.Converged, "iterations:", res.Iterations)
	fmt.Printf("relative residual below 1e-10: %v; x[0] = %.6f\n", res.RelResidual <= 1e-10, x[0])
	// Output:
	// converged: true iterations: 64
	// relative residual below 1e-10: true; x[0] = 1.000000
}

// GMRES(m) on a nonsymmetric system given as a dense matrix.
func ExampleGMRES() {
	A := mat.NewDense(3, 3, []float64{
		4, 1, 0,
		2, 5, 1,
		0, -1, 3,
	})
	b := []float64{5, 8, 2}
	x := make([]float64, 3)
	res, err := krylov.GMRES(context.Background(), linop.Dense(A), b, x, &krylov.Options{RTol: 1e-12, Restart: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x = [%.6f %.6f %.6f], converged %v\n", x[0], x[1], x[2], res.Converged)
	// Output:
	// x = [1.000000 1.000000 1.000000], converged true
}

// A failed solve says why: CG on a symmetric indefinite matrix.
func ExampleCG_indefinite() {
	A := mat.NewDense(2, 2, []float64{1, 0, 0, -1})
	x := make([]float64, 2)
	_, err := krylov.CG(context.Background(), linop.Dense(A), []float64{1, 2}, x, nil)
	fmt.Println(err)
	// Output:
	// krylov: CG: pᵀAp = -3 ≤ 0 at iteration 1: A is indefinite or not symmetric: not positive definite
}

// Least squares: fit a line y = c₀ + c₁·t to four points with LSQR.
func ExampleLSQR() {
	A := mat.NewDense(4, 2, []float64{
		1, 0,
		1, 1,
		1, 2,
		1, 3,
	})
	y := []float64{1, 3, 4, 7}
	c := make([]float64, 2)
	res, err := krylov.LSQR(context.Background(), linop.Dense(A), y, c, &krylov.LSOptions{ATol: 1e-12, BTol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("c = [%.4f %.4f], ‖r‖ = %.4f, ‖Aᵀr‖ < 1e-10: %v (%s)\n", c[0], c[1], res.Residual, res.NormAr < 1e-10, res.Reason)
	// Output:
	// c = [0.9000 1.9000], ‖r‖ = 0.8367, ‖Aᵀr‖ < 1e-10: true (x is a least-squares solution to the tolerances)
}

// MINRES on a symmetric indefinite system.
func ExampleMINRES() {
	A := mat.NewDense(3, 3, []float64{
		2, 1, 0,
		1, -3, 1,
		0, 1, 1,
	})
	b := []float64{3, -1, 2}
	x := make([]float64, 3)
	res, err := krylov.MINRES(context.Background(), linop.Dense(A), b, x, &krylov.Options{RTol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x = [%.6f %.6f %.6f] after %d iterations\n", x[0], x[1], x[2], res.Iterations)
	// Output:
	// x = [1.000000 1.000000 1.000000] after 3 iterations
}

// Pick a solver by name, as the CLI's --method flag does, and run the
// nonsymmetric ones on a convection–diffusion matrix with an ILU(0)
// preconditioner. Iteration counts are not comparable across methods
// (see Options.MaxIter); MatVecs are.
func ExampleByName() {
	A := sparse.ConvectionDiffusion2D(20, 20, 0.5)
	n, _ := A.Dims()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	M, err := precond.NewILU0(A)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"gmres", "bicgstab", "idrs", "tfqmr"} {
		solve, err := krylov.ByName(name)
		if err != nil {
			fmt.Println(err)
			return
		}
		x := make([]float64, n)
		res, err := solve(context.Background(), A, b, x, &krylov.Options{RTol: 1e-8, Precond: M})
		fmt.Printf("%-8s converged %v, relative residual ≤ 1e-8: %v, err %v\n", name, res.Converged, res.RelResidual <= 1e-8, err)
	}
	_, err = krylov.ByName("cgs")
	fmt.Println(err)
	// Output:
	// gmres    converged true, relative residual ≤ 1e-8: true, err <nil>
	// bicgstab converged true, relative residual ≤ 1e-8: true, err <nil>
	// idrs     converged true, relative residual ≤ 1e-8: true, err <nil>
	// tfqmr    converged true, relative residual ≤ 1e-8: true, err <nil>
	// krylov: invalid option: unknown method "cgs"; valid names are cg, minres, gmres, fgmres, bicgstab, idrs, tfqmr
}
