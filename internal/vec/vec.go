// Package vec holds the dense vector kernels of the iterative solvers: dot
// products, norms and vector updates, parallel over contiguous blocks for
// long vectors and allocation-free.
//
// Reductions are deterministic: a vector is cut into fixed chunks of
// Chunk elements, each chunk is summed serially, and the chunk sums are
// added in order. The split does not depend on GOMAXPROCS or on whether the
// work ran in parallel, so Dot and Norm return bit-identical results
// whatever GOMAXPROCS is, on any machine of one architecture (DESIGN:
// reproducible whatever GOMAXPROCS is). Across architectures the last bits
// may differ: Go fuses a product and an add into one FMA on arm64 (not on
// amd64), which is kept there for its accuracy and speed.
//
// All functions panic with a "vec:" message if lengths differ.
package vec

import (
	"math"
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
)

// Chunk is the number of elements a reduction sums serially before
// combining partial sums.
const Chunk = 4096

// ParallelMin is the vector length below which kernels run serially:
// below it, handing half the work to another core costs more than it
// saves. 8192 since the worker pool polls instead of parking between
// kernels (internal/par): CG per iteration on 150×150 unknowns then got
// 1.16× and GMRES(30) on 100×100 1.24× faster than with 32768 (medians of
// 9 interleaved runs, 2 cores); with parked workers the threshold had to
// be 4× higher.
const ParallelMin = 1 << 13

type op int

const (
	opDot op = iota
	opDot2
	opAxpy
	opAxpby
	opScale
	opAddScaled
	opAxpyDot
	opXpayDot
	opCopy
)

type job struct {
	op        op
	a, b      float64
	x, y, z   []float64
	dst       []float64
	parts     int
	n         int
	partials  []float64 // one per chunk (per 2 chunks for opDot2)
	partialsB []float64
	nchunk    int
}

var jobs = sync.Pool{New: func() any { return new(job) }}

func getJob(o op, n int) *job {
	j := jobs.Get().(*job)
	j.op, j.n = o, n
	return j
}

func putJob(j *job) {
	j.x, j.y, j.z, j.dst = nil, nil, nil, nil
	jobs.Put(j)
}

func parts(n int) int {
	if n < ParallelMin {
		return 1
	}
	p := par.Procs()
	if c := (n + Chunk - 1) / Chunk; p > c {
		p = c
	}
	return p
}

func (j *job) run() {
	p := parts(j.n)
	j.parts = p
	par.Run(p, j)
}

// Run implements par.Body.
func (j *job) Run(part int) {
	switch j.op {
	case opDot, opDot2, opAxpyDot, opXpayDot:
		// Reductions: this part owns a contiguous range of chunks.
		c0, c1 := par.Split(j.nchunk, j.parts, part)
		for c := c0; c < c1; c++ {
			lo := c * Chunk
			hi := min(lo+Chunk, j.n)
			switch j.op {
			case opDot:
				j.partials[c] = dot(j.x[lo:hi], j.y[lo:hi])
			case opDot2:
				j.partials[c] = dot(j.x[lo:hi], j.y[lo:hi])
				j.partialsB[c] = dot(j.x[lo:hi], j.z[lo:hi])
			case opAxpyDot:
				// y += a*x ; z += b*dst ; partial = z·z
				axpy(j.a, j.x[lo:hi], j.y[lo:hi])
				axpy(j.b, j.dst[lo:hi], j.z[lo:hi])
				j.partials[c] = dot(j.z[lo:hi], j.z[lo:hi])
			case opXpayDot:
				// y = x + a*y ; partial = y·z
				xpay(j.x[lo:hi], j.a, j.y[lo:hi])
				j.partials[c] = dot(j.y[lo:hi], j.z[lo:hi])
			}
		}
	default:
		lo, hi := par.Split(j.n, j.parts, part)
		switch j.op {
		case opAxpy:
			axpy(j.a, j.x[lo:hi], j.y[lo:hi])
		case opAxpby:
			axpby(j.a, j.x[lo:hi], j.b, j.y[lo:hi])
		case opScale:
			scal(j.a, j.y[lo:hi])
		case opAddScaled:
			addScaled(j.dst[lo:hi], j.x[lo:hi], j.a, j.y[lo:hi])
		case opCopy:
			copy(j.dst[lo:hi], j.x[lo:hi])
		}
	}
}

func (j *job) setChunks(two bool) {
	j.nchunk = (j.n + Chunk - 1) / Chunk
	if cap(j.partials) < j.nchunk {
		j.partials = make([]float64, j.nchunk)
	}
	j.partials = j.partials[:j.nchunk]
	if two {
		if cap(j.partialsB) < j.nchunk {
			j.partialsB = make([]float64, j.nchunk)
		}
		j.partialsB = j.partialsB[:j.nchunk]
	}
}

func sum(p []float64) float64 {
	s := 0.0
	for _, v := range p {
		s += v
	}
	return s
}

func check(name string, n int, vs ...[]float64) {
	for _, v := range vs {
		if len(v) != n {
			panic("vec: " + name + ": length mismatch")
		}
	}
}

// Dot returns xᵀy.
func Dot(x, y []float64) float64 {
	check("Dot", len(x), y)
	n := len(x)
	if n <= Chunk {
		return dot(x, y)
	}
	j := getJob(opDot, n)
	j.x, j.y = x, y
	j.setChunks(false)
	j.run()
	s := sum(j.partials)
	putJob(j)
	return s
}

// Dot2 returns xᵀy and xᵀz in one pass over x.
func Dot2(x, y, z []float64) (xy, xz float64) {
	check("Dot2", len(x), y, z)
	n := len(x)
	if n <= Chunk {
		return dot(x, y), dot(x, z)
	}
	j := getJob(opDot2, n)
	j.x, j.y, j.z = x, y, z
	j.setChunks(true)
	j.run()
	xy, xz = sum(j.partials), sum(j.partialsB)
	putJob(j)
	return xy, xz
}

// Norm returns the Euclidean norm ‖x‖₂. It sums squares directly (fast)
// and falls back to a scaled sum when that overflows or underflows.
func Norm(x []float64) float64 {
	s := Dot(x, x)
	if s == 0 || math.IsInf(s, 0) || s < 1e-280 {
		return scaledNorm(x)
	}
	return math.Sqrt(s)
}

func scaledNorm(x []float64) float64 {
	scale, ssq := 0.0, 1.0
	for _, v := range x {
		if v == 0 {
			continue
		}
		if math.IsNaN(v) {
			return math.NaN()
		}
		a := math.Abs(v)
		if scale < a {
			ssq = 1 + ssq*(scale/a)*(scale/a)
			scale = a
		} else {
			ssq += (a / scale) * (a / scale)
		}
	}
	if math.IsInf(scale, 0) {
		return math.Inf(1)
	}
	return scale * math.Sqrt(ssq)
}

// Axpy sets y ← y + a·x.
func Axpy(a float64, x, y []float64) {
	check("Axpy", len(x), y)
	n := len(x)
	if n < ParallelMin {
		axpy(a, x, y)
		return
	}
	j := getJob(opAxpy, n)
	j.a, j.x, j.y = a, x, y
	j.run()
	putJob(j)
}

// Axpby sets y ← a·x + b·y.
func Axpby(a float64, x []float64, b float64, y []float64) {
	check("Axpby", len(x), y)
	n := len(x)
	if n < ParallelMin {
		axpby(a, x, b, y)
		return
	}
	j := getJob(opAxpby, n)
	j.a, j.b, j.x, j.y = a, b, x, y
	j.run()
	putJob(j)
}

// Scale sets y ← a·y.
func Scale(a float64, y []float64) {
	n := len(y)
	if n < ParallelMin {
		scal(a, y)
		return
	}
	j := getJob(opScale, n)
	j.a, j.y = a, y
	j.run()
	putJob(j)
}

// AddScaled sets dst ← x + a·y. dst may alias x or y.
func AddScaled(dst, x []float64, a float64, y []float64) {
	check("AddScaled", len(dst), x, y)
	n := len(dst)
	if n < ParallelMin {
		addScaled(dst, x, a, y)
		return
	}
	j := getJob(opAddScaled, n)
	j.dst, j.x, j.a, j.y = dst, x, a, y
	j.run()
	putJob(j)
}

// Copy sets dst ← x, in parallel for long vectors.
func Copy(dst, x []float64) {
	check("Copy", len(dst), x)
	n := len(dst)
	if n < ParallelMin {
		copy(dst, x)
		return
	}
	j := getJob(opCopy, n)
	j.dst, j.x = dst, x
	j.run()
	putJob(j)
}

// AxpyAxpyNorm2 does y ← y + a·x and z ← z + b·w in one pass and returns
// zᵀz of the updated z. It is the fused update of conjugate gradients
// (x ← x + αp, r ← r − αAp, ‖r‖²).
func AxpyAxpyNorm2(a float64, x, y []float64, b float64, w, z []float64) float64 {
	check("AxpyAxpyNorm2", len(x), y, w, z)
	n := len(x)
	j := getJob(opAxpyDot, n)
	j.a, j.x, j.y, j.b, j.dst, j.z = a, x, y, b, w, z
	j.setChunks(false)
	if n < ParallelMin {
		j.parts = 1
		j.Run(0)
	} else {
		j.run()
	}
	s := sum(j.partials)
	putJob(j)
	return s
}

// XpayDot does y ← x + a·y and returns yᵀz of the updated y.
func XpayDot(x []float64, a float64, y, z []float64) float64 {
	check("XpayDot", len(x), y, z)
	n := len(x)
	j := getJob(opXpayDot, n)
	j.x, j.a, j.y, j.z = x, a, y, z
	j.setChunks(false)
	if n < ParallelMin {
		j.parts = 1
		j.Run(0)
	} else {
		j.run()
	}
	s := sum(j.partials)
	putJob(j)
	return s
}

// HasNaNInf reports whether x holds a NaN or an infinity, and the index of
// the first one.
func HasNaNInf(x []float64) (int, bool) {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i, true
		}
	}
	return -1, false
}

// MaxAbs returns max |xᵢ|: 0 for an empty x, NaN if some xᵢ is NaN. One
// serial pass in four independent chains (the loop runs at the max
// unit's throughput, not its latency); allocation-free.
func MaxAbs(x []float64) float64 {
	var m0, m1, m2, m3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		m0 = max(m0, math.Abs(x[i]))
		m1 = max(m1, math.Abs(x[i+1]))
		m2 = max(m2, math.Abs(x[i+2]))
		m3 = max(m3, math.Abs(x[i+3]))
	}
	for ; i < len(x); i++ {
		m0 = max(m0, math.Abs(x[i]))
	}
	return max(m0, m1, m2, m3)
}
