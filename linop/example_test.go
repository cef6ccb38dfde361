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
