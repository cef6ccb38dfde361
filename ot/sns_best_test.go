package ot

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// SNS cut off by MaxIter returns the Newton stage's iterate of least
// marginal error, so the error it reports cannot grow with MaxIter (each
// run with a larger MaxIter repeats the shorter run's iterates). On this
// 3×60 problem with very unequal weights and reg = 2e-4 of the cost's
// scale, damped Newton's marginal error rises at more than half of the
// steps before it settles (D rises at each); the last iterate was
// returned, and a longer budget could end worse than a shorter one.
func TestSNSReturnsBestIterate(t *testing.T) {
	r := rand.New(rand.NewPCG(0, 7))
	n, m := 3, 60
	X, Y := normalClouds(r, n, m)
	weights := func(k int) []float64 {
		w := make([]float64, k)
		s := 0.0
		for i := range w {
			w[i] = math.Exp(2 * r.NormFloat64())
			s += w[i]
		}
		for i := range w {
			w[i] /= s
		}
		return w
	}
	a, b := weights(n), weights(m)
	C := CostMatrix(X, Y, SqEuclidean)
	reg := 2e-4 * mat.Max(C)
	prev := math.Inf(1)
	for k := DefaultN1; k <= DefaultN1+60; k++ {
		res, err := SNS(context.Background(), a, b, C, reg, &Options{MaxIter: k, Tol: 1e-12})
		if res == nil {
			t.Fatalf("MaxIter %d: %v", k, err)
		}
		if res.MarginalError > prev {
			t.Fatalf("MaxIter %d: marginal error %.6g, above %.6g with MaxIter %d", k, res.MarginalError, prev, k-1)
		}
		prev = res.MarginalError
		if res.Converged {
			break
		}
	}
}
