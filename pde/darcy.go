package pde

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/sparse"
)

// DarcyOptions sets the Darcy family's parameters. The zero value (and a
// nil pointer) means the SKR paper's: log K a GRF with α = 2.5, τ = 7, and
// source f = 1.
type DarcyOptions struct {
	// GRF is the covariance of log K.
	GRF GRFOptions
	// Source is the constant source term f; 0 means 1.
	Source float64
	// Scheme is the discretisation; the zero value is FluxScheme.
	Scheme Scheme
	// PeriodicGRF draws log K from PeriodicGRF (FNO's periodic sampler,
	// which the SKR authors' code uses) instead of GRF (Neumann cosine
	// modes, FNO's Darcy benchmark and the project's SKR anchor).
	PeriodicGRF bool
}

// Darcy is the steady Darcy-flow family −∇·(K ∇u) = f on the unit square
// with u = 0 on the boundary, the SKR paper's main benchmark.
//
// Discretisation: unknowns on the g×g interior nodes (x_j, y_i) = (j h, i h),
// 1 ≤ i, j ≤ g, h = 1/(g+1); K is given at all (g+2)×(g+2) nodes, boundary
// included; the coefficient on the face between neighbouring nodes p and q
// is the arithmetic mean (K_p + K_q)/2; each row reads
//
//	Σ_{q ∈ N(p)} k_pq (u_p − u_q) = h² f,   u_q = 0 on the boundary,
//
// which is the standard 5-point flux (finite-volume) scheme multiplied by
// h². A is symmetric positive definite with 5g² − 4g entries; b = h² f.
//
// Field: K = exp(GRF) on the (g+2)×(g+2) node grid, row-major with row i
// at y = i h. This is the field the SKR code sorts by and FNO stores as
// "coeff".
//
// DarcyOptions.Scheme = SKRCodeScheme assembles the SKR code's stencil
// instead (see SKRCodeScheme); field, shapes and solution layout are the same.
type Darcy struct {
	g      int
	h      float64
	f      float64
	scheme Scheme
	grf    Sampler
}

// NewDarcy returns the Darcy family on a g×g grid of unknowns. It returns an
// error for g outside [2, MaxGrid], invalid GRF options, or a source that is
// NaN or Inf.
func NewDarcy(grid int, o *DarcyOptions) (*Darcy, error) {
	if err := checkGrid("darcy", grid); err != nil {
		return nil, err
	}
	var gopt *GRFOptions
	f := 1.0
	var opt DarcyOptions
	if o != nil {
		opt = *o
		gopt = &opt.GRF
		if o.Source != 0 {
			f = o.Source
		}
	}
	h, err := schemeStep("darcy", opt.Scheme, grid)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("pde: darcy: source f = %v, must be finite", f)
	}
	grf, err := newSampler(grid+2, gopt, opt.PeriodicGRF)
	if err != nil {
		return nil, fmt.Errorf("pde: darcy: %w", err)
	}
	return &Darcy{g: grid, h: h, f: f, scheme: opt.Scheme, grf: grf}, nil
}

// Name returns "darcy".
func (d *Darcy) Name() string { return "darcy" }

// Grid returns g.
func (d *Darcy) Grid() int { return d.g }

// Scheme returns the discretisation.
func (d *Darcy) Scheme() Scheme { return d.scheme }

// FieldShape returns [g+2, g+2].
func (d *Darcy) FieldShape() []int { return []int{d.g + 2, d.g + 2} }

// SolutionShape returns [g, g].
func (d *Darcy) SolutionShape() []int { return []int{d.g, d.g} }

// Unknowns returns g².
func (d *Darcy) Unknowns() int { return d.g * d.g }

// GRF returns the sampler of log K: a *GRF, or a *PeriodicGRF if
// DarcyOptions.PeriodicGRF was set.
func (d *Darcy) GRF() Sampler { return d.grf }

// Field returns K = exp(GRF sample) of system i: (g+2)² normals drawn from
// rand.NewPCG(seed, uint64(i)) (2(g+2)² with DarcyOptions.PeriodicGRF),
// then FromNormals, then exp. Cost: one GRF sample (about 0.15 ms at g = 80).
func (d *Darcy) Field(seed uint64, i int) []float64 {
	checkField("darcy", d.g, i)
	K := d.grf.Sample(nil, rand.New(rand.NewPCG(seed, uint64(i))))
	for p, v := range K {
		K[p] = math.Exp(v)
	}
	return K
}

// Assemble returns A and b for permeability K (see Darcy). It allocates the
// CSR arrays and b only, in O(g²) time. It returns an error if len(K) is not
// (g+2)² or some K is NaN, Inf or ≤ 0.
func (d *Darcy) Assemble(K []float64) (*sparse.CSR, []float64, error) {
	checkMade("darcy", "Assemble", d.g)
	if err := d.check(K); err != nil {
		return nil, nil, err
	}
	indptr, ind := pattern5(d.g)
	val := make([]float64, len(ind))
	d.scheme.values(val, d.g, K, 0)
	b := make([]float64, d.g*d.g)
	fillConst(b, d.h*d.h*d.f)
	A := newCSR5(d.g, indptr, ind, val)
	if err := checkAssembled("darcy", K, A, b); err != nil {
		return nil, nil, err
	}
	return A, b, nil
}

// AssembleInto overwrites A's values and b with the system of K; see
// Reassembler. It allocates nothing.
func (d *Darcy) AssembleInto(A *sparse.CSR, b, K []float64) error {
	checkMade("darcy", "AssembleInto", d.g)
	checkTarget("darcy", d.g*d.g, nnz5(d.g), A, len(b))
	indptr, ind, _ := A.Raw()
	checkPattern("darcy", d.g, indptr, ind, nil)
	if err := d.check(K); err != nil {
		return err
	}
	_, _, val := A.Raw()
	d.scheme.values(val, d.g, K, 0)
	fillConst(b, d.h*d.h*d.f)
	return checkAssembled("darcy", K, A, b)
}

func (d *Darcy) check(K []float64) error {
	if s := d.g + 2; len(K) != s*s {
		return lenError("darcy", len(K), d.FieldShape())
	}
	return checkPositiveGrid("darcy", "permeability K", K, d.g+2)
}

func fillConst(dst []float64, v float64) {
	for i := range dst {
		dst[i] = v
	}
}
