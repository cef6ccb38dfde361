//go:build !race

package ot

// raceEnabled: see race_test.go.
const raceEnabled = false
