package krylov

import (
	"context"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Recycled promises C = A·M·U with orthonormal columns. A cycle started
// from v₁ = r/est, est the previous cycle's Givens estimate, which
// rounding can leave far below ‖r‖ for the r the recurrence formed (29
// times on a row-scaled system with Jacobi, x₀ ≠ 0): the Arnoldi basis
// was then not orthogonal (‖VᵀV − I‖ = 850) and the next update left C
// with columns of norm 1e-9.
func TestGCRODRCycleStartsFromUnitVectorContract(t *testing.T) {
	ctx := context.Background()
	type tc struct {
		n    int
		seed uint64
		dom  float64
		m, k int
	}
	// Each case left C far from orthonormal before the fix.
	cases := []tc{{34, 13102018012805703160, 1.2682064274092792, 21, 4}}
	for _, seed := range []uint64{1, 4, 6, 7, 8, 9, 10, 11, 12} {
		cases = append(cases, tc{34, seed, 1.25, 21, 4})
	}
	// Seeds 1 and 10 here (and 2 at n = 34), and 12 where products are
	// fused into FMAs (arm64), still end with C far from orthonormal:
	// non-converging solves, the known limitation in GCRODR's doc.
	for _, seed := range []uint64{2, 3, 5, 7} {
		cases = append(cases, tc{40, seed, 1.5, 16, 6})
	}
	check := func(t *testing.T, c tc) {
		t.Helper()
		a := ktRowScaled(c.n, c.seed, c.dom)
		M := ktPrecond(t, a, "jacobi")
		b := ktVec(c.n, c.seed+1)
		x := ktVec(c.n, c.seed+2)
		s := NewGCRODR(c.n, &GCRODROptions{M: c.m, K: c.k})
		s.Solve(ctx, a, b, x, &Options{RTol: 4.8e-9, MaxIter: 6 * c.n, Precond: M})
		_, C := s.Recycled()
		if C == nil {
			return
		}
		_, r := C.Dims()
		var ctc mat.Dense
		ctc.Mul(C.T(), C)
		for i := 0; i < r; i++ {
			for j := 0; j < r; j++ {
				want := 0.0
				if i == j {
					want = 1
				}
				if d := math.Abs(ctc.At(i, j) - want); d > 1e-8 {
					t.Fatalf("(CᵀC)[%d,%d] = %.3g, want %g (%d recycled vectors, %+v)", i, j, ctc.At(i, j), want, r, s.Stats())
				}
			}
		}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n=%d seed=%d dom=%g m=%d k=%d", c.n, c.seed, c.dom, c.m, c.k), func(t *testing.T) { check(t, c) })
	}
}
