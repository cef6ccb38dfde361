// Command spnpz times subspace's SciPy sparse .npz reader and writer
// (sparse.LoadNPZ, sparse.SaveNPZ, sparse.WriteNPZ) beside SciPy's
// scipy.sparse.load_npz and save_npz on the same matrix, in one run, and
// prints medians and ratios (SciPy's time ÷ subspace's: above 1 means
// subspace is faster).
//
//	go run ./bench/spnpz [-grid 1000] [-reps 5] [-json] [-no-anchor]
//
// The matrix is the 2-D 5-point Laplacian on a grid×grid mesh (grid² rows,
// about 5·grid² stored entries; 1000: 5 million, 60 MB in CSR). The
// like-for-like reads are of SciPy's own files, written by save_npz stored
// (compressed=False) and deflated (its default): both sides read them from
// the page cache after one untimed warm-up. Both sides also read the two
// files SaveNPZ wrote. For writing, SaveNPZ's figure includes the fsync
// that makes its atomic rename durable; WriteNPZ to an open file without
// fsync is the like-for-like figure beside save_npz, which does not sync.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/sparse"
)

type anchor struct {
	Version            string  `json:"scipy_version"`
	NNZ                int     `json:"nnz"`
	Rows               int     `json:"rows"`
	Cols               int     `json:"cols"`
	Sum                float64 `json:"sum"`
	LoadStored         float64 `json:"load_stored_s"`
	LoadCompressed     float64 `json:"load_compressed_s"`
	LoadOursStored     float64 `json:"load_ours_stored_s"`
	LoadOursCompressed float64 `json:"load_ours_compressed_s"`
	SaveStored         float64 `json:"save_stored_s"`
	SaveCompressed     float64 `json:"save_compressed_s"`
}

func main() {
	grid := flag.Int("grid", 1000, "Laplacian grid size (grid² unknowns)")
	reps := flag.Int("reps", 5, "timed repetitions (median reported)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip SciPy")
	flag.Parse()
	if err := run(*grid, *reps, *asJSON, *noAnchor); err != nil {
		fmt.Fprintln(os.Stderr, "spnpz:", err)
		os.Exit(1)
	}
}

// timed returns the median seconds of reps calls of f, stopping at its
// first error.
func timed(reps int, f func() error) (float64, error) {
	var first error
	s := benchutil.Median(reps, func() {
		if err := f(); err != nil && first == nil {
			first = err
		}
	})
	return s, first
}

func run(grid, reps int, asJSON, noAnchor bool) error {
	dir, err := os.MkdirTemp("", "spnpz")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	A := sparse.Laplacian2D(grid, grid)
	stored, compressed := filepath.Join(dir, "stored.npz"), filepath.Join(dir, "compressed.npz")
	if err := sparse.SaveNPZ(stored, A, false); err != nil {
		return err
	}
	if err := sparse.SaveNPZ(compressed, A, true); err != nil {
		return err
	}
	_, _, val := A.Raw()
	sum := 0.0
	for _, v := range val {
		sum += v
	}
	res := map[string]any{"grid": grid, "nnz": A.NNZ(), "gomaxprocs": runtime.GOMAXPROCS(0)}

	// SciPy first: it writes the files both sides then read.
	var an anchor
	haveAnchor := false
	if !noAnchor {
		script := filepath.Join(benchutil.Dir("bench/spnpz"), "anchor.py")
		if err := benchutil.RunAnchor(script, &an, stored, compressed, dir, fmt.Sprint(reps)); err != nil {
			fmt.Fprintln(os.Stderr, "spnpz:", err)
		} else {
			r, c := A.Dims()
			if an.NNZ != A.NNZ() || an.Rows != r || an.Cols != c || math.Abs(an.Sum-sum) > 1e-9*math.Max(1, math.Abs(sum)) {
				return fmt.Errorf("SciPy read a different matrix: %d×%d nnz %d sum %v, subspace %d×%d nnz %d sum %v",
					an.Rows, an.Cols, an.NNZ, an.Sum, r, c, A.NNZ(), sum)
			}
			haveAnchor = true
		}
	}

	type row struct {
		name, key string
		f         func() error
		scipy     float64
	}
	rows := []row{
		{"load ours, stored", "load_ours_stored_s", func() error { _, err := sparse.LoadNPZ(stored); return err }, an.LoadOursStored},
		{"load ours, compressed", "load_ours_compressed_s", func() error { _, err := sparse.LoadNPZ(compressed); return err }, an.LoadOursCompressed},
		{"save stored", "save_stored_s", func() error { return writeFile(filepath.Join(dir, "ours.npz"), A, false) }, an.SaveStored},
		{"save compressed", "save_compressed_s", func() error { return writeFile(filepath.Join(dir, "ours_c.npz"), A, true) }, an.SaveCompressed},
		{"SaveNPZ stored (fsync)", "save_stored_fsync_s", func() error { return sparse.SaveNPZ(filepath.Join(dir, "ours_f.npz"), A, false) }, 0},
	}
	if haveAnchor {
		// SciPy's own files: the like-for-like read.
		own, ownC := filepath.Join(dir, "scipy.npz"), filepath.Join(dir, "scipy_c.npz")
		rows = append([]row{
			{"load SciPy's, stored", "load_stored_s", func() error { return loadSame(own, A) }, an.LoadStored},
			{"load SciPy's, compressed", "load_compressed_s", func() error { return loadSame(ownC, A) }, an.LoadCompressed},
		}, rows...)
		res["scipy_version"] = an.Version
	}
	ours := map[string]float64{}
	for _, r := range rows {
		s, err := timed(reps, r.f)
		if err != nil {
			return err
		}
		ours[r.key] = s
		res["subspace_"+r.key] = s
		if r.scipy > 0 {
			res["scipy_"+r.key] = r.scipy
			res["speedup_"+r.key] = r.scipy / s
		}
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	st, _ := os.Stat(stored)
	cs, _ := os.Stat(compressed)
	fmt.Printf("2-D Laplacian %d², %d stored entries; stored .npz %.1f MB, deflated %.1f MB (ours); GOMAXPROCS = %d\n",
		grid, A.NNZ(), float64(st.Size())/1e6, float64(cs.Size())/1e6, runtime.GOMAXPROCS(0))
	if haveAnchor {
		sc, _ := os.Stat(filepath.Join(dir, "scipy_c.npz"))
		fmt.Printf("SciPy's deflated file: %.1f MB\n", float64(sc.Size())/1e6)
	}
	fmt.Printf("%-26s %12s %12s %9s\n", "median s", "subspace", "SciPy "+an.Version, "ratio")
	for _, r := range rows {
		s := ours[r.key]
		if r.scipy > 0 {
			fmt.Printf("%-26s %12.4f %12.4f %8.2f×\n", r.name, s, r.scipy, r.scipy/s)
		} else {
			fmt.Printf("%-26s %12.4f %12s %9s\n", r.name, s, "-", "-")
		}
	}
	return nil
}

// loadSame reads path and checks it holds A's pattern (a cheap check that
// the two readers timed read the same matrix).
func loadSame(path string, A *sparse.CSR) error {
	B, err := sparse.LoadNPZ(path)
	if err != nil {
		return err
	}
	if B.NNZ() != A.NNZ() {
		return fmt.Errorf("%s: %d stored entries, want %d", path, B.NNZ(), A.NNZ())
	}
	return nil
}

// writeFile writes A with WriteNPZ to a plain file, without the temporary
// file and fsync of SaveNPZ: what save_npz does.
func writeFile(path string, A *sparse.CSR, compress bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := sparse.WriteNPZ(w, A, compress); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
