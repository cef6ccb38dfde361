package precond

import (
	"fmt"

	"github.com/subspace-lab/subspace/sparse"
)

// SSOR is the symmetric successive over-relaxation preconditioner
//
//	M = ω/(2−ω)·(D/ω + L)·D⁻¹·(D/ω + U),   A = L + D + U,
//
// so that Apply, dst = M⁻¹·x, is exactly one forward SOR sweep followed by
// one backward sweep from a zero initial guess, the action of PETSc's
// PCSOR with its default symmetric sweep (see the package doc for the
// conventions of Saad and others). ω = 1 is symmetric Gauss–Seidel. M is
// symmetric positive definite when A is and 0 < ω < 2, so SSOR may be used
// with CG and MINRES.
//
// Storage: M factors as M = L̃·Ũ with L̃ = I + ω·L·D⁻¹ (unit lower) and
// Ũ = (D + ω·U)/(ω(2−ω)), which SSOR keeps as a scaled copy of A's
// off-diagonal entries (12·nnz + 12·n bytes). Apply is a forward and a
// backward triangular solve: about 2·nnz flops and 12·nnz + 44·n bytes
// moved, sequential, allocation-free and without scratch state (concurrent
// Apply calls are safe). ApplyT applies M⁻ᵀ at the same cost.
//
// Build it with NewSSOR: the zero value has no factors, its Dims are 0×0
// and Apply and ApplyT panic.
type SSOR struct {
	tri   *triFactors
	omega float64
}

// NewSSOR returns the SSOR(ω) preconditioner of the square matrix A.
//
// Setup is O(nnz). It returns an error wrapping ErrOption if ω is not in
// the open interval (0, 2) (the range where SSOR converges for SPD A and
// M is positive definite), ErrNotSquare, ErrNotFinite naming the entry,
// or ErrZeroDiagonal naming the first row and the number of rows with a
// zero or missing diagonal entry.
func NewSSOR(A *sparse.CSR, omega float64) (*SSOR, error) {
	const method = "SSOR"
	if A == nil {
		panic("precond: " + method + ": nil matrix") // before the ω check, as every constructor
	}
	if !(omega > 0 && omega < 2) {
		return nil, fmt.Errorf("%w: SSOR relaxation ω = %v, want 0 < ω < 2", ErrOption, omega)
	}
	// The split scales as it copies, rows in order: L̃ = I + ω·L·D⁻¹
	// (l̃ᵢⱼ = ω·aᵢⱼ/aⱼⱼ, using 1/aⱼⱼ of earlier rows), Ũ = (D + ω·U)/(ω(2−ω))
	// (off-diagonal aᵢⱼ/(2−ω)); then Ũ's inverted diagonal ω(2−ω)/aᵢᵢ.
	f, err := splitLUScaled(method, A, true, false, omega)
	if err != nil {
		return nil, err
	}
	w := omega * (2 - omega)
	for i := range f.invDiag {
		// The conversion rounds the product before the finiteness test:
		// Go may fuse a product with a later v − v into one FMA (arm64),
		// which yields the product's rounding error instead of 0.
		f.invDiag[i] = float64(f.invDiag[i] * w)
		if v := f.invDiag[i]; v-v != 0 { // subnormal diagonal: 1/d overflows
			return nil, fmt.Errorf("%w: %s: diagonal entry (%d,%d) = %g has no finite inverse", ErrZeroDiagonal, method, i, i, A.At(i, i))
		}
	}
	return &SSOR{tri: f, omega: omega}, nil
}

// Dims returns (n, n).
func (p *SSOR) Dims() (r, c int) { return p.tri.Dims() }

// Omega returns the relaxation parameter ω.
func (p *SSOR) Omega() float64 { return p.omega }

// Apply sets dst = M⁻¹·x: a forward SOR sweep then a backward sweep.
// dst may be x (in place); it panics if dst otherwise overlaps x or the
// lengths are not n.
func (p *SSOR) Apply(dst, x []float64) {
	p.tri.check("SSOR.Apply", dst, x)
	p.tri.solve(dst, x)
}

// ApplyT sets dst = M⁻ᵀ·x (for symmetric A, Mᵀ = M), in place or not, as
// Apply.
func (p *SSOR) ApplyT(dst, x []float64) {
	p.tri.check("SSOR.ApplyT", dst, x)
	p.tri.solveT(dst, x)
}
