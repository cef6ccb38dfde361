package pde_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/pde"
)

// TestMisusePanics: nil families and matrices, out-of-range system indices
// and zero-value samplers panic with a "pde:" message naming the method,
// not a runtime error (which in Fields' workers would kill the process).
func TestMisusePanics(t *testing.T) {
	d, err := pde.New("darcy", 4)
	if err != nil {
		t.Fatal(err)
	}
	fld := d.Field(1, 0)
	if _, _, err := d.Assemble(fld); err != nil {
		t.Fatal(err)
	}
	sys := pde.Systems{Family: d, Fields: [][]float64{fld}}
	rnd := rand.New(rand.NewPCG(1, 2))
	var cases []misuse.Case
	for _, name := range pde.Names() {
		f, err := pde.New(name, 4)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, misuse.Case{Name: name + " AssembleInto nil A", Want: "pde: " + name + ".AssembleInto: nil matrix", F: func() {
			f.(pde.Reassembler).AssembleInto(nil, make([]float64, f.Unknowns()), f.Field(1, 0))
		}})
	}
	cases = append(cases,
		misuse.Case{Name: "Fields nil family", Want: "pde: Fields: nil family", F: func() { pde.Fields(nil, 1, 4) }},
		misuse.Case{Name: "Systems.System past the end", Want: "pde: Systems.System: index 1 outside [0, 1)", F: func() { sys.System(1) }},
		misuse.Case{Name: "Systems.System negative", Want: "pde: Systems.System: index -1 outside [0, 1)", F: func() { sys.System(-1) }},
		misuse.Case{Name: "Systems.System nil family", Want: "pde: Systems.System: nil Family", F: func() { pde.Systems{Fields: [][]float64{fld}}.System(0) }},
		misuse.Case{Name: "zero GRF Sample", Want: "pde: GRF.Sample: zero-value GRF", F: func() { new(pde.GRF).Sample(nil, rnd) }},
		misuse.Case{Name: "zero GRF FromNormals", Want: "pde: GRF.FromNormals: zero-value GRF", F: func() { new(pde.GRF).FromNormals(nil, nil) }},
		misuse.Case{Name: "zero PeriodicGRF Sample", Want: "pde: PeriodicGRF.Sample: zero-value PeriodicGRF", F: func() { new(pde.PeriodicGRF).Sample(nil, rnd) }},
		misuse.Case{Name: "zero PeriodicGRF FromNormals", Want: "pde: PeriodicGRF.FromNormals: zero-value PeriodicGRF", F: func() { new(pde.PeriodicGRF).FromNormals(nil, nil, nil) }},
	)
	zeros := map[string]pde.Family{"darcy": new(pde.Darcy), "helmholtz": new(pde.Helmholtz), "poisson": new(pde.Poisson), "thermal": new(pde.Thermal)}
	for _, name := range pde.Names() {
		f, err := pde.New(name, 4)
		if err != nil {
			t.Fatal(err)
		}
		field := f.Field(1, 0)
		A, b, err := f.Assemble(field)
		if err != nil {
			t.Fatal(err)
		}
		z := zeros[name]
		typ := strings.ToUpper(name[:1]) + name[1:]
		cases = append(cases,
			misuse.Case{Name: name + " Field negative index", Want: "pde: " + name + ".Field: negative system index -1", F: func() { f.Field(1, -1) }},
			misuse.Case{Name: "zero " + typ + " Field", Want: "pde: " + name + ".Field: zero-value " + typ, F: func() { z.Field(1, 0) }},
			misuse.Case{Name: "zero " + typ + " Assemble", Want: "pde: " + name + ".Assemble: zero-value " + typ, F: func() { z.Assemble(field) }},
			misuse.Case{Name: "zero " + typ + " AssembleInto", Want: "pde: " + name + ".AssembleInto: zero-value " + typ, F: func() { z.(pde.Reassembler).AssembleInto(A, b, field) }},
		)
	}
	misuse.Check(t, cases)
}

// TestGRFSizeTooLarge: a grid whose s² overflows is an error, not an index
// out of range inside the constructor.
func TestGRFSizeTooLarge(t *testing.T) {
	for _, s := range []int{pde.MaxGrid + 3, 1 << 40} {
		if _, err := pde.NewGRF(s, nil); err == nil {
			t.Errorf("NewGRF(%d): no error", s)
		}
		if _, err := pde.NewPeriodicGRF(s, nil); err == nil {
			t.Errorf("NewPeriodicGRF(%d): no error", s)
		}
	}
}
