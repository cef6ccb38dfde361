package main

import (
	"fmt"
	"math"

	"github.com/spf13/pflag"

	"github.com/subspace-lab/subspace/precond"
)

// precondFlags are the preconditioners' parameters, shared by solve,
// sequence and datagen: --omega (SSOR), --shift (IC(0), IC(k)), --levels
// (ILU(k), IC(k)), --blocks and --overlap (the subdomains of asm and bjacobi).
// Each is refused with a preconditioner that does not take it.
type precondFlags struct {
	omega, shift            float64
	levels, blocks, overlap int
}

func (p *precondFlags) register(fs *pflag.FlagSet) {
	fs.Float64Var(&p.omega, "omega", 0, "ssor: relaxation parameter in (0, 2) (0: 1)")
	fs.Float64Var(&p.shift, "shift", 0, "ic0/ick: relative diagonal shift, factor A + shift·diag(A) (0: none; the remedy when IC(0) breaks down)")
	fs.IntVar(&p.levels, "levels", 0, "iluk/ick: level of fill k ≥ 1 of ILU(k)/IC(k), PETSc's -pc_factor_levels (default 1; ILU(0) and IC(0) are --precond ilu0 and ic0); asm/bjacobi: the subdomains' ILU level, -sub_pc_factor_levels (default 0)")
	fs.IntVar(&p.blocks, "blocks", 0, "asm/bjacobi: number of subdomains (contiguous row blocks; 0: one per processor)")
	fs.IntVar(&p.overlap, "overlap", 0, "asm: levels of neighbours added to each subdomain (0: 1, PETSc's default)")
}

// validate checks the flags against the preconditioner name.
func (p *precondFlags) validate(fs *pflag.FlagSet, prec string) error {
	isASM := prec == "asm" || prec == "bjacobi"
	switch {
	case p.omega != 0 && !(p.omega > 0 && p.omega < 2):
		return usageErrorf("--omega must be in (0, 2), got %v", p.omega)
	case fs.Changed("omega") && prec != "ssor":
		return usageErrorf("--omega applies to --precond ssor only, not %s", prec)
	case !(p.shift >= 0) || math.IsInf(p.shift, 0):
		return usageErrorf("--shift must be finite and >= 0, got %v", p.shift)
	case fs.Changed("shift") && prec != "ic0" && prec != "ick":
		return usageErrorf("--shift applies to --precond ic0 and ick only, not %s", prec)
	case p.levels < 0:
		return usageErrorf("--levels must be >= 1, got %d (--precond ilu0 is ILU(0))", p.levels)
	case fs.Changed("levels") && p.levels == 0 && prec == "iluk":
		// PETSc's -pc_factor_levels 0 is ILU(0); iluk's 0 is its default 1.
		return usageErrorf("--levels 0: ILU(0) is --precond ilu0 (iluk's levels start at 1, its default)")
	case fs.Changed("levels") && p.levels == 0 && prec == "ick":
		return usageErrorf("--levels 0: IC(0) is --precond ic0 (ick's levels start at 1, its default)")
	case fs.Changed("levels") && prec != "iluk" && prec != "ick" && !isASM:
		return usageErrorf("--levels applies to --precond iluk, ick, asm and bjacobi only, not %s", prec)
	case fs.Changed("blocks") && !isASM:
		return usageErrorf("--blocks applies to --precond asm or bjacobi, not %s", prec)
	case fs.Changed("overlap") && prec != "asm":
		return usageErrorf("--overlap applies to --precond asm only (bjacobi has no overlap), not %s", prec)
	case p.blocks < 0:
		return usageErrorf("--blocks %d: must be ≥ 1 (or 0: one per processor)", p.blocks)
	case p.overlap < 0:
		return usageErrorf("--overlap %d: must be ≥ 1, or 0 for the default 1 (bjacobi is asm without overlap)", p.overlap)
	}
	return nil
}

// options returns the precond.Options the flags set.
func (p *precondFlags) options() *precond.Options {
	return &precond.Options{Omega: p.omega, Shift: p.shift, Levels: p.levels, Blocks: p.blocks, Overlap: p.overlap}
}

// params returns the parameters prec takes from the flags, each 0 when
// prec does not take it (the omitempty JSON keys omega, shift, levels):
// ω unless it is 1, the shift, ILU(k)'s and IC(k)'s k (its default
// resolved) or the subdomains' ILU level of asm and bjacobi.
func (p *precondFlags) params(prec string) (omega, shift float64, levels int) {
	switch prec {
	case "ssor":
		if p.omega != 1 {
			omega = p.omega
		}
	case "ic0":
		shift = p.shift
	case "iluk":
		levels = max(p.levels, precond.DefaultILUKLevels)
	case "ick":
		shift = p.shift
		levels = max(p.levels, precond.DefaultICKLevels)
	case "asm", "bjacobi":
		levels = p.levels // the subdomains' ILU(k); 0: ILU(0)
	}
	return omega, shift, levels
}

// label returns prec with its parameter from params, for the text
// reports: "ssor (ω 1.5)", "ic0 (shift 0.01)", "iluk (k 2)", "ick (k 2,
// shift 0.01)", "asm (ILU(1) subdomains)".
func (p *precondFlags) label(prec string) string {
	omega, shift, levels := p.params(prec)
	switch {
	case prec == "ick" && shift != 0:
		return fmt.Sprintf("%s (k %d, shift %g)", prec, levels, shift)
	case levels != 0 && prec != "iluk" && prec != "ick":
		return fmt.Sprintf("%s (ILU(%d) subdomains)", prec, levels)
	case levels != 0:
		return fmt.Sprintf("%s (k %d)", prec, levels)
	case omega != 0:
		return fmt.Sprintf("%s (ω %g)", prec, omega)
	case shift != 0:
		return fmt.Sprintf("%s (shift %g)", prec, shift)
	}
	return prec
}
