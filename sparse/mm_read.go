package sparse

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/cmplx"
	"os"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/sysmem"
)

// ReadMM reads a Matrix Market matrix (coordinate or array format; real,
// integer, pattern or complex field; any symmetry) from r. A complex file
// gives MM.Complex, any other MM.Real; symmetric storage is expanded,
// duplicates are summed and explicit zeros kept (see MM for every
// convention). Array files give a CSR matrix holding every stored entry.
//
// It reads r once through a 64 KiB buffer in O(file size + rows + cols)
// time. Entries in sorted order (row- or column-major, as WriteMM,
// SciPy's mmwrite and SuiteSparse write them) are assembled without a
// sort; others go through COO.ToCSR. Parsing is serial. A malformed file
// gives an *MMError naming the line and the problem; ReadMM never panics
// on input (a nil r is a programming error and panics). On Linux a matrix
// that certainly cannot fit in the machine's memory (a few-byte file can
// declare 2³¹−1 rows, 16 GiB of row pointers) is an *MMError at the size
// line rather than an out-of-memory crash; elsewhere the allocation is
// attempted.
func ReadMM(r io.Reader) (*MM, error) {
	checkNilIO("ReadMM", r, "reader")
	return readMM(r, "", defaultLimits(), sizeHint(r))
}

// ReadMMFile reads the Matrix Market file at path as ReadMM does; errors
// name the file.
func ReadMMFile(path string) (*MM, error) { return readMMFile(context.Background(), path) }

// ReadMMFileContext is ReadMMFile that stops when ctx is done, as
// LoadContext does; the error then wraps ctx.Err() and names the file.
func ReadMMFileContext(ctx context.Context, path string) (*MM, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	return stopped(ctx, path, func() (*MM, error) { return readMMFile(ctx, path) })
}

// readMMFile is ReadMMFile, reading through ctxReader when ctx can be done
// (context.Background cannot: then the file is read directly).
func readMMFile(ctx context.Context, path string) (*MM, error) {
	f, size, err := openMM(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if ctx.Done() != nil {
		r = ctxReader{ctx, f}
	}
	return readMM(r, path, defaultLimits(), size)
}

// LoadMM reads the real, integer or pattern Matrix Market file at path as
// a CSR matrix (symmetric storage expanded, duplicates summed, explicit
// zeros kept). A complex file is an error: use ReadMMFile for it.
func LoadMM(path string) (*CSR, error) { return loadMM(context.Background(), path) }

// loadMM is LoadMM, reading through ctxReader when ctx can be done.
func loadMM(ctx context.Context, path string) (*CSR, error) {
	m, err := readMMFile(ctx, path)
	if err != nil {
		return nil, err
	}
	if m.Real == nil {
		return nil, &MMError{File: path, Msg: "matrix is complex; use ReadMMFile to read complex matrices"}
	}
	return m.Real, nil
}

// ReadMMDense reads a real or integer Matrix Market file in array format
// into a dense matrix (symmetric storage expanded). Coordinate files, complex
// files and matrices with a zero dimension (which gonum cannot hold) are
// errors; read coordinate files with ReadMM and convert with CSR.ToDense.
func ReadMMDense(r io.Reader) (*mat.Dense, error) {
	checkNilIO("ReadMMDense", r, "reader")
	return readMMDense(r, "", defaultLimits(), sizeHint(r))
}

// ReadMMDenseFile reads the array-format file at path as ReadMMDense does.
func ReadMMDenseFile(path string) (*mat.Dense, error) {
	f, size, err := openMM(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readMMDense(f, path, defaultLimits(), size)
}

func openMM(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		msg := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg = pe.Op + ": " + pe.Err.Error() // the path is already in MMError.File
		}
		return nil, 0, &MMError{File: path, Msg: msg, Err: err}
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// sizeHint returns the number of bytes r holds if r can tell (readers over
// memory, regular files), or -1.
func sizeHint(r io.Reader) int64 {
	switch t := r.(type) {
	case interface{ Len() int }:
		return int64(t.Len())
	case *os.File:
		if st, err := t.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
	}
	return -1
}

// mmLimits bounds what a read may allocate: dimensions above maxDim are
// refused at the size line, and so is a matrix that cannot fit in mem()
// bytes (see checkMemory).
type mmLimits struct {
	maxDim int
	mem    func() (sysmem.Limit, bool)
}

// defaultLimits are the exported readers' limits: MaxDim and the
// machine's RAM.
func defaultLimits() mmLimits { return mmLimits{maxDim: MaxDim, mem: sysmem.Usable} }

func readMM(r io.Reader, name string, lim mmLimits, hint int64) (*MM, error) {
	p := newMMParser(r, lim, hint)
	if err := p.parse(); err != nil {
		return nil, withFile(err, name)
	}
	if err := p.checkMemory(false); err != nil {
		return nil, withFile(err, name)
	}
	m := &MM{Header: p.h}
	var indptr []int
	var ind []int32
	var finite func(k int) bool
	if p.h.Field == MMComplex {
		m.Complex = p.assembleComplex()
		var val []complex128
		indptr, ind, val = m.Complex.Raw()
		finite = func(k int) bool { return !cmplx.IsInf(val[k]) && !cmplx.IsNaN(val[k]) }
	} else {
		m.Real = p.assembleReal()
		var val []float64
		indptr, ind, val = m.Real.Raw()
		finite = func(k int) bool { return !math.IsInf(val[k], 0) && !math.IsNaN(val[k]) }
	}
	// Every value read is finite, but duplicates (or an entry given in
	// both triangles of a symmetric file) can sum past the float64 range.
	for i := 0; i < p.h.Rows; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if !finite(k) {
				return nil, withFile(&MMError{Msg: fmt.Sprintf("entries at (%d,%d) sum beyond the float64 range", i+1, ind[k]+1)}, name)
			}
		}
	}
	return m, nil
}

func readMMDense(r io.Reader, name string, lim mmLimits, hint int64) (*mat.Dense, error) {
	p := newMMParser(r, lim, hint)
	p.denseOnly = true
	if err := p.parse(); err != nil {
		return nil, withFile(err, name)
	}
	rows, cols := p.h.Rows, p.h.Cols
	if rows == 0 || cols == 0 {
		return nil, withFile(&MMError{Line: p.sizeLine, Msg: fmt.Sprintf("a %d×%d matrix cannot be held in a gonum mat.Dense", rows, cols)}, name)
	}
	if err := p.checkMemory(true); err != nil {
		return nil, withFile(err, name)
	}
	// Allocated only now that the file has delivered its entries, so the
	// size is justified by the input.
	d := mat.NewDense(rows, cols, nil)
	raw := d.RawMatrix()
	for k, v := range p.re {
		i, j := int(p.ri[k]), int(p.ci[k])
		raw.Data[i*raw.Stride+j] = v
		if p.mirror && i != j {
			raw.Data[j*raw.Stride+i] = p.sign*v + p.zero
		}
	}
	return d, nil
}

// checkMemory returns an error at the size line when the matrix read
// certainly cannot fit in the machine's memory, instead of letting the
// allocation fail (a fatal error in Go, or the kernel's OOM killer): a
// few-byte file can declare 2³¹−1 rows, whose CSR row pointers alone take
// 16 GiB. The estimate is a lower bound, so a read that could succeed is
// never refused: the triplets already read plus the row pointers of the
// result (8 bytes per row), and as much per column when the entries are
// not in row-major order (assembly then buckets them by column, see
// assembleReal), and as much again per row where assembly holds two
// arrays of row pointers at once; with dense, the rows·cols values of a
// mat.Dense instead.
// No check where that memory is unknown (sysmem.Usable) or p.mem is nil.
func (p *mmParser) checkMemory(dense bool) error {
	if p.mem == nil {
		return nil
	}
	lim, ok := p.mem()
	if !ok {
		return nil
	}
	h := &p.h
	valBytes := 8.0
	if p.complex {
		valBytes = 16
	}
	need := float64(len(p.ri)) * (8 + valBytes)
	what := "as a dense matrix"
	if dense {
		need += float64(h.Rows) * float64(h.Cols) * 8
	} else {
		need += 8 * (float64(h.Rows) + 1)
		what = "for its CSR row pointers and the entries read"
		if p.mirror || !p.rowMajor {
			need += 8 * (float64(h.Cols) + 1)
			what = "for its row and column pointers and the entries read"
		}
		// Two assemblies hold a second array of row pointers: a stored
		// triangle merged with its transpose (assembleReal), and complex
		// entries, whose parts go through COO.ToCSR one after the other
		// (ZCOO.ToZCSR).
		merged := !p.complex && p.mirror && p.lower && (p.rowMajor || p.colMajor)
		if merged || (p.complex && (p.mirror || !p.rowMajor)) {
			need += 8 * (float64(h.Rows) + 1)
		}
	}
	if need <= float64(lim.Bytes) {
		return nil
	}
	entries := "entries"
	if len(p.ri) == 1 {
		entries = "entry"
	}
	return &MMError{Line: p.sizeLine, Msg: fmt.Sprintf("a %d×%d matrix with %d stored %s needs at least %s %s, more than %s",
		h.Rows, h.Cols, len(p.ri), entries, sysmem.FormatBytes(need), what, lim)}
}

func withFile(err error, name string) error {
	var e *MMError
	if errors.As(err, &e) && e.File == "" {
		e.File = name
	}
	return err
}

// mmParser holds the state of one read: the header, and the entries as
// the file stores them, as 0-based triplets (mirror images under symmetric
// storage are made at assembly).
type mmParser struct {
	sc        mmScanner
	h         MMHeader
	maxDim    int
	mem       func() (sysmem.Limit, bool) // the memory this process may use, if checked (see checkMemory)
	hint      int64                       // input size in bytes, -1 if unknown
	denseOnly bool                        // ReadMMDense: refuse coordinate and complex files
	sizeLine  int
	toks      [][]byte

	complex bool    // complex field: values in re and im
	mirror  bool    // symmetric storage: mirror off-diagonal entries
	sign    float64 // mirrored real part factor: +1, or −1 for skew
	// zero is added to every mirrored real part: +0 for the integer field,
	// whose values are integers and so have no −0 (the skew mirror of a
	// stored 0 is 0, as SciPy's int64 array gives, not −1·0 = −0); −0
	// (the identity of addition) otherwise, which changes no value.
	zero   float64
	isign  float64 // mirrored imaginary part factor: +1 symmetric, −1 skew or hermitian
	ri, ci []int32
	re, im []float64

	// The stored entries so far are in strictly increasing row-major
	// (column-major) order, so there are no duplicates and assembly needs
	// no sort; lower: all of them lie in the lower triangle (i ≥ j).
	rowMajor, colMajor, lower bool
}

func newMMParser(r io.Reader, lim mmLimits, hint int64) *mmParser {
	return &mmParser{sc: mmScanner{br: bufio.NewReaderSize(r, 1<<16)}, maxDim: lim.maxDim, mem: lim.mem, hint: hint,
		toks: make([][]byte, 0, 8), rowMajor: true, colMajor: true, lower: true}
}

func (p *mmParser) errf(line int, format string, args ...any) error {
	return &MMError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *mmParser) parse() error {
	if err := p.banner(); err != nil {
		return err
	}
	if err := p.sizeAndComments(); err != nil {
		return err
	}
	if p.h.Format == MMArray {
		return p.arrayBody()
	}
	return p.coordinateBody()
}

// otherFormat names the format of a file that starts with line when it
// is one a Matrix Market reader is often handed by mistake (NumPy's .npy,
// a zip archive such as SciPy's .npz, gzip), as "" or ": a NumPy .npy
// file, ...".
func otherFormat(line []byte) string {
	switch {
	case bytes.HasPrefix(line, []byte("\x93NUMPY")):
		return ": this is a NumPy .npy file (a dense array), not Matrix Market"
	case bytes.HasPrefix(line, []byte("PK\x03\x04")):
		return ": this is a zip archive (a SciPy .npz? read it with ReadNPZ, or name it .npz for the CLI), not Matrix Market"
	case bytes.HasPrefix(line, []byte("\x1f\x8b")):
		return ": this is gzip-compressed; decompress it first (gunzip)"
	}
	return ""
}

// banner reads and checks the %%MatrixMarket line.
func (p *mmParser) banner() error {
	line, err := p.sc.next()
	if err == io.EOF {
		return p.errf(1, "empty input: missing %%%%MatrixMarket banner")
	}
	if err != nil {
		return err
	}
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	t := mmFields(p.toks, line, 5)
	if len(t) == 0 || !strings.EqualFold(string(t[0]), "%%MatrixMarket") {
		return p.errf(1, "missing %%%%MatrixMarket banner: line starts %s%s", quoteTok(line), otherFormat(line))
	}
	if i := bytes.IndexByte(line, '\r'); i >= 0 && i < len(bytes.TrimRight(line, "\r")) {
		// A carriage return inside the first line: lines end in CR alone.
		return p.errf(1, "lines end in a carriage return alone (classic Mac OS line endings); convert them to LF or CRLF")
	}
	if len(t) != 5 {
		return p.errf(1, "banner has %s words, want 5: %%%%MatrixMarket matrix FORMAT FIELD SYMMETRY", countWords(len(t), 5))
	}
	h := &p.h
	h.Object = strings.ToLower(string(t[1]))
	h.Format = strings.ToLower(string(t[2]))
	h.Field = strings.ToLower(string(t[3]))
	h.Symmetry = strings.ToLower(string(t[4]))
	switch h.Object {
	case "matrix":
	case "vector":
		return p.errf(1, "object %q is not supported (only matrix)", h.Object)
	default:
		return p.errf(1, "unknown object %s (want matrix)", quoteTok(t[1]))
	}
	switch h.Format {
	case MMCoordinate, MMArray:
	default:
		return p.errf(1, "unknown format %s (want coordinate or array)", quoteTok(t[2]))
	}
	switch h.Field {
	case MMReal, MMInteger, MMComplex, MMPattern:
	default:
		return p.errf(1, "unknown field %s (want real, integer, complex or pattern)", quoteTok(t[3]))
	}
	switch h.Symmetry {
	case MMGeneral, MMSymmetric, MMSkewSymmetric, MMHermitian:
	default:
		return p.errf(1, "unknown symmetry %s (want general, symmetric, skew-symmetric or hermitian)", quoteTok(t[4]))
	}
	if h.Field == MMPattern && h.Format == MMArray {
		return p.errf(1, "pattern field is not allowed with array format")
	}
	if h.Field == MMPattern && h.Symmetry == MMSkewSymmetric {
		return p.errf(1, "pattern field cannot be skew-symmetric")
	}
	if p.denseOnly && h.Format != MMArray {
		return p.errf(1, "file is in coordinate format; ReadMMDense reads array files (use ReadMM and CSR.ToDense)")
	}
	if p.denseOnly && h.Field == MMComplex {
		return p.errf(1, "complex field: ReadMMDense reads real matrices (use ReadMM)")
	}
	p.complex = h.Field == MMComplex
	p.mirror = h.Symmetry != MMGeneral
	p.sign, p.isign = 1, 1
	p.zero = math.Copysign(0, -1)
	if h.Field == MMInteger {
		p.zero = 0
	}
	switch {
	case h.Symmetry == MMSkewSymmetric:
		p.sign, p.isign = -1, -1
	case h.Symmetry == MMHermitian && p.complex:
		p.isign = -1
	}
	return nil
}

func countWords(n, max int) string {
	if n > max {
		return fmt.Sprintf("more than %d", max)
	}
	return fmt.Sprint(n)
}

// sizeAndComments collects the comment lines after the banner and reads
// the size line.
func (p *mmParser) sizeAndComments() error {
	h := &p.h
	var line []byte
	for {
		var err error
		line, err = p.sc.next()
		if err == io.EOF {
			return p.errf(p.sc.line+1, "missing size line: input ends after the header")
		}
		if err != nil {
			return err
		}
		if !mmSkip(line) {
			break
		}
		if c := bytes.TrimLeft(line, " \t\r\v\f"); len(c) > 0 {
			h.Comments = append(h.Comments, string(c[1:]))
		}
	}
	p.sizeLine = p.sc.line
	want, what := 3, "rows columns entries"
	if h.Format == MMArray {
		want, what = 2, "rows columns"
	}
	t := mmFields(p.toks, line, want)
	if len(t) != want {
		return p.errf(p.sc.line, "size line has %s numbers, want %d (%s)", countWords(len(t), want), want, what)
	}
	names := [3]string{"rows", "columns", "entries"}
	var v [3]int64
	for k := range t {
		x, ok := mmInt(t[k])
		if !ok {
			return p.errf(p.sc.line, "invalid number of %s %s in size line", names[k], quoteTok(t[k]))
		}
		if x < 0 {
			return p.errf(p.sc.line, "negative number of %s %s", names[k], intTok(t[k]))
		}
		if k < 2 && x > int64(p.maxDim) {
			return p.errf(p.sc.line, "number of %s %s exceeds the limit %d", names[k], intTok(t[k]), p.maxDim)
		}
		v[k] = x
	}
	h.Rows, h.Cols = int(v[0]), int(v[1])
	if p.mirror && h.Rows != h.Cols {
		return p.errf(p.sc.line, "%s matrix must be square, size line says %d×%d", h.Symmetry, h.Rows, h.Cols)
	}
	if h.Format == MMCoordinate {
		if v[2] >= 1<<62 {
			return p.errf(p.sc.line, "entry count %s too large", quoteTok(t[2]))
		}
		h.Entries = int(v[2])
		return nil
	}
	n := int64(h.Rows)
	switch h.Symmetry {
	case MMGeneral:
		h.Entries = int(n * int64(h.Cols))
	case MMSkewSymmetric:
		h.Entries = int(n * (n - 1) / 2)
	default:
		h.Entries = int(n * (n + 1) / 2)
	}
	if n == 0 {
		h.Entries = 0
	}
	return nil
}

// reserve preallocates the triplet slices for the declared number of
// entries, bounded by what the input can hold (minBytes per entry line)
// or by 2²⁰ entries when the input size is unknown.
func (p *mmParser) reserve(minBytes int) {
	c := int64(p.h.Entries)
	if p.hint >= 0 {
		c = min(c, p.hint/int64(minBytes)+1)
	} else {
		c = min(c, 1<<20)
	}
	p.ri = make([]int32, 0, c)
	p.ci = make([]int32, 0, c)
	p.re = make([]float64, 0, c)
	if p.complex {
		p.im = make([]float64, 0, c)
	}
}

// add stores entry (i, j) (0-based) as read; mirror images under
// symmetric storage are made at assembly.
func (p *mmParser) add(i, j int32, re, im float64) error {
	if i == j && p.mirror {
		if p.h.Symmetry == MMSkewSymmetric {
			return p.errf(p.sc.line, "skew-symmetric matrix has a diagonal entry (%d,%d)", i+1, j+1)
		}
		if p.h.Symmetry == MMHermitian && p.complex && im != 0 {
			return p.errf(p.sc.line, "hermitian matrix has a non-real diagonal entry (%d,%d)", i+1, j+1)
		}
	}
	if n := len(p.ri); n > 0 && (p.rowMajor || p.colMajor) {
		pi, pj := p.ri[n-1], p.ci[n-1]
		p.rowMajor = p.rowMajor && (i > pi || i == pi && j > pj)
		p.colMajor = p.colMajor && (j > pj || j == pj && i > pi)
	}
	p.lower = p.lower && i >= j
	p.ri = append(p.ri, i)
	p.ci = append(p.ci, j)
	p.re = append(p.re, re)
	if p.complex {
		p.im = append(p.im, im)
	}
	return nil
}

// withMirrors returns the stored entries with, right after each
// off-diagonal one, its mirror image (sign·re, isign·im at (j, i)). Keeping
// each mirror next to its entry makes COO.ToCSR sum the contributions to
// (i, j) and to (j, i) in the same order, so the expanded matrix is
// exactly symmetric (skew, hermitian) even when the file gives a position
// in both triangles.
func (p *mmParser) withMirrors() (ri, ci []int32, re, im []float64) {
	n := len(p.ri)
	m := n
	for k := 0; k < n; k++ {
		if p.ri[k] != p.ci[k] {
			m++
		}
	}
	ri, ci, re = make([]int32, 0, m), make([]int32, 0, m), make([]float64, 0, m)
	if p.complex {
		im = make([]float64, 0, m)
	}
	for k := 0; k < n; k++ {
		i, j := p.ri[k], p.ci[k]
		ri, ci, re = append(ri, i), append(ci, j), append(re, p.re[k])
		if p.complex {
			im = append(im, p.im[k])
		}
		if i != j {
			ri, ci, re = append(ri, j), append(ci, i), append(re, p.sign*p.re[k]+p.zero)
			if p.complex {
				im = append(im, p.isign*p.im[k])
			}
		}
	}
	return ri, ci, re, im
}

// assembleReal returns the entries read as a CSR matrix, without sorting
// when the file's order allows:
//
//   - general, strictly increasing row-major order (as WriteMM and SciPy's
//     mmwrite of a CSR matrix write): the entries are the CSR arrays, and
//     one counting pass makes the row pointers;
//   - general, strictly column-major (the usual order of SuiteSparse and
//     array files): they are the CSR arrays of the transpose, and one
//     transposition gives the matrix;
//   - symmetric or skew-symmetric storage with every entry in the lower
//     triangle in either strict order (WriteMM, SuiteSparse, array files):
//     the lower triangle L and its transpose are formed as above and each
//     row of the result is row i of L followed by the off-diagonal part of
//     row i of Lᵀ (times −1 for skew), already sorted.
//
// Anything else (unsorted entries, duplicates, entries in the upper
// triangle of a symmetric file) goes through COO.ToCSR, which sorts and
// sums duplicates. Every path gives the same matrix.
func (p *mmParser) assembleReal() *CSR {
	h := &p.h
	sorted := p.rowMajor || p.colMajor
	switch {
	case !p.mirror && p.rowMajor:
		return newCSR(h.Rows, h.Cols, mmPointers(p.ri, h.Rows), p.ci, p.re)
	case !p.mirror && p.colMajor:
		return newCSR(h.Cols, h.Rows, mmPointers(p.ci, h.Cols), p.ri, p.re).T()
	case p.mirror && sorted && p.lower:
		var L, U *CSR // the stored lower triangle; its transpose
		if p.rowMajor {
			L = newCSR(h.Rows, h.Cols, mmPointers(p.ri, h.Rows), p.ci, p.re)
			U = L.T()
		} else {
			U = newCSR(h.Cols, h.Rows, mmPointers(p.ci, h.Cols), p.ri, p.re)
			L = U.T()
		}
		return mmMergeTriangles(L, U, p.sign, p.zero)
	}
	ri, ci, re := p.ri, p.ci, p.re
	if p.mirror {
		ri, ci, re, _ = p.withMirrors()
	}
	return (&COO{rows: h.Rows, cols: h.Cols, ri: ri, ci: ci, v: re}).ToCSR()
}

// mmMergeTriangles returns L + (sign·(U without its diagonal) + zero) for
// a lower triangular L and U = Lᵀ (zero as in mmParser): row i is L's row
// i (columns ≤ i) followed by U's row i minus its diagonal (columns > i),
// so it is sorted as built.
func mmMergeTriangles(L, U *CSR, sign, zero float64) *CSR {
	n := L.rows
	lp, li, lv := L.Raw()
	up, ui, uv := U.Raw()
	indptr := make([]int, n+1)
	for i := 0; i < n; i++ {
		c := lp[i+1] - lp[i] + up[i+1] - up[i]
		if up[i+1] > up[i] && int(ui[up[i]]) == i {
			c--
		}
		indptr[i+1] = indptr[i] + c
	}
	ind := make([]int32, indptr[n])
	val := make([]float64, indptr[n])
	for i := 0; i < n; i++ {
		k := indptr[i]
		k += copy(ind[k:], li[lp[i]:lp[i+1]])
		copy(val[indptr[i]:], lv[lp[i]:lp[i+1]])
		s := up[i]
		if s < up[i+1] && int(ui[s]) == i {
			s++
		}
		for t := s; t < up[i+1]; t++ {
			ind[k], val[k] = ui[t], sign*uv[t]+zero
			k++
		}
	}
	return newCSR(n, n, indptr, ind, val)
}

// assembleComplex is assembleReal for complex entries, with the direct
// path for general row-major files only.
func (p *mmParser) assembleComplex() *ZCSR {
	h := &p.h
	if !p.mirror && p.rowMajor {
		val := make([]complex128, len(p.re))
		for k := range val {
			val[k] = complex(p.re[k], p.im[k])
		}
		return &ZCSR{rows: h.Rows, cols: h.Cols, indptr: mmPointers(p.ri, h.Rows), ind: p.ci, val: val}
	}
	ri, ci, re, im := p.ri, p.ci, p.re, p.im
	if p.mirror {
		ri, ci, re, im = p.withMirrors()
	}
	return (&ZCOO{rows: h.Rows, cols: h.Cols, ri: ri, ci: ci, re: re, im: im}).ToZCSR()
}

// mmPointers returns the CSR pointers of n rows for sorted row indices.
func mmPointers(rowIdx []int32, n int) []int {
	ptr := make([]int, n+1)
	for _, i := range rowIdx {
		ptr[i+1]++
	}
	for i := 0; i < n; i++ {
		ptr[i+1] += ptr[i]
	}
	return ptr
}

// values parses the value tokens of an entry line.
func (p *mmParser) values(t [][]byte) (re, im float64, err error) {
	var msg string
	switch p.h.Field {
	case MMPattern:
		return 1, 0, nil
	case MMInteger:
		re, msg = mmInteger(t[0])
	case MMReal:
		re, msg = mmFloat(t[0])
	case MMComplex:
		if re, msg = mmFloat(t[0]); msg == "" {
			im, msg = mmFloat(t[1])
		}
	}
	if msg != "" {
		return 0, 0, p.errf(p.sc.line, "%s", msg)
	}
	return re, im, nil
}

// nextEntry returns the next entry line split into exactly want tokens,
// skipping blank and comment lines; got is the number of entries read so
// far, for the truncation message.
func (p *mmParser) nextEntry(want, got int, what string) ([][]byte, error) {
	for {
		line, err := p.sc.next()
		if err == io.EOF {
			return nil, p.errf(p.sc.line+1, "input ends after %d of %d entries (truncated file?)", got, p.h.Entries)
		}
		if err != nil {
			return nil, err
		}
		if mmSkip(line) {
			continue
		}
		p.toks = mmFields(p.toks, line, want)
		if len(p.toks) != want {
			return nil, p.errf(p.sc.line, "entry line has %s fields, want %d (%s)", countWords(len(p.toks), want), want, what)
		}
		return p.toks, nil
	}
}

// trailer checks that only blank and comment lines follow the entries.
func (p *mmParser) trailer() error {
	for {
		line, err := p.sc.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !mmSkip(line) {
			return p.errf(p.sc.line, "more entries than the %d declared", p.h.Entries)
		}
	}
}

func (p *mmParser) coordinateBody() error {
	h := &p.h
	want, what, minBytes := 3, "row column value", 6
	switch h.Field {
	case MMPattern:
		want, what, minBytes = 2, "row column", 4
	case MMComplex:
		want, what, minBytes = 4, "row column real imaginary", 8
	}
	p.reserve(minBytes)
	for n := 0; n < h.Entries; n++ {
		t, err := p.nextEntry(want, n, what)
		if err != nil {
			return err
		}
		i, ok := mmInt(t[0])
		if !ok {
			return p.errf(p.sc.line, "invalid row index %s", quoteTok(t[0]))
		}
		if i < 1 || i > int64(h.Rows) {
			return p.errf(p.sc.line, "row index %s out of range [1,%d]", intTok(t[0]), h.Rows)
		}
		j, ok := mmInt(t[1])
		if !ok {
			return p.errf(p.sc.line, "invalid column index %s", quoteTok(t[1]))
		}
		if j < 1 || j > int64(h.Cols) {
			return p.errf(p.sc.line, "column index %s out of range [1,%d]", intTok(t[1]), h.Cols)
		}
		re, im, err := p.values(t[2:])
		if err != nil {
			return err
		}
		if err := p.add(int32(i-1), int32(j-1), re, im); err != nil {
			return err
		}
	}
	return p.trailer()
}

// arrayBody reads the values of an array file: column by column, the
// whole matrix for general files, the lower triangle (with the diagonal
// for symmetric and hermitian, without it for skew-symmetric) otherwise.
func (p *mmParser) arrayBody() error {
	h := &p.h
	want, what, minBytes := 1, "value", 2
	if p.complex {
		want, what, minBytes = 2, "real imaginary", 4
	}
	p.reserve(minBytes)
	i, j := 0, 0
	if h.Symmetry == MMSkewSymmetric {
		i = 1
	}
	for n := 0; n < h.Entries; n++ {
		t, err := p.nextEntry(want, n, what)
		if err != nil {
			return err
		}
		re, im, err := p.values(t)
		if err != nil {
			return err
		}
		if err := p.add(int32(i), int32(j), re, im); err != nil {
			return err
		}
		if i++; i == h.Rows {
			j++
			switch h.Symmetry {
			case MMGeneral:
				i = 0
			case MMSkewSymmetric:
				i = j + 1
			default:
				i = j
			}
		}
	}
	return p.trailer()
}
