package pde

import (
	"slices"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	for _, name := range Names() {
		f, err := New(name, 5)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.Name() != name || f.Grid() != 5 || f.Unknowns() != 25 {
			t.Errorf("%s: Name %q Grid %d Unknowns %d", name, f.Name(), f.Grid(), f.Unknowns())
		}
		if s := f.SolutionShape(); len(s) != 2 || s[0] != 5 || s[1] != 5 {
			t.Errorf("%s: SolutionShape %v", name, s)
		}
		A, b, err := f.Assemble(f.Field(1, 2))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r, c := A.Dims(); r != 25 || c != 25 || len(b) != 25 {
			t.Errorf("%s: A %d×%d, len(b) %d", name, r, c, len(b))
		}
		if err := A.CheckFinite(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, ok := f.(Reassembler); !ok {
			t.Errorf("%s does not implement Reassembler", name)
		}
	}
}

func TestNewErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		grid int
		want string
	}{
		{"nosuch", 10, `unknown family "nosuch"`},
		{"", 10, "unknown family"},
		{"Darcy", 10, "unknown family"},
		{"darcy", 1, "grid 1 too small"},
		{"darcy", -1, "grid -1 too small"},
		{"darcy", MaxGrid + 1, "too large"},
	} {
		_, err := New(c.name, c.grid)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%q, %d): error %v, want it to contain %q", c.name, c.grid, err, c.want)
		}
	}
	for _, name := range Names() {
		for _, g := range []int{1, 0, MaxGrid + 1} {
			f, err := New(name, g)
			if err == nil {
				t.Errorf("New(%q, %d): no error", name, g)
			}
			// A nil Family, not one holding a nil pointer (!= nil, and a
			// panic on first use).
			if f != nil {
				t.Errorf("New(%q, %d): Family %#v with the error, want nil", name, g, f)
			}
			if f, _ := NewVariant(name, g, Variant{}); f != nil {
				t.Errorf("NewVariant(%q, %d): Family %#v with the error, want nil", name, g, f)
			}
		}
	}
}

// Fields draws what Field draws, system by system, whatever the number of
// goroutines, and Systems assembles what Assemble does.
func TestFieldsAndSystems(t *testing.T) {
	fam, err := New("darcy", 6)
	if err != nil {
		t.Fatal(err)
	}
	fields := Fields(fam, 3, 7)
	if len(fields) != 7 {
		t.Fatalf("%d fields", len(fields))
	}
	for i, f := range fields {
		if !slices.Equal(f, fam.Field(3, i)) {
			t.Fatalf("field %d differs from Field(3, %d)", i, i)
		}
	}
	if len(Fields(fam, 3, 0)) != 0 {
		t.Error("count 0")
	}
	s := Systems{Family: fam, Fields: fields}
	if s.Len() != 7 {
		t.Fatalf("Len = %d", s.Len())
	}
	A, b, err := s.System(4)
	A2, b2, _ := fam.Assemble(fields[4])
	if err != nil || !slices.Equal(b, b2) || A.NNZ() != A2.NNZ() {
		t.Errorf("System(4) differs from Assemble(fields[4]): %v", err)
	}
}
