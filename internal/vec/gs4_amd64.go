//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// useFMA reports whether the kernels of gs4_amd64.s can run: the CPU has
// AVX2 and FMA and the OS saves the YMM registers.
var useFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dot4FMA is Dot4 in AVX2/FMA assembly: eight accumulators (two per
// vector) over four elements each, reduced pairwise, then the tail of
// fewer than four elements with scalar FMAs. It needs AVX2 and FMA and
// reads len(w) elements of each v.
//
//go:noescape
func dot4FMA(v0, v1, v2, v3, w []float64) (s0, s1, s2, s3 float64)

// axpy4FMA is Axpy4 in AVX2/FMA assembly: each element of w is loaded
// once, gets the four terms by fused multiply-adds in the order c0·v0 …
// c3·v3, and is stored once. It needs AVX2 and FMA and reads len(w)
// elements of each v.
//
//go:noescape
func axpy4FMA(w []float64, c0, c1, c2, c3 float64, v0, v1, v2, v3 []float64)

// Dot4 returns vᵢᵀw for i = 0…3 in one pass over w. The summation order
// depends only on len(w). It panics unless every v has len(w) elements.
func Dot4(v0, v1, v2, v3, w []float64) (s0, s1, s2, s3 float64) {
	gs4Check("Dot4", len(w), v0, v1, v2, v3)
	if useFMA {
		return dot4FMA(v0, v1, v2, v3, w)
	}
	return dot4Go(v0, v1, v2, v3, w)
}

// Axpy4 sets w ← w + c0·v0 + c1·v1 + c2·v2 + c3·v3, loading and storing
// each element of w once. w must not overlap the v's. It panics unless
// every v has len(w) elements.
func Axpy4(w []float64, c0, c1, c2, c3 float64, v0, v1, v2, v3 []float64) {
	gs4Check("Axpy4", len(w), v0, v1, v2, v3)
	if useFMA {
		axpy4FMA(w, c0, c1, c2, c3, v0, v1, v2, v3)
		return
	}
	axpy4Go(w, c0, c1, c2, c3, v0, v1, v2, v3)
}

// comb4FMA is Comb4 in AVX2/FMA assembly: eight elements of the four
// outputs are accumulated in registers over every basis vector, so each
// basis element is loaded once for four outputs. It needs AVX2 and FMA
// and len(basis) ≥ 1.
//
//go:noescape
func comb4FMA(o0, o1, o2, o3, c []float64, basis [][]float64, off int)

// Comb4 sets oᵢ[t] = Σ_l c[4l+i]·basis[l][off+t] for i = 0…3 and
// t < len(o0), overwriting the o's: four rows of the product of a small
// coefficient matrix with a block of basis vectors, the kernel of
// GCRO-DR's recycled-space update. Each element is summed in basis order
// from zero, so the result does not depend on how callers split t. The
// o's must not overlap the basis. It panics unless the o's have equal
// lengths, len(c) = 4·len(basis) and every basis vector has at least
// off+len(o0) elements.
func Comb4(o0, o1, o2, o3, c []float64, basis [][]float64, off int) {
	comb4Check(o0, o1, o2, o3, c, basis, off)
	if len(basis) == 0 {
		clear(o0)
		clear(o1)
		clear(o2)
		clear(o3)
		return
	}
	if useFMA {
		comb4FMA(o0, o1, o2, o3, c, basis, off)
		return
	}
	comb4Go(o0, o1, o2, o3, c, basis, off)
}

// dot2x4FMA is Dot2x4 in AVX2/FMA assembly: eight accumulators over four
// elements at a time, each a and b element loaded once. It needs AVX2 and
// FMA and reads len(a0) elements of every operand.
//
//go:noescape
func dot2x4FMA(s *[8]float64, a0, a1, b0, b1, b2, b3 []float64)

// Dot2x4 sets s[4i+j] = aᵢᵀbⱼ for i = 0, 1 and j = 0…3 in one pass:
// each element of the six vectors is loaded once for the eight products,
// the kernel of the Gram matrices of GCRO-DR's recycling update. The
// summation order depends only on len(a0). It panics unless every
// operand has len(a0) elements.
func Dot2x4(s *[8]float64, a0, a1, b0, b1, b2, b3 []float64) {
	dot2x4Check(a0, a1, b0, b1, b2, b3)
	if useFMA {
		dot2x4FMA(s, a0, a1, b0, b1, b2, b3)
		return
	}
	dot2x4Go(s, a0, a1, b0, b1, b2, b3)
}
