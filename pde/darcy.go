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
	// Scheme is the discretisation; the zero value is DarcyFlux.
	Scheme DarcyScheme
	// PeriodicGRF draws log K from PeriodicGRF (FNO's periodic sampler,
	// which the SKR authors' code uses) instead of GRF (Neumann cosine
	// modes, FNO's Darcy benchmark and the project's SKR anchor).
	PeriodicGRF bool
}

// DarcyScheme selects the stencil Darcy assembles.
type DarcyScheme int

const (
	// DarcyFlux is the conservative 5-point flux scheme described at
	// Darcy: symmetric positive definite, the discretisation of
	// −∇·(K∇u) that FNO's Darcy data and the project's SKR anchor use. It
	// is the default.
	DarcyFlux DarcyScheme = iota
	// DarcySKRCode is the stencil the SKR authors' code assembles
	// (wanghong1700/NO-DataGen-SKR, build_darcy in
	// code_dracy/exp_generate_mpi_82_sort.py, lines 182–202), the matrices
	// behind the paper's Darcy rows of Table 1. With unknowns p = i·g + j
	// (0-based interior indices) and K the nodal field, row p reads
	//
	//	4 K_p u_p − K_W u_{p−1} − K_E u_{p+1} − K_N u_{p+g} − K'_S u_{p−g} = h_c² f,
	//
	// h_c = 1/(g−1), Dirichlet neighbours dropped, K_W, K_E, K_N the field
	// at the west, east and north neighbours. The south coefficient K'_S is
	// not K at the south neighbour: build_darcy drops g−2 leading values of
	// that diagonal where g are needed and scipy.sparse.diags keeps the
	// first g²−g of what is left, so K'_S is the field at the south
	// neighbour's node two places earlier in row-major order of the
	// (g+2)-wide grid restricted to columns 1..g (wrapping into the row
	// above near the west edge). Without that slip the matrix would be
	// L·diag(K), L the 5-point Laplacian stencil — a discretisation of
	// −Δ(K u), not of −∇·(K∇u). Either way it is nonsymmetric. It exists to
	// re-run the paper's experiment on the matrices the paper solved
	// (tested bit for bit against a copy of build_darcy); use DarcyFlux for
	// physics.
	DarcySKRCode
)

// String returns "flux" or "skr-code".
func (s DarcyScheme) String() string {
	switch s {
	case DarcyFlux:
		return "flux"
	case DarcySKRCode:
		return "skr-code"
	}
	return fmt.Sprintf("DarcyScheme(%d)", int(s))
}

// ParseDarcyScheme returns the scheme called name ("flux" or "skr-code").
func ParseDarcyScheme(name string) (DarcyScheme, error) {
	switch name {
	case "flux":
		return DarcyFlux, nil
	case "skr-code":
		return DarcySKRCode, nil
	}
	return 0, fmt.Errorf("pde: darcy: unknown scheme %q (known: flux, skr-code)", name)
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
// DarcyOptions.Scheme = DarcySKRCode assembles the SKR code's stencil
// instead (see DarcySKRCode); field, shapes and solution layout are the same.
type Darcy struct {
	g      int
	h      float64
	f      float64
	scheme DarcyScheme
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
	scheme := DarcyFlux
	if o != nil {
		gopt = &o.GRF
		if o.Source != 0 {
			f = o.Source
		}
		scheme = o.Scheme
	}
	h := 1 / float64(grid+1)
	switch scheme {
	case DarcyFlux:
	case DarcySKRCode:
		h = 1 / float64(grid-1)
	default:
		return nil, fmt.Errorf("pde: darcy: unknown scheme %v", scheme)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("pde: darcy: source f = %v, must be finite", f)
	}
	var grf Sampler
	var err error
	if o != nil && o.PeriodicGRF {
		grf, err = NewPeriodicGRF(grid+2, gopt)
	} else {
		grf, err = NewGRF(grid+2, gopt)
	}
	if err != nil {
		return nil, fmt.Errorf("pde: darcy: %w", err)
	}
	return &Darcy{g: grid, h: h, f: f, scheme: scheme, grf: grf}, nil
}

// Name returns "darcy".
func (d *Darcy) Name() string { return "darcy" }

// Grid returns g.
func (d *Darcy) Grid() int { return d.g }

// Scheme returns the discretisation.
func (d *Darcy) Scheme() DarcyScheme { return d.scheme }

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
// then FromNormals, then exp. Cost: one GRF sample (about 0.5 ms at g = 80).
func (d *Darcy) Field(seed uint64, i int) []float64 {
	if i < 0 {
		panic(fmt.Sprintf("pde: darcy: negative system index %d", i))
	}
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
	if err := d.check(K); err != nil {
		return nil, nil, err
	}
	indptr, ind := pattern5(d.g)
	val := make([]float64, len(ind))
	d.values(val, K)
	b := make([]float64, d.g*d.g)
	fillConst(b, d.h*d.h*d.f)
	return newCSR5(d.g, indptr, ind, val), b, nil
}

// AssembleInto overwrites A's values and b with the system of K; see
// Reassembler. It allocates nothing.
func (d *Darcy) AssembleInto(A *sparse.CSR, b, K []float64) error {
	r, c := A.Dims()
	checkTarget("darcy", d.g*d.g, nnz5(d.g), r, c, A.NNZ(), len(b))
	if err := d.check(K); err != nil {
		return err
	}
	_, _, val := A.Raw()
	d.values(val, K)
	fillConst(b, d.h*d.h*d.f)
	return nil
}

// values writes A's entries for K in pattern5 order.
func (d *Darcy) values(val, K []float64) {
	if d.scheme == DarcySKRCode {
		skrCode5(val, d.g, K)
		return
	}
	diffusion5(val, d.g, K, 0)
}

// skrCode5 writes, in pattern5 order, the SKR code's stencil: 4c_p on the
// diagonal, −c_q for the west, east and north neighbours q, and for the
// south neighbour the value build_darcy puts there (see DarcySKRCode).
func skrCode5(val []float64, g int, c []float64) {
	s := g + 2
	k := 0
	for i := 0; i < g; i++ {
		row := (i + 1) * s
		for j := 0; j < g; j++ {
			p := row + j + 1
			if i > 0 {
				// Entry q = i·g + j − 2 of the g×g block c[0:g, 1:g+1].
				q := i*g + j - 2
				val[k] = -c[(q/g)*s+q%g+1]
				k++
			}
			if j > 0 {
				val[k] = -c[p-1]
				k++
			}
			val[k] = 4 * c[p]
			k++
			if j < g-1 {
				val[k] = -c[p+1]
				k++
			}
			if i < g-1 {
				val[k] = -c[p+s]
				k++
			}
		}
	}
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
