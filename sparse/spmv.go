package sparse

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
)

// ParallelMinNNZ is the number of stored entries below which products run
// on one goroutine: below it, waking workers costs more than it saves.
// MulVecTo, whose workers are already polling during a solve, goes
// parallel earlier, from 16 384 (2¹⁴) entries.
const ParallelMinNNZ = 1 << 15

// mulVecParallelMinNNZ is MulVecTo's threshold. ParallelMinNNZ predates
// the polling worker pool (internal/par), when a parked worker took 65 µs
// to start its part; with workers that poll between a solver's kernels a
// part starts within about a microsecond, and splitting pays from about
// 16 000 entries: GCRO-DR(40,10) on datagen's 6400-unknown Darcy
// sequence (5-point stencil, 31 680 entries, just below ParallelMinNNZ)
// spent a quarter of its time in serial products while the second core
// spun idle; split, the product of the 80² Laplacian became 1.3–1.4×
// faster (two vCPUs, medians of interleaved runs on a loaded machine).
// MulVecTo's result does not depend on the split, so the threshold
// changes no result; MulVecTransTo's does (its per-part accumulators), so
// it keeps ParallelMinNNZ.
const mulVecParallelMinNNZ = 1 << 14

// spmvJob is one matrix-vector product split into row blocks. Jobs are
// pooled so that a product allocates nothing.
type spmvJob struct {
	a      *CSR
	dst, x []float64
	parts  int
	trans  bool
	phase  int         // transposed product: 0 scatter, 1 reduce
	bufs   [][]float64 // transposed product: private accumulators for parts ≥ 1
}

var spmvJobs = sync.Pool{New: func() any { return new(spmvJob) }}

// rowSplit returns the first row of part p when the rows are split into
// parts blocks of nearly equal cost, the cost of a row being its number of
// stored entries plus one (the row pointer and result it touches).
func (a *CSR) rowSplit(p, parts int) int {
	if p <= 0 {
		return 0
	}
	if p >= parts {
		return a.rows
	}
	total := len(a.ind) + a.rows
	target := int(int64(total) * int64(p) / int64(parts))
	lo, hi := 0, a.rows
	for lo < hi { // smallest i with indptr[i]+i >= target
		mid := int(uint(lo+hi) >> 1)
		if a.indptr[mid]+mid < target {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func (a *CSR) parts(minNNZ int) int {
	if len(a.ind) < minNNZ {
		return 1
	}
	p := par.Procs()
	if p > a.rows {
		p = a.rows
	}
	return max(p, 1)
}

// Run implements par.Body.
func (j *spmvJob) Run(p int) {
	a := j.a
	lo, hi := a.rowSplit(p, j.parts), a.rowSplit(p+1, j.parts)
	if !j.trans {
		mulRows(a.indptr, a.ind, a.val, j.x, j.dst, lo, hi)
		return
	}
	if j.phase == 0 {
		acc := j.dst
		if p > 0 {
			acc = j.bufs[p-1]
		}
		clear(acc)
		scatterRows(a.indptr, a.ind, a.val, j.x, acc, lo, hi)
		return
	}
	c0, c1 := par.Split(len(j.dst), j.parts, p)
	d := j.dst[c0:c1]
	for _, b := range j.bufs[:j.parts-1] {
		b = b[c0:c1]
		for i := range d {
			d[i] += b[i]
		}
	}
}

// mulRows computes dst[i] = row i · x for rows [lo, hi): with the
// assembly kernel mulRowsFMA where the CPU has FMA (amd64), else with
// mulRowsGo.
//
// This is the kernel of every solver. On matrices in cache it is bound
// by instructions, not bytes: the assembly kernel issues three loads and
// one fused multiply-add per entry and keeps four sums per row (two on
// the last two or three entries), about twice as fast as the Go loop on a
// 5-point Laplacian of 2 500 rows (≈ 3 against 7 ns per row) and as fast
// on matrices in memory. Both walk the arrays without bounds checks; this
// is memory safe because the CSR invariants (checked by NewCSR, kept by
// every constructor) guarantee indptr is non-decreasing up to len(ind) =
// len(val) and every column index is in [0, cols), and callers check
// len(x) = cols and len(dst) = rows.
func mulRows(indptr []int, ind []int32, val []float64, x, dst []float64, lo, hi int) {
	ip := indptr[lo : hi+1]
	d := dst[lo:hi]
	if len(ind) == 0 {
		clear(d)
		return
	}
	if useFMA {
		mulRowsFMA(ip, ind, val, x, d)
		return
	}
	mulRowsGo(ip, ind, val, x, d)
}

// mulRowsGo sets d[i] = Σ_{ip[i] ≤ k < ip[i+1]} val[k]·x[ind[k]] for
// i < len(d), len(ip) = len(d)+1: the row kernel in Go, with pointer
// arithmetic (bounds checks on x[col] cost about a quarter of its speed)
// and four independent sums, which on matrices in cache keeps the row
// from waiting on the latency of each addition. The CSR invariants make it
// memory safe (see mulRows).
func mulRowsGo(ip []int, ind []int32, val []float64, x, d []float64) {
	xp := unsafe.Pointer(unsafe.SliceData(x))
	cp := unsafe.Pointer(unsafe.SliceData(ind))
	vp := unsafe.Pointer(unsafe.SliceData(val))
	k := uintptr(ip[0])
	for i := range d {
		e := uintptr(ip[i+1])
		var t0, t1, t2, t3 float64
		for ; k+4 <= e; k += 4 {
			c0 := *(*int32)(unsafe.Add(cp, k*4))
			c1 := *(*int32)(unsafe.Add(cp, k*4+4))
			c2 := *(*int32)(unsafe.Add(cp, k*4+8))
			c3 := *(*int32)(unsafe.Add(cp, k*4+12))
			t0 += *(*float64)(unsafe.Add(vp, k*8)) * *(*float64)(unsafe.Add(xp, uintptr(c0)*8))
			t1 += *(*float64)(unsafe.Add(vp, k*8+8)) * *(*float64)(unsafe.Add(xp, uintptr(c1)*8))
			t2 += *(*float64)(unsafe.Add(vp, k*8+16)) * *(*float64)(unsafe.Add(xp, uintptr(c2)*8))
			t3 += *(*float64)(unsafe.Add(vp, k*8+24)) * *(*float64)(unsafe.Add(xp, uintptr(c3)*8))
		}
		for ; k < e; k++ {
			c0 := *(*int32)(unsafe.Add(cp, k*4))
			t0 += *(*float64)(unsafe.Add(vp, k*8)) * *(*float64)(unsafe.Add(xp, uintptr(c0)*8))
		}
		d[i] = (t0 + t1) + (t2 + t3)
	}
}

// MulRowsTo sets dst[i] = row i · x for the rows lo ≤ i < hi only, on the
// calling goroutine, with the kernel of MulVecTo (so the entries equal
// MulVecTo's bit for bit). It is the building block for products fused
// with other work on the rows while they are in cache (CG's q = A·p with
// pᵀq). dst must not share memory with x (it panics if it does: rows
// written early would be read as entries of x). It allocates nothing and
// panics if the lengths do not match the dimensions or [lo, hi) is not a
// range of rows.
func (a *CSR) MulRowsTo(dst, x []float64, lo, hi int) {
	if len(x) != a.cols || len(dst) != a.rows {
		panic(fmt.Sprintf("sparse: MulRowsTo: %d×%d matrix with len(x)=%d, len(dst)=%d", a.rows, a.cols, len(x), len(dst)))
	}
	if lo < 0 || hi < lo || hi > a.rows {
		panic(fmt.Sprintf("sparse: MulRowsTo: rows [%d, %d) outside [0, %d)", lo, hi, a.rows))
	}
	if vec.Overlap(dst, x) {
		// Rows written early would be read as entries of x.
		panic("sparse: MulRowsTo: dst and x share memory")
	}
	if lo == hi {
		return
	}
	mulRows(a.indptr, a.ind, a.val, x, dst, lo, hi)
}

// scatterRows adds x[i]·row i into acc for rows [lo, hi), the kernel of
// the transposed product. Like mulRowsGo it walks the arrays with pointer
// arithmetic (the bounds check on acc[col] made it 1.8× slower on a
// 2 500-row Laplacian); it is memory safe because the CSR invariants
// guarantee every column index is in [0, cols) and indptr stays within
// ind and val, and callers check len(acc) = cols and len(x) = rows.
func scatterRows(indptr []int, ind []int32, val []float64, x, acc []float64, lo, hi int) {
	if lo == hi || len(ind) == 0 {
		return
	}
	ip := indptr[lo : hi+1]
	xs := x[lo:hi]
	ap := unsafe.Pointer(unsafe.SliceData(acc))
	cp := unsafe.Pointer(unsafe.SliceData(ind))
	vp := unsafe.Pointer(unsafe.SliceData(val))
	k := uintptr(ip[0])
	for i, xi := range xs {
		e := uintptr(ip[i+1])
		for ; k < e; k++ {
			c := uintptr(*(*int32)(unsafe.Add(cp, k*4)))
			p := (*float64)(unsafe.Add(ap, c*8))
			*p += *(*float64)(unsafe.Add(vp, k*8)) * xi
		}
	}
}

// MulVecTo sets dst = A·x. dst must not share memory with x (it panics if
// it does: the parallel blocks would read entries of x already overwritten,
// a result that depends on GOMAXPROCS).
//
// The rows are split into GOMAXPROCS blocks of equal numbers of stored
// entries and the blocks run in parallel (serially below 16 384 stored
// entries, half of ParallelMinNNZ). Each row is
// computed in the same order whatever the split, so the result does not
// depend on GOMAXPROCS. It allocates nothing and moves
// 12·nnz + 8·rows (A) + 8·cols (x) + 8·rows (dst) bytes.
// It panics if the lengths do not match the dimensions.
func (a *CSR) MulVecTo(dst, x []float64) {
	if len(x) != a.cols || len(dst) != a.rows {
		panic(fmt.Sprintf("sparse: MulVecTo: %d×%d matrix with len(x)=%d, len(dst)=%d", a.rows, a.cols, len(x), len(dst)))
	}
	if vec.Overlap(dst, x) {
		panic("sparse: MulVecTo: dst and x share memory")
	}
	if a.rows == 0 {
		return
	}
	p := a.parts(mulVecParallelMinNNZ)
	if p == 1 {
		mulRows(a.indptr, a.ind, a.val, x, dst, 0, a.rows)
		return
	}
	j := spmvJobs.Get().(*spmvJob)
	j.a, j.dst, j.x, j.parts, j.trans = a, dst, x, p, false
	par.Run(p, j)
	j.a, j.dst, j.x = nil, nil, nil
	spmvJobs.Put(j)
}

// MulVecTransTo sets dst = Aᵀ·x without forming Aᵀ. dst must not share
// memory with x (it panics if it does: dst is cleared before x is read,
// so the product would silently come out as zeros).
//
// Each of P = GOMAXPROCS row blocks scatters into its own accumulator (the
// first into dst, the others into pooled buffers of length cols), then the
// accumulators are summed in parallel over column blocks. The extra
// traffic is 16·(P−1)·cols bytes; nothing is allocated once the buffers
// have been pooled. Summation order depends on P, so results may differ in
// the last bits between machines with different GOMAXPROCS.
func (a *CSR) MulVecTransTo(dst, x []float64) {
	if len(x) != a.rows || len(dst) != a.cols {
		panic(fmt.Sprintf("sparse: MulVecTransTo: %d×%d matrix with len(x)=%d, len(dst)=%d", a.rows, a.cols, len(x), len(dst)))
	}
	if vec.Overlap(dst, x) {
		panic("sparse: MulVecTransTo: dst and x share memory")
	}
	p := a.parts(ParallelMinNNZ)
	if p == 1 {
		clear(dst)
		scatterRows(a.indptr, a.ind, a.val, x, dst, 0, a.rows)
		return
	}
	j := spmvJobs.Get().(*spmvJob)
	j.a, j.dst, j.x, j.parts, j.trans = a, dst, x, p, true
	for len(j.bufs) < p-1 {
		j.bufs = append(j.bufs, nil)
	}
	for k := range j.bufs[:p-1] {
		if cap(j.bufs[k]) < a.cols {
			j.bufs[k] = make([]float64, a.cols)
		}
		j.bufs[k] = j.bufs[k][:a.cols]
	}
	j.phase = 0
	par.Run(p, j)
	j.phase = 1
	par.Run(p, j)
	j.a, j.dst, j.x, j.trans = nil, nil, nil, false
	spmvJobs.Put(j)
}

// Apply sets dst = A·x; with it *CSR satisfies linop.Operator.
func (a *CSR) Apply(dst, x []float64) { a.MulVecTo(dst, x) }

// ApplyT sets dst = Aᵀ·x; with it *CSR satisfies linop.Transposer.
func (a *CSR) ApplyT(dst, x []float64) { a.MulVecTransTo(dst, x) }
