//go:build race

package krylov

// raceEnabled: the race detector makes sync.Pool drop items at random
// (internal/par pools its work), so allocation measurements are not
// meaningful under -race.
const raceEnabled = true
