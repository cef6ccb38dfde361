package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sequence"
)

// laneConfig is a sequence solved with a recycling solver and, with
// compare, also by independent GMRES(baseM) solves interleaved system by
// system: the comparison that datagen and sequence print.
type laneConfig struct {
	label    string // progress label
	rec      sequence.Solver
	opt      sequence.Options // the recycled lane's options; Solution and Progress are set here
	compare  bool
	baseM    int
	solution func(i int, x []float64) error // receives the recycled lane's solutions; may be nil
	progress bool
	stderr   io.Writer
}

// laneBytes returns a lower bound of the bytes runLanes's solvers hold for
// systems of n unknowns: GCRO-DR(m, k)'s vectors (krylov.GCRODRBytes; k = 0:
// no recycled space) and, with compare, GMRES(m)'s (krylov.GMRESBytes) and
// the solution kept for the comparison of the two lanes.
func laneBytes(n, m, k int, compare bool) float64 {
	if k == 0 {
		k = -1 // krylov: no recycling
	}
	b := krylov.GCRODRBytes(n, &krylov.GCRODROptions{M: m, K: k})
	if compare {
		b += krylov.GMRESBytes(n, m, false) + 8*float64(n)
	}
	return b
}

// laneResult is what runLanes measured.
type laneResult struct {
	stats   [][]sequence.Stat // [0] recycled, [1] baseline (with compare), in solve order
	rec     sequence.Summary
	base    *sequence.Summary // nil without compare
	maxDiff float64           // max ‖x_rec − x_base‖/‖x_base‖ over the systems (compare only)
	orthog  krylov.Orthog     // both lanes' Gram–Schmidt (from the recycled lane's options)
}

// runLanes solves the systems of src in the given order. The baseline lane
// has the recycled lane's Krylov options with Restart = baseM, the same
// preconditioner (kept for a matrix identical to the previous one, as the
// recycled lane keeps it), and no warm start or projection: each of its
// solves is independent. A progress line on stderr shows the mean
// iterations of both lanes as systems finish.
func runLanes(ctx context.Context, src sequence.Source, order []int, c laneConfig) (laneResult, error) {
	// Solutions of the two lanes, compared when both are in.
	pending := map[int][]float64{}
	maxDiff := 0.0
	compareSolutions := func(i int, x []float64) {
		if y, ok := pending[i]; ok {
			delete(pending, i)
			maxDiff = math.Max(maxDiff, relDiff(x, y))
			return
		}
		pending[i] = slices.Clone(x)
	}
	bar := newProgress(c.stderr, c.progress, c.label, len(order))
	var recDone, baseDone, recIts, baseIts int
	ropt := c.opt
	ropt.Solution = func(i int, x []float64) error {
		if c.solution != nil {
			if err := c.solution(i, x); err != nil {
				return err
			}
		}
		if c.compare {
			compareSolutions(i, x)
		}
		return nil
	}
	ropt.Progress = func(done, total int) {
		detail := ""
		if recDone > 0 {
			detail = fmt.Sprintf("its/system %.0f", float64(recIts)/float64(recDone))
			if baseDone > 0 {
				detail += fmt.Sprintf(" (GMRES %.0f)", float64(baseIts)/float64(baseDone))
			}
		}
		bar.update(done, detail)
	}
	// Count iterations for the progress line as systems finish.
	lanes := []sequence.Lane{{Solver: countingSolver{c.rec, &recDone, &recIts}, Options: &ropt}}
	if c.compare {
		bopt := c.opt.Krylov
		bopt.Restart = c.baseM
		lanes = append(lanes, sequence.Lane{
			Solver: countingSolver{sequence.SolverFunc(krylov.GMRES), &baseDone, &baseIts},
			Options: &sequence.Options{
				Krylov: bopt, Precond: c.opt.Precond, PrecondOptions: c.opt.PrecondOptions,
				// A matrix identical to the previous one keeps its
				// preconditioner, as in the recycled lane: the comparison
				// is then recycling against GMRES, not against rebuilding
				// the preconditioner (a few per cent of the Poisson and
				// thermal sequences, whose matrix never changes).
				ReuseIdentical: true,
				Solution:       func(i int, x []float64) error { compareSolutions(i, x); return nil },
			},
		})
	}
	stats, err := sequence.RunLanes(ctx, src, order, lanes)
	bar.finish()
	if err != nil {
		return laneResult{}, err
	}
	r := laneResult{stats: stats, rec: sequence.Summarize(stats[0]), orthog: c.opt.Krylov.Orthog}
	if c.compare {
		bs := sequence.Summarize(stats[1])
		r.base, r.maxDiff = &bs, maxDiff
	}
	return r, nil
}

// laneReport is the JSON form of a laneResult, shared by datagen's and
// sequence's --json output. "iterations" are mean products with A per
// system (Arnoldi steps plus rebuilds of C = A·M·U and residual checks),
// "ksp_iterations" mean Arnoldi steps; the baseline fields are null
// without a baseline lane. "orthog" is both lanes' Gram–Schmidt (auto,
// once or twice; see krylov.Orthog).
type laneReport struct {
	Solver          string   `json:"solver"`
	Orthog          string   `json:"orthog"`
	Baseline        *string  `json:"baseline"`
	BaseIterations  *jsonNum `json:"baseline_iterations"`
	RecIterations   jsonNum  `json:"recycled_iterations"`
	BaseKSP         *jsonNum `json:"baseline_ksp_iterations"`
	RecKSP          jsonNum  `json:"recycled_ksp_iterations"`
	BaseSeconds     *jsonNum `json:"baseline_seconds"`
	RecSeconds      jsonNum  `json:"recycled_seconds"`
	SpeedupTime     *jsonNum `json:"speedup_time"`
	SpeedupIter     *jsonNum `json:"speedup_iterations"`
	SpeedupKSP      *jsonNum `json:"speedup_ksp_iterations"`
	BaseSetup       *jsonNum `json:"baseline_setup_seconds"`
	RecSetup        jsonNum  `json:"recycled_setup_seconds"`
	AssembleSeconds jsonNum  `json:"assemble_seconds"`
	RecMaxRelres    jsonNum  `json:"recycled_max_relres"`
	BaseMaxRelres   *jsonNum `json:"baseline_max_relres"`
	RecNotConv      int      `json:"recycled_not_converged"`
	RecResets       int      `json:"recycled_resets"`
	BaseNotConv     *int     `json:"baseline_not_converged"`
	MaxSolutionDiff *jsonNum `json:"max_solution_difference"`
}

// report returns r's JSON form; baseName is ignored without a baseline.
func (r laneResult) report(recName, baseName string) laneReport {
	rs := r.rec
	rep := laneReport{
		Solver: recName, Orthog: r.orthog.String(),
		RecIterations: jsonNum(rs.MeanMatVecs), RecKSP: jsonNum(rs.MeanIterations), RecSeconds: jsonNum(rs.MeanSeconds),
		RecSetup: jsonNum(rs.MeanSetupSeconds), AssembleSeconds: jsonNum(rs.MeanAssembleSeconds),
		RecMaxRelres: jsonNum(rs.MaxRelResidual), RecNotConv: rs.NotConverged, RecResets: rs.Resets,
	}
	if bs := r.base; bs != nil {
		rep.Baseline = &baseName
		rep.BaseIterations, rep.BaseKSP, rep.BaseSeconds = numPtr(bs.MeanMatVecs), numPtr(bs.MeanIterations), numPtr(bs.MeanSeconds)
		rep.BaseSetup, rep.BaseMaxRelres = numPtr(bs.MeanSetupSeconds), numPtr(bs.MaxRelResidual)
		rep.SpeedupTime = numPtr(bs.MeanSeconds / rs.MeanSeconds)
		rep.SpeedupIter = numPtr(bs.MeanMatVecs / rs.MeanMatVecs)
		rep.SpeedupKSP = numPtr(bs.MeanIterations / rs.MeanIterations)
		nc := bs.NotConverged
		rep.BaseNotConv = &nc
		rep.MaxSolutionDiff = numPtr(r.maxDiff)
	}
	return rep
}

// printLanes prints the per-system means of the recycled lane, beside the
// baseline's with the speedups when there is one, and a line when the
// recycling solver discarded its space after a stagnation.
func printLanes(w io.Writer, recName, baseName string, r laneResult) {
	rs := r.rec
	if r.orthog != krylov.OrthogAuto {
		fmt.Fprintf(w, "classical Gram–Schmidt %s per Arnoldi step (--orthog)\n", r.orthog)
	}
	if rs.Resets > 0 {
		defer fmt.Fprintf(w, "%s stagnated (under 1%% progress in 10 cycles) and discarded its recycled space, then went on cold: %d in all\n", recName, rs.Resets)
	}
	if bs := r.base; bs != nil {
		fmt.Fprintf(w, "%-26s %14s %16s %9s\n", "per system (mean)", baseName, recName, "speedup")
		fmt.Fprintf(w, "%-26s %14.1f %16.1f %9s\n", "products with A", bs.MeanMatVecs, rs.MeanMatVecs, ratio(bs.MeanMatVecs, rs.MeanMatVecs))
		fmt.Fprintf(w, "%-26s %14.1f %16.1f %9s\n", "iterations (Arnoldi steps)", bs.MeanIterations, rs.MeanIterations, ratio(bs.MeanIterations, rs.MeanIterations))
		fmt.Fprintf(w, "%-26s %14.4g %16.4g %9s\n", "seconds (setup + solve)", bs.MeanSeconds, rs.MeanSeconds, ratio(bs.MeanSeconds, rs.MeanSeconds))
		fmt.Fprintf(w, "%-26s %14.2g %16.2g\n", "max relative residual", bs.MaxRelResidual, rs.MaxRelResidual)
		if bs.NotConverged > 0 || rs.NotConverged > 0 {
			fmt.Fprintf(w, "%-26s %14d %16d\n", "not converged", bs.NotConverged, rs.NotConverged)
		}
		if bs.NotConverged > 0 || rs.NotConverged > 0 {
			fmt.Fprintf(w, "solutions differ by up to %.2g (max relative difference, unconverged solves included)\n", r.maxDiff)
		} else {
			fmt.Fprintf(w, "solutions agree to %.2g (max relative difference)\n", r.maxDiff)
		}
		return
	}
	fmt.Fprintf(w, "%s: %.1f products with A, %.1f iterations, %.4g s per system, max relative residual %.2g\n",
		recName, rs.MeanMatVecs, rs.MeanIterations, rs.MeanSeconds, rs.MaxRelResidual)
	if rs.NotConverged > 0 {
		fmt.Fprintf(w, "not converged: %d\n", rs.NotConverged)
	}
}

// ratio formats the speedup a/b as "4.54x", or "-" when it is not a
// number (no products at all, as for 0×0 systems).
func ratio(a, b float64) string {
	r := a / b
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", r)
}

// countingSolver counts finished systems and their iterations for the
// progress line. It passes on the optional methods the driver uses
// (Stats, Reset, OperatorChanged) but not GCRODR's Dims: the driver would
// take a wrapped GMRES for a solver built for n = 0, and the callers fix
// n before the run (every file is read with the first's size; a family
// has one).
type countingSolver struct {
	s          sequence.Solver
	done, iter *int
}

// Stats forwards to the wrapped solver's Stats (GCRODR), so that the
// driver records its stagnation resets (Stat.Resets); zero for others.
func (c countingSolver) Stats() krylov.GCRODRStats {
	if g, ok := c.s.(interface{ Stats() krylov.GCRODRStats }); ok {
		return g.Stats()
	}
	return krylov.GCRODRStats{}
}

func (c countingSolver) Solve(ctx context.Context, A linop.Operator, b, x []float64, o *krylov.Options) (krylov.Result, error) {
	res, err := c.s.Solve(ctx, A, b, x, o)
	*c.done++
	*c.iter += res.Iterations
	return res, err
}

// Reset forwards to the wrapped solver's Reset (GCRODR), so that the
// driver can drop a damaged recycled space.
func (c countingSolver) Reset() {
	if r, ok := c.s.(interface{ Reset() }); ok {
		r.Reset()
	}
}

// OperatorChanged forwards to the wrapped solver's OperatorChanged
// (GCRODR), so that the driver can tell it when a Source rewrote the
// previous matrix in place; without it GCRO-DR would keep C = A·M·U of
// the old values.
func (c countingSolver) OperatorChanged() {
	if oc, ok := c.s.(interface{ OperatorChanged() }); ok {
		oc.OperatorChanged()
	}
}

// relDiff returns ‖x − y‖/‖y‖ (‖x − y‖ when y = 0).
func relDiff(x, y []float64) float64 {
	var d, s float64
	for i := range x {
		d += (x[i] - y[i]) * (x[i] - y[i])
		s += y[i] * y[i]
	}
	if s == 0 {
		return math.Sqrt(d)
	}
	return math.Sqrt(d / s)
}
