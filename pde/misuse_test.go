package pde_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

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
	var cases []misuseCase
	for _, name := range pde.Names() {
		f, err := pde.New(name, 4)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, misuseCase{name + " AssembleInto nil A", "pde: " + name + ".AssembleInto: nil matrix", func() {
			f.(pde.Reassembler).AssembleInto(nil, make([]float64, f.Unknowns()), f.Field(1, 0))
		}})
	}
	cases = append(cases,
		misuseCase{"Fields nil family", "pde: Fields: nil family", func() { pde.Fields(nil, 1, 4) }},
		misuseCase{"Systems.System past the end", "pde: Systems.System: index 1 outside [0, 1)", func() { sys.System(1) }},
		misuseCase{"Systems.System negative", "pde: Systems.System: index -1 outside [0, 1)", func() { sys.System(-1) }},
		misuseCase{"Systems.System nil family", "pde: Systems.System: nil Family", func() { pde.Systems{Fields: [][]float64{fld}}.System(0) }},
		misuseCase{"zero GRF Sample", "pde: GRF.Sample: zero-value GRF", func() { new(pde.GRF).Sample(nil, rnd) }},
		misuseCase{"zero GRF FromNormals", "pde: GRF.FromNormals: zero-value GRF", func() { new(pde.GRF).FromNormals(nil, nil) }},
		misuseCase{"zero PeriodicGRF Sample", "pde: PeriodicGRF.Sample: zero-value PeriodicGRF", func() { new(pde.PeriodicGRF).Sample(nil, rnd) }},
		misuseCase{"zero PeriodicGRF FromNormals", "pde: PeriodicGRF.FromNormals: zero-value PeriodicGRF", func() { new(pde.PeriodicGRF).FromNormals(nil, nil, nil) }},
	)
	checkMisuse(t, cases)
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
