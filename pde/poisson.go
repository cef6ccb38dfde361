package pde

import (
	"fmt"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/sparse"
)

// DefaultChebyshevDegree is the degree of the random Chebyshev series of the
// Poisson family (SKR: possion_generate.m, n = 5).
const DefaultChebyshevDegree = 5

// PoissonOptions sets the Poisson family's parameters. The zero value (and
// a nil pointer) means the SKR code's: degree-5 series with coefficients
// uniform in [−1, 1].
type PoissonOptions struct {
	// Degree is the degree d of each Chebyshev series (d+1 coefficients);
	// 0 means DefaultChebyshevDegree.
	Degree int
}

// Poisson is the family −Δu = f on the unit square with Dirichlet data on
// each side, the source and the four boundary functions random truncated
// Chebyshev series (SKR's "Poisson" data set).
//
// Parameters: five series p_0..p_4 of degree d, p_r(t) = Σ_k c[r][k] T_k(t),
// coefficients c[r][k] ~ U(−1, 1). f(x, y) = p_0(x) (a function of x only,
// as in SKR's code); the boundary values are p_1(x) on the bottom side
// y = 0, p_2(y) on the right side x = 1, p_3(x) on the top side y = 1 and
// p_4(y) on the left side x = 0. Like SKR's code (chebfun's default domain
// [−1, 1] evaluated at coordinates in [0, 1]), the series are evaluated at
// the coordinate itself, t ∈ [0, 1], without mapping to [−1, 1].
//
// Discretisation: the 5-point Laplacian on the g×g interior nodes,
// h = 1/(g+1), rows scaled by h²: 4u_p − Σ_{q ∈ N(p)} u_q = h² f_p, with
// boundary neighbours moved to b. A is the same SPD matrix for every
// system (sparse.Laplacian2D(g, g)); only b varies. Corner nodes are never
// used by the 5-point stencil, so the sides need not agree there.
//
// Field: shape [5, d+1], row r the coefficients of p_r in the order source,
// bottom, right, top, left. SKR sorts by these coefficients.
type Poisson struct {
	g   int
	h   float64
	deg int
}

// NewPoisson returns the Poisson family on a g×g grid of unknowns. It
// returns an error for g outside [2, MaxGrid] or a negative degree or one
// above 1000.
func NewPoisson(grid int, o *PoissonOptions) (*Poisson, error) {
	if err := checkGrid("poisson", grid); err != nil {
		return nil, err
	}
	deg := DefaultChebyshevDegree
	if o != nil && o.Degree != 0 {
		deg = o.Degree
	}
	if deg < 0 || deg > 1000 {
		return nil, fmt.Errorf("pde: poisson: Chebyshev degree %d, must be in [0, 1000]", deg)
	}
	return &Poisson{g: grid, h: 1 / float64(grid+1), deg: deg}, nil
}

// Name returns "poisson".
func (p *Poisson) Name() string { return "poisson" }

// Grid returns g.
func (p *Poisson) Grid() int { return p.g }

// FieldShape returns [5, d+1].
func (p *Poisson) FieldShape() []int { return []int{5, p.deg + 1} }

// SolutionShape returns [g, g].
func (p *Poisson) SolutionShape() []int { return []int{p.g, p.g} }

// Unknowns returns g².
func (p *Poisson) Unknowns() int { return p.g * p.g }

// Field returns system i's 5(d+1) coefficients, each 2U − 1 with U uniform
// in [0, 1) from rand.NewPCG(seed, uint64(i)), row-major.
func (p *Poisson) Field(seed uint64, i int) []float64 {
	checkField("poisson", p.g, i)
	rnd := rand.New(rand.NewPCG(seed, uint64(i)))
	c := make([]float64, 5*(p.deg+1))
	for k := range c {
		c[k] = 2*rnd.Float64() - 1
	}
	return c
}

// Assemble returns A (the scaled 5-point Laplacian) and b for the
// coefficients (see Poisson), in O(g² + g·d) time. It returns an error for a
// field of the wrong length or with NaN or Inf.
func (p *Poisson) Assemble(field []float64) (*sparse.CSR, []float64, error) {
	checkMade("poisson", "Assemble", p.g)
	if err := p.check(field); err != nil {
		return nil, nil, err
	}
	A := sparse.Laplacian2D(p.g, p.g)
	b := make([]float64, p.g*p.g)
	p.rhs(b, field)
	if err := checkAssembled("poisson", field, A, b); err != nil {
		return nil, nil, err
	}
	return A, b, nil
}

// AssembleInto overwrites A's values and b with the system of field; see
// Reassembler. It allocates nothing.
func (p *Poisson) AssembleInto(A *sparse.CSR, b, field []float64) error {
	checkMade("poisson", "AssembleInto", p.g)
	checkTarget("poisson", p.g*p.g, nnz5(p.g), A, len(b))
	indptr, ind, val := A.Raw()
	checkPattern("poisson", p.g, indptr, ind, nil)
	if err := p.check(field); err != nil {
		return err
	}
	for row := 0; row < p.g*p.g; row++ {
		for k := indptr[row]; k < indptr[row+1]; k++ {
			if int(ind[k]) == row {
				val[k] = 4
			} else {
				val[k] = -1
			}
		}
	}
	p.rhs(b, field)
	return checkAssembled("poisson", field, A, b)
}

func (p *Poisson) check(field []float64) error {
	if len(field) != 5*(p.deg+1) {
		return lenError("poisson", len(field), p.FieldShape())
	}
	return checkFinite("poisson", field)
}

// rhs fills b from the coefficients.
func (p *Poisson) rhs(b, field []float64) {
	n := p.deg + 1
	src, bot, right, top, left := field[:n], field[n:2*n], field[2*n:3*n], field[3*n:4*n], field[4*n:5*n]
	g, h := p.g, p.h
	for j := 0; j < g; j++ { // f depends on x only: one row, then copies
		b[j] = h * h * chebyshev(src, float64(j+1)*h)
	}
	for i := 1; i < g; i++ {
		copy(b[i*g:(i+1)*g], b[:g])
	}
	for t := 0; t < g; t++ {
		c := float64(t+1) * h
		b[t] += chebyshev(bot, c)         // (x, 0) below row 0
		b[(g-1)*g+t] += chebyshev(top, c) // (x, 1) above row g−1
		b[t*g] += chebyshev(left, c)      // (0, y) left of column 0
		b[t*g+g-1] += chebyshev(right, c) // (1, y) right of column g−1
	}
}
