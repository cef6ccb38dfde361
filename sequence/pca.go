package sequence

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// pcaScores projects the rows of X (N×F) on their leading principal
// components: X is centred by column means, the F×F covariance is
// diagonalised (gonum EigenSym), and the scores on the at most dims
// components with variance above 1e-12 times the largest are returned
// (N×r, r ≤ dims). Each direction is signed so that its entry of largest
// magnitude (the first of those within a relative 1e-9 of it) is
// positive, which makes the scores reproducible.
func pcaScores(X [][]float64, dims int) [][]float64 {
	N := len(X)
	if N == 0 {
		return nil
	}
	F := len(X[0])
	mean := make([]float64, F)
	for _, row := range X {
		for j, v := range row {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(N)
	}
	Xc := mat.NewDense(N, F, nil)
	for i, row := range X {
		for j, v := range row {
			Xc.Set(i, j, v-mean[j])
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1, Xc.T())
	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		return make([][]float64, N)
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := vals[len(vals)-1]
	var cols []int
	for j := len(vals) - 1; j >= 0 && len(cols) < dims; j-- {
		if !(vals[j] > 1e-12*top) || top <= 0 {
			break
		}
		cols = append(cols, j)
	}
	dirs := mat.NewDense(F, max(len(cols), 1), nil)
	for c, j := range cols {
		// The sign of the entry of largest magnitude, ties (to a relative
		// 1e-9) going to the lowest index: the features of a real field
		// come in conjugate pairs whose imaginary parts are exact
		// opposites, so the largest magnitude is often attained twice
		// with opposite signs, and the strict maximum would pick between
		// them by rounding noise.
		big, sign := 0.0, 1.0
		for i := 0; i < F; i++ {
			big = math.Max(big, math.Abs(vecs.At(i, j)))
		}
		for i := 0; i < F; i++ {
			if v := vecs.At(i, j); math.Abs(v) >= big*(1-1e-9) {
				sign = math.Copysign(1, v)
				break
			}
		}
		for i := 0; i < F; i++ {
			dirs.Set(i, c, sign*vecs.At(i, j))
		}
	}
	out := make([][]float64, N)
	if len(cols) == 0 {
		return out
	}
	var S mat.Dense
	S.Mul(Xc, dirs)
	for i := range out {
		out[i] = mat.Row(nil, i, &S)
	}
	return out
}
