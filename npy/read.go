package npy

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
)

// ReadOptions changes how arrays are read. The zero value gives the
// defaults; its methods are the configurable forms of the package-level
// Read functions.
type ReadOptions struct {
	// AllowNonFinite accepts NaN and ±Inf in float data. By default they are
	// refused with an error wrapping ErrNonFinite that names the first
	// offending element, because solvers never want them (and matrix
	// completion users who mark missing entries with NaN set this).
	AllowNonFinite bool
}

// ReadVector reads a .npy file holding a vector: shape (n,), or a single
// row or column (1, n) or (n, 1). Any float, integer or bool type is
// converted to float64 (exactly; see Reader.ReadFloat64). NaN and Inf are
// refused. Errors name the file and wrap ErrFormat, ErrDType, ErrShape,
// ErrNonFinite, ErrRange or an I/O error. O(n) time and memory.
func ReadVector(path string) ([]float64, error) { return ReadOptions{}.ReadVector(path) }

// ReadDense reads a .npy file holding a 2-d array into a new row-major
// *mat.Dense. C- and Fortran-order files are both accepted; types convert as
// for ReadVector. A 1-d array is refused with ErrShape (reshape it to (n, 1)
// in NumPy), and so is an array with a zero dimension, which gonum cannot
// represent. NaN and Inf are refused.
func ReadDense(path string) (*mat.Dense, error) { return ReadOptions{}.ReadDense(path) }

// ReadArray reads a .npy file with any number of dimensions (including 0-d)
// into an Array in row-major order, converting types as ReadVector does.
// NaN and Inf are refused.
func ReadArray(path string) (Array, error) { return ReadOptions{}.ReadArray(path) }

// ReadInt64Array reads a .npy file holding integers or bools of any width
// and byte order into an Int64Array in row-major order. A float array is
// refused with ErrDType (ReadArray reads them); a uint64 above MaxInt64
// with ErrRange.
func ReadInt64Array(path string) (Int64Array, error) {
	r, err := Open(path)
	if err != nil {
		return Int64Array{}, err
	}
	defer r.Close()
	return readInt64Array(r)
}

// ReadVector is ReadVector with these options.
func (o ReadOptions) ReadVector(path string) ([]float64, error) {
	a, err := o.ReadArray(path)
	if err != nil {
		return nil, err
	}
	if err := vectorShape(a.Shape); err != nil {
		return nil, wrap(path, "", err)
	}
	return a.Data, nil
}

// ReadDense is ReadDense with these options.
func (o ReadOptions) ReadDense(path string) (*mat.Dense, error) {
	a, err := o.ReadArray(path)
	if err != nil {
		return nil, err
	}
	m, err := denseFrom(a)
	return m, wrap(path, "", err)
}

// ReadArray is ReadArray with these options.
func (o ReadOptions) ReadArray(path string) (Array, error) {
	r, err := Open(path)
	if err != nil {
		return Array{}, err
	}
	defer r.Close()
	return o.readArray(r)
}

// vectorShape accepts (n,), (n, 1) and (1, n).
func vectorShape(shape []int) error {
	switch {
	case len(shape) == 1:
		return nil
	case len(shape) == 2 && (shape[0] == 1 || shape[1] == 1):
		return nil
	case len(shape) == 0:
		return fmt.Errorf("%w: array is a 0-d scalar; want a vector of shape (n,), (n, 1) or (1, n) (use np.atleast_1d)", ErrShape)
	}
	return fmt.Errorf("%w: array has shape %s; want a vector of shape (n,), (n, 1) or (1, n)", ErrShape, FormatShape(shape))
}

// denseFrom wraps a 2-d Array (already row-major) as a *mat.Dense.
func denseFrom(a Array) (*mat.Dense, error) {
	if len(a.Shape) != 2 {
		hint := ""
		if len(a.Shape) == 1 {
			hint = " (for a column use a.reshape(-1, 1))"
		}
		return nil, fmt.Errorf("%w: array has shape %s; want a 2-d matrix%s", ErrShape, FormatShape(a.Shape), hint)
	}
	if a.Shape[0] == 0 || a.Shape[1] == 0 {
		return nil, fmt.Errorf("%w: matrix has shape %s; an empty matrix cannot be a mat.Dense", ErrShape, FormatShape(a.Shape))
	}
	return mat.NewDense(a.Shape[0], a.Shape[1], a.Data), nil
}

// readArray reads everything r holds as float64, in row-major order.
func (o ReadOptions) readArray(r *Reader) (Array, error) {
	shape := r.Header().Shape
	// In C order the NaN/Inf scan runs on each chunk right after it is read,
	// while it is still in cache, and storage order is row-major order, so
	// the first bad element found is the first in row-major order. Fortran
	// data is scanned after reordering, for the same reason.
	var each func(chunk []float64, base int) error
	scanLater := !o.AllowNonFinite && r.h.Fortran
	if !o.AllowNonFinite && !r.h.Fortran {
		each = func(chunk []float64, base int) error {
			if i := firstNonFinite(chunk); i >= 0 {
				return r.fail(nonFiniteError(chunk[i], base+i, shape))
			}
			return nil
		}
	}
	data, err := readAll(r, r.ReadFloat64, each)
	if err != nil {
		return Array{}, err
	}
	if r.h.Fortran {
		data = fortranToC(data, shape)
	}
	if scanLater {
		if i := firstNonFinite(data); i >= 0 {
			return Array{}, r.fail(nonFiniteError(data[i], i, shape))
		}
	}
	return Array{Shape: shape, Data: data}, nil
}

// readInt64Array reads everything r holds as int64, in row-major order.
func readInt64Array(r *Reader) (Int64Array, error) {
	if !r.dt.isInt() {
		return Int64Array{}, r.fail(fmt.Errorf("%w: array holds %s, not integers", ErrDType, r.dt.name()))
	}
	data, err := readAll(r, r.ReadInt64, nil)
	if err != nil {
		return Int64Array{}, err
	}
	shape := r.Header().Shape
	if r.h.Fortran {
		data = fortranToC(data, shape)
	}
	return Int64Array{Shape: shape, Data: data}, nil
}

// readAll reads all remaining elements, calling each (if not nil) on every
// chunk as it arrives, with the chunk's offset. When the stream size was
// verified against the header it allocates once; otherwise it grows with the
// data actually read, so a header that lies about the shape cannot make it
// allocate more than about twice what the stream really holds. Reads go in
// chunks of readChunk elements (1 MiB of float64: large enough that the
// per-call cost vanishes, small enough for each to find the chunk in cache).
//
// For arrays of more than asyncChunks chunks, with more than one CPU, each
// runs on its own goroutine, one chunk behind the reads, so a check such as
// the NaN/Inf scan costs no time beside the copy from the file (an 80 MB
// vector: 29–35 ms with the scan in line, the os.ReadFile time of about
// 25 ms with it beside). The chunks reach it in order, so the error it
// returns is the first in storage order, as in line; reading stops at the
// next chunk after it fails.
func readAll[T float64 | int64](r *Reader, read func([]T) (int, error), each func(chunk []T, base int) error) ([]T, error) {
	n := r.Remaining()
	c := n
	if !r.sized {
		c = min(n, readChunk)
	}
	data := make([]T, 0, c)
	var chk *chunkChecker[T]
	if each != nil && n > asyncChunks*readChunk && runtime.GOMAXPROCS(0) > 1 {
		chk = startChecker(each)
		each = chk.send
	}
	data, err := readChunks(data, n, read, each)
	if chk != nil {
		if cerr := chk.wait(); cerr != nil {
			return nil, cerr
		}
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

// readChunks is readAll's loop.
func readChunks[T float64 | int64](data []T, n int, read func([]T) (int, error), each func(chunk []T, base int) error) ([]T, error) {
	for {
		if len(data) == cap(data) && len(data) < n {
			data = slices.Grow(data, min(n-len(data), len(data)))
		}
		end := min(cap(data), len(data)+readChunk)
		k, err := read(data[len(data):end])
		if k > 0 && each != nil {
			if cerr := each(data[len(data):len(data)+k], len(data)); cerr != nil {
				return nil, cerr
			}
		}
		data = data[:len(data)+k]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(data) == n {
			break
		}
	}
	return data, nil
}

// asyncChunks is the size, in chunks, above which readAll checks on a
// second goroutine.
const asyncChunks = 4

// chunkChecker runs a per-chunk check on its own goroutine, in order.
// Chunks handed to it are never written again (a grown array is a copy), so
// it may read them while the next ones are read.
type chunkChecker[T float64 | int64] struct {
	each   func(chunk []T, base int) error
	queue  chan checkItem[T]
	done   chan error
	failed atomic.Bool
}

type checkItem[T float64 | int64] struct {
	chunk []T
	base  int
}

func startChecker[T float64 | int64](each func(chunk []T, base int) error) *chunkChecker[T] {
	c := &chunkChecker[T]{each: each, queue: make(chan checkItem[T], 8), done: make(chan error, 1)}
	go func() {
		var err error
		for it := range c.queue {
			if err == nil {
				if err = c.each(it.chunk, it.base); err != nil {
					c.failed.Store(true)
				}
			}
		}
		c.done <- err
	}()
	return c
}

// send queues a chunk; once the check has failed it returns errCheckFailed
// so that the reads stop (wait then returns the check's own error).
func (c *chunkChecker[T]) send(chunk []T, base int) error {
	if c.failed.Load() {
		return errCheckFailed
	}
	c.queue <- checkItem[T]{chunk, base}
	return nil
}

// wait ends the queue and returns the first error of the check, or nil.
func (c *chunkChecker[T]) wait() error {
	close(c.queue)
	return <-c.done
}

var errCheckFailed = errors.New("npy: chunk check failed")

const readChunk = 1 << 17
