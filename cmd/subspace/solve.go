package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// solveMethods are the --method names; the least-squares ones accept
// rectangular matrices.
var solveMethods = []string{"cg", "minres", "gmres", "fgmres", "gcrodr", "bicgstab", "idrs", "tfqmr", "lsqr", "lsmr"}

type solveFlags struct {
	rhs, x0, out, method, prec, side string
	orthog                           string
	history                          string
	rtol, atol, damp                 float64
	maxIter, restart, shadow, recycl int
	json, progress, monitor, force   bool
	pc                               precondFlags
}

// newSolveCmd returns the "solve" verb: one linear system or least-squares
// problem from a Matrix Market (.mtx) or SciPy sparse (.npz) file.
func newSolveCmd() *cobra.Command {
	var f solveFlags
	cmd := &cobra.Command{
		Use:   "solve A.mtx",
		Short: "Solve A x = b (or min ‖A x − b‖) with a Krylov method",
		Long: `solve reads A from a Matrix Market file, or from a SciPy sparse matrix
saved by scipy.sparse.save_npz (A.npz), and solves A x = b with a Krylov
method of package krylov, or the least-squares problem min ‖A x − b‖ with
LSQR or LSMR (which also take rectangular A). idrs is IDR(s) (Sonneveld
and van Gijzen; --shadow s, default 4), a short-recurrence method for
nonsymmetric systems that usually needs fewer products than BiCGStab and
far less memory than GMRES; SciPy and PETSc do not have it. tfqmr is
Freund's transpose-free QMR (SciPy's tfqmr, PETSc's KSPTFQMR; iterations
count two half steps, as PETSc). gcrodr is GCRO-DR(m, k) (Parks et al.
2006; --restart m, default 40, and --recycle k, default 20, or m − 1 when
m ≤ 20): GMRES whose restarts keep the k harmonic Ritz vectors of smallest
modulus, which deflates the eigenvalues that make restarted GMRES stagnate
(SciPy's gcrotmk and PETSc's KSPHPDDM gcrodr are its relatives); the
sequence and datagen verbs carry that space from one system to the next.

Right-hand side: by default b = A·1 (so that x = 1 solves the system);
--rhs ones uses b = 1 (all ones, length rows), --rhs FILE.npy reads b from
a NumPy file. --x0 FILE.npy starts from that guess instead of zero (the
reported residuals and iterations are then those from x0). --out x.npy
writes the solution. Output files (--out, --history) must differ from the
inputs and from each other, and an existing file is overwritten only with
--force.

Monitoring: --monitor prints the residual estimate of every iteration on
stderr, as PETSc's -ksp_monitor does
("   12 residual 3.100000e-04 relative 2.200000e-06"; LSQR/LSMR: the
estimate of ‖r‖), instead of the progress line; --history h.npy writes
the same estimates, starting with the initial residual, as a vector of
float64 (what SciPy's callback collects).

Stopping: square methods stop when ‖b − A x‖ ≤ max(rtol·‖b‖, atol), checked
on the true residual; --maxiter counts iterations (inner iterations for
GMRES/FGMRES, Arnoldi steps for GCRO-DR), 0 meaning 10·n. LSQR and LSMR use their own rules (SciPy's):
--rtol sets both their atol and btol (relative tolerances on ‖Aᵀr‖ and ‖r‖),
--atol is not used, --damp adds λ²‖x‖² (λ²‖x − x0‖² with --x0, as SciPy).

Preconditioners (square methods): jacobi, ssor (--omega, default 1), ilu0,
iluk (ILU(k), --levels k, default 1, PETSc's -pc_factor_levels; more fill,
fewer iterations), ic0 (symmetric positive definite A; --shift S factors
A + S·diag(A), the remedy when IC(0) breaks down, like PETSc's
-pc_factor_shift_type), ick (IC(k), --levels k, default 1, PETSc's PCICC
with -pc_factor_levels; --shift as ic0), asm (restricted additive Schwarz with ILU(0)
subdomains, --blocks, --overlap, --levels for ILU(k) subdomains; PETSc's
PCASM) and bjacobi (block Jacobi, asm without overlap); asm and bjacobi
solve their subdomains in parallel. GMRES takes --side left|right
(FGMRES and GCRO-DR precondition on the right).
Gram–Schmidt (gmres, fgmres, gcrodr): --orthog auto (default) makes one
classical pass and a second only when the measured loss of orthogonality
calls for it; once never reorthogonalises (PETSc's default,
-ksp_gmres_cgs_refinement_type refine_never, and Krylov.jl's); twice
always makes two passes (refine_always).
CG and MINRES need a symmetric matrix (CG positive definite): on a matrix
that is not symmetric they still run, after a warning, and report what
happens.

Output: the method, preconditioner, size, iterations, true residual,
convergence and the setup and solve times; --json prints one object with
the keys method, precond, matrix, rhs, rows, cols, nnz, rtol, atol,
iterations, matvecs, converged, reason, relative_residual (true
‖b − A x‖/‖b‖ of the returned x), residual, seconds (solve only) and
setup_seconds (reading and preconditioner), plus omega, shift or levels
for ssor (ω ≠ 1), ic0, iluk, ick and asm/bjacobi (levels > 0), error when the
solver failed, x0 when --x0 was given, out and history when --out and
--history were given (the files), restart, side and orthog for GMRES,
FGMRES and GCRO-DR (and recycle for GCRO-DR), shadow for IDR(s), and,
for LSQR/LSMR, matvecs_t (products with Aᵀ), damp, normal_residual
(‖Aᵀr − λ²(x − x0)‖, the gradient of the objective), norm_a, cond_a and
stop. Exit status: 0 converged, 3 not converged (after printing), 2 bad
arguments, 1 bad data or solver failure (breakdown, indefinite matrix;
the result is printed first).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("solve takes one matrix file argument, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSolve(cmd, args[0], &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.rhs, "rhs", "", "right-hand side: FILE.npy, or ones (default: b = A·1)")
	fl.StringVar(&f.x0, "x0", "", "initial guess: FILE.npy (default: zero)")
	fl.StringVar(&f.method, "method", "gmres", "cg, minres, gmres, fgmres, gcrodr, bicgstab, idrs, tfqmr, lsqr or lsmr")
	fl.StringVar(&f.prec, "precond", "none", "none, jacobi, ssor, ilu0, iluk, ic0, ick, asm or bjacobi")
	fl.StringVar(&f.side, "side", "right", "GMRES preconditioning side: left or right")
	fl.StringVar(&f.orthog, "orthog", "auto", "gmres/fgmres/gcrodr Gram–Schmidt: auto (reorthogonalise when needed), once or twice")
	fl.Float64Var(&f.rtol, "rtol", krylov.DefaultRTol, "relative tolerance")
	fl.Float64Var(&f.atol, "atol", 0, "absolute tolerance on ‖b − A x‖ (square methods)")
	fl.Float64Var(&f.damp, "damp", 0, "LSQR/LSMR regularisation λ")
	f.pc.register(fl)
	fl.IntVar(&f.maxIter, "maxiter", 0, "iteration limit (0: 10·n; LSQR/LSMR 10·min(rows, cols))")
	fl.IntVar(&f.restart, "restart", krylov.DefaultRestart, fmt.Sprintf("GMRES/FGMRES restart length; GCRO-DR's cycle length m (default %d there)", krylov.DefaultGCRODRM))
	fl.IntVar(&f.recycl, "recycle", krylov.DefaultGCRODRK, "GCRO-DR: number k of recycled vectors kept across restarts, 1 ≤ k < m (capped at m − 1 when not given)")
	fl.IntVar(&f.shadow, "shadow", krylov.DefaultShadow, "IDR(s): dimension s of the shadow space (capped at n when not given)")
	fl.StringVar(&f.out, "out", "", "write the solution to this .npy file")
	fl.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
	fl.BoolVar(&f.force, "force", false, "overwrite existing output files (--out, --history)")
	fl.BoolVar(&f.progress, "progress", true, "draw progress on stderr for solves longer than a second")
	fl.BoolVar(&f.monitor, "monitor", false, "print every iteration's residual estimate on stderr (PETSc's -ksp_monitor)")
	fl.StringVar(&f.history, "history", "", "write the residual estimate of every iteration (from the initial one) to this .npy file")
	return cmd
}

// solveOutput is what "solve" reports; the JSON keys are part of the
// CLI's interface.
type solveOutput struct {
	Method       string   `json:"method"`
	Precond      string   `json:"precond"`
	Omega        float64  `json:"omega,omitempty"`  // ssor: ω unless 1
	Shift        float64  `json:"shift,omitempty"`  // ic0, ick: --shift
	Levels       int      `json:"levels,omitempty"` // iluk, ick: k; asm, bjacobi: the subdomains' ILU level
	Side         string   `json:"side,omitempty"`
	Orthog       string   `json:"orthog,omitempty"`
	Restart      int      `json:"restart,omitempty"`
	Recycle      int      `json:"recycle,omitempty"`
	Shadow       int      `json:"shadow,omitempty"`
	Matrix       string   `json:"matrix"`
	RHS          string   `json:"rhs"`
	X0           string   `json:"x0,omitempty"`
	Rows         int      `json:"rows"`
	Cols         int      `json:"cols"`
	NNZ          int      `json:"nnz"`
	RTol         jsonNum  `json:"rtol"`
	ATol         jsonNum  `json:"atol"`
	Iterations   int      `json:"iterations"`
	MatVecs      int      `json:"matvecs"`
	MatVecsT     *int     `json:"matvecs_t,omitempty"`
	Converged    bool     `json:"converged"`
	Reason       string   `json:"reason"`
	RelResidual  jsonNum  `json:"relative_residual"`
	Residual     jsonNum  `json:"residual"`
	Damp         *jsonNum `json:"damp,omitempty"`
	NormalRes    *jsonNum `json:"normal_residual,omitempty"`
	NormA        *jsonNum `json:"norm_a,omitempty"`
	CondA        *jsonNum `json:"cond_a,omitempty"`
	Stop         *int     `json:"stop,omitempty"`
	Seconds      float64  `json:"seconds"`
	SetupSeconds float64  `json:"setup_seconds"`
	Out          string   `json:"out,omitempty"`
	History      string   `json:"history,omitempty"`
	Error        string   `json:"error,omitempty"`
}

func runSolve(cmd *cobra.Command, path string, f *solveFlags) error {
	// Arguments (exit 2).
	method := strings.ToLower(strings.TrimSpace(f.method))
	if !contains(solveMethods, method) {
		return usageErrorf("unknown --method %q; valid methods are %s", f.method, strings.Join(solveMethods, ", "))
	}
	prec := strings.ToLower(strings.TrimSpace(f.prec))
	if !contains(precond.Kinds(), prec) {
		return usageErrorf("unknown --precond %q; valid preconditioners are %s", f.prec, strings.Join(precond.Kinds(), ", "))
	}
	leastSquares := method == "lsqr" || method == "lsmr"
	switch {
	case !(f.rtol >= 0 && f.rtol < 1):
		// rtol ≥ 1 would accept x0 (zero) as the answer without a step.
		return usageErrorf("--rtol must be in [0, 1), got %v", f.rtol)
	case !(f.atol >= 0) || math.IsInf(f.atol, 0):
		return usageErrorf("--atol must be finite and >= 0, got %v", f.atol)
	case f.maxIter < 0:
		return usageErrorf("--maxiter must be >= 0, got %d", f.maxIter)
	case f.restart < 1:
		return usageErrorf("--restart must be >= 1, got %d", f.restart)
	case f.shadow < 1:
		return usageErrorf("--shadow must be >= 1, got %d", f.shadow)
	case cmd.Flags().Changed("shadow") && method != "idrs":
		return usageErrorf("--shadow applies to --method idrs only")
	case !(f.damp >= 0) || math.IsInf(f.damp, 0):
		return usageErrorf("--damp must be finite and >= 0, got %v", f.damp)
	case f.damp != 0 && !leastSquares:
		return usageErrorf("--damp applies to lsqr and lsmr only")
	case leastSquares && f.atol != 0:
		return usageErrorf("--atol is not used by %s: --rtol sets its relative tolerances atol and btol", method)
	case leastSquares && prec != "none":
		return usageErrorf("%s takes no preconditioner (got --precond %s)", method, prec)
	case cmd.Flags().Changed("restart") && method != "gmres" && method != "fgmres" && method != "gcrodr":
		return usageErrorf("--restart applies to --method gmres, fgmres and gcrodr only, not %s", method)
	case cmd.Flags().Changed("orthog") && method != "gmres" && method != "fgmres" && method != "gcrodr":
		return usageErrorf("--orthog applies to --method gmres, fgmres and gcrodr only, not %s", method)
	case cmd.Flags().Changed("recycle") && method != "gcrodr":
		return usageErrorf("--recycle applies to --method gcrodr only, not %s", method)
	}
	if method == "gcrodr" {
		if !cmd.Flags().Changed("restart") {
			f.restart = krylov.DefaultGCRODRM
		}
		if f.restart < 2 {
			// m holds k ≥ 1 recycled vectors and at least one new one;
			// the --recycle message below would name a flag never set.
			return usageErrorf("--restart %d: gcrodr needs m >= 2 (k >= 1 recycled vectors and at least one new Krylov vector per cycle)", f.restart)
		}
		if !cmd.Flags().Changed("recycle") {
			// A default k is capped at m−1 for a small --restart (as
			// datagen's --k): --restart 10 alone is not an error about a
			// --recycle the user never set.
			f.recycl = min(f.recycl, f.restart-1)
		}
		if f.recycl < 1 || f.recycl >= f.restart {
			return usageErrorf("--recycle %d must be in [1, m) with m = --restart %d", f.recycl, f.restart)
		}
	}
	if err := f.pc.validate(cmd.Flags(), prec); err != nil {
		return err
	}
	// A missing directory or an existing file is found now, not after a
	// long solve.
	if err := checkOutputs([]output{{"A", path}, {"--rhs", f.rhs}, {"--x0", f.x0}}, []output{{"--out", f.out}, {"--history", f.history}}, f.force, nil); err != nil {
		return err
	}
	if err := checkFormats(".npy", output{"--out", f.out}, output{"--history", f.history}); err != nil {
		return err
	}
	side := krylov.Right
	switch strings.ToLower(f.side) {
	case "right":
	case "left":
		side = krylov.Left
	default:
		return usageErrorf("--side must be left or right, got %q", f.side)
	}
	if side == krylov.Left && method != "gmres" {
		return usageErrorf("--side left applies to gmres only")
	}
	orthog, err := krylov.ParseOrthog(strings.ToLower(f.orthog))
	if err != nil {
		return usageErrorf("--orthog must be auto, once or twice, got %q", f.orthog)
	}

	// Data (exit 1).
	setupStart := time.Now()
	A, err := sparse.LoadContext(cmd.Context(), path)
	if err != nil {
		return cliLoadError(err)
	}
	rows, cols := A.Dims()
	if rows != cols && !leastSquares {
		return usageErrorf("--method %s needs a square matrix, but %s is %d×%d (use lsqr or lsmr)", method, path, rows, cols)
	}
	if method == "idrs" && f.shadow > rows {
		if cmd.Flags().Changed("shadow") {
			return usageErrorf("--shadow %d exceeds the %d unknowns of %s", f.shadow, rows, path)
		}
		f.shadow = max(rows, 1) // the default, 4, capped at n as the library does
	}
	if lim, ok := sysmem.Usable(); ok {
		if err := checkSolveMemory(method, rows, cols, f.restart, f.recycl, prec != "none", lim); err != nil {
			return err
		}
	}
	if err := A.CheckFinite(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b, rhsName, err := solveRHS(A, f.rhs)
	if err != nil {
		return err
	}
	if f.rhs == "" {
		if err := checkTimesOnes(b, path); err != nil {
			return err
		}
	}
	x, err := solveX0(cols, f.x0)
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	if (method == "cg" || method == "minres") && !A.IsSymmetric(1e-12) {
		fmt.Fprintf(stderr, "subspace: warning: %s is not symmetric; %s needs a symmetric matrix (running anyway)\n", path, method)
	}
	if (method == "cg" || method == "minres") && prec == "asm" {
		// Restricted additive Schwarz is not symmetric even for symmetric
		// A; block Jacobi with ILU(0) blocks is (ILU(0) of a symmetric
		// block is its LDLᵀ incomplete Cholesky).
		fmt.Fprintf(stderr, "subspace: warning: --precond asm (restricted additive Schwarz) is not symmetric; %s needs a symmetric preconditioner such as bjacobi, ic0, ick, ssor or jacobi (running anyway)\n", method)
	}
	var M linop.Operator
	if prec != "none" {
		M, err = precond.New(prec, A, f.pc.options())
		if err != nil {
			return cliPrecondError(prec, fmt.Errorf("--precond %s: %w", prec, err))
		}
	}
	setup := time.Since(setupStart).Seconds()

	out := solveOutput{
		Method: method, Precond: prec, Matrix: path, RHS: rhsName,
		Rows: rows, Cols: cols, NNZ: A.NNZ(), RTol: jsonNum(f.rtol), ATol: jsonNum(f.atol),
		SetupSeconds: setup, Out: f.out, History: f.history,
	}
	out.Omega, out.Shift, out.Levels = f.pc.params(prec)
	if method == "idrs" {
		out.Shadow = f.shadow
	}
	if method == "gmres" || method == "fgmres" || method == "gcrodr" {
		out.Restart = f.restart
		out.Orthog = orthog.String()
		out.Side = "right"
		if side == krylov.Left {
			out.Side = "left"
		}
	}
	if method == "gcrodr" {
		out.Recycle = f.recycl
	}
	out.X0 = f.x0
	total := f.maxIter
	if total == 0 {
		total = krylov.DefaultMaxIterFactor * min(rows, cols)
	}
	prog := newProgress(stderr, f.progress && !f.monitor, "solve "+method, total)
	progress := func(it int, relres float64) { prog.update(it, fmt.Sprintf("relative residual %.3g", relres)) }
	if f.monitor {
		bnorm := vec.Norm(b)
		if bnorm == 0 {
			bnorm = 1 // the solvers' relative residual is then absolute
		}
		// Iteration 0: the initial residual ‖b − A x₀‖ (one product).
		r := make([]float64, rows)
		A.MulVecTo(r, x)
		for i := range r {
			r[i] = b[i] - r[i]
		}
		r0 := vec.Norm(r)
		// The square solvers report ‖r‖/‖b‖; LSQR and LSMR report
		// ‖r̄‖/‖b − A x₀‖ (krylov.LSOptions.Progress), which differs
		// with --x0.
		scale := bnorm
		if leastSquares && r0 > 0 {
			scale = r0
		}
		progress = func(it int, relres float64) {
			fmt.Fprintf(stderr, "%5d residual %.6e relative %.6e\n", it, relres*scale, relres*scale/bnorm)
		}
		progress(0, r0/scale)
	}
	wantHistory := f.history != ""
	var history []float64
	start := time.Now()
	var solveErr error
	if leastSquares {
		lo := &krylov.LSOptions{ATol: f.rtol, BTol: f.rtol, Damp: f.damp, MaxIter: f.maxIter, Progress: progress, History: wantHistory}
		if f.rtol == 0 {
			// 0 would mean "default" to LSQR/LSMR; ask for machine precision.
			lo.ATol, lo.BTol = 1e-300, 1e-300
		}
		solve := krylov.LSQR
		if method == "lsmr" {
			solve = krylov.LSMR
		}
		var res krylov.LSResult
		res, solveErr = solve(cmd.Context(), A, b, x, lo)
		out.fill(res.Result)
		history = res.History
		out.MatVecsT = &res.MatVecsT
		nr, na, ca, dp := jsonNum(res.NormAr), jsonNum(res.NormA), jsonNum(res.CondA), jsonNum(f.damp)
		out.NormalRes, out.NormA, out.CondA, out.Stop, out.Damp = &nr, &na, &ca, &res.Stop, &dp
	} else {
		o := &krylov.Options{RTol: f.rtol, ATol: f.atol, MaxIter: f.maxIter, Precond: M, Side: side, Orthog: orthog,
			Restart: f.restart, Shadow: f.shadow, Progress: progress, History: wantHistory}
		if f.rtol == 0 {
			// 0 would mean the default; --rtol 0 asks for atol alone.
			o.RTol = math.SmallestNonzeroFloat64
		}
		var res krylov.Result
		var solve krylov.SolveFunc
		if method == "gcrodr" {
			o.Restart = 0 // the cycle length is the solver's M
			solve = krylov.NewGCRODR(rows, &krylov.GCRODROptions{M: f.restart, K: f.recycl}).Solve
		} else if solve, err = krylov.ByName(method); err != nil {
			return err // validated with the flags: not reached
		}
		res, solveErr = solve(cmd.Context(), A, b, x, o)
		out.fill(res)
		history = res.History
	}
	out.Seconds = time.Since(start).Seconds()
	prog.finish()
	if errors.Is(solveErr, context.Canceled) || errors.Is(solveErr, context.DeadlineExceeded) {
		return solveErr
	}
	failed := solveErr != nil && !errors.Is(solveErr, krylov.ErrNotConverged)
	if failed {
		out.Error = solveErr.Error()
	}
	if f.out != "" {
		if err := npy.WriteVector(f.out, x); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if f.history != "" {
		if err := npy.WriteVector(f.history, history); err != nil {
			return fmt.Errorf("--history: %w", err)
		}
	}
	if err := out.print(cmd.OutOrStdout(), f.json); err != nil {
		return err
	}
	if failed {
		return solveErr
	}
	if !out.Converged {
		return &exitErr{code: exitNotConverge, err: nil}
	}
	return nil
}

// solveRHS returns b for the --rhs flag: A·1 by default, all ones for
// "ones", or a .npy file whose length must be the number of rows.
func solveRHS(A *sparse.CSR, rhs string) ([]float64, string, error) {
	rows, _ := A.Dims()
	switch rhs {
	case "":
		return timesOnes(A), "A·1", nil
	case "ones":
		return ones(rows), "ones", nil
	}
	b, err := npy.ReadVector(rhs)
	if err != nil {
		return nil, "", fmt.Errorf("--rhs: %w", err)
	}
	if len(b) != rows {
		return nil, "", fmt.Errorf("--rhs: %s has %d entries but the matrix has %d rows", rhs, len(b), rows)
	}
	return b, rhs, nil
}

// checkTimesOnes checks b = A·1, the default right-hand side of solve and
// sequence, for the matrix in path: a file's b is finite (npy.ReadVector
// refuses NaN and Inf), but finite entries can sum past the largest
// float64, and the solver would then blame b[i], which the user did not
// give.
func checkTimesOnes(b []float64, path string) error {
	for i, v := range b {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("the default right-hand side b = A·1 is not finite: row %d of %s sums to %v; give --rhs", i+1, path, v)
		}
	}
	return nil
}

// checkSolveMemory refuses a solve whose vectors certainly cannot fit in
// lim (sysmem.Usable) before they are allocated: x and b, and GMRES's or
// FGMRES's basis and work vectors (krylov.GMRESBytes) or GCRO-DR(m, k)'s
// (krylov.GCRODRBytes; m is not capped at n there), where too large a
// --restart is a usage error; the other methods at least two work vectors
// (of the cols and rows of a rectangular A for LSQR and LSMR): a 67-byte
// file can declare a 1×(2³¹−1) matrix, whose x alone is 16 GiB; that is an
// error of the data (exit status 1).
func checkSolveMemory(method string, rows, cols, m, k int, precond bool, lim sysmem.Limit) error {
	need := 8 * (float64(rows) + float64(cols)) // x and b
	var basis float64
	switch method {
	case "gmres", "fgmres":
		basis = krylov.GMRESBytes(cols, m, method == "fgmres" && precond)
	case "gcrodr":
		basis = krylov.GCRODRBytes(cols, &krylov.GCRODROptions{M: m, K: k})
	default:
		need *= 2 // work vectors
	}
	need += basis
	if need <= float64(lim.Bytes) {
		return nil
	}
	if basis > 0 {
		return usageErrorf("--restart %d: the %s basis for %d unknowns needs at least %s, more than %s; choose a smaller --restart",
			m, method, cols, sysmem.FormatBytes(need), lim)
	}
	return fmt.Errorf("a %d×%d system needs at least %s for the vectors of %s, more than %s", rows, cols, sysmem.FormatBytes(need), method, lim)
}

// ones returns a vector of n ones.
func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// timesOnes returns A·1, the default right-hand side (its solution is 1).
func timesOnes(A *sparse.CSR) []float64 {
	r, c := A.Dims()
	b := make([]float64, r)
	A.MulVecTo(b, ones(c))
	return b
}

// solveX0 returns the initial guess for the --x0 flag: zero by default, or
// a .npy file of n values (npy.ReadVector refuses NaN and Inf).
func solveX0(n int, path string) ([]float64, error) {
	if path == "" {
		return make([]float64, n), nil
	}
	x, err := npy.ReadVector(path)
	if err != nil {
		return nil, fmt.Errorf("--x0: %w", err)
	}
	if len(x) != n {
		return nil, fmt.Errorf("--x0: %s has %d entries but the matrix has %d columns", path, len(x), n)
	}
	return x, nil
}

func (o *solveOutput) fill(r krylov.Result) {
	o.Iterations, o.MatVecs = r.Iterations, r.MatVecs
	o.Converged, o.Reason = r.Converged, r.Reason
	o.RelResidual, o.Residual = jsonNum(r.RelResidual), jsonNum(r.Residual)
}

func (o *solveOutput) print(w io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(o)
	}
	var b strings.Builder
	row := func(k, format string, args ...any) {
		fmt.Fprintf(&b, "%-18s "+format+"\n", append([]any{k}, args...)...)
	}
	m := o.Method
	if o.Restart > 0 {
		m = fmt.Sprintf("%s(%d), %s preconditioning", o.Method, o.Restart, o.Side)
	}
	if o.Recycle > 0 {
		m = fmt.Sprintf("%s(%d, %d), %s preconditioning", o.Method, o.Restart, o.Recycle, o.Side)
	}
	if o.Shadow > 0 {
		m = fmt.Sprintf("IDR(%d), right preconditioning", o.Shadow)
	}
	if o.Orthog != "" && o.Orthog != krylov.OrthogAuto.String() {
		m += ", Gram–Schmidt " + o.Orthog
	}
	row("method", "%s", m)
	row("preconditioner", "%s", (&precondFlags{omega: o.Omega, shift: o.Shift, levels: o.Levels}).label(o.Precond))
	row("matrix", "%s: %d × %d, %d nonzeros", o.Matrix, o.Rows, o.Cols, o.NNZ)
	row("right-hand side", "%s", o.RHS)
	if o.X0 != "" {
		row("initial guess", "%s", o.X0)
	}
	its := fmt.Sprintf("%d (%d products with A", o.Iterations, o.MatVecs)
	if o.MatVecsT != nil {
		its += fmt.Sprintf(", %d with Aᵀ", *o.MatVecsT)
	}
	row("iterations", "%s)", its)
	row("relative residual", "%.3g (‖b − A x‖ = %.3g)", float64(o.RelResidual), float64(o.Residual))
	if o.NormalRes != nil {
		switch {
		case *o.Damp != 0 && o.X0 != "":
			// The damping applies to x − x0 (krylov.LSOptions.Damp).
			row("‖Aᵀr − λ²(x − x0)‖", "%.3g (λ = %g)", float64(*o.NormalRes), float64(*o.Damp))
		case *o.Damp != 0:
			row("‖Aᵀr − λ²x‖", "%.3g (λ = %g)", float64(*o.NormalRes), float64(*o.Damp))
		default:
			row("‖Aᵀr‖", "%.3g", float64(*o.NormalRes))
		}
		row("‖A‖, cond(A)", "≈ %.3g, ≈ %.3g (estimates)", float64(*o.NormA), float64(*o.CondA))
	}
	conv := "no"
	if o.Converged {
		conv = "yes"
	}
	row("converged", "%s: %s", conv, o.Reason)
	row("time", "setup %.3f s, solve %.3f s", o.SetupSeconds, o.Seconds)
	if o.Out != "" {
		row("solution", "%s", o.Out)
	}
	if o.History != "" {
		row("residual history", "%s", o.History)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
