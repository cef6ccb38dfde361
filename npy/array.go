package npy

import "fmt"

// Array is an N-dimensional float64 array in row-major (C) order: element
// (i0, i1, ..., ik) is Data[((i0*Shape[1]+i1)*Shape[2]+...)+ik]. A 0-d
// (scalar) array has an empty Shape and one element.
type Array struct {
	Shape []int
	Data  []float64
}

// Int64Array is an N-dimensional int64 array in row-major (C) order, laid
// out like Array. It carries integer data (labels, indices, counts) that
// must survive a round trip exactly.
type Int64Array struct {
	Shape []int
	Data  []int64
}

// checkLayout panics, naming the caller, if shape is invalid or does not
// hold exactly n elements: that is a programming error, not bad data.
func checkLayout(fn string, shape []int, n int) {
	want, ok := shapeLen(shape)
	if !ok {
		panic(fmt.Sprintf("npy: %s: invalid shape %v", fn, shape))
	}
	if want != n {
		panic(fmt.Sprintf("npy: %s: shape %s holds %d elements, data has %d", fn, FormatShape(shape), want, n))
	}
}
