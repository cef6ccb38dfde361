//go:build !purego

package ot

// argminShift8 runs argminShiftAVX2 when the CPU has AVX2 (see useAVX2)
// and reports whether it did; len(row) must be a positive multiple of 8.
func argminShift8(row, pt []float64, pii float64, vals *[8]float64, idx *[8]int64) bool {
	if !useAVX2 {
		return false
	}
	argminShiftAVX2(row, pt, pii, vals, idx, &argminConst)
	return true
}

// argminShiftAVX2 leaves in lane l of vals, idx the smallest (row[k] +
// pii) − pt[k] over k ≡ l (mod 8) and its first index k. len(row) must be
// a positive multiple of 8 and pt as long; c is argminConst.
//
//go:noescape
func argminShiftAVX2(row, pt []float64, pii float64, vals *[8]float64, idx *[8]int64, c *[13]uint64)

// argminConst holds the kernel's constants: the lane indices 0..7, the
// index step 8 (4 lanes) and +Inf.
var argminConst = [13]uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 0x7ff0000000000000}
