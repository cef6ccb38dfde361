//go:build race

package ot

// raceEnabled is true under the race detector, whose instrumentation
// allocates and makes sync.Pool drop items: allocation counts are then
// meaningless.
const raceEnabled = true
