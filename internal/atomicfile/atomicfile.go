// Package atomicfile writes a file under a temporary name in the
// destination's directory and renames it over the destination only when
// everything was written, so that an error, a cancellation or a crash
// never leaves a partial file under the final name (and an existing file
// is replaced only by a complete one). The npy writers and
// sparse.SaveMM use it.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// File is the temporary file ".<base>.tmp-<random>" next to its
// destination; write to it, then Commit or Abort.
type File struct {
	*os.File
	path string
}

// Create creates the temporary file for path. Its error names the
// directory that could not take a new file, not the temporary name.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return nil, errors.New("path names a directory, not a file")
	}
	// Not os.CreateTemp, whose 0600 a later chmod would have to widen,
	// ignoring the umask: 0666 less the umask, as os.Create gives.
	var f *os.File
	var err error
	for try := 0; ; try++ {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) || try == 100 {
			break
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("cannot create a file in directory %s: %w", filepath.Clean(dir), pe.Err)
		}
		return nil, err
	}
	return &File{File: f, path: path}, nil
}

// Path returns the destination.
func (a *File) Path() string { return a.path }

// Commit flushes the data to stable storage, gives the file the mode of
// the file it replaces (a new one has 0666 less the umask, as os.Create
// gives) and renames it into place. On
// failure the temporary file is removed and the error does not name it
// (see WithoutTempName).
func (a *File) Commit() error {
	tmp := a.Name()
	err := a.Sync()
	if cerr := a.File.Close(); err == nil {
		err = cerr
	}
	if fi, serr := os.Stat(a.path); err == nil && serr == nil && fi.Mode().IsRegular() {
		err = os.Chmod(tmp, fi.Mode().Perm())
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		os.Remove(tmp)
		return WithoutTempName(err)
	}
	return nil
}

// Abort closes and removes the temporary file; the destination is
// untouched.
func (a *File) Abort() {
	a.File.Close()
	os.Remove(a.Name())
}

// WithoutTempName returns err with the temporary file's name taken out of
// an *fs.PathError or *os.LinkError (the operation and the cause remain),
// so that an error names the destination only.
func WithoutTempName(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	case errors.As(err, &le):
		return fmt.Errorf("%s: %w", le.Op, le.Err)
	}
	return err
}
