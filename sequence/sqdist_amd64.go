//go:build amd64 && !purego

package sequence

import "golang.org/x/sys/cpu"

// useAVX2 reports whether sqDistLanes16AVX2 can run.
var useAVX2 = cpu.X86.HasAVX2

// sqDistLanes16AVX2 is sqDistLanes16Go in AVX2 assembly: four registers of
// four lanes, a subtraction, a multiplication and an addition per element
// (no FMA, so it rounds as the Go loop does). len(a) must be a multiple
// of 16 and b at least as long.
//
//go:noescape
func sqDistLanes16AVX2(a, b []float64, s *[16]float64)

// sqDistLanes16 sets s[l] = Σ_{t ≡ l (mod 16)} (a_t − b_t)² (adding to s),
// for len(a) a multiple of 16.
func sqDistLanes16(a, b []float64, s *[16]float64) {
	if useAVX2 {
		sqDistLanes16AVX2(a, b[:len(a)], s)
		return
	}
	sqDistLanes16Go(a, b, s)
}
