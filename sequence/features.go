package sequence

import (
	"fmt"
	"math"
)

// LowFrequency returns the low-frequency Fourier features of a field the
// SKR code sorts by: the DFT X[k] = Σ_n f[n]·e^{−2πi k·n/s} restricted to
// the central freq×freq block of the fftshifted spectrum (frequencies
// −⌊freq/2⌋ … ⌈freq/2⌉−1 along each axis, so −freq/2 … freq/2−1 for
// even freq and −(freq−1)/2 … (freq−1)/2 for odd; all of them along an
// axis shorter than freq), real parts first, then imaginary parts, row-major over the
// frequencies. shape is [s] or [s1, s2] (row-major field); other ranks are
// treated as 1-D over all values. Cost O(freq·d) for a field of d values
// (a partial DFT per axis, cheaper than a full FFT for freq ≪ s). It
// panics if the product of shape differs from len(field) or freq < 1.
func LowFrequency(field []float64, shape []int, freq int) []float64 {
	if freq < 1 {
		panic(fmt.Sprintf("sequence: LowFrequency: freq %d < 1", freq))
	}
	size := 1
	for _, s := range shape {
		if s < 0 {
			size = -1 // a negative extent never matches (−4·−4 would)
			break
		}
		size *= s
	}
	if size != len(field) || len(shape) == 0 {
		panic(fmt.Sprintf("sequence: LowFrequency: shape %v does not match %d values", shape, len(field)))
	}
	s1, s2 := 1, len(field)
	if len(shape) == 2 {
		s1, s2 = shape[0], shape[1]
	}
	f1, f2 := freqs(s1, freq), freqs(s2, freq)
	if len(shape) != 2 {
		f1 = []int{0}
	}
	// Partial DFT along axis 2: T[n1][k2] for the selected k2.
	c2, s2t := twiddles(s2, f2)
	tr := make([]float64, s1*len(f2))
	ti := make([]float64, s1*len(f2))
	for n1 := 0; n1 < s1; n1++ {
		row := field[n1*s2 : (n1+1)*s2]
		for q := range f2 {
			cs, sn := c2[q*s2:(q+1)*s2], s2t[q*s2:(q+1)*s2]
			var re, im float64
			for n2, v := range row {
				re += v * cs[n2]
				im -= v * sn[n2]
			}
			tr[n1*len(f2)+q], ti[n1*len(f2)+q] = re, im
		}
	}
	// Along axis 1.
	c1, s1t := twiddles(s1, f1)
	nf := len(f1) * len(f2)
	out := make([]float64, 2*nf)
	for p := range f1 {
		cs, sn := c1[p*s1:(p+1)*s1], s1t[p*s1:(p+1)*s1]
		for q := range f2 {
			var re, im float64
			for n1 := 0; n1 < s1; n1++ {
				a, b := tr[n1*len(f2)+q], ti[n1*len(f2)+q]
				// (a + ib)(cos − i sin)
				re += a*cs[n1] + b*sn[n1]
				im += b*cs[n1] - a*sn[n1]
			}
			out[p*len(f2)+q] = re
			out[nf+p*len(f2)+q] = im
		}
	}
	return out
}

// freqs returns the frequencies of the central block of width freq of an
// fftshifted spectrum of length s: indices [s/2 − ⌊freq/2⌋, s/2 +
// ⌈freq/2⌉) clipped to [0, s), frequency = index − s/2.
func freqs(s, freq int) []int {
	lo, hi := max(s/2-freq/2, 0), min(s/2+freq/2+freq%2, s)
	out := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, i-s/2)
	}
	return out
}

// twiddles returns cos and sin of 2π·k·n/s for each k in ks (rows) and
// n < s, computed with exact integer reduction of k·n mod s.
func twiddles(s int, ks []int) (cs, sn []float64) {
	cs = make([]float64, len(ks)*s)
	sn = make([]float64, len(ks)*s)
	for q, k := range ks {
		for n := 0; n < s; n++ {
			r := ((k*n)%s + s) % s
			a := 2 * math.Pi * float64(r) / float64(s)
			cs[q*s+n], sn[q*s+n] = math.Cos(a), math.Sin(a)
		}
	}
	return cs, sn
}
