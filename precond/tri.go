package precond

import (
	"fmt"

	"github.com/subspace-lab/subspace/sparse"
)

// triFactors holds M = L·U with L unit lower triangular and U upper
// triangular, in the layout the solves want: the strictly lower part of L
// and the strictly upper part of U as two CSR arrays (column indices sorted
// within each row) and the inverses of U's diagonal in a separate slice.
// The forward solve streams (lp, li, lv) front to back, the backward solve
// streams (up, ui, uv, invDiag) back to front: each array is read once.
//
// SSOR, ILU(0) and IC(0) all reduce to this form (see their constructors),
// so they share one pair of kernels.
type triFactors struct {
	n       int
	lp      []int
	li      []int32
	lv      []float64
	up      []int
	ui      []int32
	uv      []float64
	invDiag []float64
	// diag is U's diagonal itself, kept only where Factors must return it
	// exactly (ILU(0)); nil otherwise.
	diag []float64
}

// Dims returns (n, n).
func (f *triFactors) Dims() (r, c int) { return f.n, f.n }

func (f *triFactors) check(name string, dst, x []float64) {
	if len(dst) != f.n || len(x) != f.n {
		panic(fmt.Sprintf("precond: %s: %d×%d preconditioner with len(dst)=%d, len(x)=%d", name, f.n, f.n, len(dst), len(x)))
	}
}

// solve sets dst = U⁻¹·L⁻¹·x: forward substitution with the unit lower
// triangle into dst, then backward substitution in place. The backward step
// reads dst[i] (the forward result) before overwriting it and only reads
// dst[j], j > i, which are final, so no scratch vector is needed.
func (f *triFactors) solve(dst, x []float64) {
	n := f.n
	lp, li, lv := f.lp[:n+1], f.li, f.lv
	x = x[:n]
	dst = dst[:n]
	for i := range n {
		s := x[i]
		lo, hi := lp[i], lp[i+1]
		cols, vals := li[lo:hi], lv[lo:hi]
		vals = vals[:len(cols)]
		for k, j := range cols {
			s -= vals[k] * dst[j]
		}
		dst[i] = s
	}
	up, ui, uv, inv := f.up[:n+1], f.ui, f.uv, f.invDiag[:n]
	for i := n - 1; i >= 0; i-- {
		s := dst[i]
		lo, hi := up[i], up[i+1]
		cols, vals := ui[lo:hi], uv[lo:hi]
		vals = vals[:len(cols)]
		for k, j := range cols {
			s -= vals[k] * dst[j]
		}
		dst[i] = s * inv[i]
	}
}

// solveT sets dst = L⁻ᵀ·U⁻ᵀ·x (the inverse of Mᵀ = Uᵀ·Lᵀ) without forming
// the transposes: Uᵀ is lower triangular and its columns are U's rows, so
// the first solve goes forward through U's rows and scatters each solved
// value into the later entries of dst; the second goes backward through L's
// rows the same way. Same flops and traffic as solve, but the updates are
// scattered read-modify-writes instead of gathers.
func (f *triFactors) solveT(dst, x []float64) {
	n := f.n
	copy(dst[:n], x[:n])
	up, ui, uv, inv := f.up[:n+1], f.ui, f.uv, f.invDiag[:n]
	for i := range n {
		y := dst[i] * inv[i]
		dst[i] = y
		lo, hi := up[i], up[i+1]
		cols, vals := ui[lo:hi], uv[lo:hi]
		vals = vals[:len(cols)]
		for k, j := range cols {
			dst[j] -= vals[k] * y
		}
	}
	lp, li, lv := f.lp[:n+1], f.li, f.lv
	for i := n - 1; i >= 0; i-- {
		z := dst[i]
		lo, hi := lp[i], lp[i+1]
		cols, vals := li[lo:hi], lv[lo:hi]
		vals = vals[:len(cols)]
		for k, j := range cols {
			dst[j] -= vals[k] * z
		}
	}
}

// splitLU copies a square row-sorted CSR matrix whose diagonal entry of
// row i sits at storage index diag[i] into triFactors: the entries before
// the diagonal become the strict lower part, those after it the strict
// upper part, diag[i] = val[diag[i]] and invDiag[i] = 1/val[diag[i]].
// O(nnz) time; it allocates the factor arrays (12·nnz + 20·n bytes).
func splitLU(n int, indptr []int, ind []int32, val []float64, diag []int) *triFactors {
	nl, nu := 0, 0
	for i := range n {
		nl += diag[i] - indptr[i]
		nu += indptr[i+1] - diag[i] - 1
	}
	f := &triFactors{
		n:       n,
		lp:      make([]int, n+1),
		li:      make([]int32, nl),
		lv:      make([]float64, nl),
		up:      make([]int, n+1),
		ui:      make([]int32, nu),
		uv:      make([]float64, nu),
		invDiag: make([]float64, n),
		diag:    make([]float64, n),
	}
	// Element loops, not append: rows are short and a copy call per row
	// costs more than the copy.
	pl, pu := 0, 0
	for i := range n {
		d := diag[i]
		for k := indptr[i]; k < d; k++ {
			f.li[pl], f.lv[pl] = ind[k], val[k]
			pl++
		}
		f.lp[i+1] = pl
		for k := d + 1; k < indptr[i+1]; k++ {
			f.ui[pu], f.uv[pu] = ind[k], val[k]
			pu++
		}
		f.up[i+1] = pu
		f.diag[i] = val[d]
		f.invDiag[i] = 1 / val[d]
	}
	return f
}

// lowerUnit returns L (unit diagonal stored explicitly) as a new CSR.
func (f *triFactors) lowerUnit() *sparse.CSR {
	n := f.n
	indptr := make([]int, n+1)
	ind := make([]int32, 0, len(f.li)+n)
	val := make([]float64, 0, len(f.li)+n)
	for i := range n {
		ind = append(ind, f.li[f.lp[i]:f.lp[i+1]]...)
		val = append(val, f.lv[f.lp[i]:f.lp[i+1]]...)
		ind = append(ind, int32(i))
		val = append(val, 1)
		indptr[i+1] = len(ind)
	}
	return mustCSR(n, indptr, ind, val)
}

// upper returns U as a new CSR, its diagonal from diag if stored, else
// 1/invDiag.
func (f *triFactors) upper() *sparse.CSR {
	n := f.n
	indptr := make([]int, n+1)
	ind := make([]int32, 0, len(f.ui)+n)
	val := make([]float64, 0, len(f.ui)+n)
	for i := range n {
		ind = append(ind, int32(i))
		if f.diag != nil {
			val = append(val, f.diag[i])
		} else {
			val = append(val, 1/f.invDiag[i])
		}
		ind = append(ind, f.ui[f.up[i]:f.up[i+1]]...)
		val = append(val, f.uv[f.up[i]:f.up[i+1]]...)
		indptr[i+1] = len(ind)
	}
	return mustCSR(n, indptr, ind, val)
}

// mustCSR wraps sparse.NewCSR for arrays built by this package, whose
// invariants hold by construction; an error is a bug here.
func mustCSR(n int, indptr []int, ind []int32, val []float64) *sparse.CSR {
	m, err := sparse.NewCSR(n, n, indptr, ind, val)
	if err != nil {
		panic("precond: internal error: " + err.Error())
	}
	return m
}
