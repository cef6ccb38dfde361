package krylov

import (
	"context"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// LSQR solves min ‖A x − b‖² + λ²‖x‖² for any m×n A (over- or
// under-determined, rank-deficient, or square) by Golub–Kahan
// bidiagonalisation with the QR-based updates of Paige & Saunders (1982),
// "LSQR: an algorithm for sparse linear equations and sparse least
// squares", ACM TOMS 8(1), including their estimates of ‖r̄‖, ‖Āᵀr̄‖,
// ‖Ā‖, cond(Ā) and ‖x‖. From x₀ = 0 and without damping it converges to
// the minimum-norm least-squares solution A⁺b.
//
// A must implement linop.Transposer; otherwise LSQR returns an error.
// x holds the initial guess on entry (zeros for none; then LSQR solves
// for the correction x − x₀, damped as a whole) and the solution on
// return. len(b) must be m and len(x) n, A must not be nil and x must
// not share memory with b (panics otherwise).
//
// One iteration is one product with A and one with Aᵀ; MaxIter (default
// 10·min(m, n)) bounds them. Stopping rules: see LSOptions (defaults
// ATol = BTol = 1e-8, as older SciPy's lsqr (SciPy's now uses 1e-6), and
// ConLim = 1e8). At the end the true
// ‖b − A x‖ and ‖Aᵀ(b − A x) − λ²(x − x₀)‖ are computed and reported. Memory:
// m + 3n plus scratch m + n.
//
// Errors: ErrNotConverged (rules 3, 6, 7 of LSOptions), ErrNaN (NaN or
// Inf in the input or the iteration, an estimate that overflows even on
// the rescaled problem, or a solution beyond the float64 range; see
// LSOptions), a wrapped ctx.Err(), ErrOption for invalid options or an
// operator without ApplyT.
// With a *sparse.CSR or *sparse.CSC operator the products with Aᵀ (or A)
// sum per-core partial results, so the last bits of x depend on
// GOMAXPROCS.
func LSQR(ctx context.Context, A linop.Operator, b, x []float64, o *LSOptions) (LSResult, error) {
	return lsSolve(ctx, "LSQR", A, b, x, o, 1e-8, lsqr)
}

// lsqr is one run of LSQR on the problem as lsSolve scaled it (see lsCore).
func lsqr(ctx context.Context, A linop.Transposer, b, x []float64, opt *LSOptions, res *LSResult, sc *lsScale) error {
	const method = "LSQR"
	m, n := A.Dims()
	u := make([]float64, m)
	tm := make([]float64, m)
	v := make([]float64, n)
	w := make([]float64, n)
	tn := make([]float64, n)
	damp := opt.Damp

	// β₁u₁ = b − A x₀, α₁v₁ = Aᵀu₁.
	alpha, beta, mon, done, err := lsBidiagStart(ctx, method, A, b, x, u, v, tm, tn, opt, res, sc)
	if done {
		return err
	}
	normb := beta
	vec.Copy(w, v)

	var (
		phibar, rhobar         = beta, alpha
		anorm, acond, ddnorm   float64
		res2, xnorm, xxnorm, z float64
		cs2, sn2               = -1.0, 0.0
		dampsq                 = damp * damp
		stop                   int
		rnorm, arnorm          float64
	)
	for it := 1; stop == 0; it++ {
		// Bidiagonalisation: βu = A v − αu, αv = Aᵀu − βv.
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
		// ‖Ā‖ also takes α and λ when β = 0 (SciPy's lsqr does not): the
		// Krylov space is invariant, x is optimal after this step, and
		// rule 2 must see ‖Ā‖ > 0, or the iteration went on from u = 0.
		anorm = math.Sqrt(anorm*anorm + alpha*alpha + beta*beta + dampsq)
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

		// Eliminate the damping parameter, then the subdiagonal β.
		rhobar1, psi := rhobar, 0.0
		if damp > 0 {
			rhobar1 = math.Hypot(rhobar, damp)
			cs1, sn1 := rhobar/rhobar1, damp/rhobar1
			psi = sn1 * phibar
			phibar = cs1 * phibar
		}
		cs, sn, rho := rotg(rhobar1, beta)
		theta := sn * alpha
		rhobar = -cs * alpha
		phi := cs * phibar
		phibar = sn * phibar
		tau := sn * phi

		// Update x and w; ‖w‖²/ρ² accumulates ‖D‖²_F for cond(Ā).
		t1, t2 := phi/rho, -theta/rho
		ddnorm += vec.Dot(w, w) / (rho * rho)
		vec.Axpy(t1, w, x)
		vec.AddScaled(w, v, t2, w)

		// ‖x‖ estimate by the second rotation of Paige & Saunders §5.
		delta := sn2 * rho
		gambar := -cs2 * rho
		rhs := phi - delta*z
		zbar := rhs / gambar
		xnorm = math.Sqrt(xxnorm + zbar*zbar)
		gamma := math.Hypot(gambar, theta)
		cs2, sn2 = gambar/gamma, theta/gamma
		z = rhs / gamma
		xxnorm += z * z

		acond = anorm * math.Sqrt(ddnorm)
		res2 += psi * psi
		rnorm = math.Sqrt(phibar*phibar + res2)
		arnorm = alpha * math.Abs(tau)

		res.Iterations = it
		res.NormA, res.CondA = anorm, acond
		if err := mon.record(it, rnorm); err != nil {
			return lsFinish(method, A, b, x, tm, tn, damp, 0, res, err)
		}
		if stop, err = lsStopRule(method, opt, it, normb, rnorm, arnorm, anorm, acond, xnorm); err != nil {
			return lsFinish(method, A, b, x, tm, tn, damp, 0, res, err)
		}
	}
	return lsFinish(method, A, b, x, tm, tn, damp, stop, res, nil)
}
