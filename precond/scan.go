package precond

import (
	"github.com/subspace-lab/subspace/internal/par"
)

// parallelScanMin is the number of values below which setup scans run on
// one goroutine.
const parallelScanMin = 1 << 16

// scanJob computes max|v| and finiteness of a value array in parallel
// blocks (setup only; it allocates its small per-part results).
type scanJob struct {
	val   []float64
	parts int
	max   []float64
	ok    []bool
}

// Run implements par.Body.
func (j *scanJob) Run(p int) {
	lo, hi := par.Split(len(j.val), j.parts, p)
	j.max[p], j.ok[p] = maxAbsFinite(j.val[lo:hi])
}

// scanValues returns max|v| and whether every value is finite, on
// GOMAXPROCS goroutines for long arrays. The result does not depend on the
// split (max and "all finite" are exact).
func scanValues(val []float64) (float64, bool) {
	parts := par.Procs()
	if len(val) < parallelScanMin || parts == 1 {
		return maxAbsFinite(val)
	}
	j := &scanJob{val: val, parts: parts, max: make([]float64, parts), ok: make([]bool, parts)}
	par.Run(parts, j)
	m, ok := 0.0, true
	for p := range parts {
		m = max(m, j.max[p])
		ok = ok && j.ok[p]
	}
	return m, ok
}
