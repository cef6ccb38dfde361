package krylov

import (
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
)

// orthogonalize makes w orthogonal to the orthonormal vectors in basis by
// classical Gram–Schmidt in the variant mode selects (see Orthog). The
// default, OrthogAuto, reorthogonalises when the measured loss of
// orthogonality calls for it, the scheme robust GMRES and Arnoldi codes
// need at the memory traffic of a single pass in the common case:
//
//  1. one pass computes h = Vᵀw (vec.MultiDot);
//  2. one pass subtracts V h and, block by block while the data are in
//     cache, measures what is left: s = Vᵀw and ‖w‖ (vec.MultiAxpyDot);
//  3. while ‖s‖ > τ‖w‖ (at most twice), another such pass subtracts V s
//     and measures again, with h += s.
//
// τ = max(1e-12, 4ε√(n·k)): the larger term is the rounding level of the
// measurement itself. This is the test DGKS (Daniel, Gragg, Kaufman &
// Stewart 1976) approximates by the ratio of norms before and after a pass
// (reorthogonalise when ‖w‖ shrinks by more than 1/√2), which is
// pessimistic on well-conditioned Krylov bases: on a 2-D Laplacian it
// reorthogonalises at nearly every step although one classical pass
// already leaves ‖Vᵀw‖/‖w‖ at a few ε. Measuring instead costs nothing
// extra (the dots of step 2 read blocks already in cache) and still
// reorthogonalises exactly when cancellation has made the first pass
// inaccurate, as for nearly dependent w, so the returned w satisfies
// ‖Vᵀw‖ ≤ τ‖w‖ (up to a third pass's own rounding) for any input.
// OrthogOnce stops after step 2 without measuring (vec.MultiAxpyNorm);
// OrthogTwice always makes exactly one more pass after step 2 (CGS2).
//
// On return h[i] holds the total coefficient basisᵢᵀw (summed over the
// passes) and w its orthogonal remainder; the result is ‖w‖ after
// orthogonalisation. tmp is scratch of length ≥ len(basis). Cost: (k+1) +
// (k+2) vectors of length n read per call without reorthogonalisation,
// k+2 more per extra pass; allocation-free.
func orthogonalize(basis [][]float64, w, h, tmp []float64, mode Orthog) float64 {
	k := len(basis)
	if k == 0 {
		return vec.Norm(w)
	}
	h = h[:k]
	s := tmp[:k]
	vec.MultiDot(h, basis, w)
	for i, v := range h {
		s[i] = -v
	}
	if mode == OrthogOnce {
		return vec.MultiAxpyNorm(w, s, basis)
	}
	after := vec.MultiAxpyDot(w, s, basis, s) // s = Vᵀw of the remainder
	if mode == OrthogTwice {
		if !(after > 0) {
			return after
		}
		refine(h, s)
		return vec.MultiAxpyNorm(w, s, basis)
	}
	tau := math.Max(1e-12, 4*eps*math.Sqrt(float64(len(w)*k)))
	for pass := 0; pass < 2 && after > 0 && smallNorm(s) > tau*after; pass++ {
		refine(h, s)
		after = vec.MultiAxpyDot(w, s, basis, s)
	}
	return after
}

// refine adds the measured coefficients s to h and negates s, ready for
// the pass that subtracts V s.
func refine(h, s []float64) {
	for i, v := range s {
		h[i] += v
		s[i] = -v
	}
}

// columnNorm returns √(a² + Σhᵢ²), the norm of an Arnoldi column whose
// subdiagonal entry is a: the plain sum of squares when it is safely in
// range, else a hypot chain. The entries are about ‖A‖ (the basis is
// orthonormal), so the squares overflow once ‖A‖ ≳ 1.3e154 and underflow
// for ‖A‖ ≲ 1e-154 although every entry is representable. NaN stays NaN.
func columnNorm(a float64, h []float64) float64 {
	s := a * a
	for _, v := range h {
		s += v * v
	}
	if sqInRange(s) {
		return math.Sqrt(s)
	}
	r := math.Abs(a)
	for _, v := range h {
		r = math.Hypot(r, v)
	}
	return r
}

// smallNorm returns the Euclidean norm of a short vector, safely (see
// columnNorm: GCRO-DR's small matrices, like the Arnoldi columns, have
// entries of size ‖A‖).
func smallNorm(v []float64) float64 { return columnNorm(0, v) }
