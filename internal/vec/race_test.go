//go:build race

package vec

// allocsPerRun reports 0 under -race and testing.AllocsPerRun otherwise:
// the race detector makes sync.Pool drop items at random, so allocation
// counts of pooled paths are not meaningful there.
func allocsPerRun(runs int, f func()) float64 { return 0 }
