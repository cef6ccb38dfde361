package npy

import (
	"fmt"
	"io"
	"slices"

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
// refused with ErrDType (read it with ReadArray); a uint64 above MaxInt64
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
	return fmt.Errorf("%w: array has shape %s; want a vector of shape (n,), (n, 1) or (1, n)", ErrShape, shapeRepr(shape))
}

// denseFrom wraps a 2-d Array (already row-major) as a *mat.Dense.
func denseFrom(a Array) (*mat.Dense, error) {
	if len(a.Shape) != 2 {
		hint := ""
		if len(a.Shape) == 1 {
			hint = " (for a column use a.reshape(-1, 1))"
		}
		return nil, fmt.Errorf("%w: array has shape %s; want a 2-d matrix%s", ErrShape, shapeRepr(a.Shape), hint)
	}
	if a.Shape[0] == 0 || a.Shape[1] == 0 {
		return nil, fmt.Errorf("%w: matrix has shape %s; an empty matrix cannot be a mat.Dense", ErrShape, shapeRepr(a.Shape))
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
		return Int64Array{}, r.fail(fmt.Errorf("%w: array holds %s, not integers (read it with ReadArray)", ErrDType, r.dt.name()))
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
func readAll[T float64 | int64](r *Reader, read func([]T) (int, error), each func(chunk []T, base int) error) ([]T, error) {
	n := r.Remaining()
	c := n
	if !r.sized {
		c = min(n, readChunk)
	}
	data := make([]T, 0, c)
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

const readChunk = 1 << 17
