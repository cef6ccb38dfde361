package sparse

import (
	"bytes"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/npy"
)

// npzFloatsShaped writes the float64 array name with the given shape.
func npzFloatsShaped(name string, shape []int, v ...float64) func(z *npy.NPZWriter) error {
	return func(z *npy.NPZWriter) error { return z.WriteFloat64(name, shape, v) }
}

// npzRead reads the archive the writers make.
func npzRead(t *testing.T, write ...func(z *npy.NPZWriter) error) (*CSR, error) {
	t.Helper()
	b := npzArchive(t, write...)
	return ReadNPZ(bytes.NewReader(b), int64(len(b)))
}

// TestReadNPZAgainstSciPy reads archives laid out as scipy.sparse.save_npz
// lays them out, in the corners of each format, and compares them with
// what SciPy 1.10's toarray() and tocsr().sum_duplicates() gave for the
// same arrays (values and number of stored entries, stored here).
func TestReadNPZAgainstSciPy(t *testing.T) {
	diaData := make([]float64, 35) // arange(1, 36).reshape(5, 7), d[2, 1] = 0
	for k := range diaData {
		diaData[k] = float64(k + 1)
	}
	diaData[2*7+1] = 0
	bsrData := make([]float64, 18) // arange(1, 19).reshape(3, 2, 3), d[1, 0, 2] = 0
	for k := range bsrData {
		bsrData[k] = float64(k + 1)
	}
	bsrData[1*6+0*3+2] = 0
	for _, tc := range []struct {
		name  string
		write []func(z *npy.NPZWriter) error
		nnz   int
		dense [][]float64
	}{
		// Offsets −4 and 5 lie outside a 3×5 matrix; data rows are longer
		// (7) than the matrix is wide; the stored zero on the main
		// diagonal is padding and dropped.
		{"dia wide data, offsets outside", []func(z *npy.NPZWriter) error{npzFormat("dia"), npzInts("shape", []int{2}, 3, 5),
			npzInts("offsets", []int{5}, -4, -1, 0, 2, 5), npzFloatsShaped("data", []int{5, 7}, diaData...)},
			7, [][]float64{{15, 0, 24, 0, 0}, {8, 0, 0, 25, 0}, {0, 9, 17, 0, 26}}},
		// Data rows shorter (2) than the matrix is wide (3).
		{"dia short data", []func(z *npy.NPZWriter) error{npzFormat("dia"), npzInts("shape", []int{2}, 5, 3),
			npzInts("offsets", []int{2}, 1, -2), npzFloatsShaped("data", []int{2, 2}, 1, 2, 3, 4)},
			3, [][]float64{{0, 2, 0}, {0, 0, 0}, {3, 0, 0}, {0, 4, 0}, {0, 0, 0}}},
		// 2×3 blocks, block columns unsorted in block row 0, a stored
		// zero inside a block (kept, as bsr.tocsr keeps it).
		{"bsr 2x3 unsorted", []func(z *npy.NPZWriter) error{npzFormat("bsr"), npzInts("shape", []int{2}, 4, 6),
			npzInts("indptr", []int{3}, 0, 2, 3), npzInts("indices", []int{3}, 1, 0, 1), npzFloatsShaped("data", []int{3, 2, 3}, bsrData...)},
			18, [][]float64{{7, 8, 0, 1, 2, 3}, {10, 11, 12, 4, 5, 6}, {0, 0, 0, 13, 14, 15}, {0, 0, 0, 16, 17, 18}}},
		// Unsorted row indices with a duplicate in column 0.
		{"csc unsorted duplicates", []func(z *npy.NPZWriter) error{npzFormat("csc"), npzInts("shape", []int{2}, 3, 2),
			npzInts("indptr", []int{3}, 0, 3, 4), npzInts("indices", []int{4}, 2, 0, 2, 1), npzFloats("data", 1, 2, 3, 4)},
			3, [][]float64{{2, 0}, {0, 4}, {4, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := npzRead(t, tc.write...)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(a); err != nil {
				t.Fatal(err)
			}
			r, c := a.Dims()
			if r != len(tc.dense) || c != len(tc.dense[0]) || a.NNZ() != tc.nnz {
				t.Fatalf("%d×%d with %d stored, want %d×%d with %d", r, c, a.NNZ(), len(tc.dense), len(tc.dense[0]), tc.nnz)
			}
			for i := range r {
				for j := range c {
					if got := a.At(i, j); got != tc.dense[i][j] {
						t.Errorf("A[%d,%d] = %v, want %v", i, j, got, tc.dense[i][j])
					}
				}
			}
		})
	}
}

// TestReadNPZRefusesOverflowingSums: duplicates whose values are finite
// but whose sum is not (SciPy's tocsr gives inf) are refused like a NaN
// or Inf value in the file, as ReadMM refuses them; they came back as an
// Inf entry in a matrix that SaveNPZ then refuses to write.
func TestReadNPZRefusesOverflowingSums(t *testing.T) {
	const want = "duplicate entries at row 0, column 1 (0-based) sum beyond the float64 range"
	for _, tc := range []struct {
		name  string
		write []func(z *npy.NPZWriter) error
	}{
		{"coo", []func(z *npy.NPZWriter) error{npzFormat("coo"), npzInts("shape", []int{2}, 2, 2),
			npzInts("row", []int{3}, 0, 1, 0), npzInts("col", []int{3}, 1, 0, 1), npzFloats("data", 1e308, 1, 1e308)}},
		{"csr duplicates", []func(z *npy.NPZWriter) error{npzFormat("csr"), npzInts("shape", []int{2}, 2, 2),
			npzInts("indptr", []int{3}, 0, 2, 2), npzInts("indices", []int{2}, 1, 1), npzFloats("data", -1e308, -1e308)}},
		{"csc duplicates", []func(z *npy.NPZWriter) error{npzFormat("csc"), npzInts("shape", []int{2}, 2, 2),
			npzInts("indptr", []int{3}, 0, 0, 2), npzInts("indices", []int{2}, 0, 0), npzFloats("data", 1e308, 1e308)}},
		{"bsr repeated block", []func(z *npy.NPZWriter) error{npzFormat("bsr"), npzInts("shape", []int{2}, 2, 2),
			npzInts("indptr", []int{3}, 0, 2, 2), npzInts("indices", []int{2}, 1, 1), npzFloatsShaped("data", []int{2, 1, 1}, 1e308, 1e308)}},
		{"dia repeated offset", []func(z *npy.NPZWriter) error{npzFormat("dia"), npzInts("shape", []int{2}, 2, 2),
			npzInts("offsets", []int{2}, 1, 1), npzFloatsShaped("data", []int{2, 2}, 0, 1e308, 0, 1e308)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := npzRead(t, tc.write...)
			if err == nil {
				t.Fatalf("read a matrix with A[0,1] = %v, want an error %q", a.At(0, 1), want)
			}
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `array "data"`) {
				t.Fatalf("error %q, want it to name the array and contain %q", err, want)
			}
		})
	}
	// Sums that stay finite are still read.
	a, err := npzRead(t, npzFormat("coo"), npzInts("shape", []int{2}, 2, 2),
		npzInts("row", []int{2}, 0, 0), npzInts("col", []int{2}, 1, 1), npzFloats("data", 1e308, -1e308))
	if err != nil || a.NNZ() != 1 || a.At(0, 1) != 0 {
		t.Fatalf("cancelling duplicates: %v, want one stored zero", err)
	}
}
