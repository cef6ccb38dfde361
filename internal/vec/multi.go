package vec

import (
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
)

// Block kernels for Gram–Schmidt: one pass over w computes all k dot
// products (or applies all k updates), so w is read once per pass instead
// of k times. For k basis vectors of length n, MultiDot moves (k+1)·8n
// bytes and MultiAxpy (k+2)·8n, against 2k·8n and 3k·8n for k separate
// Dot or Axpy calls.

type multiJob struct {
	dot      bool
	basis    [][]float64
	w        []float64
	coef     []float64
	n, parts int
	nchunk   int
	partials []float64 // nchunk × k, row-major by chunk
}

var multiJobs = sync.Pool{New: func() any { return new(multiJob) }}

// Run implements par.Body.
func (j *multiJob) Run(part int) {
	k := len(j.basis)
	if j.dot {
		c0, c1 := par.Split(j.nchunk, j.parts, part)
		for c := c0; c < c1; c++ {
			lo := c * Chunk
			hi := min(lo+Chunk, j.n)
			out := j.partials[c*k : (c+1)*k]
			w := j.w[lo:hi]
			for i, v := range j.basis {
				out[i] = dot(v[lo:hi], w)
			}
		}
		return
	}
	lo, hi := par.Split(j.n, j.parts, part)
	// Apply the updates in cache-sized chunks so w's chunk stays in cache
	// across the k updates.
	for s := lo; s < hi; s += Chunk {
		e := min(s+Chunk, hi)
		w := j.w[s:e]
		for i, v := range j.basis {
			axpy(j.coef[i], v[s:e], w)
		}
	}
}

// MultiDot sets dst[i] = basis[i]ᵀ·w for every i. Deterministic (fixed
// chunks summed in order), parallel for long vectors, allocation-free
// once warmed up. It panics if lengths differ.
func MultiDot(dst []float64, basis [][]float64, w []float64) {
	k := len(basis)
	if len(dst) != k {
		panic("vec: MultiDot: len(dst) != len(basis)")
	}
	n := len(w)
	for _, v := range basis {
		if len(v) != n {
			panic("vec: MultiDot: length mismatch")
		}
	}
	if k == 0 {
		return
	}
	j := multiJobs.Get().(*multiJob)
	j.dot, j.basis, j.w, j.n = true, basis, w, n
	j.nchunk = (n + Chunk - 1) / Chunk
	if need := j.nchunk * k; cap(j.partials) < need {
		j.partials = make([]float64, need)
	} else {
		j.partials = j.partials[:need]
	}
	j.parts = parts(n)
	par.Run(j.parts, j)
	for i := range dst {
		s := 0.0
		for c := 0; c < j.nchunk; c++ {
			s += j.partials[c*k+i]
		}
		dst[i] = s
	}
	j.basis, j.w = nil, nil
	multiJobs.Put(j)
}

// MultiAxpy sets w ← w + Σᵢ coef[i]·basis[i]. Parallel for long vectors and
// allocation-free once warmed up. It panics if lengths differ.
func MultiAxpy(w []float64, coef []float64, basis [][]float64) {
	if len(coef) != len(basis) {
		panic("vec: MultiAxpy: len(coef) != len(basis)")
	}
	n := len(w)
	for _, v := range basis {
		if len(v) != n {
			panic("vec: MultiAxpy: length mismatch")
		}
	}
	if len(basis) == 0 {
		return
	}
	j := multiJobs.Get().(*multiJob)
	j.dot, j.basis, j.w, j.coef, j.n = false, basis, w, coef, n
	j.parts = parts(n)
	par.Run(j.parts, j)
	j.basis, j.w, j.coef = nil, nil, nil
	multiJobs.Put(j)
}
