package krylov

import (
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
)

// combineBlock is the number of vector entries combine processes per
// block: 2 KiB of each basis vector, so that the block of a 41-vector
// basis (82 KiB) stays in L1/L2 while every output row is formed from it.
const combineBlock = 256

// combineSet is one dense product out[i] = Σ_l coef[i·ld+l]·basis[l]
// (overwriting out), with, if sq is not nil, sq[i] = ‖out[i]‖².
type combineSet struct {
	out, basis [][]float64
	coef       []float64
	ld         int
	sq         []float64
}

// combineJob forms the products of one or two combineSets over vectors of
// the same length n in one pass over blocks of entries: the dense
// products that build GCRO-DR's new U = [U V]·P and C = [C V]·Q, which
// share the Krylov vectors V, so that a block of V is loaded once for
// both. Four output rows at a time are accumulated in registers over the
// whole basis (vec.Comb4: AVX2 FMA on amd64), so each basis element is
// loaded once per four outputs; the len(out) mod 4 rows left take the
// basis four vectors per pass (vec.Axpy4). Parallel over contiguous
// ranges of blocks with the shared worker pool, allocation-free once
// warmed up. Each output entry is summed in a fixed order, so the result
// does not depend on the number of workers.
type combineJob struct {
	sets     [2]combineSet
	nsets    int
	n, parts int
	nblock   int
	ct       [2][]float64 // per set, row groups of four, coefficients interleaved: ct[g·4L + 4l + q] = coef[(4g+q)·ld + l]
	bsq      [2][]float64 // per set with sq, nblock×len(out) partial sums of squares, block-major
}

// blockParallelMin is the number of multiply-adds above which combine and
// gram split short vectors' work between workers.
const blockParallelMin = 1 << 19

var combineJobs = sync.Pool{New: func() any { return new(combineJob) }}

// combine sets out[i] = Σ_l coef[i*ld+l]·basis[l] for i < len(out),
// l < len(basis). out must not alias any basis vector. If sq is not nil
// it also sets sq[i] = ‖out[i]‖², summed block by block while the block
// is in cache (in a fixed order: the result does not depend on the number
// of workers), which saves the recycled-space update a pass over U.
func combine(out, basis [][]float64, coef []float64, ld int, sq []float64) {
	combineSets(combineSet{out: out, basis: basis, coef: coef, ld: ld, sq: sq}, combineSet{})
}

// combineSets forms the product of set a and, if b.out is not empty, of
// set b in one pass (see combineJob); every vector of both sets has the
// same length. Each set's results are bit-identical to combine's on it
// alone.
func combineSets(a, b combineSet) {
	if len(a.out) == 0 {
		a, b = b, combineSet{}
	}
	if len(a.out) == 0 {
		return
	}
	n := len(a.out[0])
	j := combineJobs.Get().(*combineJob)
	j.sets[0], j.sets[1] = a, b
	j.nsets = 1
	if len(b.out) > 0 {
		j.nsets = 2
		if len(b.out[0]) != n {
			panic("krylov: combineSets: sets of different vector lengths")
		}
	}
	j.n = n
	j.nblock = (n + combineBlock - 1) / combineBlock
	work := 0
	for si := range j.nsets {
		st := &j.sets[si]
		L := len(st.basis)
		work += len(st.out) * L * n
		groups := len(st.out) / 4
		need := groups * 4 * L
		if cap(j.ct[si]) < need {
			j.ct[si] = make([]float64, need)
		}
		ct := j.ct[si][:need]
		j.ct[si] = ct
		for g := 0; g < groups; g++ {
			cg := ct[g*4*L : (g+1)*4*L]
			for q := 0; q < 4; q++ {
				row := st.coef[(4*g+q)*st.ld : (4*g+q)*st.ld+L]
				for l, c := range row {
					cg[4*l+q] = c
				}
			}
		}
		if st.sq != nil {
			need := j.nblock * len(st.out)
			if cap(j.bsq[si]) < need {
				j.bsq[si] = make([]float64, need)
			}
			j.bsq[si] = j.bsq[si][:need]
		}
	}
	j.parts = 1
	if work >= blockParallelMin || n >= vec.ParallelMin {
		j.parts = min(par.Procs(), j.nblock)
	}
	par.Run(j.parts, j)
	for si := range j.nsets {
		st := &j.sets[si]
		if st.sq == nil {
			continue
		}
		sq := st.sq[:len(st.out)]
		clear(sq)
		for blk := range j.nblock {
			for i, v := range j.bsq[si][blk*len(st.out) : (blk+1)*len(st.out)] {
				sq[i] += v
			}
		}
	}
	j.sets = [2]combineSet{}
	combineJobs.Put(j)
}

// Run implements par.Body: part p forms entries of its range of blocks
// for every output row of every set.
func (j *combineJob) Run(p int) {
	b0, b1 := par.Split(j.nblock, j.parts, p)
	for blk := b0; blk < b1; blk++ {
		s := blk * combineBlock
		e := min(s+combineBlock, j.n)
		for si := range j.nsets {
			j.runBlock(si, blk, s, e)
		}
	}
}

// runBlock forms entries s…e−1 (block blk) of every output of set si.
func (j *combineJob) runBlock(si, blk, s, e int) {
	st := &j.sets[si]
	L := len(st.basis)
	nout := len(st.out)
	groups := nout / 4
	var bsq []float64
	if st.sq != nil {
		bsq = j.bsq[si][blk*nout : (blk+1)*nout]
	}
	for g := 0; g < groups; g++ {
		o := st.out[4*g : 4*g+4 : 4*g+4]
		vec.Comb4(o[0][s:e], o[1][s:e], o[2][s:e], o[3][s:e], j.ct[si][g*4*L:(g+1)*4*L], st.basis, s)
		if bsq != nil {
			for q := range 4 {
				bsq[4*g+q] = floats.Dot(o[q][s:e], o[q][s:e])
			}
		}
	}
	for i := 4 * groups; i < nout; i++ {
		oo := st.out[i][s:e]
		c := st.coef[i*st.ld : i*st.ld+L]
		clear(oo)
		l := 0
		for ; l+4 <= L; l += 4 {
			vec.Axpy4(oo, c[l], c[l+1], c[l+2], c[l+3], st.basis[l][s:e], st.basis[l+1][s:e], st.basis[l+2][s:e], st.basis[l+3][s:e])
		}
		for ; l < L; l++ {
			cl := c[l]
			b := st.basis[l][s:e]
			b = b[:len(oo)]
			for t := range oo {
				oo[t] += cl * b[t]
			}
		}
		if bsq != nil {
			bsq[i] = floats.Dot(oo, oo)
		}
	}
}
