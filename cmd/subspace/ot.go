package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/ot"
)

// otMethods lists the --method values of "ot".
const otMethods = "sinkhorn, sinkhorn-log, stabilized, eps-scaling, sns, emd, unbalanced"

// newOTCmd returns the "ot" verb: optimal transport between two weighted
// point clouds or for a given cost matrix.
func newOTCmd() *cobra.Command {
	var f otFlags
	cmd := &cobra.Command{
		Use:   "ot (--x X.npy --y Y.npy [--metric M] | --cost C.npy) [--a a.npy --b b.npy] --reg R --method METHOD",
		Short: "Optimal transport: Sinkhorn (scaling, log, stabilised, eps-scaling), Sinkhorn–Newton–Sparse, exact (EMD), unbalanced",
		Long: `ot solves a discrete optimal transport problem and prints its cost.

The cost matrix is either given (--cost C.npy, n×m) or computed between the
rows of two point clouds (--x X.npy n×d, --y Y.npy m×d) with --metric
sqeuclidean (default), euclidean or cityblock. Weights are read from
--a a.npy and --b b.npy (vectors of length n and m, non-negative, equal
mass); uniform weights when absent.

Methods (POT's parameterisation: minimise <C,P> - reg·H(P)):
  sinkhorn      scaling form; fails with a clear error when
                exp(-(C - min C)/reg) underflows where the plan is not
                negligible
  sinkhorn-log  log-domain Sinkhorn
  stabilized    scaling with absorption into the potentials
  eps-scaling   stabilised Sinkhorn with a decreasing regularisation
  sns           Sinkhorn–Newton–Sparse (Tang et al., ICLR 2024)
  emd           exact OT by the network simplex (no --reg; --tol not used)
  unbalanced    KL-relaxed marginals with weight --reg-m (masses may differ)

The Sinkhorn methods stop when the marginal violation ||P^T 1 - b||_2 < --tol
(POT's stopThr rule; sns: ||P1 - a|| + ||P^T 1 - b||), unbalanced on the
relative change of the scalings. A balanced entropic method reports
converged only if the returned plan's marginal_error, ||P1 - a|| +
||P^T 1 - b||, is at most --tol. --plan P.npy writes the plan and
--potentials F.npz the dual potentials (arrays f and g, in cost units; for
emd the simplex's optimal duals). --warm-start F.npz starts an entropic or
unbalanced solve from such potentials, e.g. those of a run with a larger
--reg or a nearby cost. --history H.npy writes every evaluation of the
stopping rule as a k×2 array of (iteration, value) rows, POT's log["err"]
with its iterations (not emd). Output paths are checked before the solve:
they must differ from the inputs and from each other, and an existing file
is overwritten only with --force.
--json prints one JSON object. A solve that reaches --maxiter prints its
result and exits with status 3. Progress is drawn on stderr for runs over
a second (--progress=false: none).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usageErrorf("ot takes no positional arguments, got %q", args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOT(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.x, "x", "", "source points, n×d .npy")
	fl.StringVar(&f.y, "y", "", "target points, m×d .npy")
	fl.StringVar(&f.metric, "metric", "sqeuclidean", "ground cost for --x/--y: sqeuclidean, euclidean, cityblock")
	fl.StringVar(&f.cost, "cost", "", "cost matrix, n×m .npy (instead of --x/--y)")
	fl.StringVar(&f.a, "a", "", "source weights, length-n .npy (default uniform)")
	fl.StringVar(&f.b, "b", "", "target weights, length-m .npy (default uniform)")
	fl.Float64Var(&f.reg, "reg", 0, "entropic regularisation (> 0; all methods but emd)")
	fl.Float64Var(&f.regM, "reg-m", 0, "marginal relaxation weight for --method unbalanced (> 0)")
	fl.StringVar(&f.method, "method", "sinkhorn-log", "method: "+otMethods)
	fl.Float64Var(&f.tol, "tol", 0, "stopping threshold on the marginal violation (0: 1e-9; unbalanced 1e-6; not used by emd)")
	fl.IntVar(&f.maxIter, "maxiter", 0, "iteration limit (0: 1000; emd: pivots, 0: max(100000, 50·n·m))")
	fl.StringVar(&f.plan, "plan", "", "write the transport plan to this .npy file")
	fl.StringVar(&f.potentials, "potentials", "", "write the dual potentials (arrays f, g) to this .npz file")
	fl.StringVar(&f.warm, "warm-start", "", "start from the potentials (arrays f, g) in this .npz file (not emd)")
	fl.StringVar(&f.history, "history", "", "write each stopping-rule evaluation as (iteration, value) rows, k×2, to this .npy file (not emd)")
	fl.BoolVar(&f.json, "json", false, "print one JSON object")
	fl.BoolVar(&f.force, "force", false, "overwrite existing output files (--plan, --potentials, --history)")
	fl.BoolVar(&f.progress, "progress", true, "draw progress on stderr for runs longer than a second")
	return cmd
}

type otFlags struct {
	x, y, metric, cost, a, b string
	reg, regM, tol           float64
	method, plan             string
	potentials, warm         string
	history                  string
	maxIter                  int
	json, force, progress    bool
}

// otOutput is what "ot" prints; the JSON keys are part of the CLI's
// interface.
type otOutput struct {
	Method             string  `json:"method"`
	N                  int     `json:"n"`
	M                  int     `json:"m"`
	Reg                jsonNum `json:"reg,omitempty"`
	RegM               jsonNum `json:"reg_m,omitempty"`
	Cost               jsonNum `json:"cost"`
	Iterations         int     `json:"iterations"`
	SinkhornIterations *int    `json:"sinkhorn_iterations,omitempty"`
	NewtonIterations   *int    `json:"newton_iterations,omitempty"`
	CGIterations       *int    `json:"cg_iterations,omitempty"`
	MarginalError      jsonNum `json:"marginal_error"`
	Converged          bool    `json:"converged"`
	Reason             string  `json:"reason"`
	Seconds            float64 `json:"seconds"`
	Plan               string  `json:"plan,omitempty"`
	Potentials         string  `json:"potentials,omitempty"`
	WarmStart          string  `json:"warm_start,omitempty"`
	History            string  `json:"history,omitempty"`
}

func runOT(cmd *cobra.Command, f *otFlags) error {
	// Flag checks first (usage errors, exit 2).
	points := f.x != "" || f.y != ""
	if points && f.cost != "" {
		return usageErrorf("give either --x and --y or --cost, not both")
	}
	if !points && f.cost == "" {
		return usageErrorf("give --x and --y (point clouds) or --cost (cost matrix)")
	}
	if points && (f.x == "" || f.y == "") {
		return usageErrorf("--x and --y must be given together")
	}
	if (f.a == "") != (f.b == "") {
		return usageErrorf("--a and --b must be given together (or neither, for uniform weights)")
	}
	metric, err := ot.ParseMetric(f.metric)
	if err != nil {
		return usageErrorf("--metric %q: want sqeuclidean, euclidean or cityblock", f.metric)
	}
	method := strings.ToLower(strings.TrimSpace(f.method)) // as solve's --method
	var entropic ot.Method
	switch method {
	case "emd":
	case "unbalanced":
		if !(f.regM > 0) || math.IsInf(f.regM, 0) {
			return usageErrorf("--method unbalanced needs --reg-m > 0 (finite), got %v", f.regM)
		}
	default:
		entropic, err = ot.ParseMethod(method)
		if err != nil {
			return usageErrorf("--method %q: want one of %s", method, otMethods)
		}
	}
	changed := cmd.Flags().Changed
	if method != "emd" && !changed("reg") {
		return usageErrorf("--method %s needs --reg R, the entropic regularisation (> 0, in the units of the cost; e.g. 1e-2 of its scale)", method)
	}
	if method != "emd" && (!(f.reg > 0) || math.IsInf(f.reg, 0)) {
		return usageErrorf("--reg must be > 0 and finite for --method %s, got %v", method, f.reg)
	}
	if f.regM != 0 && method != "unbalanced" {
		return usageErrorf("--reg-m applies only to --method unbalanced")
	}
	// Flags that would be silently ignored are refused.
	// (--tol is allowed with emd, which stops at an optimal basis, so
	// that one command line can sweep all methods; --reg is refused: it
	// would suggest an entropic problem.)
	if method == "emd" && changed("reg") {
		return usageErrorf("--reg is not used by --method emd (exact, unregularised OT); drop it or choose an entropic method")
	}
	if !points && changed("metric") {
		return usageErrorf("--metric applies to --x/--y point clouds, not to a given --cost")
	}
	if !(f.tol >= 0) || math.IsInf(f.tol, 0) {
		return usageErrorf("--tol must be >= 0 and finite, got %v", f.tol)
	}
	if f.maxIter < 0 {
		return usageErrorf("--maxiter must be >= 0, got %d", f.maxIter)
	}
	if f.warm != "" && method == "emd" {
		return usageErrorf("--warm-start applies to the entropic and unbalanced methods, not emd")
	}
	if f.history != "" && method == "emd" {
		return usageErrorf("--history applies to the entropic and unbalanced methods, not emd")
	}
	// A missing directory or an existing file is found now, not after
	// the solve.
	inputs := []output{{"--x", f.x}, {"--y", f.y}, {"--cost", f.cost}, {"--a", f.a}, {"--b", f.b}, {"--warm-start", f.warm}}
	outputs := []output{{"--plan", f.plan}, {"--potentials", f.potentials}, {"--history", f.history}}
	if err := checkOutputs(inputs, outputs, f.force, map[string]string{"--potentials": "--warm-start"}); err != nil {
		return err
	}
	if err := checkFormats(".npy", output{"--plan", f.plan}, output{"--history", f.history}); err != nil {
		return err
	}
	if err := checkFormats(".npz", output{"--potentials", f.potentials}); err != nil {
		return err
	}

	// Data (errors exit 1).
	var C *mat.Dense
	if points {
		X, err := npy.ReadDense(f.x)
		if err != nil {
			return fmt.Errorf("ot: --x: %w", cliArrayError(err))
		}
		Y, err := npy.ReadDense(f.y)
		if err != nil {
			return fmt.Errorf("ot: --y: %w", cliArrayError(err))
		}
		nx, dx := X.Dims()
		ny, dy := Y.Dims()
		if dx != dy {
			return fmt.Errorf("ot: shape mismatch: --x has %d columns (dimensions) but --y has %d", dx, dy)
		}
		if lim, ok := sysmem.Usable(); ok {
			if err := checkOTMemory(nx, ny, method, true, lim); err != nil {
				return err
			}
		}
		C = ot.CostMatrix(X, Y, metric)
	} else {
		if C, err = npy.ReadDense(f.cost); err != nil {
			return fmt.Errorf("ot: --cost: %w", cliArrayError(err))
		}
	}
	n, m := C.Dims()
	if lim, ok := sysmem.Usable(); ok && !points {
		if err := checkOTMemory(n, m, method, false, lim); err != nil {
			return err
		}
	}
	var a, b []float64
	if f.a != "" {
		if a, err = npy.ReadVector(f.a); err != nil {
			return fmt.Errorf("ot: --a: %w", err)
		}
		if b, err = npy.ReadVector(f.b); err != nil {
			return fmt.Errorf("ot: --b: %w", err)
		}
		if len(a) != n || len(b) != m {
			return fmt.Errorf("ot: shape mismatch: the cost matrix is %d×%d but --a has %d entries and --b has %d", n, m, len(a), len(b))
		}
	}

	var f0, g0 []float64
	if f.warm != "" {
		if f0, g0, err = readPotentials(f.warm, n, m); err != nil {
			return fmt.Errorf("ot: --warm-start: %w", err)
		}
	}

	prog := newProgress(cmd.ErrOrStderr(), f.progress, "ot "+method, f.maxIter)
	defer prog.finish()
	ctx := cmd.Context()
	out := otOutput{Method: method, N: n, M: m, Plan: f.plan, Potentials: f.potentials, WarmStart: f.warm, History: f.history}
	var history *mat.Dense
	start := time.Now()
	var plan *mat.Dense
	var fp, gp []float64
	var solveErr error
	switch method {
	case "emd":
		res, err := ot.EMD(ctx, a, b, C, &ot.EMDOptions{MaxIter: f.maxIter, Progress: func(piv int, cost float64) {
			prog.update(piv, fmt.Sprintf("pivots, cost %.6g", cost))
		}})
		if res == nil {
			return err
		}
		solveErr = err
		plan, fp, gp = res.Plan, res.U, res.V
		out.Cost, out.Iterations, out.MarginalError = jsonNum(res.Cost), res.Iterations, jsonNum(res.MarginalError)
		out.Converged, out.Reason = res.Converged, res.Reason
	default:
		o := &ot.Options{Tol: f.tol, MaxIter: f.maxIter, F0: f0, G0: g0, History: f.history != "", Progress: func(it int, e float64) {
			prog.update(it, fmt.Sprintf("marginal error %.3g", e))
		}}
		var res *ot.Result
		if method == "unbalanced" {
			res, solveErr = ot.SinkhornUnbalanced(ctx, a, b, C, f.reg, f.regM, o)
			out.RegM = jsonNum(f.regM)
		} else {
			res, solveErr = ot.Solve(ctx, entropic, a, b, C, f.reg, o)
		}
		if res == nil {
			return solveErr
		}
		out.Reg = jsonNum(f.reg)
		plan, fp, gp = res.Plan, res.F, res.G
		if k := len(res.History); k > 0 {
			history = mat.NewDense(k, 2, nil)
			for i, v := range res.History {
				history.Set(i, 0, float64(res.HistoryIters[i]))
				history.Set(i, 1, v)
			}
		}
		out.Cost, out.Iterations, out.MarginalError = jsonNum(res.Cost), res.Iterations, jsonNum(res.MarginalError)
		out.Converged, out.Reason = res.Converged, res.Reason
		if method == "sns" {
			out.SinkhornIterations = &res.SinkhornIterations
			out.NewtonIterations = &res.NewtonIterations
			out.CGIterations = &res.CGIterations
		}
	}
	out.Seconds = time.Since(start).Seconds()
	prog.finish()
	if solveErr != nil && !errors.Is(solveErr, ot.ErrNotConverged) {
		return solveErr
	}
	if f.plan != "" {
		if err := npy.WriteDense(f.plan, plan); err != nil {
			return fmt.Errorf("ot: --plan: %w", err)
		}
	}
	if f.potentials != "" {
		if err := writePotentials(f.potentials, fp, gp); err != nil {
			return fmt.Errorf("ot: --potentials: %w", err)
		}
	}
	if f.history != "" {
		if err := writeHistory(f.history, history); err != nil {
			return fmt.Errorf("ot: --history: %w", err)
		}
	}
	if err := out.print(cmd.OutOrStdout(), f.json); err != nil {
		return err
	}
	if solveErr != nil {
		return &exitErr{code: exitNotConverge, err: nil}
	}
	return nil
}

// checkOTMemory refuses an n×m problem whose dense matrices certainly
// cannot fit in lim, the memory the process may use (sysmem.Usable), before they
// are allocated: the plan, the cost matrix when it is still to be formed
// from points (two 10⁵-point clouds make an 80 GB cost matrix), and the
// kernel exp(−C/reg) of the scaling methods. A lower bound: the methods
// hold vectors and, for sns, a sparsified Hessian besides. The sizes come
// from the data (exit status 1).
func checkOTMemory(n, m int, method string, fromPoints bool, lim sysmem.Limit) error {
	mats := 1.0 // the plan
	what := "the plan"
	if fromPoints {
		mats++
		what = "the cost matrix and the plan"
	}
	switch method {
	case "sinkhorn", "stabilized", "eps-scaling", "unbalanced":
		mats++
		what += " and the kernel exp(-C/reg)"
	}
	need := 8 * float64(n) * float64(m) * mats
	if need <= float64(lim.Bytes) {
		return nil
	}
	return fmt.Errorf("ot: a %d×%d problem needs at least %s for %s, more than %s", n, m, sysmem.FormatBytes(need), what, lim)
}

func (o *otOutput) print(w io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(o)
	}
	fmt.Fprintf(w, "method          %s\n", o.Method)
	fmt.Fprintf(w, "size            %d × %d\n", o.N, o.M)
	if o.Reg != 0 {
		fmt.Fprintf(w, "reg             %g\n", float64(o.Reg))
	}
	if o.RegM != 0 {
		fmt.Fprintf(w, "reg_m           %g\n", float64(o.RegM))
	}
	fmt.Fprintf(w, "cost            %.17g\n", float64(o.Cost))
	fmt.Fprintf(w, "iterations      %d", o.Iterations)
	if o.SinkhornIterations != nil {
		fmt.Fprintf(w, " (%d Sinkhorn + %d Newton, %d CG)", *o.SinkhornIterations, *o.NewtonIterations, *o.CGIterations)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "marginal error  %.3g\n", float64(o.MarginalError))
	fmt.Fprintf(w, "converged       %v (%s)\n", o.Converged, o.Reason)
	fmt.Fprintf(w, "seconds         %.3f\n", o.Seconds)
	if o.WarmStart != "" {
		fmt.Fprintf(w, "warm start      %s\n", o.WarmStart)
	}
	if o.Plan != "" {
		fmt.Fprintf(w, "plan            %s\n", o.Plan)
	}
	if o.Potentials != "" {
		fmt.Fprintf(w, "potentials      %s\n", o.Potentials)
	}
	if o.History != "" {
		fmt.Fprintf(w, "history         %s\n", o.History)
	}
	return nil
}

// writeHistory writes the k×2 (iteration, value) history; a run that
// evaluated its stopping rule no time (maxiter 0) gives a 0×2 array.
func writeHistory(path string, h *mat.Dense) error {
	if h == nil {
		return npy.WriteArray(path, npy.Array{Shape: []int{0, 2}})
	}
	return npy.WriteDense(path, h)
}
