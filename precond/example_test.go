package precond_test

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// Build a preconditioner by name, as the CLI's --precond flag does, and
// apply it: dst = M⁻¹·x.
func ExampleNew() {
	A := sparse.Laplacian2D(3, 3) // 9 unknowns, 4 on the diagonal
	x := []float64{4, 4, 4, 4, 4, 4, 4, 4, 4}
	dst := make([]float64, 9)
	for _, kind := range []string{"jacobi", "ilu0"} {
		M, err := precond.New(kind, A, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		M.Apply(dst, x)
		fmt.Printf("%-6s M⁻¹x[0] = %.4f\n", kind, dst[0])
	}
	_, err := precond.New("ilut", A, nil)
	fmt.Println(err)
	// Output:
	// jacobi M⁻¹x[0] = 1.0000
	// ilu0   M⁻¹x[0] = 2.4331
	// precond: invalid option: unknown preconditioner "ilut"; valid names are none, jacobi, ssor, ilu0, iluk, ic0, ick, asm, bjacobi
}

// On a tridiagonal matrix ILU(0) is the exact LU factorisation, so one
// application solves A·y = b.
func ExampleNewILU0() {
	A := sparse.Laplacian1D(4) // tridiag(−1, 2, −1)
	M, err := precond.NewILU0(A)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := []float64{1, 0, 0, 1}
	y := make([]float64, 4)
	M.Apply(y, b)
	fmt.Printf("%.4f\n", y)
	L, U := M.Factors()
	fmt.Printf("l(1,0) = %.4f, u(1,1) = %.4f\n", L.At(1, 0), U.At(1, 1))
	// Output:
	// [1.0000 1.0000 1.0000 1.0000]
	// l(1,0) = -0.5000, u(1,1) = 1.5000
}

// A zero or missing diagonal is reported at construction, naming the row.
func ExampleNewJacobi() {
	A, _ := sparse.NewCSR(3, 3, []int{0, 1, 2, 4}, []int32{0, 1, 0, 2}, []float64{2, 0, 1, 3})
	_, err := precond.NewJacobi(A)
	fmt.Println(errors.Is(err, precond.ErrZeroDiagonal))
	fmt.Println(err)
	// Output:
	// true
	// precond: zero or missing diagonal entry: Jacobi: 1 of 3 rows have a zero or missing diagonal entry; the first is row 1, whose diagonal is zero
}

// IC(0) breaks down on some SPD matrices; a relative diagonal shift
// rescues it.
func ExampleNewIC0() {
	// Kershaw's matrix: SPD, but its IC(0) pivot in row 3 is negative.
	A := sparse.FromDense(kershaw(), 0)
	_, err := precond.NewIC0(A, nil)
	fmt.Println(errors.Is(err, precond.ErrNotSPD))
	M, err := precond.NewIC0(A, &precond.IC0Options{Shift: 0.5})
	fmt.Println(err, M.Shift())
	// Output:
	// true
	// <nil> 0.5
}

// Restricted additive Schwarz. Set Overlap explicitly: a literal that
// leaves it out means Overlap 0 (block Jacobi), while a nil *ASMOptions
// means DefaultASMOverlap. With one block ASM is ILU(0).
func ExampleNewASM() {
	A := sparse.Laplacian2D(8, 8)
	x := make([]float64, 64)
	for i := range x {
		x[i] = 1
	}
	one, err := precond.NewASM(A, &precond.ASMOptions{Blocks: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	ilu, _ := precond.NewILU0(A)
	y1, y2 := make([]float64, 64), make([]float64, 64)
	one.Apply(y1, x)
	ilu.Apply(y2, x)
	same := true
	for i := range y1 {
		same = same && math.Abs(y1[i]-y2[i]) <= 1e-14*math.Abs(y2[i])
	}
	fmt.Println("one block equals ILU(0):", same)

	four, err := precond.NewASM(A, &precond.ASMOptions{Blocks: 4, Overlap: precond.DefaultASMOverlap})
	fmt.Println(four.Blocks(), err)
	_, err = precond.NewASM(A, &precond.ASMOptions{Blocks: 65})
	fmt.Println(errors.Is(err, precond.ErrOption))
	// Output:
	// one block equals ILU(0): true
	// 4 <nil>
	// true
}

// ILU(k) trades fill for iterations: on a 30×30 Laplacian each level adds
// factor entries (the counts are PETSc's) and takes GMRES(30) to 1e-10 in
// fewer steps.
func ExampleNewILUK() {
	A := sparse.Laplacian2D(30, 30)
	b := make([]float64, 900)
	for i := range b {
		b[i] = 1
	}
	for k := 0; k <= 3; k++ {
		M, err := precond.NewILUK(A, k)
		if err != nil {
			fmt.Println(err)
			return
		}
		L, U := M.Factors()
		x := make([]float64, 900)
		res, err := krylov.GMRES(context.Background(), A, b, x, &krylov.Options{RTol: 1e-10, Precond: M})
		fmt.Printf("ILU(%d): %5d factor entries, %d GMRES iterations, %v\n", k, L.NNZ()+U.NNZ()-900, res.Iterations, err)
	}
	// Output:
	// ILU(0):  4380 factor entries, 32 GMRES iterations, <nil>
	// ILU(1):  6062 factor entries, 24 GMRES iterations, <nil>
	// ILU(2):  7686 factor entries, 20 GMRES iterations, <nil>
	// ILU(3): 10876 factor entries, 15 GMRES iterations, <nil>
}

// IC(k) on the 2-D Laplacian for CG: more fill, fewer iterations.
func ExampleNewICK() {
	A := sparse.Laplacian2D(30, 30)
	b := make([]float64, 900)
	for i := range b {
		b[i] = 1
	}
	for k := 0; k <= 3; k++ {
		M, err := precond.NewICK(A, k, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		x := make([]float64, 900)
		res, err := krylov.CG(context.Background(), A, b, x, &krylov.Options{RTol: 1e-10, Precond: M})
		fmt.Printf("IC(%d): %4d entries in L, %d CG iterations, %v\n", k, M.Factor().NNZ(), res.Iterations, err)
	}
	// Output:
	// IC(0): 2640 entries in L, 32 CG iterations, <nil>
	// IC(1): 3481 entries in L, 24 CG iterations, <nil>
	// IC(2): 4293 entries in L, 20 CG iterations, <nil>
	// IC(3): 5888 entries in L, 15 CG iterations, <nil>
}
