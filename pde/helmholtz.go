package pde

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/sparse"
)

// HelmholtzOptions sets the Helmholtz family's parameters. The zero value
// (and a nil pointer) means the SKR code's: log a a GRF with α = 2.5,
// τ = 7, wavenumber k ~ U(0, 1), source f = 1.
type HelmholtzOptions struct {
	// GRF is the covariance of log a.
	GRF GRFOptions
	// KMax is the upper end of the wavenumber's range: k ~ U(0, KMax).
	// 0 means 1. A is indefinite once k² exceeds the smallest eigenvalue of
	// −∇·(a∇·): at least 2π²·min a, and about 20 (k ≈ 4.5) for the default
	// a, so KMax ≤ 4 gives no indefinite systems and KMax ≳ 5 some.
	KMax float64
	// Source is the constant source term f; 0 means 1.
	Source float64
	// Scheme is the discretisation; the zero value is FluxScheme.
	// SKRCodeScheme assembles the SKR code's build_helmholtz matrices.
	Scheme Scheme
	// PeriodicGRF draws log a from PeriodicGRF (as the SKR code does)
	// instead of GRF.
	PeriodicGRF bool
}

// Helmholtz is the family −∇·(a ∇u) − k² u = f on the unit square with
// u = 0 on the boundary, a = exp(GRF) a random medium and k a random
// wavenumber, as SKR's code draws it (see the package documentation for how
// this differs from the paper's text).
//
// Discretisation: Darcy's (g×g interior nodes, h = 1/(g+1), face
// coefficient (a_p + a_q)/2, rows scaled by h²) with the diagonal shifted:
//
//	Σ_{q ∈ N(p)} a_pq (u_p − u_q) − h² k² u_p = h² f.
//
// A is symmetric, and positive definite only while k² is below the smallest
// eigenvalue of the diffusion part; for larger k it is indefinite (GMRES
// and other nonsymmetric Krylov methods handle it; CG does not).
//
// Field: (g+2)² + 1 values: a on the (g+2)×(g+2) node grid, row-major,
// followed by k.
type Helmholtz struct {
	g      int
	h      float64
	f      float64
	kmax   float64
	scheme Scheme
	grf    Sampler
}

// NewHelmholtz returns the Helmholtz family on a g×g grid of unknowns. It
// returns an error for g outside [2, MaxGrid], invalid GRF options, or a
// KMax or source that is negative (KMax), NaN or Inf.
func NewHelmholtz(grid int, o *HelmholtzOptions) (*Helmholtz, error) {
	if err := checkGrid("helmholtz", grid); err != nil {
		return nil, err
	}
	var gopt *GRFOptions
	f, kmax := 1.0, 1.0
	var opt HelmholtzOptions
	if o != nil {
		opt = *o
		gopt = &opt.GRF
		if o.Source != 0 {
			f = o.Source
		}
		if o.KMax != 0 {
			kmax = o.KMax
		}
	}
	h, err := schemeStep("helmholtz", opt.Scheme, grid)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("pde: helmholtz: source f = %v, must be finite", f)
	}
	if !(kmax > 0) || math.IsInf(kmax, 0) {
		return nil, fmt.Errorf("pde: helmholtz: KMax = %v, must be finite and > 0", kmax)
	}
	grf, err := newSampler(grid+2, gopt, opt.PeriodicGRF)
	if err != nil {
		return nil, fmt.Errorf("pde: helmholtz: %w", err)
	}
	return &Helmholtz{g: grid, h: h, f: f, kmax: kmax, scheme: opt.Scheme, grf: grf}, nil
}

// Name returns "helmholtz".
func (m *Helmholtz) Name() string { return "helmholtz" }

// Grid returns g.
func (m *Helmholtz) Grid() int { return m.g }

// FieldShape returns [(g+2)² + 1]: the medium a on the node grid, then k.
func (m *Helmholtz) FieldShape() []int { return []int{(m.g+2)*(m.g+2) + 1} }

// SolutionShape returns [g, g].
func (m *Helmholtz) SolutionShape() []int { return []int{m.g, m.g} }

// Unknowns returns g².
func (m *Helmholtz) Unknowns() int { return m.g * m.g }

// GRF returns the sampler of log a: a *GRF, or a *PeriodicGRF if
// HelmholtzOptions.PeriodicGRF was set.
func (m *Helmholtz) GRF() Sampler { return m.grf }

// Scheme returns the discretisation.
func (m *Helmholtz) Scheme() Scheme { return m.scheme }

// Field returns system i's field: from rand.NewPCG(seed, uint64(i)), (g+2)²
// normals for the GRF (2(g+2)² with HelmholtzOptions.PeriodicGRF; a = exp
// of the sample), then one uniform u for k = KMax·u.
func (m *Helmholtz) Field(seed uint64, i int) []float64 {
	checkField("helmholtz", m.g, i)
	rnd := rand.New(rand.NewPCG(seed, uint64(i)))
	s := m.g + 2
	field := make([]float64, s*s+1)
	a := m.grf.Sample(field[:s*s], rnd)
	for p, v := range a {
		a[p] = math.Exp(v)
	}
	field[s*s] = m.kmax * rnd.Float64()
	return field
}

// Assemble returns A and b for the field (a, k) (see Helmholtz). It
// allocates the CSR arrays and b only, in O(g²) time. It returns an error
// for a field of the wrong length, a NaN, Inf or ≤ 0 value of a, or a NaN or
// Inf k.
func (m *Helmholtz) Assemble(field []float64) (*sparse.CSR, []float64, error) {
	checkMade("helmholtz", "Assemble", m.g)
	if err := m.check(field); err != nil {
		return nil, nil, err
	}
	indptr, ind := pattern5(m.g)
	val := make([]float64, len(ind))
	b := make([]float64, m.g*m.g)
	m.values(val, b, field)
	A := newCSR5(m.g, indptr, ind, val)
	if err := checkAssembled("helmholtz", field, A, b); err != nil {
		return nil, nil, err
	}
	return A, b, nil
}

// AssembleInto overwrites A's values and b with the system of field; see
// Reassembler. It allocates nothing.
func (m *Helmholtz) AssembleInto(A *sparse.CSR, b, field []float64) error {
	checkMade("helmholtz", "AssembleInto", m.g)
	checkTarget("helmholtz", m.g*m.g, nnz5(m.g), A, len(b))
	indptr, ind, _ := A.Raw()
	checkPattern("helmholtz", m.g, indptr, ind, nil)
	if err := m.check(field); err != nil {
		return err
	}
	_, _, val := A.Raw()
	m.values(val, b, field)
	return checkAssembled("helmholtz", field, A, b)
}

func (m *Helmholtz) values(val, b, field []float64) {
	s := m.g + 2
	k := field[s*s]
	shift := m.h * m.h * k * k
	if m.scheme == SKRCodeScheme {
		shift = (m.h * m.h) * (k * k) // build_helmholtz's h**2*k**2, rounded as it does
	}
	m.scheme.values(val, m.g, field[:s*s], shift)
	fillConst(b, m.h*m.h*m.f)
}

func (m *Helmholtz) check(field []float64) error {
	s := m.g + 2
	if len(field) != s*s+1 {
		return lenError("helmholtz", len(field), m.FieldShape())
	}
	if err := checkPositiveGrid("helmholtz", "medium coefficient a", field, s); err != nil {
		return err
	}
	if k := field[s*s]; math.IsNaN(k) || math.IsInf(k, 0) {
		return fmt.Errorf("pde: helmholtz: wavenumber k (field value %d) is %v", s*s, k)
	}
	return nil
}
