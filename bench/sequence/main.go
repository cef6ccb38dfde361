// Command sequence benchmarks the "subspace sequence" command — a user's
// own sequence of systems, given as Matrix Market files, solved with
// Krylov subspace recycling — against what a SciPy user would write for
// the same files: scipy.sparse.linalg.gcrotmk carrying its recycled space
// CU from one system to the next, with m=40, k=20 (the SKR issue's setting,
// a 60-dimensional search per cycle) and with m=20, k=20 (the same
// 40-dimensional search as GCRO-DR(40, 20): SciPy's m counts the new
// vectors only), and gmres(restart=40) solving each system on its own
// (bench/skr/anchor.py, the same script as bench/skr's). The ratio is
// taken against the faster gcrotmk. Both sides read the same files and solve them in the same
// order.
//
//	go run ./bench/sequence [-grid 50] [-count 50] [-scheme skr-code] [-rtol 1e-5] [-precond none] [-json] [-keep DIR]
//
// The systems are Darcy problems (the SKR paper's family; by default the
// matrices of the SKR authors' code, on which GMRES(40) needs thousands of
// iterations), written in the greedy order of their fields, so that
// --sort none keeps it. The command is built and run as a user would run
// it (subspace sequence FILES --rhs B.npy --compare --json); its per-system
// times include building the preconditioner but not reading the files,
// like the anchor's (which builds its preconditioners outside the timed
// solve). Prints a table of per-system means and ratios, or one JSON
// object with -json.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/pde"
	"github.com/subspace-lab/subspace/sequence"
	"github.com/subspace-lab/subspace/sparse"
)

// lane is one solver's per-system means.
type lane struct {
	MatVecs    float64 `json:"matvecs"`
	Iterations float64 `json:"iterations"`
	Seconds    float64 `json:"seconds"`
	MaxRelres  float64 `json:"max_relres"`
	NotConv    int     `json:"not_converged"`
}

type result struct {
	Grid, Count, Unknowns int
	Scheme, Precond       string
	RTol                  float64
	GOMAXPROCS            int
	Ours                  struct{ GCRODR, GMRES lane }
	SciPy                 struct{ GCROTMK, GCROTMK20, GMRES lane }
	CommandSeconds        float64 // the whole command: reading, checks, both lanes
	MaxSolutionDiff       float64
}

func main() {
	grid := flag.Int("grid", 50, "Darcy grid G (G² unknowns)")
	count := flag.Int("count", 50, "number of systems")
	scheme := flag.String("scheme", "skr-code", "flux or skr-code")
	rtol := flag.Float64("rtol", 1e-5, "relative tolerance")
	prec := flag.String("precond", "none", "none or jacobi (the preconditioners both sides build the same way)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	keep := flag.String("keep", "", "write the systems (A_*.mtx, b_*.npy, B.npy) to this new directory and keep them, to try the command on")
	flag.Parse()
	if err := run(*grid, *count, *scheme, *rtol, *prec, *asJSON, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "sequence:", err)
		os.Exit(1)
	}
}

const maxIter = 10000 // the SKR paper's limit, on both sides

func run(grid, count int, scheme string, rtol float64, prec string, asJSON bool, keep string) error {
	if prec != "none" && prec != "jacobi" {
		return fmt.Errorf("-precond %q: the anchor builds none and jacobi as subspace does; use bench/skr for the others", prec)
	}
	sch, err := pde.ParseScheme(scheme)
	if err != nil {
		return err
	}
	fam, err := pde.NewDarcy(grid, &pde.DarcyOptions{Scheme: sch, PeriodicGRF: sch == pde.SKRCodeScheme})
	if err != nil {
		return err
	}
	n := fam.Unknowns()
	fields := make([][]float64, count)
	for i := range fields {
		fields[i] = fam.Field(0, i)
	}
	order := sequence.Greedy(fields)

	dir := keep
	if keep == "" {
		if dir, err = os.MkdirTemp("", "bench-sequence-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.Mkdir(keep, 0o755); err != nil {
		return fmt.Errorf("-keep: %w", err)
	}
	files := make([]string, count)
	B := make([]float64, count*n)
	for p, i := range order {
		A, b, err := fam.Assemble(fields[i])
		if err != nil {
			return err
		}
		files[p] = filepath.Join(dir, fmt.Sprintf("A_%05d.mtx", p))
		if err := sparse.SaveMM(files[p], A, nil); err != nil {
			return err
		}
		if err := npy.WriteVector(filepath.Join(dir, fmt.Sprintf("b_%05d.npy", p)), b); err != nil {
			return err
		}
		copy(B[p*n:], b)
	}
	rhs := filepath.Join(dir, "B.npy")
	if err := npy.WriteArray(rhs, npy.Array{Shape: []int{count, n}, Data: B}); err != nil {
		return err
	}

	// The command, built and run as a user would.
	bin := filepath.Join(dir, "subspace")
	if keep != "" {
		bin = filepath.Join(os.TempDir(), fmt.Sprintf("subspace-bench-%d", os.Getpid()))
		defer os.Remove(bin)
	}
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/subspace").CombinedOutput(); err != nil {
		return fmt.Errorf("building the command (run from the repository root): %v: %s", err, out)
	}
	args := append([]string{"sequence"}, files...)
	args = append(args, "--rhs", rhs, "--rtol", strconv.FormatFloat(rtol, 'g', -1, 64), "--precond", prec,
		"--maxiter", strconv.Itoa(maxIter), "--compare", "--json", "--progress=false")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err = cmd.Run()
	cmdSec := time.Since(t0).Seconds()
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 3) {
		return fmt.Errorf("subspace sequence: %v: %s", err, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return fmt.Errorf("subspace sequence output: %v", err)
	}
	num := func(k string) float64 { v, _ := rep[k].(float64); return v }
	res := result{Grid: grid, Count: count, Unknowns: n, Scheme: scheme, Precond: prec, RTol: rtol,
		GOMAXPROCS: runtime.GOMAXPROCS(0), CommandSeconds: cmdSec, MaxSolutionDiff: num("max_solution_difference")}
	res.Ours.GCRODR = lane{num("recycled_iterations"), num("recycled_ksp_iterations"), num("recycled_seconds"), num("recycled_max_relres"), int(num("recycled_not_converged"))}
	res.Ours.GMRES = lane{num("baseline_iterations"), num("baseline_ksp_iterations"), num("baseline_seconds"), num("baseline_max_relres"), int(num("baseline_not_converged"))}

	var an struct {
		GMRES     lane `json:"gmres"`
		GCROTMK   lane `json:"gcrotmk"`
		GCROTMK20 lane `json:"gcrotmk_m20"`
	}
	script := filepath.Join(benchutil.Dir("bench/skr"), "anchor.py")
	if err := benchutil.RunAnchor(script, &an, dir, strconv.FormatFloat(rtol, 'g', -1, 64), prec, strconv.Itoa(maxIter), "1"); err != nil {
		return err
	}
	res.SciPy.GCROTMK, res.SciPy.GCROTMK20, res.SciPy.GMRES = an.GCROTMK, an.GCROTMK20, an.GMRES

	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	fmt.Printf("Darcy (%s) grid %d: %d systems of %d unknowns, rtol %g, precond %s, GOMAXPROCS %d; per-system means\n",
		scheme, grid, count, n, rtol, prec, res.GOMAXPROCS)
	fmt.Printf("%-34s %10s %12s %11s %9s %12s\n", "", "products", "iterations", "seconds", "max relres", "not conv.")
	row := func(name string, l lane) {
		fmt.Printf("%-34s %10.1f %12.1f %11.4g %9.2g %12d\n", name, l.MatVecs, l.Iterations, l.Seconds, l.MaxRelres, l.NotConv)
	}
	row("subspace sequence: GCRO-DR(40,20)", res.Ours.GCRODR)
	row("SciPy gcrotmk(m=40, k=20), CU kept", res.SciPy.GCROTMK)
	row("SciPy gcrotmk(m=20, k=20), CU kept", res.SciPy.GCROTMK20)
	row("subspace sequence: GMRES(40)", res.Ours.GMRES)
	row("SciPy gmres(restart=40)", res.SciPy.GMRES)
	fmt.Println("(iterations: Arnoldi steps for subspace and SciPy's gmres, outer cycles for gcrotmk; products with A compare alike)")
	best := min(res.SciPy.GCROTMK.Seconds, res.SciPy.GCROTMK20.Seconds)
	fmt.Printf("time ratios: GCRO-DR %.2f× faster than the faster gcrotmk (%.2f× than m=40, %.2f× than m=20), GMRES %.2f× faster than SciPy's gmres;\n",
		best/res.Ours.GCRODR.Seconds, res.SciPy.GCROTMK.Seconds/res.Ours.GCRODR.Seconds, res.SciPy.GCROTMK20.Seconds/res.Ours.GCRODR.Seconds,
		res.SciPy.GMRES.Seconds/res.Ours.GMRES.Seconds)
	fmt.Printf("recycling: %.2f× faster than GMRES(40) here (SciPy's faster gcrotmk: %.2f× its gmres); the whole command took %.2f s\n",
		res.Ours.GMRES.Seconds/res.Ours.GCRODR.Seconds, res.SciPy.GMRES.Seconds/best, cmdSec)
	return nil
}
