package pde

import (
	"fmt"
	"sort"

	"github.com/subspace-lab/subspace/sparse"
)

// MaxGrid is the largest grid size g any family accepts: g² unknowns must
// fit a sparse.CSR column index with room to spare, and one solution vector
// of MaxGrid² float64 values is already 2 GiB.
const MaxGrid = 1 << 14

// Family generates a sequence of sparse linear systems A_i u_i = b_i, one per
// random parameter field, indexed by i and drawn from a seed.
//
// Implementations in this package are immutable after construction and safe
// for concurrent use: any number of goroutines may call Field and Assemble on
// the same Family.
type Family interface {
	// Name is the family's registry name: "darcy", "helmholtz", "poisson"
	// or "thermal".
	Name() string
	// Grid is the grid size g: the solution has g×g unknowns.
	Grid() int
	// FieldShape is the shape of the parameter field (row-major), e.g.
	// [g+2, g+2] for Darcy. The product of the entries is len(Field(...)).
	FieldShape() []int
	// SolutionShape is the shape of the solution, [g, g] for every family
	// here (row-major: unknown (i, j) has index i·g + j).
	SolutionShape() []int
	// Unknowns is the number of unknowns, g².
	Unknowns() int
	// Field returns the parameter field of system i, drawn deterministically
	// from (seed, i) alone with rand.New(rand.NewPCG(seed, uint64(i))), so
	// any shard can regenerate any field cheaply and the result does not
	// depend on GOMAXPROCS or on which fields were drawn before. It returns
	// a new slice. It panics if i < 0; Field, Assemble and AssembleInto
	// panic on a zero-value family (use New or its constructor).
	Field(seed uint64, i int) []float64
	// Assemble builds A and b from a field. It returns an error for a field
	// of the wrong length, with NaN or Inf, or with non-physical values
	// (e.g. a permeability K ≤ 0). The field is not modified.
	Assemble(field []float64) (A *sparse.CSR, b []float64, err error)
}

// Reassembler is implemented by every family in this package: it refills
// the values of a matrix and right-hand side made by the same family's
// Assemble (the sparsity pattern of a family depends only on its grid), so a
// long run can reuse one A and one b instead of allocating per system.
type Reassembler interface {
	// AssembleInto overwrites the values of A and b with the system of
	// field. A must have been returned by Assemble of a family with the same
	// name and grid, and len(b) = Unknowns(); otherwise (A's size, entry
	// count or sparsity pattern differs) it panics. Field
	// errors are those of Assemble; on error A and b are unspecified.
	AssembleInto(A *sparse.CSR, b, field []float64) error
}

// constructors maps registry names to constructors with default options.
var constructors = map[string]func(grid int) (Family, error){
	"darcy":     func(g int) (Family, error) { return family(NewDarcy(g, nil)) },
	"helmholtz": func(g int) (Family, error) { return family(NewHelmholtz(g, nil)) },
	"poisson":   func(g int) (Family, error) { return family(NewPoisson(g, nil)) },
	"thermal":   func(g int) (Family, error) { return family(NewThermal(g, nil)) },
}

// family returns a constructor's result as a Family: nil on error, not a
// Family holding a nil pointer (which is not == nil and panics when used).
func family[F Family](f F, err error) (Family, error) {
	if err != nil {
		return nil, err
	}
	return f, nil
}

// New returns the family called name on a g×g grid with the paper's default
// parameters (see the package documentation). It returns an error for an
// unknown name or a grid outside [2, MaxGrid].
func New(name string, grid int) (Family, error) {
	c, ok := constructors[name]
	if !ok {
		return nil, fmt.Errorf("pde: unknown family %q (known: %v)", name, Names())
	}
	return c(grid)
}

// Names returns the registry names of the families, sorted.
func Names() []string {
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// checkGrid validates a grid size for family name.
func checkGrid(name string, grid int) error {
	if grid < 2 {
		return fmt.Errorf("pde: %s: grid %d too small, need at least 2", name, grid)
	}
	if grid > MaxGrid {
		return fmt.Errorf("pde: %s: grid %d too large, at most %d", name, grid, MaxGrid)
	}
	return nil
}
