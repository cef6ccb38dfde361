package sparse_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/subspace-lab/subspace/sparse"
)

// A matrix saved in Python with scipy.sparse.save_npz("A.npz", A) is read
// with LoadNPZ, and SaveNPZ writes one that scipy.sparse.load_npz reads.
func ExampleLoadNPZ() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "A.npz")

	A := sparse.Laplacian2D(3, 3) // 9×9, 33 stored entries
	if err := sparse.SaveNPZ(path, A, true); err != nil {
		fmt.Println(err)
		return
	}
	B, err := sparse.LoadNPZ(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, c := B.Dims()
	fmt.Println(r, c, B.NNZ(), B.At(4, 4), B.At(4, 1))
	// Output:
	// 9 9 33 4 -1
}
