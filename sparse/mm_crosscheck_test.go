package sparse

import (
	"strings"
	"testing"
)

// TestReadMMAgainstSciPy reads valid but unusual Matrix Market files and
// compares them with what scipy.io.mmread (SciPy 1.10) returned for the
// same text: its dense values, and for coordinate files its number of
// stored entries after tocsr() (explicit zeros count; symmetric storage
// expanded).
func TestReadMMAgainstSciPy(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		nnz        int // -1: array file, SciPy returns a dense array
		want       [][]complex128
	}{
		{"complex hermitian with a stored zero", `%%MatrixMarket matrix coordinate complex hermitian
3 3 4
1 1 2.5 0
2 1 1 -2
3 2 0 0.5
3 3 -1 0
`, 6, [][]complex128{{2.5, 1 + 2i, 0}, {1 - 2i, 0, -0.5i}, {0, 0.5i, -1}}},
		{"pattern symmetric, upper-triangle entry", `%%MatrixMarket matrix coordinate pattern symmetric
3 3 3
2 1
3 3
1 3
`, 5, [][]complex128{{0, 1, 1}, {1, 0, 0}, {1, 0, 1}}},
		// SciPy keeps int64; float64 rounds 2⁵³+1 to 2⁵³ and ±2⁶³ stays exact.
		{"integer extremes", `%%MatrixMarket matrix coordinate integer general
2 2 3
1 1 9007199254740993
2 1 -9223372036854775808
1 2 9223372036854775807
`, 3, [][]complex128{{9007199254740992, 9223372036854775807}, {-9223372036854775808, 0}}},
		{"array integer symmetric", `%%MatrixMarket matrix array integer symmetric
3 3
1
-2
3
4
0
-6
`, -1, [][]complex128{{1, -2, 3}, {-2, 4, 0}, {3, 0, -6}}},
		{"array real skew-symmetric", `%%MatrixMarket matrix array real skew-symmetric
3 3
1.5
-2
0.25
`, -1, [][]complex128{{0, -1.5, 2}, {1.5, 0, -0.25}, {-2, 0.25, 0}}},
		{"array complex hermitian", `%%MatrixMarket matrix array complex hermitian
2 2
1 0
2 3
4 0
`, -1, [][]complex128{{1, 2 - 3i}, {2 + 3i, 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadMM(strings.NewReader(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			at := func(i, j int) complex128 { return m.Complex.At(i, j) }
			r, c, nnz := 0, 0, 0
			if m.Complex != nil {
				r, c = m.Complex.Dims()
				nnz = m.Complex.NNZ()
			} else {
				r, c = m.Real.Dims()
				nnz = m.Real.NNZ()
				at = func(i, j int) complex128 { return complex(m.Real.At(i, j), 0) }
			}
			if r != len(tc.want) || c != len(tc.want[0]) {
				t.Fatalf("%d×%d, want %d×%d", r, c, len(tc.want), len(tc.want[0]))
			}
			if tc.nnz >= 0 && nnz != tc.nnz {
				t.Fatalf("%d stored entries, SciPy %d", nnz, tc.nnz)
			}
			for i := range r {
				for j := range c {
					if got := at(i, j); got != tc.want[i][j] {
						t.Errorf("A[%d,%d] = %v, want %v", i, j, got, tc.want[i][j])
					}
				}
			}
		})
	}
}
