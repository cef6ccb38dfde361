package ot

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestTinyRegDoc pins the package doc's account of a reg far below the
// cost's scale s: the exponents (F_i + G_j − C_ij)/reg round by about
// 1e-16·s/reg, so at s/reg = 1e12 the log-domain methods return a finite
// last iterate (ErrNotConverged within the small budget), and from s/reg ≈
// 1e19 on the plan can overflow: then the error wraps ErrNaN and there is
// no result; otherwise the result is a finite, unconverged last iterate
// (which of the two depends on rounding: the amd64 vector kernel, which
// forms the argument with one FMA, overflowed here from 1e20 on, the
// portable kernel of -tags purego not even at 1e200). The doc used to put
// the limit "around 1e-300 times the largest cost". The scaling Sinkhorn
// fails with ErrUnderflow at all of these.
func TestTinyRegDoc(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	X, Y := normalClouds(r, 12, 9)
	C := CostMatrix(X, Y, SqEuclidean)
	s := mat.Max(C) // min C ≥ 0 here: the cost is solved unshifted
	logMethods := []Method{MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS}
	// check solves at s/reg = ratio and accepts the errors in want: an
	// ErrNotConverged must come with a finite last iterate, any other
	// error with no result.
	check := func(t *testing.T, ratio float64, m Method, want ...error) {
		t.Helper()
		res, err := Solve(context.Background(), m, nil, nil, C, s/ratio, &Options{MaxIter: 200})
		ok := false
		for _, w := range want {
			ok = ok || errors.Is(err, w)
		}
		if !ok {
			t.Fatalf("s/reg = %g, %s: err = %v, want one wrapping one of %v", ratio, m, err, want)
		}
		if !errors.Is(err, ErrNotConverged) {
			if res != nil {
				t.Fatalf("s/reg = %g, %s: %v returned a result", ratio, m, err)
			}
			return
		}
		if res == nil || res.Converged {
			t.Fatalf("s/reg = %g, %s: ErrNotConverged without an unconverged last iterate: %+v", ratio, m, res)
		}
		for _, v := range []float64{res.Cost, res.MarginalError} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("s/reg = %g, %s: non-finite cost %g or marginal error %g", ratio, m, res.Cost, res.MarginalError)
			}
		}
	}
	for _, ratio := range []float64{1e12, 1e25, 1e30, 1e200} {
		for _, m := range logMethods {
			if ratio < 1e19 {
				check(t, ratio, m, ErrNotConverged)
			} else {
				check(t, ratio, m, ErrNaN, ErrNotConverged)
			}
		}
		check(t, ratio, MethodSinkhorn, ErrUnderflow)
	}
}

// normalClouds returns n and m points in the plane with standard normal
// coordinates, drawn from r (X's rows first).
func normalClouds(r *rand.Rand, n, m int) (X, Y *mat.Dense) {
	X, Y = mat.NewDense(n, 2, nil), mat.NewDense(m, 2, nil)
	for _, P := range []*mat.Dense{X, Y} {
		k, _ := P.Dims()
		for i := 0; i < k; i++ {
			P.Set(i, 0, r.NormFloat64())
			P.Set(i, 1, r.NormFloat64())
		}
	}
	return X, Y
}
