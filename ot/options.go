package ot

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Default values used when an Options field is zero.
const (
	// DefaultTol is the stopping threshold on the marginal violation
	// (POT's stopThr).
	DefaultTol = 1e-9
	// DefaultMaxIter is the iteration limit of the Sinkhorn methods
	// (POT's numItermax for ot.sinkhorn).
	DefaultMaxIter = 1000
	// DefaultCheckEvery: the marginal violation is computed every
	// DefaultCheckEvery iterations, as POT does.
	DefaultCheckEvery = 10
	// DefaultTau is the absorption threshold of the stabilised method
	// (POT's tau).
	DefaultTau = 1e3
	// DefaultEpsInnerMaxIter bounds the Sinkhorn iterations spent at each
	// intermediate regularisation of ε-scaling (POT's numInnerItermax).
	DefaultEpsInnerMaxIter = 100
	// DefaultN1 is the number of Sinkhorn iterations before SNS switches
	// to Newton steps (the paper's N1).
	DefaultN1 = 20
	// DefaultMassTol is the relative tolerance on |Σa − Σb| / max(Σa, Σb).
	DefaultMassTol = 1e-6
	// DefaultUnbalancedTol is the stopping threshold of the unbalanced
	// method (POT's stopThr for sinkhorn_unbalanced).
	DefaultUnbalancedTol = 1e-6
)

// Options controls the entropic solvers. The zero value, and a nil
// *Options, mean the documented defaults. Fields that a method does not use
// are ignored by it. Invalid values (a negative or non-finite Tol,
// MassTol, Tau, Eps0, Lambda or CGTol, a negative iteration count,
// Lambda > 1, 0 < Tau ≤ 1, only one of F0 and G0) make every entropic
// solver return an ErrInput error before it starts, whether or not it
// uses the field.
type Options struct {
	// Tol is the stopping threshold on the marginal violation (see the
	// package doc for the exact rule of each method); 0 means DefaultTol
	// (DefaultUnbalancedTol for the unbalanced method). Negative is an
	// error. For the balanced methods it is absolute, in units of mass
	// (as POT's stopThr): scale it with Σa (e.g. 1e-9·Σa). At Σa = 1e-12
	// the default is met after one iteration by a plan 2% from the
	// optimum; at Σa = 1e9 rounding keeps the violation above it.
	Tol float64
	// MaxIter bounds the iterations: Sinkhorn iterations for the Sinkhorn
	// methods (all inner iterations for ε-scaling), Sinkhorn plus Newton
	// iterations for SNS. 0 means DefaultMaxIter.
	MaxIter int
	// CheckEvery is how often (in iterations) the Sinkhorn methods
	// evaluate the stopping rule; 0 means DefaultCheckEvery. A cancelled
	// context is noticed after the next iteration whatever CheckEvery is.
	CheckEvery int
	// F0 and G0, when both are non-nil, are starting dual potentials in
	// cost units (warm start), for example Result.F and Result.G of an
	// earlier solve with a nearby reg or cost. Their lengths must be n and
	// m, and giving only one of them is an error (ErrInput). Infinite
	// entries are allowed only for zero-mass bins; the entries of
	// zero-mass bins are not used (any value, NaN included, is ignored).
	F0, G0 []float64
	// Progress, when not nil, is called each time the stopping rule is
	// evaluated, with the iteration count and the marginal violation
	// (ε-scaling also calls it with NaN at the end of each intermediate
	// stage).
	Progress func(iter int, marginalErr float64)
	// History, when true, records every evaluation of the stopping rule
	// in Result.History and Result.HistoryIters (POT's log["err"]): the
	// marginal violation for the Sinkhorn methods (only the final stage
	// of ε-scaling), ‖P1 − a‖ + ‖Pᵀ1 − b‖ at each Newton step of SNS (its
	// first N1 Sinkhorn steps included), the relative change of the
	// scalings for the unbalanced method.
	History bool

	// MassTol is the relative tolerance allowed between Σa and Σb for the
	// balanced methods; 0 means DefaultMassTol. Within it, b is rescaled
	// to Σa (as POT's emd does) so that the problem is feasible.
	MassTol float64

	// Tau is the absorption threshold of the stabilised method and of the
	// ε-scaling stages; 0 means DefaultTau. It must exceed 1.
	Tau float64
	// Eps0 is the first regularisation of ε-scaling; 0 means max|C_ij|
	// over the bins of positive mass (the cost scale; max C − min C when
	// the cost is solved shifted, see the package doc), at least reg.
	Eps0 float64
	// EpsInnerMaxIter bounds the iterations of each intermediate ε-scaling
	// stage; 0 means DefaultEpsInnerMaxIter.
	EpsInnerMaxIter int

	// N1 is the number of log-domain Sinkhorn iterations SNS runs before
	// its Newton stage; 0 means DefaultN1.
	N1 int
	// Lambda is the SNS target sparsity: the Newton system keeps the
	// ⌈Lambda·n·m⌉ largest entries of the plan (and every entry tied
	// with the smallest of them). 0 means 1/n + 1/m
	// (= 2/n for square problems, the paper's choice); otherwise it must
	// be in (0, 1].
	Lambda float64
	// CGTol is the relative residual at which the CG solve of each
	// Newton system stops; 0 means 1e-10.
	CGTol float64
	// CGMaxIter bounds the CG iterations of each Newton system; 0 means
	// 2(n+m).
	CGMaxIter int
}

// Result reports the outcome of an entropic solve.
type Result struct {
	// Plan is the n×m transport plan P_ij = exp((F_i + G_j − C_ij)/reg).
	Plan *mat.Dense
	// F and G are the dual potentials in cost units. Zero-mass bins have
	// potential −Inf (their row or column of the plan is zero).
	F, G []float64
	// Cost is ⟨C, P⟩, the transport cost of the plan without the entropy
	// term (what POT's sinkhorn2 returns).
	Cost float64
	// Iterations is the total number of iterations: Sinkhorn iterations
	// for the Sinkhorn methods, SinkhornIterations + NewtonIterations for
	// SNS.
	Iterations int
	// SinkhornIterations and NewtonIterations split Iterations for SNS
	// (SinkhornIterations includes fallback Sinkhorn steps taken when a
	// line search failed).
	SinkhornIterations, NewtonIterations int
	// CGIterations is the total number of CG iterations of SNS's Newton
	// systems; LineSearchEvals the number of dual evaluations its line
	// searches made.
	CGIterations, LineSearchEvals int
	// SparsityIncreases counts how often SNS doubled the number of plan
	// entries kept in its Newton matrix after a slow step.
	SparsityIncreases int
	// Absorptions counts how often the stabilised methods moved the
	// scalings into the potentials.
	Absorptions int
	// MarginalError is ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ of the returned plan,
	// computed from scratch at the end (for the unbalanced method, where
	// the marginals are not constraints, it is reported but not used to
	// stop). For the balanced methods b is the one solved for: when Σb
	// differs from Σa within MassTol, b rescaled to Σa.
	MarginalError float64
	// History and HistoryIters hold, when Options.History is set, the
	// value the stopping rule tested at each evaluation and the iteration
	// after which it was evaluated.
	History      []float64
	HistoryIters []int
	// Converged reports whether the stopping rule was met by the
	// returned plan: for the balanced methods it is true only if
	// MarginalError ≤ Tol.
	Converged bool
	// Reason says why the solve stopped, in words.
	Reason string
}

type resolved struct {
	tol        float64
	maxIter    int
	checkEvery int
	massTol    float64
	tau        float64
	eps0       float64
	innerMax   int
	n1         int
	lambda     float64
	cgTol      float64
	cgMaxIter  int
	progress   func(int, float64)
	hist       *historyLog // non-nil when Options.History is set
	f0, g0     []float64
}

// resolve fills in defaults and checks the option values.
func (o *Options) resolve(n, m int, defTol float64) (resolved, error) {
	var r resolved
	var z Options
	if o == nil {
		o = &z
	}
	bad := func(name string, v float64) error {
		return errorf("%w: option %s = %g must be ≥ 0 and finite", ErrInput, name, v)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"Tol", o.Tol}, {"MassTol", o.MassTol}, {"Tau", o.Tau}, {"Eps0", o.Eps0}, {"Lambda", o.Lambda}, {"CGTol", o.CGTol}} {
		if p.v < 0 || math.IsNaN(p.v) || math.IsInf(p.v, 0) {
			return r, bad(p.name, p.v)
		}
	}
	if o.MaxIter < 0 || o.CheckEvery < 0 || o.EpsInnerMaxIter < 0 || o.N1 < 0 || o.CGMaxIter < 0 {
		return r, errorf("%w: negative iteration option (MaxIter %d, CheckEvery %d, EpsInnerMaxIter %d, N1 %d, CGMaxIter %d)",
			ErrInput, o.MaxIter, o.CheckEvery, o.EpsInnerMaxIter, o.N1, o.CGMaxIter)
	}
	if o.Lambda > 1 {
		return r, errorf("%w: option Lambda = %g must be in (0, 1]", ErrInput, o.Lambda)
	}
	if (o.F0 == nil) != (o.G0 == nil) {
		return r, errorf("%w: warm start needs both F0 and G0", ErrInput)
	}
	if o.F0 != nil && (len(o.F0) != n || len(o.G0) != m) {
		return r, errorf("%w: warm start potentials have lengths %d and %d, want %d and %d", ErrInput, len(o.F0), len(o.G0), n, m)
	}
	r.tol = pick(o.Tol, defTol)
	r.maxIter = pickInt(o.MaxIter, DefaultMaxIter)
	r.checkEvery = pickInt(o.CheckEvery, DefaultCheckEvery)
	r.massTol = pick(o.MassTol, DefaultMassTol)
	r.tau = pick(o.Tau, DefaultTau)
	if r.tau <= 1 {
		return r, errorf("%w: option Tau = %g must be > 1", ErrInput, r.tau)
	}
	r.eps0 = o.Eps0
	r.innerMax = pickInt(o.EpsInnerMaxIter, DefaultEpsInnerMaxIter)
	r.n1 = pickInt(o.N1, DefaultN1)
	r.lambda = pick(o.Lambda, 1/float64(n)+1/float64(m))
	r.cgTol = pick(o.CGTol, 1e-10)
	r.cgMaxIter = pickInt(o.CGMaxIter, 2*(n+m))
	r.progress = o.Progress
	if o.History {
		h, user := &historyLog{}, o.Progress
		r.hist = h
		r.progress = func(it int, v float64) {
			if !math.IsNaN(v) { // ε-scaling's stage ends report NaN
				h.iters = append(h.iters, it)
				h.vals = append(h.vals, v)
			}
			if user != nil {
				user(it, v)
			}
		}
	}
	r.f0, r.g0 = o.F0, o.G0
	return r, nil
}

// historyLog collects the stopping-rule evaluations of one solve.
type historyLog struct {
	iters []int
	vals  []float64
}

func pick(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func pickInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
