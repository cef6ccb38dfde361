package precond

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/par"
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
	// diagonal, a shift that makes A + Shift·diag(A) strictly diagonally
	// dominant always succeeds; values of 1e-3 to 1e-1 usually suffice, and a
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
// Storage: M = L̂·D·L̂ᵀ with L̂ = L·diag(L)⁻¹ unit lower triangular and
// D = diag(L)²; IC0 keeps L̂ and D·L̂ᵀ in row form, so both solves stream
// memory (12·nnz + 20·n bytes in all, plus 16·n bytes of work space
// during setup).
//
// Build it with NewIC0: the zero value has no factor, its Dims are 0×0 and
// Apply, ApplyT and Factor panic.
type IC0 struct {
	tri   *triFactors
	piv   []float64 // dᵢ = lᵢᵢ²
	shift float64
}

// NewIC0 computes the IC(0) factorisation of the symmetric matrix A,
// using its lower triangle. o may be nil.
//
// Setup: a symmetry check (O(nnz), no transpose, parallel), a parallel
// split of A into its triangles, the sequential factorisation
// (Σᵢ Σ_{k ∈ L(i)} nnz(L(k)) multiply-adds, about 4 per row for a
// 5-point stencil, and n divisions, no square roots), and a parallel
// transpose of the factor onto A's upper pattern to lay out the backward
// solve.
//
// It returns an error wrapping ErrOption if the shift is negative or not
// finite; ErrNotSquare; ErrNotFinite naming the entry; ErrNotSymmetric
// naming an asymmetric pair; ErrZeroDiagonal if diagonal entries
// are not stored; and ErrNotSPD naming the row and value if a diagonal
// entry or a pivot aᵢᵢ − Σⱼ lᵢⱼ² is not above PivotTol·aᵢᵢ (A is not
// positive definite, or IC(0) breaks down on it: try IC0Options.Shift).
func NewIC0(A *sparse.CSR, o *IC0Options) (*IC0, error) {
	const method = "IC(0)"
	shift, sc, err := icInput(method, A, o)
	if err != nil {
		return nil, err
	}
	// Strict lower triangle of A (becomes L̂), its diagonal (becomes
	// diag(L)) and strict upper triangle (whose pattern is Lᵀ's when A's
	// pattern is symmetric), split in parallel passes; factored in place.
	f, err := splitLU(method, A, false, true)
	if err != nil {
		return nil, err
	}
	piv, err := factorIC(method, A, f, sc.mirror, shift)
	if err != nil {
		return nil, err
	}
	return &IC0{tri: f, piv: piv, shift: shift}, nil
}

// icInput checks the input of an incomplete Cholesky factorisation named
// method: a finite shift ≥ 0 (o may be nil), a square, finite, symmetric
// A. It returns the shift and the symmetry scan.
func icInput(method string, A *sparse.CSR, o *IC0Options) (float64, symScan, error) {
	shift := 0.0
	if o != nil {
		shift = o.Shift
	}
	if !(shift >= 0) || math.IsInf(shift, 0) {
		return 0, symScan{}, fmt.Errorf("%w: %s shift %v, want a finite value ≥ 0", ErrOption, method, shift)
	}
	if _, err := checkSquare(method, A); err != nil {
		return 0, symScan{}, err
	}
	// One parallel pass for finiteness, max|a| and symmetry; the
	// sequential scans run only to name what is wrong.
	sc := scanSymmetric(A)
	if !sc.finite {
		if err := firstNonFinite(method, A); err != nil {
			return 0, symScan{}, err
		}
	}
	if !sc.passes(sc.maxAbs) {
		if err := checkSymmetric(method, A, sc.maxAbs); err != nil {
			return 0, symScan{}, err
		}
	}
	return shift, sc, nil
}

// factorIC factors f in place, A's lower triangle on the pattern to
// factor (fill as zeros) in the split layout (strict lower part, f.diag,
// strict upper part), into M = L̂·D·L̂ᵀ: L̂ (unit diagonal implied) in
// f's lower part, D·L̂ᵀ in its upper part, 1/D in f.invDiag; it returns
// D. mirror reports that the upper pattern is the transpose of the lower
// one (A's pattern is symmetric). A is read only for the error messages.
func factorIC(method string, A *sparse.CSR, f *triFactors, mirror bool, shift float64) ([]float64, error) {
	n := f.n
	lp, li, lv := f.lp, f.li, f.lv
	piv := f.diag // aᵢᵢ(1 + shift), then dᵢ
	f.diag = nil
	for i, d := range piv {
		if !(d > 0) {
			return nil, fmt.Errorf("%w: %s: diagonal entry A(%d,%d) = %.6g is not positive", ErrNotSPD, method, i, i, d)
		}
		piv[i] = d * (1 + shift)
		if !finite(piv[i]) {
			return nil, fmt.Errorf("%w: %s: shifted diagonal A(%d,%d)·(1 + Shift) = %.6g·(1 + %g) overflows", ErrNotFinite, method, i, i, d, shift)
		}
	}

	// Row-oriented incomplete Cholesky in the square-root-free form
	// M = L̂·D·L̂ᵀ (L̂ unit lower, D = diag(dᵢ), dᵢ = lᵢᵢ²): for each row i
	// and each k < i in its pattern, sᵢₖ = aᵢₖ − Σ_{j<k} L̂ᵢⱼ·dⱼ·L̂ₖⱼ and
	// L̂ᵢₖ = sᵢₖ/dₖ, then dᵢ = aᵢᵢ − Σ_{k<i} L̂ᵢₖ·sᵢₖ. w holds sᵢₖ = L̂ᵢₖ·dₖ
	// of row i, scattered by column. Without square roots, and
	// multiplying by the stored 1/dₖ (as PETSc does) instead of dividing,
	// the sequential loop does one division per row.
	invPiv := f.invDiag
	w := make([]float64, n)
	for i := range n {
		lo, hi := lp[i], lp[i+1]
		for kk := lo; kk < hi; kk++ {
			k := li[kk]
			s := lv[kk]
			for t := lp[k]; t < lp[k+1]; t++ {
				s -= lv[t] * w[li[t]]
			}
			lv[kk] = s * invPiv[k]
			w[k] = s
		}
		aii := piv[i]
		s := aii
		for kk := lo; kk < hi; kk++ {
			c := li[kk]
			s -= lv[kk] * w[c]
			w[c] = 0
		}
		if s-s != 0 {
			return nil, fmt.Errorf("%w: %s: pivot of row %d became %v (growth in the incomplete factor)", ErrNotFinite, method, i, s)
		}
		if !(s > PivotTol*aii) {
			hint := fmt.Sprintf("A is not positive definite, or %s breaks down on it; try IC0Options.Shift (e.g. 1e-2), as PETSc's -pc_factor_shift_type", method)
			if shift > 0 {
				hint = fmt.Sprintf("even with Shift = %g; try a larger shift", shift)
			}
			return nil, fmt.Errorf("%w: %s: pivot of row %d is %.6g (A(%d,%d) = %.6g): %s",
				ErrNotSPD, method, i, s, i, i, A.At(i, i), hint)
		}
		piv[i] = s
		invPiv[i] = 1 / s
		if v := invPiv[i]; v-v != 0 {
			return nil, fmt.Errorf("%w: %s: pivot of row %d, %g, has no finite inverse", ErrNotSPD, method, i, s)
		}
	}

	// Û = D·L̂ᵀ: Ûᵢⱼ = dᵢ·L̂ⱼᵢ (j > i).
	if mirror {
		// Û has the pattern of the strict upper part, already in
		// f.up/f.ui.
		scaleTranspose(f, piv)
	} else {
		// Tiny unpaired entries passed the symmetry check: lay Û out
		// from L's own pattern.
		f.up, f.ui, f.uv = transposeScaled(n, lp, li, lv, piv)
	}
	return piv, nil
}

// scaleTranspose fills Û = D·L̂ᵀ on the pattern already in f.up/f.ui
// (A's strict upper triangle, equal to L̂ᵀ's when A's pattern is
// symmetric): for every upper entry (i, j) it finds L̂ⱼᵢ in row j of L̂
// by binary search and sets Ûᵢⱼ = dᵢ·L̂ⱼᵢ. Row blocks of Û run in
// parallel (they only read L̂). O(nnz·log(row length)), no allocation
// beyond the block bounds; the same products, and so the same results,
// as transposeScaled.
func scaleTranspose(f *triFactors, d []float64) {
	parts := 1
	if len(f.ui) >= parallelScanMin {
		parts = par.Procs()
	}
	j := &transposeJob{f: f, d: d, bounds: rowBlocks(f.up, parts)}
	par.Run(parts, j)
}

// transposeJob is scaleTranspose's parallel loop over row blocks of Û.
type transposeJob struct {
	f      *triFactors
	d      []float64
	bounds []int
}

// Run implements par.Body: part p fills rows bounds[p] to bounds[p+1] of Û.
func (j *transposeJob) Run(p int) {
	lp, li, lv := j.f.lp, j.f.li, j.f.lv
	up, ui, uv := j.f.up, j.f.ui, j.f.uv
	for i := j.bounds[p]; i < j.bounds[p+1]; i++ {
		d := j.d[i]
		for q := up[i]; q < up[i+1]; q++ {
			c := ui[q]
			// Column i of row c of L̂ exists: the patterns pair one to one.
			uv[q] = d * lv[searchCol(li, lp[c], lp[c+1], i)]
		}
	}
}

// transposeScaled returns the strictly upper triangle Û = D·L̂ᵀ in row
// form from the strictly lower part of L̂ (rows lp/li/lv) and the pivots
// d: Ûᵢⱼ = dᵢ·L̂ⱼᵢ for j > i. A counting-sort transpose, O(nnz(L̂)).
// Columns come out sorted because rows j are visited in increasing order.
func transposeScaled(n int, lp []int, li []int32, lv, d []float64) (up []int, ui []int32, uv []float64) {
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
			uv[p] = d[i] * lv[t]
			next[i]++
		}
	}
	return up, ui, uv
}

// Dims returns (n, n).
func (p *IC0) Dims() (r, c int) { return p.tri.Dims() }

// Shift returns the relative diagonal shift the factorisation used.
func (p *IC0) Shift() float64 { return p.shift }

// Apply sets dst = L⁻ᵀ·L⁻¹·x. dst may be x (in place); it panics if dst
// otherwise overlaps x or the lengths are not n.
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
// included), M = L·Lᵀ. It is rebuilt from the stored form M = L̂·D·L̂ᵀ
// (lⱼⱼ = √dⱼ, lᵢⱼ = L̂ᵢⱼ·lⱼⱼ), so it agrees with the factorisation to about
// one unit of rounding. O(nnz) time and memory.
func (p *IC0) Factor() *sparse.CSR {
	p.tri.built("IC0.Factor")
	return icFactor(p.tri, p.piv)
}

// icFactor returns L = L̂·D^½ (diagonal included) from the stored form
// M = L̂·D·L̂ᵀ of f and piv = D.
func icFactor(f *triFactors, piv []float64) *sparse.CSR {
	n := f.n
	ldiag := make([]float64, n)
	for i, d := range piv {
		ldiag[i] = math.Sqrt(d)
	}
	indptr := make([]int, n+1)
	ind := make([]int32, 0, len(f.li)+n)
	val := make([]float64, 0, len(f.li)+n)
	for i := range n {
		for t := f.lp[i]; t < f.lp[i+1]; t++ {
			ind = append(ind, f.li[t])
			val = append(val, f.lv[t]*ldiag[f.li[t]])
		}
		ind = append(ind, int32(i))
		val = append(val, ldiag[i])
		indptr[i+1] = len(ind)
	}
	return mustCSR(n, indptr, ind, val)
}
