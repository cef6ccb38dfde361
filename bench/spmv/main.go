// Command spmv benchmarks subspace's sparse matrix-vector product on the
// 2-D 5-point Laplacian against a memory-bandwidth yardstick (a parallel
// triad over the same number of bytes, on all cores) and against SciPy's
// CSR product and PETSc's MatMult on the same matrix, in one run.
//
//	go run ./bench/spmv [-g 2000] [-reps 31] [-json]
//
// Bytes the product must move: 12 per stored entry (int32 index + value),
// 8 per row pointer, 8 per element of x and of y. The triad and the
// product are timed alternately, -reps rounds of one each, and "vs triad"
// is the median of the per-round ratios: on a shared VM, two medians taken
// one after the other can see different machines.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/sparse"
)

type anchor struct {
	N          int     `json:"n"`
	NNZ        int     `json:"nnz"`
	ScipyS     float64 `json:"scipy_s"`
	ScipyK     float64 `json:"scipy_kernel_s"` // csr_matvec into a preallocated y
	PetscS     float64 `json:"petsc_s"`
	PetscError string  `json:"petsc_error"`
}

func main() {
	g := flag.Int("g", 2000, "grid size: the Laplacian has g×g unknowns")
	reps := flag.Int("reps", 31, "timed repetitions (median reported)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip SciPy/PETSc")
	flag.Parse()

	A := sparse.Laplacian2D(*g, *g)
	n := *g * *g
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	bytes := int64(A.NNZ())*12 + int64(n+1)*8 + int64(n)*16
	// Triad and product alternate, so that both see the same moments of
	// the machine; the fraction of the triad is the median over rounds of
	// the paired ratio (the triad over the same bytes ÷ the product's time).
	triadRun, triadBytes := benchutil.NewTriad(bytes)
	med, ratio := benchutil.Interleaved(*reps, triadRun, func() { A.MulVecTo(y, x) })
	triad := float64(triadBytes) / med[0] / 1e9
	sec := med[1]
	gbs := float64(bytes) / sec / 1e9
	frac := float64(bytes) / float64(triadBytes) / ratio[1]

	res := map[string]any{
		"n": n, "nnz": A.NNZ(), "gomaxprocs": runtime.GOMAXPROCS(0),
		"bytes": bytes, "subspace_s": sec, "subspace_GBs": gbs,
		"triad_GBs": triad, "fraction_of_triad": frac,
	}
	var an anchor
	if !*noAnchor {
		script := filepath.Join(benchutil.Dir("bench/spmv"), "anchor.py")
		if err := benchutil.RunAnchor(script, &an, fmt.Sprint(*g), fmt.Sprint(*reps)); err != nil {
			fmt.Fprintln(os.Stderr, "spmv:", err)
		} else {
			res["scipy_s"] = an.ScipyS
			res["speedup_vs_scipy"] = an.ScipyS / sec
			if an.ScipyK > 0 {
				res["scipy_kernel_s"] = an.ScipyK
				res["speedup_vs_scipy_kernel"] = an.ScipyK / sec
			}
			if an.PetscS > 0 {
				res["petsc_s"] = an.PetscS
				res["speedup_vs_petsc"] = an.PetscS / sec
			}
		}
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("2-D Laplacian %d×%d: n = %d, nnz = %d, %d MB per product, GOMAXPROCS = %d\n",
		*g, *g, n, A.NNZ(), bytes/1e6, runtime.GOMAXPROCS(0))
	fmt.Printf("%-28s %10s %10s %10s\n", "", "median ms", "GB/s", "vs triad")
	fmt.Printf("%-28s %10s %10.2f %10s\n", "triad (all cores)", "", triad, "1.00")
	fmt.Printf("%-28s %10.3f %10.2f %10.2f\n", "subspace CSR MulVecTo", sec*1e3, gbs, frac)
	if an.ScipyS > 0 {
		fmt.Printf("%-28s %10.3f %10.2f %10.2f   subspace is %.2f× faster\n", "SciPy A @ x (1 thread)", an.ScipyS*1e3,
			float64(bytes)/an.ScipyS/1e9, float64(bytes)/an.ScipyS/1e9/triad, an.ScipyS/sec)
	}
	if an.ScipyK > 0 {
		fmt.Printf("%-28s %10.3f %10.2f %10.2f   subspace is %.2f× faster\n", "SciPy kernel, y preallocated", an.ScipyK*1e3,
			float64(bytes)/an.ScipyK/1e9, float64(bytes)/an.ScipyK/1e9/triad, an.ScipyK/sec)
	}
	if an.PetscS > 0 {
		fmt.Printf("%-28s %10.3f %10.2f %10.2f   subspace is %.2f× faster\n", "PETSc MatMult (1 process)", an.PetscS*1e3,
			float64(bytes)/an.PetscS/1e9, float64(bytes)/an.PetscS/1e9/triad, an.PetscS/sec)
	}
}
