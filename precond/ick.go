package precond

import (
	"fmt"

	"github.com/subspace-lab/subspace/sparse"
)

// DefaultICKLevels is the level of fill of the ick kind of New when
// Options.Levels is 0.
const DefaultICKLevels = 1

// ICK is the incomplete Cholesky factorisation with level of fill k,
// IC(k) (PETSc's PCICC with -pc_factor_levels k): M = L·Lᵀ, L lower
// triangular with positive diagonal, on the lower part of the ILU(k)
// pattern of A (see ILUK for the levels; for A with a symmetric pattern
// that pattern is symmetric), (L·Lᵀ)ᵢⱼ = aᵢⱼ on it. IC(0) is ICK with
// k = 0 (the same factor as IC0), and a k ≥ n − 2 gives the exact
// Cholesky factor. The numeric factorisation, its storage (M = L̂·D·L̂ᵀ)
// and its breakdowns are IC0's, on the larger pattern.
//
// Apply and ApplyT (the same: M is symmetric) are a forward and a
// backward triangular solve, about 2·nnz(L+Lᵀ) flops, sequential,
// allocation-free, safe for concurrent use. M is symmetric positive
// definite, so ICK may precondition CG and MINRES. The fill grows with k
// as ILU(k)'s does: an interior row of the 5-point Laplacian's factor
// has 3 entries at k = 0, then 4, 5, 7, 9 for k = 1–4 (L's half of
// ILU(k)'s 5, 7, 9, 13, 17).
//
// Build it with NewICK: the zero value has no factor, its Dims are 0×0
// and Apply, ApplyT and Factor panic.
type ICK struct {
	tri    *triFactors
	piv    []float64 // dᵢ = lᵢᵢ²
	shift  float64
	levels int
}

// NewICK computes the IC(k) factorisation of the symmetric matrix A with
// k = levels, using its lower triangle and the fill ILU(k) gives it. o
// may be nil (no shift).
//
// Setup: IC0's checks (symmetry, finiteness; parallel), ILU(k)'s symbolic
// phase (see NewILUK; sequential), the factorisation (Σᵢ Σ_{k ∈ L(i)}
// nnz(L(k)) multiply-adds, n divisions, no square roots) and the
// transpose that lays out the backward solve. Memory: ILU(k)'s factors
// (12·nnz(L+U) + 20·n bytes) plus 8·n bytes of work space.
//
// It returns an error wrapping ErrOption if levels < 0 or the shift is
// negative or not finite, and NewIC0's errors under the method name
// IC(k): ErrNotSquare, ErrNotFinite, ErrNotSymmetric, ErrZeroDiagonal
// (diagonal entries not stored), ErrNotSPD naming the row if a pivot is
// not above PivotTol·aᵢᵢ (try a shift).
func NewICK(A *sparse.CSR, levels int, o *IC0Options) (*ICK, error) {
	if A == nil {
		panic("precond: ICK: nil matrix")
	}
	if levels < 0 {
		return nil, fmt.Errorf("%w: IC(k) level of fill %d, want ≥ 0", ErrOption, levels)
	}
	method := fmt.Sprintf("IC(%d)", levels)
	shift, sc, err := icInput(method, A, o)
	if err != nil {
		return nil, err
	}
	n, _ := A.Dims()
	var f *triFactors
	if levels == 0 || n == 0 || A.DiagonalInfo().Missing > 0 {
		// IC(0), or A missing diagonal entries, which the split reports.
		f, err = splitLU(method, A, false, true)
		if err != nil {
			return nil, err
		}
	} else {
		f = iluKSplit(A, min(levels, n))
	}
	// ILU(k)'s upper pattern is the transpose of its lower one when A's
	// pattern is symmetric (sc.mirror); fill from a tiny unpaired lower
	// entry of A lands in the upper part only.
	piv, err := factorIC(method, A, f, sc.mirror, shift)
	if err != nil {
		return nil, err
	}
	return &ICK{tri: f, piv: piv, shift: shift, levels: levels}, nil
}

// Levels returns k.
func (p *ICK) Levels() int { return p.levels }

// Shift returns the relative diagonal shift the factorisation used.
func (p *ICK) Shift() float64 { return p.shift }

// Dims returns (n, n).
func (p *ICK) Dims() (r, c int) { return p.tri.Dims() }

// Apply sets dst = L⁻ᵀ·L⁻¹·x. dst may be x (in place); it panics if dst
// otherwise overlaps x or the lengths are not n.
func (p *ICK) Apply(dst, x []float64) {
	p.tri.check("ICK.Apply", dst, x)
	p.tri.solve(dst, x)
}

// ApplyT is Apply: M = L·Lᵀ is symmetric.
func (p *ICK) ApplyT(dst, x []float64) {
	p.tri.check("ICK.ApplyT", dst, x)
	p.tri.solve(dst, x)
}

// Factor returns a new copy of the lower triangular factor L (diagonal
// included), M = L·Lᵀ, rebuilt from the stored form as IC0's Factor is
// (to about one unit of rounding). O(nnz) time and memory.
func (p *ICK) Factor() *sparse.CSR {
	p.tri.built("ICK.Factor")
	return icFactor(p.tri, p.piv)
}
