package sparse

import (
	"fmt"
	"math"
	"math/cmplx"
	"unsafe"

	"github.com/subspace-lab/subspace/internal/vec"
)

// ZCSR is a sparse complex matrix in compressed sparse row form, with the
// same layout and invariants as CSR: row i's entries are
// Ind[Indptr[i]:Indptr[i+1]] (column indices, strictly increasing) and the
// matching complex128 values; explicit zeros are kept. It is deliberately
// small: it carries complex Matrix Market files and the few operations
// needed to inspect them or split them into real matrices. The zero value
// is an empty 0×0 matrix.
type ZCSR struct {
	rows, cols int
	indptr     []int
	ind        []int32
	val        []complex128
}

// NewZCSR returns the r×c complex matrix with the given row pointers,
// column indices and values, which it takes ownership of, after checking
// the invariants NewCSR checks, in O(nnz) time.
func NewZCSR(r, c int, indptr []int, ind []int32, val []complex128) (*ZCSR, error) {
	if err := checkStructure(r, c, indptr, ind, len(val)); err != nil {
		return nil, err
	}
	return &ZCSR{rows: r, cols: c, indptr: indptr, ind: ind, val: val}, nil
}

// Dims returns the number of rows and columns.
func (a *ZCSR) Dims() (r, c int) { return a.rows, a.cols }

// NNZ returns the number of stored entries, explicit zeros included.
func (a *ZCSR) NNZ() int { return len(a.ind) }

// Raw returns the row pointers, column indices and values, sharing the
// matrix's storage: values may be modified in place, the structure must
// not be.
func (a *ZCSR) Raw() (indptr []int, ind []int32, val []complex128) {
	if indptr = a.indptr; indptr == nil { // the zero value: a read must not write a
		indptr = make([]int, a.rows+1)
	}
	return indptr, a.ind, a.val
}

// Row returns the column indices and values of row i, sharing storage.
// It panics if i is not in [0, rows).
func (a *ZCSR) Row(i int) (ind []int32, val []complex128) {
	if i < 0 || i >= a.rows {
		panic(fmt.Sprintf("sparse: ZCSR row %d out of range [0,%d)", i, a.rows))
	}
	s, e := a.indptr[i], a.indptr[i+1]
	return a.ind[s:e:e], a.val[s:e:e]
}

// At returns entry (i, j), zero if it is not stored, by a binary search of
// row i. It panics if (i, j) is out of range.
func (a *ZCSR) At(i, j int) complex128 {
	if k := a.find(i, j); k >= 0 {
		return a.val[k]
	}
	return 0
}

func (a *ZCSR) find(i, j int) int {
	if i < 0 || i >= a.rows || j < 0 || j >= a.cols {
		panic(fmt.Sprintf("sparse: ZCSR index (%d,%d) out of range for %d×%d matrix", i, j, a.rows, a.cols))
	}
	return findInRow(a.indptr, a.ind, i, j)
}

// MulVecTo sets dst = A·x, serially, allocating nothing. dst must not share
// memory with x (it panics if it does: rows written early would be read as
// entries of x). It panics if the lengths do not match the dimensions.
func (a *ZCSR) MulVecTo(dst, x []complex128) {
	if len(x) != a.cols || len(dst) != a.rows {
		panic(fmt.Sprintf("sparse: ZCSR.MulVecTo: %d×%d matrix with len(x)=%d, len(dst)=%d", a.rows, a.cols, len(x), len(dst)))
	}
	if len(dst) > 0 && len(x) > 0 {
		// Each complex128 is two float64s: compare the storage spans.
		if vec.Overlap(unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(dst))), 2*len(dst)),
			unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(x))), 2*len(x))) {
			panic("sparse: ZCSR.MulVecTo: dst and x share memory")
		}
	}
	for i := range dst {
		var s complex128
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			s += a.val[k] * x[a.ind[k]]
		}
		dst[i] = s
	}
}

// Real returns the real part of a as a CSR matrix with a's pattern (an
// entry whose real part is zero stays stored).
func (a *ZCSR) Real() *CSR { return a.part(func(z complex128) float64 { return real(z) }) }

// Imag returns the imaginary part of a as a CSR matrix with a's pattern.
func (a *ZCSR) Imag() *CSR { return a.part(func(z complex128) float64 { return imag(z) }) }

// Abs returns the entrywise modulus |a_ij| as a CSR matrix with a's
// pattern: its norms are the norms of a, its zeros are a's zeros.
func (a *ZCSR) Abs() *CSR { return a.part(cmplx.Abs) }

func (a *ZCSR) part(f func(complex128) float64) *CSR {
	indptr, ind, val := a.Raw()
	v := make([]float64, len(val))
	for k, z := range val {
		v[k] = f(z)
	}
	return newCSR(a.rows, a.cols, append([]int(nil), indptr...), append([]int32(nil), ind...), v)
}

// IsSymmetric reports whether a is square and a_ij = a_ji or
// |a_ij − a_ji| ≤ tol·max|a| (max over finite moduli) for every stored
// entry (tol = 0: exact), as CSR.IsSymmetric: an infinite entry must be
// matched exactly, a NaN never is. An entry stored on one side only counts
// as paired with a zero. O(nnz log(nnz/rows)).
func (a *ZCSR) IsSymmetric(tol float64) bool { return a.symmetric(tol, false, 1) }

// IsSkewSymmetric reports whether a is square and |a_ij + a_ji| ≤
// tol·max|a| for every stored entry (so the diagonal is zero within tol).
func (a *ZCSR) IsSkewSymmetric(tol float64) bool { return a.symmetric(tol, false, -1) }

// IsHermitian reports whether a is square and |a_ij − conj(a_ji)| ≤
// tol·max|a| for every stored entry (so the diagonal is real within tol).
func (a *ZCSR) IsHermitian(tol float64) bool { return a.symmetric(tol, true, 1) }

// symmetric compares each stored a_ij with sign·a_ji (conjugated if conj).
// sign is real and applied to each part: a complex product by ±1 would
// give NaN from an infinite part (0·Inf in the cross terms).
func (a *ZCSR) symmetric(tol float64, conj bool, sign float64) bool {
	if a.rows != a.cols {
		return false
	}
	scale := 0.0 // largest finite modulus: an infinite one would accept any pair
	for _, z := range a.val {
		if m := cmplx.Abs(z); m > scale && m <= math.MaxFloat64 {
			scale = m
		}
	}
	lim := tol * scale
	for i := 0; i < a.rows; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			var other complex128
			if t := a.find(int(a.ind[k]), i); t >= 0 {
				other = a.val[t]
			}
			if conj {
				other = cmplx.Conj(other)
			}
			if v, w := a.val[k], complex(sign*real(other), sign*imag(other)); v != w && !(cmplx.Abs(v-w) <= lim) {
				return false
			}
		}
	}
	return true
}

// ZCOO is a builder for complex sparse matrices in coordinate form, the
// complex counterpart of COO: entries in any order, duplicates summed on
// conversion, stored zeros kept.
type ZCOO struct {
	rows, cols int
	ri, ci     []int32
	re, im     []float64
}

// NewZCOO returns an empty r×c builder with room for capacity entries. It
// panics if r or c is negative or above MaxDim, or capacity is negative.
func NewZCOO(r, c, capacity int) *ZCOO {
	if r < 0 || c < 0 || r > MaxDim || c > MaxDim {
		panic(fmt.Sprintf("sparse: invalid dimensions %d×%d", r, c))
	}
	if capacity < 0 {
		panic(fmt.Sprintf("sparse: NewZCOO: negative capacity %d", capacity))
	}
	return &ZCOO{
		rows: r, cols: c,
		ri: make([]int32, 0, capacity), ci: make([]int32, 0, capacity),
		re: make([]float64, 0, capacity), im: make([]float64, 0, capacity),
	}
}

// Dims returns the number of rows and columns.
func (m *ZCOO) Dims() (r, c int) { return m.rows, m.cols }

// Len returns the number of appended entries, duplicates included.
func (m *ZCOO) Len() int { return len(m.ri) }

// Append adds v at (i, j). It panics if the position is out of range.
func (m *ZCOO) Append(i, j int, v complex128) {
	if i < 0 || i >= m.rows || j < 0 || j >= m.cols {
		panic(fmt.Sprintf("sparse: ZCOO.Append: index (%d,%d) out of range for %d×%d matrix", i, j, m.rows, m.cols))
	}
	m.ri = append(m.ri, int32(i))
	m.ci = append(m.ci, int32(j))
	m.re = append(m.re, real(v))
	m.im = append(m.im, imag(v))
}

// ToZCSR returns the matrix in ZCSR form with duplicates summed and
// column indices sorted, in O(nnz + rows + cols) time. It assembles the
// real and imaginary parts with COO.ToCSR: the pattern and the order of
// summation depend on the indices only, so both parts come out with the
// same structure and are zipped together.
func (m *ZCOO) ToZCSR() *ZCSR {
	if len(m.ri) != len(m.ci) || len(m.ri) != len(m.re) || len(m.re) != len(m.im) {
		panic("sparse: ZCOO has slices of different lengths")
	}
	re := (&COO{rows: m.rows, cols: m.cols, ri: m.ri, ci: m.ci, v: m.re}).ToCSR()
	im := (&COO{rows: m.rows, cols: m.cols, ri: m.ri, ci: m.ci, v: m.im}).ToCSR()
	indptr, ind, rv := re.Raw()
	_, _, iv := im.Raw()
	val := make([]complex128, len(rv))
	for k := range val {
		val[k] = complex(rv[k], iv[k])
	}
	return &ZCSR{rows: m.rows, cols: m.cols, indptr: indptr, ind: ind, val: val}
}
