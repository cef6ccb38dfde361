package main

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestOutputsChecked runs each verb with output paths that must be
// refused before any work: an input named as an output (even with
// --force), two outputs naming one file, an existing file without --force,
// and a path that exists but is not a regular file. The inputs must be
// left as they were.
func TestOutputsChecked(t *testing.T) {
	dir := t.TempDir()
	A := filepath.Join(dir, "A.mtx")
	src, err := os.ReadFile(filepath.Join(infoMatrices, "494_bus.mtx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(A, src, 0o644); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "old.npy")
	if err := os.WriteFile(existing, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.mtx")
	if err := os.Symlink(A, link); err != nil {
		t.Fatal(err)
	}
	x, y := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	alias := filepath.Join(dir, "alias") // a symbolic link to dir itself
	if err := os.Symlink(dir, alias); err != nil {
		t.Fatal(err)
	}
	ones := filepath.Join(dir, "ones") // a file that happens to be named ones
	if code, _, stderr := dgRun(t, "solve", A, "--method", "cg", "--precond", "ic0", "--out", x); code != 0 {
		t.Fatalf("solve --out: exit %d: %s", code, stderr)
	}
	if err := os.WriteFile(ones, must(os.ReadFile(x)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"solve out is the matrix", []string{"solve", A, "--out", A, "--force"}, "--out " + A + " is also an input"},
		{"solve out is the matrix through a link", []string{"solve", link, "--out", A, "--force"}, "is also an input"},
		{"solve out is the rhs", []string{"solve", A, "--rhs", x, "--out", x, "--force"}, "is also an input"},
		{"solve history is x0", []string{"solve", A, "--x0", x, "--history", x, "--force"}, "--history " + x + " is also an input"},
		{"solve two outputs", []string{"solve", A, "--out", y, "--history", y}, "--out and --history name the same file"},
		{"solve two new outputs through a linked directory", []string{"solve", A, "--out", y, "--history", filepath.Join(alias, "y.npy")}, "--out and --history name the same file"},
		{"solve x0 file named ones", []string{"solve", A, "--x0", ones, "--out", ones, "--force"}, "--out " + ones + " is also an input (--x0)"},
		{"solve existing", []string{"solve", A, "--out", existing}, "use --force to overwrite it"},
		{"solve device", []string{"solve", A, "--out", os.DevNull, "--force"}, "is not a regular file"},
		{"sequence out is an input", []string{"sequence", A, A, "--out", A, "--force"}, "is also an input"},
		{"sequence two outputs", []string{"sequence", A, A, "--out", y, "--recycle-to", y}, "--out and --recycle-to name the same file"},
		{"sequence existing", []string{"sequence", A, A, "--recycle-to", existing}, "use --force to overwrite it"},
		{"ot plan is x", []string{"ot", "--x", x, "--y", x, "--reg", "1", "--plan", x, "--force"}, "--plan " + x + " is also an input"},
		{"ot two outputs", []string{"ot", "--cost", x, "--reg", "1", "--plan", y, "--history", y}, "--plan and --history name the same file"},
		{"ot existing", []string{"ot", "--cost", x, "--reg", "1", "--potentials", existing}, "use --force to overwrite it"},
		{"merge out is a shard", []string{"datagen", "merge", "--out", existing, existing, "--force"}, "--out " + existing + " is also an input"},
		{"convert device", []string{"convert", A, os.DevNull, "--force"}, "is not a regular file"},
	}
	if runtime.GOOS == "linux" {
		// A directory that exists but takes no new file (even for root):
		// found before the work, not when the output is written.
		tests = append(tests,
			struct {
				name string
				args []string
				want string
			}{"solve unwritable directory", []string{"solve", A, "--out", "/proc/x.npy"}, "--out /proc/x.npy: cannot create a file in directory /proc"},
			struct {
				name string
				args []string
				want string
			}{"datagen unwritable directory", []string{"datagen", "darcy", "--out", "/proc/d.npz"}, "--out /proc/d.npz: cannot create a file in directory /proc"},
		)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := dgRun(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, stderr, tc.want)
			}
		})
	}
	if got, err := os.ReadFile(A); err != nil || string(got) != string(src) {
		t.Errorf("the input matrix changed (err %v)", err)
	}
	if got, err := os.ReadFile(existing); err != nil || string(got) != "keep" {
		t.Errorf("the existing file changed (err %v)", err)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Errorf("%s is no longer a device (err %v)", os.DevNull, err)
	}
	// The writability probes leave nothing behind.
	if probes, _ := filepath.Glob(filepath.Join(dir, ".subspace-probe-*")); len(probes) > 0 {
		t.Errorf("probe files left: %v", probes)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// Updating a file in place is allowed for the pairs made for it, with
// --force: --recycle-from/--recycle-to (a sequence split over jobs) and
// --warm-start/--potentials (refining potentials).
func TestOutputsInPlacePairs(t *testing.T) {
	dir := t.TempDir()
	A := filepath.Join(infoMatrices, "494_bus.mtx")
	U := filepath.Join(dir, "U.npy")
	if code, _, stderr := dgRun(t, "sequence", A, A, "--recycle-to", U, "--maxiter", "50"); code != 0 && code != 3 {
		t.Fatalf("sequence --recycle-to: exit %d: %s", code, stderr)
	}
	if code, _, stderr := dgRun(t, "sequence", A, A, "--recycle-from", U, "--recycle-to", U, "--maxiter", "50"); code != 2 || !strings.Contains(stderr, "use --force") {
		t.Errorf("in place without --force: exit %d: %s", code, stderr)
	}
	if code, _, stderr := dgRun(t, "sequence", A, A, "--recycle-from", U, "--recycle-to", U, "--maxiter", "50", "--force"); code != 0 && code != 3 {
		t.Errorf("in place with --force: exit %d: %s", code, stderr)
	}
	f := newOTFixture(t)
	pot := filepath.Join(dir, "pot.npz")
	if code, _, stderr := dgRun(t, "ot", "--cost", f.cost, "--reg", "0.1", "--potentials", pot); code != 0 {
		t.Fatalf("ot --potentials: exit %d: %s", code, stderr)
	}
	if code, _, stderr := dgRun(t, "ot", "--cost", f.cost, "--reg", "0.05", "--warm-start", pot, "--potentials", pot, "--force"); code != 0 {
		t.Errorf("ot in place: exit %d: %s", code, stderr)
	}
	if code, _, stderr := dgRun(t, "ot", "--cost", f.cost, "--reg", "0.05", "--warm-start", pot, "--plan", pot, "--force"); code != 2 || !strings.Contains(stderr, "is also an input (--warm-start)") {
		t.Errorf("ot plan over the warm start: exit %d: %s", code, stderr)
	}
}

// An output named with the extension of another format the verbs use is
// refused before any work; other names are the user's choice.
func TestCheckFormats(t *testing.T) {
	for _, tc := range []struct {
		want, path, err string
	}{
		{".npy", "x.npy", ""},
		{".npy", "X.NPY", ""},
		{".npy", "x", ""},
		{".npy", "x.bin", ""},
		{".npy", "", ""},
		{".npy", "dir.mtx/x.npy", ""},
		{".npy", "x.mtx", "--out x.mtx: the file written is a NumPy .npy array, not a Matrix Market file; name it *.npy"},
		{".npy", "x.MM", "not a Matrix Market file"},
		{".npy", "x.npz", "not a NumPy .npz archive; name it *.npy"},
		{".npz", "d.npy", "the file written is a NumPy .npz archive, not a NumPy .npy array; name it *.npz"},
		{".npz", "d.npz", ""},
	} {
		err := checkFormats(tc.want, output{"--out", tc.path})
		if tc.err == "" {
			if err != nil {
				t.Errorf("%s as %s: %v", tc.path, tc.want, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s as %s: %v, want %q", tc.path, tc.want, err, tc.err)
		}
		var ue *exitErr
		if !errors.As(err, &ue) || ue.code != exitUsage {
			t.Errorf("%s as %s: %v is not a usage error", tc.path, tc.want, err)
		}
	}
}
