package krylov

import (
	"context"
	"strings"

	"github.com/subspace-lab/subspace/linop"
)

// SolveFunc is the signature of the square-system solvers (CG, MINRES,
// GMRES, FGMRES, BiCGStab, IDRS, TFQMR) and of GCRODR.Solve.
type SolveFunc func(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error)

// solvers is the table behind ByName and Methods, in Methods' order.
var solvers = []struct {
	name  string
	solve SolveFunc
}{
	{"cg", CG}, {"minres", MINRES}, {"gmres", GMRES}, {"fgmres", FGMRES},
	{"bicgstab", BiCGStab}, {"idrs", IDRS}, {"tfqmr", TFQMR},
}

// Methods returns the names ByName accepts, in a fixed order.
func Methods() []string {
	names := make([]string, len(solvers))
	for i, s := range solvers {
		names[i] = s.name
	}
	return names
}

// ByName returns the solver called name (case-insensitive, surrounding
// space ignored; the CLI's --method values), as precond.New and
// ot.ParseMethod do for their packages. GCRO-DR (stateful: NewGCRODR) and LSQR/LSMR (LSOptions) are not
// included. An unknown name is an error wrapping ErrOption that lists
// Methods.
func ByName(name string) (SolveFunc, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	for _, s := range solvers {
		if s.name == key {
			return s.solve, nil
		}
	}
	return nil, errorf("%w: unknown method %q; valid names are %s", ErrOption, name, strings.Join(Methods(), ", "))
}
