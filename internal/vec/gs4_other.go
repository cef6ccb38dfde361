//go:build !amd64 || purego

package vec

// useFMA is false: without the amd64 assembly, Dot4 and Axpy4 are the Go
// loops of gs4.go.
const useFMA = false

// Dot4 returns vᵢᵀw for i = 0…3 in one pass over w, summed in index
// order. It panics unless every v has len(w) elements.
func Dot4(v0, v1, v2, v3, w []float64) (s0, s1, s2, s3 float64) {
	gs4Check("Dot4", len(w), v0, v1, v2, v3)
	return dot4Go(v0, v1, v2, v3, w)
}

// Axpy4 sets w ← w + c0·v0 + c1·v1 + c2·v2 + c3·v3 in one pass over w. w
// must not overlap the v's. It panics unless every v has len(w) elements.
func Axpy4(w []float64, c0, c1, c2, c3 float64, v0, v1, v2, v3 []float64) {
	gs4Check("Axpy4", len(w), v0, v1, v2, v3)
	axpy4Go(w, c0, c1, c2, c3, v0, v1, v2, v3)
}

// Comb4 sets oᵢ[t] = Σ_l c[4l+i]·basis[l][off+t] for i = 0…3 and
// t < len(o0), overwriting the o's, each element summed in basis order.
// The o's must not overlap the basis. It panics unless the o's have equal
// lengths, len(c) = 4·len(basis) and every basis vector has at least
// off+len(o0) elements.
func Comb4(o0, o1, o2, o3, c []float64, basis [][]float64, off int) {
	comb4Check(o0, o1, o2, o3, c, basis, off)
	comb4Go(o0, o1, o2, o3, c, basis, off)
}

// Dot2x4 sets s[4i+j] = aᵢᵀbⱼ for i = 0, 1 and j = 0…3 in one pass,
// each summed in index order. It panics unless every operand has
// len(a0) elements.
func Dot2x4(s *[8]float64, a0, a1, b0, b1, b2, b3 []float64) {
	dot2x4Check(a0, a1, b0, b1, b2, b3)
	dot2x4Go(s, a0, a1, b0, b1, b2, b3)
}
