package sequence

import (
	"math"

	"github.com/subspace-lab/subspace/internal/par"
)

// pairMatrixMax is the largest distance table, in bytes, that Greedy
// builds (N(N−1)/2 float64 values: N ≤ 11 585); larger sets stream.
const pairMatrixMax = 512 << 20

// pairwiseMinWork is the number of distance terms N²·d from which Greedy
// builds the table: below it streaming takes well under 0.1 s.
const pairwiseMinWork = 1e8

// pairRows is the number of fields whose current chunk (pairRows·distChunk
// values, 128 KiB) stays in cache while every later field's chunk streams
// past it once.
const pairRows = 16

// usePairwise reports whether greedyWithin builds the distance table for
// m fields of length d.
func usePairwise(m, d int) bool {
	return m >= 3 && float64(m)*float64(m)*float64(d) >= pairwiseMinWork &&
		float64(m)*float64(m-1)/2*8 <= pairMatrixMax
}

// triIndex is the position of the pair (i, j), i < j, of m items in the
// row-major strict upper triangle.
func triIndex(m, i, j int) int { return i*(2*m-i-1)/2 + j - i - 1 }

// pairDistances returns the squared distances ‖f_{idx[i]} − f_{idx[j]}‖²
// of all pairs i < j of the m = len(idx) fields, packed by triIndex, each
// summed as sqDist sums it (so bit-identical to it, NaN as +Inf).
//
// Blocking: for each block of pairRows consecutive fields and each chunk
// of distChunk values, the block's chunks stay in cache while the chunk of
// every later field is read once and combined with all of them, so the
// fields are read from memory about (d/distChunk)·(m/pairRows) times in
// all rather than m/2 times, and each pair adds its chunk sums in chunk
// order. Blocks of rows run in parallel, split so that every part has
// about the same number of pairs; parts write disjoint entries.
func pairDistances(fields [][]float64, idx []int) []float64 {
	m := len(idx)
	d := len(fields[idx[0]])
	D := make([]float64, m*(m-1)/2)
	parts := min(par.Procs(), (m+pairRows-1)/pairRows)
	j := &pairJob{fields: fields, idx: idx, d: d, D: D, bounds: pairBounds(m, parts)}
	par.Run(parts, j)
	for k, v := range D {
		if math.IsNaN(v) {
			D[k] = math.Inf(1)
		}
	}
	return D
}

// pairBounds splits rows 0…m−1 into parts ranges of about equal numbers of
// pairs (row i has m−1−i), each a multiple of pairRows long but the last.
func pairBounds(m, parts int) []int {
	b := make([]int, parts+1)
	total := float64(m) * float64(m-1) / 2
	row, acc := 0, 0.0
	for p := 1; p < parts; p++ {
		target := total * float64(p) / float64(parts)
		for row < m && acc < target {
			acc += float64(m - 1 - row)
			row++
		}
		b[p] = min(m, (row+pairRows-1)/pairRows*pairRows)
		b[p] = max(b[p], b[p-1])
	}
	b[parts] = m
	return b
}

// pairJob is pairDistances' parallel loop.
type pairJob struct {
	fields [][]float64
	idx    []int
	d      int
	D      []float64
	bounds []int
}

// Run implements par.Body: part p fills the rows bounds[p] to bounds[p+1].
func (j *pairJob) Run(p int) {
	m := len(j.idx)
	var a [pairRows][]float64
	for ib := j.bounds[p]; ib < j.bounds[p+1]; ib += pairRows {
		ie := min(ib+pairRows, j.bounds[p+1])
		for off := 0; off < j.d; off += distChunk {
			e := min(off+distChunk, j.d)
			for i := ib; i < ie; i++ {
				a[i-ib] = j.fields[j.idx[i]][off:e]
			}
			for c := ib + 1; c < m; c++ {
				b := j.fields[j.idx[c]][off:e]
				for i := ib; i < min(ie, c); i++ {
					j.D[triIndex(m, i, c)] += chunkSqDist(a[i-ib], b)
				}
			}
		}
	}
}

// greedyPairwise is greedyWithin on the precomputed distance table: the
// same scan as greedyStream (remaining candidates in increasing index,
// strict comparison, so ties go to the lowest index), reading distances
// instead of fields.
func greedyPairwise(fields [][]float64, idx []int, start int) []int {
	m := len(idx)
	D := pairDistances(fields, idx)
	rem := make([]int, 0, m) // positions in idx, increasing
	for i := range m {
		if i != start {
			rem = append(rem, i)
		}
	}
	order := make([]int, 0, m)
	order = append(order, idx[start])
	cur := start
	for len(rem) > 0 {
		best, bd := -1, math.Inf(1)
		for t, c := range rem {
			var v float64
			if c < cur {
				v = D[triIndex(m, c, cur)]
			} else {
				v = D[triIndex(m, cur, c)]
			}
			if best < 0 || v < bd {
				best, bd = t, v
			}
		}
		cur = rem[best]
		rem = append(rem[:best], rem[best+1:]...)
		order = append(order, idx[cur])
	}
	return order
}
