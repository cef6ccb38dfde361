//go:build race

package sequence

// raceEnabled is true under the race detector, which makes long
// numerical tests take minutes.
const raceEnabled = true
