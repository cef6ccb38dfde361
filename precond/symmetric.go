package precond

import (
	"fmt"
	"math"
	"strconv"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/sparse"
)

// checkSymmetric returns an error wrapping ErrNotSymmetric naming an
// entry with |aᵢⱼ − aⱼᵢ| > SymmetryTol·maxAbs (an entry stored on one side
// only is compared with zero), maxAbs = max|a|. A must be square.
//
// It needs no transpose: rows are visited in increasing order, and the
// partner of a lower entry (i, j), j < i, is the next unvisited entry of
// row j's upper part, because row j's upper entries are sorted by column
// and are reached by rows in that same order. cur[j] is that cursor; an
// upper entry skipped over, or left at the end, has no lower partner.
// O(nnz) time, 8·n bytes of work space.
//
// It is sequential: NewIC0 runs the parallel scanSymmetric first and calls
// this only to decide the rare unpaired-but-tiny cases and to name the
// offending entry.
func checkSymmetric(method string, A *sparse.CSR, maxAbs float64) error {
	n, _ := A.Dims()
	ap, ai, av := A.Raw()
	lim := SymmetryTol * maxAbs
	cur := make([]int, n)
	for i := range n { // first entry of row i with column > i
		k := ap[i]
		for k < ap[i+1] && int(ai[k]) <= i {
			k++
		}
		cur[i] = k
	}
	bad := func(i, j int, a, b float64, sa, sb bool) error {
		if !sb {
			return fmt.Errorf("%w: %s needs a symmetric matrix, but %s while %s (and |A(%d,%d)| > %g·max|a|)",
				ErrNotSymmetric, method, entry(i, j, a, sa), entry(j, i, b, sb), i, j, SymmetryTol)
		}
		return fmt.Errorf("%w: %s needs a symmetric matrix, but %s and %s differ by more than %g·max|a|",
			ErrNotSymmetric, method, entry(i, j, a, sa), entry(j, i, b, sb), SymmetryTol)
	}
	for i := range n {
		for k := ap[i]; k < ap[i+1] && int(ai[k]) < i; k++ {
			j := int(ai[k])
			c, e := cur[j], ap[j+1]
			for c < e && int(ai[c]) < i { // (j, ai[c]) has no partner in row ai[c] < i
				if !(math.Abs(av[c]) <= lim) {
					return bad(j, int(ai[c]), av[c], 0, true, false)
				}
				c++
			}
			if c < e && int(ai[c]) == i {
				if !(math.Abs(av[k]-av[c]) <= lim) {
					return bad(i, j, av[k], av[c], true, true)
				}
				c++
			} else if !(math.Abs(av[k]) <= lim) {
				return bad(i, j, av[k], 0, true, false)
			}
			cur[j] = c
		}
	}
	for j := range n { // upper entries never reached
		for c := cur[j]; c < ap[j+1]; c++ {
			if !(math.Abs(av[c]) <= lim) {
				return bad(j, int(ai[c]), av[c], 0, true, false)
			}
		}
	}
	return nil
}

// entry describes A(i,j) for an error message.
func entry(i, j int, v float64, stored bool) string {
	if !stored {
		return fmt.Sprintf("A(%d,%d) is not stored", i, j)
	}
	return fmt.Sprintf("A(%d,%d) = %s", i, j, strconv.FormatFloat(v, 'g', -1, 64))
}

// symScan is what scanSymmetric measures in one pass over A.
type symScan struct {
	maxAbs float64 // max|aᵢⱼ|
	finite bool    // no NaN or infinite entry
	maxDev float64 // max over lower entries of |aᵢⱼ − aⱼᵢ| (|aᵢⱼ| when aⱼᵢ is not stored)
	paired bool    // every upper entry is the partner of a lower one
	mirror bool    // paired, and every lower entry has its partner: A's pattern is symmetric
}

// passes reports whether A passes checkSymmetric with max|a| = maxAbs
// (for a finite A).
func (s symScan) passes(maxAbs float64) bool {
	return s.paired && s.maxDev <= SymmetryTol*maxAbs
}

// scanSymmetric measures, in one parallel pass over row blocks
// (nonzero-balanced, on the worker pool for large matrices), max|aᵢⱼ|,
// finiteness, and how far A is from symmetric: every lower entry (i, j)
// looks up (j, i) in row j by binary search, and the matched pairs are
// counted. The pairing (i, j) ↔ (j, i) is one to one, so when the matches
// equal the number of upper entries no upper entry is unpaired, and A
// passes checkSymmetric exactly when maxDev ≤ SymmetryTol·max|a|. When it
// does not (unpaired upper entries may still be tiny), the sequential scan
// decides and names the entry. O(nnz·log(row length)), a few words per
// part of work space; the result does not depend on the split.
func scanSymmetric(A *sparse.CSR) symScan {
	ap, ai, av := A.Raw()
	parts := 1
	if len(av) >= parallelScanMin {
		parts = par.Procs()
	}
	j := &symJob{ap: ap, ai: ai, av: av, bounds: rowBlocks(ap, parts), res: make([]symPart, parts)}
	par.Run(parts, j)
	s := symScan{finite: true}
	matched, upper, lower := 0, 0, 0
	for _, r := range j.res {
		s.maxAbs = max(s.maxAbs, r.maxAbs)
		s.maxDev = max(s.maxDev, r.maxDev)
		s.finite = s.finite && r.acc == 0
		matched += r.matched
		upper += r.upper
		lower += r.lower
	}
	s.paired = matched == upper
	s.mirror = s.paired && matched == lower
	return s
}

// symPart is one block's share of a symScan.
type symPart struct {
	maxAbs, maxDev, acc float64 // acc sums v − v: 0 while every v is finite
	matched, upper      int
	lower               int // strict lower entries
}

// symJob is scanSymmetric's parallel loop.
type symJob struct {
	ap     []int
	ai     []int32
	av     []float64
	bounds []int
	res    []symPart
}

// Run implements par.Body: part p scans rows bounds[p] to bounds[p+1].
func (j *symJob) Run(p int) {
	ap, ai, av := j.ap, j.ai, j.av
	var r symPart
	for i := j.bounds[p]; i < j.bounds[p+1]; i++ {
		for k := ap[i]; k < ap[i+1]; k++ {
			v := av[k]
			r.acc += v - v
			r.maxAbs = max(r.maxAbs, math.Abs(v))
			c := int(ai[k])
			if c >= i {
				if c > i {
					r.upper++
				}
				continue
			}
			r.lower++
			// Find column i in row c (sorted).
			lo := searchCol(ai, ap[c], ap[c+1], i)
			dev := math.Abs(v)
			if lo < ap[c+1] && int(ai[lo]) == i {
				r.matched++
				dev = math.Abs(v - av[lo])
			}
			r.maxDev = max(r.maxDev, dev)
		}
	}
	j.res[p] = r
}

// searchCol returns the first position k in [lo, hi) with ind[k] ≥ col
// (hi if there is none), by binary search over a row's sorted column
// indices.
func searchCol(ind []int32, lo, hi, col int) int {
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(ind[mid]) < col {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
