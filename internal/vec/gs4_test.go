package vec

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
)

type dot4Func func(v0, v1, v2, v3, w []float64) (s0, s1, s2, s3 float64)
type axpy4Func func(w []float64, c0, c1, c2, c3 float64, v0, v1, v2, v3 []float64)

// gs4Kernels lists the implementations to check: Dot4/Axpy4 as dispatched
// (the assembly where useFMA) and the Go loops, which are what other CPUs
// and the purego tag run.
func gs4Kernels(t *testing.T) []struct {
	name string
	dot  dot4Func
	axpy axpy4Func
} {
	t.Logf("useFMA = %v", useFMA)
	return []struct {
		name string
		dot  dot4Func
		axpy axpy4Func
	}{{"dispatched", Dot4, Axpy4}, {"go", dot4Go, axpy4Go}}
}

// gs4Guard is the number of elements around each operand, set to NaN, so
// that a kernel reading outside its slices returns NaN and one writing
// outside w changes a guard.
const gs4Guard = 5

// gs4Slice returns n random elements starting at an odd offset in a
// larger buffer (so not 16- or 32-byte aligned), with NaN guards around
// them, and the buffer.
func gs4Slice(rng *rand.Rand, n, off int) (s, buf []float64) {
	buf = make([]float64, off+n+gs4Guard)
	for i := range buf {
		buf[i] = math.NaN()
	}
	s = buf[off : off+n]
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s, buf
}

func gs4Lengths() []int {
	var ns []int
	for n := range 71 {
		ns = append(ns, n)
	}
	return append(ns, gsBlock-1, gsBlock, gsBlock+3, 4099)
}

// TestDot4 compares Dot4 with a loop summing in index order. Both have
// an error at most γₙ·Σ|vᵢ||wᵢ| with γₙ ≈ n·2⁻⁵³ (Higham, §3.1), whatever
// the order and whether products are fused, so they differ by at most
// twice that.
func TestDot4(t *testing.T) {
	for _, k := range gs4Kernels(t) {
		rng := rand.New(rand.NewPCG(4, 1))
		for _, n := range gs4Lengths() {
			for _, off := range []int{gs4Guard, gs4Guard + 1, gs4Guard + 3} {
				w, _ := gs4Slice(rng, n, off)
				var v [4][]float64
				for i := range v {
					v[i], _ = gs4Slice(rng, n, off+2*i+1)
				}
				var got [4]float64
				got[0], got[1], got[2], got[3] = k.dot(v[0], v[1], v[2], v[3], w)
				for i := range v {
					want, mag := 0.0, 0.0
					for l := range w {
						want += v[i][l] * w[l]
						mag += math.Abs(v[i][l] * w[l])
					}
					tol := 2 * float64(n+1) * 0x1p-53 * mag
					if !(math.Abs(got[i]-want) <= tol) {
						t.Errorf("%s n=%d off=%d: dot %d = %v, want %v ± %v", k.name, n, off, i, got[i], want, tol)
					}
				}
			}
		}
	}
}

// TestAxpy4 compares Axpy4 with a loop adding the four terms in order,
// and checks that the guards around w are untouched. Per element, both
// have an error at most γ₅·(|w|+Σ|cᵢvᵢ|), γ₅ ≈ 5·2⁻⁵³.
func TestAxpy4(t *testing.T) {
	for _, k := range gs4Kernels(t) {
		rng := rand.New(rand.NewPCG(4, 2))
		for _, n := range gs4Lengths() {
			for _, off := range []int{gs4Guard, gs4Guard + 1, gs4Guard + 3} {
				w, buf := gs4Slice(rng, n, off)
				var v [4][]float64
				var c [4]float64
				for i := range v {
					v[i], _ = gs4Slice(rng, n, off+2*i+1)
					c[i] = rng.NormFloat64()
				}
				w0 := append([]float64(nil), w...)
				k.axpy(w, c[0], c[1], c[2], c[3], v[0], v[1], v[2], v[3])
				for l := range w {
					want, mag := w0[l], math.Abs(w0[l])
					for i := range v {
						want += c[i] * v[i][l]
						mag += math.Abs(c[i] * v[i][l])
					}
					tol := 2 * 6 * 0x1p-53 * mag
					if !(math.Abs(w[l]-want) <= tol) {
						t.Fatalf("%s n=%d off=%d: w[%d] = %v, want %v ± %v", k.name, n, off, l, w[l], want, tol)
					}
				}
				for l, x := range buf {
					if (l < off || l >= off+n) && !math.IsNaN(x) {
						t.Fatalf("%s n=%d off=%d: wrote %v at %d outside w", k.name, n, off, x, l-off)
					}
				}
			}
		}
	}
}

func TestGS4Panics(t *testing.T) {
	a, b := make([]float64, 8), make([]float64, 7)
	for name, f := range map[string]func(){
		"Dot4":  func() { Dot4(a, a, b, a, a) },
		"Axpy4": func() { Axpy4(a, 1, 1, 1, 1, a, a, a, b) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "vec: "+name) {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			f()
		}()
	}
}

// BenchmarkGSBlock times one block of gsBlock elements against 32 basis
// vectors: the dots and the update, with the four-vector kernels and with
// one gonum call per vector as before.
func BenchmarkGSBlock(b *testing.B) {
	const k = 32
	basis, w, coef := gsData(k, gsBlock, 3)
	for i := range coef {
		coef[i] *= 1e-3 // keep w bounded over many runs
	}
	d := make([]float64, k)
	b.Run("Dot4", func(b *testing.B) {
		b.SetBytes(8 * gsBlock * (k + 1))
		for b.Loop() {
			for i := 0; i < k; i += 4 {
				d[i], d[i+1], d[i+2], d[i+3] = Dot4(basis[i], basis[i+1], basis[i+2], basis[i+3], w)
			}
		}
	})
	b.Run("dot1", func(b *testing.B) {
		b.SetBytes(8 * gsBlock * (k + 1))
		for b.Loop() {
			for i, v := range basis {
				d[i] = floats.Dot(v, w)
			}
		}
	})
	b.Run("Axpy4", func(b *testing.B) {
		b.SetBytes(8 * gsBlock * (k + 2))
		for b.Loop() {
			for i := 0; i < k; i += 4 {
				Axpy4(w, coef[i], coef[i+1], coef[i+2], coef[i+3], basis[i], basis[i+1], basis[i+2], basis[i+3])
			}
		}
	})
	b.Run("axpy1", func(b *testing.B) {
		b.SetBytes(8 * gsBlock * (k + 2))
		for b.Loop() {
			for i, v := range basis {
				floats.AddScaled(w, coef[i], v)
			}
		}
	})
}
