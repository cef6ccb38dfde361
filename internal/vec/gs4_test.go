package vec

import (
	"fmt"
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

// TestDot2x4 compares Dot2x4 (as dispatched, and the Go loop) with sums
// in index order, on unaligned operands with NaN guards (a read outside
// an operand gives NaN). Error bound as in TestDot4.
func TestDot2x4(t *testing.T) {
	for _, k := range []struct {
		name string
		f    func(s *[8]float64, a0, a1, b0, b1, b2, b3 []float64)
	}{{"dispatched", Dot2x4}, {"go", dot2x4Go}} {
		rng := rand.New(rand.NewPCG(4, 4))
		for _, n := range gs4Lengths() {
			var v [6][]float64
			for i := range v {
				v[i], _ = gs4Slice(rng, n, gs4Guard+i%3)
			}
			var s [8]float64
			for i := range s {
				s[i] = math.NaN() // overwritten
			}
			k.f(&s, v[0], v[1], v[2], v[3], v[4], v[5])
			for i := range 2 {
				for j := range 4 {
					want, mag := 0.0, 0.0
					for l := range n {
						want += v[i][l] * v[2+j][l]
						mag += math.Abs(v[i][l] * v[2+j][l])
					}
					tol := 2 * float64(n+1) * 0x1p-53 * mag
					if got := s[4*i+j]; !(math.Abs(got-want) <= tol) {
						t.Errorf("%s n=%d: s[%d] = %v, want %v ± %v", k.name, n, 4*i+j, got, want, tol)
					}
				}
			}
		}
	}
}

// TestComb4 compares Comb4 (as dispatched, and the Go loop) with a sum
// in basis order, for basis counts around the unrolling and offsets into
// the basis, and checks that the guards around the outputs are untouched
// and that a NaN guard around the basis block is never read. Per element
// the error is at most γ_L·Σ|c·b|.
func TestComb4(t *testing.T) {
	type comb4Func func(o0, o1, o2, o3, c []float64, basis [][]float64, off int)
	kernels := []struct {
		name string
		f    comb4Func
	}{{"dispatched", Comb4}, {"go", comb4Go}}
	for _, k := range kernels {
		rng := rand.New(rand.NewPCG(4, 3))
		for _, n := range gs4Lengths() {
			for _, L := range []int{1, 2, 3, 7, 41} {
				off := rng.IntN(5)
				basis := make([][]float64, L)
				for l := range basis {
					full, _ := gs4Slice(rng, off+n, gs4Guard+l%3)
					basis[l] = full
				}
				c := make([]float64, 4*L)
				for i := range c {
					c[i] = rng.NormFloat64()
				}
				var o [4][]float64
				var bufs [4][]float64
				for i := range o {
					o[i], bufs[i] = gs4Slice(rng, n, gs4Guard+i)
				}
				k.f(o[0], o[1], o[2], o[3], c, basis, off)
				for i := range o {
					for t2 := range n {
						want, mag := 0.0, 0.0
						for l := range basis {
							want += c[4*l+i] * basis[l][off+t2]
							mag += math.Abs(c[4*l+i] * basis[l][off+t2])
						}
						tol := 2 * float64(L+1) * 0x1p-53 * mag
						if !(math.Abs(o[i][t2]-want) <= tol) {
							t.Fatalf("%s n=%d L=%d off=%d: o%d[%d] = %v, want %v ± %v", k.name, n, L, off, i, t2, o[i][t2], want, tol)
						}
					}
					for l, x := range bufs[i] {
						if (l < gs4Guard+i || l >= gs4Guard+i+n) && !math.IsNaN(x) {
							t.Fatalf("%s n=%d L=%d: wrote %v outside o%d", k.name, n, L, x, i)
						}
					}
				}
			}
		}
	}
	// No basis vectors: the outputs are zero.
	o := []float64{1, 2, 3}
	Comb4(o, o[:3:3], o, o, nil, nil, 0)
	if o[0] != 0 || o[1] != 0 || o[2] != 0 {
		t.Errorf("Comb4 with an empty basis left %v", o)
	}
}

func TestGS4Panics(t *testing.T) {
	a, b := make([]float64, 8), make([]float64, 7)
	for _, c := range []struct {
		name, why string
		f         func()
	}{
		{"Dot4", "length", func() { Dot4(a, a, b, a, a) }},
		{"Axpy4", "length", func() { Axpy4(a, 1, 1, 1, 1, a, a, a, b) }},
		{"Dot2x4", "length", func() { var s [8]float64; Dot2x4(&s, a, a, a, a, b, a) }},
		{"Comb4", "outputs", func() { Comb4(a, a, a, b, make([]float64, 4), [][]float64{a}, 0) }},
		{"Comb4", "coefficients", func() { Comb4(a, a, a, a, make([]float64, 3), [][]float64{a}, 0) }},
		{"Comb4", "short basis", func() { Comb4(a, a, a, a, make([]float64, 4), [][]float64{b}, 0) }},
		{"Comb4", "offset", func() { Comb4(b, b, b, b, make([]float64, 4), [][]float64{a}, 2) }},
		{"Comb4", "negative offset", func() { Comb4(b, b, b, b, make([]float64, 4), [][]float64{a}, -1) }},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "vec: "+c.name) {
					t.Errorf("%s (%s): panic %v", c.name, c.why, r)
				}
			}()
			c.f()
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

// Comb4's bounds check holds for off near MaxInt (off+len(o0) overflowed
// and passed; the assembly then read basis[0][-1], 42 here).
func TestComb4OffsetOverflow(t *testing.T) {
	buf := []float64{42, 1}
	o := [4][]float64{make([]float64, 1), make([]float64, 1), make([]float64, 1), make([]float64, 1)}
	defer func() {
		if msg := fmt.Sprint(recover()); !strings.HasPrefix(msg, "vec: Comb4: basis vector shorter") {
			t.Errorf("panic %q (o0 = %v), want the vec: Comb4 bounds message", msg, o[0])
		}
	}()
	Comb4(o[0], o[1], o[2], o[3], []float64{1, 1, 1, 1}, [][]float64{buf[1:]}, math.MaxInt)
}
