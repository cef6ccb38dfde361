package pde

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/sparse"
)

// loadJSON decodes testdata/pde/name (the repository's top-level testdata).
func loadJSON(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "pde", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// maxRelDiff returns max_i |a_i − b_i| / max(max_i |b_i|, tiny).
func maxRelDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		m = math.Max(m, math.Abs(b[i]))
	}
	return d / math.Max(m, 1e-300)
}

// denseSolve solves A x = b with gonum's LU on the dense copy of A.
func denseSolve(t *testing.T, A *sparse.CSR, b []float64) []float64 {
	t.Helper()
	n, _ := A.Dims()
	var x mat.VecDense
	if err := x.SolveVec(A.ToDense(), mat.NewVecDense(n, append([]float64(nil), b...))); err != nil {
		t.Fatalf("dense solve: %v", err)
	}
	return x.RawVector().Data
}

// residual returns ‖b − A x‖∞ / ‖b‖∞.
func residual(A *sparse.CSR, x, b []float64) float64 {
	r := make([]float64, len(b))
	A.MulVecTo(r, x)
	var num, den float64
	for i := range r {
		num = math.Max(num, math.Abs(b[i]-r[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	return num / den
}

// sameCSR reports whether two CSR matrices have the same pattern and values
// within relative tolerance tol of the largest value.
func sameCSR(t *testing.T, got, want *sparse.CSR, tol float64) {
	t.Helper()
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	if gr != wr || gc != wc {
		t.Fatalf("dims %d×%d, want %d×%d", gr, gc, wr, wc)
	}
	gp, gi, gv := got.Raw()
	wp, wi, wv := want.Raw()
	for i := range wp {
		if gp[i] != wp[i] {
			t.Fatalf("indptr[%d] = %d, want %d", i, gp[i], wp[i])
		}
	}
	for k := range wi {
		if gi[k] != wi[k] {
			t.Fatalf("ind[%d] = %d, want %d", k, gi[k], wi[k])
		}
	}
	if d := maxRelDiff(gv, wv); d > tol {
		t.Fatalf("values differ by %g relative, tolerance %g", d, tol)
	}
}

// systemFixture is a reference system stored by make_fixtures.py: a grid,
// the parameter field (K for Darcy, Field for Helmholtz) and the CSR matrix
// and right-hand side the reference code assembles from it.
type systemFixture struct {
	G       int
	K       []float64
	Field   []float64
	Indptr  []int
	Indices []int32
	Data    []float64
	B       []float64
}

// check assembles field with fam and requires the fixture's matrix and
// right-hand side bit for bit (same arithmetic in the same order), through
// both Assemble and AssembleInto.
func (fx *systemFixture) check(t *testing.T, fam interface {
	Family
	Reassembler
}, field []float64) {
	t.Helper()
	A, b, err := fam.Assemble(field)
	if err != nil {
		t.Fatal(err)
	}
	n := fx.G * fx.G
	want, err := sparse.NewCSR(n, n, fx.Indptr, fx.Indices, fx.Data)
	if err != nil {
		t.Fatal(err)
	}
	sameCSR(t, A, want, 0)
	if e := maxRelDiff(b, fx.B); e != 0 {
		t.Errorf("b differs from reference by %g", e)
	}
	_, _, val := A.Raw()
	for k := range val {
		val[k] = math.NaN()
	}
	if err := fam.AssembleInto(A, b, field); err != nil {
		t.Fatal(err)
	}
	sameCSR(t, A, want, 0)
}
