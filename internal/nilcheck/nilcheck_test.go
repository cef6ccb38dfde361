package nilcheck

import (
	"fmt"
	"testing"
)

type stringer struct{}

func (*stringer) String() string { return "" }

func TestIsNil(t *testing.T) {
	var p *stringer
	var s fmt.Stringer
	var typed fmt.Stringer = p
	for _, c := range []struct {
		name string
		v    any
		want bool
	}{
		{"untyped nil", nil, true},
		{"nil interface", s, true},
		{"interface holding a nil pointer", typed, true},
		{"nil pointer", p, true},
		{"pointer", &stringer{}, false},
		{"value", 3, false},
		{"nil slice (not a pointer)", []int(nil), false},
	} {
		if got := IsNil(c.v); got != c.want {
			t.Errorf("%s: IsNil = %v, want %v", c.name, got, c.want)
		}
	}
}
