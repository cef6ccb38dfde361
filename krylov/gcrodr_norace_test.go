//go:build !race

package krylov

// gcrodrRace is true under the race detector (see gcrodr_race_test.go).
const gcrodrRace = false
