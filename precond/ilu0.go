package precond

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/sparse"
)

// ILU0 is the incomplete LU factorisation with zero fill, M = L·U, L unit
// lower triangular and U upper triangular on the pattern of A, computed by
// Saad's Algorithm 10.4 (IKJ variant) without pivoting. Every stored
// position of A, explicit zeros included, is a position of L or U, and
// (L·U)ᵢⱼ = aᵢⱼ there; fill outside the pattern is dropped.
//
// Apply, dst = M⁻¹·x = U⁻¹·L⁻¹·x, is a forward solve with L and a backward
// solve with U: about 2·nnz flops, 12·nnz + 44·n bytes moved, sequential,
// allocation-free, no scratch state (concurrent Apply calls are safe).
// ApplyT applies M⁻ᵀ = L⁻ᵀ·U⁻ᵀ at the same cost.
//
// Build it with NewILU0: the zero value has no factors, its Dims are 0×0
// and Apply, ApplyT and Factors panic.
type ILU0 struct {
	tri *triFactors
}

// NewILU0 computes the ILU(0) factorisation of the square matrix A.
//
// Setup costs Σᵢ Σ_{k ∈ L(i)} nnz(U(k)) multiply-adds (about 4 per row for
// a 5-point stencil, in general O(nnz · average row length)) plus one
// multiplication per entry of L (by the inverted pivot) and one division
// per row; the copy of A into the factors runs in parallel row blocks,
// the elimination is sequential. It allocates the factors
// (12·nnz + 20·n bytes) and 8·n bytes of work space. A is not modified.
//
// It returns an error wrapping ErrNotSquare; ErrNotFinite naming the entry
// if A holds a NaN or infinity, or naming the row if elimination overflows;
// ErrZeroDiagonal naming the first row and the count if diagonal entries
// are not stored (a stored zero is allowed: elimination may fill it); and
// ErrZeroPivot naming the row and the pivot value if
// |uᵢᵢ| ≤ PivotTol·max_j |aᵢⱼ|. Matrices with an ILU(0) that breaks down
// can often be helped by a fill-reducing or matching reordering, which is
// outside this package.
func NewILU0(A *sparse.CSR) (*ILU0, error) {
	f, err := factorILU("ILU(0)", A)
	if err != nil {
		return nil, err
	}
	return &ILU0{tri: f}, nil
}

// factorILU computes the ILU(0) factors of A, errors naming method.
func factorILU(method string, A *sparse.CSR) (*triFactors, error) {
	// Factor in place in the split layout the solves use: strict lower
	// part (becomes L), diagonal (becomes U's), strict upper part. The
	// split also rejects non-square, non-finite and diagonal-less input.
	f, err := splitLU(method, A, false, true)
	if err != nil {
		return nil, err
	}
	return eliminateILU(method, A, f)
}

// eliminateILU factors f, A's entries on the pattern to factor split into
// strict lower part, diagonal (f.diag) and strict upper part, in place into
// ILU's L (unit diagonal implied) and U (f.diag, f.invDiag its inverse);
// A is read only for the error messages.
func eliminateILU(method string, A *sparse.CSR, f *triFactors) (*triFactors, error) {
	n := f.n
	lp, li, lv := f.lp, f.li, f.lv
	up, ui, uv := f.up, f.ui, f.uv
	dg, inv := f.diag, f.invDiag
	// pos[j] locates column j in the current row i: k+1 for lv[k],
	// −(k+1) for uv[k], diagMark for the diagonal, 0 if not stored.
	const diagMark = math.MinInt
	pos := make([]int, n)
	// acc sums v − v over the final factor entries of each row: 0 while
	// they are all finite, NaN from the first that is not. A product is
	// rounded by an explicit float64 conversion first: fused with the
	// subtraction into one FMA (Go does so on arm64) it would give the
	// product's rounding error, not 0.
	acc := 0.0
	for i := range n {
		rowMax := math.Abs(dg[i])
		for k := lp[i]; k < lp[i+1]; k++ {
			pos[li[k]] = k + 1
			if a := math.Abs(lv[k]); a > rowMax {
				rowMax = a
			}
		}
		for k := up[i]; k < up[i+1]; k++ {
			pos[ui[k]] = -(k + 1)
			if a := math.Abs(uv[k]); a > rowMax {
				rowMax = a
			}
		}
		pos[i] = diagMark
		// IKJ: for each k < i in row i's pattern, in increasing order,
		// lᵢₖ = aᵢₖ/uₖₖ (times the inverse pivot stored at row k, as
		// PETSc does: a multiplication instead of a division on the
		// critical path) and aᵢⱼ −= lᵢₖ·uₖⱼ for the j > k in both rows.
		for kk := lp[i]; kk < lp[i+1]; kk++ {
			k := li[kk]
			lik := float64(lv[kk] * inv[k])
			lv[kk] = lik
			acc += lik - lik
			for t := up[k]; t < up[k+1]; t++ {
				switch p := pos[ui[t]]; {
				case p == 0:
				case p > 0:
					lv[p-1] -= lik * uv[t]
				case p == diagMark:
					dg[i] -= lik * uv[t]
				default:
					uv[-p-1] -= lik * uv[t]
				}
			}
		}
		for k := lp[i]; k < lp[i+1]; k++ {
			pos[li[k]] = 0
		}
		for k := up[i]; k < up[i+1]; k++ {
			pos[ui[k]] = 0
			acc += uv[k] - uv[k]
		}
		pos[i] = 0
		// Finiteness of the factors is checked once at the end, or here
		// when a pivot fails (a NaN pivot fails the test), so that the
		// error names the first row that went wrong either way.
		u := dg[i]
		acc += u - u
		if !(math.Abs(u) > PivotTol*rowMax) {
			if err := firstNonFiniteRow(method, f, i); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %s: pivot u(%d,%d) = %.6g, |pivot| ≤ %g·max_j|a(%d,j)| = %.6g (A(%d,%d) = %.6g)",
				ErrZeroPivot, method, i, i, u, PivotTol, i, PivotTol*rowMax, i, i, A.At(i, i))
		}
		inv[i] = 1 / u
		if v := inv[i]; v-v != 0 {
			if err := firstNonFiniteRow(method, f, i); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %s: pivot u(%d,%d) = %g has no finite inverse", ErrZeroPivot, method, i, i, u)
		}
	}
	if acc != 0 {
		if err := firstNonFiniteRow(method, f, n-1); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Dims returns (n, n).
func (p *ILU0) Dims() (r, c int) { return p.tri.Dims() }

// Apply sets dst = U⁻¹·L⁻¹·x. dst may be x (in place); it panics if dst
// otherwise overlaps x or the lengths are not n.
func (p *ILU0) Apply(dst, x []float64) {
	p.tri.check("ILU0.Apply", dst, x)
	p.tri.solve(dst, x)
}

// ApplyT sets dst = L⁻ᵀ·U⁻ᵀ·x, in place or not, as Apply.
func (p *ILU0) ApplyT(dst, x []float64) {
	p.tri.check("ILU0.ApplyT", dst, x)
	p.tri.solveT(dst, x)
}

// Factors returns new copies of the factors: L unit lower triangular with
// its unit diagonal stored, and U upper triangular with its diagonal.
// L's strictly lower and U's strictly upper patterns together with the
// diagonal are exactly A's pattern. O(nnz) time and memory.
func (p *ILU0) Factors() (L, U *sparse.CSR) {
	p.tri.built("ILU0.Factors")
	return p.tri.lowerUnit(), p.tri.upper()
}

// firstNonFiniteRow returns finiteRow's error for the first of rows
// 0…last of f whose entries are not all finite, or nil.
func firstNonFiniteRow(method string, f *triFactors, last int) error {
	for i := 0; i <= last; i++ {
		if err := finiteRow(method, i, f.li[f.lp[i]:f.lp[i+1]], f.lv[f.lp[i]:f.lp[i+1]], f.diag[i], f.ui[f.up[i]:f.up[i+1]], f.uv[f.up[i]:f.up[i+1]]); err != nil {
			return err
		}
	}
	return nil
}

// finiteRow returns an ErrNotFinite error naming the first entry of row i
// of the factors (strict lower cols/vals, diagonal d, strict upper) that
// elimination made NaN or infinite, or nil.
func finiteRow(method string, i int, lc []int32, lv []float64, d float64, uc []int32, uv []float64) error {
	s := d - d
	for _, v := range lv {
		s += v - v
	}
	for _, v := range uv {
		s += v - v
	}
	if s == 0 {
		return nil
	}
	j, v := i, d
	for k, x := range lv {
		if x-x != 0 {
			j, v = int(lc[k]), x
			break
		}
	}
	if v-v == 0 {
		for k, x := range uv {
			if x-x != 0 {
				j, v = int(uc[k]), x
				break
			}
		}
	}
	return fmt.Errorf("%w: %s: factor entry (%d,%d) became %v during elimination of row %d (growth in the incomplete factors)",
		ErrNotFinite, method, i, j, v, i)
}
