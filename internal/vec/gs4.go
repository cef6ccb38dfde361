package vec

// Four-vector kernels for the Gram–Schmidt passes of gs.go. Each loads an
// element of w once for four basis vectors instead of once per vector, so
// that on blocks in cache the pass is bound by the arithmetic rather than
// by reloading w. On amd64 with AVX2 and FMA they are the assembly of
// gs4_amd64.s; elsewhere, and under the purego build tag, the Go loops of
// this file.

// gs4Check panics unless v0…v3 all have length n.
func gs4Check(name string, n int, v0, v1, v2, v3 []float64) {
	if len(v0) != n || len(v1) != n || len(v2) != n || len(v3) != n {
		panic("vec: " + name + ": length mismatch")
	}
}

// dot4Go returns vᵢᵀw for i = 0…3, summing each in index order with one
// accumulator per vector. The v's must have len(w) elements.
func dot4Go(v0, v1, v2, v3, w []float64) (s0, s1, s2, s3 float64) {
	v0, v1, v2, v3 = v0[:len(w)], v1[:len(w)], v2[:len(w)], v3[:len(w)]
	for i, x := range w {
		s0 += v0[i] * x
		s1 += v1[i] * x
		s2 += v2[i] * x
		s3 += v3[i] * x
	}
	return s0, s1, s2, s3
}

// axpy4Go sets w ← w + c0·v0 + c1·v1 + c2·v2 + c3·v3, adding the terms to
// each element in that order. The v's must have len(w) elements.
func axpy4Go(w []float64, c0, c1, c2, c3 float64, v0, v1, v2, v3 []float64) {
	v0, v1, v2, v3 = v0[:len(w)], v1[:len(w)], v2[:len(w)], v3[:len(w)]
	for i, x := range w {
		x += c0 * v0[i]
		x += c1 * v1[i]
		x += c2 * v2[i]
		x += c3 * v3[i]
		w[i] = x
	}
}

// comb4Check panics unless Comb4's arguments are consistent.
func comb4Check(o0, o1, o2, o3, c []float64, basis [][]float64, off int) {
	n := len(o0)
	if len(o1) != n || len(o2) != n || len(o3) != n {
		panic("vec: Comb4: outputs of different lengths")
	}
	if len(c) != 4*len(basis) {
		panic("vec: Comb4: len(c) != 4·len(basis)")
	}
	if off < 0 {
		panic("vec: Comb4: negative offset")
	}
	for _, b := range basis {
		if len(b)-n < off { // not off+n, which overflows for off near MaxInt
			panic("vec: Comb4: basis vector shorter than off+len(o0)")
		}
	}
}

// comb4Go sets oᵢ[t] = Σ_l c[4l+i]·basis[l][off+t], summing each element
// in basis order from zero.
func comb4Go(o0, o1, o2, o3, c []float64, basis [][]float64, off int) {
	n := len(o0)
	o1, o2, o3 = o1[:n], o2[:n], o3[:n]
	clear(o0)
	clear(o1)
	clear(o2)
	clear(o3)
	for l, b := range basis {
		b = b[off : off+n]
		c0, c1, c2, c3 := c[4*l], c[4*l+1], c[4*l+2], c[4*l+3]
		for t, x := range b {
			o0[t] += c0 * x
			o1[t] += c1 * x
			o2[t] += c2 * x
			o3[t] += c3 * x
		}
	}
}

// dot2x4Check panics unless every operand has len(a0) elements.
func dot2x4Check(a0, a1, b0, b1, b2, b3 []float64) {
	n := len(a0)
	if len(a1) != n || len(b0) != n || len(b1) != n || len(b2) != n || len(b3) != n {
		panic("vec: Dot2x4: length mismatch")
	}
}

// dot2x4Go sets s[4i+j] = aᵢᵀbⱼ, each summed in index order.
func dot2x4Go(s *[8]float64, a0, a1, b0, b1, b2, b3 []float64) {
	*s = [8]float64{}
	n := len(a0)
	a1, b0, b1, b2, b3 = a1[:n], b0[:n], b1[:n], b2[:n], b3[:n]
	for t, x := range a0 {
		y := a1[t]
		s[0] += x * b0[t]
		s[1] += x * b1[t]
		s[2] += x * b2[t]
		s[3] += x * b3[t]
		s[4] += y * b0[t]
		s[5] += y * b1[t]
		s[6] += y * b2[t]
		s[7] += y * b3[t]
	}
}
