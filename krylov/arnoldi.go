package krylov

import (
	"github.com/subspace-lab/subspace/internal/vec"
)

// dgksEta is the DGKS reorthogonalisation threshold: a second
// Gram–Schmidt pass runs when orthogonalisation shrinks ‖w‖ by more than
// this factor (Daniel, Gragg, Kaufman & Stewart 1976; 1/√2 as in ARPACK).
const dgksEta = 0.7071067811865476

// orthogonalize makes w orthogonal to the orthonormal vectors in basis by
// classical Gram–Schmidt with DGKS selective reorthogonalisation, the
// scheme robust GMRES and Arnoldi codes use: one block pass computes all
// coefficients with a single read of w (vec.MultiDot) and applies them with
// another (vec.MultiAxpy); a second pass runs only when the first removed
// most of w, which restores orthogonality to working precision.
//
// On return h[i] holds the total coefficient basisᵢᵀw (summed over the
// passes) and w its orthogonal remainder; the result is ‖w‖ after
// orthogonalisation. tmp is scratch of length ≥ len(basis). Cost: two or
// four passes over the basis, allocation-free.
func orthogonalize(basis [][]float64, w, h, tmp []float64) float64 {
	k := len(basis)
	h = h[:k]
	tmp = tmp[:k]
	before := vec.Norm(w)
	if k == 0 {
		return before
	}
	vec.MultiDot(h, basis, w)
	for i, v := range h {
		tmp[i] = -v
	}
	vec.MultiAxpy(w, tmp, basis)
	after := vec.Norm(w)
	for pass := 0; pass < 2 && after < dgksEta*before && after > 0; pass++ {
		vec.MultiDot(tmp, basis, w)
		for i, v := range tmp {
			h[i] += v
			tmp[i] = -v
		}
		vec.MultiAxpy(w, tmp, basis)
		before, after = after, vec.Norm(w)
	}
	return after
}
