package sparse

import (
	"fmt"
	"slices"
	"sort"

	"github.com/subspace-lab/subspace/internal/par"
)

// Mul returns the sparse product A·B in CSR form (SciPy's A @ B, PETSc's
// MatMatMult). It panics if A or B is nil or A's column count differs from
// B's row count.
//
// The result's pattern is the structural product: (i, j) is stored when
// some k has A_ik and B_kj stored, and a sum that cancels to zero is kept
// as an explicit zero (PETSc keeps it too; SciPy drops it). Column indices
// are sorted; each entry is summed in the order of A's row, so the result
// does not depend on GOMAXPROCS.
//
// Algorithm: Gustavson's row-by-row product in two passes over the rows,
// one counting each result row's entries and one computing them into a
// dense accumulator, both parallel over row blocks of equal work (the
// number of multiply-adds, Σ_k nnz(B_k,:) over A's row). Cost:
// O(flops + nnz(C)·log(row length)) time, O(nnz(C) + rows(A) + 16·cols(B)·P)
// memory for P parts.
func Mul(A, B *CSR) *CSR {
	checkNil("Mul", A, B)
	ar, ac := A.Dims()
	br, bc := B.Dims()
	if ac != br {
		panic(fmt.Sprintf("sparse: Mul: dimension mismatch: %d×%d times %d×%d", ar, ac, br, bc))
	}
	parts := 1
	if A.NNZ() >= ParallelMinNNZ/8 {
		parts = min(par.Procs(), max(ar, 1))
	}
	j := &spgemmJob{a: A, b: B, indptr: make([]int, ar+1), phase: spgemmWork}
	j.split = make([]int, parts+1)
	if parts > 1 {
		// work[i]: multiply-adds of rows < i, plus one per row; the terms
		// in parallel over blocks of A's rows, then the prefix sums.
		j.work = make([]int, ar+1)
		for p := 0; p <= parts; p++ {
			j.split[p] = A.rowSplit(p, parts)
		}
		par.Run(parts, j)
		work := j.work
		for i := 0; i < ar; i++ {
			work[i+1] += work[i]
		}
		if work[ar] < ParallelMinNNZ {
			parts = 1
		}
		j.split = j.split[:parts+1]
		for p := 1; p < parts; p++ {
			target := int(int64(work[ar]) * int64(p) / int64(parts))
			j.split[p] = sort.SearchInts(work, target)
		}
	}
	j.split[parts] = ar
	j.scratch = make([]spgemmScratch, parts)
	j.phase = spgemmCount
	par.Run(parts, j) // pass 1: entries per row
	for i := 0; i < ar; i++ {
		j.indptr[i+1] += j.indptr[i]
	}
	nnz := j.indptr[ar]
	j.ind, j.val = make([]int32, nnz), make([]float64, nnz)
	j.phase = spgemmNumeric
	par.Run(parts, j) // pass 2: the entries
	return newCSR(ar, bc, j.indptr, j.ind, j.val)
}

// spgemmJob is one phase of Mul over its row blocks.
type spgemmJob struct {
	a, b    *CSR
	work    []int
	split   []int // first row of each part
	phase   int
	indptr  []int // pass 1: indptr[i+1] = entries of row i; then prefix sums
	ind     []int32
	val     []float64
	scratch []spgemmScratch
}

// The phases of Mul.
const (
	spgemmWork    = iota // the multiply-adds of each row (for the split)
	spgemmCount          // pass 1: the entries of each row
	spgemmNumeric        // pass 2: the entries
)

// spgemmScratch is one part's workspace over B's columns.
type spgemmScratch struct {
	acc  []accum // column j's mark and, in pass 2, its sum
	cols []int32 // a long row's columns, in order of discovery
	runs []int   // where each of B's rows began in cols
	tmp  []int32 // merge buffer
}

// accum is one column of the row being summed: its mark and its sum side
// by side, so that the scatter touches one cache line per product term.
// Pass 1 marks column j with i+1 when it is in row i's result, pass 2
// with −(i+1), so pass 2 needs no clearing of pass 1's marks.
type accum struct {
	stamp int32
	sum   float64
}

// Run implements par.Body.
func (j *spgemmJob) Run(p int) {
	A, B := j.a, j.b
	lo, hi := j.split[p], j.split[p+1]
	if j.phase == spgemmWork {
		for i := lo; i < hi; i++ {
			w := 1
			for _, k := range A.ind[A.indptr[i]:A.indptr[i+1]] {
				w += B.indptr[k+1] - B.indptr[k]
			}
			j.work[i+1] = w
		}
		return
	}
	_, bc := B.Dims()
	s := &j.scratch[p]
	if s.acc == nil {
		s.acc = make([]accum, bc)
	}
	acc := s.acc
	if j.phase == spgemmCount {
		for i := lo; i < hi; i++ {
			stamp, n := int32(i+1), 0
			for _, k := range A.ind[A.indptr[i]:A.indptr[i+1]] {
				for _, c := range B.ind[B.indptr[k]:B.indptr[k+1]] {
					if acc[c].stamp != stamp {
						acc[c].stamp = stamp
						n++
					}
				}
			}
			j.indptr[i+1] = n
		}
		return
	}
	for i := lo; i < hi; i++ {
		stamp := -int32(i + 1)
		// A short row's columns are appended straight into their place
		// in the result (its exact capacity: pass 1 counted them) and
		// sorted there; a long one's are merged in the part's scratch.
		dst := j.ind[j.indptr[i]:j.indptr[i+1]]
		cols := dst[:0:len(dst)]
		if len(dst) > 32 {
			cols = s.cols[:0]
		}
		runs := s.runs[:0]
		for t := A.indptr[i]; t < A.indptr[i+1]; t++ {
			runs = append(runs, len(cols))
			k, a := A.ind[t], A.val[t]
			bi, bv := B.ind[B.indptr[k]:B.indptr[k+1]], B.val[B.indptr[k]:B.indptr[k+1]]
			for u, c := range bi {
				e := &acc[c]
				if e.stamp != stamp {
					e.stamp = stamp
					e.sum = a * bv[u]
					cols = append(cols, c)
				} else {
					e.sum += a * bv[u]
				}
			}
		}
		runs = append(runs, len(cols))
		s.runs = runs
		if len(dst) > 32 {
			s.cols = cols
			copy(dst, s.sortRow(cols, runs))
		} else {
			sortIndices(dst)
		}
		v := j.val[j.indptr[i]:j.indptr[i+1]]
		for t, c := range dst {
			v[t] = acc[c].sum
		}
	}
}

// sortRow returns the row's columns sorted. cols is the concatenation of
// sorted runs (the new columns each row of B brought, in B's order),
// runs[r] the start of run r and runs[len−1] = len(cols). Short rows are
// sorted by insertion; longer ones by merging the runs pairwise, which
// takes about len·log₂(runs) moves where a general sort would take
// len·log₂(len) comparisons.
func (s *spgemmScratch) sortRow(cols []int32, runs []int) []int32 {
	if len(cols) <= 32 {
		sortIndices(cols)
		return cols
	}
	if cap(s.tmp) < len(cols) {
		s.tmp = make([]int32, len(cols), 2*len(cols))
	}
	src, dst := cols, s.tmp[:len(cols)]
	for len(runs) > 2 {
		w := 0
		for r := 0; r+1 < len(runs); r += 2 {
			lo, mid := runs[r], runs[r+1]
			hi := mid
			if r+2 < len(runs) {
				hi = runs[r+2]
			}
			mergeRuns(dst[lo:hi], src[lo:mid], src[mid:hi])
			runs[w] = lo
			w++
		}
		runs[w] = len(cols)
		runs = runs[:w+1]
		src, dst = dst, src
	}
	return src
}

// mergeRuns merges the sorted a and b into dst (len(a)+len(b) long),
// without a data-dependent branch in the loop: the columns of a row are
// in random order between runs, where a branch would be mispredicted
// half the time.
func mergeRuns(dst, a, b []int32) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		dst[k] = min(x, y)
		t := 0
		if x <= y {
			t = 1
		}
		i += t
		j += 1 - t
		k++
	}
	k += copy(dst[k:], a[i:])
	copy(dst[k:], b[j:])
}

// sortIndices sorts a row's column indices: by insertion for the short
// rows of most sparse products (fewer moves than pdqsort's set-up there),
// by slices.Sort above 32 entries.
func sortIndices(c []int32) {
	if len(c) > 32 {
		slices.Sort(c)
		return
	}
	for i := 1; i < len(c); i++ {
		v := c[i]
		k := i
		for k > 0 && c[k-1] > v {
			c[k] = c[k-1]
			k--
		}
		c[k] = v
	}
}
