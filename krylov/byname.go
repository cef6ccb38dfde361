package krylov

import (
	"context"
	"strings"

	"github.com/subspace-lab/subspace/linop"
)

// SolveFunc is the signature of the square-system solvers (CG, MINRES,
// GMRES, FGMRES, BiCGStab, IDRS, TFQMR) and of GCRODR.Solve.
type SolveFunc func(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error)

var byName = map[string]SolveFunc{
	"cg": CG, "minres": MINRES, "gmres": GMRES, "fgmres": FGMRES,
	"bicgstab": BiCGStab, "idrs": IDRS, "tfqmr": TFQMR,
}

// Methods returns the names ByName accepts, in a fixed order.
func Methods() []string {
	return []string{"cg", "minres", "gmres", "fgmres", "bicgstab", "idrs", "tfqmr"}
}

// ByName returns the solver called name (case-insensitive; the CLI's
// --method values), as precond.New and ot.ParseMethod do for their
// packages. GCRO-DR (stateful: NewGCRODR) and LSQR/LSMR (LSOptions) are
// not included. An unknown name is an error wrapping ErrOption that lists
// Methods.
func ByName(name string) (SolveFunc, error) {
	if f, ok := byName[strings.ToLower(strings.TrimSpace(name))]; ok {
		return f, nil
	}
	return nil, errorf("%w: unknown method %q; valid names are %s", ErrOption, name, strings.Join(Methods(), ", "))
}
