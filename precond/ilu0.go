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
type ILU0 struct {
	tri *triFactors
}

// NewILU0 computes the ILU(0) factorisation of the square matrix A.
//
// Setup costs Σᵢ Σ_{k ∈ L(i)} nnz(U(k)) multiply-adds (about 4 per row for
// a 5-point stencil, in general O(nnz · average row length)) plus nnz
// divisions; it allocates the factors (12·nnz + 24·n bytes) and 16·n bytes
// of work space. A is not modified.
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
	const method = "ILU(0)"
	n, err := checkMatrix(method, A)
	if err != nil {
		return nil, err
	}
	diag, err := diagPositions(method, A, false)
	if err != nil {
		return nil, err
	}
	indptr, ind, aval := A.Raw()
	val := append([]float64(nil), aval...)
	// pos[j] is the storage index of (i, j) in the current row i, or -1.
	pos := make([]int, n)
	for j := range pos {
		pos[j] = -1
	}
	for i := range n {
		lo, hi, d := indptr[i], indptr[i+1], diag[i]
		rowMax := 0.0
		for k := lo; k < hi; k++ {
			pos[ind[k]] = k
			if a := math.Abs(val[k]); a > rowMax {
				rowMax = a
			}
		}
		// IKJ: for each k < i in row i's pattern, in increasing order,
		// lᵢₖ = aᵢₖ/uₖₖ and aᵢⱼ −= lᵢₖ·uₖⱼ for the j > k in both rows.
		for kk := lo; kk < d; kk++ {
			k := ind[kk]
			lik := val[kk] / val[diag[k]]
			val[kk] = lik
			for t := diag[k] + 1; t < indptr[k+1]; t++ {
				if p := pos[ind[t]]; p >= 0 {
					val[p] -= lik * val[t]
				}
			}
		}
		for k := lo; k < hi; k++ {
			pos[ind[k]] = -1
		}
		for k := lo; k < hi; k++ {
			if v := val[k]; v-v != 0 {
				return nil, fmt.Errorf("%w: %s: factor entry (%d,%d) became %v during elimination of row %d (growth in the incomplete factors)",
					ErrNotFinite, method, i, ind[k], v, i)
			}
		}
		if u := val[d]; !(math.Abs(u) > PivotTol*rowMax) {
			return nil, fmt.Errorf("%w: %s: pivot u(%d,%d) = %.6g, |pivot| ≤ %g·max_j|a(%d,j)| = %.6g (A(%d,%d) = %.6g)",
				ErrZeroPivot, method, i, i, u, PivotTol, i, PivotTol*rowMax, i, i, aval[d])
		}
	}
	f := splitLU(n, indptr, ind, val, diag)
	f.diag = make([]float64, n)
	for i, v := range f.invDiag {
		f.diag[i] = val[diag[i]]
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: %s: pivot u(%d,%d) = %g has no finite inverse", ErrZeroPivot, method, i, i, val[diag[i]])
		}
	}
	return &ILU0{tri: f}, nil
}

// Dims returns (n, n).
func (p *ILU0) Dims() (r, c int) { return p.tri.Dims() }

// Apply sets dst = U⁻¹·L⁻¹·x. dst must not overlap x. It panics if the
// lengths are not n.
func (p *ILU0) Apply(dst, x []float64) {
	p.tri.check("ILU0.Apply", dst, x)
	p.tri.solve(dst, x)
}

// ApplyT sets dst = L⁻ᵀ·U⁻ᵀ·x. It panics if the lengths are not n.
func (p *ILU0) ApplyT(dst, x []float64) {
	p.tri.check("ILU0.ApplyT", dst, x)
	p.tri.solveT(dst, x)
}

// Factors returns new copies of the factors: L unit lower triangular with
// its unit diagonal stored, and U upper triangular with its diagonal.
// L's strictly lower and U's strictly upper patterns together with the
// diagonal are exactly A's pattern. O(nnz) time and memory.
func (p *ILU0) Factors() (L, U *sparse.CSR) {
	return p.tri.lowerUnit(), p.tri.upper()
}
