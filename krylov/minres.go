package krylov

import (
	"context"
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// MINRES solves A x = b for a symmetric A, possibly indefinite or singular,
// by the minimum residual method of Paige & Saunders (1975): Lanczos
// tridiagonalisation with the least-squares problem updated by Givens
// rotations, in the preconditioned form of Saunders' reference code (M
// symmetric positive definite; the method minimises ‖r‖ in the M-norm).
//
// x holds the initial guess on entry (zeros for none) and the solution on
// return. Options used: RTol (default 1e-5), ATol, MaxIter (default
// 10·n), Precond, History, Progress; Side (which must be Left or
// Right) and Restart do not change the method. A is
// assumed symmetric (not checked: a nonsymmetric A gives wrong results
// without an error); M must be symmetric positive definite (rᵀMr ≤ 0 is
// reported as ErrIndefinite).
//
// One iteration is one product with A and one application of M. Memory:
// 8n. The recurrence residual estimate φ never increases.
//
// Stopping: φ = ‖r‖ in exact arithmetic without a preconditioner and
// ‖r‖ in the M-norm with one, so the target max(RTol·‖b‖, ATol) is scaled
// by ‖r₀‖/φ₀. When φ passes it, the true residual b − A x is computed and
// must pass too; if not, the target is lowered by the observed ratio and
// the iteration continues (three failures in a row without halving the
// true residual stop it as stagnated). Two more stops, both reported as
// not converged (ErrNotConverged): ‖A r‖/(‖A‖‖r‖) ≤ √ε when the
// residual does not halve within 10 more iterations, which means A is
// singular and b has a component outside its range — x is then the
// least-squares solution of the iteration where the test passed — and a
// Lanczos breakdown (βₖ₊₁ ≤ ε‖A‖, the Krylov space is invariant) that
// leaves the residual above the tolerance. ‖A‖ is Paige–Saunders'
// Frobenius-norm estimate of the Lanczos tridiagonal matrix. A solve
// that does not converge returns, of the iterates whose true residual
// it computed (x₀, confirmations, the least-squares test), the one with
// the smallest, when the last x is worse: once rounding dominates
// (nearly singular A, or more than n steps) MINRES's x can drift far.
//
// The least-squares test uses Paige–Saunders' estimate root/‖A‖ of
// ‖A r‖/(‖A‖‖r‖) with the fixed threshold √ε = 2⁻²⁶ ≈ 1.5e-8, a
// choice made by experiment (the reference code compares it with the
// relative tolerance instead, which stops compatible but ill-conditioned
// systems early): on compatible systems it stays above about 1/κ(A), and
// on incompatible ones it falls below √ε while the residual sits at its
// least-squares minimum, before MINRES's known instability on singular
// systems makes x grow (Choi, Paige & Saunders 2011). Compatible systems
// with κ ≳ 1e8 pass it too, though tolerances down to about ε·κ are
// attainable there: hence the 10 further iterations, in which such a
// residual falls once the Krylov space holds the tiny eigenvalues (an
// immediate stop left residuals of 1e-2 to 0.6 where SciPy and PETSc
// reach 1e-5). MINRES-QLP would be the remedy for singular systems;
// subspace does not provide it (GMRES or LSQR/LSMR are the alternatives).
//
// Errors: ErrIndefinite (M not positive definite), ErrNaN,
// ErrNotConverged, a wrapped ctx.Err().
func MINRES(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	const method = "MINRES"
	if res, ok, err := rescaled(method, A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return MINRES(ctx, A, b, x, o) }); ok {
		return res, err
	}
	opt, bnorm, thresh, res, done, err := start(method, A, b, x, o)
	if done {
		return res, err
	}
	n := len(b)
	mon := newMonitor(ctx, method, &opt, bnorm, &res)
	M := opt.Precond

	r1 := make([]float64, n)
	r2 := make([]float64, n)
	y := make([]float64, n)
	v := make([]float64, n)
	w := make([]float64, n)
	w1 := make([]float64, n)
	w2 := make([]float64, n)
	xbest := make([]float64, n) // the iterate of smallest true residual computed

	rnorm, done, err := initialResidual(method, A, b, x, r1, v, bnorm, thresh, &res, &mon)
	if done {
		return res, err
	}
	beta1 := rnorm
	if M != nil {
		M.Apply(y, r1)
		bb := vec.Dot(r1, y)
		if err := minresCheckM(bb, 0); err != nil {
			return res, finish(method, A, b, x, v, bnorm, thresh, &res, err)
		}
		beta1 = math.Sqrt(bb)
	}
	vec.Copy(r2, r1)
	vec.Copy(xbest, x)
	tbest := rnorm

	// scale converts φ to an estimate of ‖r‖.
	scale := rnorm / beta1
	target := thresh / scale
	var (
		oldb, dbar, epsln, tnorm2 float64
		tnormH                    float64 // √tnorm2 by hypot, when tnorm2 over- or underflows
		beta, phibar              = beta1, beta1
		cs, sn                    = -1.0, 0.0
		stag                      stagnation
		lsAt                      int     // iteration at which the least-squares test passed; 0: none pending
		lsPhi, lsRatio            float64 // φ and ‖Ar‖/(‖A‖‖r‖) then
	)
	// trueRes returns the true residual of x (into scratch, v or w1,
	// whichever the iteration no longer reads), keeping x in xbest when
	// it is the smallest yet, or, while a least-squares stop is pending
	// (xbest then holds the least-squares iterate, whose norm is not
	// grown yet), when it halves the smallest.
	trueRes := func(scratch []float64) float64 {
		tn := residualTo(scratch, A, b, x)
		res.MatVecs++
		if tn < tbest && (lsAt == 0 || tn <= tbest/2) {
			tbest = tn
			vec.Copy(xbest, x)
		}
		return tn
	}
	// settle ends a solve that did not converge: x becomes xbest when
	// the true residual of x is larger (MINRES's x can drift far once
	// rounding has taken over, on nearly singular A or past n steps), or
	// not half xbest's while a least-squares stop is pending.
	settle := func(tn float64, err error) error {
		if !(tn <= tbest) || (lsAt > 0 && tn > tbest/2) { // NaN tn: x is not finite
			vec.Copy(x, xbest)
			tn = residualTo(v, A, b, x)
			res.MatVecs++
		}
		return conclude(method, tn, bnorm, thresh, &res, err)
	}
	for it := 1; it <= opt.MaxIter; it++ {
		z := r2
		if M != nil {
			z = y
		}
		vec.Axpby(1/beta, z, 0, v)
		A.Apply(y, v)
		res.MatVecs++
		if it >= 2 {
			vec.Axpy(-beta/oldb, r1, y)
		}
		alfa := vec.Dot(v, y)
		vec.Axpy(-alfa/beta, r2, y)
		r1, r2, y = r2, y, r1
		var bb float64
		if M != nil {
			M.Apply(y, r2)
			bb = vec.Dot(r2, y)
			if err := minresCheckM(bb, it); err != nil {
				// A failed solve, not worse than x₀ (see MINRES).
				return res, settle(trueRes(v), err)
			}
		} else {
			bb = vec.Dot(r2, r2)
		}
		nb := math.Sqrt(bb)
		if M == nil {
			// ‖r2‖ ≈ ‖A‖: its square leaves the range when ‖A‖ does
			// ~1e±154 (β² = +Inf on 1e154·L, 0 — "invariant" — on 1e-200·L).
			nb = safeNorm(r2, bb)
		}
		if !finite(alfa) || !finite(nb) {
			return res, settle(trueRes(v),
				errorf("%s: Lanczos coefficients α = %v, β² = %v at iteration %d: %w", method, alfa, bb, it, ErrNaN))
		}
		oldb = beta
		beta = nb
		// tnorm2 = ‖T_k‖_F², T_k the Lanczos tridiagonal: its α's and,
		// twice, its β₂…β_{k+1}. β₁ = ‖b‖ is not an entry of T (SciPy,
		// after Paige and Saunders' code, adds it too, which makes the
		// estimate of ‖A‖ ‖b‖-sized when A's scale is far below b's, and
		// the singularity test below fired at once for A = 1e-8·L).
		tnorm2 += alfa*alfa + beta*beta
		tnormH = math.Hypot(math.Hypot(tnormH, alfa), beta) // the same, for ‖A‖ beyond ~1e±154
		if it >= 2 {
			tnorm2 += oldb * oldb
			tnormH = math.Hypot(tnormH, oldb)
		}

		// Apply the previous rotation, then form the new one.
		oldeps := epsln
		delta := cs*dbar + sn*alfa
		gbar := sn*dbar - cs*alfa
		epsln = sn * beta
		dbar = -cs * beta
		// root/‖A‖ estimates ‖A r‖/(‖A‖‖r‖) for the current x: stop before
		// a step on a numerically singular system makes x grow.
		root := math.Hypot(gbar, dbar)
		anorm := math.Sqrt(tnorm2)
		if !sqInRange(tnorm2) {
			anorm = tnormH
		}
		// (w1, read before it is rotated out below, is free here.)
		if lsAt > 0 && phibar <= lsPhi/2 && trueRes(w1) <= lsPhi*scale/2 {
			lsAt = 0 // the residual still falls: A nearly singular, b in its range
		}
		if lsAt > 0 && (it-lsAt >= minresLSWindow || phibar <= lsPhi/2) {
			res.Reason = fmt.Sprintf("A is singular and b is not in its range: x is a least-squares solution (‖Ar‖/(‖A‖‖r‖) = %.2g)", lsRatio)
			return res, settle(trueRes(v), nil)
		}
		if anorm == 0 {
			// A·v₁ = 0: the residual lies in A's null space.
			res.Reason = "A is singular and b is not in its range: x is a least-squares solution (A r = 0)"
			return res, settle(trueRes(v), nil)
		}
		if lsAt == 0 && root <= minresLSTol*anorm {
			trueRes(w1) // xbest: this x, unless an earlier one was better
			lsAt, lsPhi, lsRatio = it, phibar, root/anorm
		}
		// γ is kept away from 0 relative to ‖A‖ (positive here, or the
		// test above would have stopped): an absolute floor (SciPy's
		// max(γ, ε)) turns every rotation of a system with ‖A‖ ≪ 1 into
		// garbage.
		gamma := math.Max(math.Hypot(gbar, beta), eps*anorm)
		cs = gbar / gamma
		sn = beta / gamma
		phi := cs * phibar
		phibar = sn * phibar

		// w = (v − ε·w₁ − δ·w₂)/γ with w₁ ← w₂ ← w rotated; x += φ·w.
		w1, w2, w = w2, w, w1
		vec.AddScaled(w, v, -oldeps, w1)
		vec.Axpy(-delta, w2, w)
		vec.Scale(1/gamma, w)
		vec.Axpy(phi, w, x)

		res.Iterations = it
		if err := mon.record(it, phibar*scale); err != nil {
			return res, finish(method, A, b, x, v, bnorm, thresh, &res, err)
		}
		if phibar <= target {
			tn := trueRes(v)
			if tn <= thresh {
				return res, conclude(method, tn, bnorm, thresh, &res, nil)
			}
			if stag.failed(tn) {
				res.Reason = reasonStagnated
				return res, settle(tn, nil)
			}
			target = phibar * thresh / tn
		}
		if beta <= eps*anorm {
			res.Reason = "Lanczos breakdown: the Krylov space is invariant"
			return res, settle(trueRes(v), nil)
		}
	}
	return res, settle(trueRes(v), nil)
}

// minresLSWindow is the number of iterations MINRES goes on after the
// least-squares test first passes before it stops as incompatible: a
// nonsingular but nearly singular A (κ ≳ 1e8) with b in its range passes
// the test too, and its residual then falls by half within a few
// iterations, once the Krylov space holds the tiny eigenvalues (stopping
// at once left residuals of 1e-2 to 0.5 where SciPy and PETSc reach 1e-5
// or less); on an incompatible system the residual stays at its
// least-squares minimum, and the iterate of that iteration is returned.
const minresLSWindow = 10

// minresLSTol is the threshold on ‖A r‖/(‖A‖‖r‖) below which MINRES stops
// with a least-squares solution (see MINRES).
const minresLSTol = 0x1p-26 // √ε ≈ 1.5e-8

// minresCheckM reports a preconditioner that is not positive definite
// (rᵀMr < 0, rᵀMr = 0 for the initial residual r ≠ 0, or NaN). Later,
// rᵀMr = 0 can be r = 0, the Lanczos breakdown the iteration handles.
func minresCheckM(bb float64, it int) error {
	if math.IsNaN(bb) || math.IsInf(bb, 0) {
		return errorf("MINRES: rᵀMr = %v at iteration %d: %w", bb, it, ErrNaN)
	}
	if bb < 0 || (bb == 0 && it == 0) {
		return errorf("MINRES: rᵀMr = %.3g ≤ 0 at iteration %d: the preconditioner is not positive definite: %w", bb, it, ErrIndefinite)
	}
	return nil
}
