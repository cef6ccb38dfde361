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
// by the lowest index. It costs O(N²·d) time for N fields of length d and
// O(N) extra memory; each step's N distance evaluations run in parallel
// and the result does not depend on the number of threads. It panics if
// the fields have different lengths. Greedy(nil) is empty.
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
// starting at idx[start]. The result is a new slice.
func greedyWithin(fields [][]float64, idx []int, start int) []int {
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

// sqDist returns ‖a − b‖² (a NaN distance compares as larger than any
// number, so NaN fields go last).
func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0, d1, d2, d3 := a[i]-b[i], a[i+1]-b[i+1], a[i+2]-b[i+2], a[i+3]-b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	s := (s0 + s1) + (s2 + s3)
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	return s
}
