package npy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Writer streams the elements of one .npy array: NewWriter or Create writes
// the header, WriteFloat64/WriteInt64 append elements (converted to the
// header's DType), Close checks that exactly Header.Len() elements were
// written. Elements must come in storage order: row-major for a C-order
// header, column-major when Header.Fortran is true.
//
// The header is written byte for byte as NumPy's np.save writes it (format
// version 1.0, data aligned to 64 bytes). A Writer is not safe for
// concurrent use.
type Writer struct {
	bw      *bufio.Writer
	af      *atomicFile // set by Create
	dt      dtype
	h       Header
	n, done int
	size    int64 // bytes of the whole .npy (header and data); 0 if huge
	buf     []byte
	path    string
	key     string
	err     error // sticky
	closed  bool
	onClose func(error) error // set for .npz members
}

// NewWriter validates h and writes the header to w. The DType must be one
// the writer encodes (f4, f8, i1–i8, u1–u8, either byte order; ErrDType
// otherwise) and every dimension must be non-negative (ErrShape). Close does
// not close w.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	checkNilIO("NewWriter", w, "writer")
	return newWriter(w, h, "", "")
}

// Create starts writing a .npy file at path. The data goes to a temporary
// file in the same directory that Close renames to path, so path never holds
// a partial array; Abort (or any write error) discards it.
func Create(path string, h Header) (*Writer, error) {
	af, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	w, err := newWriter(af, h, path, "")
	if err != nil {
		af.Abort()
		return nil, err
	}
	w.af = af
	return w, nil
}

func newWriter(w io.Writer, h Header, path, key string) (*Writer, error) {
	dt, err := parseDType(h.DType)
	if errors.Is(err, ErrFormat) {
		err = fmt.Errorf("%w: %q is not a NumPy type string such as \"<f8\"", ErrDType, h.DType)
	}
	if err == nil && !dt.writable() {
		err = fmt.Errorf("%w: cannot write %s (%q); write float32/float64 or integers", ErrDType, dt.name(), h.DType)
	}
	if err != nil {
		return nil, wrap(path, key, err)
	}
	n, ok := shapeLen(h.Shape)
	if !ok {
		return nil, wrap(path, key, fmt.Errorf("%w: invalid shape %v (negative or overflowing)", ErrShape, h.Shape))
	}
	if tooBig(h.Shape, dt.size) {
		// NumPy could not load it: np.load refuses "array is too big".
		return nil, wrap(path, key, fmt.Errorf("%w: shape %s of %s needs more bytes than NumPy can address", ErrShape, FormatShape(h.Shape), dt.name()))
	}
	h.Shape = append([]int(nil), h.Shape...)
	h.DType = DType(dt.String())
	hdr := encodeHeader(h, dt)
	wr := &Writer{bw: bufio.NewWriterSize(w, chunkBytes), dt: dt, h: h, n: n, path: path, key: key}
	if int64(n) <= (1<<62)/int64(dt.size) {
		wr.size = int64(len(hdr)) + int64(n)*int64(dt.size)
		preallocate(w, wr.size)
	}
	if _, err := wr.bw.Write(hdr); err != nil {
		return nil, wrap(path, key, err)
	}
	return wr, nil
}

// Header returns the header being written, with DType in canonical form.
func (w *Writer) Header() Header {
	h := w.h
	h.Shape = append([]int(nil), h.Shape...)
	return h
}

// WriteFloat64 appends src converted to the header's DType. A value the
// DType cannot hold (a float64 overflowing float32, a non-integral or
// out-of-range value for an integer type) is an error wrapping ErrRange
// (float32 rounds values inside its range to nearest, as NumPy does);
// NaN and Inf are written as they are to float types. Writing more than
// Header.Len() elements in total is an error wrapping ErrShape. After an
// error the Writer is unusable and Close discards the file.
func (w *Writer) WriteFloat64(src []float64) error {
	w.made("WriteFloat64")
	return writeFrom(w, src, w.dt.isNative8('f'), func(dst []byte, s []float64, base int) error {
		if bad := w.dt.fromFloat64(dst, s); bad >= 0 {
			return fmt.Errorf("%w: element %d = %v cannot be stored exactly as %s", ErrRange, base+bad, s[bad], w.dt.name())
		}
		return nil
	})
}

// WriteInt64 appends src converted to the header's DType, with the same
// rules as WriteFloat64 (an int64 that float64 or float32 cannot hold
// exactly is an error wrapping ErrRange).
func (w *Writer) WriteInt64(src []int64) error {
	w.made("WriteInt64")
	return writeFrom(w, src, w.dt.isNative8('i'), func(dst []byte, s []int64, base int) error {
		if bad := w.dt.fromInt64(dst, s); bad >= 0 {
			return fmt.Errorf("%w: element %d = %d cannot be stored exactly as %s", ErrRange, base+bad, s[bad], w.dt.name())
		}
		return nil
	})
}

// WriteInt32 appends src (index arrays, such as a sparse matrix's column
// indices) converted to the header's DType, with the rules of WriteInt64.
// When the header's type is int32 in host byte order the bytes of src are
// written as they are, without a conversion pass.
func (w *Writer) WriteInt32(src []int32) error {
	w.made("WriteInt32")
	if w.dt.isNative('i', 4) {
		return writeFrom(w, src, true, nil)
	}
	var buf [2048]int64
	for len(src) > 0 {
		k := min(len(src), len(buf))
		for i, v := range src[:k] {
			buf[i] = int64(v)
		}
		if err := w.WriteInt64(buf[:k]); err != nil {
			return err
		}
		src = src[k:]
	}
	return nil
}

// writeFrom is the common loop of WriteFloat64 and WriteInt64. With direct
// set (the header's type is T in host byte order) src's bytes are written as
// they are and encode is not called.
func writeFrom[T float64 | int64 | int32](w *Writer, src []T, direct bool, encode func(dst []byte, s []T, base int) error) error {
	if w.closed {
		return w.fail(errors.New("write after Close"))
	}
	if w.err != nil {
		return w.err
	}
	if len(src) > w.n-w.done {
		w.err = w.fail(fmt.Errorf("%w: writing %d more elements would exceed shape %s (%d elements, %d written)", ErrShape, len(src), FormatShape(w.h.Shape), w.n, w.done))
		return w.err
	}
	if direct {
		if _, err := w.bw.Write(rawBytes(src)); err != nil {
			w.err = w.fail(err)
			return w.err
		}
		w.done += len(src)
		return nil
	}
	per := max(1, chunkBytes/w.dt.size)
	if w.buf == nil {
		w.buf = make([]byte, min(len(src), per)*w.dt.size)
	}
	for len(src) > 0 {
		k := min(len(src), per)
		if cap(w.buf) < k*w.dt.size {
			w.buf = make([]byte, k*w.dt.size)
		}
		b := w.buf[:k*w.dt.size]
		if err := encode(b, src[:k], w.done); err != nil {
			w.err = w.fail(err)
			return w.err
		}
		if _, err := w.bw.Write(b); err != nil {
			w.err = w.fail(err)
			return w.err
		}
		w.done += k
		src = src[k:]
	}
	return nil
}

// Close finishes the array. It is an error wrapping ErrShape if fewer than
// Header.Len() elements were written. For a Writer from Create, Close
// syncs the temporary file and renames it to its final path, or removes it
// if anything failed; the final path is then untouched. Calling Close again
// returns nil.
func (w *Writer) Close() error {
	w.made("Close")
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.err
	if err == nil && w.done != w.n {
		err = w.fail(fmt.Errorf("%w: closed after %d of the %d elements of shape %s", ErrShape, w.done, w.n, FormatShape(w.h.Shape)))
	}
	if err == nil {
		if ferr := w.bw.Flush(); ferr != nil {
			err = w.fail(ferr)
		}
	}
	if w.af != nil {
		if err != nil {
			w.af.Abort()
		} else {
			err = commit(w.af)
		}
	}
	if w.onClose != nil {
		err = w.onClose(err)
	}
	w.err = err
	return err
}

// Abort abandons the array: a Writer from Create removes its temporary file
// and leaves the final path untouched; an .npz member makes the whole
// archive fail. It returns nil, and Close after Abort returns nil too.
func (w *Writer) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.err = w.fail(errors.New("aborted"))
	if w.af != nil {
		w.af.Abort()
	}
	if w.onClose != nil {
		w.onClose(w.err)
	}
	return nil
}

// fail wraps a write error with the destination's name (not the
// temporary file's: see withoutTempName).
func (w *Writer) fail(err error) error { return wrap(w.path, w.key, withoutTempName(err)) }
