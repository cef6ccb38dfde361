package main

import (
	"github.com/spf13/pflag"

	"github.com/subspace-lab/subspace/precond"
)

// asmFlags are --blocks and --overlap, the subdomains of the asm and
// bjacobi preconditioners, shared by solve and datagen.
type asmFlags struct {
	blocks, overlap int
}

func (a *asmFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&a.blocks, "blocks", 0, "asm/bjacobi: number of subdomains (contiguous row blocks; 0: one per processor)")
	fs.IntVar(&a.overlap, "overlap", 0, "asm: levels of neighbours added to each subdomain (0: 1, PETSc's default)")
}

// validate checks the flags against the preconditioner name.
func (a *asmFlags) validate(fs *pflag.FlagSet, prec string) error {
	isASM := prec == "asm" || prec == "bjacobi"
	switch {
	case fs.Changed("blocks") && !isASM:
		return usageErrorf("--blocks applies to --precond asm or bjacobi, not %s", prec)
	case fs.Changed("overlap") && prec != "asm":
		return usageErrorf("--overlap applies to --precond asm only (bjacobi has no overlap), not %s", prec)
	case a.blocks < 0:
		return usageErrorf("--blocks %d: must be ≥ 1 (or 0: one per processor)", a.blocks)
	case a.overlap < 0:
		return usageErrorf("--overlap %d: must be ≥ 1, or 0 for the default 1 (bjacobi is asm without overlap)", a.overlap)
	}
	return nil
}

// options returns the precond.Options fields the flags set.
func (a *asmFlags) options(o precond.Options) *precond.Options {
	o.Blocks, o.Overlap = a.blocks, a.overlap
	return &o
}
