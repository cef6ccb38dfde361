package krylov

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// GMRES solves A x = b for a general square A by restarted GMRES(m)
// (Saad & Schultz 1986; Saad, Iterative Methods for Sparse Linear Systems,
// 2nd ed., Alg. 6.9 and §9.3), m = o.Restart (default 30, as PETSc; capped
// at n).
//
// x holds the initial guess on entry (zeros for none) and the solution on
// return. Options used: RTol (default 1e-5), ATol, MaxIter (default
// 10·n), Restart, Precond, Side, Orthog, History, Progress.
//
// Arnoldi: classical Gram–Schmidt, by default reorthogonalised when the
// measured loss of orthogonality calls for it (Options.Orthog: OrthogAuto;
// OrthogOnce is PETSc's and Krylov.jl's default, OrthogTwice CGS2), the
// least-squares problem updated by Givens rotations. A happy breakdown
// (the Krylov space became invariant) ends the cycle with the exact
// solution on that space; when A is singular on it,
// the solve stops with ErrBreakdown. A cycle whose correction, formed,
// leaves a true residual above that of the cycle's start (or, after a
// happy breakdown, above the tolerance) has a numerically singular
// Hessenberg matrix: corrections from fewer Arnoldi vectors are tried
// (one product each) and the best kept, none if none improves x (with left
// preconditioning the residual compared is ‖M(b − A x)‖, the one the
// cycle minimises). A correction whose true residual, formed when the
// estimate passes, exceeds the cycle's start ends the cycle the same way
// (right preconditioning); a solve stopped as stagnated returns the better
// of the cycle's start and its last correction.
//
// Preconditioning: Side Right (default) runs GMRES on A M with x = x₀ + M y,
// so the least-squares residual it minimises is the true residual
// ‖b − A x‖; Side Left runs it on M A and minimises ‖M(b − A x)‖. The
// preconditioner must be the same linear operator at every application
// (use FGMRES otherwise).
//
// Iterations: one iteration is one Arnoldi step (one product with A, one
// application of M). Iterations and MaxIter count these inner steps over
// all cycles, as PETSc's KSPGetIterationNumber and SciPy's pr_norm
// callback do (SciPy's own maxiter counts cycles instead).
//
// Stopping: within a cycle the least-squares residual is compared with
// max(RTol·‖b‖, ATol); with left preconditioning it estimates ‖M r‖, so the
// target is scaled by ‖r₀‖/‖M r₀‖ of the cycle's starting residual. When
// the estimate passes, x is formed and its true residual computed: the
// solve converges only if the true residual passes; if it does not, the
// cycle goes on with a target lowered by the observed ratio of estimate to
// true residual. At each restart and at the end the true residual is
// recomputed from scratch. Repeated failures to improve the true residual
// stop the solve as stagnated (ErrNotConverged).
//
// History holds the least-squares residual estimate of every iteration
// (with left preconditioning scaled to estimate ‖r‖ as above).
//
// Memory: (m+1)·n for the basis plus 3n. Cost per iteration j of a cycle:
// one product with A and M, and about 2j+4 passes over vectors of length n
// (twice that when a step is reorthogonalised).
//
// Errors: ErrBreakdown (singular A on the Krylov space, or M·r = 0),
// ErrNaN, ErrNotConverged (MaxIter or stagnation), a wrapped ctx.Err().
func GMRES(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	if res, ok, err := rescaled("GMRES", A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return GMRES(ctx, A, b, x, o) }); ok {
		return res, err
	}
	return gmres(ctx, "GMRES", A, b, x, o, false)
}

// GMRESBytes returns the bytes a GMRES solve of n unknowns with the given
// restart length (0: DefaultRestart) allocates for its length-n vectors:
// the min(restart, n)+1 basis vectors and 3 work vectors, and with
// flexible (FGMRES with a preconditioner) the min(restart, n)
// preconditioned ones, 8 bytes each. The O(restart²) Hessenberg storage is
// not counted. A caller that sizes a solve from user input can refuse a
// restart that cannot fit before the allocation fails. It panics if n or
// restart is negative.
func GMRESBytes(n, restart int, flexible bool) float64 {
	if n < 0 || restart < 0 {
		panic(fmt.Sprintf("krylov: GMRESBytes: negative size %d or restart %d", n, restart))
	}
	if restart == 0 {
		restart = DefaultRestart
	}
	m := min(restart, n)
	vecs := m + 1 + 3
	if flexible {
		vecs += m
	}
	return 8 * float64(n) * float64(vecs)
}

// gmres is the engine of GMRES and FGMRES (flexible: right
// preconditioning that may change at every step, with the preconditioned
// vectors Z kept).
func gmres(ctx context.Context, method string, A linop.Operator, b, x []float64, o *Options, flexible bool) (Result, error) {
	opt, bnorm, thresh, res, done, err := start(method, A, b, x, o)
	if done {
		return res, err
	}
	n := len(b)
	m := min(opt.Restart, n)
	M := opt.Precond
	left := M != nil && opt.Side == Left && !flexible
	right := M != nil && !left
	mon := newMonitor(ctx, method, &opt, bnorm, &res)

	V := vectors(m+1, n)
	var Z [][]float64
	if flexible && M != nil {
		Z = vectors(m, n)
	}
	r := make([]float64, n)
	w := make([]float64, n)
	xt := make([]float64, n)
	hl := newHessLSQ(m)
	hcol := make([]float64, m+1)
	tmp := make([]float64, m+1)
	y := make([]float64, m)

	var rnorm float64
	if isZero(x) {
		vec.Copy(r, b)
		rnorm = bnorm
	} else {
		rnorm = residualTo(r, A, b, x)
		res.MatVecs++
	}
	if rnorm <= thresh {
		if err := mon.record(0, rnorm); err != nil {
			return res, conclude(method, rnorm, bnorm, thresh, &res, err)
		}
		res.Reason = "initial guess satisfies the tolerance"
		return res, conclude(method, rnorm, bnorm, thresh, &res, nil)
	}

	// correction sets xt = x + (update from the first k basis vectors).
	correction := func(k int) {
		switch {
		case flexible && M != nil:
			vec.Copy(xt, x)
			vec.MultiAxpyNorm(xt, y[:k], Z[:k])
		case right:
			clear(w)
			vec.MultiAxpyNorm(w, y[:k], V[:k])
			M.Apply(r, w)
			vec.AddScaled(xt, x, 1, r)
		default:
			vec.Copy(xt, x)
			vec.MultiAxpyNorm(xt, y[:k], V[:k])
		}
	}

	var stag stagnation
	it := 0
	for cycle := 0; ; cycle++ {
		// r holds the true residual of x and rnorm its norm.
		rStart := rnorm
		beta := rnorm
		if cycle == 0 {
			if err := mon.record(0, rnorm); err != nil {
				return res, conclude(method, rnorm, bnorm, thresh, &res, err)
			}
		}
		if left {
			M.Apply(V[0], r)
			beta = vec.Norm(V[0])
		} else {
			vec.Copy(V[0], r)
		}
		if !finite(beta) {
			return res, conclude(method, rnorm, bnorm, thresh, &res,
				errorf("%s: ‖M r‖ = %v at iteration %d: %w", method, beta, it, ErrNaN))
		}
		if beta == 0 {
			res.Reason = "breakdown: the preconditioner maps the residual to zero"
			return res, conclude(method, rnorm, bnorm, thresh, &res,
				errorf("%s: M·r = 0 for r ≠ 0 at iteration %d: the preconditioner is singular: %w", method, it, ErrBreakdown))
		}
		scaleVec(1/beta, V[0])
		// scale converts the least-squares residual to an estimate of ‖r‖.
		scale := rnorm / beta
		target := thresh / scale
		hl.reset(beta)

		k := 0
		breakdown := false
		// hmax is the largest ‖A·v_j‖ (‖M·A·v_j‖, ‖A·M·v_j‖) of the
		// cycle, the scale against which a pivot is round-off.
		hmax := 0.0
		for k < m && it < opt.MaxIter {
			j := k
			switch {
			case left:
				A.Apply(w, V[j])
				M.Apply(V[j+1], w)
			case flexible && M != nil:
				M.Apply(Z[j], V[j])
				A.Apply(V[j+1], Z[j])
			case right:
				M.Apply(w, V[j])
				A.Apply(V[j+1], w)
			default:
				A.Apply(V[j+1], V[j])
			}
			res.MatVecs++
			it++
			res.Iterations = it
			hnext := orthogonalize(V[:j+1], V[j+1], hcol, tmp, opt.Orthog)
			hn := columnNorm(hnext, hcol[:j+1])
			if !finite(hn) {
				// Iteration it did not complete: x is the cycle's start.
				res.Iterations = it - 1
				return res, conclude(method, rnorm, bnorm, thresh, &res,
					errorf("%s: Arnoldi vector is not finite at iteration %d: %w", method, it, ErrNaN))
			}
			hmax = max(hmax, hn)
			breakdown = hnext <= 4*eps*hn
			if breakdown {
				hnext = 0
			}
			hcol[j+1] = hnext
			est := hl.add(hcol[:j+2])
			k = j + 1
			if err := mon.record(it, est*scale); err != nil {
				// Cancelled: return the best iterate of the cycle.
				if kk := k - 1; hl.diag(kk) > 0 || kk > 0 {
					if hl.diag(kk) == 0 {
						kk--
					}
					hl.solve(y, kk+1)
					correction(kk + 1)
					vec.Copy(x, xt)
				}
				return res, finish(method, A, b, x, r, bnorm, thresh, &res, err)
			}
			if breakdown {
				break
			}
			scaleVec(1/hnext, V[j+1])
			if est <= target {
				// Confirm with the true residual of the current iterate.
				hl.solve(y, k)
				correction(k)
				tn := residualTo(r, A, b, xt)
				res.MatVecs++
				if tn <= thresh {
					vec.Copy(x, xt)
					return res, conclude(method, tn, bnorm, thresh, &res, nil)
				}
				if !left && tn > rStart {
					// The minimised residual cannot exceed the cycle's
					// start: H is numerically singular, and the basis
					// goes no further. End the cycle, whose correction
					// is backtracked below.
					break
				}
				if stag.failed(tn) {
					// Stagnated: return the better of x and xt (with
					// left preconditioning ‖b − A xt‖ may exceed the
					// cycle's start, a failed solve must not end worse).
					if tn < rStart {
						vec.Copy(x, xt)
					} else {
						tn = rStart
					}
					res.Reason = reasonStagnated
					return res, conclude(method, tn, bnorm, thresh, &res, nil)
				}
				target = est * thresh / tn
			}
		}

		// End of cycle: form x and its true residual. The last pivot is
		// judged against hmax, not against the first column: a cycle that
		// starts from a residual A nearly annihilates (the null-space part
		// of an inconsistent system) has a first column at round-off
		// level, and a pivot judged against it is never small enough.
		singular := false
		if breakdown && hl.diag(k-1) <= 4*eps*hmax*float64(k) {
			singular = true
			k-- // the last column is dependent: solve on the others
		}
		backtracked := false
		if k > 0 {
			hl.solve(y, k)
			correction(k)
			rnorm = residualTo(r, A, b, xt)
			res.MatVecs++
			// grew compares the residual the cycle minimised with the
			// cycle's start: the true one, or with left preconditioning
			// ‖M(b − A xt)‖ against β = ‖M r₀‖ (one application of M).
			// A NaN (x no longer finite) counts as growth.
			grew := !(rnorm <= rStart)
			if left && !(rnorm <= thresh) {
				M.Apply(w, r)
				grew = !(vec.Norm(w) <= beta)
			}
			if !(rnorm <= thresh) && (breakdown || grew) {
				// The residual a cycle minimises cannot grow, nor can a
				// happy breakdown miss the solution on the Krylov space,
				// unless H is numerically singular (A singular, or b
				// nearly in an invariant subspace): then a pivot far
				// above the test above, rounding of an exact zero, gives
				// a huge y that ruins x (‖x‖ ≈ 1e17 and ‖b − A x‖ up to
				// 100‖b‖ on singular systems of 7–30 unknowns at step
				// n; no pivot is small when R is ill-conditioned as a
				// whole). Fewer columns give the best residual instead:
				// the true one, or with left preconditioning ‖M(b − A x)‖
				// (it grew 100-fold on singular systems, and the true
				// residual with it).
				if left {
					k, _ = backtrack(k, vec.Norm(w), thresh/scale, func(j int) float64 { return beta * hl.lsres(j) }, func(j int) float64 {
						hl.solve(y, j)
						correction(j)
						res.MatVecs++
						residualTo(w, A, b, xt)
						M.Apply(r, w)
						return vec.Norm(r)
					})
				} else {
					k, _ = backtrack(k, rnorm, thresh, func(j int) float64 { return rStart * hl.lsres(j) }, func(j int) float64 {
						hl.solve(y, j)
						correction(j)
						res.MatVecs++
						return residualTo(w, A, b, xt)
					})
				}
				backtracked = true
				if k > 0 {
					hl.solve(y, k)
					correction(k)
				} else {
					vec.Copy(xt, x)
				}
				if breakdown && k < hl.k {
					singular = true
				}
				// The true residual of the chosen correction, into r.
				rnorm = residualTo(r, A, b, xt)
				res.MatVecs++
			}
			vec.Copy(x, xt)
		} else {
			rnorm = residualTo(r, A, b, x)
			res.MatVecs++
		}
		if rnorm <= thresh {
			return res, conclude(method, rnorm, bnorm, thresh, &res, nil)
		}
		if singular && rnorm <= roundingLevel(bnorm, hmax, x, M == nil) {
			// The cycle started from the rounding error of b − A x (a
			// tolerance below what the arithmetic attains), which no
			// correction lowers: x is as accurate as it gets, and A need
			// not be singular (diag(2, 3) at RTol 1e-20 said it was).
			res.Reason = reasonStagnated
			return res, conclude(method, rnorm, bnorm, thresh, &res, nil)
		}
		if singular {
			res.Reason = "breakdown: A is singular on the Krylov space"
			return res, conclude(method, rnorm, bnorm, thresh, &res,
				errorf("%s: singular Hessenberg matrix at iteration %d (A is singular and b − A x₀ has a component outside its range): %w", method, it, ErrBreakdown))
		}
		if it >= opt.MaxIter {
			return res, conclude(method, rnorm, bnorm, thresh, &res, nil)
		}
		if (breakdown || backtracked) && stag.failed(rnorm) {
			res.Reason = reasonStagnated
			return res, conclude(method, rnorm, bnorm, thresh, &res, nil)
		}
	}
}

// roundingLevel bounds the norm of the rounding error of a computed
// residual b − A x: 16ε·max(‖b‖, hmax·‖x‖), hmax (the largest Arnoldi
// column norm, a lower bound of ‖A‖) standing in for ‖A‖ only without a
// preconditioner (hmax then measures the preconditioned operator).
func roundingLevel(bnorm, hmax float64, x []float64, plain bool) float64 {
	scale := bnorm
	if plain {
		scale = max(scale, hmax*vec.Norm(x))
	}
	return 16 * eps * scale
}

// backtrack returns the number of Arnoldi columns, at most k, whose
// correction has the smallest true residual found, and that residual. tk
// is the true residual with k columns, est(j) the least-squares residual
// with j columns (est(0) is the true residual of the cycle's start) and
// res(j) forms the correction with j columns and returns its true
// residual. Fewer columns are tried until a correction's true residual is
// within a factor 2 of its estimate (fewer columns cannot do better) or
// meets thresh; none (0, est(0)) is returned if nothing tried beats it.
func backtrack(k int, tk, thresh float64, est, res func(j int) float64) (int, float64) {
	best, tbest := k, nanInf(tk)
	for j, tj := k, tbest; j > 0 && !(tj <= 2*est(j)) && tj > thresh; {
		j--
		if j == 0 {
			tj = est(0)
		} else {
			tj = nanInf(res(j))
		}
		if tj < tbest {
			best, tbest = j, tj
		}
	}
	if r0 := est(0); tbest > r0 {
		return 0, r0 // no correction beats none
	}
	return best, tbest
}

// nanInf returns v, or +Inf for a NaN (a residual of an x that is not
// finite), so that comparisons rank it last.
func nanInf(v float64) float64 {
	if v != v {
		return math.Inf(1)
	}
	return v
}

// scaleVec sets v ← a·v: gonum's assembly kernel for vectors short enough
// to be in cache, the parallel vec.Scale for long ones.
func scaleVec(a float64, v []float64) {
	if len(v) < vec.ParallelMin {
		floats.Scale(a, v)
		return
	}
	vec.Scale(a, v)
}

// eps is the machine epsilon of float64.
const eps = 0x1p-52

// vectors returns count vectors of length n carved from one allocation.
func vectors(count, n int) [][]float64 {
	buf := make([]float64, count*n)
	v := make([][]float64, count)
	for i := range v {
		v[i] = buf[i*n : (i+1)*n : (i+1)*n]
	}
	return v
}
