//go:build race

package vec

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts of pooled paths are not meaningful under -race.
const raceEnabled = true

// allocsPerRun reports 0 under -race (see raceEnabled) and
// testing.AllocsPerRun otherwise.
func allocsPerRun(runs int, f func()) float64 { return 0 }
