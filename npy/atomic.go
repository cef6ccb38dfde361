package npy

import "github.com/subspace-lab/subspace/internal/atomicfile"

// atomicFile is a temporary file in the destination's directory that is
// renamed over the destination only when everything was written, so a
// crash or an error never leaves a partial file under the final name.
type atomicFile = atomicfile.File

// createAtomic creates the temporary file ".<base>.tmp-<random>" next to
// path; its error is an *Error naming path.
func createAtomic(path string) (*atomicFile, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	return f, nil
}

// commit renames the file into place (see atomicfile.File.Commit); its
// error is an *Error naming the destination.
func commit(a *atomicFile) error {
	if err := a.Commit(); err != nil {
		return &Error{Path: a.Path(), Err: err}
	}
	return nil
}

// withoutTempName is atomicfile.WithoutTempName.
func withoutTempName(err error) error { return atomicfile.WithoutTempName(err) }
