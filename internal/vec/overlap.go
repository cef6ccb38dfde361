package vec

import "unsafe"

// Overlap reports whether the slices a and b share memory (any element of
// one is an element of the other). O(1); empty slices share nothing.
func Overlap(a, b []float64) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa, pb := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	const w = unsafe.Sizeof(float64(0))
	return pa < pb+uintptr(len(b))*w && pb < pa+uintptr(len(a))*w
}
