package npy

// fortranToC returns the row-major copy of src, which holds an array of the
// given shape in column-major (Fortran) order. Arrays with fewer than two
// dimensions are the same in both orders and are returned as they are.
// Two-dimensional arrays use a blocked transpose (cache-friendly for large
// matrices); higher ones an odometer over the row-major index. O(n) time,
// one extra array of memory.
func fortranToC[T any](src []T, shape []int) []T {
	if len(shape) < 2 || len(src) == 0 {
		return src
	}
	dst := make([]T, len(src))
	if len(shape) == 2 {
		r, c := shape[0], shape[1]
		const blk = 64
		for i0 := 0; i0 < r; i0 += blk {
			i1 := min(i0+blk, r)
			for j0 := 0; j0 < c; j0 += blk {
				j1 := min(j0+blk, c)
				for i := i0; i < i1; i++ {
					for j := j0; j < j1; j++ {
						dst[i*c+j] = src[j*r+i]
					}
				}
			}
		}
		return dst
	}
	nd := len(shape)
	stride := make([]int, nd) // Fortran strides, in elements
	s := 1
	for k := range nd {
		stride[k] = s
		s *= shape[k]
	}
	idx := make([]int, nd)
	off := 0
	for i := range dst {
		dst[i] = src[off]
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			off += stride[k]
			if idx[k] < shape[k] {
				break
			}
			off -= shape[k] * stride[k]
			idx[k] = 0
		}
	}
	return dst
}

// unravel converts a flat row-major index into a multi-index for messages.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] > 0 {
			idx[k] = i % shape[k]
			i /= shape[k]
		}
	}
	return idx
}
