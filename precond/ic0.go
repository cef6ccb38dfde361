package precond

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/sparse"
)

// IC0Options controls the incomplete Cholesky factorisation. The zero
// value and a nil pointer mean no shift.
type IC0Options struct {
	// Shift ≥ 0 factors A + Shift·diag(A) instead of A: every diagonal
	// entry is multiplied by 1 + Shift (Manteuffel's shifted incomplete
	// Cholesky; PETSc offers the same idea as -pc_factor_shift_type with
	// -pc_factor_shift_amount, in absolute units). A relative shift is
	// independent of the scaling of A. For symmetric A with positive
	// diagonal, a shift that makes A + Shift·diag(A) diagonally dominant
	// always succeeds; values of 1e-3 to 1e-1 usually suffice, and a
	// smaller shift gives a better preconditioner. 0 means none.
	Shift float64
}

// IC0 is the incomplete Cholesky factorisation with zero fill,
// M = L·Lᵀ, L lower triangular with positive diagonal on the pattern of
// A's lower triangle, (L·Lᵀ)ᵢⱼ = aᵢⱼ for every stored (i, j) with j ≤ i.
//
// Apply, dst = M⁻¹·x = L⁻ᵀ·L⁻¹·x, is a forward and a backward triangular
// solve: about 2·nnz(A) flops and 12·nnz + 44·n bytes moved, sequential,
// allocation-free, no scratch state (concurrent Apply calls are safe). M is
// symmetric positive definite, so IC0 may precondition CG and MINRES.
//
// Storage: M = L̂·D²·L̂ᵀ with L̂ = L·D⁻¹ unit lower triangular and
// D = diag(L); IC0 keeps L̂ and D²·L̂ᵀ in row form, so both solves stream
// memory (12·nnz + 20·n bytes in all, plus 24·n bytes of work space
// during setup).
type IC0 struct {
	tri   *triFactors
	ldiag []float64 // lᵢᵢ
	shift float64
}

// NewIC0 computes the IC(0) factorisation of the symmetric matrix A,
// using its lower triangle. o may be nil.
//
// Setup: a symmetry check (O(nnz), no transpose), Σᵢ Σ_{k ∈ L(i)} nnz(L(k))
// multiply-adds (about 4 per row for a 5-point stencil), n square roots,
// and a transpose of the factor to lay out the backward solve.
//
// It returns an error wrapping ErrOption if the shift is negative or not
// finite; ErrNotSquare; ErrNotFinite naming the entry; ErrNotSymmetric
// naming an asymmetric pair; ErrZeroDiagonal if diagonal entries
// are not stored; and ErrNotSPD naming the row and value if a diagonal
// entry or a pivot aᵢᵢ − Σⱼ lᵢⱼ² is not above PivotTol·aᵢᵢ (A is not
// positive definite, or IC(0) breaks down on it: try IC0Options.Shift).
func NewIC0(A *sparse.CSR, o *IC0Options) (*IC0, error) {
	const method = "IC(0)"
	shift := 0.0
	if o != nil {
		shift = o.Shift
	}
	if !(shift >= 0) || math.IsInf(shift, 0) {
		return nil, fmt.Errorf("%w: IC(0) shift %v, want a finite value ≥ 0", ErrOption, shift)
	}
	n, err := checkSquare(method, A)
	if err != nil {
		return nil, err
	}
	// One parallel pass for finiteness, max|a| and symmetry; the
	// sequential scans run only to name what is wrong.
	sc := scanSymmetric(A)
	if !sc.finite {
		if err := firstNonFinite(method, A); err != nil {
			return nil, err
		}
	}
	if !sc.passes(sc.maxAbs) {
		if err := checkSymmetric(method, A, sc.maxAbs); err != nil {
			return nil, err
		}
	}
	diag, err := diagPositions(method, A, false)
	if err != nil {
		return nil, err
	}
	indptr, ind, aval := A.Raw()

	// Strict lower triangle of A (becomes L̂) and its diagonal (becomes
	// diag(L)), factored in place.
	nl := 0
	for i := range n {
		nl += diag[i] - indptr[i]
	}
	f := &triFactors{n: n, lp: make([]int, n+1), li: make([]int32, nl), lv: make([]float64, nl), invDiag: make([]float64, n)}
	lp, li, lv := f.lp, f.li, f.lv
	ldiag := make([]float64, n)
	p := 0
	for i := range n {
		for k := indptr[i]; k < diag[i]; k++ {
			li[p], lv[p] = ind[k], aval[k]
			p++
		}
		lp[i+1] = p
		d := aval[diag[i]]
		if !(d > 0) {
			return nil, fmt.Errorf("%w: %s: diagonal entry A(%d,%d) = %.6g is not positive", ErrNotSPD, method, i, i, d)
		}
		ldiag[i] = d * (1 + shift)
	}

	// Row-oriented IC(0): for each row i and each k < i in its pattern,
	// lᵢₖ = (aᵢₖ − Σ_{j<k} lᵢⱼ·lₖⱼ)/lₖₖ, then lᵢᵢ = √(aᵢᵢ − Σ_{j<i} lᵢⱼ²).
	// w holds the computed entries of row i, scattered by column.
	w := make([]float64, n)
	for i := range n {
		lo, hi := lp[i], lp[i+1]
		for kk := lo; kk < hi; kk++ {
			k := li[kk]
			s := lv[kk]
			for t := lp[k]; t < lp[k+1]; t++ {
				s -= lv[t] * w[li[t]]
			}
			lik := s / ldiag[k]
			lv[kk] = lik
			w[k] = lik
		}
		aii := ldiag[i]
		s := aii
		for kk := lo; kk < hi; kk++ {
			s -= lv[kk] * lv[kk]
			w[li[kk]] = 0
		}
		if s-s != 0 {
			return nil, fmt.Errorf("%w: %s: pivot of row %d became %v (growth in the incomplete factor)", ErrNotFinite, method, i, s)
		}
		if !(s > PivotTol*aii) {
			hint := "A is not positive definite, or IC(0) breaks down on it; try IC0Options.Shift (e.g. 1e-2), as PETSc's -pc_factor_shift_type"
			if shift > 0 {
				hint = fmt.Sprintf("even with Shift = %g; try a larger shift", shift)
			}
			return nil, fmt.Errorf("%w: %s: pivot of row %d is %.6g (A(%d,%d) = %.6g): %s",
				ErrNotSPD, method, i, s, i, i, aval[diag[i]], hint)
		}
		ldiag[i] = math.Sqrt(s)
		f.invDiag[i] = 1 / s
		if v := f.invDiag[i]; v-v != 0 {
			return nil, fmt.Errorf("%w: %s: pivot of row %d, %g, has no finite inverse", ErrNotSPD, method, i, s)
		}
	}

	// M = L̂·D²·L̂ᵀ: Ûᵢⱼ = (D²L̂ᵀ)ᵢⱼ = lᵢᵢ·lⱼᵢ (j > i), then L̂ᵢⱼ = lᵢⱼ/lⱼⱼ in place.
	f.up, f.ui, f.uv = transposeScaled(n, lp, li, lv, ldiag)
	for t, j := range li {
		lv[t] /= ldiag[j]
	}
	return &IC0{tri: f, ldiag: ldiag, shift: shift}, nil
}

// transposeScaled returns the strictly upper triangle Û = D²·L̂ᵀ in row
// form from the strictly lower part of L (rows lp/li/lv) and its diagonal
// ldiag: Ûᵢⱼ = lᵢᵢ·lⱼᵢ for j > i. A counting-sort transpose, O(nnz(L)).
// Columns come out sorted because rows j are visited in increasing order.
func transposeScaled(n int, lp []int, li []int32, lv, ldiag []float64) (up []int, ui []int32, uv []float64) {
	up = make([]int, n+1)
	for _, i := range li {
		up[i+1]++
	}
	for i := range n {
		up[i+1] += up[i]
	}
	ui = make([]int32, up[n])
	uv = make([]float64, up[n])
	next := append([]int(nil), up[:n]...)
	for j := range n {
		for t := lp[j]; t < lp[j+1]; t++ {
			i := li[t]
			p := next[i]
			ui[p] = int32(j)
			uv[p] = ldiag[i] * lv[t]
			next[i]++
		}
	}
	return up, ui, uv
}

// Dims returns (n, n).
func (p *IC0) Dims() (r, c int) { return p.tri.Dims() }

// Shift returns the relative diagonal shift the factorisation used.
func (p *IC0) Shift() float64 { return p.shift }

// Apply sets dst = L⁻ᵀ·L⁻¹·x. dst must not overlap x. It panics if the
// lengths are not n.
func (p *IC0) Apply(dst, x []float64) {
	p.tri.check("IC0.Apply", dst, x)
	p.tri.solve(dst, x)
}

// ApplyT is Apply: M = L·Lᵀ is symmetric.
func (p *IC0) ApplyT(dst, x []float64) {
	p.tri.check("IC0.ApplyT", dst, x)
	p.tri.solve(dst, x)
}

// Factor returns a new copy of the lower triangular factor L (diagonal
// included), M = L·Lᵀ. It is rebuilt from the stored scaled form
// (lᵢⱼ = L̂ᵢⱼ·lⱼⱼ), so it agrees with the factorisation to about one unit
// of rounding. O(nnz) time and memory.
func (p *IC0) Factor() *sparse.CSR {
	f := p.tri
	n := f.n
	indptr := make([]int, n+1)
	ind := make([]int32, 0, len(f.li)+n)
	val := make([]float64, 0, len(f.li)+n)
	for i := range n {
		for t := f.lp[i]; t < f.lp[i+1]; t++ {
			ind = append(ind, f.li[t])
			val = append(val, f.lv[t]*p.ldiag[f.li[t]])
		}
		ind = append(ind, int32(i))
		val = append(val, p.ldiag[i])
		indptr[i+1] = len(ind)
	}
	return mustCSR(n, indptr, ind, val)
}
