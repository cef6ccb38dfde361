// Command krylov puts subspace's Krylov solvers beside SciPy's and PETSc's
// (petsc4py, one process) on the same systems, in one run, and prints two
// tables (or one JSON object with -json):
//
//  1. Time per iteration on the 2-D Laplacian (sparse.Laplacian2D, the
//     matrix SciPy builds as kron(I,T) + kron(T,I)) with b = A·1 and
//     rtol 1e-8: CG without preconditioner, CG with Jacobi and GMRES(30),
//     on a large grid (-g, default 1000×1000 unknowns, every solver
//     stopped after -cap iterations) and on small grids (-small, default
//     50 and 70, solved to convergence), where per-iteration overhead
//     dominates. Each figure is the median over -reps runs; the runs of
//     the three tools are interleaved (subspace, PETSc, SciPy, subspace,
//     …) so that load on a shared machine hits them alike. PETSc runs with
//     its defaults (left preconditioning, preconditioned norm for CG), the
//     configuration a user gets.
//
//  2. Iteration counts on the same problem and preconditioner: the
//     SuiteSparse matrices in testdata/matrices and the 50×50 Laplacian,
//     rtol 1e-8, b = A·1. PETSc is set to test the unpreconditioned
//     residual with right preconditioning for GMRES and BiCGStab (the
//     rule subspace uses; MINRES in PETSc only supports the preconditioned
//     norm); SciPy counts callbacks (inner iterations for GMRES) and has
//     no FGMRES.
//     ILU(0)/IC(0) for SciPy is a zero-fill ILU written in the anchor.
//
//     Beside the one-process PETSc of the target, -mpi N (default
//     GOMAXPROCS; 0 turns it off) also runs PETSc under mpiexec on N ranks
//     (anchor_mpi.py): the way a PETSc user would use the same cores.
//
//     go run ./bench/krylov [-g 1000] [-cap 200] [-small 50,70] [-reps 5] [-mpi N] [-json] [-no-anchor] [-perf=false] [-iters=false]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// request and answer are the anchor's line protocol (see anchor.py).
type request struct {
	Tool    string         `json:"tool"`
	Matrix  map[string]any `json:"matrix"`
	Method  string         `json:"method"`
	Precond string         `json:"precond"`
	RTol    float64        `json:"rtol"`
	MaxIt   int            `json:"maxit"`
	Restart int            `json:"restart"`
	Mode    string         `json:"mode"`
}

type answer struct {
	Iterations int      `json:"iterations"`
	Seconds    float64  `json:"seconds"`
	RelRes     *float64 `json:"relres"` // nil: not finite
	Converged  bool     `json:"converged"`
	Reason     int      `json:"reason,omitempty"` // PETSc's KSPConvergedReason
	Error      string   `json:"error,omitempty"`
}

// anchor is a running anchor.py.
type anchor struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startAnchor(script string) (*anchor, error) {
	cmd := exec.Command(benchutil.Python(), script)
	pp := benchutil.PetscPath
	if old := os.Getenv("PYTHONPATH"); old != "" {
		pp += ":" + old
	}
	cmd.Env = append(os.Environ(), "PYTHONPATH="+pp, "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("anchor: %v (install: apt-get install python3-scipy python3-petsc4py)", err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	return &anchor{cmd: cmd, in: in, out: sc}, nil
}

func (a *anchor) run(r request) answer {
	line, _ := json.Marshal(r)
	if _, err := a.in.Write(append(line, '\n')); err != nil {
		return answer{Error: err.Error()}
	}
	var line2 []byte
	for {
		if !a.out.Scan() {
			return answer{Error: "anchor ended"}
		}
		// Skip anything PETSc printed on stdout itself.
		if l := a.out.Bytes(); len(l) >= 2 && string(l[:2]) == "@@" {
			line2 = l[2:]
			break
		}
	}
	var ans answer
	if err := json.Unmarshal(line2, &ans); err != nil {
		return answer{Error: "bad anchor output: " + err.Error()}
	}
	return ans
}

func (a *anchor) close() {
	a.in.Close()
	a.cmd.Wait()
}

// system is one matrix with b = A·1.
type system struct {
	name string
	spec map[string]any
	A    *sparse.CSR
	b    []float64
}

func newSystem(name string, spec map[string]any, A *sparse.CSR) *system {
	_, c := A.Dims()
	one := make([]float64, c)
	for i := range one {
		one[i] = 1
	}
	r, _ := A.Dims()
	b := make([]float64, r)
	A.MulVecTo(b, one)
	return &system{name: name, spec: spec, A: A, b: b}
}

// solve runs one subspace solve and returns iterations, seconds (solve
// only), true relative residual and convergence.
// orthog is the Gram–Schmidt variant of GMRES and FGMRES.
func (s *system) solve(method, prec string, rtol float64, maxit int, orthog krylov.Orthog) answer {
	var popt *precond.Options
	switch prec {
	case "iluk2": // ILU(2), PETSc's -pc_factor_levels 2
		prec, popt = "iluk", &precond.Options{Levels: 2}
	case "ick2": // IC(2), PETSc's PCICC with -pc_factor_levels 2
		prec, popt = "ick", &precond.Options{Levels: 2}
	}
	M, err := precond.New(prec, s.A, popt)
	if err != nil {
		return answer{Error: err.Error()}
	}
	o := &krylov.Options{RTol: rtol, MaxIter: maxit, Precond: M, Restart: 30, Orthog: orthog}
	var f func(context.Context, linop.Operator, []float64, []float64, *krylov.Options) (krylov.Result, error)
	switch method {
	case "cg":
		f = krylov.CG
	case "minres":
		f = krylov.MINRES
	case "gmres":
		f = krylov.GMRES
	case "fgmres":
		f = krylov.FGMRES
	case "bicgstab":
		f = krylov.BiCGStab
	}
	_, c := s.A.Dims()
	x := make([]float64, c)
	t := time.Now()
	res, err := f(context.Background(), s.A, s.b, x, o)
	dt := time.Since(t).Seconds()
	rr := res.RelResidual
	ans := answer{Iterations: res.Iterations, Seconds: dt, RelRes: &rr, Converged: res.Converged}
	if err != nil && !errors.Is(err, krylov.ErrNotConverged) {
		ans.Error = err.Error()
	}
	return ans
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

type perfRow struct {
	Procs       int     `json:"gomaxprocs"`
	Grid        int     `json:"grid"`
	N           int     `json:"n"`
	Method      string  `json:"method"`
	Orthog      string  `json:"orthog,omitempty"`
	Precond     string  `json:"precond"`
	Iterations  int     `json:"iterations"`
	SubspaceSPI float64 `json:"subspace_s_per_it"`
	PetscSPI    float64 `json:"petsc_s_per_it,omitempty"`
	ScipySPI    float64 `json:"scipy_s_per_it,omitempty"`
	VsPetsc     float64 `json:"speedup_vs_petsc,omitempty"`
	VsScipy     float64 `json:"speedup_vs_scipy,omitempty"`
	PetscIts    int     `json:"petsc_iterations,omitempty"`
	MPIRanks    int     `json:"petsc_mpi_ranks,omitempty"`
	PetscMPISPI float64 `json:"petsc_mpi_s_per_it,omitempty"`
	VsPetscMPI  float64 `json:"speedup_vs_petsc_mpi,omitempty"`
	PetscMPIIts int     `json:"petsc_mpi_iterations,omitempty"`
	ScipyIts    int     `json:"scipy_iterations,omitempty"`
	Note        string  `json:"note,omitempty"`
}

type iterRow struct {
	Matrix   string `json:"matrix"`
	N        int    `json:"n"`
	Method   string `json:"method"`
	Precond  string `json:"precond"`
	Subspace answer `json:"subspace"`
	Petsc    answer `json:"petsc"`
	Scipy    answer `json:"scipy"`
}

// perfMethods are the rows of the per-iteration table. For GMRES our
// solver is timed twice in every repetition, with the default Gram–Schmidt
// (reorthogonalising when the measured loss of orthogonality calls for it)
// and with one pass (PETSc's default, refine_never), both against the same
// anchor runs.
var perfMethods = []struct {
	method, precond string
	once            bool
}{{"cg", "none", false}, {"cg", "jacobi", false}, {"gmres", "none", true}}

// perf measures the per-iteration times on the g×g Laplacian. On the
// large grid (large true) each repetition also launches PETSc under MPI
// once (when mpi is not nil), interleaved with the other tools, and times
// the second of two solves in that launch; on the small grids one MPI
// launch runs all repetitions after the others, since a launch costs
// seconds and the solves microseconds.
func perf(an *anchor, mpi *mpiAnchor, g, cap, reps int, rtol float64, large bool) []perfRow {
	sys := newSystem(fmt.Sprintf("lap%d", g), map[string]any{"lap": g}, sparse.Laplacian2D(g, g))
	var rows []perfRow
	for _, pm := range perfMethods {
		row := perfRow{Procs: runtime.GOMAXPROCS(0), Grid: g, N: g * g, Method: pm.method, Precond: pm.precond}
		once := row
		once.Orthog = krylov.OrthogOnce.String()
		var ours, oursOnce, pet, sci, pmpi []float64
		sys.solve(pm.method, pm.precond, rtol, cap, krylov.OrthogAuto) // warm-up
		for r := 0; r < reps; r++ {
			a := sys.solve(pm.method, pm.precond, rtol, cap, krylov.OrthogAuto)
			if a.Error != "" {
				row.Note = "subspace: " + a.Error
				break
			}
			row.Iterations = a.Iterations
			ours = append(ours, a.Seconds/float64(max(a.Iterations, 1)))
			if pm.once {
				if a := sys.solve(pm.method, pm.precond, rtol, cap, krylov.OrthogOnce); a.Error != "" {
					once.Note = "subspace: " + a.Error
				} else {
					once.Iterations = a.Iterations
					oursOnce = append(oursOnce, a.Seconds/float64(max(a.Iterations, 1)))
				}
			}
			if an == nil {
				continue
			}
			req := request{Matrix: sys.spec, Method: pm.method, Precond: pm.precond, RTol: rtol, MaxIt: cap, Restart: 30, Mode: "perf"}
			req.Tool = "petsc"
			if p := an.run(req); p.Error == "" && p.Iterations > 0 {
				pet = append(pet, p.Seconds/float64(p.Iterations))
				row.PetscIts = p.Iterations
			} else if p.Error != "" {
				row.Note = "petsc: " + p.Error
			}
			req.Tool = "scipy"
			if s := an.run(req); s.Error == "" && s.Iterations > 0 {
				sci = append(sci, s.Seconds/float64(s.Iterations))
				row.ScipyIts = s.Iterations
			} else if s.Error != "" {
				row.Note = "scipy: " + s.Error
			}
			if mpi != nil && large {
				// Two solves per launch, the first discarded: a fresh
				// process's first KSPSolve pays its page faults and lazy
				// allocations, which our warmed-up solves do not.
				var spi []float64
				mpiPerf(mpi, &row, &spi, g, pm.method, pm.precond, rtol, cap, 2)
				if len(spi) > 1 {
					pmpi = append(pmpi, spi[1:]...)
				}
			}
		}
		if mpi != nil && !large {
			mpiPerf(mpi, &row, &pmpi, g, pm.method, pm.precond, rtol, cap, reps+1)
			if len(pmpi) > 1 {
				pmpi = pmpi[1:] // the warm-up
			}
		}
		row.PetscSPI, row.ScipySPI, row.PetscMPISPI = median(pet), median(sci), median(pmpi)
		rows = append(rows, row.withOurs(median(ours)).itsNote())
		if pm.once {
			once.PetscSPI, once.ScipySPI, once.PetscMPISPI = row.PetscSPI, row.ScipySPI, row.PetscMPISPI
			once.PetscIts, once.ScipyIts, once.PetscMPIIts, once.MPIRanks = row.PetscIts, row.ScipyIts, row.PetscMPIIts, row.MPIRanks
			rows = append(rows, once.withOurs(median(oursOnce)).itsNote())
		}
	}
	return rows
}

// withOurs returns r with our time per iteration set and the ratios
// against the anchors' times formed.
func (r perfRow) withOurs(spi float64) perfRow {
	r.SubspaceSPI = spi
	if r.PetscSPI > 0 && spi > 0 {
		r.VsPetsc = r.PetscSPI / spi
	}
	if r.ScipySPI > 0 && spi > 0 {
		r.VsScipy = r.ScipySPI / spi
	}
	if r.PetscMPISPI > 0 && spi > 0 {
		r.VsPetscMPI = r.PetscMPISPI / spi
	}
	return r
}

// itsNote returns r with a note naming the tools whose last run took
// another number of iterations than ours, so that a per-iteration ratio
// between solves that did different things (one stopped early, or
// diverged) is visible in the table. SciPy's gmres counts maxiter in
// restart cycles and runs whole cycles past a cap that is not a multiple
// of 30 (210 steps for 200): that count is expected and not noted.
func (r perfRow) itsNote() perfRow {
	var d []string
	if r.PetscIts > 0 && r.PetscIts != r.Iterations {
		d = append(d, fmt.Sprintf("PETSc %d", r.PetscIts))
	}
	if r.PetscMPIIts > 0 && r.PetscMPIIts != r.Iterations {
		d = append(d, fmt.Sprintf("PETSc-MPI %d", r.PetscMPIIts))
	}
	if r.ScipyIts > 0 && r.ScipyIts != r.Iterations && !(r.Method == "gmres" && r.ScipyIts == (r.Iterations+29)/30*30) {
		d = append(d, fmt.Sprintf("SciPy %d", r.ScipyIts))
	}
	if len(d) > 0 {
		if r.Note != "" {
			r.Note += "; "
		}
		r.Note += "iterations differ: " + strings.Join(d, ", ")
	}
	return r
}

// iterCases lists the matrices and the method/preconditioner pairs that
// suit them (CG only on SPD matrices, Jacobi/ILU only with a nonzero
// diagonal).
var iterCases = []struct {
	file    string
	methods []string
	precs   []string
}{
	{"lap50", []string{"cg", "minres", "gmres", "fgmres", "bicgstab"}, []string{"none", "jacobi", "ilu0", "iluk2", "ic0", "ick2"}},
	{"494_bus.mtx", []string{"cg", "minres", "gmres", "bicgstab"}, []string{"none", "jacobi", "ilu0", "iluk2", "ic0", "ick2"}},
	{"pts5ldd03.mtx", []string{"cg", "minres", "gmres", "bicgstab"}, []string{"none", "jacobi", "ilu0", "iluk2", "ic0", "ick2"}},
	{"can___24.mtx", []string{"minres", "gmres", "bicgstab"}, []string{"none", "ilu0"}},
	{"bcspwr05.mtx", []string{"minres", "gmres"}, []string{"none"}},
	{"cage5.mtx", []string{"gmres", "fgmres", "bicgstab"}, []string{"none", "jacobi", "ilu0", "iluk2"}},
	{"west0067.mtx", []string{"gmres", "bicgstab"}, []string{"none"}},
	{"gent113.mtx", []string{"gmres", "bicgstab"}, []string{"none"}},
}

// suits reports whether a method/preconditioner pair makes sense: CG
// needs SPD A and M, MINRES an SPD M, IC(0) and IC(2) an SPD A.
func suits(method, prec string, spd bool) bool {
	switch {
	case method == "cg" && !spd:
		return false
	case (prec == "ic0" || prec == "ick2") && (!spd || (method != "cg" && method != "minres")):
		return false
	case (prec == "ilu0" || prec == "iluk2") && (method == "cg" || method == "minres"):
		return false
	}
	return true
}

func iters(an *anchor, dir string, rtol float64) ([]iterRow, error) {
	var rows []iterRow
	for _, c := range iterCases {
		var sys *system
		if c.file == "lap50" {
			sys = newSystem("laplacian 50×50", map[string]any{"lap": 50}, sparse.Laplacian2D(50, 50))
		} else {
			path := filepath.Join(dir, c.file)
			A, err := sparse.LoadMM(path)
			if err != nil {
				return nil, err
			}
			abs, _ := filepath.Abs(path)
			sys = newSystem(strings.TrimSuffix(c.file, ".mtx"), map[string]any{"file": abs}, A)
		}
		spd := c.file == "lap50" || c.file == "494_bus.mtx" || c.file == "pts5ldd03.mtx"
		n, _ := sys.A.Dims()
		for _, m := range c.methods {
			for _, p := range c.precs {
				if !suits(m, p, spd) {
					continue
				}
				maxit := 10000
				row := iterRow{Matrix: sys.name, N: n, Method: m, Precond: p}
				row.Subspace = sys.solve(m, p, rtol, maxit, krylov.OrthogAuto)
				if an != nil {
					req := request{Matrix: sys.spec, Method: m, Precond: p, RTol: rtol, MaxIt: maxit, Restart: 30, Mode: "iters"}
					req.Tool = "petsc"
					row.Petsc = an.run(req)
					req.Tool = "scipy"
					row.Scipy = an.run(req)
				}
				rows = append(rows, row)
			}
		}
	}
	return rows, nil
}

func main() {
	g := flag.Int("g", 1000, "large grid: the Laplacian has g×g unknowns")
	cap := flag.Int("cap", 200, "iterations run on the large grid")
	small := flag.String("small", "50,70", "small grids, solved to convergence (comma-separated)")
	reps := flag.Int("reps", 5, "repetitions on the large grid (median reported)")
	sreps := flag.Int("small-reps", 21, "repetitions on the small grids")
	rtol := flag.Float64("rtol", 1e-8, "relative tolerance")
	asJSON := flag.Bool("json", false, "print one JSON object")
	jsonFile := flag.String("json-file", "", "also write the JSON object to this file")
	noAnchor := flag.Bool("no-anchor", false, "skip SciPy/PETSc")
	doPerf := flag.Bool("perf", true, "run the time-per-iteration table")
	doIters := flag.Bool("iters", true, "run the iteration-count table")
	mpiRanks := flag.Int("mpi", runtime.GOMAXPROCS(0), "also run PETSc under mpiexec on this many ranks (0: not)")
	perCore := flag.Bool("per-core", false, "repeat the time-per-iteration table with GOMAXPROCS=1 (per-core efficiency, robust to a busy machine)")
	flag.Parse()

	var an *anchor
	if !*noAnchor {
		var err error
		an, err = startAnchor(filepath.Join(benchutil.Dir("bench/krylov"), "anchor.py"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "krylov:", err)
			an = nil
		} else {
			defer an.close()
		}
	}
	var mpi *mpiAnchor
	if !*noAnchor && *mpiRanks > 0 && *doPerf {
		mpi = &mpiAnchor{ranks: *mpiRanks, script: filepath.Join(benchutil.Dir("bench/krylov"), "anchor_mpi.py")}
	}
	out := map[string]any{"gomaxprocs": runtime.GOMAXPROCS(0), "rtol": *rtol}
	var perfRows []perfRow
	var bw [2]float64
	if *doPerf {
		bw = bandwidth()
		out["triad_1core_GBs"], out["triad_all_GBs"] = bw[0], bw[1]
		out["load_average"] = loadAverage()
		var grids []int
		for _, f := range strings.Split(*small, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			gs, err := strconv.Atoi(f)
			if err != nil || gs < 1 {
				fmt.Fprintf(os.Stderr, "krylov: bad -small entry %q\n", f)
				os.Exit(2)
			}
			grids = append(grids, gs)
		}
		all := runtime.GOMAXPROCS(0)
		procsList := []int{all}
		if *perCore && all > 1 {
			procsList = append(procsList, 1)
		}
		for _, procs := range procsList {
			runtime.GOMAXPROCS(procs)
			mpi := mpi
			if procs != all {
				mpi = nil // the MPI column compares like with like: all cores
			}
			if *g > 0 {
				perfRows = append(perfRows, perf(an, mpi, *g, *cap, *reps, *rtol, true)...)
			}
			for _, gs := range grids {
				perfRows = append(perfRows, perf(an, mpi, gs, 100000, *sreps, *rtol, false)...)
			}
		}
		runtime.GOMAXPROCS(all)
		out["per_iteration"] = perfRows
	}
	var iterRows []iterRow
	if *doIters {
		var err error
		iterRows, err = iters(an, testdataDir(), *rtol)
		if err != nil {
			fmt.Fprintln(os.Stderr, "krylov:", err)
			os.Exit(1)
		}
		out["iterations"] = iterRows
	}
	if *jsonFile != "" {
		f, err := os.Create(*jsonFile)
		if err == nil {
			err = json.NewEncoder(f).Encode(out)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "krylov:", err)
			os.Exit(1)
		}
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(out)
		return
	}
	printPerf(perfRows, bw, out["load_average"])
	printIters(iterRows, *rtol)
}

// bandwidth measures the memory bandwidth a triad gets on one core and on
// all GOMAXPROCS cores, over 96 MB (beyond the caches), so that the table
// shows whether the parallel kernels had the cores to themselves.
func bandwidth() [2]float64 {
	old := runtime.GOMAXPROCS(1)
	one := benchutil.TriadGBs(96<<20, 9)
	runtime.GOMAXPROCS(old)
	return [2]float64{one, benchutil.TriadGBs(96<<20, 9)}
}

// loadAverage returns the 1-minute load average (Linux), or "" if unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}

// testdataDir finds testdata/matrices from the module root or bench/krylov.
func testdataDir() string {
	for _, d := range []string{"testdata/matrices", "../../testdata/matrices"} {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	return "testdata/matrices"
}

func ms(s float64) string {
	if s == 0 {
		return "—"
	}
	if s < 1e-3 {
		return fmt.Sprintf("%.1f µs", s*1e6)
	}
	return fmt.Sprintf("%.2f ms", s*1e3)
}

func ratio(r float64) string {
	if r == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", r)
}

func printPerf(rows []perfRow, bw [2]float64, load any) {
	if len(rows) == 0 {
		return
	}
	ranks := 0
	for _, r := range rows {
		ranks = max(ranks, r.MPIRanks)
	}
	fmt.Printf("Time per iteration, 2-D Laplacian, b = A·1, rtol 1e-8 (median; GOMAXPROCS = %d; PETSc and SciPy on one core", runtime.GOMAXPROCS(0))
	if ranks > 0 {
		fmt.Printf(", PETSc-MPI on %d ranks", ranks)
	}
	fmt.Println(")")
	fmt.Printf("machine: triad %.1f GB/s on 1 core, %.1f GB/s on %d; load average %v at the start\n", bw[0], bw[1], runtime.GOMAXPROCS(0), load)
	fmt.Printf("%-11s %-14s %5s %6s %11s %11s %11s %9s %9s", "grid", "method", "procs", "its", "subspace", "PETSc", "SciPy", "vs PETSc", "vs SciPy")
	if ranks > 0 {
		fmt.Printf(" %11s %9s", "PETSc-MPI", "vs MPI")
	}
	fmt.Println()
	for _, r := range rows {
		name := r.Method
		if r.Method == "gmres" {
			name = "gmres(30)"
		}
		if r.Orthog != "" {
			name += " " + r.Orthog
		}
		if r.Precond != "none" {
			name += "+" + r.Precond
		}
		fmt.Printf("%-11s %-14s %5d %6d %11s %11s %11s %9s %9s", fmt.Sprintf("%d×%d", r.Grid, r.Grid), name, r.Procs, r.Iterations,
			ms(r.SubspaceSPI), ms(r.PetscSPI), ms(r.ScipySPI), ratio(r.VsPetsc), ratio(r.VsScipy))
		if ranks > 0 {
			fmt.Printf(" %11s %9s", ms(r.PetscMPISPI), ratio(r.VsPetscMPI))
		}
		if r.Note != "" {
			fmt.Printf("  (%s)", r.Note)
		}
		fmt.Println()
	}
	fmt.Println("vs X = X's time per iteration / subspace's (above 1: subspace is faster)")
	fmt.Println()
}

func itsCell(a answer) string {
	switch {
	case strings.Contains(a.Error, "breakdown"):
		return "breakdown"
	case strings.Contains(a.Error, " has no "):
		return "n/a"
	case strings.Contains(a.Error, "zero pivot"), a.Reason == -11: // KSP_DIVERGED_PC_FAILED
		return "zero pivot"
	case a.Error != "":
		return "error"
	case a.Iterations == 0 && !a.Converged:
		return "—"
	case !a.Converged:
		return fmt.Sprintf("%d*", a.Iterations)
	}
	return strconv.Itoa(a.Iterations)
}

func printIters(rows []iterRow, rtol float64) {
	if len(rows) == 0 {
		return
	}
	fmt.Printf("Iterations to rtol %g, b = A·1 (* = not converged; true relative residual of each tool's x in brackets)\n", rtol)
	fmt.Println("PETSc: unpreconditioned residual, right preconditioning for GMRES/BiCGStab (MINRES: preconditioned norm, its only option)")
	fmt.Printf("%-16s %5s %-9s %-7s %18s %18s %18s\n", "matrix", "n", "method", "precond", "subspace", "PETSc", "SciPy")
	for _, r := range rows {
		cell := func(a answer) string {
			if a.Error != "" || a.Reason == -11 {
				return itsCell(a)
			}
			if a.RelRes == nil || math.IsInf(*a.RelRes, 0) || math.IsNaN(*a.RelRes) {
				return itsCell(a) + " [inf]"
			}
			return fmt.Sprintf("%s [%.0e]", itsCell(a), *a.RelRes)
		}
		fmt.Printf("%-16s %5d %-9s %-7s %18s %18s %18s\n", r.Matrix, r.N, r.Method, r.Precond, cell(r.Subspace), cell(r.Petsc), cell(r.Scipy))
	}
	for _, r := range rows {
		for _, e := range []struct {
			tool string
			a    answer
		}{{"subspace", r.Subspace}, {"PETSc", r.Petsc}, {"SciPy", r.Scipy}} {
			if e.a.Error != "" && !strings.Contains(e.a.Error, " has no ") && !strings.Contains(e.a.Error, "zero pivot") {
				fmt.Printf("  %s %s %s+%s: %s\n", e.tool, r.Matrix, r.Method, r.Precond, oneLine(e.a.Error))
			}
		}
	}
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
