package sequence

import (
	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/sparse"
)

// projDropTol: a new solution whose image A·x keeps less than this
// fraction of its norm after orthogonalisation against the stored images
// adds nothing new and is not stored.
const projDropTol = 1e-10

// projection keeps the solutions of earlier systems that share one matrix
// and starts the next solve from their minimal-residual combination: the
// initial guess x₀ = X'·(Wᵀb) minimises ‖b − A x‖ over span(X), where the
// stored pairs satisfy A·x'_j = w_j with W orthonormal (P. F. Fischer,
// "Projection techniques for iterative solution of Ax = b with successive
// right-hand sides", Comput. Methods Appl. Mech. Engrg. 163, 1998). When
// the right-hand sides depend linearly on a few parameters (the thermal and
// Poisson families), the solutions span a space of that dimension and the
// guess becomes as accurate as the stored solutions once that many are
// stored; a solution that adds no new direction is not stored. Up to max
// pairs are kept; when a new direction arrives with the store full, it
// restarts with the newest solution alone (as Fischer does), since
// dropping old pairs would leave combinations of the dropped solutions in
// the others.
type projection struct {
	max     int
	x, w    [][]float64 // stored pairs, oldest first
	free    [][]float64 // recycled vector memory
	h, negh []float64
}

func newProjection(max int) *projection { return &projection{max: max} }

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
	if k == p.max {
		// Restart from the newest solution alone.
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
