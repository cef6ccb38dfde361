//go:build !race

package vec

import "testing"

const raceEnabled = false

func allocsPerRun(runs int, f func()) float64 { return testing.AllocsPerRun(runs, f) }
