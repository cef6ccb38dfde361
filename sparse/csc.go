package sparse

import (
	"fmt"

	"github.com/subspace-lab/subspace/internal/vec"
)

// CSC is a sparse matrix in compressed sparse column form: column j's
// entries are row indices Ind[Indptr[j]:Indptr[j+1]] (strictly increasing)
// and their values. The storage of an r×c CSC matrix is exactly that of
// the c×r CSR matrix of its transpose, and CSC is implemented that way:
// its products are the transposed products of that CSR.
type CSC struct {
	t CSR // the transpose, in CSR form
}

// NewCSC returns the r×c matrix with the given column pointers, row
// indices and values, checking the same invariants as NewCSR (with rows
// and columns exchanged).
func NewCSC(r, c int, indptr []int, ind []int32, val []float64) (*CSC, error) {
	t, err := NewCSR(c, r, indptr, ind, val)
	if err != nil {
		return nil, fmt.Errorf("%w (CSC: read rows as columns)", err)
	}
	return &CSC{t: *t}, nil
}

// Dims returns the number of rows and columns.
func (a *CSC) Dims() (r, c int) { return a.t.cols, a.t.rows }

// NNZ returns the number of stored entries.
func (a *CSC) NNZ() int { return a.t.NNZ() }

// Raw returns the column pointers, row indices and values, sharing storage.
func (a *CSC) Raw() (indptr []int, ind []int32, val []float64) { return a.t.Raw() }

// Col returns the row indices and values of column j, sharing storage.
// It panics if j is not in [0, cols).
func (a *CSC) Col(j int) (ind []int32, val []float64) {
	if j < 0 || j >= a.t.rows {
		panic(fmt.Sprintf("sparse: CSC column %d out of range [0,%d)", j, a.t.rows))
	}
	return a.t.Row(j)
}

// At returns entry (i, j), zero if it is not stored, by a binary search of
// column j. It panics if (i, j) is out of range.
func (a *CSC) At(i, j int) float64 {
	if i < 0 || i >= a.t.cols || j < 0 || j >= a.t.rows {
		// a.t.At would name (j, i) in a cols×rows matrix.
		panic(fmt.Sprintf("sparse: CSC index (%d,%d) out of range for %d×%d matrix", i, j, a.t.cols, a.t.rows))
	}
	return a.t.At(j, i)
}

// T returns the transpose of a as a CSR matrix sharing a's storage.
func (a *CSC) T() *CSR { return &a.t }

// ToCSR returns a in CSR form (a new matrix).
func (a *CSC) ToCSR() *CSR { return a.t.T() }

// MulVecTo sets dst = A·x. See CSR.MulVecTransTo for its cost and its
// panics; as there, the last bits of the result depend on GOMAXPROCS.
func (a *CSC) MulVecTo(dst, x []float64) {
	a.check("CSC.MulVecTo", dst, x, a.t.rows, a.t.cols)
	a.t.MulVecTransTo(dst, x)
}

// MulVecTransTo sets dst = Aᵀ·x. See CSR.MulVecTo for its cost and its
// panics.
func (a *CSC) MulVecTransTo(dst, x []float64) {
	a.check("CSC.MulVecTransTo", dst, x, a.t.cols, a.t.rows)
	a.t.MulVecTo(dst, x)
}

// check panics unless len(x) = nx and len(dst) = nd, naming the matrix
// by its own dimensions, or if dst and x share memory: the CSR products
// that do the work would name those of the transpose and their own name.
func (a *CSC) check(fn string, dst, x []float64, nx, nd int) {
	if len(x) != nx || len(dst) != nd {
		panic(fmt.Sprintf("sparse: %s: %d×%d matrix with len(x)=%d, len(dst)=%d", fn, a.t.cols, a.t.rows, len(x), len(dst)))
	}
	if vec.Overlap(dst, x) {
		panic(fmt.Sprintf("sparse: %s: dst and x share memory", fn))
	}
}

// Apply sets dst = A·x (linop.Operator).
func (a *CSC) Apply(dst, x []float64) { a.MulVecTo(dst, x) }

// ApplyT sets dst = Aᵀ·x (linop.Transposer).
func (a *CSC) ApplyT(dst, x []float64) { a.MulVecTransTo(dst, x) }

// ToCSC returns a in CSC form (a new matrix).
func (a *CSR) ToCSC() *CSC { return &CSC{t: *a.T()} }
