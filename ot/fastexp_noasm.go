//go:build !amd64 || purego

package ot

// sumExpShift returns Σ_j exp(s + g[j] − c[j]·inv) (see sumExpShiftGo).
func sumExpShift(c, g []float64, s, inv float64) float64 {
	return sumExpShiftGo(c, g, s, inv)
}

// axpyExpShift sets acc[j] += exp(s + g[j] − c[j]·inv) (see
// axpyExpShiftGo).
func axpyExpShift(acc, c, g []float64, s, inv float64) {
	axpyExpShiftGo(acc, c, g, s, inv)
}

// writeExpShift sets dst[j] = exp(s + g[j] − c[j]·inv) and returns the
// sum of the dst entries (see writeExpShiftGo).
func writeExpShift(dst, c, g []float64, s, inv float64) float64 {
	return writeExpShiftGo(dst, c, g, s, inv)
}
