// Command spmul times subspace's sparse products beside SciPy's on the
// same matrices, in one run, and prints medians and ratios (SciPy's time
// ÷ subspace's: above 1 means subspace is faster).
//
//	go run ./bench/spmul [-grid 1000] [-n 200000] [-k 8] [-reps 5] [-rounds 3] [-json] [-no-anchor]
//
// Products: sparse.Mul (Gustavson, two passes, parallel) on A·A for the
// 2-D 5-point Laplacian A on a grid×grid mesh and on R·R for a random
// n×n matrix with 10 entries per row (seed 7); CSR.MulDenseTo on A·X for
// a dense grid²×k X (the block product of block Krylov methods and
// randomized range finders). SciPy 1.10's A @ A and A @ X run its C++
// csr_matmat and csr_matvecs, one thread. csr_matmat leaves each row's
// columns unsorted, while sparse.Mul returns them sorted (the canonical
// CSR every other routine can rely on): the like-for-like figure is
// SciPy's product followed by sort_indices(), and the table gives both. The matrices go to SciPy as
// .npz (sparse.SaveNPZ) and X as .npy; each side's results are checked
// against the other's (stored entries and sums). The two sides take turns,
// -rounds times (ours with -reps repetitions, then SciPy with as many), so
// that the VM's drift between minutes reaches both; each figure is the
// median over rounds of the rounds' medians.
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
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/sparse"
)

type anchor struct {
	Version string  `json:"scipy_version"`
	AANNZ   int     `json:"aa_nnz"`
	AASum   float64 `json:"aa_sum"`
	RRNNZ   int     `json:"rr_nnz"`
	RRSum   float64 `json:"rr_sum"`
	AXSum   float64 `json:"ax_sum"`
	AA      float64 `json:"aa_s"`
	RR      float64 `json:"rr_s"`
	AASort  float64 `json:"aa_sorted_s"`
	RRSort  float64 `json:"rr_sorted_s"`
	AX      float64 `json:"ax_s"`
	AXK     float64 `json:"ax_kernel_s"` // csr_matvecs into a preallocated result
}

func main() {
	grid := flag.Int("grid", 1000, "Laplacian grid size (grid² rows)")
	n := flag.Int("n", 200000, "rows and columns of the random matrix R")
	k := flag.Int("k", 8, "columns of the dense X")
	reps := flag.Int("reps", 5, "timed repetitions per round (median reported)")
	rounds := flag.Int("rounds", 3, "rounds of ours then SciPy's, taken in turn")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip SciPy")
	flag.Parse()
	if *reps < 1 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "spmul: -reps and -rounds must be at least 1")
		os.Exit(2)
	}
	if err := run(*grid, *n, *k, *reps, *rounds, *asJSON, *noAnchor); err != nil {
		fmt.Fprintln(os.Stderr, "spmul:", err)
		os.Exit(1)
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// median returns the median of v (v is reordered).
func median(v []float64) float64 {
	slices.Sort(v)
	m := len(v) / 2
	if len(v)%2 == 0 {
		return (v[m-1] + v[m]) / 2
	}
	return v[m]
}

func run(grid, n, k, reps, rounds int, asJSON, noAnchor bool) error {
	A := sparse.Laplacian2D(grid, grid)
	rng := rand.New(rand.NewPCG(7, 7))
	b := sparse.NewCOO(n, n, 10*n)
	for i := 0; i < n; i++ {
		for t := 0; t < 10; t++ {
			b.Append(i, rng.IntN(n), rng.NormFloat64())
		}
	}
	R := b.ToCSR()
	rows, _ := A.Dims()
	X := mat.NewDense(rows, k, nil)
	for i := 0; i < rows; i++ {
		for j := 0; j < k; j++ {
			X.Set(i, j, rng.NormFloat64())
		}
	}
	AX := mat.NewDense(rows, k, nil)
	var AA, RR *sparse.CSR
	timeOurs := func() map[string]float64 {
		return map[string]float64{
			"aa_s": benchutil.Median(reps, func() { AA = sparse.Mul(A, A) }),
			"rr_s": benchutil.Median(reps, func() { RR = sparse.Mul(R, R) }),
			"ax_s": benchutil.Median(reps, func() { A.MulDenseTo(AX, X) }),
			// As A @ X does: a new result every call.
			"ax_alloc_s": benchutil.Median(reps, func() { A.MulDenseTo(mat.NewDense(rows, k, nil), X) }),
		}
	}
	// timeAnchor runs SciPy once (reps repetitions of each product) and
	// checks it computed what we did; nil, nil without the anchor.
	timeAnchor := func() (*anchor, error) { return nil, nil }
	if !noAnchor {
		dir, err := os.MkdirTemp("", "spmul")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		pa, pr, px := filepath.Join(dir, "A.npz"), filepath.Join(dir, "R.npz"), filepath.Join(dir, "X.npy")
		if err := sparse.SaveNPZ(pa, A, false); err != nil {
			return err
		}
		if err := sparse.SaveNPZ(pr, R, false); err != nil {
			return err
		}
		if err := npy.WriteDense(px, X); err != nil {
			return err
		}
		script := filepath.Join(benchutil.Dir("bench/spmul"), "anchor.py")
		timeAnchor = func() (*anchor, error) {
			var an anchor
			if err := benchutil.RunAnchor(script, &an, pa, pr, px, fmt.Sprint(reps)); err != nil {
				fmt.Fprintln(os.Stderr, "spmul:", err)
				return nil, nil // report ours alone
			}
			_, _, aav := AA.Raw()
			_, _, rrv := RR.Raw()
			close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
			// SciPy drops sums that cancel to zero; the Laplacian and random
			// products have none, so the counts must agree.
			if an.AANNZ != AA.NNZ() || an.RRNNZ != RR.NNZ() || !close(an.AASum, sum(aav)) || !close(an.RRSum, sum(rrv)) ||
				!close(an.AXSum, mat.Sum(AX)) {
				return nil, fmt.Errorf("SciPy computed different products: A·A %d / %v vs %d / %v, R·R %d / %v vs %d / %v, A·X %v vs %v",
					an.AANNZ, an.AASum, AA.NNZ(), sum(aav), an.RRNNZ, an.RRSum, RR.NNZ(), sum(rrv), an.AXSum, mat.Sum(AX))
			}
			return &an, nil
		}
	}
	oursRounds := map[string][]float64{}
	var anRounds []anchor
	for range rounds {
		for key, v := range timeOurs() {
			oursRounds[key] = append(oursRounds[key], v)
		}
		a, err := timeAnchor()
		if err != nil {
			return err
		}
		if a != nil {
			anRounds = append(anRounds, *a)
		}
	}
	ours := map[string]float64{}
	for key, v := range oursRounds {
		ours[key] = median(v)
	}
	res := map[string]any{"grid": grid, "n": n, "k": k, "gomaxprocs": runtime.GOMAXPROCS(0), "reps": reps, "rounds": rounds,
		"a_nnz": A.NNZ(), "aa_nnz": AA.NNZ(), "r_nnz": R.NNZ(), "rr_nnz": RR.NNZ()}
	for key, v := range ours {
		res["subspace_"+key] = v
	}
	var an anchor
	if len(anRounds) > 0 {
		field := func(f func(anchor) float64) float64 {
			v := make([]float64, len(anRounds))
			for i, a := range anRounds {
				v[i] = f(a)
			}
			return median(v)
		}
		an = anRounds[0]
		an.AA, an.RR = field(func(a anchor) float64 { return a.AA }), field(func(a anchor) float64 { return a.RR })
		an.AASort, an.RRSort = field(func(a anchor) float64 { return a.AASort }), field(func(a anchor) float64 { return a.RRSort })
		an.AX, an.AXK = field(func(a anchor) float64 { return a.AX }), field(func(a anchor) float64 { return a.AXK })
		res["scipy_version"] = an.Version
		for key, v := range map[string]float64{"aa_s": an.AA, "rr_s": an.RR} {
			res["scipy_"+key] = v
			res["speedup_"+key] = v / ours[key]
		}
		// A·X like for like: a new result on both sides (A @ X), and
		// kernel into a preallocated result on both sides.
		res["ax_s"], res["ax_alloc_s"] = ours["ax_s"], ours["ax_alloc_s"]
		res["scipy_ax_s"], res["speedup_ax_alloc"] = an.AX, an.AX/ours["ax_alloc_s"]
		if an.AXK > 0 {
			res["scipy_ax_kernel_s"], res["speedup_ax_kernel"] = an.AXK, an.AXK/ours["ax_s"]
		}
		res["scipy_aa_sorted_s"], res["scipy_rr_sorted_s"] = an.AASort, an.RRSort
		res["speedup_aa_sorted"], res["speedup_rr_sorted"] = an.AASort/ours["aa_s"], an.RRSort/ours["rr_s"]
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	fmt.Printf("A: 2-D Laplacian %d² (%d stored), A·A %d stored; R: %d×%d random, %d stored, R·R %d stored; X: %d×%d; GOMAXPROCS = %d; %d rounds of %d\n",
		grid, A.NNZ(), AA.NNZ(), n, n, R.NNZ(), RR.NNZ(), rows, k, runtime.GOMAXPROCS(0), rounds, reps)
	fmt.Printf("%-24s %10s %14s %8s %16s %8s\n", "median s", "subspace", "SciPy "+an.Version, "ratio", "+ sort_indices", "ratio")
	for _, row := range []struct {
		name, key     string
		scipy, sorted float64
	}{{"A·A   sparse.Mul", "aa_s", an.AA, an.AASort}, {"R·R   sparse.Mul", "rr_s", an.RR, an.RRSort},
		{"A·X   new result", "ax_alloc_s", an.AX, 0}, {"A·X   into a given one", "ax_s", an.AXK, 0}} {
		fmt.Printf("%-24s %10.4f", row.name, ours[row.key])
		if row.scipy > 0 {
			fmt.Printf(" %14.4f %7.2f×", row.scipy, row.scipy/ours[row.key])
		}
		if row.sorted > 0 {
			fmt.Printf(" %16.4f %7.2f×", row.sorted, row.sorted/ours[row.key])
		}
		fmt.Println()
	}
	return nil
}
