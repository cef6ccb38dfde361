package npy

import (
	"errors"
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
		return &Error{Path: a.path, Err: err}
	}
	return nil
}

// abort closes and removes the temporary file; the destination is untouched.
func (a *atomicFile) abort() {
	a.File.Close()
	os.Remove(a.Name())
}
