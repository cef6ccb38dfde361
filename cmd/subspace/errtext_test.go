package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/npy"
)

// Errors whose library wording names Go API (IC0Options.Shift,
// ReadMMFile, mat.Dense) or the wrong preconditioner (asm for bjacobi)
// are reworded for the command line, and a preconditioner's bad option
// exits with status 2.
func TestCLIErrorWording(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	indef := write("indef.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 1\n2 1 2\n2 2 1\n")
	complexA := write("c.mtx", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 2\n")
	cage := filepath.Join(infoMatrices, "cage5.mtx")
	empty := filepath.Join(dir, "x0.npy")
	if err := npy.WriteArray(empty, npy.Array{Shape: []int{0, 2}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
		not  string
	}{
		{"ic0 shift", []string{"solve", indef, "--method", "cg", "--precond", "ic0"}, 1, "try --shift (e.g. --shift 1e-2)", "IC0Options"},
		{"complex solve", []string{"solve", complexA}, 1, "matrix is complex; this command solves real systems only", "ReadMMFile"},
		{"complex sequence", []string{"sequence", complexA, complexA}, 1, "this command solves real systems only", "ReadMMFile"},
		{"empty points", []string{"ot", "--x", empty, "--y", empty, "--reg", "1"}, 1, "it must have at least one row and one column", "mat.Dense"},
		{"bjacobi blocks", []string{"solve", cage, "--precond", "bjacobi", "--blocks", "100"}, 2, "bjacobi: 100 blocks for 37 rows", "asm:"},
		{"datagen bjacobi blocks", []string{"datagen", "darcy", "--grid", "6", "--count", "2", "--precond", "bjacobi", "--blocks", "100", "--out", filepath.Join(dir, "d.npz")}, 2, "bjacobi: 100 blocks for 36 rows", "asm:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := dgRun(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, tc.not) {
				t.Errorf("exit %d, stderr %q; want exit %d with %q and without %q", code, stderr, tc.code, tc.want, tc.not)
			}
		})
	}
}

// TestOneLine: line breaks and tabs, with the spaces around them, become
// one space; spaces within a line are kept.
func TestOneLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain  two spaces", "plain  two spaces"},
		{"a\nb", "a b"},
		{"unknown command \"foo\" for \"subspace\"\n\nDid you mean this?\n\tot\n", "unknown command \"foo\" for \"subspace\" Did you mean this? ot"},
		{"x \r\n y", "x y"},
		{"trailing  ", "trailing  "},
	} {
		if got := oneLine(tc.in); got != tc.want {
			t.Errorf("oneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestHelpTopics: help on a verb prints its help; an unknown topic is bad
// usage (cobra's help command printed "Unknown help topic" and exited 0).
func TestHelpTopics(t *testing.T) {
	if code, out, errs := infoRun(t, "help", "datagen", "merge"); code != 0 || !strings.Contains(out, "merge reads the .npz files") || errs != "" {
		t.Errorf("help datagen merge: exit %d, stdout %.80q, stderr %q", code, out, errs)
	}
	if code, out, _ := infoRun(t, "help"); code != 0 || !strings.Contains(out, "Available Commands") {
		t.Errorf("help: exit %d, stdout %.80q", code, out)
	}
	code, out, errs := infoRun(t, "help", "frobnicate")
	if code != 2 || out != "" || errs != "subspace: unknown help topic \"frobnicate\"; run subspace help for the list of commands\n" {
		t.Errorf("help frobnicate: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestVersion: --version prints one line naming the module version and
// the Go toolchain, and exits 0.
func TestVersion(t *testing.T) {
	code, out, errs := infoRun(t, "--version")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "subspace ") || strings.Count(out, "\n") != 1 || !strings.Contains(out, runtime.Version()) {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
