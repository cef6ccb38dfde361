package krylov

import "math"

// rotg returns the plane rotation [c s; −s c] that maps (a, b) to (r, 0),
// r = ‖(a, b)‖ ≥ 0, computed without overflow (BLAS drotg's job, with
// r kept non-negative so R's diagonal is).
func rotg(a, b float64) (c, s, r float64) {
	switch {
	case b == 0:
		if a < 0 {
			return -1, 0, -a
		}
		return 1, 0, a
	case a == 0:
		if b < 0 {
			return 0, -1, -b
		}
		return 0, 1, b
	}
	r = math.Hypot(a, b)
	return a / r, b / r, r
}

// hessLSQ keeps the QR factorisation, by Givens rotations, of the
// (k+1)×k upper Hessenberg matrix H built column by column by an Arnoldi
// process, together with the rotated right-hand side g = Qᵀ·β e₁. After k
// columns, |g[k]| is the least-squares residual min_y ‖β e₁ − H y‖ (the
// GMRES residual norm in exact arithmetic), and solve gives the minimiser
// y. Adding a column costs O(k); nothing is allocated after newHessLSQ.
// GMRES and FGMRES use it; any GMRES-type method (GCRO-DR's inner cycles)
// can.
type hessLSQ struct {
	m    int
	r    []float64 // column-major (m+1)×m: column j of R at r[j*(m+1):]
	c, s []float64 // rotation j acts on rows j, j+1
	g    []float64 // rotated right-hand side, length m+1
	k    int       // columns added
}

// newHessLSQ returns a factorisation with room for m columns.
func newHessLSQ(m int) *hessLSQ {
	return &hessLSQ{
		m: m,
		r: make([]float64, (m+1)*m),
		c: make([]float64, m),
		s: make([]float64, m),
		g: make([]float64, m+1),
	}
}

// reset starts a new factorisation with right-hand side β e₁.
func (h *hessLSQ) reset(beta float64) {
	h.k = 0
	clear(h.g)
	h.g[0] = beta
}

// add appends column col = (h₀ₖ, …, hₖ₊₁,ₖ) (length k+2 for the k-th
// column, counting from 0), applies the previous rotations and a new one
// that annihilates hₖ₊₁,ₖ, and returns the new least-squares residual
// |g[k+1]|. It panics if the factorisation is full or len(col) ≠ k+2.
func (h *hessLSQ) add(col []float64) float64 {
	k := h.k
	if k >= h.m || len(col) != k+2 {
		panic("krylov: hessLSQ.add: bad column")
	}
	rc := h.r[k*(h.m+1) : k*(h.m+1)+k+2]
	copy(rc, col)
	for i := 0; i < k; i++ {
		c, s := h.c[i], h.s[i]
		a, b := rc[i], rc[i+1]
		rc[i], rc[i+1] = c*a+s*b, -s*a+c*b
	}
	c, s, rr := rotg(rc[k], rc[k+1])
	h.c[k], h.s[k] = c, s
	rc[k], rc[k+1] = rr, 0
	gk := h.g[k]
	h.g[k], h.g[k+1] = c*gk, -s*gk
	h.k = k + 1
	return math.Abs(h.g[k+1]) // not −0 in a history or monitor line
}

// lsres returns the least-squares residual of the first j columns
// relative to β: the product of the sines |s₀ ⋯ s_{j−1}| (1 for j = 0).
func (h *hessLSQ) lsres(j int) float64 {
	p := 1.0
	for _, s := range h.s[:j] {
		p *= math.Abs(s)
	}
	return p
}

// diag returns R's j-th diagonal entry (≥ 0; zero only when column j lies
// in the span of the previous ones).
func (h *hessLSQ) diag(j int) float64 { return h.r[j*(h.m+1)+j] }

// solve sets y[:k] to the least-squares solution of the first k columns,
// R[:k,:k]·y = g[:k], by back substitution. R[:k,:k] must be nonsingular
// (check diag(k−1) > 0: only the last column can be singular, since every
// earlier one had a nonzero subdiagonal).
func (h *hessLSQ) solve(y []float64, k int) {
	ld := h.m + 1
	y = y[:k]
	copy(y, h.g[:k])
	for i := k - 1; i >= 0; i-- {
		y[i] /= h.r[i*ld+i]
		t := y[i]
		for l := 0; l < i; l++ {
			y[l] -= h.r[i*ld+l] * t
		}
	}
}
