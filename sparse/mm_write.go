package sparse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/cmplx"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/atomicfile"
	"github.com/subspace-lab/subspace/internal/nilcheck"
)

// MMWriteOptions controls the Matrix Market writers. A nil pointer and the
// zero value mean: real field (complex for WriteMMComplex), general
// symmetry, no comments.
type MMWriteOptions struct {
	// Field is MMReal (default) or MMInteger, or MMPattern (coordinate
	// only: positions without values). WriteMMComplex writes MMComplex and
	// accepts only that or "".
	Field string
	// Symmetry is MMGeneral (default), MMSymmetric or MMSkewSymmetric, and
	// MMHermitian for WriteMMComplex. With anything but general the matrix
	// must have that symmetry exactly (values compared with ==, and the
	// same pattern in both triangles; a skew-symmetric matrix must store no
	// diagonal entry) and only its lower triangle is written. The read
	// mirrors it, so the upper triangle comes back with the lower's sign
	// of zero (== does not tell −0 from +0; subspace convert compares
	// bits when it chooses a storage).
	Symmetry string
	// Comments are written after the banner, each as a line "%" + text
	// (so a comment read by ReadMM is written back unchanged); a comment
	// containing newlines becomes several lines.
	Comments []string
}

func (o *MMWriteOptions) resolve(defField string) (field, sym string, comments []string) {
	field, sym = defField, MMGeneral
	if o != nil {
		if o.Field != "" {
			field = strings.ToLower(o.Field)
		}
		if o.Symmetry != "" {
			sym = strings.ToLower(o.Symmetry)
		}
		comments = o.Comments
	}
	return field, sym, comments
}

func mmWriteErrorf(format string, args ...any) error {
	return fmt.Errorf("mm: write: "+format, args...)
}

// WriteMM writes A to w in Matrix Market coordinate format: the banner,
// the comments, the size line and one line "i j value" per stored entry
// (1-based, row by row), explicit zeros included. Real values are written
// in the shortest decimal form that reads back to the same float64
// (strconv 'g' with precision −1), so a write then a read reproduces A
// exactly (with symmetric storage, up to the sign of a zero: see
// MMWriteOptions.Symmetry); integer values are written as integers, digit for digit. See
// MMWriteOptions for the field and symmetry.
//
// It returns an error, before writing anything, if a value is NaN or
// infinite, if the integer field is asked for and a value is not an
// integer of magnitude below 2⁶³, or if A does not have the requested
// symmetry; and any error from w. O(nnz) time (O(nnz log) to check a
// symmetry). A nil A or w is a programming error: it panics.
func WriteMM(w io.Writer, A *CSR, o *MMWriteOptions) error {
	checkNilIO("WriteMM", w, "writer")
	checkNil("WriteMM", A)
	field, sym, comments := o.resolve(MMReal)
	switch field {
	case MMReal, MMInteger, MMPattern:
	case MMComplex:
		return mmWriteErrorf("complex field: use WriteMMComplex with a ZCSR")
	default:
		return mmWriteErrorf("unknown field %q (want real, integer or pattern)", field)
	}
	if err := mmCheckSymmetryName(sym, false); err != nil {
		return err
	}
	if field == MMPattern && sym == MMSkewSymmetric {
		return mmWriteErrorf("pattern field cannot be skew-symmetric")
	}
	indptr, ind, val := A.Raw()
	if field != MMPattern {
		for k, v := range val {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				i := sort.Search(A.rows, func(i int) bool { return indptr[i+1] > k })
				return mmWriteErrorf("entry (%d,%d) is %v; Matrix Market files hold finite values only", i+1, ind[k]+1, v)
			}
		}
	}
	if field == MMInteger {
		for k, v := range val {
			if v != math.Trunc(v) || v < -(1<<63) || v >= 1<<63 {
				i := sort.Search(A.rows, func(i int) bool { return indptr[i+1] > k })
				return mmWriteErrorf("entry (%d,%d) = %v is not an int64 integer; use the real field", i+1, ind[k]+1, v)
			}
		}
	}
	nnz := len(ind)
	if sym != MMGeneral {
		eq := func(a, b float64) bool { return a == b }
		switch {
		case field == MMPattern:
			eq = func(a, b float64) bool { return true }
		case sym == MMSkewSymmetric:
			eq = func(a, b float64) bool { return a == -b }
		}
		var err error
		if nnz, err = mmLower(A.rows, A.cols, indptr, ind, val, sym, eq, nil); err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	mmWriteHeader(bw, MMCoordinate, field, sym, comments)
	b := make([]byte, 0, 64)
	b = strconv.AppendInt(b, int64(A.rows), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(A.cols), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(nnz), 10)
	b = append(b, '\n')
	bw.Write(b)
	for i := 0; i < A.rows; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			j := int(ind[k])
			if !mmWritten(i, j, sym) {
				continue
			}
			b = strconv.AppendInt(b[:0], int64(i+1), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(j+1), 10)
			switch field {
			case MMReal:
				b = append(b, ' ')
				b = strconv.AppendFloat(b, val[k], 'g', -1, 64)
			case MMInteger:
				b = append(b, ' ')
				b = strconv.AppendInt(b, int64(val[k]), 10) // exact: checked integral and in range
			}
			b = append(b, '\n')
			bw.Write(b)
		}
	}
	return mmFlush(bw)
}

// WriteMMComplex writes the complex matrix A to w in Matrix Market
// coordinate format with the complex field, one line "i j re im" per
// stored entry, values in shortest round-trip form. Options.Symmetry may be
// general, symmetric, skew-symmetric or hermitian (a_ji = conj(a_ij), real
// diagonal); the matrix must have it exactly. Errors (and the panic on a
// nil A) as for WriteMM.
func WriteMMComplex(w io.Writer, A *ZCSR, o *MMWriteOptions) error {
	checkNilIO("WriteMMComplex", w, "writer")
	if A == nil {
		panic("sparse: WriteMMComplex: nil matrix")
	}
	field, sym, comments := o.resolve(MMComplex)
	if field != MMComplex {
		return mmWriteErrorf("WriteMMComplex writes the complex field, not %q", field)
	}
	if err := mmCheckSymmetryName(sym, true); err != nil {
		return err
	}
	indptr, ind, val := A.Raw()
	for k, z := range val {
		if cmplx.IsNaN(z) || cmplx.IsInf(z) {
			i := sort.Search(A.rows, func(i int) bool { return indptr[i+1] > k })
			return mmWriteErrorf("entry (%d,%d) is %v; Matrix Market files hold finite values only", i+1, ind[k]+1, z)
		}
	}
	nnz := len(ind)
	if sym != MMGeneral {
		eq := func(a, b complex128) bool { return a == b }
		var diag func(complex128) bool
		switch sym {
		case MMSkewSymmetric:
			eq = func(a, b complex128) bool { return a == -b }
		case MMHermitian:
			eq = func(a, b complex128) bool { return a == cmplx.Conj(b) }
			diag = func(z complex128) bool { return imag(z) == 0 }
		}
		var err error
		if nnz, err = mmLower(A.rows, A.cols, indptr, ind, val, sym, eq, diag); err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	mmWriteHeader(bw, MMCoordinate, MMComplex, sym, comments)
	fmt.Fprintf(bw, "%d %d %d\n", A.rows, A.cols, nnz)
	b := make([]byte, 0, 96)
	for i := 0; i < A.rows; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			j := int(ind[k])
			if !mmWritten(i, j, sym) {
				continue
			}
			b = strconv.AppendInt(b[:0], int64(i+1), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(j+1), 10)
			b = append(b, ' ')
			b = strconv.AppendFloat(b, real(val[k]), 'g', -1, 64)
			b = append(b, ' ')
			b = strconv.AppendFloat(b, imag(val[k]), 'g', -1, 64)
			b = append(b, '\n')
			bw.Write(b)
		}
	}
	return mmFlush(bw)
}

// WriteMMDense writes m to w in Matrix Market array format: every entry,
// column by column (only the lower triangle under symmetric storage, and
// without the diagonal for skew-symmetric). Options.Field may be real or
// integer, Symmetry general, symmetric or skew-symmetric (checked exactly).
// Errors (and the panic on a nil m) as for WriteMM. O(rows·cols) time.
func WriteMMDense(w io.Writer, m mat.Matrix, o *MMWriteOptions) error {
	checkNilIO("WriteMMDense", w, "writer")
	if nilcheck.IsNil(m) {
		panic("sparse: WriteMMDense: nil matrix")
	}
	field, sym, comments := o.resolve(MMReal)
	if field != MMReal && field != MMInteger {
		return mmWriteErrorf("array format holds the real or integer field, not %q", field)
	}
	if err := mmCheckSymmetryName(sym, false); err != nil {
		return err
	}
	r, c := m.Dims()
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			v := m.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return mmWriteErrorf("entry (%d,%d) is %v; Matrix Market files hold finite values only", i+1, j+1, v)
			}
			if field == MMInteger && (v != math.Trunc(v) || v < -(1<<63) || v >= 1<<63) {
				return mmWriteErrorf("entry (%d,%d) = %v is not an int64 integer; use the real field", i+1, j+1, v)
			}
		}
	}
	if sym != MMGeneral {
		if r != c {
			return mmWriteErrorf("a %d×%d matrix cannot be %s", r, c, sym)
		}
		for j := 0; j < c; j++ {
			for i := j; i < r; i++ {
				a, b := m.At(i, j), m.At(j, i)
				if sym == MMSymmetric && a != b || sym == MMSkewSymmetric && a != -b {
					return mmWriteErrorf("matrix is not %s: entry (%d,%d) = %v but (%d,%d) = %v", sym, i+1, j+1, a, j+1, i+1, b)
				}
			}
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	mmWriteHeader(bw, MMArray, field, sym, comments)
	fmt.Fprintf(bw, "%d %d\n", r, c)
	b := make([]byte, 0, 32)
	for j := 0; j < c; j++ {
		i0 := 0
		switch sym {
		case MMSymmetric:
			i0 = j
		case MMSkewSymmetric:
			i0 = j + 1
		}
		for i := i0; i < r; i++ {
			if field == MMInteger {
				b = strconv.AppendInt(b[:0], int64(m.At(i, j)), 10) // exact: checked integral and in range
			} else {
				b = strconv.AppendFloat(b[:0], m.At(i, j), 'g', -1, 64)
			}
			b = append(b, '\n')
			bw.Write(b)
		}
	}
	return mmFlush(bw)
}

// SaveMM writes A to the file at path with WriteMM, atomically: into a
// temporary file in the same directory, renamed over path only once
// complete, so that a failed or interrupted write leaves neither a
// partial file nor a damaged earlier one under path. It panics if A is
// nil.
func SaveMM(path string, A *CSR, o *MMWriteOptions) error {
	checkNil("SaveMM", A)
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("mm: %s: %w", path, err)
	}
	if err := WriteMM(f, A, o); err != nil {
		f.Abort()
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			// A write error names the temporary file: name path instead.
			return fmt.Errorf("mm: %s: %w", path, atomicfile.WithoutTempName(err))
		}
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("mm: %s: %w", path, err)
	}
	return nil
}

func mmCheckSymmetryName(sym string, complex bool) error {
	switch sym {
	case MMGeneral, MMSymmetric, MMSkewSymmetric:
		return nil
	case MMHermitian:
		if complex {
			return nil
		}
		return mmWriteErrorf("hermitian symmetry needs a complex matrix (write a real symmetric matrix as symmetric)")
	}
	return mmWriteErrorf("unknown symmetry %q (want general, symmetric, skew-symmetric or hermitian)", sym)
}

// mmWritten reports whether entry (i, j) is written under storage sym.
func mmWritten(i, j int, sym string) bool {
	switch sym {
	case MMGeneral:
		return true
	case MMSkewSymmetric:
		return j < i
	}
	return j <= i
}

// mmLower checks that the matrix (rows, cols, CSR arrays) has symmetry sym:
// square, every off-diagonal (i,j) paired with a stored (j,i) for which
// eq(a_ij, a_ji) holds, no stored diagonal under skew-symmetry, and
// diag(a_ii) for every diagonal entry if diag is not nil. It returns the
// number of entries to write (those in the lower triangle).
func mmLower[T any](rows, cols int, indptr []int, ind []int32, val []T, sym string, eq func(a, b T) bool, diag func(T) bool) (int, error) {
	if rows != cols {
		return 0, mmWriteErrorf("a %d×%d matrix cannot be %s", rows, cols, sym)
	}
	n := 0
	for i := 0; i < rows; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			j := int(ind[k])
			if j == i {
				if sym == MMSkewSymmetric {
					return 0, mmWriteErrorf("skew-symmetric storage cannot hold the stored diagonal entry (%d,%d) = %v; write it as general", i+1, i+1, val[k])
				}
				if diag != nil && !diag(val[k]) {
					return 0, mmWriteErrorf("matrix is not %s: diagonal entry (%d,%d) = %v", sym, i+1, i+1, val[k])
				}
				n++
				continue
			}
			row := ind[indptr[j]:indptr[j+1]]
			t := sort.Search(len(row), func(t int) bool { return int(row[t]) >= i })
			if t == len(row) || int(row[t]) != i {
				return 0, mmWriteErrorf("matrix is not %s: entry (%d,%d) is stored but (%d,%d) is not", sym, i+1, j+1, j+1, i+1)
			}
			if b := val[indptr[j]+t]; !eq(val[k], b) {
				return 0, mmWriteErrorf("matrix is not %s: entry (%d,%d) = %v but (%d,%d) = %v", sym, i+1, j+1, val[k], j+1, i+1, b)
			}
			if j < i {
				n++
			}
		}
	}
	return n, nil
}

func mmWriteHeader(bw *bufio.Writer, format, field, sym string, comments []string) {
	fmt.Fprintf(bw, "%%%%MatrixMarket matrix %s %s %s\n", format, field, sym)
	for _, c := range comments {
		for _, line := range strings.Split(strings.ReplaceAll(c, "\r\n", "\n"), "\n") {
			bw.WriteString("%")
			bw.WriteString(strings.ReplaceAll(line, "\r", " "))
			bw.WriteString("\n")
		}
	}
}

func mmFlush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("mm: write: %w", err)
	}
	return nil
}
