package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// output is one file a command reads or writes: the flag (or argument
// name) that names it and its path ("" when not given).
type output struct{ flag, path string }

// checkOutputs checks a command's output files before any work is done,
// so that a mistake is reported at once and not after a long solve:
//
//   - the directory of each output exists and a file can be created in it;
//   - an existing output is a regular file (the .npy/.npz writers rename a
//     temporary file over the path, which would turn a device, pipe or
//     directory into a regular file) and is overwritten only with force;
//   - no output is one of the inputs, except the pairs in inPlace (output
//     flag → input flag: updating a file in place, such as --recycle-from
//     and --recycle-to naming one U.npy), which need force like any
//     existing output — every input is read before any output is written;
//   - no two outputs are the same file.
//
// Files are compared as the same file on disk (links included) or, when
// one does not exist yet, by their paths with symbolic links in the
// directory resolved. An empty path, and the built-in right-hand side
// --rhs ones, are skipped.
func checkOutputs(inputs, outputs []output, force bool, inPlace map[string]string) error {
	for k, o := range outputs {
		if o.path == "" {
			continue
		}
		for _, in := range inputs {
			if in.path == "" || (in.flag == "--rhs" && in.path == "ones") || !sameFile(in.path, o.path) {
				continue
			}
			if inPlace[o.flag] != in.flag {
				return usageErrorf("%s %s is also an input (%s); choose another file", o.flag, o.path, in.flag)
			}
		}
		for _, p := range outputs[:k] {
			if p.path != "" && sameFile(p.path, o.path) {
				return usageErrorf("%s and %s name the same file %s", p.flag, o.flag, o.path)
			}
		}
		if err := checkOutput(o.flag, o.path, force); err != nil {
			return err
		}
	}
	return nil
}

// dataFormats are the file formats the verbs read or write, by extension.
var dataFormats = map[string]string{
	".npy": "a NumPy .npy array",
	".npz": "a NumPy .npz archive",
	".mtx": "a Matrix Market file",
	".mm":  "a Matrix Market file",
}

// checkFormats refuses an output whose extension names another of the
// formats in dataFormats than the one written (want, e.g. ".npy"): solve
// --out x.mtx wrote .npy bytes under a Matrix Market name, which a later
// reader then failed on. A path with no extension, or one the project does
// not use, is the user's choice and allowed.
func checkFormats(want string, outs ...output) error {
	for _, o := range outs {
		ext := strings.ToLower(filepath.Ext(o.path))
		if what, ok := dataFormats[ext]; ok && ext != want {
			return usageErrorf("%s %s: the file written is %s, not %s; name it *%s", o.flag, o.path, dataFormats[want], what, want)
		}
	}
	return nil
}

// checkOutput checks one output file as checkOutputs does, without the
// comparison with inputs and other outputs.
func checkOutput(flag, path string, force bool) error {
	if st, err := os.Stat(path); err == nil {
		switch {
		case st.IsDir():
			return usageErrorf("%s %s is a directory", flag, path)
		case !st.Mode().IsRegular():
			return usageErrorf("%s %s exists and is not a regular file (%s); choose a file path", flag, path, st.Mode().Type())
		case !force:
			return usageErrorf("%s exists; use --force to overwrite it or %s to choose another file", path, flag)
		}
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return usageErrorf("%s %s: directory %s does not exist", flag, path, dir)
	} else if !st.IsDir() {
		return usageErrorf("%s %s: %s is not a directory", flag, path, dir)
	}
	// The writers create a temporary file in dir and rename it over path:
	// try that now (a read-only directory, /proc) rather than after the
	// work.
	probe, err := os.CreateTemp(dir, ".subspace-probe-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return usageErrorf("%s %s: cannot create a file in directory %s: %v", flag, path, dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// sameFile reports whether a and b name the same file: the same
// existing file (hard and symbolic links included), or, when either does
// not exist yet, the same absolute path once symbolic links in its
// directory are resolved.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	if (errA == nil) != (errB == nil) {
		return false // one exists, the other does not
	}
	return canonical(a) == canonical(b)
}

// canonical returns path made absolute with the symbolic links of its
// directory resolved (the file itself need not exist), or path itself if
// that fails.
func canonical(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return abs
	}
	return filepath.Join(dir, filepath.Base(abs))
}
