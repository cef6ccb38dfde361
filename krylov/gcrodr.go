package krylov

import (
	"fmt"
	"math"
	"reflect"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// Defaults of GCRODROptions, as in the SKR paper (Wang et al., ICLR 2024),
// which ran PETSc's KSPHPDDM with -ksp_gmres_restart 40 -ksp_hpddm_recycle 20.
const (
	DefaultGCRODRM = 40 // search-space dimension per cycle (recycled + Krylov)
	DefaultGCRODRK = 20 // recycled vectors carried between cycles and systems
	// DefaultGCRODRStagnation is the number of consecutive cycles over
	// which a residual reduction below 1% discards the recycled space
	// (GCRODROptions.Stagnation).
	DefaultGCRODRStagnation = 10
)

// stagnationRatio: the residual must fall below this fraction of its
// value Stagnation cycles earlier, or the recycled space is discarded.
const stagnationRatio = 0.99

// GCRODROptions configures a GCRODR solver. The zero value and a nil
// pointer mean the defaults.
type GCRODROptions struct {
	// M is the dimension of the space searched in each cycle: the K
	// recycled directions plus M−K new Arnoldi vectors. 0 means
	// DefaultGCRODRM (40). Memory is (M+5+4K)·n floats. This is the m of
	// GCRO-DR(m, k) and the upper bound of Options.Restart for Solve, not
	// the preconditioner M of the A·M·U in the solver's documentation.
	M int
	// K is the number of recycled vectors. 0 means DefaultGCRODRK (20),
	// or M−1 when M ≤ 20; a
	// negative value disables recycling, and GCRO-DR is then GMRES(M) with
	// right preconditioning. K must be smaller than M; on an n×n system
	// at most n − 1 vectors are kept, whatever K. Each cycle's update
	// of the recycled space costs about 4·K·M·n flops (forming the new U
	// and C), more than the cycle's M−K Arnoldi steps when K = M/2; on the
	// SKR PDE families K = 10 solved sequences faster than the paper's 20
	// although it needed more iterations (bench/skr).
	K int
	// UpdateEvery q > 1 recomputes the recycled space only every q-th
	// cycle of a solve, and always after the first cycle when none is
	// kept yet and after the last cycle of each solve that converges or
	// reaches MaxIter (so the next system gets the newest space; not
	// after a failed or cancelled cycle); 0 and 1 mean every cycle, as in
	// Parks et al.
	// Skipping an update is safe (U and C stay valid) and saves its
	// O(K·M·n) cost at the price of somewhat slower convergence.
	UpdateEvery int
	// Stagnation guards against a recycled space that traps the solver:
	// when the residual falls by less than 1% over this many consecutive
	// cycles of one solve, the recycled space is discarded and the solve
	// goes on from the current iterate as a fresh GCRO-DR (its next cycle
	// is GMRES(M), which builds a new space); GCRODRStats.Resets counts
	// it. 0 means DefaultGCRODRStagnation (10 cycles, 200 Arnoldi steps at
	// M = 40, K = 20); a negative value disables the check. Harmonic Ritz
	// vectors carried from an earlier system can span a subspace whose
	// deflation leaves the projected operator (I − CCᵀ)·A·M harder than A·M
	// itself: on the SKR code's Helmholtz sequence with Jacobi (bench/skr)
	// one system held at relative residual 0.15 for 10 000 steps; reset,
	// it converged in 668 more. A stalled window also recomputes the true
	// residual b − A x (one product) and goes on from it, stopping if it
	// meets the tolerance: the estimate is the norm of a residual updated
	// by recurrence, which can drift from the true one (a GCRO-DR(37, 32)
	// solve ran to MaxIter at a true relative residual 1e5 below its
	// estimate's; TestGCRODREstimateDrift).
	Stagnation int
}

// GCRODR is GCRO-DR(m, k), the Generalized Conjugate Residual method with
// inner Orthogonalization and Deflated Restarting of Parks, de Sturler,
// Mackey, Johnson and Maiti ("Recycling Krylov subspaces for sequences of
// linear systems", SIAM J. Sci. Comput. 28(5), 2006). It keeps a recycled
// subspace U (k vectors) and C = A·M·U with orthonormal columns across
// restarts and across calls to Solve, so that a sequence of related
// systems A_i x_i = b_i converges in far fewer iterations than solving each
// one from scratch (the SKR method of Wang et al., ICLR 2024, uses it with
// m = 40, k = 20). On a single system its deflated restarts alone beat
// restarted GMRES where GMRES(m) stagnates. A space that traps a solve (10
// cycles of less than 1% progress, GCRODROptions.Stagnation) is dropped
// and the solve goes on cold; so is a space under which the residual
// estimate twice in a row meets the tolerance while the true residual
// does not, has not halved since the first miss, and no update came
// between (the recurrence drifts from b − A x: a U of large norm, from a
// badly scaled A·M, makes x's corrections cancel).
//
// Each cycle minimises the residual over span(U) ⊕ K_{m−k}((I−CCᵀ)AM, r):
// m−k Arnoldi steps orthogonalise against C and the new Krylov vectors at
// once (the package's classical Gram–Schmidt with reorthogonalisation,
// shared with GMRES); the residual estimate is the usual GMRES Givens
// estimate (shared with GMRES too) because the C-block of the small
// least-squares problem is solved exactly. At the end of every cycle
// (every UpdateEvery-th, and always the last one of a solve, so that the
// next system profits) the new U spans the k harmonic Ritz vectors of the
// augmented
// problem with the smallest harmonic Ritz values (target "SM", as HPDDM's
// default), found from the generalised eigenproblem
//
//	ĜᵀĜ z = θ ĜᵀŴᵀV̂ z,
//
// where V̂ = [U·D, V_{m−k}] (D scales U's columns to unit length), Ŵ =
// [C, V_{m−k+1}] and Ĝ is the (m+1)×m matrix with A·M·V̂ = Ŵ·Ĝ. gonum has
// no generalised eigensolver, so the problem is reduced stably to a
// standard one: Ĝ has full column rank whenever A·M is nonsingular on
// span(V̂), and then the problem is equivalent to Ĝ⁺ŴᵀV̂ z = μ z with
// μ = 1/θ, Ĝ⁺ applied through the QR of the upper Hessenberg Ĝ by Givens
// rotations; the k eigenvalues of
// largest |μ| are kept. A complex-conjugate pair contributes the real and
// imaginary parts of its eigenvector; when only one slot is left for a
// pair, the pair is dropped and fewer than k vectors are kept. New U and
// C follow from the thin QR of Ĝ·P: C ← Ŵ·Q, U ← V̂·P·R⁻¹, columns of Ĝ·P
// that are numerically dependent are deflated, and so are new columns that
// A·M nearly annihilates (gain ‖A·M·u‖/‖u‖ = 1/‖u‖ below √ε times the
// largest gain among the cycle's basis vectors: C = A·M·U would hold for
// them only to about ε/gain). CᵀU is carried from one
// update to the next as Qᵀ(ŴᵀV̂)(P·R⁻¹) (recomputed from the vectors every
// 16 updates and after every rebuild); V_{m−k+1}ᵀU is formed by a blocked
// kernel, and the new U and C by a fused multi-vector combination. All
// the storage, the update's small dense scratch included, is allocated
// by NewGCRODR: a solve allocates only a few small objects per cycle
// (inside gonum's Dlahqr), none of size n or m².
//
// When the operator or the preconditioner changes between calls (a
// different linop.Operator value, see Solve), C is rebuilt from U:
// C = A·M·U, C = QR, U ← U·R⁻¹, which costs k products with A and M; a
// column whose image is numerically dependent on the previous ones
// (relative norm below √ε ≈ 1.5e-8 after orthogonalisation), or that A·M
// annihilates (‖A·M·u‖/‖u‖ below 1e-13 times the new operator's scale:
// its columns' largest gain, or ‖A·M·b‖/‖b‖, one more product, when all
// of them look annihilated next to the previous operator or a fresh
// solver has seen no operator yet), is deflated.
//
// Preconditioning is on the right (the method solves A·M·y = b, x = M·y),
// so residuals are true residuals and U lives in the preconditioned
// space. Left preconditioning is not offered. The SKR paper's PETSc
// KSPHPDDM (gmres and gcrodr) preconditions on the left by default and
// stops on the preconditioned residual ‖M⁻¹r‖, so its preconditioned
// rows of Table 1 used a different stopping test.
//
// Singular systems: GCRO-DR is not for a singular A·M with b outside its
// range, but two tests keep it from diverging there: the gain test keeps
// near-null harmonic Ritz vectors out of U, and a cycle whose
// least-squares solution y is so large that its rounding error (about
// ε·‖A·M‖·‖y‖) could exceed the residual the cycle started from is
// refused as a breakdown, x unchanged (the recycled space is dropped and
// the solve goes on, or, without one, it returns ErrBreakdown). On A =
// diag(1, …, 49, 0), b = 1, GCRO-DR(30, 10) then stagnates at the
// least-squares residual 1/√50 (not converged; without the tests it
// ended at relative residual 4e4), and GMRES stops there with
// ErrBreakdown. LSQR and LSMR solve the least-squares problem.
//
// Known limitation: that test is normwise, and A·M can be badly scaled
// without being near singular (rows scaled by 10^U(−6, 6), Jacobi or
// ILU(0): ‖A·M‖ ≈ 1e7–1e8, ‖y‖ ≈ 1e6). A cycle that starts from a
// residual already near the tolerance (relative 2e-8, reached with a space
// recycled from earlier, unrelated systems) can then find ε·‖A·M‖·‖y‖
// above that residual although the update is accurate (without the test
// the cycle reaches its estimate, relative 7e-9): the space is dropped,
// the plain cycle that follows trips the same test, and Solve returns
// ErrBreakdown near convergence (relative residual up to about 1e-6, x no
// worse than x₀) where a fresh solver converges in 7–15 iterations
// (TestGCRODRRowScaledWarmBreakdown). Weighting y by the columns' norms
// ‖A·M·v_j‖ does not cure it: near-null directions have small columns
// too, and the singular systems above then diverge again.
//
// On such badly scaled systems an update also leaves the cycle's
// residual with components along the new C of order ε·‖A·M‖·‖y‖, which
// can exceed the residual itself; it is projected off C again when they
// pass √ε of its norm (Stats().Reprojections; well-scaled systems never
// reach that), so C stays orthonormal (|CᵀC − I| ≤ 3.2e-12 entrywise on
// 120 such random systems with Jacobi and ILU(0), where it had reached 1).
// That is an observation, not a bound: a randomized campaign over some
// thousand sequences saw up to 2.7e-9 with OrthogTwice on small systems
// whose K is a third of n (a 56-unknown Laplacian with K = 20), and, as
// the Arnoldi basis, C loses orthogonality freely with OrthogOnce (up to
// 0.99 there). Solve's convergence is decided on the true residual
// either way.
//
// A GCRODR is not safe for concurrent use. Memory: (M+5+4K)·n floats
// (U, C and their update copies, the Arnoldi basis, 3 work vectors and
// the best iterate a failed solve falls back on).
type GCRODR struct {
	n, m, k int
	every   int    // UpdateEvery (≥ 1)
	stag    int    // Stagnation window in cycles (0: off)
	kk      int    // active recycled vectors (≤ k)
	mEff    int    // cycle length of the current solve (Options.Restart or m)
	orthog  Orthog // Options.Orthog of the current solve

	// Vectors (each block allocated contiguously).
	u, c, u2, c2, v [][]float64
	basis           [][]float64 // scratch header: C then V, or U then V
	basis2          [][]float64 // a second one, for the update's two products
	r, w, z         []float64   // n-vectors
	// xbest is the iterate of smallest confirmed true residual of the
	// current solve (x0 at its start), bestNorm that residual: a failed
	// solve returns it when its last iterate is worse.
	xbest    []float64
	bestNorm float64

	// Small dense workspace (column index fastest).
	hess  []float64  // (m+1)×m Hessenberg H̄, stride m
	lsq   *hessLSQ   // Givens QR of H̄ and the rotated right-hand side
	bk    []float64  // k×m block CᵀA·M·V, stride m
	y     []float64  // least-squares solution, m
	coef  []float64  // k+m+1 combination coefficients
	hcol  []float64  // k+m+1 Gram–Schmidt coefficients
	tmp   []float64  // k+m+1 scratch for orthogonalize
	upd   updateWork // the recycling update's small dense scratch
	dnorm []float64  // k column scales 1/‖u_i‖
	usq   []float64  // k squared norms ‖u_i‖², valid when usqOK
	cu    []float64  // k×(m+1) coefficients of the new U
	cc    []float64  // k×(m+1) coefficients of the new C
	ctu   []float64  // k×k CᵀU (stride k), valid when ctuOK
	vtu   []float64  // (m+1)×k V_{j+1}ᵀU
	ctuOK bool
	usqOK bool
	// updates counts recycled-space updates (for the CᵀU refresh).
	updates int
	// amNorm is a lower bound of ‖A·M‖ for the last operator (the
	// largest gain seen at its rebuild and in its Arnoldi steps): rebuild
	// measures the next operator's scale with one more product when all
	// its columns' gains fall below rankTol·amNorm.
	amNorm float64

	// The operator and preconditioner C was computed for.
	op, pre  linop.Operator
	fresh    bool // C = A·M·U is valid for op, pre
	lastStat GCRODRStats
}

// GCRODRStats reports what the recycling machinery did in the last Solve.
type GCRODRStats struct {
	// Rebuilt reports whether C = A·M·U was recomputed at the start
	// (operator or preconditioner changed, or U was imported).
	Rebuilt bool
	// RebuildMatVecs is the number of products with A spent on it.
	RebuildMatVecs int
	// Deflated counts recycled vectors dropped as numerically dependent
	// or (nearly) annihilated by A·M, at the rebuild and at the updates.
	Deflated int
	// Cycles is the number of Arnoldi cycles run.
	Cycles int
	// Updates is the number of cycles after which the recycled space was
	// recomputed (every cycle unless UpdateEvery > 1).
	Updates int
	// Recycled is the dimension of the recycled space after the solve.
	Recycled int
	// Resets counts the times the recycled space was discarded because
	// the residual stagnated (GCRODROptions.Stagnation), because it
	// made the projected operator singular (a breakdown of the cycle), or
	// because two consecutive true-residual checks found the estimate
	// drifting (see GCRODR).
	Resets int
	// Reprojections counts the updates after which the cycle's residual
	// had drifted off orthogonality to the new C and was projected again
	// (one application of M each): rounding on badly scaled systems.
	Reprojections int
}

// NewGCRODR returns a GCRO-DR solver for n×n systems with recycled space
// initially empty. It panics if n < 0, M < 0, UpdateEvery < 0, or an
// explicit K ≥ M (programmer errors: the options are constants of the
// calling code).
func NewGCRODR(n int, o *GCRODROptions) *GCRODR {
	if n < 0 {
		panic(fmt.Sprintf("krylov: NewGCRODR: negative size %d", n))
	}
	opt := resolveGCRODR(o)
	m, k := opt.M, opt.K
	s := &GCRODR{n: n, m: m, k: k, every: max(opt.UpdateEvery, 1), stag: opt.Stagnation}
	s.u = block(k, n)
	s.c = block(k, n)
	s.u2 = block(k, n)
	s.c2 = block(k, n)
	s.v = block(m+1, n)
	s.basis = make([][]float64, k+m+1)
	s.basis2 = make([][]float64, m+1)
	// The four work vectors share one allocation.
	work := make([]float64, 4*n)
	s.r = work[0*n : 1*n : 1*n]
	s.w = work[1*n : 2*n : 2*n]
	s.z = work[2*n : 3*n : 3*n]
	s.xbest = work[3*n : 4*n : 4*n]
	s.hess = make([]float64, (m+1)*m)
	s.lsq = newHessLSQ(m)
	s.bk = make([]float64, k*m)
	s.y = make([]float64, m)
	s.coef = make([]float64, k+m+1)
	s.hcol = make([]float64, k+m+1)
	s.tmp = make([]float64, k+m+1)
	s.upd.init(m, k)
	s.dnorm = make([]float64, k)
	s.usq = make([]float64, k)
	s.cu = make([]float64, k*(m+1))
	s.cc = make([]float64, k*(m+1))
	s.ctu = make([]float64, k*k)
	s.vtu = make([]float64, (m+1)*k)
	return s
}

// GCRODRBytes returns a lower bound of the bytes NewGCRODR(n, o)
// allocates, with M and K resolved as NewGCRODR resolves them: the length-n
// vectors, 4K for U, C and the next update's copies of them, M+1 for the
// Arnoldi basis, 3 work vectors and the best iterate of a failed solve,
// and the small dense matrices, about
// 2M² values for the Hessenberg matrix and its factor and, with
// recycling (K > 0), 10M² + 9MK + 32M + 4160 more for the update's
// eigenproblem and LAPACK's workspace, 8 bytes each. It is within 40% of
// the allocation, and
// within a few percent when n ≫ M. A caller that sizes a solver from user
// input can refuse a size that cannot fit before the allocation fails (Go's
// out-of-memory is fatal, not a panic). It panics where NewGCRODR does
// (n < 0, invalid options).
func GCRODRBytes(n int, o *GCRODROptions) float64 {
	if n < 0 {
		panic(fmt.Sprintf("krylov: GCRODRBytes: negative size %d", n))
	}
	opt := resolveGCRODR(o)
	m, k := float64(opt.M), float64(opt.K)
	small := 2 * m * m
	if k > 0 {
		small += 10*m*m + 9*m*k + 32*m + 4160 // (4160 + 32M: gonum's Dgehrd workspace)
	}
	return 8 * (float64(n)*(4*k+m+5) + small)
}

// resolveGCRODR returns the options with defaults filled in, and panics on
// the programmer errors NewGCRODR documents.
func resolveGCRODR(o *GCRODROptions) GCRODROptions {
	var opt GCRODROptions
	if o != nil {
		opt = *o
	}
	if opt.M < 0 {
		panic(fmt.Sprintf("krylov: NewGCRODR: M=%d must be ≥ 0 (0: default %d)", opt.M, DefaultGCRODRM))
	}
	if opt.M == 0 {
		opt.M = DefaultGCRODRM
	}
	switch {
	case opt.K == 0:
		opt.K = min(DefaultGCRODRK, opt.M-1)
	case opt.K < 0:
		opt.K = 0
	}
	if opt.K >= opt.M {
		panic(fmt.Sprintf("krylov: NewGCRODR: K=%d must be smaller than M=%d", opt.K, opt.M))
	}
	if opt.UpdateEvery < 0 {
		panic(fmt.Sprintf("krylov: NewGCRODR: UpdateEvery=%d must be ≥ 0", opt.UpdateEvery))
	}
	switch {
	case opt.Stagnation == 0:
		opt.Stagnation = DefaultGCRODRStagnation
	case opt.Stagnation < 0:
		opt.Stagnation = 0
	}
	return opt
}

func block(count, n int) [][]float64 {
	buf := make([]float64, count*n)
	vs := make([][]float64, count)
	for i := range vs {
		vs[i] = buf[i*n : (i+1)*n : (i+1)*n]
	}
	return vs
}

// Dims returns the system size n, the cycle dimension M and the maximal
// number of recycled vectors K.
func (s *GCRODR) Dims() (n, m, k int) { return s.n, s.m, s.k }

// Reset forgets the recycled space: the next Solve starts like GMRES(M)
// and builds a new one.
func (s *GCRODR) Reset() {
	s.drop()
	s.op, s.pre = nil, nil
	s.fresh = false
}

// drop discards the recycled space (the next cycle is GMRES(M)).
func (s *GCRODR) drop() {
	s.kk = 0
	s.ctuOK, s.usqOK = false, false
}

// OperatorChanged tells the solver that the operator or the
// preconditioner it last saw was modified in place, so that the next Solve
// recomputes C = A·M·U even if it is called with the same values. Solve
// detects a different operator value by itself.
func (s *GCRODR) OperatorChanged() { s.fresh = false }

// Stats reports what the recycling machinery did in the last Solve.
func (s *GCRODR) Stats() GCRODRStats { return s.lastStat }

// Recycled returns copies of the recycled space: U (n×r) and C (n×r) with
// C = A·M·U orthonormal for the operator and preconditioner of the last
// Solve that computed with them, r ≤ K (a Solve that returned before any
// product, for b = 0 or a refused option, leaves U and C as they were).
// Both are nil when the space is empty; C is nil when U was imported with
// SetRecycled, or OperatorChanged was called, and no Solve has run since.
func (s *GCRODR) Recycled() (U, C *mat.Dense) {
	if s.kk == 0 || s.n == 0 {
		return nil, nil
	}
	U = columns(s.u[:s.kk], s.n)
	if s.fresh {
		C = columns(s.c[:s.kk], s.n)
	}
	return U, C
}

// columns returns the n×len(vs) matrix with columns vs.
func columns(vs [][]float64, n int) *mat.Dense {
	d := mat.NewDense(n, len(vs), nil)
	for j, v := range vs {
		d.SetCol(j, v)
	}
	return d
}

// SetRecycled imports a recycled space: the columns of U (n×r, r ≤ K),
// for example exported by Recycled from an earlier run or shard. The next
// Solve orthonormalises C = A·M·U and deflates dependent columns. A nil U
// is Reset. The scale of each column does not matter (columns of zeros
// are dropped as dependent). It panics if U does not have n rows or has
// more than K columns, and returns an error if U holds NaN or Inf.
func (s *GCRODR) SetRecycled(U *mat.Dense) error {
	if U == nil {
		s.Reset()
		return nil
	}
	r, c := U.Dims()
	if r != s.n || c > s.k {
		panic(fmt.Sprintf("krylov: GCRODR.SetRecycled: U is %d×%d, want %d rows and at most K=%d columns", r, c, s.n, s.k))
	}
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			s.u[j][i] = U.At(i, j)
		}
		if i, bad := vec.HasNaNInf(s.u[j]); bad {
			s.Reset()
			return errorf("GCRODR.SetRecycled: U[%d,%d] is %v: %w", i, j, U.At(i, j), ErrNaN)
		}
		// Scale the column by a power of two to a largest entry in
		// [1/2, 1): exact, and the next rebuild rescales it anyway, but a
		// column of subnormal entries would otherwise give ‖A·M·u‖ whose
		// reciprocal overflows (NaN solutions).
		if big := vec.MaxAbs(s.u[j]); big > 0 {
			_, e := math.Frexp(big)
			for i, v := range s.u[j] {
				s.u[j][i] = math.Ldexp(v, -e)
			}
		}
	}
	s.kk = c
	s.op, s.pre = nil, nil
	s.fresh = false
	s.ctuOK, s.usqOK = false, false
	return nil
}

// sameOperator reports whether a and b are the same operator value. Values
// of non-comparable dynamic types (for example linop.Func, which holds
// functions) never compare equal, so C is rebuilt for them on every Solve.
// A comparable struct can still hold a non-comparable value in an
// interface field, which makes == panic; that case also counts as
// different.
func sameOperator(a, b linop.Operator) (same bool) {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
