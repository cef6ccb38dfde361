package vec

import (
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/subspace-lab/subspace/internal/par"
)

// Fused vector updates of (preconditioned) conjugate gradients with a
// diagonal preconditioner d ≈ diag(A)⁻¹, which let CG skip storing
// z = d∘r:
//
//	CGUpdate     x ← x + αp, r ← r − αq; returns rᵀr and rᵀ(d∘r)   56·n bytes (48·n without d)
//	CGDirection  p ← d∘r + βp                                       32·n bytes (24·n without d)
//
// against 64·n for the unfused sequence z = d∘r, rᵀz, p ← z + βp.
// Reductions are deterministic (fixed chunks summed in order), parallel
// for long vectors, allocation-free once warmed up.

type cgJob struct {
	update     bool
	a          float64
	p, q, x, r []float64
	d          []float64
	n, parts   int
	nchunk     int
	rr, rdr    []float64 // partial sums per chunk
}

var cgJobs = sync.Pool{New: func() any { return new(cgJob) }}

// Run implements par.Body.
func (j *cgJob) Run(part int) {
	c0, c1 := par.Split(j.nchunk, j.parts, part)
	for c := c0; c < c1; c++ {
		lo := c * Chunk
		hi := min(lo+Chunk, j.n)
		if j.update {
			j.rr[c] = cgUpdate(j.a, j.p[lo:hi], j.q[lo:hi], j.x[lo:hi], j.r[lo:hi])
			if j.d != nil {
				j.rdr[c] = cgUpdateDiag(j.r[lo:hi], j.d[lo:hi])
			}
		} else if j.d != nil {
			cgDirDiag(j.p[lo:hi], j.r[lo:hi], j.d[lo:hi], j.a)
		} else {
			// p = r + β·p.
			pp := j.p[lo:hi]
			floats.AddScaledTo(pp, j.r[lo:hi], j.a, pp)
		}
	}
}

// cgUpdateGo does x += a·p, r −= a·q on one chunk and returns rᵀr, block
// by block with gonum's assembly kernels (two to three times faster than
// a Go loop on data in cache; the same on data in memory). On amd64 with
// FMA cgUpdate runs cgUpdateFMA instead, one pass for all three.
func cgUpdateGo(a float64, p, q, x, r []float64) float64 {
	s := 0.0
	for lo := 0; lo < len(p); lo += gsBlock {
		hi := min(lo+gsBlock, len(p))
		floats.AddScaled(x[lo:hi], a, p[lo:hi])
		rr := r[lo:hi]
		floats.AddScaled(rr, -a, q[lo:hi])
		s += floats.Dot(rr, rr)
	}
	return s
}

// rdrGo returns Σ r[i]·d[i]·r[i] (rᵀ(d∘r) of a chunk just updated, in
// cache), with four independent sums: with fewer the loop waits on the
// latency of the additions. On amd64 with FMA cgUpdateDiag runs rdrFMA
// instead (about four times faster).
func rdrGo(r, d []float64) float64 {
	d = d[:len(r)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(r); i += 4 {
		s0 += r[i] * d[i] * r[i]
		s1 += r[i+1] * d[i+1] * r[i+1]
		s2 += r[i+2] * d[i+2] * r[i+2]
		s3 += r[i+3] * d[i+3] * r[i+3]
	}
	for ; i < len(r); i++ {
		s0 += r[i] * d[i] * r[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// cgDirDiagGo sets p = d∘r + b·p; on amd64 with FMA cgDirDiag runs
// cgDirDiagFMA instead.
func cgDirDiagGo(p, r, d []float64, b float64) {
	r = r[:len(p)]
	d = d[:len(p)]
	for i := range p {
		p[i] = d[i]*r[i] + b*p[i]
	}
}

// CGUpdate sets x ← x + α·p and r ← r − α·q in one pass and returns rᵀr
// and rᵀ(d∘r) of the updated r (rᵀr twice when d is nil). It panics if
// lengths differ.
func CGUpdate(alpha float64, p, q, x, r, d []float64) (rr, rdr float64) {
	n := len(p)
	check("CGUpdate", n, q, x, r)
	if d != nil {
		check("CGUpdate", n, d)
	}
	j := cgJobs.Get().(*cgJob)
	j.update, j.a, j.p, j.q, j.x, j.r, j.d, j.n = true, alpha, p, q, x, r, d, n
	j.nchunk = (n + Chunk - 1) / Chunk
	if cap(j.rr) < j.nchunk {
		j.rr = make([]float64, j.nchunk)
		j.rdr = make([]float64, j.nchunk)
	}
	j.rr, j.rdr = j.rr[:j.nchunk], j.rdr[:j.nchunk]
	j.parts = parts(n)
	par.Run(j.parts, j)
	rr, rdr = sum(j.rr), sum(j.rdr)
	if d == nil {
		rdr = rr
	}
	j.p, j.q, j.x, j.r, j.d = nil, nil, nil, nil, nil
	cgJobs.Put(j)
	return rr, rdr
}

// CGDirection sets p ← d∘r + β·p (p ← r + β·p when d is nil). It panics if
// lengths differ.
func CGDirection(p, r, d []float64, beta float64) {
	n := len(p)
	check("CGDirection", n, r)
	if d != nil {
		check("CGDirection", n, d)
	}
	j := cgJobs.Get().(*cgJob)
	j.update, j.a, j.p, j.r, j.d, j.n = false, beta, p, r, d, n
	j.nchunk = (n + Chunk - 1) / Chunk
	j.parts = parts(n)
	par.Run(j.parts, j)
	j.p, j.r, j.d = nil, nil, nil
	cgJobs.Put(j)
}
