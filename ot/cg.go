package ot

import (
	"math"

	"github.com/subspace-lab/subspace/linop"
)

// cg solves A x = b for a symmetric positive (semi)definite A by the
// preconditioned conjugate gradient method with the diagonal
// preconditioner 1/diag (Jacobi), starting from x = 0. It stops when
// ‖b − A x‖₂ ≤ rtol·‖b‖₂ or after maxIter iterations and returns the
// number of iterations. It stops early, keeping the last iterate, if
// pᵀAp ≤ 0 (A singular along p). r, z, p, q are scratch of length n.
//
// It is small and private because the Newton systems of SNS are small
// (n + m − 1 unknowns with O(n + m) nonzeros); it should be replaced by
// krylov.CG (with a Jacobi preconditioner) once that exists.
func cg(A linop.Operator, diag, b, x, r, z, p, q []float64, rtol float64, maxIter int) int {
	clear(x)
	copy(r, b)
	bnorm := math.Sqrt(dot(b, b))
	if bnorm == 0 {
		return 0
	}
	for i := range z {
		z[i] = r[i] / diag[i]
	}
	copy(p, z)
	rz := dot(r, z)
	for it := 1; it <= maxIter; it++ {
		A.Apply(q, p)
		pq := dot(p, q)
		if !(pq > 0) {
			return it
		}
		alpha := rz / pq
		for i := range x {
			x[i] += alpha * p[i]
			r[i] -= alpha * q[i]
		}
		if math.Sqrt(dot(r, r)) <= rtol*bnorm {
			return it
		}
		for i := range z {
			z[i] = r[i] / diag[i]
		}
		rzNew := dot(r, z)
		beta := rzNew / rz
		rz = rzNew
		for i := range p {
			p[i] = z[i] + beta*p[i]
		}
	}
	return maxIter
}
