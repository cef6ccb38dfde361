package krylov

import (
	"math"
	"testing"
)

// hessLSQ's residual estimate is |g[k+1]|: never −0, which a history file
// or a monitor line would show as "-0" (a rotation with c = −1, s = 0
// turns g's next entry into −0).
func TestHessLSQResidualSign(t *testing.T) {
	h := newHessLSQ(2)
	h.reset(1)
	if r := h.add([]float64{-2, 0}); r != 0 || math.Signbit(r) {
		t.Errorf("residual %v, want +0", r)
	}
	h.reset(1)
	if r := h.add([]float64{3, 4}); r != 0.8 {
		t.Errorf("residual %v, want 0.8 (β·|s| with s = 4/5)", r)
	}
}
