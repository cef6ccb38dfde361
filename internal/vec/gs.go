package vec

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/subspace-lab/subspace/internal/par"
)

// Block kernels for Gram–Schmidt, Arnoldi and the recycled-space updates
// of GCRO-DR. Each makes one pass over the basis and w in blocks small
// enough to stay in cache between the update and the dot products of the
// same block, so that an update and the measurement of what is left cost
// the memory traffic of the update alone. For k basis vectors of length n:
//
//	MultiDot       h = Vᵀw                                 (k+1)·8n bytes
//	MultiDotNorm   h = Vᵀw and ‖w‖                         (k+1)·8n bytes
//	MultiAxpy      w ← w + V c                             (k+2)·8n bytes
//	MultiAxpyDot   w ← w + V c, then s = Vᵀw and ‖w‖      (k+2)·8n bytes
//	MultiAxpyNorm  w ← w + V c, then ‖w‖                  (k+2)·8n bytes
//	Combine        w ← V c (w not read)                    (k+1)·8n bytes
//
// against 2k·8n and 3k·8n bytes for k separate Dot or Axpy calls.
// On data in cache these passes are bound by arithmetic, not memory, so
// the inner loops take the basis four vectors at a time (Dot4, Axpy4 of
// gs4.go: AVX2/FMA assembly on amd64), loading each element of w once per
// four vectors; the k mod 4 vectors left use gonum's assembly kernels
// (floats.Dot, AddScaled: SSE2 on amd64), two to three times faster than
// a Go loop.
//
// Parallelism follows the work, (k+1)·n, not the vector length alone: a
// Krylov basis of 40 vectors of 10⁴ entries is worth splitting between
// cores (each core's slice of the basis then stays in its own L2 from one
// step to the next) although a single vector of 10⁴ is not. Vectors of
// ParallelMin entries or more are split whatever k is, as the
// single-vector kernels are.
//
// Reductions are deterministic: partial sums per block of gsBlock
// elements, accumulated per gsChunk in order, and chunk sums added in
// order, whatever GOMAXPROCS is and however the chunks are shared out.

// gsBlock is the number of elements of each vector processed together: k
// basis blocks of 4 KiB stay in L1/L2 between the update and the dots.
const gsBlock = 512

// gsChunk is the unit of work shared between cores and of the
// deterministic reduction: fine enough to balance a vector of 10⁴
// entries over a few cores.
const gsChunk = 2 * gsBlock

// gsParallelMin is the number of vector elements, (k+1)·n, a pass over
// vectors shorter than ParallelMin must touch before it is split between
// cores: 512 KiB. Below it the basis stays in the caller's cache from step
// to step and handing work to another core costs more than it saves;
// above it each core keeps its own slice of the basis in its own L2.
// Measured with the polling worker pool of internal/par (2 cores, medians
// of 9 interleaved runs): GMRES(30) on 100×100 unknowns 1.24× and
// GMRES(40) 1.13× faster per iteration than with 2 MiB, the threshold
// that had paid while waking a parked worker cost 65 µs.
const gsParallelMin = 1 << 16

type gsOp int

const (
	gsDot gsOp = iota
	gsDotNorm
	gsAxpy
	gsAxpyDot
	gsAxpyNorm
	gsCombine // w ← Σ coef[i]·basis[i]: the first term sets w
	gsScale   // w ← a·w (ScaleGS; no basis)
)

type gsJob struct {
	op       gsOp
	basis    [][]float64
	w, coef  []float64
	n, parts int
	nchunk   int
	a        float64   // gsScale's factor
	partials []float64 // nchunk × (k+1), row-major by chunk; entry k is ‖w‖²
}

var gsJobs = sync.Pool{New: func() any { return new(gsJob) }}

// Run implements par.Body: part p handles a contiguous range of chunks.
func (j *gsJob) Run(part int) {
	k := len(j.basis)
	c0, c1 := chunkSplit(j.n, gsChunk, j.parts, part)
	if j.op == gsScale {
		if lo, hi := c0*gsChunk, min(c1*gsChunk, j.n); lo < hi {
			floats.Scale(j.a, j.w[lo:hi])
		}
		return
	}
	for c := c0; c < c1; c++ {
		lo := c * gsChunk
		hi := min(lo+gsChunk, j.n)
		out := j.partials[c*(k+1) : (c+1)*(k+1)]
		clear(out)
		for s := lo; s < hi; s += gsBlock {
			e := min(s+gsBlock, hi)
			w := j.w[s:e]
			if j.op >= gsAxpy {
				i := 0
				if j.op == gsCombine {
					floats.ScaleTo(w, j.coef[0], j.basis[0][s:e])
					i = 1
				}
				for ; i+4 <= k; i += 4 {
					v, c := j.basis[i:i+4:i+4], j.coef[i:i+4:i+4]
					Axpy4(w, c[0], c[1], c[2], c[3], v[0][s:e], v[1][s:e], v[2][s:e], v[3][s:e])
				}
				for ; i < k; i++ {
					floats.AddScaled(w, j.coef[i], j.basis[i][s:e])
				}
			}
			if j.op == gsDot || j.op == gsDotNorm || j.op == gsAxpyDot {
				i := 0
				for ; i+4 <= k; i += 4 {
					v := j.basis[i : i+4 : i+4]
					d0, d1, d2, d3 := Dot4(v[0][s:e], v[1][s:e], v[2][s:e], v[3][s:e], w)
					out[i] += d0
					out[i+1] += d1
					out[i+2] += d2
					out[i+3] += d3
				}
				for ; i < k; i++ {
					out[i] += floats.Dot(j.basis[i][s:e], w)
				}
			}
			if j.op == gsDotNorm || j.op == gsAxpyDot || j.op == gsAxpyNorm {
				out[k] += floats.Dot(w, w)
			}
		}
	}
}

// chunkSplit returns the chunks [c0, c1) of part p when n elements cut
// into chunks of size chunk (the last one possibly shorter) are split
// into parts contiguous ranges of nearly equal numbers of elements: part
// p's range starts at the chunk boundary nearest to p·n/parts. par.Split
// balances chunk counts instead, which for a short last chunk gives the
// first part most of the work: n = 6400 in chunks of 1024 (six and a
// fraction) split 4096/2304 between two parts, against 3072/3328 here.
// The split decides only who computes a chunk, never how a chunk's sums
// are formed or added, so results do not depend on it.
func chunkSplit(n, chunk, parts, p int) (c0, c1 int) {
	nchunk := (n + chunk - 1) / chunk
	at := func(p int) int {
		if p >= parts {
			return nchunk
		}
		// Nearest chunk boundary to p·n/parts, in integers.
		c := (2*p*n/parts + chunk) / (2 * chunk)
		return min(c, nchunk)
	}
	return at(p), at(p + 1)
}

func gsRun(op gsOp, basis [][]float64, w, coef, dst []float64) float64 {
	k := len(basis)
	n := len(w)
	j := gsJobs.Get().(*gsJob)
	j.op, j.basis, j.w, j.coef, j.n = op, basis, w, coef, n
	j.nchunk = (n + gsChunk - 1) / gsChunk
	if need := j.nchunk * (k + 1); cap(j.partials) < need {
		j.partials = make([]float64, need)
	} else {
		j.partials = j.partials[:need]
	}
	j.parts = 1
	if (k+1)*n >= gsParallelMin || n >= ParallelMin {
		j.parts = min(par.Procs(), j.nchunk)
	}
	if j.nchunk > 0 {
		par.Run(j.parts, j)
	}
	for i := range dst {
		s := 0.0
		for c := 0; c < j.nchunk; c++ {
			s += j.partials[c*(k+1)+i]
		}
		dst[i] = s
	}
	ww := 0.0
	for c := 0; c < j.nchunk; c++ {
		ww += j.partials[c*(k+1)+k]
	}
	j.basis, j.w, j.coef = nil, nil, nil
	gsJobs.Put(j)
	if op == gsDot || op == gsAxpy || op == gsCombine {
		return 0
	}
	if ww == 0 || math.IsInf(ww, 0) || ww < 1e-280 {
		// Over- or underflow of the squares: recompute safely.
		return scaledNorm(w)
	}
	return math.Sqrt(ww)
}

// gsCheck panics unless every basis vector has w's length and every
// length in lens is len(basis). With writes (the operation updates w in
// blocks, reading the basis as it goes) it also panics when w is a basis
// vector (the same first element): the pass would read entries it has
// already updated and return a wrong w. O(k).
func gsCheck(name string, basis [][]float64, w []float64, writes bool, lens ...int) {
	for _, l := range lens {
		if l != len(basis) {
			panic("vec: " + name + ": coefficient count != len(basis)")
		}
	}
	for i, v := range basis {
		if len(v) != len(w) {
			panic("vec: " + name + ": length mismatch")
		}
		if writes && len(w) > 0 && &v[0] == &w[0] {
			panic(fmt.Sprintf("vec: %s: w is basis[%d] (it is updated while the basis is read)", name, i))
		}
	}
}

// MultiDot sets dst[i] = basis[i]ᵀw for every i, in one pass over w and
// the basis. Deterministic, parallel when (k+1)·n is large, allocation-free
// once warmed up. It panics if lengths differ.
func MultiDot(dst []float64, basis [][]float64, w []float64) {
	gsCheck("MultiDot", basis, w, false, len(dst))
	if len(basis) > 0 {
		gsRun(gsDot, basis, w, nil, dst)
	}
}

// MultiAxpy sets w ← w + Σᵢ coef[i]·basis[i], in one pass over w and the
// basis. Parallel when (k+1)·n is large, allocation-free once warmed up.
// It panics if lengths differ or w is one of the basis vectors.
func MultiAxpy(w []float64, coef []float64, basis [][]float64) {
	gsCheck("MultiAxpy", basis, w, true, len(coef))
	if len(basis) > 0 {
		gsRun(gsAxpy, basis, w, coef, nil)
	}
}

// Combine sets w = Σᵢ coef[i]·basis[i] in one pass, without reading w
// first (what Copy followed by MultiAxpy would do in two). It panics if
// lengths differ, basis is empty or w is one of the basis vectors.
func Combine(w []float64, coef []float64, basis [][]float64) {
	gsCheck("Combine", basis, w, true, len(coef))
	if len(basis) == 0 {
		panic("vec: Combine: empty basis")
	}
	gsRun(gsCombine, basis, w, coef, nil)
}

// ScaleGS sets w ← a·w, as Scale does, split between cores as a
// Gram–Schmidt pass of this file (MultiDot, MultiAxpyDot, …) over k basis
// vectors of w's length splits it: each core scales the entries of w that
// the pass has just formed in its cache. Scale runs a vector shorter than
// ParallelMin serially, which after a parallel pass pulls the other
// cores' part of w across and scales it one element at a time: the
// normalisation of GCRO-DR's Arnoldi vectors of 6400 entries cost a
// sixth as much as their Gram–Schmidt. Each entry is multiplied by a
// whatever the split, so the result is Scale's.
func ScaleGS(a float64, w []float64, k int) {
	n := len(w)
	nchunk := (n + gsChunk - 1) / gsChunk
	parts := 1
	if (k+1)*n >= gsParallelMin || n >= ParallelMin {
		parts = min(par.Procs(), nchunk)
	}
	if parts <= 1 {
		floats.Scale(a, w)
		return
	}
	j := gsJobs.Get().(*gsJob)
	j.op, j.basis, j.w, j.coef, j.n, j.a = gsScale, nil, w, nil, n, a
	j.nchunk, j.parts = nchunk, parts
	par.Run(parts, j)
	j.w = nil
	gsJobs.Put(j)
}

// MultiDotNorm sets dst[i] = basis[i]ᵀw for every i and returns ‖w‖, in
// one pass over w and the basis. It panics if lengths differ.
func MultiDotNorm(dst []float64, basis [][]float64, w []float64) float64 {
	gsCheck("MultiDotNorm", basis, w, false, len(dst))
	return gsRun(gsDotNorm, basis, w, nil, dst)
}

// MultiAxpyDot sets w ← w + Σᵢ coef[i]·basis[i], then dst[i] =
// basis[i]ᵀw of the updated w, and returns ‖w‖, in one pass. dst may
// alias coef (it is written after the pass). It panics if lengths differ
// or w is one of the basis vectors.
func MultiAxpyDot(w, coef []float64, basis [][]float64, dst []float64) float64 {
	gsCheck("MultiAxpyDot", basis, w, true, len(coef), len(dst))
	return gsRun(gsAxpyDot, basis, w, coef, dst)
}

// MultiAxpyNorm sets w ← w + Σᵢ coef[i]·basis[i] and returns ‖w‖ of the
// updated w, in one pass. It panics if lengths differ or w is one of the
// basis vectors.
func MultiAxpyNorm(w, coef []float64, basis [][]float64) float64 {
	gsCheck("MultiAxpyNorm", basis, w, true, len(coef))
	return gsRun(gsAxpyNorm, basis, w, coef, nil)
}
