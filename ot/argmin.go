package ot

import "math"

// argminShift returns the first index k of the smallest reduced cost
// row[k] + pii − pt[k] (evaluated in that order, as (row[k] + pii) −
// pt[k]) and that value; (−1, +Inf) for an empty row. pt must be at least
// as long as row. It is the inner loop of the network simplex's block
// search: on amd64 with AVX2 it compares 8 arcs per step in two 4-lane
// registers (argminShift8) and the rest in Go. Both give the same index
// and value, bit for bit, since the arithmetic is the same and ties go to
// the lower index in each lane and in the final reduction. The inputs are
// finite (validated costs and potentials). Allocation-free.
func argminShift(row, pt []float64, pii float64) (int, float64) {
	pt = pt[:len(row)]
	best, val, k0 := -1, math.Inf(1), 0
	if nb := len(row) &^ 7; nb > 0 {
		var vals [8]float64
		var idx [8]int64
		if argminShift8(row[:nb], pt[:nb], pii, &vals, &idx) {
			for l, v := range vals {
				if k := int(idx[l]); v < val || (v == val && k < best) {
					best, val = k, v
				}
			}
			k0 = nb
		}
	}
	for k := k0; k < len(row); k++ {
		if rc := row[k] + pii - pt[k]; rc < val {
			best, val = k, rc
		}
	}
	return best, val
}
