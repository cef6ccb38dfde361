package misuse

import (
	"errors"
	"testing"
)

// Recover tells a package-prefixed panic, a runtime error and no panic
// apart.
func TestRecover(t *testing.T) {
	var s []int
	for _, c := range []struct {
		name               string
		f                  func()
		msg                string
		isRuntime, panicks bool
	}{
		{"message", func() { panic("pkg: F: bad") }, "pkg: F: bad", false, true},
		{"error value", func() { panic(errors.New("pkg: F: err")) }, "pkg: F: err", false, true},
		{"runtime", func() { _ = s[3] }, "", true, true},
		{"none", func() {}, "", false, false},
	} {
		msg, isRuntime, panicked := Recover(c.f)
		if panicked != c.panicks || isRuntime != c.isRuntime || (c.msg != "" && msg != c.msg) {
			t.Errorf("%s: Recover = %q, %v, %v", c.name, msg, isRuntime, panicked)
		}
	}
}
