package npy_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/npy"
)

// TestWriteDenseNilPanics: a nil matrix is a programming error with an
// "npy:" message (an empty Dense is valid and written as shape (0, 0)).
func TestWriteDenseNilPanics(t *testing.T) {
	checkMisuse(t, []misuseCase{
		{"WriteDense nil", "npy: WriteDense: nil matrix", func() { npy.WriteDense(t.TempDir()+"/m.npy", nil) }},
	})
}

// misuseCase is a call that misuses the API and must panic with a
// message starting with want (the package's prefix and the function).
type misuseCase struct {
	name string
	want string
	f    func()
}

// checkMisuse runs each case and fails unless it panics with a message
// (not a runtime error) that starts with c.want.
func checkMisuse(t *testing.T, cases []misuseCase) {
	t.Helper()
	for _, c := range cases {
		msg, isRuntime, panicked := recoverMisuse(c.f)
		switch {
		case !panicked:
			t.Errorf("%s: no panic, want one starting %q", c.name, c.want)
		case isRuntime:
			t.Errorf("%s: runtime panic %q, want one starting %q", c.name, msg, c.want)
		case !strings.HasPrefix(msg, c.want):
			t.Errorf("%s: panic %q, want one starting %q", c.name, msg, c.want)
		}
	}
}

func recoverMisuse(f func()) (msg string, isRuntime, panicked bool) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		panicked = true
		_, isRuntime = r.(runtime.Error)
		msg = fmt.Sprint(r)
	}()
	f()
	return "", false, false
}
