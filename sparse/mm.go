package sparse

import (
	"fmt"
	"strings"
)

// Matrix Market header keywords, lower case as this package reports them.
const (
	MMCoordinate = "coordinate"
	MMArray      = "array"

	MMReal    = "real"
	MMInteger = "integer"
	MMComplex = "complex"
	MMPattern = "pattern"

	MMGeneral       = "general"
	MMSymmetric     = "symmetric"
	MMSkewSymmetric = "skew-symmetric"
	MMHermitian     = "hermitian"
)

// MMHeader is what a Matrix Market file declares about its matrix.
//
// Object, Format, Field and Symmetry are the banner's keywords in lower
// case ("matrix"; "coordinate" or "array"; "real", "integer", "complex" or
// "pattern"; "general", "symmetric", "skew-symmetric" or "hermitian"), as
// written in the file: a real "hermitian" file keeps that word here even
// though it is read as symmetric. Rows and Cols are the dimensions. Entries
// is the number of entry lines: the size line's count for coordinate files,
// the number of stored values for array files. Comments holds the text
// after the leading '%' of each comment line between the banner and the
// size line.
type MMHeader struct {
	Object, Format, Field, Symmetry string
	Rows, Cols, Entries             int
	Comments                        []string
}

// MM is a matrix read from a Matrix Market file: its header and the matrix
// in CSR form, symmetric storage expanded. Exactly one of Real (real,
// integer and pattern fields) and Complex (complex field) is non-nil.
//
// Matrix Market I/O follows the NIST exchange format: R. F. Boisvert,
// R. Pozo and K. A. Remington, "The Matrix Market Exchange Formats: Initial
// Design", NISTIR 5935 (1996). Choices the format leaves open, and how this
// package settles them (SciPy's scipy.io.mmread makes the same ones unless
// noted):
//
//   - Symmetric, skew-symmetric and hermitian storage is expanded on
//     reading: every off-diagonal entry (i,j) also gives (j,i) with the
//     same value, its negative, or its conjugate. Entries may lie in either
//     triangle; an entry given in both triangles is summed with the mirror
//     of the other, as duplicates are, each mirror right after its entry,
//     so the sums at (i,j) and (j,i) are exactly symmetric (SciPy adds all
//     mirrors after all entries, and its two sums can differ in the last
//     bit).
//   - Duplicate entries are summed. Explicitly stored zeros are kept as
//     stored entries (they belong to the pattern).
//   - Pattern files read as value 1 at every stored position.
//   - A hermitian header with a real, integer or pattern field is read as
//     symmetric (the conjugate of a real number is itself). A hermitian
//     complex file whose diagonal has a non-zero imaginary part is refused,
//     as is a skew-symmetric file with a diagonal entry (SciPy accepts both).
//   - NaN and infinite values are refused: no solver can use them, and
//     failing at the line that holds them beats failing later.
//   - Also refused where SciPy accepts them: a symmetric, skew-symmetric
//     or hermitian header with a non-square size line, a pattern
//     skew-symmetric header, dimensions above MaxDim (the CSR's int32
//     column indices), and an entry line with more tokens than its field
//     needs (a value in a pattern file, a trailing comment). A UTF-8 byte
//     order mark before the banner is skipped.
//   - Integer values are read exactly as 64-bit integers and stored as
//     float64 (exact up to 2⁵³ in magnitude); duplicates are summed as
//     float64 (SciPy sums them as int64: exactly, wrapping on overflow).
//   - Comment lines (first non-blank character '%') and blank lines are
//     accepted anywhere after the banner; lines may end in "\r\n". Header
//     keywords are case-insensitive. A line may hold at most 1 MiB.
//   - The entry count in the size line is a hint for preallocation only,
//     capped by the input's size when it is known and by 2²⁰ entries
//     otherwise, so a header that lies cannot make the reader allocate
//     more than the input justifies. Memory is O(rows + cols + entries);
//     the rows and columns are the header's, so a header declaring 2³¹
//     rows costs 16 GiB of row pointers however few entries follow, and
//     one declaring 2³¹ columns as much unless the entries are in
//     row-major order.
//   - Numbers are decimal (digits, optional point and exponent): no hex
//     floats, digit separators or Fortran "D" exponents. Values are
//     converted with correct rounding, so a value written in shortest
//     round-trip form (as WriteMM writes) reads back bit for bit.
type MM struct {
	Header  MMHeader
	Real    *CSR
	Complex *ZCSR
}

// MMError is a malformed Matrix Market file or a failure to read one: the
// file name (empty for a stream), the 1-based line number where the problem
// was found (0 when no line applies, e.g. a failure to open the file), what
// is wrong, and the underlying I/O error if any.
type MMError struct {
	File string
	Line int
	Msg  string
	Err  error
}

// Error formats e as "mm: FILE: line N: MSG", leaving out the parts that
// are unknown.
func (e *MMError) Error() string {
	var b strings.Builder
	b.WriteString("mm: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying I/O error, if any.
func (e *MMError) Unwrap() error { return e.Err }
