package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run refused by the memory check (the machine's memory is known on
// Linux) prints its error alone: the notice that the default output of an
// earlier run is replaced came first, a second line announcing a
// replacement that did not happen.
func TestDatagenRefusedRunReplacesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("thermal.npz", []byte("earlier"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := dgRun(t, "datagen", "thermal", "--grid", "16384", "--count", "1000000000", "--progress=false")
	if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "needs at least") {
		t.Errorf("exit %d, stderr %q; want exit %d and one line with the memory check", code, stderr, exitUsage)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "thermal.npz")); err != nil || string(b) != "earlier" {
		t.Errorf("thermal.npz after the refused run: %q, %v", b, err)
	}
}
