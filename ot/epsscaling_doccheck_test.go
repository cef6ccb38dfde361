package ot

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestEpsScalingDefaultEps0Doc pins the documented default of Eps0: max|C|
// over the bins of positive mass, or max C − min C when |min C| exceeds
// the spread (the cost is then solved shifted). The default run must be
// bit-identical to a run with that Eps0 given explicitly, and must take the
// number of stages the schedule reg_k = (Eps0 − reg)e^(−k) + reg implies
// (counted by the NaN progress calls at each intermediate stage's end).
func TestEpsScalingDefaultEps0Doc(t *testing.T) {
	const reg = 0.01
	cases := []struct {
		name string
		c    []float64
		a    []float64 // nil: uniform
		eps0 float64   // the documented default
	}{
		{"unshifted", []float64{0, 1, 1, 0.5}, nil, 1},
		{"negative entries, unshifted", []float64{-0.5, 1, 1, 0}, nil, 1},
		{"positive offset, shifted", []float64{100, 101, 101, 100.5}, nil, 1},
		{"negative offset, shifted", []float64{-100, -99, -99, -99.5}, nil, 1},
		{"zero-mass row ignored", []float64{0, 1, 1, 0.5, 50, 60}, []float64{0.5, 0.5, 0}, 1},
	}
	stagesFor := func(eps0 float64) int {
		k := 0
		for (eps0-reg)*math.Exp(-float64(k))+reg > reg*(1+1e-3) {
			k++
		}
		return k
	}
	for _, tc := range cases {
		n := len(tc.c) / 2
		C := mat.NewDense(n, 2, tc.c)
		run := func(eps0 float64) (*Result, int) {
			t.Helper()
			stages := 0
			res, err := SinkhornEpsScaling(context.Background(), tc.a, nil, C, reg, &Options{
				Eps0:    eps0,
				MaxIter: 100000,
				Progress: func(_ int, v float64) {
					if math.IsNaN(v) {
						stages++
					}
				},
			})
			if err != nil {
				t.Fatalf("%s: Eps0 %g: %v", tc.name, eps0, err)
			}
			return res, stages
		}
		def, sd := run(0)
		exp, se := run(tc.eps0)
		if sd != stagesFor(tc.eps0) || se != sd {
			t.Errorf("%s: default run has %d stages, explicit Eps0 = %g has %d, schedule says %d", tc.name, sd, tc.eps0, se, stagesFor(tc.eps0))
		}
		if !mat.Equal(def.Plan, exp.Plan) || def.Iterations != exp.Iterations {
			t.Errorf("%s: default Eps0 is not %g: %d vs %d iterations", tc.name, tc.eps0, def.Iterations, exp.Iterations)
		}
	}
}
