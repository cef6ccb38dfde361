package npy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// Reader streams the elements of one .npy array, converting them to float64
// or int64 as they are read, so arrays larger than memory can be processed in
// pieces. Elements come in storage order: row-major for a C-order array,
// column-major when Header().Fortran is true (ReadArray and friends reorder;
// a Reader does not).
//
// A Reader does not check for NaN or Inf; use CheckFinite on what it returns
// if that matters. It is not safe for concurrent use.
type Reader struct {
	br     *bufio.Reader
	closer io.Closer
	h      Header
	dt     dtype
	n      int // elements in the array
	done   int // elements delivered so far
	sized  bool
	buf    []byte
	path   string
	key    string
	err    error // sticky
}

const chunkBytes = 1 << 16 // decode granularity; bounds the scratch buffer

// NewReader reads the .npy header from r and returns a Reader positioned at
// the first element. Errors wrap ErrFormat (bad magic, version or header)
// or ErrDType (a type this package does not convert).
func NewReader(r io.Reader) (*Reader, error) {
	checkNilIO("NewReader", r, "reader")
	return newReader(r, -1, "", "")
}

// Open opens the .npy file at path for streaming. The caller must Close it.
// Because the file size is known, a header whose shape does not match the
// amount of data is rejected here, before anything is read or allocated.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	r, err := newReader(f, size, path, "")
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// newReader parses the header; size is the total byte count of the stream
// when known (file size, zip member size) and -1 otherwise.
func newReader(r io.Reader, size int64, path, key string) (*Reader, error) {
	br := bufio.NewReaderSize(r, chunkBytes)
	h, hdrBytes, err := readHeader(br)
	if err != nil {
		return nil, wrap(path, key, err)
	}
	dt, err := parseDType(h.DType)
	if err != nil {
		return nil, wrap(path, key, err)
	}
	n, _ := shapeLen(h.Shape) // parseHeaderDict checked it
	rd := &Reader{br: br, h: h, dt: dt, n: n, path: path, key: key}
	if tooBig(h.Shape, dt.size) {
		return nil, rd.fail(fmt.Errorf("%w: shape %s of %s needs more bytes than this machine can address", ErrFormat, FormatShape(h.Shape), dt.name()))
	}
	if size >= 0 {
		want := int64(n) * int64(dt.size)
		have := size - hdrBytes
		switch {
		case have < want:
			return nil, rd.fail(fmt.Errorf("%w: truncated data: shape %s of %s needs %d bytes, the file has %d after the header", ErrFormat, FormatShape(h.Shape), dt.name(), want, have))
		case have > want:
			return nil, rd.fail(fmt.Errorf("%w: %d unexpected bytes after the data of shape %s of %s", ErrFormat, have-want, FormatShape(h.Shape), dt.name()))
		}
		rd.sized = true
	}
	return rd, nil
}

// Header returns the array's header (type, order, shape).
func (r *Reader) Header() Header {
	h := r.h
	h.Shape = append([]int(nil), h.Shape...)
	return h
}

// Remaining returns the number of elements not yet read.
func (r *Reader) Remaining() int { return r.n - r.done }

// ReadFloat64 reads the next min(len(dst), Remaining()) elements into dst,
// converted to float64, and returns how many it read. Floats and integers up
// to 32 bits convert exactly; a 64-bit integer without an exact float64
// value (beyond 2^53 and not a multiple of the spacing there) is an error
// wrapping ErrRange. When no element is left it returns 0, io.EOF. Data that
// ends early (or, at the end, goes on past the shape) is an error wrapping
// ErrFormat. After an error every call returns the same error.
func (r *Reader) ReadFloat64(dst []float64) (int, error) {
	r.made("ReadFloat64")
	return readInto(r, dst, r.dt.isNative8('f'), func(d []float64, src []byte, base int) error {
		if bad := r.dt.toFloat64(d, src); bad >= 0 {
			v, _ := r.dt.intAt(src[bad*r.dt.size:])
			if r.dt.kind == 'u' {
				return fmt.Errorf("%w: element %d = %d (%s) has no exact float64 value", ErrRange, base+bad, uint64(v), r.dt.name())
			}
			return fmt.Errorf("%w: element %d = %d (%s) has no exact float64 value", ErrRange, base+bad, v, r.dt.name())
		}
		return nil
	})
}

// ReadInt64 reads the next min(len(dst), Remaining()) elements of an
// integer or bool array into dst. A float array is an error wrapping
// ErrDType (use ReadFloat64); a uint64 above MaxInt64 wraps ErrRange.
// Otherwise it behaves like ReadFloat64.
func (r *Reader) ReadInt64(dst []int64) (int, error) {
	r.made("ReadInt64")
	if r.err == nil && !r.dt.isInt() {
		return 0, r.fail(fmt.Errorf("%w: array holds %s, not integers; read it as float64", ErrDType, r.dt.name()))
	}
	return readInto(r, dst, r.dt.isNative8('i'), func(d []int64, src []byte, base int) error {
		if bad := r.dt.toInt64(d, src); bad >= 0 {
			return fmt.Errorf("%w: element %d = %d (uint64) exceeds the int64 range", ErrRange, base+bad, r.dt.uintAt(src[bad*r.dt.size:]))
		}
		return nil
	})
}

// ReadInt32 reads the next min(len(dst), Remaining()) elements of an
// integer or bool array into dst as int32: index arrays, such as the
// indices of a SciPy sparse matrix, without an int64 detour. A value
// outside the int32 range is an error wrapping ErrRange naming it; a float
// array wraps ErrDType. int32 data in the host's byte order is read
// straight into dst. Otherwise it behaves like ReadInt64.
func (r *Reader) ReadInt32(dst []int32) (int, error) {
	r.made("ReadInt32")
	if r.err == nil && !r.dt.isInt() {
		return 0, r.fail(fmt.Errorf("%w: array holds %s, not integers; read it as float64", ErrDType, r.dt.name()))
	}
	return readInto(r, dst, r.dt.isNative('i', 4), func(d []int32, src []byte, base int) error {
		if bad := r.dt.toInt32(d, src); bad >= 0 {
			if r.dt.kind == 'u' {
				return fmt.Errorf("%w: element %d = %d (%s) exceeds the int32 range", ErrRange, base+bad, r.dt.uintAt(src[bad*r.dt.size:]), r.dt.name())
			}
			v, _ := r.dt.intAt(src[bad*r.dt.size:])
			return fmt.Errorf("%w: element %d = %d (%s) exceeds the int32 range", ErrRange, base+bad, v, r.dt.name())
		}
		return nil
	})
}

// readInto is the common loop of ReadFloat64 and ReadInt64. With direct
// set (the file holds T in host byte order) the bytes are read straight into
// dst and decode is not called.
func readInto[T float64 | int64 | int32](r *Reader, dst []T, direct bool, decode func(d []T, src []byte, base int) error) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.done == r.n {
		if err := r.checkEnd(); err != nil {
			return 0, err
		}
		if len(dst) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	want := min(len(dst), r.n-r.done)
	if direct {
		if nb, err := io.ReadFull(r.br, rawBytes(dst[:want])); err != nil {
			r.err = r.readErr(err, nb/r.dt.size)
			return nb / r.dt.size, r.err
		}
		r.done += want
		if r.done == r.n {
			if err := r.checkEnd(); err != nil {
				return want, err
			}
		}
		return want, nil
	}
	per := max(1, chunkBytes/r.dt.size)
	if r.buf == nil {
		r.buf = make([]byte, min(want, per)*r.dt.size)
	}
	got := 0
	for got < want {
		k := min(want-got, per)
		if cap(r.buf) < k*r.dt.size {
			r.buf = make([]byte, k*r.dt.size)
		}
		b := r.buf[:k*r.dt.size]
		if nb, err := io.ReadFull(r.br, b); err != nil {
			r.err = r.readErr(err, got+nb/r.dt.size)
			return got, r.err
		}
		if err := decode(dst[got:got+k], b, r.done+got); err != nil {
			r.err = r.fail(err)
			return got, r.err
		}
		got += k
	}
	r.done += got
	if r.done == r.n {
		if err := r.checkEnd(); err != nil {
			return got, err
		}
	}
	return got, nil
}

// readErr turns a failed read, k elements into the current call, into the
// sticky error.
func (r *Reader) readErr(err error, k int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return r.fail(fmt.Errorf("%w: truncated data: shape %s of %s needs %d elements, the data ends after %d", ErrFormat, FormatShape(r.h.Shape), r.dt.name(), r.n, r.done+k))
	}
	return r.fail(err)
}

// checkEnd verifies that the stream ends right after the data. For an
// archive member this also makes archive/zip verify the checksum.
func (r *Reader) checkEnd() error {
	if r.err != nil {
		return r.err
	}
	var one [1]byte
	n, err := io.ReadFull(r.br, one[:])
	switch {
	case n > 0:
		extra := int64(1)
		more, _ := io.Copy(io.Discard, io.LimitReader(r.br, 1<<20))
		extra += more
		r.err = r.fail(fmt.Errorf("%w: unexpected bytes after the data of shape %s of %s (at least %d)", ErrFormat, FormatShape(r.h.Shape), r.dt.name(), extra))
	case err != io.EOF:
		r.err = r.fail(err)
	}
	return r.err
}

func (r *Reader) fail(err error) error { return wrap(r.path, r.key, err) }

// Close releases the file opened by Open or OpenNPZ's member reader. It
// does nothing for a Reader made by NewReader.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	c := r.closer
	r.closer = nil
	if err := c.Close(); err != nil {
		return r.fail(err)
	}
	return nil
}
