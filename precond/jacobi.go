package precond

import (
	"fmt"
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/sparse"
)

// Jacobi is the diagonal preconditioner M = diag(A). Apply sets
// dst = M⁻¹·x = x ./ diag(A).
//
// Apply costs n multiplications and moves 24·n bytes (read x and the stored
// inverse diagonal, write dst); it runs on up to GOMAXPROCS goroutines
// for n ≥ 8192 and allocates nothing. It keeps no scratch state, so
// concurrent Apply calls are safe.
type Jacobi struct {
	inv []float64
}

// NewJacobi returns the Jacobi preconditioner of the square matrix A.
//
// Setup reads A once (O(nnz), on GOMAXPROCS goroutines for large A) and
// stores the n inverted diagonal entries (8·n bytes). It returns an error wrapping ErrNotSquare if A is not
// square, ErrNotFinite naming the entry if A holds a NaN or infinity, and
// ErrZeroDiagonal naming the first row and the number of rows affected if
// any diagonal entry is zero or not stored. A 0×0 matrix gives the 0×0
// preconditioner.
func NewJacobi(A *sparse.CSR) (*Jacobi, error) {
	const method = "Jacobi"
	if A == nil {
		panic("precond: Jacobi: nil matrix")
	}
	n, c := A.Dims()
	if n != c {
		return nil, fmt.Errorf("%w: %s needs a square matrix, got %d×%d", ErrNotSquare, method, n, c)
	}
	// One fused pass over the rows, in parallel: finiteness of every
	// entry, the diagonal and its inverse.
	indptr, _, _ := A.Raw()
	j := &jacobiSetup{a: A, inv: make([]float64, n), parts: 1}
	if indptr[n] >= parallelScanMin {
		j.parts = min(par.Procs(), n)
	}
	j.res = make([]diagScan, j.parts)
	par.Run(j.parts, j)
	var tot diagScan
	tot.first, tot.inf = -1, -1
	for _, r := range j.res { // parts cover increasing row ranges
		tot.nonFinite = tot.nonFinite || r.nonFinite
		tot.bad += r.bad
		if tot.first < 0 && r.first >= 0 {
			tot.first, tot.missing = r.first, r.missing
		}
		if tot.inf < 0 {
			tot.inf = r.inf
		}
	}
	if tot.nonFinite {
		_, err := checkMatrix(method, A) // names the first bad entry
		return nil, err
	}
	if tot.bad > 0 {
		return nil, diagError(method, true, tot.bad, n, tot.first, tot.missing)
	}
	if i := tot.inf; i >= 0 {
		return nil, fmt.Errorf("%w: %s: diagonal entry (%d,%d) = %g has no finite inverse", ErrZeroDiagonal, method, i, i, A.At(i, i))
	}
	return &Jacobi{inv: j.inv}, nil
}

// diagScan is one part's result of the Jacobi setup scan.
type diagScan struct {
	nonFinite bool // a stored entry is NaN or infinite
	bad       int  // rows with a zero or missing diagonal
	first     int  // first such row, -1 if none
	missing   bool // whether that row's diagonal is missing (not zero)
	inf       int  // first row whose diagonal has no finite inverse, -1 if none
}

// jacobiSetup is the parallel setup pass of NewJacobi over row blocks.
type jacobiSetup struct {
	a     *sparse.CSR
	inv   []float64
	parts int
	res   []diagScan
}

// Run implements par.Body.
func (j *jacobiSetup) Run(p int) {
	indptr, ind, val := j.a.Raw()
	lo, hi := par.Split(len(j.inv), j.parts, p)
	r := diagScan{first: -1, inf: -1}
	fin := 0.0
	for i := lo; i < hi; i++ {
		d, found := 0.0, false
		for k := indptr[i]; k < indptr[i+1]; k++ {
			v := val[k]
			fin += v - v // NaN once any entry is NaN or infinite
			if int(ind[k]) == i {
				d, found = v, true
			}
		}
		if !found || d == 0 {
			if r.first < 0 {
				r.first, r.missing = i, !found
			}
			r.bad++
			continue
		}
		v := 1 / d
		j.inv[i] = v
		if v-v != 0 && r.inf < 0 { // subnormal diagonal: 1/d overflows
			r.inf = i
		}
	}
	r.nonFinite = fin != 0
	j.res[p] = r
}

// Dims returns (n, n).
func (p *Jacobi) Dims() (r, c int) { return len(p.inv), len(p.inv) }

// InvDiag returns the stored inverse diagonal 1/aᵢᵢ (shared, do not modify).
func (p *Jacobi) InvDiag() []float64 { return p.inv }

// Apply sets dst = M⁻¹·x, dstᵢ = xᵢ/aᵢᵢ. dst may be x (in place); it
// panics if dst otherwise overlaps x or the lengths are not n.
func (p *Jacobi) Apply(dst, x []float64) {
	n := len(p.inv)
	if len(dst) != n || len(x) != n {
		panic(fmt.Sprintf("precond: Jacobi.Apply: %d×%d preconditioner with len(dst)=%d, len(x)=%d", n, n, len(dst), len(x)))
	}
	if n > 0 && &dst[0] != &x[0] && vec.Overlap(dst, x) {
		panic("precond: Jacobi.Apply: dst overlaps x without being x")
	}
	if n < vec.ParallelMin {
		mulElem(dst, p.inv, x)
		return
	}
	parts := min(par.Procs(), (n+vec.Chunk-1)/vec.Chunk)
	if parts <= 1 {
		mulElem(dst, p.inv, x)
		return
	}
	j := jacobiJobs.Get().(*jacobiJob)
	j.dst, j.d, j.x, j.parts = dst, p.inv, x, parts
	par.Run(parts, j)
	j.dst, j.d, j.x = nil, nil, nil
	jacobiJobs.Put(j)
}

// ApplyT sets dst = M⁻ᵀ·x, the same as Apply since M is diagonal.
func (p *Jacobi) ApplyT(dst, x []float64) { p.Apply(dst, x) }

// jacobiJob is one parallel Jacobi application; jobs are pooled so Apply
// allocates nothing.
type jacobiJob struct {
	dst, d, x []float64
	parts     int
}

var jacobiJobs = sync.Pool{New: func() any { return new(jacobiJob) }}

// Run implements par.Body: part p scales a contiguous block.
func (j *jacobiJob) Run(p int) {
	lo, hi := par.Split(len(j.dst), j.parts, p)
	mulElem(j.dst[lo:hi], j.d[lo:hi], j.x[lo:hi])
}

// mulElem sets dst[i] = d[i]·x[i].
func mulElem(dst, d, x []float64) {
	d = d[:len(dst)]
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = d[i] * x[i]
	}
}
