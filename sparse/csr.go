package sparse

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// MaxDim is the largest number of rows or columns a matrix may have: column
// (and, in CSC, row) indices are stored as int32.
const MaxDim = math.MaxInt32

// CSR is a sparse matrix in compressed sparse row form.
//
// Row i's entries are Ind[Indptr[i]:Indptr[i+1]] (column indices, strictly
// increasing) and the matching Val entries. Explicitly stored zeros are
// kept: they are part of the pattern (ILU(0) and Matrix Market counts need
// them).
//
// Index widths: column indices are int32 and row pointers are int. The
// matrix-vector product streams one index and one value per nonzero, so
// int32 indices cut the traffic per nonzero from 16 to 12 bytes (a quarter
// less memory to move in a bandwidth-bound kernel); they cap the dimension
// at MaxDim (2³¹−1), far beyond what fits one machine's memory as a vector
// of that size is already 16 GiB. Row pointers are int (64-bit) so the
// number of nonzeros is not capped at 2³¹; they cost 8 bytes per row, about
// 1/8 of the traffic of a row with five nonzeros.
//
// The zero value is an empty 0×0 matrix. A CSR made by this package always
// satisfies its invariants; the slices returned by Raw share storage and
// their structure must not be changed (values may be).
type CSR struct {
	rows, cols int
	indptr     []int
	ind        []int32
	val        []float64
}

// NewCSR returns the r×c matrix with the given row pointers, column indices
// and values, which it takes ownership of. It checks every invariant in
// O(nnz) time: len(indptr) = r+1, indptr[0] = 0, non-decreasing pointers,
// indptr[r] = len(ind) = len(val), column indices in [0, c) and strictly
// increasing within each row. Use a COO builder for unsorted or duplicate
// input.
func NewCSR(r, c int, indptr []int, ind []int32, val []float64) (*CSR, error) {
	if err := checkStructure(r, c, indptr, ind, len(val)); err != nil {
		return nil, err
	}
	return &CSR{rows: r, cols: c, indptr: indptr, ind: ind, val: val}, nil
}

// checkStructure checks the CSR invariants of (indptr, ind) for an r×c
// matrix with nval values, in O(nnz) time; NewCSR and NewZCSR share it
// (they differ only in the value type).
func checkStructure(r, c int, indptr []int, ind []int32, nval int) error {
	if r < 0 || c < 0 || r > MaxDim || c > MaxDim {
		return fmt.Errorf("sparse: invalid dimensions %d×%d", r, c)
	}
	if len(indptr) != r+1 {
		return fmt.Errorf("sparse: row pointer length %d, want rows+1 = %d", len(indptr), r+1)
	}
	if indptr[0] != 0 {
		return fmt.Errorf("sparse: row pointer starts at %d, want 0", indptr[0])
	}
	if len(ind) != nval {
		return fmt.Errorf("sparse: %d column indices but %d values", len(ind), nval)
	}
	if indptr[r] != len(ind) {
		return fmt.Errorf("sparse: last row pointer %d, want nnz = %d", indptr[r], len(ind))
	}
	for i := 0; i < r; i++ {
		s, e := indptr[i], indptr[i+1]
		if e < s {
			return fmt.Errorf("sparse: row pointers decrease at row %d (%d > %d)", i, s, e)
		}
		if e > len(ind) {
			return fmt.Errorf("sparse: row pointer %d of row %d exceeds nnz = %d", e, i, len(ind))
		}
		prev := int32(-1)
		for k := s; k < e; k++ {
			j := ind[k]
			if j < 0 || int(j) >= c {
				return fmt.Errorf("sparse: row %d: column index %d out of range [0,%d)", i, j, c)
			}
			if j <= prev {
				return fmt.Errorf("sparse: row %d: column indices not strictly increasing (%d after %d)", i, j, prev)
			}
			prev = j
		}
	}
	return nil
}

// newCSR builds a CSR without checks, for internal constructors that
// maintain the invariants by construction.
func newCSR(r, c int, indptr []int, ind []int32, val []float64) *CSR {
	return &CSR{rows: r, cols: c, indptr: indptr, ind: ind, val: val}
}

// Dims returns the number of rows and columns.
func (a *CSR) Dims() (r, c int) { return a.rows, a.cols }

// NNZ returns the number of stored entries, explicit zeros included.
func (a *CSR) NNZ() int { return len(a.ind) }

// Raw returns the row pointers, column indices and values. They share the
// matrix's storage: values may be modified in place, the structure must
// not be.
func (a *CSR) Raw() (indptr []int, ind []int32, val []float64) {
	if indptr = a.indptr; indptr == nil { // the zero value: a read must not write a
		indptr = make([]int, a.rows+1)
	}
	return indptr, a.ind, a.val
}

// Row returns the column indices and values of row i, sharing storage.
// It panics if i is not in [0, rows).
func (a *CSR) Row(i int) (ind []int32, val []float64) {
	if i < 0 || i >= a.rows {
		panic(fmt.Sprintf("sparse: row %d out of range [0,%d)", i, a.rows))
	}
	s, e := a.indptr[i], a.indptr[i+1]
	return a.ind[s:e:e], a.val[s:e:e]
}

// At returns entry (i, j), zero if it is not stored. It costs a binary
// search of row i and panics if (i, j) is out of range.
func (a *CSR) At(i, j int) float64 {
	if k := a.find(i, j); k >= 0 {
		return a.val[k]
	}
	return 0
}

// find returns the storage index of entry (i, j) or -1.
func (a *CSR) find(i, j int) int {
	if i < 0 || i >= a.rows || j < 0 || j >= a.cols {
		panic(fmt.Sprintf("sparse: index (%d,%d) out of range for %d×%d matrix", i, j, a.rows, a.cols))
	}
	return findInRow(a.indptr, a.ind, i, j)
}

// findInRow returns the storage index of column j in row i of the CSR
// structure (indptr, ind), or -1, by a binary search of the row (shared
// by CSR and ZCSR).
func findInRow(indptr []int, ind []int32, i, j int) int {
	s, e := indptr[i], indptr[i+1]
	row := ind[s:e]
	k := sort.Search(len(row), func(t int) bool { return int(row[t]) >= j })
	if k < len(row) && int(row[k]) == j {
		return s + k
	}
	return -1
}

// Clone returns a deep copy of a.
func (a *CSR) Clone() *CSR {
	indptr, _, _ := a.Raw()
	return newCSR(a.rows, a.cols,
		append([]int(nil), indptr...),
		append([]int32(nil), a.ind...),
		append([]float64(nil), a.val...))
}

// Identity returns the n×n identity matrix in CSR form. It panics if n is
// negative or above MaxDim.
func Identity(n int) *CSR {
	if n < 0 || n > MaxDim {
		panic(fmt.Sprintf("sparse: Identity: invalid size %d", n))
	}
	indptr := make([]int, n+1)
	ind := make([]int32, n)
	val := make([]float64, n)
	for i := 0; i < n; i++ {
		indptr[i+1] = i + 1
		ind[i] = int32(i)
		val[i] = 1
	}
	return newCSR(n, n, indptr, ind, val)
}

// ErrNotFinite is wrapped by the errors of CheckFinite (and so of
// SaveNPZ) for a NaN or infinite value; test with errors.Is.
var ErrNotFinite = errors.New("NaN or infinite value")

// CheckFinite returns an error wrapping ErrNotFinite that names the first
// stored entry that is NaN or infinite, or nil. O(nnz).
func (a *CSR) CheckFinite() error {
	for i := 0; i < a.rows; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			if v := a.val[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("sparse: entry (%d,%d) is %v: %w", i, a.ind[k], v, ErrNotFinite)
			}
		}
	}
	return nil
}
