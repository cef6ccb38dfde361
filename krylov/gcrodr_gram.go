package krylov

import (
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
)

// gramJob computes the inner products of two sets of vectors,
// dst[i·ld + l] = a[i]ᵀb[l]: the small matrices VᵀU and CᵀU of GCRO-DR's
// recycling update. Vectors are cut into fixed chunks of vec.Chunk
// entries; in each chunk pairs of a's are dotted with four b's per pass
// (vec.Dot2x4: AVX2 FMA on amd64, each element loaded once for eight
// products) and the chunk sums are added in chunk order, so the result is
// the same for any number of workers.
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
		// Pairs of rows.
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
	var s8 [8]float64
	for c := c0; c < c1; c++ {
		lo, hi := c*vec.Chunk, min((c+1)*vec.Chunk, j.n)
		out := j.partials[c*na*nb : (c+1)*na*nb]
		i := i0
		// Pairs of rows against quadruples of columns: each element of
		// the six vectors loaded once for eight products.
		for ; i+2 <= i1; i += 2 {
			a0, a1 := j.a[i][lo:hi], j.a[i+1][lo:hi]
			r0, r1 := out[i*nb:(i+1)*nb], out[(i+1)*nb:(i+2)*nb]
			l := 0
			for ; l+4 <= nb; l += 4 {
				vec.Dot2x4(&s8, a0, a1, j.b[l][lo:hi], j.b[l+1][lo:hi], j.b[l+2][lo:hi], j.b[l+3][lo:hi])
				copy(r0[l:l+4], s8[:4])
				copy(r1[l:l+4], s8[4:])
			}
			for ; l+2 <= nb; l += 2 {
				r0[l], r1[l], r0[l+1], r1[l+1] = smallDot2x2(a0, a1, j.b[l][lo:hi], j.b[l+1][lo:hi])
			}
			for ; l < nb; l++ {
				r0[l], r1[l] = smallDot2x1(a0, a1, j.b[l][lo:hi])
			}
		}
		for ; i < i1; i++ {
			a := j.a[i][lo:hi]
			row := out[i*nb : (i+1)*nb]
			l := 0
			for ; l+4 <= nb; l += 4 {
				row[l], row[l+1], row[l+2], row[l+3] = vec.Dot4(j.b[l][lo:hi], j.b[l+1][lo:hi], j.b[l+2][lo:hi], j.b[l+3][lo:hi], a)
			}
			for ; l < nb; l++ {
				row[l] = smallDot(a, j.b[l][lo:hi])
			}
		}
	}
}

// smallDot returns aᵀb summed in index order (len(b) ≥ len(a)).
func smallDot(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for t, y := range b {
		s += a[t] * y
	}
	return s
}

// smallDot2x2 returns a0ᵀb0, a1ᵀb0, a0ᵀb1, a1ᵀb1, each summed in index
// order exactly as smallDot sums it (len(a1) ≥ len(a0), len(b0), len(b1) ≥
// len(a0)): four independent chains of additions in one loop, so that each
// addition's latency is hidden behind the others' and each element of a0,
// a1, b0, b1 is loaded once for the four products (smallDot, one chain, is
// bound by the latency of its additions). These are the columns left over
// by vec.Dot2x4 when K is not a multiple of four (K = 10: two of every
// ten).
func smallDot2x2(a0, a1, b0, b1 []float64) (s00, s10, s01, s11 float64) {
	n := len(a0)
	a1, b0, b1 = a1[:n], b0[:n], b1[:n]
	for t, x := range a0 {
		y, u, v := a1[t], b0[t], b1[t]
		s00 += x * u
		s10 += y * u
		s01 += x * v
		s11 += y * v
	}
	return s00, s10, s01, s11
}

// smallDot2x1 returns a0ᵀb and a1ᵀb, each summed as smallDot sums it.
func smallDot2x1(a0, a1, b []float64) (s0, s1 float64) {
	n := len(a0)
	a1, b = a1[:n], b[:n]
	for t, x := range a0 {
		u := b[t]
		s0 += x * u
		s1 += a1[t] * u
	}
	return s0, s1
}
