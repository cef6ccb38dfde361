package ot

import (
	"math"
	"math/rand/v2"
	"testing"
)

// argminShiftRef is the scalar loop argminShift replaces.
func argminShiftRef(row, pt []float64, pii float64) (int, float64) {
	best, val := -1, math.Inf(1)
	for k, cv := range row {
		if rc := cv + pii - pt[k]; rc < val {
			best, val = k, rc
		}
	}
	return best, val
}

// TestArgminShift checks the vector kernel (on machines with AVX2) and
// the Go tail against the scalar loop, bit for bit, on lengths around
// the 8-wide blocking, with many ties (small integer costs: the first
// index must win in every lane and in the reduction) and without.
func TestArgminShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, ties := range []bool{true, false} {
		for n := 0; n <= 70; n++ {
			for rep := 0; rep < 20; rep++ {
				row, pt := make([]float64, n), make([]float64, n+3)
				for k := range row {
					if ties {
						row[k] = float64(rng.IntN(4))
					} else {
						row[k] = rng.NormFloat64()
					}
				}
				for k := range pt {
					if ties {
						pt[k] = float64(rng.IntN(2))
					} else {
						pt[k] = rng.NormFloat64()
					}
				}
				// Rounded explicitly: the compiler may fuse 0.1·rep into
				// the reference's cv + pii (arm64 does), which the kernel,
				// given pii as an argument, cannot.
				pii := float64(0.1 * float64(rep))
				k, v := argminShift(row, pt, pii)
				kr, vr := argminShiftRef(row, pt, pii)
				if k != kr || math.Float64bits(v) != math.Float64bits(vr) {
					t.Fatalf("ties %v n %d rep %d: got (%d, %v), want (%d, %v)", ties, n, rep, k, v, kr, vr)
				}
			}
		}
	}
}

// TestArgminShiftLastLane puts the unique minimum in each position of
// two blocks, so a lane or index mix-up in the kernel shows.
func TestArgminShiftLastLane(t *testing.T) {
	const n = 19
	for pos := 0; pos < n; pos++ {
		row, pt := make([]float64, n), make([]float64, n)
		for k := range row {
			row[k] = float64(k % 5)
		}
		row[pos] = -1
		k, v := argminShift(row, pt, 0.5)
		if k != pos || v != -0.5 {
			t.Fatalf("minimum at %d: got (%d, %v)", pos, k, v)
		}
	}
}

func BenchmarkArgminShift(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	row, pt := make([]float64, 1000), make([]float64, 1000)
	for k := range row {
		row[k], pt[k] = rng.Float64(), rng.Float64()
	}
	b.SetBytes(16 * 1000)
	for b.Loop() {
		argminShift(row, pt, 0.3)
	}
}
