package sequence_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/sequence"
)

// TestNilSourcePanics: a nil Source is a programming error reported with a
// "sequence:" message, like a nil Solver, not a nil dereference.
func TestNilSourcePanics(t *testing.T) {
	s := sequence.SolverFunc(krylov.GMRES)
	checkMisuse(t, []misuseCase{
		{"Run", "sequence: Run: nil Source", func() { sequence.Run(context.Background(), nil, []int{0}, s, nil) }},
		{"RunLanes", "sequence: RunLanes: nil Source", func() {
			sequence.RunLanes(context.Background(), nil, []int{0}, []sequence.Lane{{Solver: s}})
		}},
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
