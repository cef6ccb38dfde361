package sparse

import (
	"fmt"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
)

// MulDenseTo sets dst = A·X for a dense X with k columns (SciPy's A @ X on
// a 2-D array): the block product of block Krylov methods and of
// randomized range finders. dst must be rows×k and must not share memory
// with X (it panics if it does: rows of dst written early would be read
// as rows of X). For Aᵀ·X form the transpose once with T() (O(nnz)) and multiply
// that.
//
// Each row of dst is A's row combination of the rows of X, which gonum
// stores contiguously, so the k values of a row of X are read together;
// the rows are split into GOMAXPROCS blocks of equal numbers of stored
// entries run in parallel (serially when nnz·k is below ParallelMinNNZ),
// each row summed in A's order whatever the split, so the result does not
// depend on GOMAXPROCS. Cost: 2·nnz·k flops; it moves
// 12·nnz + 8·k·(rows + the rows of X it touches) bytes and allocates
// nothing. It panics if dst or X is nil or the dimensions do not match.
func (a *CSR) MulDenseTo(dst, X *mat.Dense) {
	if dst == nil || X == nil {
		panic(fmt.Sprintf("sparse: MulDenseTo: nil matrix (dst nil: %t, X nil: %t)", dst == nil, X == nil))
	}
	xr, k := X.Dims()
	dr, dc := dst.Dims()
	if xr != a.cols || dr != a.rows || dc != k {
		panic(fmt.Sprintf("sparse: MulDenseTo: %d×%d matrix times %d×%d into %d×%d", a.rows, a.cols, xr, k, dr, dc))
	}
	if a.rows == 0 || k == 0 {
		return
	}
	x, d := X.RawMatrix(), dst.RawMatrix()
	if denseOverlap(x, d) {
		panic("sparse: MulDenseTo: dst and X share memory")
	}
	if k == 1 && x.Stride == 1 && d.Stride == 1 {
		// One column stored contiguously: the matrix-vector kernel.
		a.MulVecTo(d.Data[:a.rows], x.Data[:a.cols])
		return
	}
	j := spmmJobs.Get().(*spmmJob)
	j.a, j.x, j.d, j.parts = a, x, d, 1
	if len(a.ind)*k >= ParallelMinNNZ {
		j.parts = min(par.Procs(), a.rows)
	}
	if j.parts == 1 {
		j.Run(0)
	} else {
		par.Run(j.parts, j)
	}
	j.a, j.x, j.d = nil, blas64.General{}, blas64.General{}
	spmmJobs.Put(j)
}

// denseOverlap reports whether the non-empty matrices a and b share an
// element. Views of one matrix whose storage interleaves without sharing
// an element (disjoint column blocks) do not overlap. O(1) unless their
// storage spans overlap, then O(b.Rows).
func denseOverlap(a, b blas64.General) bool {
	if a.Rows == 0 || a.Cols == 0 || b.Rows == 0 || b.Cols == 0 {
		return false
	}
	sa := a.Data[:(a.Rows-1)*a.Stride+a.Cols]
	sb := b.Data[:(b.Rows-1)*b.Stride+b.Cols]
	if !vec.Overlap(sa, sb) {
		return false
	}
	// One array: the offset of b's first element from a's, in elements.
	off := (int(uintptr(unsafe.Pointer(&sb[0]))) - int(uintptr(unsafe.Pointer(&sa[0])))) / 8
	floorDiv := func(p, q int) int {
		if p < 0 {
			return -((-p + q - 1) / q)
		}
		return p / q
	}
	for r := range b.Rows {
		// b's row r is [lo, hi) from a's first element; a's row i is
		// [i·stride, i·stride + cols): they meet when
		// (lo − cols)/stride < i < hi/stride.
		lo := off + r*b.Stride
		hi := lo + b.Cols
		i0 := max(floorDiv(lo-a.Cols, a.Stride)+1, 0)
		i1 := min(floorDiv(hi-1, a.Stride), a.Rows-1)
		if i0 <= i1 {
			return true
		}
	}
	return false
}

// spmmJobs recycles the jobs of MulDenseTo, which par.Run would otherwise
// allocate on every call (it takes an interface).
var spmmJobs = sync.Pool{New: func() any { return new(spmmJob) }}

// spmmJob is one MulDenseTo over its row blocks.
type spmmJob struct {
	a     *CSR
	x, d  blas64.General
	parts int
}

// Run implements par.Body.
func (j *spmmJob) Run(p int) {
	a := j.a
	lo, hi := a.rowSplit(p, j.parts), a.rowSplit(p+1, j.parts)
	k := j.x.Cols
	for i := lo; i < hi; i++ {
		d := j.d.Data[i*j.d.Stride : i*j.d.Stride+k]
		clear(d)
		for t := a.indptr[i]; t < a.indptr[i+1]; t++ {
			v := a.val[t]
			r := int(a.ind[t]) * j.x.Stride
			x := j.x.Data[r : r+k]
			for c, xv := range x {
				d[c] += v * xv
			}
		}
	}
}
