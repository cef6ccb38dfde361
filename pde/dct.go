package pde

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// dct computes orthonormal DCT-II transforms of length n and their inverses
// (orthonormal DCT-III) through one real FFT of length n (Makhoul 1980,
// "A fast cosine transform in one and two dimensions", IEEE TASSP 28(1)).
//
// With the orthonormal scaling f_0 = √(1/n), f_k = √(2/n) (k ≥ 1),
//
//	DCT-II:  Y[k] = f_k Σ_{m<n} x[m] cos(πk(2m+1)/(2n)),
//	DCT-III: x[m] = Σ_{k<n} f_k Y[k] cos(πk(2m+1)/(2n)),
//
// the two are inverse and transpose to each other; they equal SciPy's
// scipy.fft.dct(x, type=2, norm="ortho") and idct(Y, type=2, norm="ortho")
// and MATLAB's dct/idct.
//
// Derivation. Reorder v[p] = x[2p] and v[n−1−p] = x[2p+1]. Then the
// unnormalised DCT-II is X[k] = Re(e^{−iπk/(2n)} V[k]) with V = FFT(v),
// because the argument (2m+1) runs through 4p+1 for even m and through
// 4n−(4p+1) for odd m, and cos is even and 2π-periodic. As v is real,
// V[n−k] = conj V[k], which gives X[n−k] = −Im(e^{−iπk/(2n)} V[k]); so
// V[k] = e^{iπk/(2n)} (X[k] − i X[n−k]) with X[n] = 0, and the inverse is
// v = IFFT(V) followed by the inverse reordering. Only V[0..n/2] is needed
// for a real sequence. Cost: one real FFT of length n plus O(n).
//
// A dct holds work buffers and is not safe for concurrent use.
type dct struct {
	n   int
	fft *fourier.FFT
	tw  []complex128 // e^{iπk/(2n)}, k = 0..n/2
	v   []float64    // reordered sequence, length n
	c   []complex128 // half spectrum, length n/2+1
	col []float64    // one column of a 2-D array, length n
}

// newDCT returns a transform of length n ≥ 1.
func newDCT(n int) *dct {
	if n < 1 {
		panic("pde: DCT length must be positive")
	}
	d := &dct{
		n:   n,
		fft: fourier.NewFFT(n),
		tw:  make([]complex128, n/2+1),
		v:   make([]float64, n),
		c:   make([]complex128, n/2+1),
		col: make([]float64, n),
	}
	for k := range d.tw {
		d.tw[k] = cmplx.Rect(1, math.Pi*float64(k)/float64(2*n))
	}
	return d
}

// forward sets dst to the orthonormal DCT-II of src. dst and src have length
// n and may be the same slice.
func (d *dct) forward(dst, src []float64) {
	n := d.n
	for p := 0; 2*p < n; p++ {
		d.v[p] = src[2*p]
	}
	for p := 0; 2*p+1 < n; p++ {
		d.v[n-1-p] = src[2*p+1]
	}
	d.fft.Coefficients(d.c, d.v)
	s0, sk := math.Sqrt(1/float64(n)), math.Sqrt(2/float64(n))
	dst[0] = real(d.c[0]) * s0
	for k := 1; 2*k <= n; k++ {
		w := cmplx.Conj(d.tw[k]) * d.c[k]
		dst[k] = real(w) * sk
		if n-k != k {
			dst[n-k] = -imag(w) * sk
		}
	}
}

// inverse sets dst to the orthonormal DCT-III of src (the inverse of
// forward). dst and src have length n and may be the same slice.
func (d *dct) inverse(dst, src []float64) {
	n := d.n
	// Scale by f_k/2 so that the unnormalised inverse real FFT (which
	// multiplies by n) returns x directly: x = (1/n)·IFFT_unnorm(V) with
	// X[0] = √n·Y[0] and X[k] = √(n/2)·Y[k].
	s0, sk := 1/math.Sqrt(float64(n)), 1/math.Sqrt(float64(2*n))
	d.c[0] = complex(src[0]*s0, 0)
	for k := 1; 2*k <= n; k++ {
		d.c[k] = d.tw[k] * complex(src[k]*sk, -src[n-k]*sk)
	}
	d.fft.Sequence(d.v, d.c)
	for p := 0; 2*p < n; p++ {
		dst[2*p] = d.v[p]
	}
	for p := 0; 2*p+1 < n; p++ {
		dst[2*p+1] = d.v[n-1-p]
	}
}

// inverse2D applies the orthonormal DCT-III along both axes of the n×n
// row-major array a, in place (SciPy's idctn(a, norm="ortho")).
func (d *dct) inverse2D(a []float64) {
	d.apply2D(a, d.inverse)
}

// forward2D applies the orthonormal DCT-II along both axes of the n×n
// row-major array a, in place (SciPy's dctn(a, norm="ortho")).
func (d *dct) forward2D(a []float64) {
	d.apply2D(a, d.forward)
}

func (d *dct) apply2D(a []float64, f func(dst, src []float64)) {
	n := d.n
	if len(a) != n*n {
		panic("pde: DCT array length mismatch")
	}
	for r := 0; r < n; r++ {
		row := a[r*n : (r+1)*n]
		f(row, row)
	}
	for c := 0; c < n; c++ {
		for r := 0; r < n; r++ {
			d.col[r] = a[r*n+c]
		}
		f(d.col, d.col)
		for r := 0; r < n; r++ {
			a[r*n+c] = d.col[r]
		}
	}
}
