// Package allocs measures the heap memory a call allocates, for tests that
// bound it (the readers' memory checks, GCRO-DR's byte estimates).
package allocs

import (
	"math"
	"runtime"
)

// Least returns the fewest bytes f allocated (runtime.MemStats.TotalAlloc)
// over three calls. TotalAlloc is process-wide: a goroutine left running
// by an earlier test (a worker of internal/par, a timer) can add to one
// measurement, never take from it, so the least of three is f's own.
// Each call reads the statistics twice, which stops the world briefly.
func Least(f func()) uint64 {
	best := uint64(math.MaxUint64)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		best = min(best, after.TotalAlloc-before.TotalAlloc)
	}
	return best
}
