// Command nonsym puts subspace's nonsymmetric Krylov solvers beside
// SciPy's and PETSc's (petsc4py, one process) on the same system, in one
// run: time to solution, iterations and products with A, and the true
// relative residual of each, and ratios (their time ÷ ours: above 1 means
// subspace is faster).
//
//	go run ./bench/nonsym [-g 300] [-peclet 0.1] [-rtol 1e-8] [-maxit 20000] [-precond none|ilu0|iluk1…iluk9] [-reps 3] [-mpi N] [-json] [-no-anchor]
//
// The system is the 2-D convection–diffusion matrix
// sparse.ConvectionDiffusion2D(g, g, peclet) (g² unknowns) with b = A·1,
// by default without a preconditioner, so that the Krylov methods
// themselves are compared; -precond ilu0 adds ILU(0) (right
// preconditioned on both sides, each stopping on the unpreconditioned
// residual: PETSc's PCILU with -ksp_pc_side right -ksp_norm_type
// unpreconditioned, since with its default left preconditioning its bcgs
// diverges under ILU(k) where the right-preconditioned one converges;
// SciPy has no ILU(0) and is left out), timed with its set-up on both
// sides. subspace: IDR(s) for s = 4 and 8 (which SciPy and PETSc do not
// have), BiCGStab, GMRES(30) (also with one Gram–Schmidt pass, PETSc's
// default: "gmres(30) once"), TFQMR and GCRO-DR(40, 20) (one system:
// its recycled space reset before each solve, so only its deflated
// restarts act); SciPy 1.10: bicgstab, gmres (restart 30), tfqmr,
// gcrotmk(m=20, k=20) (20 new Krylov vectors and 20 carried ones per
// cycle, the same 40-dimensional search as GCRO-DR(40, 20)); PETSc:
// bcgs, gmres(30), tfqmr. Every solver stops
// at rtol on its own residual; the table reports each one's true
// residual, so that a solver that stopped early is visible (SciPy's tfqmr
// and PETSc's stop on TFQMR's residual bound, which is not the residual),
// and the fastest solver of each tool is taken among those within 10·rtol.
// Times are medians of -reps solves. On the default problem SciPy's
// bicgstab returns info = 0 at a true residual of 4.8e-7 (rtol 1e-8),
// PETSc's bcgs diverges (KSP_DIVERGED_DTOL) and both tfqmr fail, while
// BiCGStab and TFQMR here restart on breakdown and converge.
//
// -mpi N (default GOMAXPROCS; 0: not) also runs PETSc's three solvers on
// N MPI ranks (anchor_mpi.py under mpiexec, rows "petsc-mpi …"), the way
// a PETSc user would use the cores subspace uses; with -precond ilu0 they
// get PETSc's parallel default, block Jacobi with an ILU(0) block per
// rank, since PCILU is sequential.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/subspace-lab/subspace/internal/benchutil"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// row is one solver's result.
type row struct {
	Seconds    float64 `json:"seconds"`
	Iterations int     `json:"iterations"`
	MatVecs    int     `json:"matvecs"`
	RelRes     float64 `json:"relres"`
}

type anchorOut struct {
	Version    string         `json:"scipy_version"`
	N          int            `json:"n"`
	NNZ        int            `json:"nnz"`
	Solvers    map[string]row `json:"solvers"`
	PETScError string         `json:"petsc_error"`
}

type solverFunc func(context.Context, linop.Operator, []float64, []float64, *krylov.Options) (krylov.Result, error)

func main() {
	g := flag.Int("g", 300, "grid size (g² unknowns)")
	peclet := flag.Float64("peclet", 0.1, "mesh Péclet number of the convection term")
	rtol := flag.Float64("rtol", 1e-8, "relative tolerance")
	maxit := flag.Int("maxit", 20000, "iteration limit of every solver")
	prec := flag.String("precond", "none", "preconditioner: none, ilu0, or iluk1 … iluk9 (ILU(k), PETSc's -pc_factor_levels k)")
	blocks := flag.Int("blocks", 0, "with -precond: block Jacobi with this many blocks of that ILU on every side (ours solved in parallel; PETSc's -pc_bjacobi_blocks) instead of one factorisation (0)")
	reps := flag.Int("reps", 3, "timed solves per solver (median reported)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noAnchor := flag.Bool("no-anchor", false, "skip SciPy and PETSc")
	mpi := flag.Int("mpi", runtime.GOMAXPROCS(0), "also run PETSc on this many MPI ranks (0: not)")
	flag.Parse()
	if *prec != "none" && *prec != "ilu0" && !(len(*prec) == 5 && strings.HasPrefix(*prec, "iluk") && (*prec)[4] >= '1' && (*prec)[4] <= '9') {
		fmt.Fprintln(os.Stderr, "nonsym: -precond must be none, ilu0 or iluk1 … iluk9")
		os.Exit(2)
	}
	if *noAnchor {
		*mpi = 0
	}
	if *blocks < 0 || *blocks > 0 && *prec == "none" {
		fmt.Fprintln(os.Stderr, "nonsym: -blocks must be ≥ 0 and needs -precond")
		os.Exit(2)
	}
	if err := run(*g, *peclet, *rtol, *maxit, *reps, *prec, *blocks, *asJSON, *noAnchor, *mpi); err != nil {
		fmt.Fprintln(os.Stderr, "nonsym:", err)
		os.Exit(1)
	}
}

func run(g int, peclet, rtol float64, maxit, reps int, prec string, blocks int, asJSON, noAnchor bool, mpi int) error {
	A := sparse.ConvectionDiffusion2D(g, g, peclet)
	n, _ := A.Dims()
	one := make([]float64, n)
	for i := range one {
		one[i] = 1
	}
	b := make([]float64, n)
	A.MulVecTo(b, one)
	solvers := []struct {
		name string
		f    solverFunc
		o    krylov.Options
	}{
		{"subspace idrs(4)", krylov.IDRS, krylov.Options{Shadow: 4}},
		{"subspace idrs(8)", krylov.IDRS, krylov.Options{Shadow: 8}},
		{"subspace bicgstab", krylov.BiCGStab, krylov.Options{}},
		{"subspace gmres(30)", krylov.GMRES, krylov.Options{Restart: 30}},
		{"subspace gmres(30) once", krylov.GMRES, krylov.Options{Restart: 30, Orthog: krylov.OrthogOnce}},
		{"subspace tfqmr", krylov.TFQMR, krylov.Options{}},
		{"subspace gcrodr(40,20)", benchutil.ColdGCRODR(krylov.NewGCRODR(n, nil)), krylov.Options{}},
	}
	rows := map[string]row{}
	x := make([]float64, n)
	for _, s := range solvers {
		o := s.o
		o.RTol, o.MaxIter = rtol, maxit
		var res krylov.Result
		var solveErr error
		sec := benchutil.Median(reps, func() {
			clear(x)
			if prec != "none" {
				kind, popt := prec, &precond.Options{}
				if strings.HasPrefix(prec, "iluk") {
					kind, popt.Levels = "iluk", int(prec[4]-'0')
				}
				if blocks > 0 {
					kind, popt.Blocks = "bjacobi", blocks
				}
				M, err := precond.New(kind, A, popt)
				if err != nil {
					solveErr = err
					return
				}
				o.Precond = M
			}
			res, solveErr = s.f(context.Background(), A, b, x, &o)
		})
		if solveErr != nil && !errors.Is(solveErr, krylov.ErrNotConverged) {
			fmt.Fprintf(os.Stderr, "nonsym: %s: %v\n", s.name, solveErr)
		}
		rows[s.name] = row{Seconds: sec, Iterations: res.Iterations, MatVecs: res.MatVecs, RelRes: res.RelResidual}
	}
	var an anchorOut
	if !noAnchor {
		dir, err := os.MkdirTemp("", "nonsym")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "A.npz")
		if err := sparse.SaveNPZ(path, A, false); err != nil {
			return err
		}
		script := filepath.Join(benchutil.Dir("bench/nonsym"), "anchor.py")
		if err := benchutil.RunAnchor(script, &an, path, fmt.Sprint(rtol), fmt.Sprint(maxit), fmt.Sprint(reps), prec, fmt.Sprint(blocks)); err != nil {
			fmt.Fprintln(os.Stderr, "nonsym:", err)
		} else {
			if an.N != n || an.NNZ != A.NNZ() {
				return fmt.Errorf("the anchor read a %d-row matrix with %d entries, want %d and %d", an.N, an.NNZ, n, A.NNZ())
			}
			for k, v := range an.Solvers {
				rows[k] = v
			}
			if an.PETScError != "" {
				fmt.Fprintln(os.Stderr, "nonsym: PETSc:", an.PETScError)
			}
		}
		if mpi > 0 {
			var am struct {
				Ranks   int            `json:"ranks"`
				Solvers map[string]row `json:"solvers"`
			}
			script := filepath.Join(benchutil.Dir("bench/nonsym"), "anchor_mpi.py")
			if err := benchutil.RunMPIAnchor(mpi, script, &am, path, fmt.Sprint(rtol), fmt.Sprint(maxit), fmt.Sprint(reps), prec, fmt.Sprint(blocks)); err != nil {
				fmt.Fprintln(os.Stderr, "nonsym:", err)
			} else {
				for k, v := range am.Solvers {
					rows[k] = v
				}
			}
		}
	}
	// Fastest converged solver of each tool.
	best := map[string]string{}
	for name, r := range rows {
		tool := strings.Fields(name)[0]
		if !(r.RelRes <= 10*rtol) {
			continue
		}
		if b, ok := best[tool]; !ok || r.Seconds < rows[b].Seconds {
			best[tool] = name
		}
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{
			"grid": g, "peclet": peclet, "n": n, "rtol": rtol, "precond": prec, "blocks": blocks, "gomaxprocs": runtime.GOMAXPROCS(0),
			"scipy_version": an.Version, "solvers": rows, "fastest": best,
		})
	}
	pdesc := prec
	if blocks > 0 {
		pdesc = fmt.Sprintf("block Jacobi, %d blocks of %s", blocks, prec)
	}
	fmt.Printf("convection–diffusion %d² (%d unknowns, Péclet %g), b = A·1, rtol %g, preconditioner %s, GOMAXPROCS = %d, PETSc-MPI ranks %d\n",
		g, n, peclet, rtol, pdesc, runtime.GOMAXPROCS(0), mpi)
	names := make([]string, 0, len(rows))
	for k := range rows {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return rows[names[i]].Seconds < rows[names[j]].Seconds })
	fmt.Printf("%-24s %10s %10s %10s %12s\n", "solver", "median s", "its", "products", "true relres")
	for _, k := range names {
		r := rows[k]
		fmt.Printf("%-24s %10.3f %10d %10d %12.3g\n", k, r.Seconds, r.Iterations, r.MatVecs, r.RelRes)
	}
	if ours, ok := best["subspace"]; ok {
		for _, tool := range []string{"scipy", "petsc", "petsc-mpi"} {
			if theirs, ok := best[tool]; ok {
				fmt.Printf("fastest subspace (%s) vs fastest %s (%s): %.2f× faster\n", ours, tool, theirs, rows[theirs].Seconds/rows[ours].Seconds)
			}
		}
		for _, pair := range [][2]string{{"subspace bicgstab", "scipy bicgstab"}, {"subspace bicgstab", "petsc bcgs"},
			{"subspace gmres(30)", "scipy gmres(30)"}, {"subspace gmres(30)", "petsc gmres(30)"},
			{"subspace tfqmr", "scipy tfqmr"}, {"subspace tfqmr", "petsc tfqmr"}, {"subspace gcrodr(40,20)", "scipy gcrotmk(20,20)"},
			{"subspace bicgstab", "petsc-mpi bcgs"}, {"subspace gmres(30)", "petsc-mpi gmres(30)"}, {"subspace tfqmr", "petsc-mpi tfqmr"},
			{"subspace gmres(30) once", "petsc gmres(30)"}, {"subspace gmres(30) once", "petsc-mpi gmres(30)"}} {
			o, ok1 := rows[pair[0]]
			t, ok2 := rows[pair[1]]
			switch ok := func(r row) bool { return r.RelRes <= 10*rtol }; {
			case !ok1 || !ok2:
			case !ok(o) || !ok(t):
				fmt.Printf("same method: %s vs %s: not both converged (true relres %.3g and %.3g)\n", pair[0], pair[1], o.RelRes, t.RelRes)
			default:
				fmt.Printf("same method: %s vs %s: %.2f× faster\n", pair[0], pair[1], t.Seconds/o.Seconds)
			}
		}
	}
	return nil
}
