package sequence

import (
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/sparse"
)

// projDropTol: a new solution whose image A·x keeps less than this
// fraction of its norm after orthogonalisation against the stored images
// adds nothing new and is not stored.
const projDropTol = 1e-10

// projKeepMin and projKeepTols set projection.keep, the size of a new
// direction below which a full store is kept: 1e-3 or ten tolerances,
// whichever is larger (solutions to rtol 1e-2 refine the store by a few
// times 1e-2). Chosen on the Poisson family at rtol 1e-2, 1e-5 and 1e-8,
// where it keeps the full store as often as never restarting would, and
// on a drifting source, where it restarts nearly as often as Fischer.
const (
	projKeepMin  = 1e-3
	projKeepTols = 10
)

// projection keeps the solutions of earlier systems that share one matrix
// and starts the next solve from their minimal-residual combination: the
// initial guess x₀ = X'·(Wᵀb) minimises ‖b − A x‖ over span(X), where the
// stored pairs satisfy A·x'_j = w_j with W orthonormal (P. F. Fischer,
// "Projection techniques for iterative solution of Ax = b with successive
// right-hand sides", Comput. Methods Appl. Mech. Engrg. 163, 1998). When
// the right-hand sides depend linearly on a few parameters (the thermal and
// Poisson families), the solutions span a space of that dimension and the
// guess becomes as accurate as the stored solutions once that many are
// stored; a solution that adds no new direction is not stored.
//
// Up to max pairs are kept. When a new direction arrives with the store
// full, what happens depends on its size, the share of the new solution's
// image A·x that the stored images miss (about the guess's relative
// residual): below keep, the store already captured that right-hand side
// to within a few tolerances and the new direction is only a refinement,
// so it is not stored and the store is kept (the right-hand sides are
// samples from one distribution, as in datagen); above it, the store has
// gone stale (right-hand sides that drift, as in time stepping) and it
// restarts with the newest solution alone, as Fischer does. Restarting
// on every new direction threw away, on the Poisson family (30
// coefficients, 32 slots), a store that was complete but for rounding at
// the tolerance: the refinements of rtol-accurate solutions filled it and
// it restarted every ~30 systems (100 systems of 10⁴ unknowns at rtol
// 1e-5: 59 steps per system against 29 when the full store is kept; a
// drifting source costs 6–30% more steps than with Fischer's restart).
type projection struct {
	max     int
	keep    float64     // see above: max(1e-3, 10·rtol)
	x, w    [][]float64 // stored pairs, oldest first
	free    [][]float64 // recycled vector memory
	h, negh []float64
}

// newProjection returns a store of up to max solutions of solves to
// relative tolerance rtol.
func newProjection(max int, rtol float64) *projection {
	return &projection{max: max, keep: math.Max(projKeepMin, projKeepTols*rtol)}
}

// reset forgets the stored solutions (the matrix changed).
func (p *projection) reset() {
	p.free = append(p.free, p.x...)
	p.free = append(p.free, p.w...)
	p.x, p.w = p.x[:0], p.w[:0]
}

// empty reports whether nothing is stored.
func (p *projection) empty() bool { return len(p.w) == 0 }

// guess sets x to the minimal-residual combination of the stored
// solutions for the right-hand side b.
func (p *projection) guess(x, b []float64) {
	k := len(p.w)
	p.h = grow(p.h, k)
	vec.MultiDot(p.h, p.w, b)
	clear(x)
	vec.MultiAxpy(x, p.h, p.x)
}

// add stores the solution x of A·x = b (one product with A, returned as
// the count of products).
func (p *projection) add(A *sparse.CSR, x []float64) int {
	n := len(x)
	w := p.vector(n)
	A.MulVecTo(w, x)
	norm0 := vec.Norm(w)
	k := len(p.w)
	p.h = grow(p.h, k)
	p.negh = grow(p.negh, k)
	xn := p.vector(n)
	copy(xn, x)
	// Two passes of classical Gram–Schmidt against W, applied to x too.
	for pass := 0; pass < 2 && k > 0; pass++ {
		vec.MultiDot(p.h, p.w, w)
		for i, v := range p.h {
			p.negh[i] = -v
		}
		vec.MultiAxpy(w, p.negh, p.w)
		vec.MultiAxpy(xn, p.negh, p.x)
	}
	nrm := vec.Norm(w)
	if !(nrm > projDropTol*norm0) {
		p.free = append(p.free, w, xn)
		return 1
	}
	if k == p.max && nrm < p.keep*norm0 {
		// A refinement of what the full store captures: keep the store.
		p.free = append(p.free, w, xn)
		return 1
	}
	if k == p.max {
		// A stale store: restart from the newest solution alone.
		p.reset()
		copy(xn, x)
		A.MulVecTo(w, x)
		nrm = norm0
		if nrm == 0 {
			p.free = append(p.free, w, xn)
			return 2
		}
		vec.Scale(1/nrm, w)
		vec.Scale(1/nrm, xn)
		p.x, p.w = append(p.x, xn), append(p.w, w)
		return 2
	}
	vec.Scale(1/nrm, w)
	vec.Scale(1/nrm, xn)
	p.x, p.w = append(p.x, xn), append(p.w, w)
	return 1
}

// vector returns a length-n vector, reusing freed memory.
func (p *projection) vector(n int) []float64 {
	if l := len(p.free); l > 0 && len(p.free[l-1]) == n {
		v := p.free[l-1]
		p.free = p.free[:l-1]
		return v
	}
	return make([]float64, n)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
