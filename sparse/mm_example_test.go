package sparse_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/subspace-lab/subspace/sparse"
)

func ExampleReadMM() {
	const file = `%%MatrixMarket matrix coordinate real symmetric
% lower triangle of a 3×3 matrix; the explicit zero is kept
3 3 4
1 1 4
2 1 -1
3 2 -1
3 3 0
`
	m, err := sparse.ReadMM(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	A := m.Real
	fmt.Println(m.Header.Symmetry, m.Header.Entries, "entries in the file,", A.NNZ(), "stored")
	fmt.Println(A.At(0, 1), A.At(1, 0), A.At(2, 2))
	// Output:
	// symmetric 4 entries in the file, 6 stored
	// -1 -1 0
}

func ExampleReadMM_error() {
	_, err := sparse.ReadMM(strings.NewReader("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 3 1.5\n"))
	var me *sparse.MMError
	if errors.As(err, &me) {
		fmt.Println(me.Line, err)
	}
	// Output:
	// 3 mm: line 3: column index 3 out of range [1,2]
}

func ExampleLoadMM() {
	A, err := sparse.LoadMM("../testdata/matrices/494_bus.mtx")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, c := A.Dims()
	fmt.Println(r, c, A.NNZ(), A.IsSymmetric(0))
	// Output:
	// 494 494 1666 true
}

func ExampleWriteMM() {
	A := sparse.Laplacian1D(3)
	err := sparse.WriteMM(os.Stdout, A, &sparse.MMWriteOptions{
		Symmetry: sparse.MMSymmetric,
		Comments: []string{" 1-D Laplacian"},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// %%MatrixMarket matrix coordinate real symmetric
	// % 1-D Laplacian
	// 3 3 5
	// 1 1 2
	// 2 1 -1
	// 2 2 2
	// 3 2 -1
	// 3 3 2
}
