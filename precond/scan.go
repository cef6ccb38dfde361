package precond

import (
	"github.com/subspace-lab/subspace/internal/par"
)

// parallelScanMin is the number of values below which setup scans run on
// one goroutine.
const parallelScanMin = 1 << 16

// scanJob checks the finiteness of a value array in parallel blocks
// (setup only; it allocates its small per-part results).
type scanJob struct {
	val   []float64
	parts int
	ok    []bool
}

// Run implements par.Body.
func (j *scanJob) Run(p int) {
	lo, hi := par.Split(len(j.val), j.parts, p)
	j.ok[p] = allFinite(j.val[lo:hi])
}

// scanFinite reports whether every value is finite, on GOMAXPROCS
// goroutines for long arrays. The result does not depend on the split.
func scanFinite(val []float64) bool {
	parts := par.Procs()
	if len(val) < parallelScanMin || parts == 1 {
		return allFinite(val)
	}
	j := &scanJob{val: val, parts: parts, ok: make([]bool, parts)}
	par.Run(parts, j)
	for _, ok := range j.ok {
		if !ok {
			return false
		}
	}
	return true
}
