package npy

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	kflate "github.com/klauspost/compress/flate"
)

// NPZReader reads the arrays of an .npz archive (np.savez or
// np.savez_compressed output). Arrays are addressed by the names np.load
// shows in .files: the member name without its ".npy" suffix. Each read
// decodes the member afresh. Not safe for concurrent use.
type NPZReader struct {
	opts  ReadOptions
	zr    *zip.Reader
	f     *os.File
	size  int64
	path  string
	names []string
	files map[string]*zip.File
}

// OpenNPZ opens the .npz archive at path with default ReadOptions (NaN and
// Inf refused). A file that is not a zip archive is an error wrapping
// ErrFormat. The caller must Close it.
func OpenNPZ(path string) (*NPZReader, error) { return ReadOptions{}.OpenNPZ(path) }

// NewNPZReader reads an .npz archive of the given size from r with default
// ReadOptions.
func NewNPZReader(r io.ReaderAt, size int64) (*NPZReader, error) {
	return ReadOptions{}.NewNPZReader(r, size)
}

// OpenNPZ is OpenNPZ with these options.
func (o ReadOptions) OpenNPZ(path string) (*NPZReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &Error{Path: path, Err: err}
	}
	z, err := o.newNPZReader(f, fi.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	z.f = f
	return z, nil
}

// NewNPZReader is NewNPZReader with these options.
func (o ReadOptions) NewNPZReader(r io.ReaderAt, size int64) (*NPZReader, error) {
	checkNilIO("NewNPZReader", r, "reader")
	return o.newNPZReader(r, size, "")
}

func (o ReadOptions) newNPZReader(r io.ReaderAt, size int64, path string) (*NPZReader, error) {
	zr, err := zip.NewReader(r, size)
	if err == nil {
		// klauspost/compress's inflater (pure Go, the same format) decodes
		// np.savez_compressed members about twice as fast as compress/flate.
		zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	}
	if err != nil {
		return nil, &Error{Path: path, Err: fmt.Errorf("%w: not a valid .npz (zip) archive: %v", ErrFormat, err)}
	}
	z := &NPZReader{opts: o, zr: zr, size: size, path: path, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") { // directory entry
			continue
		}
		if _, dup := z.files[f.Name]; dup {
			return nil, &Error{Path: path, Err: fmt.Errorf("%w: archive holds member %q twice", ErrFormat, f.Name)}
		}
		z.files[f.Name] = f
		z.names = append(z.names, strings.TrimSuffix(f.Name, ".npy"))
	}
	return z, nil
}

// Names returns the array names in archive order, as np.load's .files.
func (z *NPZReader) Names() []string { return append([]string(nil), z.names...) }

// lookup finds a member as np.load does: the exact member name first, then
// name + ".npy".
func (z *NPZReader) lookup(name string) (*zip.File, error) {
	if f, ok := z.files[name]; ok {
		return f, nil
	}
	if f, ok := z.files[name+".npy"]; ok {
		return f, nil
	}
	quoted := make([]string, 0, len(z.names))
	for i, n := range z.names {
		if i == 20 {
			quoted = append(quoted, "...")
			break
		}
		quoted = append(quoted, strconv.Quote(n))
	}
	have := "the archive is empty"
	if len(quoted) > 0 {
		have = "the archive holds " + strings.Join(quoted, ", ")
	}
	return nil, &Error{Path: z.path, Key: name, Err: fmt.Errorf("%w (%s)", ErrNotFound, have)}
}

// Open returns a streaming Reader for the array name. The caller must Close
// it. Missing names are errors wrapping ErrNotFound.
func (z *NPZReader) Open(name string) (*Reader, error) {
	z.made("Open")
	f, err := z.lookup(name)
	if err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			err = fmt.Errorf("%w: member %q uses zip compression method %d (np.savez writes 0, np.savez_compressed 8)", ErrFormat, f.Name, f.Method)
		} else {
			err = fmt.Errorf("%w: member %q: %v", ErrFormat, f.Name, err)
		}
		return nil, &Error{Path: z.path, Key: name, Err: err}
	}
	size := int64(-1)
	// Trust the recorded size for up-front checks and a single allocation
	// only when it is backed by bytes in the file: a stored member whose
	// data lies inside the archive. A deflated member's size is verified by
	// archive/zip as the data streams, and memory grows with the real data.
	if f.Method == zip.Store && f.CompressedSize64 == f.UncompressedSize64 {
		if off, err := f.DataOffset(); err == nil && off >= 0 && off <= z.size && f.UncompressedSize64 <= uint64(z.size-off) {
			size = int64(f.UncompressedSize64)
		}
	}
	r, err := newReader(zipErrReader{rc}, size, z.path, name)
	if err != nil {
		rc.Close()
		return nil, err
	}
	r.closer = rc
	return r, nil
}

// zipErrReader reports corrupt or truncated compressed data and checksum
// failures as ErrFormat.
type zipErrReader struct{ r io.Reader }

func (z zipErrReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	if err != nil && err != io.EOF {
		var ce flate.CorruptInputError
		var kce kflate.CorruptInputError
		if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.As(err, &ce) || errors.As(err, &kce) || err == io.ErrUnexpectedEOF {
			err = fmt.Errorf("%w: corrupt archive member: %v", ErrFormat, err)
		}
	}
	return n, err
}

// Header returns the header of the array name without reading its data.
func (z *NPZReader) Header(name string) (Header, error) {
	z.made("Header")
	r, err := z.Open(name)
	if err != nil {
		return Header{}, err
	}
	defer r.Close()
	return r.Header(), nil
}

// ReadFloat64 reads the array name into a row-major float64 Array,
// converting types and checking NaN/Inf as ReadArray does.
func (z *NPZReader) ReadFloat64(name string) (Array, error) {
	z.made("ReadFloat64")
	r, err := z.Open(name)
	if err != nil {
		return Array{}, err
	}
	defer r.Close()
	return z.opts.readArray(r)
}

// ReadInt64 reads the integer or bool array name into a row-major
// Int64Array, as ReadInt64Array does.
func (z *NPZReader) ReadInt64(name string) (Int64Array, error) {
	z.made("ReadInt64")
	r, err := z.Open(name)
	if err != nil {
		return Int64Array{}, err
	}
	defer r.Close()
	return readInt64Array(r)
}

// Close closes the file opened by OpenNPZ; it does nothing for
// NewNPZReader.
func (z *NPZReader) Close() error {
	if z.f == nil {
		return nil
	}
	f := z.f
	z.f = nil
	if err := f.Close(); err != nil {
		return &Error{Path: z.path, Err: err}
	}
	return nil
}

// ReadNPZ reads every array of the .npz archive at path as float64
// (integer arrays converted exactly or refused with ErrRange), keyed by
// name. NaN and Inf are refused. Use OpenNPZ to read integer arrays as
// int64 or to read only some arrays.
func ReadNPZ(path string) (map[string]Array, error) { return ReadOptions{}.ReadNPZ(path) }

// ReadNPZ is ReadNPZ with these options.
func (o ReadOptions) ReadNPZ(path string) (map[string]Array, error) {
	z, err := o.OpenNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	out := make(map[string]Array, len(z.names))
	for _, name := range z.names {
		a, err := z.ReadFloat64(name)
		if err != nil {
			return nil, err
		}
		out[name] = a
	}
	return out, nil
}
