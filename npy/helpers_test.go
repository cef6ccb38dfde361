package npy

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureDir holds the files made by testdata/npy/make_fixtures.py.
var fixtureDir = filepath.Join("..", "testdata", "npy")

// wantErr fails unless err wraps target and its message contains every
// one of the fragments (file name, key, index ...).
func wantErr(t *testing.T, what string, err, target error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %v", what, target)
		return
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("%s: error %q does not wrap %v", what, err, target)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("%s: error %q does not mention %q", what, err, f)
		}
	}
}

// havePythonNumPy reports whether /usr/bin/python3 can import numpy.
func havePythonNumPy() bool {
	return exec.Command("/usr/bin/python3", "-c", "import numpy").Run() == nil
}

func nan() float64 { z := 0.0; return z / z }
func inf() float64 { z := 0.0; return 1 / z }
