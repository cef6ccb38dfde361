package pde

import (
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
)

// TestNilFamilyPanicsDoc: Fields and Systems.System document a "pde:" panic
// for a nil family. A Family holding a nil pointer (the *Darcy of a failed
// NewDarcy, passed on without checking the error) is nil too: Fields used
// to hand it to its workers, where the nil dereference was a runtime error
// in another goroutine that killed the process past any recover.
func TestNilFamilyPanicsDoc(t *testing.T) {
	var cases []misuse.Case
	for _, f := range []struct {
		name string
		fam  Family
	}{
		{"nil interface", nil},
		{"nil *Darcy", (*Darcy)(nil)},
		{"nil *Helmholtz", (*Helmholtz)(nil)},
		{"nil *Poisson", (*Poisson)(nil)},
		{"nil *Thermal", (*Thermal)(nil)},
	} {
		fam := f.fam
		cases = append(cases,
			misuse.Case{Name: "Fields " + f.name, Want: "pde: Fields: nil family", F: func() { Fields(fam, 1, 3) }},
			misuse.Case{Name: "Systems.System " + f.name, Want: "pde: Systems.System: nil Family", F: func() {
				Systems{Family: fam, Fields: [][]float64{{1, 2}}}.System(0)
			}},
		)
	}
	misuse.Check(t, cases)
}
