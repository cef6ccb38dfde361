package precond

import (
	"fmt"
	"sort"
	"strings"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
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
func (f *triFactors) Dims() (r, c int) {
	if f == nil { // the zero value of a preconditioner type
		return 0, 0
	}
	return f.n, f.n
}

// check panics with a "precond:" message naming the method unless f was
// built by a constructor, len(dst) = len(x) = n, and dst is x or does not
// overlap it (the sweeps work in place, not on shifted memory).
func (f *triFactors) check(name string, dst, x []float64) {
	f.built(name)
	if len(dst) != f.n || len(x) != f.n {
		panic(fmt.Sprintf("precond: %s: %d×%d preconditioner with len(dst)=%d, len(x)=%d", name, f.n, f.n, len(dst), len(x)))
	}
	if f.n > 0 && &dst[0] != &x[0] && vec.Overlap(dst, x) {
		panic(fmt.Sprintf("precond: %s: dst overlaps x without being x", name))
	}
}

// solve sets dst = U⁻¹·L⁻¹·x: forward substitution with the unit lower
// triangle into dst, then backward substitution in place. The backward step
// reads dst[i] (the forward result) before overwriting it and only reads
// dst[j], j > i, which are final, so no scratch vector is needed.
//
// Both sweeps are latency-bound: row i needs the row just solved when it
// has an entry next to the diagonal (every band or grid matrix). That
// value is taken from a register (prev) instead of being stored and
// reloaded, and it is subtracted last, after the independent terms, so
// the chain from one row to the next is one multiply and one subtraction
// (plus the diagonal scaling going backward). Same operations in the same
// order as the plain loop: results are bit-identical to it.
func (f *triFactors) solve(dst, x []float64) {
	n := f.n
	lp, li, lv := f.lp[:n+1], f.li, f.lv
	lv = lv[:len(li)]
	x = x[:n]
	dst = dst[:n]
	prev := 0.0
	for i := range n {
		s := x[i]
		lo, hi := lp[i], lp[i+1]
		if hi > lo && int(li[hi-1]) == i-1 {
			for k := lo; k < hi-1; k++ {
				s -= lv[k] * dst[li[k]]
			}
			s -= lv[hi-1] * prev
		} else {
			for k := lo; k < hi; k++ {
				s -= lv[k] * dst[li[k]]
			}
		}
		dst[i] = s
		prev = s
	}
	up, ui, uv, inv := f.up[:n+1], f.ui, f.uv, f.invDiag[:n]
	uv = uv[:len(ui)]
	prev = 0
	for i := n - 1; i >= 0; i-- {
		s := dst[i]
		lo, hi := up[i], up[i+1]
		if hi > lo && int(ui[lo]) == i+1 {
			// The plain loop subtracts the (i, i+1) term first; keep that
			// order for identical rounding, but start it from a register.
			s -= uv[lo] * prev
			for k := lo + 1; k < hi; k++ {
				s -= uv[k] * dst[ui[k]]
			}
		} else {
			for k := lo; k < hi; k++ {
				s -= uv[k] * dst[ui[k]]
			}
		}
		s *= inv[i]
		dst[i] = s
		prev = s
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

// splitLU copies the square row-sorted matrix A into triFactors: the
// entries left of the diagonal become the strict lower part, those right
// of it the strict upper part, invDiag[i] = 1/aᵢᵢ and, with keepDiag,
// diag[i] = aᵢᵢ. A row without a stored diagonal entry (or, with
// zeroIsBad, a zero one) is an ErrZeroDiagonal error naming the first such
// row and the count; a NaN or infinite entry is an ErrNotFinite error
// naming it (checked during the copy: callers need no separate scan). It
// panics on a nil A and returns ErrNotSquare for a rectangular one.
//
// Two passes over row blocks balanced by nonzeros, on the worker pool for
// large matrices: the first finds each row's diagonal (reading the indices
// up to it), counts the strict lower entries of its block and stores
// 1/aᵢᵢ; the second copies each block to its offsets, known from the
// counts. It allocates only the factor arrays (12·nnz + 12·n bytes, +8·n
// with keepDiag).
func splitLU(method string, A *sparse.CSR, zeroIsBad, keepDiag bool) (*triFactors, error) {
	return splitLUScaled(method, A, zeroIsBad, keepDiag, 0)
}

// splitLUScaled is splitLU that, for omega > 0, also applies SSOR's
// scaling in the same pass: strict lower entries become ω·aᵢⱼ/aⱼⱼ and
// strict upper ones aᵢⱼ/(2−ω) (see NewSSOR).
func splitLUScaled(method string, A *sparse.CSR, zeroIsBad, keepDiag bool, omega float64) (*triFactors, error) {
	n, err := checkSquare(method, A)
	if err != nil {
		return nil, err
	}
	indptr, ind, val := A.Raw()
	j := &splitJob{indptr: indptr, ind: ind, val: val, zeroIsBad: zeroIsBad, omega: omega, us: 1}
	if omega > 0 {
		j.us = 1 / (2 - omega)
	}
	j.f = &triFactors{n: n, lp: make([]int, n+1), up: make([]int, n+1), invDiag: make([]float64, n)}
	if keepDiag {
		j.f.diag = make([]float64, n)
	}
	parts := 1
	if len(val) >= parallelScanMin {
		parts = min(par.Procs(), max(n, 1))
	}
	j.bounds = rowBlocks(indptr, parts)
	j.nl, j.bad, j.first = make([]int, parts), make([]int, parts), make([]int, parts)
	j.missing, j.finite = make([]bool, parts), make([]bool, parts)
	par.Run(parts, j)
	nl, bad, first, missing := 0, 0, -1, false
	for p := range parts {
		if j.bad[p] > 0 && bad == 0 {
			first, missing = j.first[p], j.missing[p]
		}
		nl += j.nl[p]
		bad += j.bad[p]
	}
	if bad > 0 {
		return nil, diagError(method, zeroIsBad, bad, n, first, missing)
	}
	f := j.f
	f.li, f.lv = make([]int32, nl), make([]float64, nl)
	f.ui, f.uv = make([]int32, len(ind)-nl-n), make([]float64, len(ind)-nl-n)
	for p, c := 0, 0; p < parts; p++ {
		j.nl[p], c = c, c+j.nl[p] // now the block's offset in L
	}
	j.copying = true
	par.Run(parts, j)
	for _, ok := range j.finite {
		if !ok {
			if err := firstNonFinite(method, A); err != nil {
				return nil, err
			}
			// A is finite: SSOR's scaling overflowed.
			return nil, scaledOverflow(method, A, f, omega)
		}
	}
	return f, nil
}

// scaledOverflow names the first SSOR factor entry that the scaling of a
// finite A made infinite or NaN: a diagonal without a finite inverse
// (ErrZeroDiagonal, as NewSSOR reports it) or an overflowing ω·aᵢⱼ/aⱼⱼ or
// aᵢⱼ/(2−ω) (ErrNotFinite).
func scaledOverflow(method string, A *sparse.CSR, f *triFactors, omega float64) error {
	for i, v := range f.invDiag {
		if v-v != 0 {
			return fmt.Errorf("%w: %s: diagonal entry (%d,%d) = %g has no finite inverse", ErrZeroDiagonal, method, i, i, A.At(i, i))
		}
	}
	for i := range f.n {
		for k := f.lp[i]; k < f.lp[i+1]; k++ {
			if v := f.lv[k]; v-v != 0 {
				j := int(f.li[k])
				return fmt.Errorf("%w: %s: factor entry ω·a(%d,%d)/a(%d,%d) = %v·%g/%g overflows", ErrNotFinite, method, i, j, j, j, omega, A.At(i, j), A.At(j, j))
			}
		}
		for k := f.up[i]; k < f.up[i+1]; k++ {
			if v := f.uv[k]; v-v != 0 {
				j := int(f.ui[k])
				return fmt.Errorf("%w: %s: factor entry a(%d,%d)/(2−ω) = %g/%v overflows", ErrNotFinite, method, i, j, A.At(i, j), 2-omega)
			}
		}
	}
	return fmt.Errorf("%w: %s: a scaled factor entry is not finite", ErrNotFinite, method)
}

// splitJob is one of splitLUScaled's two passes; part p handles rows
// bounds[p] to bounds[p+1].
type splitJob struct {
	indptr    []int
	ind       []int32
	val       []float64
	f         *triFactors
	bounds    []int
	nl        []int // strict lower entries of each block (first pass), then its offset in L
	bad       []int // rows with a bad diagonal in each block
	first     []int // the first of them
	missing   []bool
	finite    []bool // every value of the block is finite (second pass)
	omega, us float64
	zeroIsBad bool
	copying   bool // second pass
}

// Run implements par.Body.
func (j *splitJob) Run(p int) {
	r0, r1 := j.bounds[p], j.bounds[p+1]
	indptr, ind, val := j.indptr, j.ind, j.val
	invDiag, diag := j.f.invDiag, j.f.diag
	if !j.copying {
		nl, bad := 0, 0
		for i := r0; i < r1; i++ {
			k, e := indptr[i], indptr[i+1]
			for k < e && int(ind[k]) < i {
				k++
			}
			nl += k - indptr[i]
			found := k < e && int(ind[k]) == i
			if !found || (j.zeroIsBad && val[k] == 0) {
				if bad == 0 {
					j.first[p], j.missing[p] = i, !found
				}
				bad++
				continue
			}
			d := val[k]
			invDiag[i] = 1 / d
			if diag != nil {
				diag[i] = d
			}
		}
		j.nl[p], j.bad[p] = nl, bad
		return
	}
	// Element loops, not copy: rows are short and a copy call per row
	// costs more than the copy. v − v is 0 for finite v and NaN otherwise,
	// provided v is rounded before the subtraction: a product v = a·b may
	// otherwise be fused with it into one FMA (Go does so on arm64),
	// which yields the product's rounding error. The explicit float64
	// conversions round (the Go spec's way to forbid the fusion); they
	// cost nothing on amd64, which never fuses.
	lp, li, lv := j.f.lp, j.f.li, j.f.lv
	up, ui, uv := j.f.up, j.f.ui, j.f.uv
	pl := j.nl[p]
	pu := indptr[r0] - pl - r0 // every earlier row has one diagonal entry
	acc := 0.0
	omega, us := j.omega, j.us
	for i := r0; i < r1; i++ {
		k, e := indptr[i], indptr[i+1]
		if omega > 0 {
			// 1/aⱼⱼ of every row is in invDiag since the first pass.
			for ; int(ind[k]) < i; k++ {
				c := ind[k]
				// The scaled value, not aᵢⱼ: ω·aᵢⱼ/aⱼⱼ may overflow.
				v := float64(val[k] * (omega * invDiag[c]))
				acc += v - v
				li[pl], lv[pl] = c, v
				pl++
			}
		} else {
			for ; int(ind[k]) < i; k++ {
				v := val[k]
				acc += v - v
				li[pl], lv[pl] = ind[k], v
				pl++
			}
		}
		lp[i+1] = pl
		acc += val[k] - val[k] // the diagonal
		for k++; k < e; k++ {
			v := float64(val[k] * us) // aᵢⱼ/(2−ω) may overflow for SSOR
			acc += v - v
			ui[pu], uv[pu] = ind[k], v
			pu++
		}
		up[i+1] = pu
	}
	j.finite[p] = acc == 0
}

// rowBlocks returns parts+1 row boundaries splitting the rows of a CSR
// pointer array into blocks of about equal nonzero counts.
func rowBlocks(indptr []int, parts int) []int {
	n := len(indptr) - 1
	b := make([]int, parts+1)
	nnz := indptr[n]
	for p := 1; p < parts; p++ {
		target := int(int64(nnz) * int64(p) / int64(parts))
		b[p] = max(b[p-1], sort.SearchInts(indptr[:n+1], target))
		b[p] = min(b[p], n)
	}
	b[parts] = n
	return b
}

// built panics if f is nil: the zero value of ILU0, SSOR or IC0, which
// holds no factors (name is "ILU0.Apply" and the like).
func (f *triFactors) built(name string) {
	if f == nil {
		typ, _, _ := strings.Cut(name, ".")
		panic(fmt.Sprintf("precond: %s: zero-value %s holds no factors; build it with New%s", name, typ, typ))
	}
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
