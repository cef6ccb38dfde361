package krylov

import (
	"context"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// LSMR solves min ‖A x − b‖² + λ²‖x‖² for any m×n A by the method of Fong &
// Saunders (2011), "LSMR: an iterative algorithm for sparse
// least-squares problems", SIAM J. Sci. Comput. 33(5): Golub–Kahan
// bidiagonalisation like LSQR, but the iterates minimise ‖Āᵀr̄‖ over the
// Krylov space, so ‖Āᵀr̄‖ decreases monotonically (and usually ‖r̄‖ too),
// which makes early stopping on rule 2 safer than with LSQR. Its ‖r̄‖
// estimate is the one of §3.3 of the paper; ‖Āᵀr̄‖ = |ζ̄ₖ₊₁|; the ‖Ā‖
// estimate is the Frobenius norm of the bidiagonal matrix of A (without
// λ, as SciPy's; see LSResult.NormA) and cond(Ā) the ratio of the
// largest to the smallest ρ̄ₖ (§3.4). No local reorthogonalisation.
//
// A must implement linop.Transposer; otherwise LSMR returns an error.
// x holds the initial guess on entry (zeros for none; the correction
// x − x₀ is what is damped) and the solution on return. len(b) must be m
// and len(x) n, A must not be nil and x must not share memory with b
// (panics otherwise). From x₀ = 0 without damping it
// converges to the minimum-norm least-squares solution.
//
// One iteration is one product with A and one with Aᵀ; MaxIter (default
// 10·min(m, n)) bounds them. Stopping rules: see LSOptions (defaults
// ATol = BTol = 1e-6, ConLim = 1e8, as SciPy's lsmr). At the end the true
// ‖b − A x‖ and ‖Aᵀ(b − A x) − λ²(x − x₀)‖ are computed and reported. Memory:
// m + 4n plus scratch m + n.
//
// Errors: ErrNotConverged (rules 3, 6, 7 of LSOptions), ErrNaN (NaN or
// Inf in the input or the iteration, an estimate that overflows even on
// the rescaled problem, or a solution beyond the float64 range; see
// LSOptions), a wrapped ctx.Err(), ErrOption for invalid options or an
// operator without ApplyT.
// With a *sparse.CSR or *sparse.CSC operator the products with Aᵀ (or A)
// sum per-core partial results, so the last bits of x depend on
// GOMAXPROCS.
func LSMR(ctx context.Context, A linop.Operator, b, x []float64, o *LSOptions) (LSResult, error) {
	return lsSolve(ctx, "LSMR", A, b, x, o, 1e-6, lsmr)
}

// lsmr is one run of LSMR on the problem as lsSolve scaled it (see lsCore).
func lsmr(ctx context.Context, A linop.Transposer, b, x []float64, opt *LSOptions, res *LSResult, sc *lsScale) error {
	const method = "LSMR"
	m, n := A.Dims()
	u := make([]float64, m)
	tm := make([]float64, m)
	v := make([]float64, n)
	h := make([]float64, n)
	hbar := make([]float64, n)
	tn := make([]float64, n)
	damp := opt.Damp

	// β₁u₁ = b − A x₀, α₁v₁ = Aᵀu₁.
	alpha, beta, mon, done, err := lsBidiagStart(ctx, method, A, b, x, u, v, tm, tn, opt, res, sc)
	if done {
		return err
	}
	normb := beta
	vec.Copy(h, v)

	var (
		// Rotations P̂ (damping), P and P̄ of the paper.
		zetabar     = alpha * beta
		alphabar    = alpha
		rho, rhobar = 1.0, 1.0
		cbar, sbar  = 1.0, 0.0
		zeta        float64
		// ‖r̄‖ estimate (§3.3): rotations Q̂, Q and Q̃ applied to βe₁.
		betadd        = beta
		betad         float64
		rhodold       = 1.0
		tautildeold   float64
		thetatilde    float64
		d             float64
		normA2        = alpha * alpha
		maxrbar       float64
		minrbar       = math.MaxFloat64
		normr, normar float64
		normA, condA  float64
		stop          int
	)
	for it := 1; stop == 0; it++ {
		A.Apply(tm, v)
		res.MatVecs++
		beta = xpayNorm(tm, -alpha, u)
		if !sc.check(beta) {
			return nil // start again rescaled
		}
		if !finite(beta) {
			return lsFinish(method, A, b, x, tm, tn, damp, 0, res,
				errorf("%s: β = %v at iteration %d: %w", method, beta, it, ErrNaN))
		}
		if beta > 0 {
			normalize(u, beta)
			A.ApplyT(tn, u)
			res.MatVecsT++
			alpha = xpayNorm(tn, -beta, v)
			if !sc.check(alpha) {
				return nil
			}
			if !finite(alpha) {
				return lsFinish(method, A, b, x, tm, tn, damp, 0, res,
					errorf("%s: α = %v at iteration %d: %w", method, alpha, it, ErrNaN))
			}
			normalize(v, alpha)
		}

		// P̂: eliminate the damping.
		chat, shat, alphahat := rotg(alphabar, damp)
		// P: eliminate β.
		rhoold := rho
		var c, s float64
		c, s, rho = rotg(alphahat, beta)
		thetanew := s * alpha
		alphabar = c * alpha
		// P̄: the second QR that makes ‖Āᵀr̄‖ minimal.
		rhobarold := rhobar
		zetaold := zeta
		thetabar := sbar * rho
		rhotemp := cbar * rho
		cbar, sbar, rhobar = rotg(cbar*rho, thetanew)
		zeta = cbar * zetabar
		zetabar = -sbar * zetabar

		// h̄ ← h − (θ̄ρ/(ρ_old ρ̄_old)) h̄; x ← x + (ζ/(ρρ̄)) h̄; h ← v − (θ/ρ) h.
		vec.AddScaled(hbar, h, -thetabar*rho/(rhoold*rhobarold), hbar)
		vec.Axpy(zeta/(rho*rhobar), hbar, x)
		vec.AddScaled(h, v, -thetanew/rho, h)

		// ‖r̄‖ estimate: Q̂, Q on (β̈, 0), then Q̃ on the previous row.
		betaacute := chat * betadd
		betacheck := -shat * betadd
		betahat := c * betaacute
		betadd = -s * betaacute
		thetatildeold := thetatilde
		ctildeold, stildeold, rhotildeold := rotg(rhodold, thetabar)
		thetatilde = stildeold * rhobar
		rhodold = ctildeold * rhobar
		betad = -stildeold*betad + ctildeold*betahat
		tautildeold = (zetaold - thetatildeold*tautildeold) / rhotildeold
		taud := (zeta - thetatilde*tautildeold) / rhodold
		d += betacheck * betacheck
		normr = math.Sqrt(d + (betad-taud)*(betad-taud) + betadd*betadd)

		// ‖Ā‖ and cond(Ā) estimates.
		normA2 += beta * beta
		normA = math.Sqrt(normA2)
		normA2 += alpha * alpha
		// ρ̄_old is the initial 1 at the first iteration (not an entry of
		// the bidiagonal): like minrbar, maxrbar starts from the second,
		// or cond(Ā) ≥ 1/ρ̄ ≈ 1/‖A‖ on a small A (SciPy's lsmr and Fong–
		// Saunders' code include it: rule 3 stopped 1e-20·A at once).
		if it > 1 {
			maxrbar = math.Max(maxrbar, rhobarold)
			minrbar = math.Min(minrbar, rhobarold)
		}
		condA = math.Max(maxrbar, rhotemp) / math.Min(minrbar, rhotemp)
		normar = math.Abs(zetabar)

		res.Iterations = it
		res.NormA, res.CondA = normA, condA
		if err := mon.record(it, normr); err != nil {
			return lsFinish(method, A, b, x, tm, tn, damp, 0, res, err)
		}
		if stop, err = lsStopRule(method, opt, it, normb, normr, normar, normA, condA, vec.Norm(x)); err != nil {
			return lsFinish(method, A, b, x, tm, tn, damp, 0, res, err)
		}
	}
	return lsFinish(method, A, b, x, tm, tn, damp, stop, res, nil)
}
