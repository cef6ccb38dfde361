package krylov

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// breakdownTol: an Arnoldi step whose new vector has norm below this
// fraction of ‖A·M·v‖ has found an invariant subspace ("happy
// breakdown"): the cycle's least-squares solution is exact and the cycle
// ends there.
const breakdownTol = 1e-14

// reprojectTol: after an update, a residual whose components along the
// new C exceed this fraction of its norm is projected off C again (√ε:
// smaller drifts put less than √ε of non-orthogonality into the next
// cycle's basis, which its reorthogonalisation absorbs).
const reprojectTol = 1.5e-8

// Solve solves A x = b with GCRO-DR, recycling the subspace kept from
// earlier calls and updating it for later ones. x holds the initial guess
// on entry and the solution on return.
//
// A new operator or preconditioner (a value different from the previous
// call's, compared with ==; see OperatorChanged for in-place changes)
// costs r products with A and with o.Precond to rebuild C = A·M·U, r the
// current recycled dimension; these are counted in Result.MatVecs, not in
// Result.Iterations. Iterations counts Arnoldi steps (as PETSc/HPDDM
// count KSP iterations); MatVecs counts every product with A: Arnoldi
// steps, the rebuild, the initial residual when x ≠ 0, and each true
// residual computed to confirm convergence (at least one).
//
// Options: RTol, ATol, MaxIter (Arnoldi steps over all cycles, default
// 10·n), Precond (right preconditioner M ≈ A⁻¹, fixed during the solve),
// History, Progress, Orthog (the Arnoldi steps' Gram–Schmidt; the
// re-orthonormalisation of C for a new matrix is always OrthogAuto).
// Restart, if not 0, sets the cycle length m for this
// solve (recycled plus Krylov vectors); it must satisfy K < Restart ≤ M,
// the storage allocated by NewGCRODR (else an error). Side must be Right.
//
// Convergence is declared when the true residual ‖b − A x‖ meets
// max(RTol·‖b‖, ATol). b = 0 returns x = 0. Errors wrap ErrNotConverged
// (iteration limit), ErrBreakdown (singular projected system without a
// recycled space: with one, the space is dropped and the solve goes on)
// or ErrNaN,
// or are the context's error; x then holds the better, by true residual,
// of the last iterate and the best iterate whose true residual the solve
// computed (x0, and those of the drift and stagnation checks), and the
// Result describes it. The residual of GCRO-DR is updated by recurrence
// and can drift above the estimate, so that the last iterate of a failed
// solve can be worse than x0 (a row-scaled system with Jacobi ended at
// relative residual 1.9 while its estimate fell steadily, and no
// stagnation check ran). Solve panics if A is nil or not n×n, len(b), len(x)
// ≠ n, or x shares memory with b.
//
// Cost per Arnoldi step: one product with A and M, and Gram–Schmidt
// against up to M+1 vectors; per cycle, O(M³) small dense work and
// O(M·K·n) to form the new U and C. The Arnoldi loop allocates nothing.
func (s *GCRODR) Solve(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	const method = "GCRODR"
	checkOperator(method, A)
	if r, c := A.Dims(); r != s.n || c != s.n {
		panic(fmt.Sprintf("krylov: %s: solver built for n=%d, operator is %d×%d", method, s.n, r, c))
	}
	if res, ok, err := rescaled(method, A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return s.Solve(ctx, A, b, x, o) }); ok {
		return res, err
	}
	// A refused Solve reports no recycling work of its own either.
	s.lastStat = GCRODRStats{Recycled: s.kk}
	s.mEff = s.m
	if o != nil && o.Restart != 0 {
		if o.Restart > s.m || o.Restart <= s.k {
			return Result{Reason: "invalid options", Residual: math.NaN(), RelResidual: math.NaN()}, errorf("%s: %w: Restart %d must be in (K, M] = (%d, %d], the storage of this solver (set M and K in NewGCRODR)", method, ErrOption, o.Restart, s.k, s.m)
		}
		s.mEff = o.Restart
	}
	opt, bnorm, thresh, res, done, err := start(method, A, b, x, o)
	if done {
		return res, err
	}
	if opt.Side == Left {
		return Result{Reason: "invalid options", Residual: math.NaN(), RelResidual: math.NaN()}, errorf("%s: %w: left preconditioning is not supported (use Side: Right)", method, ErrOption)
	}
	M := opt.Precond
	s.orthog = opt.Orthog
	mon := newMonitor(ctx, method, &opt, bnorm, &res)
	defer func() { s.lastStat.Recycled = s.kk }()

	r := s.r
	if isZero(x) {
		copy(r, b)
	} else {
		residualTo(r, A, b, x)
		res.MatVecs++
	}
	// x0 is the first fallback of a failed solve.
	vec.Copy(s.xbest, x)
	s.bestNorm = vec.Norm(r)
	// fail concludes a failed solve with err (nil: out of iterations or
	// stagnated), returning the better of x and xbest.
	fail := func(err error) error {
		return s.fail(method, A, b, x, r, bnorm, thresh, &res, err)
	}
	// checkTrue computes the true residual of x into r (one product): the
	// solve stops (stop, with err to return) if it meets the tolerance or
	// is not finite; otherwise x is noted as a fallback of a failed solve.
	checkTrue := func() (rnorm float64, stop bool, err error) {
		rnorm = residualTo(r, A, b, x)
		res.MatVecs++
		if rnorm <= thresh {
			return rnorm, true, conclude(method, rnorm, bnorm, thresh, &res, nil)
		}
		if !finite(rnorm) {
			return rnorm, true, fail(errorf("%s: true residual is %v after %d iterations: %w", method, rnorm, res.Iterations, ErrNaN))
		}
		s.noteTrue(x, rnorm)
		return rnorm, false, nil
	}
	// Bring C up to date with this operator and preconditioner.
	if s.kk > 0 && (!s.fresh || !sameOperator(A, s.op) || !sameOperator(M, s.pre)) {
		// C is rewritten in place: stale until rebuild returns, so that
		// a panic in A or M (recovered by the caller) makes the next
		// Solve rebuild it instead of trusting a half-written C.
		s.fresh = false
		s.rebuild(A, M, b)
		s.lastStat.Rebuilt = true
		res.MatVecs += s.lastStat.RebuildMatVecs
	}
	s.op, s.pre, s.fresh = A, M, true
	if s.kk > 0 {
		s.project(r, x, M)
	}
	est := vec.Norm(r)
	if err := mon.record(0, est); err != nil {
		return res, fail(err)
	}

	mustCycle := false          // a true-residual check failed: run a cycle before checking again
	lastFail := math.Inf(1)     // the true residual of the last failed check
	failUpdates := -1           // the updates made before it
	winEst, winCycles := est, 0 // the stagnation window: residual at its start, cycles since
	for {
		if est <= thresh && !mustCycle {
			rnorm, stop, err := checkTrue()
			if stop {
				return res, err
			}
			// The recurrence drifted from the true residual: continue
			// from the true one, projected off C again. If the last check
			// failed too, the true residual has not halved since and no
			// update came between, the recycled space is what drifts (a U
			// of large norm, from a badly scaled A·M, makes each cycle's
			// x ← x + M(V y − U B y) cancel): drop it and go on from the
			// true residual. On a row-scaled system after a warm start
			// (TestGCRODRRowScaledWarmBreakdown, n = 39) the solve ran 26
			// cycles to MaxIter at 8.9e-8 for rtol 1e-8, every estimate
			// below the tolerance and every update refused; reset, it
			// converged in 60 iterations.
			if s.kk > 0 && rnorm > 0.5*lastFail && s.lastStat.Updates == failUpdates {
				s.drop()
				s.lastStat.Resets++
			}
			lastFail, failUpdates = rnorm, s.lastStat.Updates
			if s.kk > 0 {
				s.project(r, x, M)
			}
			est = vec.Norm(r)
			if est == 0 {
				// r lay in span(C): x is now optimal over x + M·span(U),
				// and a cycle from r = 0 has nothing to work on.
				rnorm := residualTo(r, A, b, x)
				res.MatVecs++
				if rnorm <= thresh {
					return res, conclude(method, rnorm, bnorm, thresh, &res, nil)
				}
				res.Reason = reasonStagnated
				return res, s.settle(method, A, b, x, r, rnorm, bnorm, thresh, &res, nil)
			}
			mustCycle = true
		}
		if res.Iterations >= opt.MaxIter {
			return res, fail(nil)
		}
		// The cycle starts from v₁ = r/‖r‖: after a cycle est is the
		// Givens estimate, which rounding can leave far below the norm of
		// the r the recurrence formed (29 times on a row-scaled system with
		// Jacobi); normalising by it gave a v₁ of norm 29, a basis that was
		// not orthogonal and a recycled C with zero columns.
		steps, newEst, err := s.cycle(A, M, x, r, vec.Norm(r), thresh, opt.MaxIter-res.Iterations, &res, &mon)
		if steps > 0 {
			s.lastStat.Cycles++
			// The last cycle of a solve that converged or ran out of
			// iterations (not one that failed or was cancelled: its
			// Hessenberg matrix may hold NaN, and a cancel must return:
			// no update at all after a cancelled cycle, whose O(K·M·n)
			// update would delay the return).
			last := err == nil && (newEst <= thresh || res.Iterations >= opt.MaxIter)
			if s.k > 0 && err == nil && (s.kk == 0 || last || s.lastStat.Cycles%s.every == 0) {
				if s.updateRecycled(steps) {
					s.lastStat.Updates++
					s.reproject(r, x, M)
				}
			}
		}
		if err != nil && steps == 0 && s.kk > 0 && errors.Is(err, ErrBreakdown) {
			// The recycled space made the projected operator singular
			// (r ∈ span(U), say), not A·M: drop it and go on as GMRES(M).
			s.drop()
			s.lastStat.Resets++
			continue
		}
		if err != nil {
			return res, fail(err)
		}
		est = newEst
		mustCycle = false
		if s.stag > 0 && steps > 0 {
			if winCycles++; winCycles >= s.stag {
				if est > stagnationRatio*winEst {
					// The estimate has stalled. It is the norm of a
					// residual updated by recurrence, which can drift from
					// b − A x (far below it, as on nearly invariant
					// recycled spaces): check the true one (one product)
					// and go on from it.
					rnorm, stop, err := checkTrue()
					if stop {
						return res, err
					}
					if s.kk > 0 {
						s.drop()
						s.lastStat.Resets++
					}
					est = rnorm
				}
				winEst, winCycles = est, 0
			}
		}
	}
}

// noteTrue records that x has the true residual norm rnorm, making it
// the fallback of a failed solve if it beats the best so far.
func (s *GCRODR) noteTrue(x []float64, rnorm float64) {
	if rnorm < s.bestNorm {
		s.bestNorm = rnorm
		vec.Copy(s.xbest, x)
	}
}

// fail concludes a failed solve with err (nil: out of iterations or
// stagnated; Reason, if set, says which): it computes the true residual
// of x into r and, if x is worse than the best iterate recorded
// (noteTrue), returns that one instead.
func (s *GCRODR) fail(method string, A linop.Operator, b, x, r []float64, bnorm, thresh float64, res *Result, err error) error {
	rnorm := residualTo(r, A, b, x)
	res.MatVecs++
	return s.settle(method, A, b, x, r, rnorm, bnorm, thresh, res, err)
}

// settle concludes a solve whose x has the true residual r, of norm
// rnorm: a converged one as it is, a failed one with the better of x and
// xbest (the residual of xbest recomputed into r, one product). A non-
// finite rnorm always falls back on xbest.
func (s *GCRODR) settle(method string, A linop.Operator, b, x, r []float64, rnorm, bnorm, thresh float64, res *Result, err error) error {
	if err == nil && rnorm <= thresh || rnorm <= s.bestNorm {
		return conclude(method, rnorm, bnorm, thresh, res, err)
	}
	vec.Copy(x, s.xbest)
	rnorm = residualTo(r, A, b, x)
	res.MatVecs++
	return conclude(method, rnorm, bnorm, thresh, res, err)
}

// project minimises the residual over x + M·span(U): h = Cᵀr,
// r ← r − C h, x ← x + M U h. When r lies nearly in span(C) (a solve
// whose recycled space already holds the solution), one pass of
// Gram–Schmidt leaves r with components along C of order eps·‖r₀‖, large
// relative to the small remainder that becomes the cycle's first basis
// vector, and the recycled space built from that cycle loses the
// orthonormality of C; a second pass (Kahan's "twice is enough": when
// the first cancelled more than half of r's norm) removes them.
func (s *GCRODR) project(r, x []float64, M linop.Operator) {
	kk := s.kk
	h := s.hcol[:kk]
	clear(s.w)
	before := vec.Norm(r)
	for pass := 0; pass < 2; pass++ {
		vec.MultiDot(h, s.c[:kk], r)
		for i, v := range h {
			s.tmp[i] = -v
		}
		after := vec.MultiAxpyNorm(r, s.tmp[:kk], s.c[:kk])
		vec.MultiAxpy(s.w, h, s.u[:kk])
		if !(after < 0.5*before) {
			break
		}
		before = after
	}
	s.addPrecond(x, s.w, M)
}

// reproject restores r ⊥ C after an update replaced C. In exact
// arithmetic the cycle's residual r is orthogonal to the new C, which lies
// in the range of A·M on the cycle's search space; in floating point its
// components along C are of order ε·‖A·M‖·‖y‖ (y the cycle's
// least-squares solution), which on a badly scaled A·M (rows scaled by
// 10^±6, Jacobi: ‖A·M‖ ≈ 1e9, ‖y‖ ≈ 1e6) exceed ‖r‖ itself. The next
// cycle then started from a v₁ far from orthogonal to C, its Gram–Schmidt
// worked against a basis that was not orthonormal, and the update after
// it left ‖CᵀC − I‖ up to 1. Measuring Cᵀr costs K·n flops per update;
// the projection (project, one application of M) runs only when ‖Cᵀr‖
// exceeds reprojectTol·‖r‖, which well-scaled systems stay far below
// (datagen darcy: 3e-12 at most).
func (s *GCRODR) reproject(r, x []float64, M linop.Operator) {
	kk := s.kk
	if kk == 0 {
		return
	}
	h := s.hcol[:kk]
	vec.MultiDot(h, s.c[:kk], r)
	if smallNorm(h) > reprojectTol*vec.Norm(r) {
		s.project(r, x, M)
		s.lastStat.Reprojections++
	}
}

// addPrecond sets x ← x + M·d (M nil: identity); it uses s.z as scratch.
func (s *GCRODR) addPrecond(x, d []float64, M linop.Operator) {
	if M == nil {
		vec.Axpy(1, d, x)
		return
	}
	M.Apply(s.z, d)
	vec.Axpy(1, s.z, x)
}

// applyAM sets dst = A·M·v (M nil: identity); it uses s.z as scratch.
func (s *GCRODR) applyAM(dst []float64, A, M linop.Operator, v []float64) {
	if M == nil {
		A.Apply(dst, v)
		return
	}
	M.Apply(s.z, v)
	A.Apply(dst, s.z)
}

// cycle runs one GCRO-DR cycle from the residual r (‖r‖ = beta, r ⊥ C):
// at most min(M−r, maxSteps) Arnoldi steps with (I − CCᵀ)·A·M, then the
// update of x and r. It returns the number of steps, the residual
// estimate after them, and an error for NaN, breakdown or cancellation
// (x and r then hold the iterate after the completed steps, except for
// NaN, where they are left unchanged).
func (s *GCRODR) cycle(A, M linop.Operator, x, r []float64, beta, thresh float64, maxSteps int, res *Result, mon *monitor) (int, float64, error) {
	kk, m := s.kk, s.m // m: stride of the small matrices
	p := min(s.mEff-kk, maxSteps)
	v0 := s.v[0]
	vec.Copy(v0, r)
	scaleVec(1/beta, v0)
	s.lsq.reset(beta)
	copy(s.basis, s.c[:kk])
	est := beta
	var stop error
	j := 0
	amax := 0.0    // the largest ‖A·M·v_j‖ of the cycle
	happy := false // the last step found an invariant subspace
	for j < p {
		w := s.v[j+1]
		s.applyAM(w, A, M, s.v[j])
		res.MatVecs++
		res.Iterations++
		s.basis[kk+j] = s.v[j]
		hn := orthogonalize(s.basis[:kk+j+1], w, s.hcol, s.tmp, s.orthog)
		for i := 0; i < kk; i++ {
			s.bk[i*m+j] = s.hcol[i]
		}
		for i := 0; i <= j; i++ {
			s.hess[i*m+j] = s.hcol[kk+i]
		}
		amv := columnNorm(hn, s.hcol[:kk+j+1]) // ‖A·M·v_j‖
		if amv > s.amNorm && finite(amv) {
			s.amNorm = amv
		}
		amax = max(amax, amv)
		happy = !(hn > breakdownTol*amv)
		if happy {
			// Invariant subspace: the new direction is round-off.
			hn = 0
			clear(w)
		} else {
			// Split as orthogonalize split its passes over w.
			vec.ScaleGS(1/hn, w, kk+j+1)
		}
		s.hess[(j+1)*m+j] = hn
		s.hcol[kk+j+1] = hn
		est = s.lsq.add(s.hcol[kk : kk+j+2])
		j++
		if !finite(amv) {
			est = amv
		}
		if err := mon.record(res.Iterations, est); err != nil {
			if errors.Is(err, ErrNaN) {
				return 0, est, err
			}
			stop = err
			break
		}
		if est <= thresh || happy {
			break
		}
	}

	// Least-squares solution y of min ‖β e₁ − H̄ y‖. After a happy
	// breakdown the last pivot is judged against ‖A·M‖ (amax), as GMRES
	// judges it: a pivot at round-off level means A·M is singular on the
	// Krylov space, and dividing by it would send x off by 1/ε (an
	// indefinite A with SSOR grew the residual to 1e39 that way).
	if d := s.lsq.diag(j - 1); !(d > 0) || happy && d <= 4*eps*amax*float64(j) {
		return 0, est, errorf("GCRODR: iteration %d: projected system is singular (pivot %.3g in column %d, ‖A·M·v‖ up to %.3g): %w", res.Iterations, d, j-1, amax, ErrBreakdown)
	}
	y := s.y[:j]
	s.lsq.solve(y, j)
	// A solution so large that its rounding error, about ε·‖A·M‖·‖y‖,
	// could exceed the residual β the cycle started from means that H̄ is
	// numerically rank deficient although no pivot shows it (a triangular
	// factor can be ill-conditioned with no small diagonal entry): A·M is
	// singular on the search space and b is outside its range. The
	// recurrence for r would then leave the true residual, which x would
	// make worse than before the cycle (GCRO-DR(40, 20) on diag(1, …, 50)
	// with entries 26 and 50 set to 0, b = 1: ‖y‖ = 3e16, estimate 2e-4,
	// true residual 15 where the least-squares minimum is √2). Well-posed
	// systems stay below 1e-10 of the bound (the package's tests, datagen
	// darcy and helmholtz).
	if yn := smallNorm(y); eps*amax*yn*float64(j) > beta {
		return 0, est, errorf("GCRODR: iteration %d: projected system is numerically singular (‖y‖ = %.3g for ‖r‖ = %.3g, ‖A·M·v‖ up to %.3g): %w", res.Iterations, yn, beta, amax, ErrBreakdown)
	}

	// x ← x + M (V y − U (B y)).
	coef := s.coef[:kk+j]
	for i := 0; i < kk; i++ {
		t := 0.0
		for l := 0; l < j; l++ {
			t += s.bk[i*m+l] * y[l]
		}
		coef[i] = -t
	}
	copy(coef[kk:], y)
	copy(s.basis, s.u[:kk])
	copy(s.basis[kk:], s.v[:j])
	clear(s.w)
	vec.MultiAxpy(s.w, coef, s.basis[:kk+j])
	s.addPrecond(x, s.w, M)

	// r ← V_{j+1} (β e₁ − H̄ y): the residual is orthogonal to C.
	sres := s.coef[:j+1]
	for i := 0; i <= j; i++ {
		t := 0.0
		if i == 0 {
			t = beta
		}
		for l := max(i-1, 0); l < j; l++ {
			t -= s.hess[i*m+l] * y[l]
		}
		sres[i] = t
	}
	clear(r)
	vec.MultiAxpy(r, sres, s.v[:j+1])
	return j, est, stop
}
