package npy

import (
	"errors"
	"io/fs"
	"strconv"
)

// Sentinel errors. Every error this package returns for bad data wraps
// exactly one of them inside an *Error, so callers can test with errors.Is
// and still print a message that names the file and the array.
var (
	// ErrFormat: the bytes are not a valid .npy/.npz (bad magic, bad or
	// oversized header, truncated data, trailing bytes, not a zip archive).
	ErrFormat = errors.New("malformed file")
	// ErrDType: the array's element type is valid NumPy but not one this
	// package converts (complex, object, string, structured, datetime, float128).
	ErrDType = errors.New("unsupported dtype")
	// ErrShape: the array is well formed but its shape does not fit the call
	// (ReadVector given a 3-d array, ReadDense given a 1-d array, ...).
	ErrShape = errors.New("unexpected shape")
	// ErrNonFinite: a NaN or ±Inf was found where finite values are required.
	ErrNonFinite = errors.New("non-finite value")
	// ErrRange: a value cannot be converted exactly to the requested type
	// (an int64 beyond 2^53 read as float64, a non-integral float written as
	// an integer dtype, a float64 that overflows float32).
	ErrRange = errors.New("value not representable")
	// ErrNotFound: an .npz archive has no array with the requested name.
	ErrNotFound = errors.New("no such array")
)

// Error is the error type returned for everything that depends on the data
// or the file system. It names the file and, inside an .npz archive, the
// array.
type Error struct {
	Path string // file name; "" when reading from or writing to an io.Reader/io.Writer
	Key  string // array name inside an .npz archive; "" for a plain .npy
	Err  error  // wraps one of the sentinel errors above, or an I/O error
}

// Error formats the error as "npy: <path>: array "<key>": <cause>".
func (e *Error) Error() string {
	s := "npy: "
	// An *fs.PathError already names the file; do not say it twice.
	var pe *fs.PathError
	if e.Path != "" && !errors.As(e.Err, &pe) {
		s += e.Path + ": "
	}
	if e.Key != "" {
		s += "array " + strconv.Quote(e.Key) + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// wrap attaches a file name and key to err, filling in only what is missing
// when err is already an *Error. It returns nil for a nil err.
func wrap(path, key string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		out := *e
		if out.Path == "" {
			out.Path = path
		}
		if out.Key == "" {
			out.Key = key
		}
		return &out
	}
	return &Error{Path: path, Key: key, Err: err}
}
