//go:build race

package precond_test

// raceEnabled is true under the race detector, which makes sync.Pool drop
// items at random: allocation counts of pooled scratch (ASM) are then
// meaningless.
const raceEnabled = true
