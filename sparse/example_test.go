package sparse_test

import (
	"fmt"

	"github.com/subspace-lab/subspace/sparse"
)

// Build a matrix from triplets (duplicates are summed), then multiply.
func ExampleCOO() {
	m := sparse.NewCOO(3, 3, 5)
	m.Append(0, 0, 2)
	m.Append(1, 1, 3)
	m.Append(2, 2, 4)
	m.Append(0, 2, 1)
	m.Append(0, 2, 1) // summed with the previous entry
	A := m.ToCSR()

	y := make([]float64, 3)
	A.MulVecTo(y, []float64{1, 1, 1})
	fmt.Println(A.NNZ(), y)
	// Output: 4 [4 3 4]
}

// The 5-point Laplacian is symmetric positive definite with 4 on the
// diagonal.
func ExampleLaplacian2D() {
	A := sparse.Laplacian2D(3, 3)
	r, c := A.Dims()
	fmt.Println(r, c, A.NNZ(), A.IsSymmetric(0), A.At(4, 4), A.At(4, 1))
	// Output: 9 9 33 true 4 -1
}
