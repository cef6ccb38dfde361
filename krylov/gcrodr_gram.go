package krylov

import (
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
)

// gramJob computes the inner products of two sets of vectors,
// dst[i·ld + l] = a[i]ᵀb[l]: the small matrices VᵀU and CᵀU of GCRO-DR's
// recycling update. Vectors are cut into fixed chunks of vec.Chunk
// entries; each chunk's 2×2 blocks of products are summed serially (each
// loaded entry feeds two products) and the chunk sums are added in chunk
// order, so the result is the same for any number of workers.
type gramJob struct {
	a, b     [][]float64
	n        int
	nchunk   int
	parts    int
	byRow    bool      // parts split the rows of a instead of the chunks
	partials []float64 // nchunk × len(a) × len(b)
}

var gramJobs = sync.Pool{New: func() any { return new(gramJob) }}

// gram sets dst[i*ld+l] = a[i]·b[l] for i < len(a), l < len(b).
func gram(dst []float64, ld int, a, b [][]float64) {
	na, nb := len(a), len(b)
	if na == 0 || nb == 0 {
		return
	}
	n := len(a[0])
	j := gramJobs.Get().(*gramJob)
	j.a, j.b, j.n = a, b, n
	j.nchunk = max((n+vec.Chunk-1)/vec.Chunk, 1)
	if need := j.nchunk * na * nb; cap(j.partials) < need {
		j.partials = make([]float64, need)
	} else {
		j.partials = j.partials[:need]
	}
	j.parts, j.byRow = 1, false
	switch {
	case n >= vec.ParallelMin:
		j.parts = min(par.Procs(), j.nchunk)
	case na*nb*n >= blockParallelMin && na >= 4:
		// Pairs of rows, so the 2×2 blocking is the same as serially.
		j.parts, j.byRow = min(par.Procs(), na/2), true
	}
	par.Run(j.parts, j)
	for i := 0; i < na; i++ {
		for l := 0; l < nb; l++ {
			s := 0.0
			for c := 0; c < j.nchunk; c++ {
				s += j.partials[(c*na+i)*nb+l]
			}
			dst[i*ld+l] = s
		}
	}
	j.a, j.b = nil, nil
	gramJobs.Put(j)
}

// Run implements par.Body.
func (j *gramJob) Run(p int) {
	c0, c1 := par.Split(j.nchunk, j.parts, p)
	na, nb := len(j.a), len(j.b)
	i0, i1 := 0, na
	if j.byRow {
		c0, c1 = 0, j.nchunk
		// Split the row pairs; the last part also takes an odd last row.
		p0, p1 := par.Split(na/2, j.parts, p)
		i0, i1 = 2*p0, 2*p1
		if p == j.parts-1 {
			i1 = na
		}
	}
	for c := c0; c < c1; c++ {
		lo, hi := c*vec.Chunk, min((c+1)*vec.Chunk, j.n)
		out := j.partials[c*na*nb : (c+1)*na*nb]
		i := i0
		for ; i+2 <= i1; i += 2 {
			a0, a1 := j.a[i][lo:hi], j.a[i+1][lo:hi]
			a1 = a1[:len(a0)]
			l := 0
			for ; l+2 <= nb; l += 2 {
				b0, b1 := j.b[l][lo:hi], j.b[l+1][lo:hi]
				b0, b1 = b0[:len(a0)], b1[:len(a0)]
				var s00, s01, s10, s11 float64
				for t, x0 := range a0 {
					x1, y0, y1 := a1[t], b0[t], b1[t]
					s00 += x0 * y0
					s01 += x0 * y1
					s10 += x1 * y0
					s11 += x1 * y1
				}
				out[i*nb+l], out[i*nb+l+1] = s00, s01
				out[(i+1)*nb+l], out[(i+1)*nb+l+1] = s10, s11
			}
			for ; l < nb; l++ {
				b0 := j.b[l][lo:hi]
				b0 = b0[:len(a0)]
				var s0, s1 float64
				for t, y := range b0 {
					s0 += a0[t] * y
					s1 += a1[t] * y
				}
				out[i*nb+l], out[(i+1)*nb+l] = s0, s1
			}
		}
		for ; i < i1; i++ {
			a0 := j.a[i][lo:hi]
			for l := 0; l < nb; l++ {
				b0 := j.b[l][lo:hi]
				b0 = b0[:len(a0)]
				s := 0.0
				for t, y := range b0 {
					s += a0[t] * y
				}
				out[i*nb+l] = s
			}
		}
	}
}
