package pde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Default Gaussian-random-field parameters of the SKR/FNO Darcy data
// (SKR code: GaussianRF(2, s, alpha=2.5, tau=7); FNO: GRF(alpha, tau, s)).
const (
	DefaultAlpha = 2.5
	DefaultTau   = 7.0
)

// GRFOptions sets the covariance of a Gaussian random field. The zero value
// (and a nil pointer) means Alpha = DefaultAlpha, Tau = DefaultTau.
type GRFOptions struct {
	// Alpha is the smoothness exponent α of the covariance
	// τ^(2α−2)(−Δ + τ²)^(−α); it must be finite and exceed d/2 = 1.
	// Larger is smoother. 0 means DefaultAlpha (2.5).
	Alpha float64
	// Tau is the inverse length scale τ, finite and > 0. Larger means
	// shorter correlation length. 0 means DefaultTau (7).
	Tau float64
}

// resolve returns the options with defaults filled in, or an error.
func (o *GRFOptions) resolve() (alpha, tau float64, err error) {
	alpha, tau = DefaultAlpha, DefaultTau
	if o != nil {
		if o.Alpha != 0 {
			alpha = o.Alpha
		}
		if o.Tau != 0 {
			tau = o.Tau
		}
	}
	if !(alpha > 1) || math.IsInf(alpha, 0) {
		return 0, 0, fmt.Errorf("pde: GRF alpha = %g, must be finite and > 1 (the field needs α > d/2)", alpha)
	}
	if !(tau > 0) || math.IsInf(tau, 0) {
		return 0, 0, fmt.Errorf("pde: GRF tau = %g, must be finite and > 0", tau)
	}
	return alpha, tau, nil
}

// GRF draws samples of a mean-zero Gaussian random field on the unit square
// with covariance operator
//
//	C = τ^(2α−2) (−Δ + τ²)^(−α),   Δ the Laplacian with zero Neumann boundary,
//
// by its Karhunen–Loève expansion in the Neumann eigenfunctions
// φ_k(y, x) = c_{k1} c_{k2} cos(π k1 y) cos(π k2 x) (c_0 = 1, c_k = √2,
// eigenvalues π²(k1² + k2²)), truncated to 0 ≤ k1, k2 < s and without the
// constant mode k = (0, 0):
//
//	u = Σ_k τ^(α−1) (π²(k1² + k2²) + τ²)^(−α/2) ξ_k φ_k,  ξ_k ~ N(0, 1),
//
// evaluated at the s×s points y = (n1+½)/s (row n1), x = (n2+½)/s (column
// n2); mode (k1, k2) is ξ[k1·s+k2]. This is exactly FNO's
// data_generation/darcy/GRF.m and the SKR anchor's grf(s, α, τ): the
// coefficient array L = s·coef·ξ with L[0,0] = 0 followed by an orthonormal
// 2-D inverse DCT (DCT-III), which this type computes with gonum's real FFT
// (O(s²·Σp) for s = Πp) or, when s has a large prime factor, by a
// symmetric direct sum (s³ multiply-adds, faster there).
// Because the constant mode is dropped, every sample has
// grid mean exactly zero (up to rounding).
//
// A GRF is safe for concurrent use; Sample and FromNormals allocate nothing
// when given a destination.
type GRF struct {
	s          int
	alpha, tau float64
	scale      []float64 // s·τ^(α−1)(π²|k|²+τ²)^(−α/2), row-major, scale[0] = 0
	plan       *dctPlan  // shared read-only transform data
	pool       sync.Pool // *dct work buffers
}

// NewGRF returns a sampler on an s×s grid (1 ≤ s ≤ MaxGrid+2, the largest
// a family uses). It returns an error for s out of that range or invalid
// options. Build a GRF with NewGRF: the zero value's Sample and FromNormals
// panic.
func NewGRF(s int, o *GRFOptions) (*GRF, error) {
	if s < 1 || s > MaxGrid+2 {
		return nil, fmt.Errorf("pde: GRF grid %d, must be in [1, %d]", s, MaxGrid+2)
	}
	alpha, tau, err := o.resolve()
	if err != nil {
		return nil, err
	}
	g := &GRF{s: s, alpha: alpha, tau: tau, scale: make([]float64, s*s)}
	amp := float64(s) * math.Pow(tau, alpha-1)
	for k1 := 0; k1 < s; k1++ {
		for k2 := 0; k2 < s; k2++ {
			if k1 == 0 && k2 == 0 {
				continue // the constant mode is dropped
			}
			v, ok := spectralCoef(float64(s), amp, math.Pi*math.Pi*float64(k1*k1+k2*k2), alpha, tau)
			if !ok {
				return nil, fmt.Errorf("pde: GRF alpha = %g, tau = %g: the coefficient of mode (%d,%d) is %v; choose a smaller alpha or tau", alpha, tau, k1, k2, v)
			}
			g.scale[k1*s+k2] = v
		}
	}
	g.plan = newDCTPlan(s)
	g.pool.New = func() any { return g.plan.work() }
	return g, nil
}

// Size returns the grid size s: samples have s×s values.
func (g *GRF) Size() int { return g.s }

// Alpha returns the smoothness exponent α in use.
func (g *GRF) Alpha() float64 { return g.alpha }

// Tau returns the inverse length scale τ in use.
func (g *GRF) Tau() float64 { return g.tau }

// Sample draws s² standard normals ξ from rnd (row-major, ξ[k1·s+k2] for
// mode (k1, k2), the (0, 0) draw included so that the stream matches a full
// s×s normal array) and returns FromNormals(dst, ξ). If dst is nil a new
// slice is allocated; otherwise len(dst) must be s² and ξ is drawn in place.
func (g *GRF) Sample(dst []float64, rnd *rand.Rand) []float64 {
	g.built("GRF.Sample")
	if dst == nil {
		dst = make([]float64, g.s*g.s)
	}
	if len(dst) != g.s*g.s {
		panic(fmt.Sprintf("pde: GRF.Sample: destination length %d, want %d", len(dst), g.s*g.s))
	}
	for i := range dst {
		dst[i] = rnd.NormFloat64()
	}
	return g.FromNormals(dst, dst)
}

// FromNormals maps given KL coefficients ξ (s×s, row-major) to the field
// sample: dst = idctn(s·coef·ξ, norm="ortho") with coef[0,0] = 0. dst may be
// nil (allocated), or the same slice as xi. It panics on length mismatch.
// Use it to reproduce a field drawn by another generator from the same ξ.
func (g *GRF) FromNormals(dst, xi []float64) []float64 {
	g.built("GRF.FromNormals")
	n := g.s * g.s
	if len(xi) != n {
		panic(fmt.Sprintf("pde: GRF.FromNormals: %d coefficients, want %d", len(xi), n))
	}
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("pde: GRF.FromNormals: destination length %d, want %d", len(dst), n))
	}
	for i, x := range xi {
		dst[i] = g.scale[i] * x
	}
	d := g.pool.Get().(*dct)
	d.inverse2D(dst)
	g.pool.Put(d)
	return dst
}

// spectralCoef returns amp·(q + τ²)^(−α/2), amp = c·τ^(α−1), the
// Karhunen–Loève coefficient of a mode with q = π²|k|² (4π²|k|² on the
// torus) for a grid factor c, as GRF.m computes it. Where a factor or
// the product leaves the normal range, overflowing or underflowing into
// subnormals that keep too few digits (large α or τ: α = 10⁶ gave
// Inf·0 = NaN), it is computed in logarithms instead, with
// q + τ² = τ²(1 + q/τ²), which keeps every representable coefficient
// accurate. It returns false when even that is not finite.
func spectralCoef(c, amp, q, alpha, tau float64) (float64, bool) {
	lam := q + tau*tau
	p := math.Pow(lam, -alpha/2)
	v := amp * p
	normal := func(x float64) bool { return x >= 0x1p-1022 && !math.IsInf(x, 0) }
	if normal(p) && normal(amp) && normal(v) && !math.IsInf(lam, 0) {
		return v, true
	}
	logLam := 2*math.Log(tau) + math.Log1p(q/(tau*tau))
	v = math.Exp(math.Log(c) + (alpha-1)*math.Log(tau) - alpha/2*logLam)
	return v, !math.IsNaN(v) && !math.IsInf(v, 0)
}

// built panics unless g was made by NewGRF (the zero value has no grid).
func (g *GRF) built(name string) {
	if g.scale == nil {
		panic("pde: " + name + ": zero-value GRF; build it with NewGRF")
	}
}
