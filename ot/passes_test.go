package ot

import "testing"

// TestSplit4 checks that split4 tiles [0, n) with boundaries at
// multiples of 4 except the end.
func TestSplit4(t *testing.T) {
	for n := 1; n < 200; n++ {
		for parts := 1; parts <= 17; parts++ {
			next := 0
			for p := 0; p < parts; p++ {
				lo, hi := split4(n, parts, p)
				if lo != next || hi < lo || (hi < n && hi%4 != 0) {
					t.Fatalf("n %d parts %d part %d: [%d, %d) after %d", n, parts, p, lo, hi, next)
				}
				next = hi
			}
			if next != n {
				t.Fatalf("n %d parts %d: covers [0, %d)", n, parts, next)
			}
		}
	}
}
