package sparse

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/nilcheck"
	"github.com/subspace-lab/subspace/internal/vec"
)

// T returns the transpose of a as a new CSR matrix, in O(nnz + rows + cols)
// time by a counting sort; column indices of the result are sorted.
func (a *CSR) T() *CSR {
	indptr, ind, val := a.Raw()
	tp := make([]int, a.cols+1)
	for _, j := range ind {
		tp[j+1]++
	}
	for j := 0; j < a.cols; j++ {
		tp[j+1] += tp[j]
	}
	tind := make([]int32, len(ind))
	tval := make([]float64, len(val))
	// tp[j] is column j's cursor, which leaves it at the start of column
	// j+1: shifted back below. A second array of cursors would double the
	// O(cols) memory, which a matrix read from a small file with 2³¹−1
	// declared columns cannot afford.
	for i := 0; i < a.rows; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			j := ind[k]
			p := tp[j]
			tind[p] = int32(i)
			tval[p] = val[k]
			tp[j]++
		}
	}
	copy(tp[1:], tp[:a.cols])
	tp[0] = 0
	return newCSR(a.cols, a.rows, tp, tind, tval)
}

// ToDense returns a as a gonum dense matrix. A 0×0 or empty-dimension
// matrix gives nil, as gonum cannot represent it.
func (a *CSR) ToDense() *mat.Dense {
	if a.rows == 0 || a.cols == 0 {
		return nil
	}
	d := mat.NewDense(a.rows, a.cols, nil)
	for i := 0; i < a.rows; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			d.Set(i, int(a.ind[k]), a.val[k])
		}
	}
	return d
}

// FromDense returns the entries of m whose absolute value exceeds dropTol
// as a CSR matrix; dropTol = 0 keeps every nonzero and drops exact zeros,
// dropTol < 0 keeps every entry (a dense pattern). It panics if m is nil
// or a dimension exceeds MaxDim.
func FromDense(m mat.Matrix, dropTol float64) *CSR {
	if nilcheck.IsNil(m) {
		panic("sparse: FromDense: nil matrix")
	}
	r, c := m.Dims()
	if r > MaxDim || c > MaxDim {
		panic(fmt.Sprintf("sparse: FromDense: %d×%d matrix exceeds MaxDim", r, c))
	}
	indptr := make([]int, r+1)
	var ind []int32
	var val []float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := m.At(i, j)
			if dropTol >= 0 && !(math.Abs(v) > dropTol) && !math.IsNaN(v) {
				continue
			}
			ind = append(ind, int32(j))
			val = append(val, v)
		}
		indptr[i+1] = len(ind)
	}
	return newCSR(r, c, indptr, ind, val)
}

// Diagonal writes the main diagonal of a into dst (length min(rows, cols))
// and returns it, allocating dst if it is nil. Entries not stored read 0;
// DiagonalInfo tells them apart from stored zeros. It panics if dst is not
// nil and its length is not min(rows, cols).
func (a *CSR) Diagonal(dst []float64) []float64 {
	n := min(a.rows, a.cols)
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("sparse: Diagonal: len(dst)=%d, want %d", len(dst), n))
	}
	for i := 0; i < n; i++ {
		dst[i] = 0
		if k := a.find(i, i); k >= 0 {
			dst[i] = a.val[k]
		}
	}
	return dst
}

// DiagInfo summarises the main diagonal of a matrix.
type DiagInfo struct {
	Missing      int // positions (i,i) not stored
	Zero         int // positions (i,i) stored with value 0
	FirstMissing int // first missing row, -1 if none
	FirstZero    int // first stored-zero row, -1 if none
}

// DiagonalInfo counts the missing and explicitly zero diagonal entries:
// the two cases that break Jacobi, SSOR and incomplete factorisations.
func (a *CSR) DiagonalInfo() DiagInfo {
	d := DiagInfo{FirstMissing: -1, FirstZero: -1}
	for i := 0; i < min(a.rows, a.cols); i++ {
		k := a.find(i, i)
		switch {
		case k < 0:
			d.Missing++
			if d.FirstMissing < 0 {
				d.FirstMissing = i
			}
		case a.val[k] == 0:
			d.Zero++
			if d.FirstZero < 0 {
				d.FirstZero = i
			}
		}
	}
	return d
}

// ScaleRows multiplies row i of a by d[i], in place (a ← diag(d)·a).
// It panics if len(d) is not the number of rows.
func (a *CSR) ScaleRows(d []float64) {
	if len(d) != a.rows {
		panic(fmt.Sprintf("sparse: ScaleRows: len(d)=%d, want %d", len(d), a.rows))
	}
	for i := 0; i < a.rows; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			a.val[k] *= d[i]
		}
	}
}

// ScaleCols multiplies column j of a by d[j], in place (a ← a·diag(d)).
// It panics if len(d) is not the number of columns.
func (a *CSR) ScaleCols(d []float64) {
	if len(d) != a.cols {
		panic(fmt.Sprintf("sparse: ScaleCols: len(d)=%d, want %d", len(d), a.cols))
	}
	for k, j := range a.ind {
		a.val[k] *= d[j]
	}
}

// Scale multiplies every stored value of a by s, in place.
func (a *CSR) Scale(s float64) {
	for k := range a.val {
		a.val[k] *= s
	}
}

// Add returns α·A + β·B as a new matrix whose pattern is the union of the
// two patterns (entries that cancel are kept as stored zeros). It panics if
// A or B is nil or the dimensions differ. O(nnz(A) + nnz(B)).
func Add(alpha float64, A *CSR, beta float64, B *CSR) *CSR {
	checkNil("Add", A, B)
	if A.rows != B.rows || A.cols != B.cols {
		panic(fmt.Sprintf("sparse: Add: dimension mismatch %d×%d and %d×%d", A.rows, A.cols, B.rows, B.cols))
	}
	ap, ai, av := A.Raw()
	bp, bi, bv := B.Raw()
	indptr := make([]int, A.rows+1)
	ind := make([]int32, 0, len(ai)+len(bi))
	val := make([]float64, 0, len(ai)+len(bi))
	for i := 0; i < A.rows; i++ {
		p, pe := ap[i], ap[i+1]
		q, qe := bp[i], bp[i+1]
		for p < pe || q < qe {
			switch {
			case q >= qe || (p < pe && ai[p] < bi[q]):
				ind = append(ind, ai[p])
				val = append(val, alpha*av[p])
				p++
			case p >= pe || bi[q] < ai[p]:
				ind = append(ind, bi[q])
				val = append(val, beta*bv[q])
				q++
			default:
				ind = append(ind, ai[p])
				val = append(val, alpha*av[p]+beta*bv[q])
				p++
				q++
			}
		}
		indptr[i+1] = len(ind)
	}
	return newCSR(A.rows, A.cols, indptr, ind, val)
}

// IsPatternSymmetric reports whether a is square and (i,j) is stored
// exactly when (j,i) is.
func (a *CSR) IsPatternSymmetric() bool {
	if a.rows != a.cols {
		return false
	}
	for i := 0; i < a.rows; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			if a.find(int(a.ind[k]), i) < 0 {
				return false
			}
		}
	}
	return true
}

// IsSymmetric reports whether a is square and a_ij = a_ji or
// |a_ij − a_ji| ≤ tol·max|a| for every stored entry (tol = 0: exact
// symmetry), max|a| over the finite entries: an infinite entry must be
// matched exactly, a NaN never is. An entry stored on one side only counts
// as paired with a zero.
func (a *CSR) IsSymmetric(tol float64) bool {
	return a.symmetric(tol, 1)
}

// IsSkewSymmetric reports whether a is square and a_ij = −a_ji within
// tol·max|a| (so the diagonal is zero).
func (a *CSR) IsSkewSymmetric(tol float64) bool {
	return a.symmetric(tol, -1)
}

func (a *CSR) symmetric(tol, sign float64) bool {
	if a.rows != a.cols {
		return false
	}
	scale := 0.0 // largest finite modulus: an infinite one would accept any pair
	for _, v := range a.val {
		if m := math.Abs(v); m > scale && m <= math.MaxFloat64 {
			scale = m
		}
	}
	lim := tol * scale
	for i := 0; i < a.rows; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			j := int(a.ind[k])
			other := 0.0
			if t := a.find(j, i); t >= 0 {
				other = a.val[t]
			}
			if v, w := a.val[k], sign*other; v != w && !(math.Abs(v-w) <= lim) {
				return false
			}
		}
	}
	return true
}

// NormFrob returns the Frobenius norm of a, √Σ a_ij². One pass over the
// values; a second, scaled pass when the sum of squares overflows or
// underflows, so entries above 1e154 or below 1e-154 give the right
// norm (+Inf only when the norm itself exceeds the float64 range).
func (a *CSR) NormFrob() float64 {
	return vec.Norm(a.val)
}

// Norm1 returns the largest absolute column sum, ‖A‖₁. It allocates one
// value per column, or, when there are more columns than 4·nnz + 64 (a
// wide, very sparse matrix such as a 1×2³¹ row), the nnz column indices
// and moduli sorted by column instead: O(nnz) memory and O(nnz·log nnz)
// time.
func (a *CSR) Norm1() float64 {
	if a.cols > 4*len(a.ind)+64 {
		return a.norm1Sparse()
	}
	cs := make([]float64, a.cols)
	for k, j := range a.ind {
		cs[j] += math.Abs(a.val[k])
	}
	m := 0.0
	for _, v := range cs {
		m = max(m, v) // builtin max: NaN wins over +Inf (math.Max lets +Inf win)
	}
	return m
}

// norm1Sparse is Norm1 for matrices with far more columns than entries:
// the column sums of the entries sorted by column.
func (a *CSR) norm1Sparse() float64 {
	type entry struct {
		col int32
		abs float64
	}
	es := make([]entry, len(a.ind))
	for k, j := range a.ind {
		es[k] = entry{j, math.Abs(a.val[k])}
	}
	// Stable: each column sums its entries in row order, as the dense path does.
	slices.SortStableFunc(es, func(x, y entry) int { return cmp.Compare(x.col, y.col) })
	m := 0.0
	for k := 0; k < len(es); {
		s, j := 0.0, es[k].col
		for ; k < len(es) && es[k].col == j; k++ {
			s += es[k].abs
		}
		m = max(m, s)
	}
	return m
}

// NormInf returns the largest absolute row sum, ‖A‖∞.
func (a *CSR) NormInf() float64 {
	m := 0.0
	for i := 0; i < a.rows; i++ {
		s := 0.0
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			s += math.Abs(a.val[k])
		}
		m = max(m, s)
	}
	return m
}

// MaxAbs returns the largest absolute stored value, 0 for a matrix with
// no stored entry and NaN if a value is NaN. O(nnz).
func (a *CSR) MaxAbs() float64 {
	return vec.MaxAbs(a.val)
}

// checkNil panics with a "sparse:" message naming fn if a matrix argument
// is nil (a programming error; the zero CSR is the valid 0×0 matrix).
// checkNilIO panics when a reader or writer argument is nil (an untyped
// nil interface), which would otherwise be a nil dereference in bufio.
func checkNilIO(fn string, v any, what string) {
	if v == nil {
		panic("sparse: " + fn + ": nil " + what)
	}
}

func checkNil(fn string, ms ...*CSR) {
	for i, m := range ms {
		if m == nil {
			panic(fmt.Sprintf("sparse: %s: matrix argument %d is nil", fn, i+1))
		}
	}
}
