package pde

import (
	"fmt"
	"math"
	"strings"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/sparse"
)

// lenError is the error for a field with got values where shape is
// expected (built only on the error path: shape slices allocate).
func lenError(name string, got int, shape []int) error {
	want := 1
	for _, d := range shape {
		want *= d
	}
	return fmt.Errorf("pde: %s: field has %d values, want %d (shape %v)", name, got, want, shape)
}

// checkPositiveGrid returns an error for the first NaN, Inf or value ≤ 0 of
// an s×s nodal coefficient field, naming the node (row, column) and what
// the coefficient is (e.g. "permeability K").
func checkPositiveGrid(name, what string, field []float64, s int) error {
	for i, v := range field[:s*s] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("pde: %s: %s at node (%d,%d) is %v", name, what, i/s, i%s, v)
		}
		if v <= 0 {
			return fmt.Errorf("pde: %s: %s at node (%d,%d) is %g, must be > 0", name, what, i/s, i%s, v)
		}
	}
	return nil
}

// checkTarget panics unless A is not nil and A and b have the shape family
// f's Assemble returns (programmer misuse of AssembleInto).
func checkTarget(name string, n, nnz int, A *sparse.CSR, lenb int) {
	if A == nil {
		panic(fmt.Sprintf("pde: %s.AssembleInto: nil matrix (use a matrix from Assemble)", name))
	}
	ar, ac := A.Dims()
	annz := A.NNZ()
	if ar != n || ac != n || annz != nnz || lenb != n {
		panic(fmt.Sprintf("pde: %s.AssembleInto: A is %d×%d with %d entries and len(b) = %d, want %d×%d with %d entries and %d (use a matrix from Assemble)",
			name, ar, ac, annz, lenb, n, n, nnz, n))
	}
}

// checkFinite returns an error naming the first NaN or Inf in field.
func checkFinite(name string, field []float64) error {
	for i, v := range field {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("pde: %s: field value %d is %v", name, i, v)
		}
	}
	return nil
}

// checkAssembled returns an error when the assembled matrix or right-hand
// side holds a NaN or Inf: field values that pass the checks can still
// overflow in the discretisation (a coefficient near the largest float64
// summed over four faces, h²k² for a wavenumber of 1e200). No family here
// can overflow while every field value is at most 1e150 in magnitude (the
// stencils add a few terms, square a wavenumber, and scale by h ≤ 1), so
// the assembled values are scanned only when the field holds a larger
// value: a pass over the field, not over the matrix, in the common case.
func checkAssembled(name string, field []float64, A *sparse.CSR, b []float64) error {
	if vec.MaxAbs(field) <= 1e150 {
		return nil
	}
	indptr, ind, val := A.Raw()
	for row := 0; row+1 < len(indptr); row++ {
		for k := indptr[row]; k < indptr[row+1]; k++ {
			if v := val[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("pde: %s: assembled entry (%d,%d) is %v: the field's values overflow the discretisation", name, row, ind[k], v)
			}
		}
	}
	for i, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("pde: %s: assembled right-hand side b[%d] is %v: the field's values overflow the discretisation", name, i, v)
		}
	}
	return nil
}

// checkMade panics when a family's method is called on its zero value:
// every constructor requires g ≥ 2, so g = 0 only there, where the method
// would otherwise dereference a nil sampler or build a 0×0 system.
func checkMade(name, method string, g int) {
	if g == 0 {
		typ := strings.ToUpper(name[:1]) + name[1:]
		panic(fmt.Sprintf("pde: %s.%s: zero-value %s (make one with New%s or pde.New)", name, method, typ, typ))
	}
}

// checkField is Field's misuse check: a made family and i ≥ 0.
func checkField(name string, g, i int) {
	checkMade(name, "Field", g)
	if i < 0 {
		panic(fmt.Sprintf("pde: %s.Field: negative system index %d", name, i))
	}
}
