package sequence

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/subspace-lab/subspace/internal/nilcheck"
	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// Solver solves one linear system A x = b; x holds the initial guess on
// entry and the solution on return. *krylov.GCRODR implements it (and
// keeps its recycled subspace between calls); SolverFunc adapts the
// stateless solvers such as krylov.GMRES.
type Solver interface {
	// Solve solves A x = b from the guess in x with the options o.
	Solve(ctx context.Context, A linop.Operator, b, x []float64, o *krylov.Options) (krylov.Result, error)
}

// SolverFunc adapts a function with krylov.GMRES's signature to Solver.
type SolverFunc func(ctx context.Context, A linop.Operator, b, x []float64, o *krylov.Options) (krylov.Result, error)

// Solve calls f.
func (f SolverFunc) Solve(ctx context.Context, A linop.Operator, b, x []float64, o *krylov.Options) (krylov.Result, error) {
	return f(ctx, A, b, x, o)
}

// Source provides the systems of a sequence by index. System may be called
// concurrently from several goroutines when Options.Prefetch > 0.
//
// With Prefetch 0, System may return the previous matrix again with its
// values rewritten in place (pde's Reassembler refills one A per system).
// Run then compares the values with a copy it kept of the previous
// system's (8 bytes per entry per lane, kept only when the solver has an
// OperatorChanged method or ReuseIdentical or Projection is set), not the
// object with itself, and calls OperatorChanged on a solver that has it
// when they differ (krylov.GCRODR recognises an unchanged operator by
// identity and would otherwise keep C = A·M·U of the old values).
type Source interface {
	// Len is the number of systems.
	Len() int
	// System assembles system i, 0 ≤ i < Len().
	System(i int) (A *sparse.CSR, b []float64, err error)
}

// Options configures Run. The zero value and a nil pointer mean: the
// krylov defaults, no preconditioner, zero initial guesses, systems
// assembled one at a time just before they are solved.
type Options struct {
	// Krylov is passed to the solver for every system (RTol, ATol,
	// MaxIter, Restart, ...). Its Precond field is ignored: Run sets it
	// from Precond or NewPrecond.
	Krylov krylov.Options
	// Precond names the preconditioner built from each system's matrix
	// with precond.New ("" means "none"); building it is part of the
	// system's timed solve.
	Precond string
	// PrecondOptions are passed to precond.New.
	PrecondOptions *precond.Options
	// NewPrecond, if not nil, builds each system's preconditioner instead
	// of precond.New (Precond and PrecondOptions are then ignored): a
	// preconditioner the precond package does not offer, or one with
	// options New does not expose. A nil Operator means none; an error
	// stops the run as a precond.New error does, and so does an operator
	// whose size is not the matrix's. Timed as Precond is.
	NewPrecond func(A *sparse.CSR) (linop.Operator, error)
	// WarmStart starts each solve from the previous system's solution (in
	// solve order) instead of zero; from zero after a solve that left NaN
	// or Inf in its solution.
	WarmStart bool
	// ReuseIdentical passes the previous matrix and preconditioner again
	// when a system's matrix is bitwise identical to the previous one
	// (only b changed), so no preconditioner is rebuilt and a recycling
	// solver keeps C = A·M·U. The comparison, with a copy of the previous
	// matrix's values that Run keeps (see Source), costs O(nnz) and is
	// not timed.
	ReuseIdentical bool
	// Projection > 0 keeps up to that many solutions of consecutive
	// systems whose matrices are identical and starts each such solve from
	// their minimal-residual combination (Fischer's projection for
	// successive right-hand sides): when b depends linearly on a few
	// parameters, as in the Poisson and thermal families, later systems
	// then need few or no iterations. A solution is stored when the next
	// system turns out to have the same matrix; that product with A and the
	// guess are part of the next system's timed solve and counted in its
	// MatVecs. With the store full, a solution that only refines what it
	// captures (a new direction below max(1e-3, 10·RTol) of its image) is
	// not stored; a larger one restarts the store from that solution
	// (Fischer's rule, for right-hand sides that drift). The stored
	// solutions are dropped when the matrix changes, so sequences of
	// different matrices pay nothing. It overrides WarmStart for those
	// systems.
	Projection int
	// Prefetch is the number of systems assembled ahead, concurrently, by
	// background goroutines; 0 assembles each system in Run's goroutine.
	// (RunLanes uses lane 0's.) Prefetch or Projection below 0 is an
	// error.
	Prefetch int
	// Solution, if not nil, receives the solution of system i after it is
	// solved (x is reused afterwards: copy it). An error aborts the run
	// and is returned wrapped with the system's index.
	Solution func(i int, x []float64) error
	// Progress, if not nil, is called after each system with the number
	// solved so far and the total. (RunLanes uses lane 0's.)
	Progress func(done, total int)
	// Name, if not nil, names system i (its index in the Source) in the
	// errors Run returns, in place of "system i": the sequence verb of
	// cmd/subspace passes the system's file. (RunLanes uses lane 0's.)
	Name func(i int) string
}

// Stat is what Run measured for one system.
type Stat struct {
	// System is the index of the system in the Source.
	System int
	// Iterations and MatVecs are the solver's counts (krylov.Result).
	Iterations, MatVecs int
	// Seconds is the wall time of building the preconditioner plus the
	// solve; SetupSeconds is the preconditioner part of it.
	Seconds, SetupSeconds float64
	// CPUSeconds is the CPU time (user + system) the whole process used
	// during the preconditioner setup and solve: on a shared, loaded
	// machine it measures the work done where wall time also counts
	// waiting. It includes other goroutines of the process (for example
	// Prefetch assembly) and is NaN where the system does not report it.
	CPUSeconds float64
	// AssembleSeconds is the wall time of assembling A and b (not part
	// of Seconds).
	AssembleSeconds float64
	// RelResidual is ‖b − A x‖/‖b‖ of the returned solution, recomputed
	// by Run (not taken from the solver).
	RelResidual float64
	// Converged reports RelResidual ≤ the solver's tolerance as the
	// solver judged it (krylov.Result.Converged).
	Converged bool
	// Resets is the number of times a GCRO-DR solver discarded its
	// recycled space during this solve because the residual stagnated or
	// the space made the projected system singular (a breakdown)
	// (krylov.GCRODRStats.Resets; 0 for other solvers).
	Resets int
	// Reused reports that the matrix was identical to the previous one and
	// its preconditioner was reused (Options.ReuseIdentical).
	Reused bool
	// Err is the solver's error text for a system that did not converge
	// ("" otherwise).
	Err string
	// Failure is the solver's error itself (nil if it returned none), for
	// errors.Is(st.Failure, krylov.ErrBreakdown) and the like instead of
	// matching Err's text.
	Failure error
}

// Run solves the systems of src in the given order with s and returns one
// Stat per system, in solve order. A system that does not converge, breaks
// down or produces NaN is recorded (Converged false, Err set) and the run
// goes on; if s has a Reset method (krylov.GCRODR) it is called after such
// a failure (other than non-convergence) so that a damaged recycled space
// is not carried over. Run stops and returns the Stats so far with an
// error when assembly or preconditioner construction fails, when the
// source returns a system the solver cannot take (no matrix, a matrix that
// is not square, b of the wrong length, a size other than a krylov.GCRODR
// solver's n), when Solution returns an error, or when ctx is cancelled
// (a nil ctx means context.Background()), or when Prefetch or
// Projection is negative. It panics if src or s is nil (or holds a nil
// pointer) or order holds an index outside [0, src.Len()).
func Run(ctx context.Context, src Source, order []int, s Solver, o *Options) ([]Stat, error) {
	if nilcheck.IsNil(src) {
		panic("sequence: Run: nil Source")
	}
	if nilcheck.IsNil(s) {
		panic("sequence: Run: nil Solver")
	}
	stats, err := RunLanes(ctx, src, order, []Lane{{Solver: s, Options: o}})
	return stats[0], err
}

// Lane is one solver and its options in RunLanes.
type Lane struct {
	// Solver solves the lane's systems; it must not be nil.
	Solver Solver
	// Options configures the lane as Run's options do; nil means the
	// defaults.
	Options *Options
}

// RunLanes solves every system of the sequence with each lane's solver:
// each system is assembled once and solved by the lanes in turn, lane 0
// first at even positions and last at odd ones, so that the lanes share
// the machine's state (caches, load) and their timings compare fairly.
// Each lane has its own preconditioners, warm starts and solutions as Run
// describes; Prefetch and Progress are taken from lane 0's options. It
// returns one []Stat per lane, with the errors Run returns (for any
// lane), and panics if src or a lane's Solver is nil or order holds an
// index outside [0, src.Len()).
func RunLanes(ctx context.Context, src Source, order []int, lanes []Lane) ([][]Stat, error) {
	if nilcheck.IsNil(src) {
		panic("sequence: RunLanes: nil Source")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	N := src.Len()
	for _, i := range order {
		if i < 0 || i >= N {
			panic(fmt.Sprintf("sequence: order holds %d, outside [0, %d)", i, N))
		}
	}
	states := make([]*lane, len(lanes))
	for k, l := range lanes {
		if nilcheck.IsNil(l.Solver) {
			panic(fmt.Sprintf("sequence: RunLanes: lane %d has no Solver", k))
		}
		st := &lane{s: l.Solver, stats: make([]Stat, 0, len(order))}
		if l.Options != nil {
			st.opt = *l.Options
		}
		if st.opt.Precond == "" {
			st.opt.Precond = "none"
		}
		if st.opt.Prefetch < 0 || st.opt.Projection < 0 {
			return make([][]Stat, len(lanes)), fmt.Errorf("sequence: lane %d: Options.Prefetch = %d and Projection = %d must be ≥ 0", k, st.opt.Prefetch, st.opt.Projection)
		}
		states[k] = st
	}
	if len(states) > 0 {
		for _, st := range states[1:] {
			st.opt.Name = states[0].opt.Name
		}
	}
	out := func() [][]Stat {
		r := make([][]Stat, len(states))
		for k, st := range states {
			r[k] = st.stats
		}
		return r
	}
	if len(states) == 0 {
		return out(), nil
	}
	lead := states[0].opt
	pipe := newPipeline(ctx, src, order, lead.Prefetch)
	defer pipe.close()
	for t, i := range order {
		if err := ctx.Err(); err != nil {
			return out(), fmt.Errorf("sequence: cancelled before %s (%d of %d): %w", lead.name(i), t+1, len(order), err)
		}
		A, b, asec, err := pipe.get(t)
		if err != nil {
			return out(), fmt.Errorf("sequence: assembling %s: %w", lead.name(i), err)
		}
		if err := checkSystem(lead.name(i), A, b, states); err != nil {
			return out(), err
		}
		for q := range states {
			k := q
			if t%2 == 1 {
				k = len(states) - 1 - q
			}
			if err := states[k].solve(ctx, i, A, b, asec); err != nil {
				return out(), err
			}
		}
		if lead.Progress != nil {
			lead.Progress(t+1, len(order))
		}
	}
	return out(), nil
}

// lane is the running state of one solver in RunLanes.
type lane struct {
	s      Solver
	opt    Options
	stats  []Stat
	prevA  *sparse.CSR
	prevV  []float64 // prevA's values when it was solved (a Source may rewrite them)
	prevM  linop.Operator
	x, r   []float64
	havePr bool
	proj   *projection
	pend   []float64 // last solution, stored in proj if the next matrix is the same
	isPend bool
}

// solve solves system i (A, b) and records its Stat.
func (l *lane) solve(ctx context.Context, i int, A *sparse.CSR, b []float64, asec float64) error {
	n, _ := A.Dims()
	if len(l.x) != n {
		l.x, l.r = make([]float64, n), make([]float64, n)
		l.havePr = false
	}
	st := Stat{System: i, AssembleSeconds: asec}
	_, _, val := A.Raw()
	oc, hasOC := l.s.(interface{ OperatorChanged() })
	if A == l.prevA && hasOC && !slices.Equal(l.prevV, val) {
		// The previous matrix rewritten in place: a solver that keeps
		// data of the operator it last saw must not take it for the same.
		oc.OperatorChanged()
	}
	same := (l.opt.ReuseIdentical || l.opt.Projection > 0) && l.prevA != nil && sameMatrix(l.prevA, l.prevV, A)
	if l.opt.ReuseIdentical && same {
		A = l.prevA
		st.Reused = true
	}
	if l.opt.Projection > 0 {
		if l.proj == nil {
			rtol := l.opt.Krylov.RTol
			if rtol == 0 {
				rtol = krylov.DefaultRTol
			}
			l.proj = newProjection(l.opt.Projection, rtol)
		}
		if !same {
			l.proj.reset()
			l.isPend = false
		}
	}
	if !l.opt.WarmStart || !l.havePr {
		clear(l.x)
	}
	c0 := processCPU()
	t0 := time.Now()
	t1 := t0
	var M linop.Operator
	if st.Reused {
		M = l.prevM
	} else {
		var err error
		name := l.opt.Precond
		if l.opt.NewPrecond != nil {
			name = "Options.NewPrecond"
			M, err = l.opt.NewPrecond(A)
			if r, c := A.Dims(); err == nil && M != nil {
				// A user's function: a wrong size is an error here,
				// not a panic inside the solver.
				if mr, mc := M.Dims(); mr != r || mc != c {
					err = fmt.Errorf("returned a %d×%d operator for a %d×%d matrix", mr, mc, r, c)
				}
			}
		} else {
			M, err = precond.New(l.opt.Precond, A, l.opt.PrecondOptions)
		}
		if err != nil {
			return fmt.Errorf("sequence: preconditioner %s for %s: %w", name, l.opt.name(i), err)
		}
		t1 = time.Now()
	}
	ko := l.opt.Krylov
	ko.Precond = M
	projMV := 0
	if l.proj != nil {
		if l.isPend {
			projMV = l.proj.add(A, l.pend)
			l.isPend = false
		}
		if !l.proj.empty() {
			l.proj.guess(l.x, b)
		}
	}
	res, serr := l.s.Solve(ctx, A, b, l.x, &ko)
	res.MatVecs += projMV
	if l.proj != nil && serr == nil {
		if len(l.pend) != n {
			l.pend = make([]float64, n)
		}
		copy(l.pend, l.x)
		l.isPend = true
	}
	t2 := time.Now()
	st.CPUSeconds = processCPU() - c0
	if serr != nil && ctx.Err() != nil {
		return fmt.Errorf("sequence: %s: %w", l.opt.name(i), serr)
	}
	st.SetupSeconds = t1.Sub(t0).Seconds()
	st.Seconds = t2.Sub(t0).Seconds()
	st.Iterations, st.MatVecs, st.Converged = res.Iterations, res.MatVecs, res.Converged && serr == nil
	if g, ok := l.s.(interface{ Stats() krylov.GCRODRStats }); ok {
		st.Resets = g.Stats().Resets
	}
	st.RelResidual = relResidual(A, b, l.x, l.r)
	if serr != nil {
		st.Err, st.Failure = serr.Error(), serr
		if rs, ok := l.s.(interface{ Reset() }); ok && !errors.Is(serr, krylov.ErrNotConverged) {
			rs.Reset()
		}
	}
	l.stats = append(l.stats, st)
	// A failed solve can leave NaN or Inf in x (krylov.ErrNaN): do not
	// warm-start the next system from it, or every later solve fails too.
	_, bad := vec.HasNaNInf(l.x)
	l.havePr = !bad
	l.prevA, l.prevM = A, M
	if hasOC || l.opt.ReuseIdentical || l.opt.Projection > 0 {
		// Only these look at the previous values.
		l.prevV = append(l.prevV[:0], val...)
	}
	if l.opt.Solution != nil {
		if err := l.opt.Solution(i, l.x); err != nil {
			return fmt.Errorf("sequence: %s: Options.Solution: %w", l.opt.name(i), err)
		}
	}
	return nil
}

var nan = math.NaN()

// relResidual returns ‖b − A x‖/‖b‖ (‖b − A x‖ when b = 0), using r as
// scratch.
func relResidual(A *sparse.CSR, b, x, r []float64) float64 {
	A.MulVecTo(r, x)
	vec.AddScaled(r, b, -1, r)
	rn := vec.Norm(r)
	if bn := vec.Norm(b); bn > 0 {
		return rn / bn
	}
	return rn
}

// sameMatrix reports whether B has A's dimensions and pattern and the
// values va (A's values when it was solved: A itself may have been
// rewritten in place since, and may be B), compared bitwise; NaN never
// matches.
func sameMatrix(A *sparse.CSR, va []float64, B *sparse.CSR) bool {
	ra, ca := A.Dims()
	rb, cb := B.Dims()
	if ra != rb || ca != cb {
		return false
	}
	pa, ia, _ := A.Raw()
	pb, ib, vb := B.Raw()
	return slices.Equal(pa, pb) && slices.Equal(ia, ib) && slices.Equal(va, vb)
}

// Summary aggregates Stats. Means are over all Count systems, converged
// or not; MaxRelResidual is NaN if any RelResidual is. TotalMVs is the
// sum of Stat.MatVecs (MeanMatVecs·Count).
type Summary struct {
	// Count is the number of systems, len(stats).
	Count int
	// MeanIterations and MeanMatVecs are the means of Stat.Iterations
	// and Stat.MatVecs.
	MeanIterations float64
	MeanMatVecs    float64
	// MeanSeconds is the mean of Stat.Seconds (preconditioner setup +
	// solve).
	MeanSeconds float64
	// MeanCPUSeconds is the mean of Stat.CPUSeconds (process CPU time of
	// setup + solve); NaN where CPU time is not reported.
	MeanCPUSeconds float64
	// MeanSetupSeconds and MeanAssembleSeconds are the means of
	// Stat.SetupSeconds and Stat.AssembleSeconds.
	MeanSetupSeconds    float64
	MeanAssembleSeconds float64
	// TotalSeconds is the sum of Stat.Seconds (assembly not included).
	TotalSeconds float64
	// MaxRelResidual is the largest Stat.RelResidual (NaN if any is).
	MaxRelResidual float64
	// NotConverged counts the systems with Stat.Converged false.
	NotConverged int
	// TotalIterations and TotalMVs are the sums of Stat.Iterations and
	// Stat.MatVecs.
	TotalIterations, TotalMVs int
	// Resets totals Stat.Resets: stagnations (and breakdowns) that made a
	// GCRO-DR solver discard its recycled space.
	Resets int
}

// Summarize returns means and totals over stats.
func Summarize(stats []Stat) Summary {
	s := Summary{Count: len(stats)}
	for _, st := range stats {
		s.TotalIterations += st.Iterations
		s.TotalMVs += st.MatVecs
		s.TotalSeconds += st.Seconds
		s.MeanCPUSeconds += st.CPUSeconds
		s.MeanSetupSeconds += st.SetupSeconds
		s.MeanAssembleSeconds += st.AssembleSeconds
		if st.RelResidual > s.MaxRelResidual || math.IsNaN(st.RelResidual) {
			s.MaxRelResidual = st.RelResidual
		}
		if !st.Converged {
			s.NotConverged++
		}
		s.Resets += st.Resets
	}
	if n := float64(len(stats)); n > 0 {
		s.MeanIterations = float64(s.TotalIterations) / n
		s.MeanMatVecs = float64(s.TotalMVs) / n
		s.MeanSeconds = s.TotalSeconds / n
		s.MeanSetupSeconds /= n
		s.MeanCPUSeconds /= n
		s.MeanAssembleSeconds /= n
	}
	return s
}

// name returns Name(i), or "system i" without a Name.
func (o *Options) name(i int) string {
	if o.Name != nil {
		return o.Name(i)
	}
	return fmt.Sprintf("system %d", i)
}

// checkSystem returns an error for a system (called name) the solvers
// cannot take, as a Source's data are not the caller's code: a nil matrix, a matrix that
// is not square, a right-hand side of the wrong length, or a size other
// than that of a lane's solver built for a fixed n (krylov.GCRODR).
func checkSystem(name string, A *sparse.CSR, b []float64, states []*lane) error {
	if A == nil {
		return fmt.Errorf("sequence: %s: the source returned no matrix", name)
	}
	r, c := A.Dims()
	if r != c {
		return fmt.Errorf("sequence: %s: matrix is %d×%d, want a square matrix", name, r, c)
	}
	if len(b) != r {
		return fmt.Errorf("sequence: %s: right-hand side has length %d, want %d", name, len(b), r)
	}
	for _, st := range states {
		if g, ok := st.s.(interface{ Dims() (n, m, k int) }); ok {
			if n, _, _ := g.Dims(); n != r {
				return fmt.Errorf("sequence: %s has %d unknowns, but the recycling solver was built for n = %d", name, r, n)
			}
		}
	}
	return nil
}
