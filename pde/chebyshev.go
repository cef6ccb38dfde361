package pde

// chebyshev returns Σ_k c[k] T_k(x) by Clenshaw's recurrence
// (T_0 = 1, T_1 = x, T_{k+1} = 2x T_k − T_{k−1}), in O(len(c)) operations.
// It is valid for any real x; the families here evaluate it on [0, 1].
func chebyshev(c []float64, x float64) float64 {
	var b1, b2 float64
	for k := len(c) - 1; k >= 1; k-- {
		b1, b2 = c[k]+2*x*b1-b2, b1
	}
	if len(c) == 0 {
		return 0
	}
	return c[0] + x*b1 - b2
}
