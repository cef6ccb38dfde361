package npy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// atomicFile is a temporary file in the destination's directory that is
// renamed over the destination only when everything was written, so a
// crash or an error never leaves a partial file under the final name.
type atomicFile struct {
	*os.File
	path string
}

// createAtomic creates the temporary file ".<base>.tmp-<random>" next to
// path.
func createAtomic(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return nil, &Error{Path: path, Err: errors.New("path names a directory, not a file")}
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		// The temporary name means nothing to the caller: say which
		// directory could not take a new file.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("cannot create a file in directory %s: %w", filepath.Clean(dir), pe.Err)
		}
		return nil, &Error{Path: path, Err: err}
	}
	return &atomicFile{File: f, path: path}, nil
}

// commit flushes the data to stable storage, gives the file the mode of the
// file it replaces (0644 for a new one) and renames it into place. On
// failure the temporary file is removed.
func (a *atomicFile) commit() error {
	tmp := a.Name()
	err := a.Sync()
	if cerr := a.File.Close(); err == nil {
		err = cerr
	}
	mode := os.FileMode(0o644)
	if fi, serr := os.Stat(a.path); serr == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		os.Remove(tmp)
		return &Error{Path: a.path, Err: withoutTempName(err)}
	}
	return nil
}

// withoutTempName returns err with the temporary file's name taken out of
// an *fs.PathError or *os.LinkError (the operation and the cause remain),
// so that an error names the destination only.
func withoutTempName(err error) error {
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

// abort closes and removes the temporary file; the destination is untouched.
func (a *atomicFile) abort() {
	a.File.Close()
	os.Remove(a.Name())
}
