package sequence

import (
	"fmt"
	"math"
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
)

// greedyParallelMin is the number of distance entries (remaining
// candidates × field length) below which a greedy step runs serially.
const greedyParallelMin = 1 << 16

// Greedy returns an ordering of the systems by the paper's Algorithm 1:
// order[0] = 0, and order[t+1] is the field nearest to order[t] in
// Euclidean (Frobenius) distance among those not yet visited, ties broken
// by the lowest index. It costs O(N²·d) time for N fields of length d.
// Above about 10⁸ distance terms (N²·d) it first computes all N(N−1)/2
// distances in cache-sized blocks, in parallel (4·N² bytes, at most
// 512 MiB: N up to about 11 500), which reads the fields from memory
// about (d/1024)·(N/16) times instead of N/2 and is several times
// faster; larger sets stream (O(N) extra memory). Both paths give
// the same order, the distances being summed in the same order, and the
// result does not depend on the number of threads. It panics if the
// fields have different lengths. Greedy(nil) is empty. The fields must be
// finite: a NaN makes its distances NaN and the order unspecified (still
// a permutation).
func Greedy(fields [][]float64) []int {
	all := make([]int, len(fields))
	for i := range all {
		all[i] = i
	}
	checkFields(fields)
	if len(all) == 0 {
		return all
	}
	return greedyWithin(fields, all, 0)
}

func checkFields(fields [][]float64) {
	for i, f := range fields {
		if len(f) != len(fields[0]) {
			panic(fmt.Sprintf("sequence: field %d has %d values, field 0 has %d", i, len(f), len(fields[0])))
		}
	}
}

// greedyWithin orders the systems idx (sorted ascending) greedily,
// starting at idx[start]. The result is a new slice. Large sets take the
// blocked pairwise path (same order, bit-identical distances), small ones
// or those whose distance table would not fit pairMatrixMax stream the
// fields at every step.
func greedyWithin(fields [][]float64, idx []int, start int) []int {
	if usePairwise(len(idx), len(fields[idx[0]])) {
		return greedyPairwise(fields, idx, start)
	}
	return greedyStream(fields, idx, start)
}

// greedyStream is greedyWithin computing the distances from the current
// field to every remaining one at each step: N²·d/2 values streamed from
// memory in all, O(N) extra memory.
func greedyStream(fields [][]float64, idx []int, start int) []int {
	rem := append([]int(nil), idx...)
	order := make([]int, 0, len(idx))
	cur := rem[start]
	rem = append(rem[:start], rem[start+1:]...)
	order = append(order, cur)
	j := nearestJobs.Get().(*nearestJob)
	defer nearestJobs.Put(j)
	for len(rem) > 0 {
		p, _ := j.nearest(fields, fields[cur], rem)
		cur = rem[p]
		rem = append(rem[:p], rem[p+1:]...)
		order = append(order, cur)
	}
	j.fields, j.c, j.cand = nil, nil, nil
	return order
}

// nearestJob finds the candidate nearest to c, in parallel over contiguous
// ranges of candidates; each part keeps its first minimum, and parts are
// combined in order, so ties go to the lowest position.
type nearestJob struct {
	fields [][]float64
	c      []float64
	cand   []int
	parts  int
	best   []int
	dist   []float64
}

var nearestJobs = sync.Pool{New: func() any { return new(nearestJob) }}

// nearest returns the position in cand of the field nearest to c and its
// squared distance.
func (j *nearestJob) nearest(fields [][]float64, c []float64, cand []int) (int, float64) {
	j.fields, j.c, j.cand = fields, c, cand
	j.parts = 1
	if len(cand)*len(c) >= greedyParallelMin {
		j.parts = min(par.Procs(), len(cand))
	}
	if cap(j.best) < j.parts {
		j.best = make([]int, j.parts)
		j.dist = make([]float64, j.parts)
	}
	j.best, j.dist = j.best[:j.parts], j.dist[:j.parts]
	par.Run(j.parts, j)
	bp, bd := -1, math.Inf(1)
	for p := range j.best {
		if j.best[p] >= 0 && (bp < 0 || j.dist[p] < bd) {
			bp, bd = j.best[p], j.dist[p]
		}
	}
	return bp, bd
}

// Run implements par.Body.
func (j *nearestJob) Run(p int) {
	lo, hi := par.Split(len(j.cand), j.parts, p)
	best, bd := -1, math.Inf(1)
	for t := lo; t < hi; t++ {
		d := sqDist(j.c, j.fields[j.cand[t]])
		if best < 0 || d < bd {
			best, bd = t, d
		}
	}
	j.best[p], j.dist[p] = best, bd
}

// distChunk is the number of values whose squared differences sqDist sums
// before adding the partial sum to the total. It fixes the summation
// order, so that the blocked kernel of pairwise.go, which keeps one chunk
// of each field in cache while it serves many pairs, reproduces sqDist
// bit for bit.
const distChunk = 1024

// sqDist returns ‖a − b‖² (a NaN distance compares as larger than any
// number, so NaN fields go last), summed chunk by chunk with chunkSqDist.
func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for off := 0; off < len(a); off += distChunk {
		e := min(off+distChunk, len(a))
		s += chunkSqDist(a[off:e], b[off:e])
	}
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	return s
}

// chunkSqDist returns Σ (a_t − b_t)² over one chunk in the package's fixed
// order: sixteen lanes, lane l summing the elements t ≡ l (mod 16) of the
// first len − len%16 (each square rounded before it is added: no fused
// multiply-add), the remaining elements added to lane 0 in order, then
// tₗ = (sₗ + sₗ₊₄) + (sₗ₊₈ + sₗ₊₁₂) for l < 4 and (t₀ + t₁) + (t₂ + t₃).
// On amd64 with AVX2 the lanes are four vector registers (sqDistLanes16);
// elsewhere sqDistLanes16Go, with the same result bit for bit.
func chunkSqDist(a, b []float64) float64 {
	b = b[:len(a)]
	main := len(a) - len(a)%16
	var s [16]float64
	if main > 0 {
		sqDistLanes16(a[:main], b[:main], &s)
	}
	for t := main; t < len(a); t++ {
		d := a[t] - b[t]
		s[0] += float64(d * d)
	}
	var u [4]float64
	for l := range u {
		u[l] = (s[l] + s[l+4]) + (s[l+8] + s[l+12])
	}
	return (u[0] + u[1]) + (u[2] + u[3])
}

// sqDistLanes16Go sets s[l] = Σ_{t ≡ l (mod 16)} (a_t − b_t)², in order of
// t, for len(a) a multiple of 16. The conversions forbid fused
// multiply-adds, so the result matches the vector kernel.
func sqDistLanes16Go(a, b []float64, s *[16]float64) {
	b = b[:len(a)]
	for i := 0; i+16 <= len(a); i += 16 {
		x, y := a[i:i+16:i+16], b[i:i+16:i+16]
		for l := range 16 {
			d := x[l] - y[l]
			s[l] += float64(d * d)
		}
	}
}
