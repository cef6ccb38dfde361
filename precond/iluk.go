package precond

import (
	"fmt"

	"github.com/subspace-lab/subspace/sparse"
)

// DefaultILUKLevels is the level of fill of the iluk kind of New when
// Options.Levels is 0.
const DefaultILUKLevels = 1

// ILUK is the incomplete LU factorisation with level of fill k, ILU(k)
// (Saad, Iterative Methods for Sparse Linear Systems, §10.3.3; PETSc's
// PCILU with -pc_factor_levels k): M = L·U, L unit lower triangular and U
// upper triangular, without pivoting, on the pattern of A plus the fill
// of level ≤ k. Entries of A (explicit zeros included) have level 0;
// eliminating row k from row i gives position (i, j) the level
// min(lev(i,j), lev(i,k) + lev(k,j) + 1). The numeric factorisation
// is ILU(0)'s (Saad's IKJ variant) on that pattern, so (L·U)ᵢⱼ = aᵢⱼ on
// it, ILU(0) is ILUK with k = 0, and k ≥ n − 2 gives the exact LU factors
// (when no pivot vanishes): a fill entry's level is the number of
// intermediate rows on its shortest fill path, at most min(i, j). A k at
// least the bandwidth is not enough in general: half-bandwidth 2 with
// entries (i, i±2) and (0, 1) has a fill path through every earlier row.
//
// Apply and ApplyT cost what ILU(0)'s do on the larger pattern: about
// 2·nnz(L+U) flops, sequential, allocation-free, safe for concurrent use.
// The fill grows with k: an interior row of the 5-point Laplacian's
// factors has 5 entries at k = 0, then 7, 9, 13, 17 for k = 1–4 (the band
// of half-width √n fills completely in about √n levels).
//
// Build it with NewILUK: the zero value has no factors, its Dims are 0×0
// and Apply, ApplyT and Factors panic.
type ILUK struct {
	tri    *triFactors
	levels int
}

// NewILUK computes the ILU(k) factorisation of the square matrix A with k =
// levels.
//
// The symbolic phase keeps each row's pattern as a sorted list, merging in
// the upper parts of the rows it eliminates as PETSc does: an entry
// already in the row costs O(1), a new one the walk from the previous
// insertion in that merge to its place. That is O(Σᵢ Σ_{k ∈ L(i)} nnz(U(k)))
// time plus the walks, which only fill entries pay (at most the row's
// length per eliminated row that fills it); sequential, writing A's
// entries and the fill (as zeros) straight into the factors' layout. The
// numeric phase is ILU(0)'s elimination on them. It allocates the factors
// (12·nnz(L+U) + 20·n bytes, nnz(L+U) counting the diagonal once, plus
// the spare capacity of the index arrays, which grow by appending) and
// O(n + nnz(U)) bytes of work space, and does not modify A. The memory of
// a large k on a large matrix can approach that of a direct
// factorisation.
//
// It returns an error wrapping ErrOption if levels < 0, ErrNotSquare, and
// the errors of NewILU0 under the method name ILU(k): ErrZeroDiagonal if
// diagonal entries are not stored (PETSc refuses them too; a stored zero
// is allowed), ErrZeroPivot, ErrNotFinite.
func NewILUK(A *sparse.CSR, levels int) (*ILUK, error) {
	if A == nil {
		panic("precond: ILUK: nil matrix")
	}
	if levels < 0 {
		return nil, fmt.Errorf("%w: ILU(k) level of fill %d, want ≥ 0", ErrOption, levels)
	}
	method := fmt.Sprintf("ILU(%d)", levels)
	n, err := checkSquare(method, A)
	if err != nil {
		return nil, err
	}
	var f *triFactors
	if levels == 0 || n == 0 || A.DiagonalInfo().Missing > 0 {
		// ILU(0), or A missing diagonal entries, which the split reports.
		f, err = splitLU(method, A, false, true)
	} else if err = firstNonFinite(method, A); err == nil {
		f = iluKSplit(A, min(levels, n))
	}
	if err != nil {
		return nil, err
	}
	if f, err = eliminateILU(method, A, f); err != nil {
		return nil, err
	}
	return &ILUK{tri: f, levels: levels}, nil
}

// iluKSplit returns the entries of the square, finite A, whose diagonal is
// stored, on its pattern plus the level-≤k fill (as explicit zeros), in the
// split layout eliminateILU factors: strict lower part, diagonal, strict
// upper part.
func iluKSplit(A *sparse.CSR, k int) *triFactors {
	n, _ := A.Dims()
	indptr, ind, val := A.Raw()
	const end = -1
	// The current row's columns as a sorted linked list from head:
	// next[c] follows column c; lev[c] is its level.
	head := n
	next := make([]int, n+1)
	lev := make([]int, n)
	// in[c] is i+1 while column c is in row i's list.
	in := make([]int32, n)
	// The strict lower and upper parts of every row, the upper with its
	// levels for the rows below; values are merged in afterwards, so that
	// only the index arrays grow. Their first capacity, (1 + min(k, 2)/2)
	// times A's, holds the fill of a 5-point stencil up to k = 2 without
	// regrowth; it does not grow further with k, whose fill may be none
	// (a tridiagonal A has none at any level).
	grow := 1 + float64(min(k, 2))/2
	f := &triFactors{n: n, lp: make([]int, n+1), up: make([]int, n+1), invDiag: make([]float64, n), diag: make([]float64, n)}
	li := make([]int32, 0, int(grow*float64(len(ind)/2+1)))
	ui := make([]int32, 0, cap(li))
	ulev := make([]int32, 0, cap(li))
	for i := range n {
		// A's row, level 0.
		stamp := int32(i + 1)
		prev := head
		for _, c := range ind[indptr[i]:indptr[i+1]] {
			next[prev], lev[c], in[c] = int(c), 0, stamp
			prev = int(c)
		}
		next[prev] = end
		// Eliminate with the rows c < i of the list, in increasing order;
		// fill below the diagonal joins the list ahead of the walk.
		for c := next[head]; c != end && c < i; c = next[c] {
			lc := lev[c]
			if lc >= k {
				continue // every fill through c would exceed level k
			}
			p := c // insertion point: U(c)'s columns increase, so p only advances
			for t := f.up[c]; t < f.up[c+1]; t++ {
				j := int(ui[t])
				nl := lc + int(ulev[t]) + 1
				if nl > k {
					continue
				}
				if in[j] == stamp {
					// Already in the row: no walk (PETSc's bit table).
					// Walking to it would cost the row's length for
					// every c, O(n²) on a dense row of an arrow matrix.
					lev[j] = min(lev[j], nl)
					continue
				}
				for next[p] != end && next[p] < j {
					p = next[p]
				}
				next[j], next[p], lev[j], in[j] = next[p], j, nl, stamp
				p = j
			}
		}
		// Emit the row's two parts (the diagonal is in every row).
		for c := next[head]; c != end; c = next[c] {
			switch {
			case c < i:
				li = append(li, int32(c))
			case c > i:
				ui = append(ui, int32(c))
				ulev = append(ulev, int32(lev[c]))
			}
		}
		f.lp[i+1], f.up[i+1] = len(li), len(ui)
	}
	// A's values at their places in the (sorted, larger) pattern.
	f.li, f.ui = li, ui
	f.lv, f.uv = make([]float64, len(li)), make([]float64, len(ui))
	for i := range n {
		t, e := indptr[i], indptr[i+1]
		for q := f.lp[i]; q < f.lp[i+1] && t < e; q++ {
			if li[q] == ind[t] {
				f.lv[q] = val[t]
				t++
			}
		}
		f.diag[i] = val[t] // the diagonal, stored: next in A's row
		t++
		for q := f.up[i]; q < f.up[i+1] && t < e; q++ {
			if ui[q] == ind[t] {
				f.uv[q] = val[t]
				t++
			}
		}
	}
	return f
}

// Levels returns k.
func (p *ILUK) Levels() int { return p.levels }

// Dims returns (n, n).
func (p *ILUK) Dims() (r, c int) { return p.tri.Dims() }

// Apply sets dst = U⁻¹·L⁻¹·x. dst may be x (in place); it panics if dst
// otherwise overlaps x or the lengths are not n.
func (p *ILUK) Apply(dst, x []float64) {
	p.tri.check("ILUK.Apply", dst, x)
	p.tri.solve(dst, x)
}

// ApplyT sets dst = L⁻ᵀ·U⁻ᵀ·x, in place or not, as Apply.
func (p *ILUK) ApplyT(dst, x []float64) {
	p.tri.check("ILUK.ApplyT", dst, x)
	p.tri.solveT(dst, x)
}

// Factors returns new copies of the factors: L unit lower triangular with
// its unit diagonal stored, and U upper triangular with its diagonal, on
// A's pattern plus the fill of level ≤ k. O(nnz) time and memory.
func (p *ILUK) Factors() (L, U *sparse.CSR) {
	p.tri.built("ILUK.Factors")
	return p.tri.lowerUnit(), p.tri.upper()
}
