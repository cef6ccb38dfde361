package sparse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/npy"
)

// LoadNPZ reads a sparse matrix that scipy.sparse.save_npz wrote (csr, csc,
// coo, bsr or dia format; compressed or not; scipy.sparse matrices and
// arrays alike) and returns it in CSR form. It is how matrices move from
// Python into subspace without Matrix Market's text round trip.
//
// Conventions follow scipy.sparse's own conversion to CSR: duplicates (COO,
// or a CSR/CSC whose indices are not canonical) are summed and column
// indices sorted; explicitly stored zeros are kept, except in dia storage,
// whose zeros are padding (SciPy drops them too). Data of any real NumPy
// type (float16–64, integers, bool) is converted to float64 exactly.
//
// Failure modes, each an error naming the file and the array: not a zip
// archive, no "format" array (not a save_npz file), a format SciPy does
// not save (lil, dok), complex data (unsupported), a shape that is not two
// non-negative integers up to MaxDim, arrays of the wrong length, index
// pointers that do not start at 0 or decrease, indices outside the shape,
// and NaN or Inf values, or duplicates whose sum overflows to Inf (named
// by their row and column). Cost: O(nnz + rows) time; csr files whose
// indices are canonical are taken over without a copy of the values,
// others go through a COO builder.
func LoadNPZ(path string) (*CSR, error) { return loadNPZ(context.Background(), path) }

// loadNPZ is LoadNPZ, reading through ctxReaderAt when ctx can be done.
func loadNPZ(ctx context.Context, path string) (*CSR, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sparse: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("sparse: %w", err)
	}
	var r io.ReaderAt = f
	if ctx.Done() != nil {
		r = ctxReaderAt{ctx, f}
	}
	return readNPZ(r, fi.Size(), path, sysmem.Usable)
}

// ReadNPZ reads a scipy.sparse.save_npz archive of the given size from r,
// as LoadNPZ does.
func ReadNPZ(r io.ReaderAt, size int64) (*CSR, error) {
	checkNilIO("ReadNPZ", r, "reader")
	return readNPZ(r, size, "", sysmem.Usable)
}

// npzReader reads the arrays of one archive and names them in errors.
type npzReader struct {
	z    *npy.NPZReader
	path string
	ra   io.ReaderAt // the archive, for a second reader (dataAsync)
	size int64
	bg   *sync.WaitGroup // the goroutines async started, which readNPZ waits for
}

// fail formats an error about the archive, or about one of its arrays.
func (r *npzReader) fail(key, format string, args ...any) error {
	where := "sparse: "
	if r.path != "" {
		where += r.path + ": "
	}
	if key != "" {
		where += fmt.Sprintf("array %q: ", key)
	}
	return errors.New(where + fmt.Sprintf(format, args...))
}

// readNPZ reads the archive; mem reports the machine's memory, against
// which the shape's row and column pointers are checked before anything
// is allocated (nil: no check).
func readNPZ(ra io.ReaderAt, size int64, path string, mem func() (sysmem.Limit, bool)) (*CSR, error) {
	z, err := npy.ReadOptions{AllowNonFinite: true}.NewNPZReader(ra, size)
	if err != nil {
		return nil, npzWrap(path, err)
	}
	// Every read of ra ends before readNPZ returns, also when it fails
	// while a background read (async) is still going: the caller may
	// close or reuse ra as soon as it has the error.
	var bg sync.WaitGroup
	defer bg.Wait()
	r := &npzReader{z: z, path: path, ra: ra, size: size, bg: &bg}
	format, err := z.ReadString("format")
	if errors.Is(err, npy.ErrNotFound) {
		return nil, r.fail("", "no \"format\" array: not a scipy.sparse.save_npz file (it holds %s)", quoteNames(z.Names()))
	}
	if err != nil {
		return nil, npzWrap(path, err)
	}
	rows, cols, err := r.shape()
	if err != nil {
		return nil, err
	}
	// CSR conversion holds rows+1 row pointers and, through COO, cols+1
	// column pointers: a small file can declare a shape whose pointers
	// alone exceed the machine (SciPy's own csr conversion would too).
	if mem != nil {
		if lim, ok := mem(); ok {
			if need := 8 * (float64(rows) + float64(cols) + 2); need > float64(lim.Bytes) {
				return nil, r.fail("shape", "a %d×%d matrix needs %s of row and column pointers, more than %s", rows, cols, sysmem.FormatBytes(need), lim)
			}
		}
	}
	switch format {
	case "csr":
		return r.compressed(rows, cols, false)
	case "csc":
		return r.compressed(rows, cols, true)
	case "coo":
		return r.coo(rows, cols)
	case "bsr":
		return r.bsr(rows, cols)
	case "dia":
		return r.dia(rows, cols)
	}
	return nil, r.fail("format", "unknown sparse format %q (save_npz writes csr, csc, coo, bsr or dia)", format)
}

// quoteNames lists an archive's array names for a message: quoted (a
// damaged or hostile archive's names may hold any bytes) and at most 20.
func quoteNames(names []string) string {
	if len(names) == 0 {
		return "no arrays"
	}
	q := make([]string, 0, min(len(names), 21))
	for i, n := range names {
		if i == 20 {
			q = append(q, fmt.Sprintf("... (%d arrays)", len(names)))
			break
		}
		q = append(q, strconv.Quote(n))
	}
	return strings.Join(q, ", ")
}

// npzWrap prefixes an error of package npy, which already names the array
// and (when known) the file.
func npzWrap(path string, err error) error {
	var ne *npy.Error
	if path != "" && errors.As(err, &ne) && ne.Path == "" {
		return fmt.Errorf("sparse: %s: %w", path, err)
	}
	return fmt.Errorf("sparse: %w", err)
}

// shape reads the "shape" array: two non-negative integers up to MaxDim.
func (r *npzReader) shape() (int, int, error) {
	a, err := r.z.ReadInt64("shape")
	if err != nil {
		return 0, 0, npzWrap(r.path, err)
	}
	if len(a.Shape) != 1 {
		return 0, 0, r.fail("shape", "is a %d-d array of shape %s, want a 1-d array of 2 values (rows, cols)", len(a.Shape), npy.FormatShape(a.Shape))
	}
	if len(a.Data) != 2 {
		return 0, 0, r.fail("shape", "holds %d values, want 2 (rows, cols): only 2-d matrices are supported", len(a.Data))
	}
	for _, d := range a.Data {
		if d < 0 || d > MaxDim {
			return 0, 0, r.fail("shape", "dimension %d outside [0, %d]", d, MaxDim)
		}
	}
	return int(a.Data[0]), int(a.Data[1]), nil
}

// async runs read on its own goroutine with its own archive reader over
// the same file (io.ReaderAt allows parallel ReadAt calls), so that with
// two or more processors the arrays of one matrix are read and
// decompressed at the same time; the returned function waits for the
// result. The channel is buffered: a result nobody waits for (the caller
// failed on another array first) does not block the goroutine, which
// readNPZ waits for through r.bg before it returns.
func async[T any](r *npzReader, read func(r *npzReader) (T, error)) func() (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	r.bg.Add(1)
	go func() {
		defer r.bg.Done()
		z, err := npy.ReadOptions{AllowNonFinite: true}.NewNPZReader(r.ra, r.size)
		if err != nil {
			ch <- result{err: npzWrap(r.path, err)}
			return
		}
		v, err := read(&npzReader{z: z, path: r.path, ra: r.ra, size: r.size, bg: r.bg})
		ch <- result{v, err}
	}()
	return func() (T, error) {
		res := <-ch
		return res.v, res.err
	}
}

// dataAsync starts reading the 1-d "data" array and scanning it for NaN
// and Inf, chunk by chunk as it arrives (async); the returned function
// checks that there are n values (when n ≥ 0) and returns them with the
// index of the first NaN or Inf (-1: none).
func (r *npzReader) dataAsync() func(n int) ([]float64, int, error) {
	type data struct {
		val []float64
		bad int
	}
	wait := async(r, func(r *npzReader) (data, error) {
		rd, err := r.z.Open("data")
		if err != nil {
			return data{}, npzWrap(r.path, err)
		}
		defer rd.Close()
		h := rd.Header()
		if len(h.Shape) != 1 {
			return data{}, r.fail("data", "shape %v, want a 1-d array", h.Shape)
		}
		bad := -1
		val, err := stream(r, "data", rd, h.Shape[0], rd.ReadFloat64, func(c []float64, base int) error {
			if k := firstNonFinite(c); k >= 0 && bad < 0 {
				bad = base + k
			}
			return nil
		})
		return data{val, bad}, err
	})
	return func(n int) ([]float64, int, error) {
		d, err := wait()
		if err != nil {
			return nil, -1, err
		}
		if n >= 0 && len(d.val) != n {
			return nil, -1, r.fail("data", "holds %d values, want %d", len(d.val), n)
		}
		return d.val, d.bad, nil
	}
}

// streamChunk is how many elements stream reads and checks at a time:
// 256–512 KiB, so that a chunk is still in cache when it is checked.
const streamChunk = 1 << 16

// stream reads the n elements left in rd (array key) into a new slice and
// hands each chunk of up to streamChunk elements, with the index of its
// first element, to check while it is in cache; a check error stops the
// read. The slice's capacity grows with the data actually read (a deflated
// member's header can claim any length) from at most 1 Mi elements up
// front; int32 and float64 data in the host's byte order is read straight
// into it.
func stream[T int32 | float64](r *npzReader, key string, rd *npy.Reader, n int, read func([]T) (int, error), check func(chunk []T, base int) error) ([]T, error) {
	out := make([]T, 0, min(n, 1<<20))
	for len(out) < n {
		if len(out) == cap(out) {
			out = slices.Grow(out, min(n-len(out), cap(out)))
		}
		chunk := out[len(out):min(cap(out), n, len(out)+streamChunk)]
		k, err := read(chunk)
		if cerr := check(chunk[:k], len(out)); cerr != nil {
			return nil, cerr
		}
		out = out[:len(out)+k]
		if err != nil {
			return nil, npzWrap(r.path, err)
		}
		if k == 0 {
			return nil, r.fail(key, "data ends after %d of %d values", len(out), n)
		}
	}
	return out, nil
}

// values reads the data array (any real NumPy type, as float64, NaN and
// Inf kept for the caller to locate) and checks that it has n elements
// when n ≥ 0; it returns the values in C order and the array's shape.
func (r *npzReader) values(key string, n int) ([]float64, []int, error) {
	a, err := r.z.ReadFloat64(key)
	if err != nil {
		return nil, nil, npzWrap(r.path, err)
	}
	if n >= 0 && len(a.Data) != n {
		return nil, nil, r.fail(key, "holds %d values, want %d", len(a.Data), n)
	}
	return a.Data, a.Shape, nil
}

// open1d opens the 1-d integer array key and checks that it has n
// elements (any number when n < 0).
func (r *npzReader) open1d(key string, n int) (*npy.Reader, int, error) {
	rd, err := r.z.Open(key)
	if err != nil {
		return nil, 0, npzWrap(r.path, err)
	}
	h := rd.Header()
	bad := ""
	switch k := strings.TrimLeft(string(h.DType), "<>|="); {
	case k == "" || (k[0] != 'i' && k[0] != 'u'):
		bad = fmt.Sprintf("element type %s, want integers", h.DType)
	case len(h.Shape) != 1:
		bad = fmt.Sprintf("shape %v, want a 1-d array", h.Shape)
	case n >= 0 && h.Shape[0] != n:
		bad = fmt.Sprintf("holds %d values, want %d", h.Shape[0], n)
	}
	if bad != "" {
		rd.Close()
		return nil, 0, r.fail(key, "%s", bad)
	}
	return rd, h.Shape[0], nil
}

// index32 reads the 1-d integer array key (n elements when n ≥ 0) into
// int32 storage (see stream), refusing values outside [0, limit); unit
// names the bound in messages ("7 columns"). It also returns the number of
// descents, positions k ≥ 1 with out[k] ≤ out[k−1], counted in the same
// pass: the indices are canonical when every descent is at a slice
// boundary (canonical).
func (r *npzReader) index32(key string, n int, limit int64, unit string) ([]int32, int, error) {
	rd, n, err := r.open1d(key, n)
	if err != nil {
		return nil, 0, err
	}
	defer rd.Close()
	descents, prev := 0, int32(-1)
	out, err := stream(r, key, rd, n, rd.ReadInt32, func(c []int32, base int) error {
		for i, v := range c {
			if v < 0 || int64(v) >= limit {
				return r.fail(key, "element %d is %d, outside [0, %d) (%s)", base+i, v, limit, unit)
			}
			if v <= prev {
				descents++
			}
			prev = v
		}
		return nil
	})
	return out, descents, err
}

// pointers reads the 1-d integer array key of n index pointers, each in
// [0, limit]; unit names the bound in messages.
func (r *npzReader) pointers(key string, n int, limit int64, unit string) ([]int, error) {
	rd, n, err := r.open1d(key, n)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	out := make([]int, 0, min(n, 1<<20))
	var buf [8192]int64
	for len(out) < n {
		k, err := rd.ReadInt64(buf[:min(len(buf), n-len(out))])
		for i, v := range buf[:k] {
			if v < 0 || v > limit {
				return nil, r.fail(key, "element %d is %d, outside [0, %d] (%s)", len(out)+i, v, limit, unit)
			}
		}
		if len(out)+k > cap(out) {
			// Double, as stream does: append's growth of large slices
			// (by a quarter) allocated five times the final array and
			// held 1.8 times it at the last copy.
			out = slices.Grow(out, max(k, min(n-len(out), cap(out))))
		}
		for _, v := range buf[:k] {
			out = append(out, int(v))
		}
		if err != nil {
			return nil, npzWrap(r.path, err)
		}
		if k == 0 {
			return nil, r.fail(key, "data ends after %d of %d values", len(out), n)
		}
	}
	return out, nil
}

// compressed reads csr (or, with csc, csc) storage: indptr over the major
// dimension, indices over the minor one.
func (r *npzReader) compressed(rows, cols int, csc bool) (*CSR, error) {
	major, minor := rows, cols
	unit := fmt.Sprintf("%d columns", cols)
	if csc {
		major, minor = cols, rows
		unit = fmt.Sprintf("%d rows", rows)
	}
	data := r.dataAsync()
	ptrs := async(r, func(r *npzReader) ([]int, error) { return r.pointers("indptr", major+1, math.MaxInt64, "int64") })
	ind, descents, err := r.index32("indices", -1, int64(minor), unit)
	if err != nil {
		return nil, err
	}
	indptr, err := ptrs()
	if err != nil {
		return nil, err
	}
	if indptr[0] != 0 {
		return nil, r.fail("indptr", "starts at %d, want 0", indptr[0])
	}
	for i := 0; i < major; i++ {
		if indptr[i+1] < indptr[i] {
			return nil, r.fail("indptr", "decreases at element %d (%d > %d)", i+1, indptr[i], indptr[i+1])
		}
	}
	nnz := indptr[major]
	if len(ind) != nnz {
		return nil, r.fail("indices", "holds %d values, want %d (the last index pointer)", len(ind), nnz)
	}
	isCanonical := canonical(indptr, ind, descents)
	val, k, err := data(nnz)
	if err != nil {
		return nil, err
	}
	if k >= 0 {
		// The slice holding entry k: the last i with indptr[i] ≤ k.
		i := sort.Search(major, func(i int) bool { return indptr[i+1] > k })
		row, col := i, int(ind[k])
		if csc {
			row, col = col, row
		}
		return nil, r.fail("data", "%v at row %d, column %d (0-based)", val[k], row, col)
	}
	if isCanonical {
		if csc {
			return (&CSC{t: *newCSR(major, minor, indptr, ind, val)}).ToCSR(), nil
		}
		return newCSR(major, minor, indptr, ind, val), nil
	}
	// Unsorted or duplicate indices within a major slice (has_canonical_format
	// false in SciPy): sum and sort through COO.
	b := NewCOO(rows, cols, nnz)
	for i := 0; i < major; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if csc {
				b.Append(int(ind[k]), i, val[k])
			} else {
				b.Append(i, int(ind[k]), val[k])
			}
		}
	}
	return r.summed(b)
}

// summed returns b in CSR form, or an error if duplicate entries, each
// finite (the callers check every value read), sum beyond the float64
// range: the reader refuses Inf in a file, and ReadMM refuses such sums.
func (r *npzReader) summed(b *COO) (*CSR, error) {
	a := b.ToCSR()
	if a.NNZ() == b.Len() {
		return a, nil // nothing was summed: every value was checked as read
	}
	for i := 0; i < a.rows; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			if v := a.val[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, r.fail("data", "duplicate entries at row %d, column %d (0-based) sum beyond the float64 range", i, a.ind[k])
			}
		}
	}
	return a, nil
}

// firstNonFinite returns the index of the first NaN or ±Inf in v, or -1.
func firstNonFinite(v []float64) int {
	for k, x := range v {
		if x-x != 0 {
			return k
		}
	}
	return -1
}

// canonical reports whether the indices of every slice strictly
// increase, given the number of descents index32 counted over the whole
// array: it is so when each descent sits at a slice boundary, which costs
// O(slices) instead of another pass over the indices.
func canonical(indptr []int, ind []int32, descents int) bool {
	nnz := len(ind)
	atBoundary := 0
	for i := 1; i+1 < len(indptr); i++ {
		k := indptr[i]
		if k == indptr[i-1] || k == 0 || k >= nnz {
			continue // an empty slice's boundary, counted at the previous one
		}
		if ind[k] <= ind[k-1] {
			atBoundary++
		}
	}
	return atBoundary == descents
}

// finiteAt checks one value of a format whose entries carry their position.
func (r *npzReader) finiteAt(v float64, i, j int) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return r.fail("data", "%v at row %d, column %d (0-based)", v, i, j)
	}
	return nil
}

// coo reads coordinate storage; duplicates are summed. The positions are
// the 1-d arrays row and col (what save_npz writes for a 2-d matrix), or,
// as SciPy's load_npz also accepts, one (2, nnz) array coords (what it
// writes for n-d coo arrays, and plans to write for 2-d ones too).
func (r *npzReader) coo(rows, cols int) (*CSR, error) {
	data := r.dataAsync()
	var ri, ci []int32
	var err error
	if r.has("coords") && !r.has("row") {
		ri, ci, err = r.coords(rows, cols)
	} else {
		ri, _, err = r.index32("row", -1, int64(rows), fmt.Sprintf("%d rows", rows))
		if err == nil {
			ci, _, err = r.index32("col", len(ri), int64(cols), fmt.Sprintf("%d columns", cols))
		}
	}
	if err != nil {
		return nil, err
	}
	val, _, err := data(len(ri))
	if err != nil {
		return nil, err
	}
	b := NewCOO(rows, cols, len(val))
	for k, v := range val {
		i, j := int(ri[k]), int(ci[k])
		if err := r.finiteAt(v, i, j); err != nil {
			return nil, err
		}
		b.Append(i, j, v)
	}
	return r.summed(b)
}

// has reports whether the archive holds the array key.
func (r *npzReader) has(key string) bool {
	for _, n := range r.z.Names() {
		if n == key {
			return true
		}
	}
	return false
}

// coords reads the (2, nnz) integer array coords of coo storage: row
// indices in its first row, column indices in its second.
func (r *npzReader) coords(rows, cols int) ([]int32, []int32, error) {
	a, err := r.z.ReadInt64("coords")
	if err != nil {
		return nil, nil, npzWrap(r.path, err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != 2 {
		return nil, nil, r.fail("coords", "shape %s, want (2, nnz) for a 2-d matrix", npy.FormatShape(a.Shape))
	}
	n := a.Shape[1]
	idx := make([]int32, 2*n)
	for k, v := range a.Data {
		limit, unit := int64(rows), "rows"
		if k >= n {
			limit, unit = int64(cols), "columns"
		}
		if v < 0 || v >= limit {
			return nil, nil, r.fail("coords", "element (%d, %d) is %d, outside [0, %d) (%d %s)", k/n, k%n, v, limit, limit, unit)
		}
		idx[k] = int32(v)
	}
	return idx[:n:n], idx[n:], nil
}

// bsr reads block sparse row storage: data of shape (blocks, R, C),
// indices and indptr over block rows and block columns.
func (r *npzReader) bsr(rows, cols int) (*CSR, error) {
	val, shape, err := r.values("data", -1)
	if err != nil {
		return nil, err
	}
	if len(shape) != 3 || shape[1] == 0 || shape[2] == 0 {
		return nil, r.fail("data", "shape %v, want (blocks, R, C) with R, C ≥ 1", shape)
	}
	nb, br, bc := shape[0], shape[1], shape[2]
	if rows%br != 0 || cols%bc != 0 {
		return nil, r.fail("data", "blocks of %d×%d do not tile a %d×%d matrix", br, bc, rows, cols)
	}
	indptr, err := r.pointers("indptr", rows/br+1, int64(nb), fmt.Sprintf("%d blocks", nb))
	if err != nil {
		return nil, err
	}
	if indptr[0] != 0 || indptr[rows/br] != nb {
		return nil, r.fail("indptr", "runs from %d to %d, want 0 to %d blocks", indptr[0], indptr[rows/br], nb)
	}
	ind, _, err := r.index32("indices", nb, int64(cols/bc), fmt.Sprintf("%d block columns", cols/bc))
	if err != nil {
		return nil, err
	}
	b := NewCOO(rows, cols, len(val))
	for I := 0; I < rows/br; I++ {
		if indptr[I+1] < indptr[I] {
			return nil, r.fail("indptr", "decreases at element %d (%d > %d)", I+1, indptr[I], indptr[I+1])
		}
		for k := indptr[I]; k < indptr[I+1]; k++ {
			J := int(ind[k])
			blk := val[k*br*bc : (k+1)*br*bc]
			for a := 0; a < br; a++ {
				for c := 0; c < bc; c++ {
					i, j, v := I*br+a, J*bc+c, blk[a*bc+c]
					if err := r.finiteAt(v, i, j); err != nil {
						return nil, err
					}
					b.Append(i, j, v)
				}
			}
		}
	}
	return r.summed(b)
}

// dia reads diagonal storage: data of shape (diagonals, L) and offsets;
// data[d, j] is the entry (j − offsets[d], j). Entries outside the matrix
// and zeros (padding) are dropped, as SciPy's conversion does.
func (r *npzReader) dia(rows, cols int) (*CSR, error) {
	val, shape, err := r.values("data", -1)
	if err != nil {
		return nil, err
	}
	if len(shape) != 2 {
		return nil, r.fail("data", "shape %v, want (diagonals, length)", shape)
	}
	nd, L := shape[0], shape[1]
	offs, err := r.z.ReadInt64("offsets")
	if err != nil {
		return nil, npzWrap(r.path, err)
	}
	if len(offs.Shape) != 1 || len(offs.Data) != nd {
		return nil, r.fail("offsets", "holds %d values, want one per diagonal (%d)", len(offs.Data), nd)
	}
	b := NewCOO(rows, cols, 0)
	for d, off := range offs.Data {
		if off <= -int64(rows) || off >= int64(cols) {
			continue // a diagonal entirely outside the matrix holds only padding
		}
		o := int(off)
		lo, hi := max(0, o), min(cols, rows+o, L)
		for j := lo; j < hi; j++ {
			v := val[d*L+j]
			if v == 0 {
				continue
			}
			if err := r.finiteAt(v, j-o, j); err != nil {
				return nil, err
			}
			b.Append(j-o, j, v)
		}
	}
	return r.summed(b)
}

// Load reads a matrix file by its extension: ".npz" as a
// scipy.sparse.save_npz archive (LoadNPZ), anything else as Matrix Market
// (LoadMM). It is what the subspace command uses for every matrix argument.
func Load(path string) (*CSR, error) { return load(context.Background(), path) }

// load is Load, reading through a ctx-checking reader when ctx can be
// done.
func load(ctx context.Context, path string) (*CSR, error) {
	if strings.HasSuffix(strings.ToLower(path), ".npz") {
		return loadNPZ(ctx, path)
	}
	return loadMM(ctx, path)
}
