//go:build !race

package vec

import "testing"

func allocsPerRun(runs int, f func()) float64 { return testing.AllocsPerRun(runs, f) }
