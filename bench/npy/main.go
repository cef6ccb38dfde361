// Command npy benchmarks subspace's .npy/.npz reading and writing against
// NumPy's np.save/np.load and np.savez/np.load on the same float64 vector
// (plus an int64 label vector in the archive), in one run, in the same
// temporary directory (so the same disk and page cache).
//
//	go run ./bench/npy [-n 10000000] [-reps 11] [-json] [-no-anchor]
//
// WriteVector is atomic and durable: it syncs the temporary file before
// renaming it over the previous one, so it pays an fsync (and the release
// of the replaced file's blocks) that np.save does not. The "stream" row
// writes the same bytes through npy.NewWriter on a plain *os.File that
// os.Create truncated, with no fsync, which is the like-for-like comparison
// with np.save (open "wb"). Both NumPy and npy reserve the file's blocks
// with fallocate before writing; os.WriteFile does not, and its row shows
// what that costs on ext4 when a file is overwritten. Reads come from the
// page cache on both sides; os.ReadFile of the same bytes is the read
// floor. The anchor also checks that NumPy reads our files to the same
// values.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/npy"
)

type anchor struct {
	NumPy        string  `json:"numpy"`
	SaveS        float64 `json:"save_s"`
	LoadS        float64 `json:"load_s"`
	SavezS       float64 `json:"savez_s"`
	NPZLoadS     float64 `json:"npz_load_s"`
	GoFilesEqual bool    `json:"go_files_equal"`
}

func main() {
	n := flag.Int("n", 10_000_000, "vector length (float64 elements)")
	reps := flag.Int("reps", 11, "timed repetitions (median reported)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip NumPy")
	flag.Parse()
	if err := run(*n, *reps, *asJSON, *noAnchor); err != nil {
		fmt.Fprintln(os.Stderr, "npy:", err)
		os.Exit(1)
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func run(n, reps int, asJSON, noAnchor bool) error {
	dir, err := os.MkdirTemp("", "bench-npy")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	x := make([]float64, n)
	labels := make([]int64, n)
	for i := range x {
		x[i] = float64(i)*0.5 - 3
		labels[i] = int64(i % 10)
	}
	px := filepath.Join(dir, "go_x.npy")
	pz := filepath.Join(dir, "go_d.npz")
	ps := filepath.Join(dir, "go_stream.npy")

	res := map[string]any{"n": n, "bytes": 8 * n, "gomaxprocs": runtime.GOMAXPROCS(0)}
	t := map[string]float64{}
	t["write"] = benchutil.Median(reps, func() { must(npy.WriteVector(px, x)) })
	t["stream"] = benchutil.Median(reps, func() {
		f, err := os.Create(ps)
		must(err)
		w, err := npy.NewWriter(f, npy.Header{DType: npy.Float64, Shape: []int{n}})
		must(err)
		must(w.WriteFloat64(x))
		must(w.Close())
		must(f.Close())
	})
	// Floors: the file system alone moving the same bytes (no header, no
	// conversion, no NaN check, no fsync).
	raw, err := os.ReadFile(px)
	must(err)
	pr := filepath.Join(dir, "go_raw.bin")
	t["floor_write"] = benchutil.Median(reps, func() { must(os.WriteFile(pr, raw, 0o644)) })
	t["floor_read"] = benchutil.Median(reps, func() {
		_, err := os.ReadFile(pr)
		must(err)
	})
	t["read"] = benchutil.Median(reps, func() {
		_, err := npy.ReadVector(px)
		must(err)
	})
	writeNPZ := func() {
		z, err := npy.CreateNPZ(pz)
		must(err)
		must(z.WriteFloat64("x", []int{n}, x))
		must(z.WriteInt64("labels", []int{n}, labels))
		must(z.Close())
	}
	t["npz_write"] = benchutil.Median(reps, writeNPZ)
	t["npz_read"] = benchutil.Median(reps, func() {
		z, err := npy.OpenNPZ(pz)
		must(err)
		_, err = z.ReadFloat64("x")
		must(err)
		_, err = z.ReadInt64("labels")
		must(err)
		must(z.Close())
	})
	for k, v := range t {
		res["subspace_"+k+"_s"] = v
	}

	var an anchor
	if !noAnchor {
		script := filepath.Join(benchutil.Dir("bench/npy"), "anchor.py")
		if err := benchutil.RunAnchor(script, &an, dir, fmt.Sprint(n), fmt.Sprint(reps)); err != nil {
			fmt.Fprintln(os.Stderr, "npy:", err)
		} else {
			res["numpy"] = an.NumPy
			res["numpy_save_s"], res["numpy_load_s"] = an.SaveS, an.LoadS
			res["numpy_savez_s"], res["numpy_npz_load_s"] = an.SavezS, an.NPZLoadS
			res["numpy_reads_our_files"] = an.GoFilesEqual
			if !an.GoFilesEqual {
				return fmt.Errorf("NumPy read different values from our files")
			}
		}
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	mb := float64(8*n) / 1e6
	fmt.Printf("float64 vector n = %d (%.0f MB), GOMAXPROCS = %d; medians of %d\n", n, mb, runtime.GOMAXPROCS(0), reps)
	fmt.Printf("%-40s %10s %8s %12s %14s\n", "", "median ms", "MB/s", "NumPy ms", "NumPy/subspace")
	row := func(name string, size, s, ref float64, refName string) {
		if ref > 0 {
			fmt.Printf("%-40s %10.1f %8.0f %12.1f %13.2f×  (%s)\n", name, s*1e3, size/s, ref*1e3, ref/s, refName)
		} else {
			fmt.Printf("%-40s %10.1f %8.0f\n", name, s*1e3, size/s)
		}
	}
	row("os.WriteFile, same bytes (no fallocate)", mb, t["floor_write"], an.SaveS, "np.save")
	row("WriteVector (atomic: temp+fsync+rename)", mb, t["write"], an.SaveS, "np.save")
	row("NewWriter on os.File (no fsync)", mb, t["stream"], an.SaveS, "np.save")
	row("floor: os.ReadFile of the same bytes", mb, t["floor_read"], an.LoadS, "np.load")
	row("ReadVector (with the NaN/Inf check)", mb, t["read"], an.LoadS, "np.load")
	fmt.Printf("archive with x (float64) and labels (int64), %.0f MB:\n", 2*mb)
	row("NPZWriter (stored, atomic)", 2*mb, t["npz_write"], an.SavezS, "np.savez")
	row("NPZReader ReadFloat64 + ReadInt64", 2*mb, t["npz_read"], an.NPZLoadS, "np.load")
	if an.NumPy != "" {
		fmt.Printf("NumPy %s read our .npy and .npz to the same values: %v\n", an.NumPy, an.GoFilesEqual)
	}
	return nil
}
