//go:build !amd64 || purego

package ot

// argminShift8 reports false: without the vector kernel argminShift
// compares every arc in Go.
func argminShift8(row, pt []float64, pii float64, vals *[8]float64, idx *[8]int64) bool {
	return false
}
