package krylov

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// CG solves A x = b for a symmetric positive definite A by the
// preconditioned conjugate gradient method (Hestenes & Stiefel 1952, in the
// form of Saad, Iterative Methods for Sparse Linear Systems, 2nd ed.,
// Alg. 9.1).
//
// x holds the initial guess on entry (zeros for none) and the solution on
// return. o.Precond, if set, applies M ≈ A⁻¹ and must be symmetric positive
// definite. Options used: RTol (default 1e-5), ATol, MaxIter (default
// 10·n), Precond, History, Progress; Side (which must be Left or
// Right) and Restart do not change the method.
//
// One iteration is one product with A, one application of M and two
// passes over the vectors (the update of x and r is fused with ‖r‖, the
// new direction with the preconditioner when it is diagonal, and for a
// *sparse.CSR the product with pᵀAp); MaxIter bounds the iterations. A
// preconditioner with a method InvDiag() []float64 (precond.Jacobi) is
// taken to be dst = InvDiag()∘x and applied inside those passes. Memory:
// 4n (5n with a non-diagonal preconditioner).
//
// Stopping: the recurrence residual r (updated by r ← r − αAp, the
// unpreconditioned residual) is tested against max(RTol·‖b‖, ATol) after
// every iteration; when it passes, the true residual b − A x is computed
// and must pass as well. If it does not (rounding made the recurrence
// drift), r is replaced by the true residual and the iteration continues
// (residual replacement, van der Vorst & Ye 2000). When three such
// replacements in a row fail to halve the true residual the solve stops as
// stagnated: the tolerance is below the attainable accuracy.
//
// Errors: ErrIndefinite when pᵀAp ≤ 0 (A is not positive definite) or
// rᵀMr ≤ 0 (M is not), with the iteration; ErrNaN for NaN/Inf in b, x or
// the iteration; ErrNotConverged after MaxIter iterations or on
// stagnation; a wrapped ctx.Err() on cancellation. The Result always
// describes the x returned, with its true residual.
//
// A failed solve returns its last iterate unless the best start iterate
// (x₀, or an iterate whose true residual was computed to confirm a pass
// and was below x₀'s in both measures below) is better: in energy
// φ(x) = ½xᵀAx − bᵀx = ½‖x − x*‖²_A − ½bᵀx* after MaxIter, stagnation or
// a NaN, and by true residual after ErrIndefinite. CG minimises the A-norm
// of the error, not the residual, whose norm may rise while the error
// falls: on SPD A and M the x returned has ‖x − x*‖_A ≤ ‖x₀ − x*‖_A (up
// to the rounding of φ), its residual may exceed x₀'s. (Rounding alone
// could make it far worse: after a failed confirmation at the attainable
// accuracy the iterates of an SPD system with IC(0) grew to 1e52‖b‖ by
// MaxIter.) On a matrix that is not SPD but never gives pᵀAp ≤ 0
// (nonsymmetric, or indefinite on the directions visited) φ is not a
// norm, and a failed solve may return a residual above x₀'s; use GMRES,
// BiCGStab or MINRES there. The comparison costs one copy of x₀ and one
// pass per solve, one pass per failed confirmation, and one or two
// products after a failure.
func CG(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	return new(CGSolver).Solve(ctx, A, b, x, o)
}

// CGSolver is CG with its work vectors kept between solves: a method that
// runs CG in a loop (such as ot's SNS, one solve per Newton step) sizes
// them once instead of allocating 4n–5n floats per solve. Solve is CG,
// with the same iterates, Result and errors, bit for bit. The zero value
// is ready to use; a CGSolver must not be used by two solves at once.
type CGSolver struct {
	r, p, q, z []float64
	xb         []float64 // the best start iterate (x₀ or a confirmed one)
	mv         mulDot
	res        Result // kept here: the monitor's pointer to it escapes
}

// NewCGSolver returns a CGSolver whose vectors are sized for systems of
// size n (other sizes work too: the vectors are resized on demand). It
// panics if n is negative.
func NewCGSolver(n int) *CGSolver {
	if n < 0 {
		panic(fmt.Sprintf("krylov: NewCGSolver: negative size %d", n))
	}
	s := new(CGSolver)
	s.vectors(n, true)
	return s
}

// vectors sizes r, p, q, xb (and z when withZ) to n, reusing their
// storage.
func (s *CGSolver) vectors(n int, withZ bool) {
	s.r, s.p, s.q, s.xb = resize(s.r, n), resize(s.p, n), resize(s.q, n), resize(s.xb, n)
	if withZ {
		s.z = resize(s.z, n)
	}
}

// Solve solves A x = b as CG does (see CG), reusing s's vectors: a warm
// solve allocates nothing on its path to convergence (only error and
// history values, and a rescaled copy of b and x when they are beyond
// the floating-point range CG is run in).
func (s *CGSolver) Solve(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
	const method = "CG"
	if res, ok, err := rescaled(method, A, b, x, o, func(b, x []float64, o *Options) (Result, error) { return s.Solve(ctx, A, b, x, o) }); ok {
		return res, err
	}
	opt, bnorm, thresh, res0, done, err := start(method, A, b, x, o)
	if done {
		return res0, err
	}
	res := &s.res
	*res = res0
	n := len(b)
	mon := newMonitor(ctx, method, &opt, bnorm, res)
	M := opt.Precond

	// d: a diagonal preconditioner, applied inside the fused updates.
	var d, z []float64
	if dp, ok := M.(diagonalPreconditioner); ok && len(dp.InvDiag()) == n {
		d = dp.InvDiag()
		M = nil
	}
	s.vectors(n, M != nil)
	r, p, q := s.r, s.p, s.q
	clear(r)
	clear(p)
	clear(q)
	if M != nil {
		z = s.z
		clear(z)
	}
	s.mv.init(A)
	mv := &s.mv
	defer func() { s.mv.op, s.mv.a, s.mv.indptr = nil, nil, nil }() // hold no reference to A

	rnorm, done, err := initialResidual(method, A, b, x, r, q, bnorm, thresh, res, &mon)
	if done {
		return s.out(err)
	}
	// xb is the best start iterate, with its energy φ and true residual:
	// x₀, then any confirmed iterate below both.
	xb := s.xb
	vec.Copy(xb, x)
	eBest, rBest := cgEnergy(x, b, r), rnorm
	// fail concludes a failed solve with err (nil: MaxIter or stagnation)
	// whose x has true residual tn in q (or tn < 0: not computed yet),
	// returning xb instead when x is worse: by true residual when
	// byResidual (A or M is not SPD), otherwise in energy.
	fail := func(tn float64, byResidual bool, err error) error {
		if tn < 0 {
			tn = residualTo(q, A, b, x)
			res.MatVecs++
		}
		worse := !finite(tn)
		if byResidual {
			worse = worse || tn > rBest
		} else {
			worse = worse || !(cgEnergy(x, b, q) <= eBest)
		}
		if worse {
			vec.Copy(x, xb)
			tn = residualTo(q, A, b, x)
			res.MatVecs++
		}
		return conclude(method, tn, bnorm, thresh, res, err)
	}
	rz, err := cgPrecond(M, d, z, r, rnorm, 0)
	if err != nil {
		return s.out(fail(-1, true, err))
	}
	cgDirection(p, r, z, d, 0)

	var stag stagnation
	for it := 1; it <= opt.MaxIter; it++ {
		pq := mv.apply(q, p)
		res.MatVecs++
		if !finite(pq) {
			return s.out(fail(-1, false,
				errorf("%s: pᵀAp = %v at iteration %d: %w", method, pq, it, ErrNaN)))
		}
		if pq <= 0 {
			res.Reason = "A is not positive definite"
			return s.out(fail(-1, true,
				errorf("%s: pᵀAp = %.3g ≤ 0 at iteration %d: A is indefinite or not symmetric: %w", method, pq, it, ErrIndefinite)))
		}
		alpha := rz / pq
		rr, rdr := vec.CGUpdate(alpha, p, q, x, r, d)
		rnorm = math.Sqrt(rr)
		res.Iterations = it
		if err := mon.record(it, rnorm); err != nil {
			if errors.Is(err, ErrNaN) {
				return s.out(fail(-1, false, err))
			}
			return s.out(finish(method, A, b, x, q, bnorm, thresh, res, err))
		}
		replaced := false
		if rnorm <= thresh {
			// Confirm with the true residual, replacing the recurrence.
			rnorm = residualTo(r, A, b, x)
			res.MatVecs++
			if rnorm <= thresh {
				return s.out(conclude(method, rnorm, bnorm, thresh, res, nil))
			}
			if e := cgEnergy(x, b, r); e < eBest && rnorm < rBest {
				vec.Copy(xb, x)
				eBest, rBest = e, rnorm
			}
			if stag.failed(rnorm) {
				res.Reason = reasonStagnated
				vec.Copy(q, r)
				return s.out(fail(rnorm, false, nil))
			}
			replaced = true
		}
		var rzNew float64
		switch {
		case d != nil && !replaced:
			if rzNew, err = cgCheckRZ(rdr, it); err != nil {
				return s.out(fail(-1, true, err))
			}
		default:
			if rzNew, err = cgPrecond(M, d, z, r, rnorm, it); err != nil {
				return s.out(fail(-1, true, err))
			}
		}
		beta := rzNew / rz
		rz = rzNew
		cgDirection(p, r, z, d, beta)
	}
	return s.out(fail(-1, false, nil))
}

// cgEnergy returns φ(x) = ½xᵀAx − bᵀx = −½xᵀ(b + r) for the true residual
// r = b − A x: on SPD A, ½‖x − x*‖²_A − ½bᵀx*, what CG minimises.
func cgEnergy(x, b, r []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * (b[i] + r[i])
	}
	return -0.5 * s
}

// out returns the Result of the solve that has just ended with err. It
// takes err as an argument so that the Result is read after the call
// that concludes it (Go leaves the order of a plain read and a call in
// one return statement unspecified).
func (s *CGSolver) out(err error) (Result, error) { return s.res, err }

// diagonalPreconditioner is a preconditioner that scales by a diagonal:
// Apply(dst, x) sets dst = InvDiag() ∘ x (precond.Jacobi is one). CG
// recognises it and applies it inside its fused vector updates instead of
// storing z = M r; the iterates are the same.
type diagonalPreconditioner interface {
	InvDiag() []float64
}

// cgDirection sets p = z + βp for the preconditioned residual z: z itself
// when stored, d∘r for a diagonal preconditioner, r without one.
func cgDirection(p, r, z, d []float64, beta float64) {
	switch {
	case z != nil:
		vec.CGDirection(p, z, nil, beta)
	default:
		vec.CGDirection(p, r, d, beta)
	}
}

// cgPrecond returns rᵀz for the preconditioned residual z = M r: without
// a preconditioner ‖r‖², with a diagonal one rᵀ(d∘r), otherwise it sets
// z = M r and returns rᵀz. rᵀz ≤ 0 is an ErrIndefinite error (M is not
// positive definite).
func cgPrecond(M linop.Operator, d, z, r []float64, rnorm float64, it int) (float64, error) {
	switch {
	case d != nil:
		return cgCheckRZ(diagDot(r, d), it)
	case M == nil:
		return rnorm * rnorm, nil
	}
	M.Apply(z, r)
	return cgCheckRZ(vec.Dot(r, z), it)
}

// diagDot returns rᵀ(d∘r).
func diagDot(r, d []float64) float64 {
	s := 0.0
	for i, v := range r {
		s += v * d[i] * v
	}
	return s
}

// cgCheckRZ reports rᵀz ≤ 0 (or NaN) as an error.
func cgCheckRZ(rz float64, it int) (float64, error) {
	if !finite(rz) {
		return rz, errorf("CG: rᵀMr = %v at iteration %d: %w", rz, it, ErrNaN)
	}
	if rz <= 0 {
		return rz, errorf("CG: rᵀMr = %.3g ≤ 0 at iteration %d: the preconditioner is not positive definite: %w", rz, it, ErrIndefinite)
	}
	return rz, nil
}

// stagnation counts failed confirmations of convergence: the recurrence
// said converged, the true residual disagreed. Three failures in a row
// that do not halve the true residual mean the tolerance is out of reach.
type stagnation struct {
	last  float64
	count int
}

// failed records a failed confirmation with true residual norm rnorm and
// reports whether the solve has stagnated.
func (s *stagnation) failed(rnorm float64) bool {
	if s.last > 0 && rnorm > 0.5*s.last {
		s.count++
	} else {
		s.count = 0
	}
	if s.last == 0 || rnorm < s.last {
		s.last = rnorm
	}
	return s.count >= 3
}
