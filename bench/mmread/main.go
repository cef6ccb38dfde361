// Command mmread times subspace's Matrix Market reader beside SciPy's
// scipy.io.mmread on the same file, in one run, and prints medians and
// the ratio.
//
//	go run ./bench/mmread [-nnz 1000000] [-sym] [-pattern] [-reps 5] [-json] [-no-anchor]
//
// The file is generated here and written to a temporary directory: nnz/10
// rows and columns, ten entries per row at random columns (seed 7, 11),
// standard normal values written in shortest round-trip form (16–17
// significant digits, the expensive case for number parsing); with -sym
// the matrix is A + Aᵀ stored as its lower triangle, with -pattern only
// the positions. subspace's time is sparse.ReadMMFile (parse and assemble
// CSR, symmetric storage expanded); SciPy's is mmread alone (it returns
// COO) and mmread followed by tocsr(), the like-for-like figure. Both read
// the file from the page cache after one untimed warm-up.
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

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/sparse"
)

type anchor struct {
	Version     string  `json:"scipy_version"`
	NNZ         int     `json:"nnz"`
	Rows        int     `json:"rows"`
	Cols        int     `json:"cols"`
	Sum         float64 `json:"sum"`
	MMRead      float64 `json:"mmread_s"`
	MMReadToCSR float64 `json:"mmread_tocsr_s"`
}

func matrix(nnz int, sym bool) *sparse.CSR {
	n := nnz / 10
	rng := rand.New(rand.NewPCG(7, 11))
	b := sparse.NewCOO(n, n, 2*nnz)
	for i := 0; i < n; i++ {
		for k := 0; k < 10; k++ {
			j, v := rng.IntN(n), rng.NormFloat64()
			b.Append(i, j, v)
			if sym {
				b.Append(j, i, v)
			}
		}
	}
	return b.ToCSR()
}

func main() {
	nnz := flag.Int("nnz", 1000000, "entries generated (the file holds about this many lines)")
	sym := flag.Bool("sym", false, "symmetric matrix stored as its lower triangle")
	pattern := flag.Bool("pattern", false, "write the pattern field (positions only)")
	reps := flag.Int("reps", 5, "timed repetitions (median reported)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip SciPy")
	flag.Parse()
	if err := run(*nnz, *sym, *pattern, *reps, *asJSON, *noAnchor); err != nil {
		fmt.Fprintln(os.Stderr, "mmread:", err)
		os.Exit(1)
	}
}

func run(nnz int, sym, pattern bool, reps int, asJSON, noAnchor bool) error {
	dir, err := os.MkdirTemp("", "mmread")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bench.mtx")
	o := &sparse.MMWriteOptions{}
	if sym {
		o.Symmetry = sparse.MMSymmetric
	}
	if pattern {
		o.Field = sparse.MMPattern
	}
	if err := sparse.SaveMM(path, matrix(nnz, sym), o); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	A, err := sparse.LoadMM(path)
	if err != nil {
		return err
	}
	_, _, val := A.Raw()
	sum := 0.0
	for _, v := range val {
		sum += v
	}
	var readErr error
	sec := benchutil.Median(reps, func() {
		if _, err := sparse.ReadMMFile(path); err != nil {
			readErr = err
		}
	})
	if readErr != nil {
		return readErr
	}
	r, c := A.Dims()
	res := map[string]any{
		"rows": r, "cols": c, "nnz": A.NNZ(), "file_bytes": st.Size(), "symmetric": sym, "pattern": pattern,
		"gomaxprocs": runtime.GOMAXPROCS(0), "subspace_s": sec, "subspace_MBs": float64(st.Size()) / sec / 1e6,
	}
	var an anchor
	if !noAnchor {
		script := filepath.Join(benchutil.Dir("bench/mmread"), "anchor.py")
		if err := benchutil.RunAnchor(script, &an, path, fmt.Sprint(reps)); err != nil {
			fmt.Fprintln(os.Stderr, "mmread:", err)
		} else {
			if an.NNZ != A.NNZ() || an.Rows != r || an.Cols != c || math.Abs(an.Sum-sum) > 1e-9*math.Max(1, math.Abs(sum)) {
				return fmt.Errorf("SciPy read a different matrix: %d×%d nnz %d sum %v, subspace %d×%d nnz %d sum %v",
					an.Rows, an.Cols, an.NNZ, an.Sum, r, c, A.NNZ(), sum)
			}
			res["scipy_version"] = an.Version
			res["scipy_mmread_s"] = an.MMRead
			res["scipy_mmread_tocsr_s"] = an.MMReadToCSR
			res["speedup_vs_scipy_tocsr"] = an.MMReadToCSR / sec
			res["speedup_vs_scipy_mmread"] = an.MMRead / sec
		}
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	fmt.Printf("Matrix Market file: %d×%d, %d stored entries after expansion, %.1f MB, GOMAXPROCS = %d\n",
		r, c, A.NNZ(), float64(st.Size())/1e6, runtime.GOMAXPROCS(0))
	fmt.Printf("%-36s %10s %10s\n", "", "median s", "MB/s")
	fmt.Printf("%-36s %10.3f %10.1f\n", "subspace sparse.ReadMMFile (CSR)", sec, float64(st.Size())/sec/1e6)
	if an.MMRead > 0 {
		fmt.Printf("%-36s %10.3f %10.1f   subspace is %.2f× faster\n", "SciPy "+an.Version+" mmread (COO)", an.MMRead,
			float64(st.Size())/an.MMRead/1e6, an.MMRead/sec)
		fmt.Printf("%-36s %10.3f %10.1f   subspace is %.2f× faster\n", "SciPy mmread().tocsr()", an.MMReadToCSR,
			float64(st.Size())/an.MMReadToCSR/1e6, an.MMReadToCSR/sec)
	}
	return nil
}
