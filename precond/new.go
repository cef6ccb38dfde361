package precond

import (
	"fmt"
	"strings"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// Options holds the parameters of the preconditioners New builds. The zero
// value and a nil pointer mean the defaults.
type Options struct {
	// Omega is SSOR's relaxation parameter, 0 < Omega < 2; 0 means 1
	// (symmetric Gauss–Seidel). Ignored by the other kinds.
	Omega float64
	// Shift is IC(0)'s and IC(k)'s relative diagonal shift (see
	// IC0Options); 0 means none. Ignored by the other kinds.
	Shift float64
	// Blocks is the number of subdomains of asm and bjacobi (see
	// ASMOptions); 0 means GOMAXPROCS (at most n). Ignored by the other
	// kinds.
	Blocks int
	// Overlap is asm's overlap in levels of neighbours; 0 means
	// DefaultASMOverlap (bjacobi has none). Ignored by the other kinds.
	Overlap int
	// Levels is iluk's level of fill, 0 meaning DefaultILUKLevels (ILU(0)
	// is the ilu0 kind), ick's, 0 meaning DefaultICKLevels (IC(0) is the
	// ic0 kind), and the level of fill of asm's and bjacobi's
	// subdomain factorisations, 0 meaning ILU(0) (PETSc's
	// -sub_pc_factor_levels default). Ignored by the other kinds.
	Levels int
}

// Kinds returns the names New accepts, in a fixed order.
func Kinds() []string {
	return []string{"none", "jacobi", "ssor", "ilu0", "iluk", "ic0", "ick", "asm", "bjacobi"}
}

// New builds the preconditioner named kind (case-insensitive, surrounding
// space ignored) for A:
//
//	none    no preconditioner: New returns a nil Operator and a nil error
//	        (krylov.Options.Precond = nil means none; do not call Apply on it)
//	jacobi  NewJacobi(A)
//	ssor    NewSSOR(A, o.Omega), ω = 1 if o.Omega is 0
//	ilu0    NewILU0(A)
//	iluk    NewILUK(A, o.Levels), DefaultILUKLevels if o.Levels is 0
//	ic0     NewIC0(A, &IC0Options{Shift: o.Shift})
//	ick     NewICK(A, o.Levels, &IC0Options{Shift: o.Shift}),
//	        DefaultICKLevels if o.Levels is 0
//	asm     NewASM(A, &ASMOptions{Blocks: o.Blocks, Overlap: o.Overlap,
//	        Levels: o.Levels}), overlap DefaultASMOverlap if o.Overlap is 0
//	bjacobi NewASM(A, &ASMOptions{Blocks: o.Blocks, Overlap: 0, Levels:
//	        o.Levels}): block Jacobi with ILU(0) (ILU(Levels)) blocks
//
// Every non-nil result also implements linop.Transposer. An unknown kind
// is an error wrapping ErrOption that lists the valid names; construction
// errors are those of the constructors. o may be nil.
func New(kind string, A *sparse.CSR, o *Options) (linop.Operator, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case "none":
		if A == nil {
			panic("precond: New: nil matrix")
		}
		return nil, nil
	case "jacobi":
		return nonNil(NewJacobi(A))
	case "ssor":
		omega := opt.Omega
		if omega == 0 {
			omega = 1
		}
		return nonNil(NewSSOR(A, omega))
	case "ilu0":
		return nonNil(NewILU0(A))
	case "iluk":
		lv := opt.Levels
		if lv == 0 {
			lv = DefaultILUKLevels
		}
		return nonNil(NewILUK(A, lv))
	case "ic0":
		return nonNil(NewIC0(A, &IC0Options{Shift: opt.Shift}))
	case "ick":
		lv := opt.Levels
		if lv == 0 {
			lv = DefaultICKLevels
		}
		return nonNil(NewICK(A, lv, &IC0Options{Shift: opt.Shift}))
	case "asm":
		ov := opt.Overlap
		if ov == 0 {
			ov = DefaultASMOverlap
		}
		return nonNil(NewASM(A, &ASMOptions{Blocks: opt.Blocks, Overlap: ov, Levels: opt.Levels}))
	case "bjacobi":
		return nonNil(NewASM(A, &ASMOptions{Blocks: opt.Blocks, Levels: opt.Levels}))
	}
	return nil, fmt.Errorf("%w: unknown preconditioner %q; valid names are %s", ErrOption, kind, strings.Join(Kinds(), ", "))
}

// nonNil converts a constructor's (typed pointer, error) to
// (linop.Operator, error) so that a failed construction yields a nil
// interface, not an interface holding a nil pointer.
func nonNil[T linop.Operator](p T, err error) (linop.Operator, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}
