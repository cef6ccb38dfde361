package krylov

import "math"

// Small dense helpers of GCRO-DR. GMRES-type methods in this package may
// share givens.

// givens returns c, s, r with [c s; −s c]·[a; b] = [r; 0] and r ≥ 0 when
// a or b is nonzero, computed without overflow (math.Hypot).
func givens(a, b float64) (c, s, r float64) {
	switch {
	case b == 0:
		if a < 0 {
			return -1, 0, -a
		}
		return 1, 0, a
	case a == 0:
		if b < 0 {
			return 0, -1, -b
		}
		return 0, 1, b
	}
	r = math.Hypot(a, b)
	return a / r, b / r, r
}
