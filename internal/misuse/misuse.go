// Package misuse is the test helper for programmer-misuse panics: the
// project's rule is that misuse (a wrong length, a nil operator, a zero
// value used without its constructor) panics with a package-prefixed
// message naming the function, never with a runtime error. Tests of every
// package list such calls as Cases and run them with Check.
package misuse

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// Case is a call F that misuses an API and must panic with a message
// starting with Want (the package's prefix and the function).
type Case struct {
	Name string
	Want string
	F    func()
}

// Check runs each case and reports an error unless it panics with a
// message that starts with its Want and is not a runtime error (index
// out of range, nil dereference and the like).
func Check(t testing.TB, cases []Case) {
	t.Helper()
	for _, c := range cases {
		msg, isRuntime, panicked := Recover(c.F)
		switch {
		case !panicked:
			t.Errorf("%s: no panic, want one starting %q", c.Name, c.Want)
		case isRuntime:
			t.Errorf("%s: runtime panic %q, want one starting %q", c.Name, msg, c.Want)
		case !strings.HasPrefix(msg, c.Want):
			t.Errorf("%s: panic %q, want one starting %q", c.Name, msg, c.Want)
		}
	}
}

// Recover calls f and reports whether it panicked, with the panic's
// message and whether the value was a runtime.Error.
func Recover(f func()) (msg string, isRuntime, panicked bool) {
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
