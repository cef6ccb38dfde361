package krylov

import (
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
)

// combineChunk is the number of vector entries combine processes per
// block: 32 KiB of each input, so a block of the basis stays in L2 while
// every output row is formed from it.
const combineChunk = 4096

// combineJob forms out[i] = Σ_l coef[i·ld+l]·basis[l] (overwriting out),
// the dense product that builds GCRO-DR's new U and C from the cycle's
// bases. Parallel over contiguous ranges of entries with the shared worker
// pool, four basis vectors per pass over an output block (vec.Axpy4: AVX2
// FMA on amd64), allocation-free
// once warmed up. Each output entry is summed in a fixed order, so the
// result does not depend on the number of workers.
type combineJob struct {
	out, basis [][]float64
	coef       []float64
	ld         int
	n, parts   int
	byRow      bool // parts split the outputs instead of the entries
}

// blockParallelMin is the number of multiply-adds above which combine and
// gram split short vectors' work between workers by output rows (each
// output still computed by one worker in a fixed order).
const blockParallelMin = 1 << 19

var combineJobs = sync.Pool{New: func() any { return new(combineJob) }}

// combine sets out[i] = Σ_l coef[i*ld+l]·basis[l] for i < len(out),
// l < len(basis). out must not alias any basis vector.
func combine(out, basis [][]float64, coef []float64, ld int) {
	if len(out) == 0 {
		return
	}
	n := len(out[0])
	j := combineJobs.Get().(*combineJob)
	j.out, j.basis, j.coef, j.ld, j.n = out, basis, coef, ld, n
	j.parts, j.byRow = 1, false
	switch {
	case n >= vec.ParallelMin:
		j.parts = min(par.Procs(), (n+combineChunk-1)/combineChunk)
	case len(out)*len(basis)*n >= blockParallelMin:
		j.parts, j.byRow = min(par.Procs(), len(out)), true
	}
	par.Run(j.parts, j)
	j.out, j.basis, j.coef = nil, nil, nil
	combineJobs.Put(j)
}

// Run implements par.Body.
func (j *combineJob) Run(p int) {
	lo, hi := par.Split(j.n, j.parts, p)
	r0, r1 := 0, len(j.out)
	if j.byRow {
		lo, hi = 0, j.n
		r0, r1 = par.Split(len(j.out), j.parts, p)
	}
	L := len(j.basis)
	for s := lo; s < hi; s += combineChunk {
		e := min(s+combineChunk, hi)
		for i := r0; i < r1; i++ {
			o := j.out[i]
			oo := o[s:e]
			c := j.coef[i*j.ld : i*j.ld+L]
			clear(oo)
			l := 0
			for ; l+4 <= L; l += 4 {
				c0, c1, c2, c3 := c[l], c[l+1], c[l+2], c[l+3]
				b0 := j.basis[l][s:e]
				b1 := j.basis[l+1][s:e]
				b2 := j.basis[l+2][s:e]
				b3 := j.basis[l+3][s:e]
				vec.Axpy4(oo, c0, c1, c2, c3, b0, b1, b2, b3)
			}
			for ; l < L; l++ {
				cl := c[l]
				b := j.basis[l][s:e]
				b = b[:len(oo)]
				for t := range oo {
					oo[t] += cl * b[t]
				}
			}
		}
	}
}
