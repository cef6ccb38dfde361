package linop_test

import (
	"fmt"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// Operators compose without forming matrices: here (A + 2I)·x for the 1-D
// Laplacian A, and a matrix-free diagonal operator from a function.
func Example() {
	A := sparse.Laplacian1D(4)
	B := linop.Shifted(A, 2)
	y := make([]float64, 4)
	B.Apply(y, []float64{1, 1, 1, 1})
	fmt.Println(y)

	double := linop.Func(4, 4, func(dst, x []float64) {
		for i := range x {
			dst[i] = 2 * x[i]
		}
	}, nil)
	linop.Product(double, B).Apply(y, []float64{1, 1, 1, 1})
	fmt.Println(y)
	// Output:
	// [3 2 2 3]
	// [6 4 4 6]
}

// Products compose with transposes: the normal-equations operator AᵀA of a
// rectangular A, applied as Aᵀ(A x) without forming AᵀA (CG takes it as
// it takes a matrix).
func ExampleTranspose() {
	coo := sparse.NewCOO(3, 2, 4)
	coo.Append(0, 0, 1)
	coo.Append(1, 1, 2)
	coo.Append(2, 0, 1)
	coo.Append(2, 1, 1)
	A := coo.ToCSR()
	AtA := linop.Product(linop.Transpose(A), A) // 2×2, applied as Aᵀ(A x)
	r, c := AtA.Dims()
	y := make([]float64, 2)
	AtA.Apply(y, []float64{1, 1})
	fmt.Println(r, c, y)
	// Output:
	// 2 2 [3 6]
}

// Scaled, Sum and Diag build operators such as the shifted and scaled
// matrices of a time step, (I/Δt + A)·x, without touching A's storage.
func ExampleSum() {
	A := sparse.Laplacian1D(3)
	dt := 0.5
	I := linop.Diag([]float64{1, 1, 1})
	step := linop.Sum(linop.Scaled(1/dt, I), A)
	y := make([]float64, 3)
	step.Apply(y, []float64{1, 1, 1})
	fmt.Println(y)
	// Output:
	// [3 2 3]
}
