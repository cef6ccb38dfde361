package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sequence"
	"github.com/subspace-lab/subspace/sparse"
)

// sequenceFlags is the command line of "sequence".
type sequenceFlags struct {
	rhs, prec, sort, out          string
	recycleFrom, recycleTo        string
	rtol                          float64
	maxIter, m, k, every, project int
	compare, warmStart, keep      bool
	json, progress, force         bool
	pc                            precondFlags
	orthogName                    string
	orthog                        krylov.Orthog // parsed by validate
}

// newSequenceCmd returns the "sequence" verb: a user's own sequence of
// linear systems, solved in order with Krylov subspace recycling.
func newSequenceCmd() *cobra.Command {
	var f sequenceFlags
	cmd := &cobra.Command{
		Use:     "sequence A1.mtx A2.mtx ...",
		Aliases: []string{"seq"},
		Short:   "Solve a sequence of systems (Matrix Market or SciPy .npz files) with Krylov subspace recycling",
		Long: `sequence solves A_i x_i = b_i for a sequence of square matrices given as
Matrix Market files or SciPy sparse matrices (FILE.npz, from
scipy.sparse.save_npz), one after the other with GCRO-DR(m, k), which carries a
recycled Krylov subspace from each system to the next (krylov.GCRODR): the
way to use SKR's recycling on systems of your own, such as the matrices of
a time-stepping or parameter sweep exported from another code. All
matrices must have the same size; they need not share a sparsity pattern.

Order: --sort none (the default) solves them in the order given; --sort
greedy first reorders them by the SKR paper's greedy nearest neighbour,
starting from the first file, with the Frobenius distance between the
matrices as the distance (over the union of their patterns when they
differ), O(N²·nnz); --sort grouped, for long sequences, bins the matrices
by the orthant of their leading principal components (of a 256-value count
sketch of each matrix) and orders each bin greedily, bins in Gray-code
order, as datagen's grouped sort does with its fields. When consecutive
matrices are identical (only b changes) the preconditioner is reused and,
with --project P, each solve starts from the best combination of up to P
earlier solutions.

Right-hand sides: by default b_i = A_i·1; --rhs ones uses all ones; --rhs
FILE.npy reads either one vector of length n (shape (n,), (n, 1) or
(1, n)) used for every system or an N×n matrix whose row i is the
right-hand side of the i-th file.

Every file is read and checked once before any solve (shape, NaN/Inf,
and with the default b_i = A_i·1 that b_i is finite), so a bad file fails
fast. The matrices are
kept from that pass when they fit in 1 GiB together (each is dropped once
solved); larger sequences, and any with --keep=false, are read again
during the solves, one system ahead of the solver, so that memory holds
only a few systems at a time (with --sort greedy or grouped, every matrix
is held until the order is known, for the distances).

The recycled space can outlive the run: --recycle-to U.npy writes it (n×r,
r ≤ k, in the preconditioned space) after the last system, and
--recycle-from U.npy starts the first system with it instead of an empty
one, so that a long sequence split over several runs or batch jobs keeps
recycling across the split (the space is rebuilt for the first matrix: r
products with A, and one more, A·M·b, that measures the operator's scale
for a solver that has seen none yet).

--compare also solves every system independently with GMRES(m), the same
preconditioner, rtol, iteration limit and Gram–Schmidt (--orthog, as in
solve), interleaved system by system, and prints both with the speedups.
--out X.npy writes the solutions as an N×n array in file order. Output files
(--out, --recycle-to) must differ from the inputs and from each other, and
an existing file is overwritten only with --force. --json prints one object
with the keys of datagen's (count, unknowns, solver, baseline,
recycled_iterations (mean products with A), recycled_seconds,
baseline_iterations, baseline_seconds, speedup_time, speedup_iterations,
recycled_resets (stagnations after which GCRO-DR dropped its recycled space
and went on cold), ...), the solve order ("order", file indices), and one
entry per file in "systems" (and recycle_from, recycle_to and
recycle_to_columns, the r of the n×r space written, when given). Exit
status 3 (after printing) if GCRO-DR left any system unconverged; the
--compare baseline's unconverged systems are reported but do not change
the status.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("sequence takes one or more matrix files")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSequence(cmd, args, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.rhs, "rhs", "", "right-hand sides: FILE.npy (n or N×n), or ones (default: b_i = A_i·1)")
	fl.StringVar(&f.prec, "precond", "none", "preconditioner: "+strings.Join(precond.Kinds(), ", "))
	f.pc.register(fl)
	fl.StringVar(&f.sort, "sort", "none", "order: none (as given), greedy (nearest neighbour by the matrices' Frobenius distance) or grouped (principal-component bins, each greedy: for long sequences)")
	fl.Float64Var(&f.rtol, "rtol", krylov.DefaultRTol, "relative tolerance: stop when ‖b − A x‖ ≤ rtol·‖b‖")
	fl.IntVar(&f.maxIter, "maxiter", 0, "iteration limit per system (0: 10·n)")
	fl.IntVar(&f.m, "m", krylov.DefaultGCRODRM, "GCRO-DR search space per cycle (recycled + Krylov vectors); also the baseline's GMRES restart")
	fl.IntVar(&f.k, "k", krylov.DefaultGCRODRK, "GCRO-DR recycled vectors (0: none, i.e. GMRES(m); capped at m − 1 when not given)")
	fl.IntVar(&f.every, "update-every", 1, "recompute the recycled space every this many cycles")
	fl.IntVar(&f.project, "project", 0, "when consecutive matrices are identical, start from the best combination of up to this many earlier solutions (0: off)")
	fl.BoolVar(&f.warmStart, "warm-start", false, "start each solve from the previous system's solution instead of zero")
	fl.StringVar(&f.recycleFrom, "recycle-from", "", "start with the recycled space in this .npy file (n×r, from --recycle-to)")
	fl.StringVar(&f.recycleTo, "recycle-to", "", "write the recycled space after the last system to this .npy file")
	fl.BoolVar(&f.keep, "keep", true, "keep the matrices read in the checking pass in memory when they fit in 1 GiB (false: read each file again for its solve)")
	fl.StringVar(&f.orthogName, "orthog", "auto", "Gram–Schmidt in both solvers: auto (reorthogonalise when needed), once or twice")
	fl.BoolVar(&f.compare, "compare", false, "also solve each system independently with GMRES(m) and report both")
	fl.StringVar(&f.out, "out", "", "write the solutions to this .npy file (N×n, in file order)")
	fl.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
	fl.BoolVar(&f.force, "force", false, "overwrite existing output files (--out, --recycle-to)")
	fl.BoolVar(&f.progress, "progress", true, "draw progress on stderr for runs longer than a second")
	return cmd
}

// validate checks the flags (usage errors, exit status 2).
func (f *sequenceFlags) validate(cmd *cobra.Command) error {
	f.prec = strings.ToLower(strings.TrimSpace(f.prec))
	f.sort = strings.ToLower(strings.TrimSpace(f.sort))
	if !cmd.Flags().Changed("k") && f.m >= 1 {
		f.k = min(f.k, f.m-1) // a default k is capped at m−1 for a small --m, as datagen's
	}
	switch {
	case !contains(precond.Kinds(), f.prec):
		return usageErrorf("unknown --precond %q; valid preconditioners are %s", f.prec, strings.Join(precond.Kinds(), ", "))
	case f.sort != "none" && f.sort != "greedy" && f.sort != "grouped":
		return usageErrorf("--sort must be none, greedy or grouped, got %q", f.sort)
	case !(f.rtol > 0 && f.rtol < 1):
		// rtol ≥ 1 would accept zero solutions without a step.
		return usageErrorf("--rtol must be in (0, 1), got %v", f.rtol)
	case f.maxIter < 0:
		return usageErrorf("--maxiter must be >= 0, got %d", f.maxIter)
	case f.m < 1:
		return usageErrorf("--m must be >= 1, got %d", f.m)
	case f.k < 0 || f.k >= f.m:
		return usageErrorf("--k must be in [0, m) = [0, %d), got %d", f.m, f.k)
	case f.every < 1:
		return usageErrorf("--update-every must be >= 1, got %d", f.every)
	case f.project < 0:
		return usageErrorf("--project must be >= 0, got %d", f.project)
	case f.k == 0 && (f.recycleFrom != "" || f.recycleTo != ""):
		return usageErrorf("--recycle-from and --recycle-to need a recycled space (--k > 0)")
	}
	o, err := krylov.ParseOrthog(strings.ToLower(strings.TrimSpace(f.orthogName)))
	if err != nil {
		return usageErrorf("--orthog must be auto, once or twice, got %q", f.orthogName)
	}
	f.orthog = o
	return f.pc.validate(cmd.Flags(), f.prec)
}

// sequenceReport is the --json output of "sequence".
type sequenceReport struct {
	Count       int     `json:"count"`
	Unknowns    int     `json:"unknowns"`
	RTol        jsonNum `json:"rtol"`
	Precond     string  `json:"precond"`
	Omega       float64 `json:"omega,omitempty"`  // ssor: ω unless 1
	Shift       float64 `json:"shift,omitempty"`  // ic0, ick: --shift
	Levels      int     `json:"levels,omitempty"` // iluk, ick: k; asm, bjacobi: the subdomains' ILU level
	Sort        string  `json:"sort"`
	RHS         string  `json:"rhs"`
	laneReport          // solver, baseline, the two lanes' means, speedups
	Order       []int   `json:"order"` // file indices in solve order
	ReadSeconds jsonNum `json:"read_seconds"`
	SortSeconds jsonNum `json:"sort_seconds"`
	WallSeconds jsonNum `json:"wall_seconds"`
	Out         string  `json:"out,omitempty"`
	RecycleFrom string  `json:"recycle_from,omitempty"`
	RecycleTo   string  `json:"recycle_to,omitempty"`
	RecycledDim *int    `json:"recycle_to_columns,omitempty"` // r of the n×r space written to RecycleTo
	// Systems has one entry per file, in file order.
	Systems []sequenceSystem `json:"systems"`
}

// sequenceSystem is one file's results.
type sequenceSystem struct {
	File          string   `json:"file"`
	Position      int      `json:"position"` // place in the solve order
	Iterations    int      `json:"iterations"`
	MatVecs       int      `json:"matvecs"`
	Seconds       jsonNum  `json:"seconds"`
	RelResidual   jsonNum  `json:"relative_residual"`
	Converged     bool     `json:"converged"`
	Reused        bool     `json:"reused_matrix"`
	Resets        int      `json:"resets,omitempty"` // stagnation resets of the recycled space
	Error         string   `json:"error,omitempty"`
	BaseIters     *int     `json:"baseline_iterations,omitempty"`
	BaseMatVecs   *int     `json:"baseline_matvecs,omitempty"`
	BaseSeconds   *jsonNum `json:"baseline_seconds,omitempty"`
	BaseRelres    *jsonNum `json:"baseline_relative_residual,omitempty"`
	BaseConverged *bool    `json:"baseline_converged,omitempty"`
}

// sequenceKeepBytes bounds the memory "sequence" spends keeping the
// matrices it read in its checking pass, so that the solves need not read
// the files again: CSR storage (12 bytes per entry, 8 per row) up to
// 1 GiB in all. Beyond that the solves read each file again.
const sequenceKeepBytes = 1 << 30

// fileSource provides the systems of a sequence: the matrices kept from
// the checking pass, or read again from their files.
type fileSource struct {
	ctx   context.Context // stops reading a file (--keep=false) on a signal
	paths []string
	kept  []*sparse.CSR // kept[i] until System(i) hands it out; nil (or a nil slice): read the file
	n     int
	rhs   func(i int, A *sparse.CSR) []float64
}

func (s *fileSource) Len() int { return len(s.paths) }

// System returns system i. Calls for different i may run concurrently
// (the driver's prefetch); each kept matrix is handed out once and then
// dropped, so memory shrinks as the run goes.
func (s *fileSource) System(i int) (*sparse.CSR, []float64, error) {
	var A *sparse.CSR
	if s.kept != nil {
		A, s.kept[i] = s.kept[i], nil
	}
	if A == nil {
		var err error
		if A, err = loadSquare(s.ctx, s.paths[i], s.n); err != nil {
			return nil, nil, err
		}
	}
	return A, s.rhs(i, A), nil
}

// loadSquare reads a square, finite matrix of size n (n < 0: any size),
// stopping when ctx is done (a signal).
func loadSquare(ctx context.Context, path string, n int) (*sparse.CSR, error) {
	A, err := sparse.LoadContext(ctx, path)
	if err != nil {
		return nil, cliLoadError(err)
	}
	r, c := A.Dims()
	switch {
	case r != c:
		return nil, fmt.Errorf("%s is %d×%d: a sequence needs square matrices", path, r, c)
	case n >= 0 && r != n:
		return nil, fmt.Errorf("%s is %d×%d, but the sequence's first matrix is %d×%d: all matrices must have the same size", path, r, c, n, n)
	}
	if err := A.CheckFinite(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return A, nil
}

func runSequence(cmd *cobra.Command, paths []string, f *sequenceFlags) error {
	if err := f.validate(cmd); err != nil {
		return err
	}
	// A missing directory or an existing file is found now, not after
	// the solves.
	inputs := []output{{"--rhs", f.rhs}, {"--recycle-from", f.recycleFrom}}
	for _, p := range paths {
		inputs = append(inputs, output{"FILE", p})
	}
	outputs := []output{{"--out", f.out}, {"--recycle-to", f.recycleTo}}
	if err := checkOutputs(inputs, outputs, f.force, map[string]string{"--recycle-to": "--recycle-from"}); err != nil {
		return err
	}
	if err := checkFormats(".npy", outputs...); err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	wall := time.Now()
	N := len(paths)

	// Read and check every file once (exit status 1 on bad data).
	t0 := time.Now()
	n := -1
	var forSort []*sparse.CSR // --sort greedy, grouped: every matrix, for the distances
	var rhs func(i int, A *sparse.CSR) []float64
	var rhsName string
	var initU *mat.Dense // --recycle-from
	var kept []*sparse.CSR
	if f.keep {
		kept = make([]*sparse.CSR, N)
	}
	keptBytes := 0
	bar := newProgress(stderr, f.progress, "sequence: reading", N)
	for i, p := range paths {
		A, err := loadSquare(ctx, p, n)
		if err == nil && f.rhs == "" {
			err = checkTimesOnes(timesOnes(A), p)
		}
		if err == nil && i == 0 {
			// The right-hand sides and an imported recycled space are
			// checked as soon as n is known.
			n, _ = A.Dims()
			rhs, rhsName, err = sequenceRHS(f.rhs, N, n)
			if err == nil && f.recycleFrom != "" {
				initU, err = readRecycled(f.recycleFrom, n, f.k)
			}
		}
		if err != nil {
			bar.finish()
			return err
		}
		if f.sort != "none" {
			forSort = append(forSort, A)
		}
		if kept != nil {
			keptBytes += 12*A.NNZ() + 8*(n+1)
			if keptBytes <= sequenceKeepBytes {
				kept[i] = A
			} else {
				kept = nil // too large: the solves read the files again
			}
		}
		bar.update(i+1, "")
	}
	bar.finish()
	readSec := time.Since(t0).Seconds()

	t0 = time.Now()
	order := make([]int, N)
	for i := range order {
		order[i] = i
	}
	switch f.sort {
	case "greedy":
		order = sequence.Greedy(matrixFeatures(forSort))
	case "grouped":
		feats := matrixFeatures(forSort)
		order = sequence.Grouped(feats, []int{len(feats[0])}, &sequence.GroupedOptions{Features: matrixSketch})
	}
	forSort = nil
	sortSec := time.Since(t0).Seconds()

	if lim, ok := sysmem.Usable(); ok {
		if err := f.checkMemory(N, n, lim); err != nil {
			return err
		}
	}
	k := f.k
	if k == 0 {
		k = -1 // krylov: no recycling
	}
	rec := krylov.NewGCRODR(n, &krylov.GCRODROptions{M: f.m, K: k, UpdateEvery: f.every})
	if initU != nil {
		if err := rec.SetRecycled(initU); err != nil {
			return fmt.Errorf("--recycle-from: %s: %w", f.recycleFrom, err)
		}
	}
	solverName := fmt.Sprintf("GCRO-DR(%d,%d)", f.m, f.k)
	if f.every > 1 {
		solverName += fmt.Sprintf("/%d", f.every)
	}
	baseName := fmt.Sprintf("GMRES(%d)", f.m)
	var X []float64
	if f.out != "" {
		X = make([]float64, N*n)
	}
	src := &fileSource{ctx: ctx, paths: paths, kept: kept, n: n, rhs: rhs}
	lr, err := runLanes(ctx, src, order, laneConfig{
		label: "sequence", rec: rec, compare: f.compare, baseM: f.m,
		opt: sequence.Options{
			Krylov:  krylov.Options{RTol: f.rtol, MaxIter: f.maxIter, Orthog: f.orthog},
			Precond: f.prec, PrecondOptions: f.pc.options(),
			ReuseIdentical: true, WarmStart: f.warmStart, Projection: f.project, Prefetch: 1,
			Name: func(i int) string { return paths[i] },
		},
		solution: func(i int, x []float64) error {
			if X != nil {
				copy(X[i*n:(i+1)*n], x)
			}
			return nil
		},
		progress: f.progress, stderr: stderr,
	})
	if err != nil {
		return cliPrecondError(f.prec, err)
	}
	if f.out != "" {
		if err := npy.WriteArray(f.out, npy.Array{Shape: []int{N, n}, Data: X}); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	var recycledDim *int
	if f.recycleTo != "" {
		r, err := saveRecycled(rec, f.recycleTo, n)
		if err != nil {
			return err
		}
		recycledDim = &r
	}

	rep := sequenceReport{
		Count: N, Unknowns: n, RTol: jsonNum(f.rtol), Precond: f.prec, Sort: f.sort, RHS: rhsName,
		laneReport: lr.report(solverName, baseName), Order: order,
		ReadSeconds: jsonNum(readSec), SortSeconds: jsonNum(sortSec), Out: f.out,
		RecycleFrom: f.recycleFrom, RecycleTo: f.recycleTo, RecycledDim: recycledDim,
		Systems: sequenceSystems(paths, lr.stats),
	}
	rep.Omega, rep.Shift, rep.Levels = f.pc.params(f.prec)
	rep.WallSeconds = jsonNum(time.Since(wall).Seconds())
	if f.json {
		if err := json.NewEncoder(stdout).Encode(rep); err != nil {
			return err
		}
	} else {
		printSequence(stdout, rep, lr)
	}
	if lr.rec.NotConverged > 0 {
		// The table (or JSON) has each system's fate; stderr says what
		// kind of failure it was, so that a breakdown is not mistaken for
		// an iteration limit.
		failed, first := 0, ""
		for _, st := range lr.stats[0] {
			if !st.Converged && st.Failure != nil && !errors.Is(st.Failure, krylov.ErrNotConverged) {
				if failed == 0 {
					first = fmt.Sprintf("%s: %s", paths[st.System], st.Err)
				}
				failed++
			}
		}
		msg := fmt.Sprintf("subspace: %d of %d systems did not converge", lr.rec.NotConverged, len(lr.stats[0]))
		if failed > 0 {
			msg += fmt.Sprintf(", %d of them by a solver failure (first: %s)", failed, first)
		}
		fmt.Fprintln(stderr, oneLine(msg))
		return &exitErr{code: exitNotConverge}
	}
	return nil
}

// checkMemory refuses, before the solvers are built, a sequence of N
// systems of n unknowns whose solvers and outputs certainly cannot fit in
// lim, the memory the process may use (sysmem.Usable): the solvers'
// vectors (laneBytes), a right-hand side and the N×n solutions of --out. A
// lower bound, as datagen's (the matrices already read are not counted):
// a 76-byte file can declare 10⁸ unknowns, and GCRO-DR(40, 20)'s 124
// vectors of them are 99 GB. The size comes from the data, so the error
// is not a usage error (exit status 1).
func (f *sequenceFlags) checkMemory(N, n int, lim sysmem.Limit) error {
	out := 0.0
	if f.out != "" {
		out = 8 * float64(N) * float64(n)
	}
	need := laneBytes(n, f.m, f.k, f.compare) + 8*float64(n) + out
	if need <= float64(lim.Bytes) {
		return nil
	}
	what, remedy := "the solvers' vectors", "choose a smaller --m or --k"
	if out > 0 {
		what += " and the solutions of --out"
		remedy += ", or split the sequence"
	}
	return fmt.Errorf("%d systems of %d unknowns with --m %d --k %d need at least %s (%s), more than %s; %s",
		N, n, f.m, f.k, sysmem.FormatBytes(need), what, lim, remedy)
}

// readRecycled reads the recycled space of --recycle-from: an n×r array
// with r ≤ k; nil when r = 0 (nothing to import).
func readRecycled(path string, n, k int) (*mat.Dense, error) {
	a, err := npy.ReadArray(path)
	if err != nil {
		return nil, fmt.Errorf("--recycle-from: %w", err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != n || a.Shape[1] > k {
		return nil, fmt.Errorf("--recycle-from: %s has shape %s; want (%d, r) with r ≤ --k = %d: the systems have %d unknowns", path, npy.FormatShape(a.Shape), n, k, n)
	}
	if a.Shape[1] == 0 {
		return nil, nil
	}
	return mat.NewDense(n, a.Shape[1], a.Data), nil
}

// saveRecycled writes the recycled space for --recycle-to: n×r, r = 0 when
// every vector was deflated; it returns r.
func saveRecycled(rec *krylov.GCRODR, path string, n int) (int, error) {
	U, _ := rec.Recycled()
	a := npy.Array{Shape: []int{n, 0}}
	if U != nil {
		_, r := U.Dims()
		a = npy.Array{Shape: []int{n, r}, Data: U.RawMatrix().Data}
	}
	if err := npy.WriteArray(path, a); err != nil {
		return 0, fmt.Errorf("--recycle-to: %w", err)
	}
	return a.Shape[1], nil
}

// sequenceRHS returns the right-hand side of system i for the --rhs flag:
// A_i·1, ones, one vector for all, or row i of an N×n array.
func sequenceRHS(flag string, N, n int) (func(i int, A *sparse.CSR) []float64, string, error) {
	switch flag {
	case "":
		return func(_ int, A *sparse.CSR) []float64 { return timesOnes(A) }, "A·1", nil
	case "ones":
		return func(int, *sparse.CSR) []float64 { return ones(n) }, "ones", nil
	}
	a, err := npy.ReadArray(flag)
	if err != nil {
		return nil, "", fmt.Errorf("--rhs: %w", err)
	}
	switch {
	case len(a.Shape) == 2 && a.Shape[0] == N && a.Shape[1] == n:
		return func(i int, _ *sparse.CSR) []float64 { return slices.Clone(a.Data[i*n : (i+1)*n]) }, flag, nil
	case len(a.Data) == n && (len(a.Shape) == 1 || len(a.Shape) == 2 && (a.Shape[0] == 1 || a.Shape[1] == 1)):
		// One vector, (n,), a column (n, 1) or a row (1, n), as solve
		// --rhs (npy.ReadVector) takes it.
		return func(int, *sparse.CSR) []float64 { return slices.Clone(a.Data) }, flag, nil
	}
	return nil, "", fmt.Errorf("--rhs: %s has shape %s; want (%d,), (%d, 1) or (1, %d) for one right-hand side or (%d, %d) for one per file", flag, npy.FormatShape(a.Shape), n, n, n, N, n)
}

// sequenceSystems returns one entry per file from the lanes' stats.
func sequenceSystems(paths []string, stats [][]sequence.Stat) []sequenceSystem {
	out := make([]sequenceSystem, len(paths))
	for pos, st := range stats[0] {
		s := &out[st.System]
		s.File, s.Position = paths[st.System], pos
		s.Iterations, s.MatVecs, s.Seconds = st.Iterations, st.MatVecs, jsonNum(st.Seconds)
		s.RelResidual, s.Converged, s.Reused, s.Error = jsonNum(st.RelResidual), st.Converged, st.Reused, st.Err
		s.Resets = st.Resets
	}
	if len(stats) > 1 {
		for _, st := range stats[1] {
			s := &out[st.System]
			its, mvs, conv := st.Iterations, st.MatVecs, st.Converged
			s.BaseIters, s.BaseMatVecs, s.BaseConverged = &its, &mvs, &conv
			s.BaseSeconds, s.BaseRelres = numPtr(st.Seconds), numPtr(st.RelResidual)
		}
	}
	return out
}

// printSequence prints the human-readable summary.
func printSequence(w io.Writer, r sequenceReport, lr laneResult) {
	fmt.Fprintf(w, "sequence  %s  n = %d  rtol %g  precond %s  sort %s  rhs %s\n",
		plural(r.Count, "system", "systems"), r.Unknowns, float64(r.RTol), (&precondFlags{omega: r.Omega, shift: r.Shift, levels: r.Levels}).label(r.Precond), r.Sort, r.RHS)
	fmt.Fprintf(w, "reading %.3g s, sort %.3g s, assembly %.3g s/system (not in the times below)\n",
		float64(r.ReadSeconds), float64(r.SortSeconds), float64(r.AssembleSeconds))
	base := ""
	if r.Baseline != nil {
		base = *r.Baseline
	}
	printLanes(w, r.Solver, base, lr)
	for _, s := range r.Systems {
		if !s.Converged {
			fmt.Fprintf(w, "not converged: %s (relative residual %.3g) %s\n", s.File, float64(s.RelResidual), s.Error)
		}
	}
	if r.Out != "" {
		fmt.Fprintf(w, "wrote %s: %d×%d solutions in file order\n", r.Out, r.Count, r.Unknowns)
	}
	if r.RecycledDim != nil {
		fmt.Fprintf(w, "wrote %s: recycled space %d×%d (for --recycle-from)\n", r.RecycleTo, r.Unknowns, *r.RecycledDim)
	}
}
