package vec

// Serial kernels. Loops re-slice their operands to a common length so the
// compiler drops bounds checks, and reductions keep four accumulators so
// the floating-point adds pipeline.

func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xx := x[i : i+4 : i+4]
		yy := y[i : i+4 : i+4]
		s0 += xx[0] * yy[0]
		s1 += xx[1] * yy[1]
		s2 += xx[2] * yy[2]
		s3 += xx[3] * yy[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpy(a float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}

func axpby(a float64, x []float64, b float64, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = a*v + b*y[i]
	}
}

func xpay(x []float64, a float64, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = v + a*y[i]
	}
}

func scal(a float64, y []float64) {
	for i := range y {
		y[i] *= a
	}
}

func addScaled(dst, x []float64, a float64, y []float64) {
	x = x[:len(dst)]
	y = y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + a*y[i]
	}
}
