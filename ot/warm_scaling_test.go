package ot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSinkhornWarmStartOutOfRange: warm-start potentials whose scalings
// exp(F0/reg), exp(G0/reg) leave the floating-point range make the
// scaling form fail with ErrUnderflow; the error must blame the warm
// start (F0 or G0, caller's index), not a row of the kernel, which is
// well inside the range here ((C − min C)/reg ≤ 2).
func TestSinkhornWarmStartOutOfRange(t *testing.T) {
	C := mat.NewDense(2, 3, []float64{0, 1, 2, 1, 0, 1})
	for _, tc := range []struct {
		name   string
		a      []float64
		f0, g0 []float64
		want   string
	}{
		{"f_low", nil, []float64{-1000, 0}, []float64{0, 0, 0}, "F0[0]"},
		{"all_low", nil, []float64{-800, -800}, []float64{-800, -800, -800}, "F0[0]"},
		{"all_high", nil, []float64{800, 800}, []float64{800, 800, 800}, "F0[0]"},
		{"zero_bin", []float64{0, 1}, []float64{5, 0}, []float64{0, 1500, 0}, "F0[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Helper()
			b := Uniform(3)
			_, err := Sinkhorn(context.Background(), tc.a, b, C, 1, &Options{F0: tc.f0, G0: tc.g0})
			if !errors.Is(err, ErrUnderflow) {
				t.Fatalf("err = %v, want ErrUnderflow", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "warm start "+tc.want) || strings.Contains(msg, "is too small") {
				t.Errorf("error does not blame the warm start %s: %v", tc.want, err)
			}
			// The log-domain methods solve from the same start.
			if _, err := SinkhornLog(context.Background(), tc.a, b, C, 1, &Options{F0: tc.f0, G0: tc.g0}); err != nil {
				t.Errorf("sinkhorn-log from the same warm start: %v", err)
			}
		})
	}
}
