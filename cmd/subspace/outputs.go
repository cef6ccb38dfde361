package main

import (
	"os"
	"path/filepath"
)

// output is one file a command will write: the flag that names it and
// its path ("" when not asked for).
type output struct{ flag, path string }

// checkOutputs checks a command's output files before any work is done,
// so that a mistake is reported at once and not after a long solve:
//
//   - the directory of each output exists;
//   - an existing output is a regular file (the writers replace a file by
//     renaming a temporary file over it, which would turn a device, pipe
//     or directory into a regular file) and is overwritten only with
//     force;
//   - no output is one of the inputs (not even with force: the input is
//     read after this check, and a user who names it twice has made a
//     mistake) and no two outputs are the same file.
//
// inputs are the paths the command reads; "" and "ones" (the built-in
// right-hand side) are skipped.
func checkOutputs(inputs []string, outputs []output, force bool) error {
	for k, o := range outputs {
		if o.path == "" {
			continue
		}
		for _, in := range inputs {
			if in != "" && in != "ones" && sameFile(in, o.path) {
				return usageErrorf("%s %s is also an input; choose another file", o.flag, o.path)
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
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usageErrorf("%s %s: directory %s does not exist", flag, path, dir)
	}
	return nil
}

// sameFile reports whether a and b name the same file: the same
// existing file (hard links and symbolic links included), or, when
// either does not exist yet, the same absolute path.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	aa, errA := filepath.Abs(a)
	ab, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == ab
}
