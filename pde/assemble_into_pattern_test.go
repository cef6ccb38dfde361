package pde

import (
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/sparse"
)

// AssembleInto refuses a matrix of the right size and entry count whose
// sparsity pattern is not the family's: it used to write the values in
// pattern order into whatever columns A had (darcy, helmholtz: a wrong
// matrix without an error) or rewrite A's structure (thermal), which
// sparse.CSR.Raw forbids.
func TestAssembleIntoRejectsOtherPattern(t *testing.T) {
	const g = 3
	fams := []Family{}
	for _, n := range Names() {
		f, err := New(n, g)
		if err != nil {
			t.Fatal(err)
		}
		fams = append(fams, f)
	}
	noWall, err := NewThermal(g, &ThermalOptions{NoWall: true})
	if err != nil {
		t.Fatal(err)
	}
	fams = append(fams, noWall)
	for _, f := range fams {
		field := f.Field(1, 0)
		A, b, err := f.Assemble(field)
		if err != nil {
			t.Fatal(err)
		}
		indptr, ind, val := A.Raw()
		// Row 0 couples to (0, 0), (0, 1) and (1, 0) = column g; move the
		// last to column 2: a valid CSR with the same size and count.
		other := append([]int32(nil), ind...)
		if other[indptr[1]-1] != g {
			t.Fatalf("%s: row 0 columns %v", f.Name(), ind[:indptr[1]])
		}
		other[indptr[1]-1] = 2
		B, err := sparse.NewCSR(g*g, g*g, append([]int(nil), indptr...), other, append([]float64(nil), val...))
		if err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, "row 0 of A is not the family's sparsity pattern") {
					t.Errorf("%s: AssembleInto with another pattern: recovered %v, want a panic naming row 0", f.Name(), r)
				}
			}()
			_ = f.(Reassembler).AssembleInto(B, b, field)
		}()
		if _, c, _ := B.Raw(); c[indptr[1]-1] != 2 {
			t.Errorf("%s: AssembleInto rewrote the structure of the matrix it refused", f.Name())
		}
		// The family's own matrix is accepted.
		if err := f.(Reassembler).AssembleInto(A, b, field); err != nil {
			t.Errorf("%s: own matrix: %v", f.Name(), err)
		}
	}
	// A matrix of another family with the same pattern is accepted too.
	d, _ := New("darcy", g)
	p, _ := New("poisson", g)
	A, b, err := d.Assemble(d.Field(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.(Reassembler).AssembleInto(A, b, p.Field(1, 0)); err != nil {
		t.Errorf("poisson into a darcy matrix: %v", err)
	}
}
