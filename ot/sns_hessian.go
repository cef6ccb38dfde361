package ot

import (
	"fmt"
)

// snsRidge scales the diagonal of M̃ by 1 + snsRidge. Without it M̃ is
// only weakly diagonally dominant: at small reg the plan nearly splits
// into blocks, each a (1, −1) near-null vector with an eigenvalue of the
// size of the mass between blocks (far below rounding), and CG on it
// breaks down (pᵀAp < 0) or stalls; SNS then fell back to a Sinkhorn step
// after 30 failed line-search trials, iteration after iteration. With the
// ridge M̃ is positive definite, and Jacobi-scaled its condition number
// is below (2 + snsRidge)/snsRidge,
// and the step differs from the Newton step only along those directions.
const snsRidge = 1e-10

// sparseHess is the matrix M̃ of SNS's Newton system in the reduced
// variables (the last dual variable g_{m−1} is fixed: gauge):
//
//	M̃ = [ diag(r)  P̃ ; P̃ᵀ  diag(c) ] without its last row and column,
//
// where r = P1 and c = Pᵀ1 come from the full plan and P̃ keeps the
// entries of P at or above the threshold. −M̃/reg is the sparsified
// Hessian of the dual D in the potentials f (cost units). It implements
// linop.Operator on vectors of length n + m − 1 (x_f first, then x_g
// without its last entry).
type sparseHess struct {
	n, m   int
	r, c   []float64
	rowptr []int
	col    []int32
	val    []float64
}

func (h *sparseHess) Dims() (int, int) { k := h.n + h.m - 1; return k, k }

// Apply sets dst = M̃ x. Serial: the matrix has O(n + m) nonzeros.
func (h *sparseHess) Apply(dst, x []float64) {
	n, m := h.n, h.m
	if len(dst) != n+m-1 || len(x) != n+m-1 {
		panic(fmt.Sprintf("ot: sparseHess.Apply: lengths %d and %d, want %d", len(dst), len(x), n+m-1))
	}
	xf, xg := x[:n], x[n:]
	yf, yg := dst[:n], dst[n:]
	for j := range yg {
		yg[j] = (1 + snsRidge) * h.c[j] * xg[j]
	}
	for i := 0; i < n; i++ {
		s := (1 + snsRidge) * h.r[i] * xf[i]
		xi := xf[i]
		for k := h.rowptr[i]; k < h.rowptr[i+1]; k++ {
			j := int(h.col[k])
			if j == m-1 {
				continue // fixed variable: x_g[m−1] = 0, row dropped
			}
			v := h.val[k]
			s += v * xg[j]
			yg[j] += v * xi
		}
		yf[i] = s
	}
}

// build fills the sparse part from the plan P (n×m row-major), keeping
// the entries ≥ rho.
func (h *sparseHess) build(P []float64, rho float64) {
	h.rowptr = h.rowptr[:0]
	h.col = h.col[:0]
	h.val = h.val[:0]
	h.rowptr = append(h.rowptr, 0)
	for i := 0; i < h.n; i++ {
		for j, v := range P[i*h.m : (i+1)*h.m] {
			if v >= rho && v > 0 {
				h.col = append(h.col, int32(j))
				h.val = append(h.val, v)
			}
		}
		h.rowptr = append(h.rowptr, len(h.col))
	}
}

// kthLargest returns the k-th largest value of x (1 ≤ k ≤ len(x)),
// reordering x. Quickselect with a median-of-three pivot: O(len(x))
// expected, deterministic.
func kthLargest(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	target := k - 1 // index in descending order
	for lo < hi {
		mid := lo + (hi-lo)/2
		// median of three, moved to x[hi]
		if x[mid] > x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] > x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[mid] > x[hi] {
			x[mid], x[hi] = x[hi], x[mid]
		}
		pivot := x[hi]
		// Three-way partition, descending: [> pivot | = pivot | < pivot].
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case x[i] > pivot:
				x[lt], x[i] = x[i], x[lt]
				lt++
				i++
			case x[i] < pivot:
				x[gt], x[i] = x[i], x[gt]
				gt--
			default:
				i++
			}
		}
		switch {
		case target < lt:
			hi = lt - 1
		case target > gt:
			lo = gt + 1
		default:
			return pivot
		}
	}
	return x[lo]
}
