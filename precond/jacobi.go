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
// inverse diagonal, write dst); it runs on GOMAXPROCS goroutines for
// n ≥ vec.ParallelMin and allocates nothing. It keeps no scratch state, so
// concurrent Apply calls are safe.
type Jacobi struct {
	inv []float64
}

// NewJacobi returns the Jacobi preconditioner of the square matrix A.
//
// Setup reads A once (O(nnz)) and stores the n inverted diagonal entries
// (8·n bytes). It returns an error wrapping ErrNotSquare if A is not
// square, ErrNotFinite naming the entry if A holds a NaN or infinity, and
// ErrZeroDiagonal naming the first row and the number of rows affected if
// any diagonal entry is zero or not stored. A 0×0 matrix gives the 0×0
// preconditioner.
func NewJacobi(A *sparse.CSR) (*Jacobi, error) {
	const method = "Jacobi"
	n, err := checkMatrix(method, A)
	if err != nil {
		return nil, err
	}
	diag, err := diagPositions(method, A, true)
	if err != nil {
		return nil, err
	}
	_, _, val := A.Raw()
	inv := make([]float64, n)
	for i, k := range diag {
		inv[i] = 1 / val[k]
		if v := inv[i]; v-v != 0 { // subnormal diagonal: 1/d overflows
			return nil, fmt.Errorf("%w: %s: diagonal entry (%d,%d) = %g has no finite inverse", ErrZeroDiagonal, method, i, i, val[k])
		}
	}
	return &Jacobi{inv: inv}, nil
}

// Dims returns (n, n).
func (p *Jacobi) Dims() (r, c int) { return len(p.inv), len(p.inv) }

// InvDiag returns the stored inverse diagonal 1/aᵢᵢ (shared, do not modify).
func (p *Jacobi) InvDiag() []float64 { return p.inv }

// Apply sets dst = M⁻¹·x, dstᵢ = xᵢ/aᵢᵢ. It panics if the lengths are not n.
func (p *Jacobi) Apply(dst, x []float64) {
	n := len(p.inv)
	if len(dst) != n || len(x) != n {
		panic(fmt.Sprintf("precond: Jacobi.Apply: %d×%d preconditioner with len(dst)=%d, len(x)=%d", n, n, len(dst), len(x)))
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
