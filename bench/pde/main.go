// Command pde benchmarks the Darcy data-generation front end (Gaussian
// random field, permeability field, CSR assembly) against the SKR anchor's
// NumPy/SciPy implementation on the same permeability field, in one run.
//
//	go run ./bench/pde [-g 80] [-reps 51] [-json] [-no-anchor]
//
// The Go side draws K = exp(GRF) with pde.Darcy.Field, writes it to a temp
// .npy, and the anchor assembles the same matrix from it (checked by the
// sum of |A| and of b); the GRF timings compare statistically identical
// work (same grid, same α, τ) with different random streams.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"

	"codeberg.org/sbinet/npyio"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/pde"
	"github.com/subspace-lab/subspace/sparse"
)

type anchor struct {
	G             int     `json:"g"`
	NNZ           int     `json:"nnz"`
	VecEqualsLoop bool    `json:"vec_equals_loop"`
	AbsSum        float64 `json:"abs_sum"`
	BSum          float64 `json:"b_sum"`
	GRFS          float64 `json:"grf_s"`
	FieldS        float64 `json:"field_s"`
	AssembleVecS  float64 `json:"assemble_vec_s"`
	AssembleLoopS float64 `json:"assemble_loop_s"`
}

func main() {
	g := flag.Int("g", 80, "grid size: g×g unknowns, (g+2)×(g+2) field")
	reps := flag.Int("reps", 51, "timed repetitions (median reported)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip the NumPy/SciPy anchor")
	flag.Parse()
	if err := run(*g, *reps, *asJSON, *noAnchor); err != nil {
		fmt.Fprintln(os.Stderr, "pde:", err)
		os.Exit(1)
	}
}

func run(g, reps int, asJSON, noAnchor bool) error {
	d, err := pde.NewDarcy(g, nil)
	if err != nil {
		return err
	}
	s := g + 2
	rnd := rand.New(rand.NewPCG(1, 2))
	u := make([]float64, s*s)
	grfS := benchutil.Median(reps, func() { d.GRF().Sample(u, rnd) })
	i := 0
	fieldS := benchutil.Median(reps, func() { d.Field(7, i); i++ })
	K := d.Field(7, 0)
	A, b := mustAssemble(d, K)
	asmS := benchutil.Median(reps, func() { mustAssemble(d, K) })
	intoS := benchutil.Median(reps, func() {
		if err := d.AssembleInto(A, b, K); err != nil {
			panic(err)
		}
	})
	_, _, val := A.Raw()
	var absSum, bSum float64
	for _, v := range val {
		absSum += math.Abs(v)
	}
	for _, v := range b {
		bSum += v
	}
	res := map[string]any{
		"g": g, "n": g * g, "nnz": A.NNZ(), "gomaxprocs": runtime.GOMAXPROCS(0),
		"grf_s": grfS, "field_s": fieldS, "assemble_s": asmS, "assemble_into_s": intoS,
	}
	var an anchor
	if !noAnchor {
		dir, err := os.MkdirTemp("", "pde-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "K.npy")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := npyio.Write(f, K); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		script := filepath.Join(benchutil.Dir("bench/pde"), "anchor.py")
		if err := benchutil.RunAnchor(script, &an, path, fmt.Sprint(g), fmt.Sprint(reps)); err != nil {
			fmt.Fprintln(os.Stderr, "pde:", err)
		} else {
			same := an.NNZ == A.NNZ() && math.Abs(an.AbsSum-absSum) <= 1e-12*absSum && math.Abs(an.BSum-bSum) <= 1e-12*bSum
			res["same_matrix_as_anchor"] = same && an.VecEqualsLoop
			res["scipy_grf_s"] = an.GRFS
			res["scipy_field_s"] = an.FieldS
			res["scipy_assemble_vec_s"] = an.AssembleVecS
			res["python_assemble_loop_s"] = an.AssembleLoopS
			res["speedup_grf"] = an.GRFS / grfS
			res["speedup_field"] = an.FieldS / fieldS
			res["speedup_assemble_vs_scipy_vec"] = an.AssembleVecS / asmS
			res["speedup_assemble_vs_anchor_loop"] = an.AssembleLoopS / asmS
		}
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	fmt.Printf("Darcy g = %d: n = %d, nnz = %d, field %d×%d, GOMAXPROCS = %d\n", g, g*g, A.NNZ(), s, s, runtime.GOMAXPROCS(0))
	fmt.Printf("%-34s %12s\n", "", "median ms")
	fmt.Printf("%-34s %12.3f\n", "subspace GRF sample", grfS*1e3)
	fmt.Printf("%-34s %12.3f\n", "subspace Field (GRF + exp)", fieldS*1e3)
	fmt.Printf("%-34s %12.3f\n", "subspace Assemble", asmS*1e3)
	fmt.Printf("%-34s %12.3f\n", "subspace AssembleInto (reuse)", intoS*1e3)
	if an.GRFS > 0 {
		fmt.Printf("%-34s %12.3f   subspace is %.2f× faster\n", "NumPy+scipy.fft GRF sample", an.GRFS*1e3, an.GRFS/grfS)
		fmt.Printf("%-34s %12.3f   subspace is %.2f× faster\n", "NumPy+scipy.fft exp(GRF)", an.FieldS*1e3, an.FieldS/fieldS)
		fmt.Printf("%-34s %12.3f   subspace is %.2f× faster\n", "SciPy vectorised assembly", an.AssembleVecS*1e3, an.AssembleVecS/asmS)
		fmt.Printf("%-34s %12.3f   subspace is %.2f× faster\n", "anchor darcy() (Python loop)", an.AssembleLoopS*1e3, an.AssembleLoopS/asmS)
		fmt.Printf("same matrix as the anchor: %v\n", res["same_matrix_as_anchor"])
	}
	return nil
}

func mustAssemble(d *pde.Darcy, K []float64) (A *sparse.CSR, b []float64) {
	A, b, err := d.Assemble(K)
	if err != nil {
		panic(err)
	}
	return A, b
}
