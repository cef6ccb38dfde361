// Command precond times the setup and one application of subspace's
// Jacobi, SSOR, ILU(0), ILU(1), ILU(2), IC(0), IC(1), IC(2) and ASM (2
// blocks, overlap 1, ILU(0) subdomains) preconditioners on the 2-D 5-point
// Laplacian beside PETSc (petsc4py, one process: PCJACOBI, PCSOR, PCILU and
// PCICC with the same levels of fill, natural ordering, and PCASM with the
// same subdomains) and SciPy (spilu with
// fill_factor=1, SciPy's only incomplete factorisation; NumPy's multiply
// for Jacobi), in one run, and prints medians and ratios.
//
//	go run ./bench/precond [-g 1000] [-setup-reps 5] [-apply-reps 21] [-json] [-no-anchor]
//
// "setup" is the time from the assembled matrix to the first result
// (construction plus one application), because PETSc's Jacobi and SOR
// defer their work to the first PCApply; "apply" is one further
// application (median, warm).
//
// Yardsticks: Jacobi's apply is a streaming kernel and is compared with a
// STREAM triad on all cores over the same number of bytes, and so is ASM's
// (its subdomain solves run in parallel); the triangular
// solves of SSOR/ILU(0)/IC(0) are sequential (each unknown needs its
// predecessors), so they are compared with a triad on one core over their
// byte count. At g = 1000 the working sets (24 MB, 104 MB) may fit a large
// last-level cache; the yardsticks then measure that cache, like the
// kernels. Bytes per triangular-solve pair:
// 12·nnz + 44·n = 12·(nnz − n) + 56·n (indices and values of the two
// triangles' off-diagonal entries once, two row-pointer arrays, the
// inverted diagonal, x read, dst written, re-read and rewritten).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

type anchor struct {
	N   int `json:"n"`
	NNZ int `json:"nnz"`

	NumpyJacobiSetup float64 `json:"numpy_jacobi_setup_s"`
	NumpyJacobiApply float64 `json:"numpy_jacobi_apply_s"`
	SpiluSetup       float64 `json:"scipy_spilu_setup_s"`
	SpiluApply       float64 `json:"scipy_spilu_apply_s"`
	SpiluNNZ         int     `json:"scipy_spilu_nnz"`

	PetscJacobiSetup float64 `json:"petsc_jacobi_setup_s"`
	PetscJacobiApply float64 `json:"petsc_jacobi_apply_s"`
	PetscSORSetup    float64 `json:"petsc_sor_setup_s"`
	PetscSORApply    float64 `json:"petsc_sor_apply_s"`
	PetscILUSetup    float64 `json:"petsc_ilu_setup_s"`
	PetscILUApply    float64 `json:"petsc_ilu_apply_s"`
	PetscILU1Setup   float64 `json:"petsc_ilu1_setup_s"`
	PetscILU1Apply   float64 `json:"petsc_ilu1_apply_s"`
	PetscILU2Setup   float64 `json:"petsc_ilu2_setup_s"`
	PetscILU2Apply   float64 `json:"petsc_ilu2_apply_s"`
	PetscICCSetup    float64 `json:"petsc_icc_setup_s"`
	PetscICCApply    float64 `json:"petsc_icc_apply_s"`
	PetscICC1Setup   float64 `json:"petsc_icc1_setup_s"`
	PetscICC1Apply   float64 `json:"petsc_icc1_apply_s"`
	PetscICC2Setup   float64 `json:"petsc_icc2_setup_s"`
	PetscICC2Apply   float64 `json:"petsc_icc2_apply_s"`
	PetscASMSetup    float64 `json:"petsc_asm_setup_s"`
	PetscASMApply    float64 `json:"petsc_asm_apply_s"`
	PetscError       string  `json:"petsc_error"`
}

// row is one line of the comparison.
type row struct {
	Kind       string  `json:"kind"`
	SetupS     float64 `json:"setup_s"`
	ApplyS     float64 `json:"apply_s"`
	ApplyGBs   float64 `json:"apply_GBs"`
	Yardstick  string  `json:"yardstick"`
	Fraction   float64 `json:"fraction_of_yardstick"`
	PetscSetup float64 `json:"petsc_setup_s,omitempty"`
	PetscApply float64 `json:"petsc_apply_s,omitempty"`
	OtherName  string  `json:"other,omitempty"`
	OtherSetup float64 `json:"other_setup_s,omitempty"`
	OtherApply float64 `json:"other_apply_s,omitempty"`
}

func main() {
	g := flag.Int("g", 1000, "grid size: the Laplacian has g×g unknowns")
	setupReps := flag.Int("setup-reps", 5, "timed setups (median reported)")
	applyReps := flag.Int("apply-reps", 21, "timed applications (median reported)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip PETSc/SciPy")
	flag.Parse()

	A := sparse.Laplacian2D(*g, *g)
	n, _ := A.Dims()
	nnz := A.NNZ()
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i%17) - 8
	}
	dst := make([]float64, n)

	triBytes := int64(12*nnz + 44*n)
	jacBytes := int64(24 * n)
	// Yardsticks with the same footprint as the kernel they judge, so both
	// sit in the same level of the memory hierarchy. On a shared machine
	// one triad median can land in a busy spell; the best of a few medians
	// spread over the run estimates the attainable bandwidth.
	var triadAll, triad1 float64
	yardsticks := func() {
		triadAll = max(triadAll, benchutil.TriadGBs(jacBytes, 7))
		prev := runtime.GOMAXPROCS(1)
		triad1 = max(triad1, benchutil.TriadGBs(triBytes, 7))
		runtime.GOMAXPROCS(prev)
	}
	yardsticks()

	var an anchor
	anchorOK := false
	if !*noAnchor {
		script := filepath.Join(benchutil.Dir("bench/precond"), "anchor.py")
		if err := benchutil.RunAnchor(script, &an, fmt.Sprint(*g), fmt.Sprint(*setupReps), fmt.Sprint(*applyReps)); err != nil {
			fmt.Fprintln(os.Stderr, "precond:", err)
		} else {
			anchorOK = true
		}
	}

	var rows []row
	for _, name := range []string{"jacobi", "ssor", "ilu0", "iluk1", "iluk2", "ic0", "ick1", "ick2", "asm"} {
		kind, levels := name, 0
		switch {
		case strings.HasPrefix(name, "iluk"):
			kind, levels = "iluk", int(name[4]-'0')
		case strings.HasPrefix(name, "ick"):
			kind, levels = "ick", int(name[3]-'0')
		}
		var p linop.Operator
		setup := medianSetup(*setupReps, func() {
			var err error
			p, err = precond.New(kind, A, &precond.Options{Blocks: 2, Levels: levels}) // asm: 2 blocks, as the anchor's PETSc run
			if err != nil {
				fmt.Fprintln(os.Stderr, "precond:", err)
				os.Exit(1)
			}
			p.Apply(dst, x)
		})
		apply := benchutil.Median(*applyReps, func() { p.Apply(dst, x) })
		yardsticks()
		r := row{Kind: name, SetupS: setup, ApplyS: apply}
		switch kind {
		case "jacobi":
			r.ApplyGBs = float64(jacBytes) / apply / 1e9
			r.Yardstick = "triad, all cores"
		case "asm": // the subdomain solves run in parallel
			r.ApplyGBs = float64(triBytes) / apply / 1e9
			r.Yardstick = "triad, all cores"
		case "iluk": // the solves' bytes on the factors' larger pattern
			L, U := p.(*precond.ILUK).Factors()
			r.ApplyGBs = float64(12*(L.NNZ()+U.NNZ()-n)+44*n) / apply / 1e9
			r.Yardstick = "triad, one core"
		case "ick": // L and Lᵀ on the factor's larger pattern
			L := p.(*precond.ICK).Factor()
			r.ApplyGBs = float64(12*2*(L.NNZ()-n)+44*n) / apply / 1e9
			r.Yardstick = "triad, one core"
		default:
			r.ApplyGBs = float64(triBytes) / apply / 1e9
			r.Yardstick = "triad, one core"
		}
		if anchorOK {
			switch kind {
			case "jacobi":
				r.PetscSetup, r.PetscApply = an.PetscJacobiSetup, an.PetscJacobiApply
				r.OtherName, r.OtherSetup, r.OtherApply = "NumPy x*(1/diag)", an.NumpyJacobiSetup, an.NumpyJacobiApply
			case "ssor":
				r.PetscSetup, r.PetscApply = an.PetscSORSetup, an.PetscSORApply
			case "ilu0":
				r.PetscSetup, r.PetscApply = an.PetscILUSetup, an.PetscILUApply
				r.OtherName, r.OtherSetup, r.OtherApply = "SciPy spilu(ff=1)", an.SpiluSetup, an.SpiluApply
			case "iluk":
				r.PetscSetup, r.PetscApply = an.PetscILU1Setup, an.PetscILU1Apply
				if levels == 2 {
					r.PetscSetup, r.PetscApply = an.PetscILU2Setup, an.PetscILU2Apply
				}
			case "ic0":
				r.PetscSetup, r.PetscApply = an.PetscICCSetup, an.PetscICCApply
			case "ick":
				r.PetscSetup, r.PetscApply = an.PetscICC1Setup, an.PetscICC1Apply
				if levels == 2 {
					r.PetscSetup, r.PetscApply = an.PetscICC2Setup, an.PetscICC2Apply
				}
			case "asm":
				r.PetscSetup, r.PetscApply = an.PetscASMSetup, an.PetscASMApply
			}
		}
		rows = append(rows, r)
	}
	for i := range rows {
		if rows[i].Yardstick == "triad, all cores" {
			rows[i].Fraction = rows[i].ApplyGBs / triadAll
		} else {
			rows[i].Fraction = rows[i].ApplyGBs / triad1
		}
	}

	if *asJSON {
		res := map[string]any{
			"n": n, "nnz": nnz, "gomaxprocs": runtime.GOMAXPROCS(0),
			"triad_all_cores_GBs": triadAll, "triad_one_core_GBs": triad1,
			"jacobi_bytes": jacBytes, "solve_bytes": triBytes,
			"rows": rows,
		}
		if anchorOK {
			res["anchor"] = an
		}
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("2-D Laplacian %d×%d: n = %d, nnz = %d, GOMAXPROCS = %d\n", *g, *g, n, nnz, runtime.GOMAXPROCS(0))
	fmt.Printf("triad (best of 5 medians): %.2f GB/s all cores over %d MB (Jacobi's yardstick), %.2f GB/s one core over %d MB (the solves')\n",
		triadAll, jacBytes>>20, triad1, triBytes>>20)
	fmt.Printf("medians of %d setups (build + first apply) and %d applications\n\n", *setupReps, *applyReps)
	fmt.Printf("%-7s %10s %10s %7s %9s | %10s %10s %7s %7s\n",
		"", "setup ms", "apply ms", "GB/s", "of triad", "PETSc set", "PETSc app", "set ×", "app ×")
	for _, r := range rows {
		fmt.Printf("%-7s %10.2f %10.3f %7.2f %8.0f%% |", r.Kind, r.SetupS*1e3, r.ApplyS*1e3, r.ApplyGBs, 100*r.Fraction)
		if r.PetscApply > 0 {
			fmt.Printf(" %10.2f %10.3f %7.2f %7.2f", r.PetscSetup*1e3, r.PetscApply*1e3, r.PetscSetup/r.SetupS, r.PetscApply/r.ApplyS)
		}
		fmt.Println()
	}
	fmt.Println("\n(× = reference time / subspace time: above 1 means subspace is faster)")
	if anchorOK {
		fmt.Println()
		for _, r := range rows {
			if r.OtherName == "" {
				continue
			}
			fmt.Printf("%-7s vs %-18s setup %8.2f ms (×%.2f), apply %8.3f ms (×%.2f)\n", r.Kind, r.OtherName,
				r.OtherSetup*1e3, r.OtherSetup/r.SetupS, r.OtherApply*1e3, r.OtherApply/r.ApplyS)
		}
		fmt.Printf("(spilu keeps %d entries in L+U vs ILU(0)'s %d: a different preconditioner, SciPy's closest)\n", an.SpiluNNZ, nnz)
		if an.PetscError != "" {
			fmt.Println("PETSc:", an.PetscError)
		}
	}
}

// medianSetup returns the median wall time of reps calls of f (no warm-up:
// each call builds a new preconditioner from scratch and applies it once,
// as a user does).
func medianSetup(reps int, f func()) float64 {
	ts := make([]float64, max(reps, 1))
	for i := range ts {
		runtime.GC()
		t := time.Now()
		f()
		ts[i] = time.Since(t).Seconds()
	}
	slices.Sort(ts)
	return ts[len(ts)/2]
}
