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

// combineJob forms out[i] = Σ_l coef[i·ld+l]·basis[l] (overwriting out),
// the dense product that builds GCRO-DR's new U and C from the cycle's
// bases. Four output rows at a time are accumulated in registers over the
// whole basis (vec.Comb4: AVX2 FMA on amd64), so each basis element is
// loaded once per four outputs; the len(out) mod 4 rows left take the
// basis four vectors per pass (vec.Axpy4). Parallel over contiguous
// ranges of entries with the shared worker pool, allocation-free once
// warmed up. Each output entry is summed in a fixed order, so the result
// does not depend on the number of workers.
type combineJob struct {
	out, basis [][]float64
	coef       []float64
	ld         int
	n, parts   int
	nblock     int
	ct         []float64 // row groups of four, coefficients interleaved: ct[g·4L + 4l + q] = coef[(4g+q)·ld + l]
	sq         []float64 // if not nil, nblock×len(out) partial sums of squares, block-major
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
	if len(out) == 0 {
		return
	}
	n := len(out[0])
	L := len(basis)
	j := combineJobs.Get().(*combineJob)
	j.out, j.basis, j.coef, j.ld, j.n = out, basis, coef, ld, n
	groups := len(out) / 4
	if need := groups * 4 * L; cap(j.ct) < need {
		j.ct = make([]float64, need)
	} else {
		j.ct = j.ct[:need]
	}
	for g := 0; g < groups; g++ {
		ct := j.ct[g*4*L : (g+1)*4*L]
		for q := 0; q < 4; q++ {
			row := coef[(4*g+q)*ld : (4*g+q)*ld+L]
			for l, c := range row {
				ct[4*l+q] = c
			}
		}
	}
	j.nblock = (n + combineBlock - 1) / combineBlock
	j.sq = nil
	if sq != nil {
		if need := j.nblock * len(out); cap(j.sq) < need {
			j.sq = make([]float64, need)
		} else {
			j.sq = j.sq[:need]
		}
	}
	j.parts = 1
	if len(out)*L*n >= blockParallelMin || n >= vec.ParallelMin {
		j.parts = min(par.Procs(), j.nblock)
	}
	par.Run(j.parts, j)
	if sq != nil {
		sq = sq[:len(out)]
		clear(sq)
		for blk := range j.nblock {
			for i, v := range j.sq[blk*len(out) : (blk+1)*len(out)] {
				sq[i] += v
			}
		}
	}
	j.out, j.basis, j.coef = nil, nil, nil
	combineJobs.Put(j)
}

// Run implements par.Body: part p forms entries of its range of blocks
// for every output row.
func (j *combineJob) Run(p int) {
	b0, b1 := par.Split(j.nblock, j.parts, p)
	L := len(j.basis)
	groups := len(j.out) / 4
	for blk := b0; blk < b1; blk++ {
		s := blk * combineBlock
		e := min(s+combineBlock, j.n)
		for g := 0; g < groups; g++ {
			o := j.out[4*g : 4*g+4 : 4*g+4]
			vec.Comb4(o[0][s:e], o[1][s:e], o[2][s:e], o[3][s:e], j.ct[g*4*L:(g+1)*4*L], j.basis, s)
			if j.sq != nil {
				for q := range 4 {
					j.sq[blk*len(j.out)+4*g+q] = floats.Dot(o[q][s:e], o[q][s:e])
				}
			}
		}
		for i := 4 * groups; i < len(j.out); i++ {
			oo := j.out[i][s:e]
			c := j.coef[i*j.ld : i*j.ld+L]
			clear(oo)
			l := 0
			for ; l+4 <= L; l += 4 {
				vec.Axpy4(oo, c[l], c[l+1], c[l+2], c[l+3], j.basis[l][s:e], j.basis[l+1][s:e], j.basis[l+2][s:e], j.basis[l+3][s:e])
			}
			for ; l < L; l++ {
				cl := c[l]
				b := j.basis[l][s:e]
				b = b[:len(oo)]
				for t := range oo {
					oo[t] += cl * b[t]
				}
			}
			if j.sq != nil {
				j.sq[blk*len(j.out)+i] = floats.Dot(oo, oo)
			}
		}
	}
}
