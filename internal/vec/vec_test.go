package vec

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func randVec(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// naiveDot sums in plain order: the reference.
func naiveDot(x, y []float64) float64 {
	s := 0.0
	for i := range x {
		s += x[i] * y[i]
	}
	return s
}

// Sizes cover empty, below one chunk, several chunks, and above ParallelMin.
var sizes = []int{0, 1, 3, Chunk - 1, Chunk + 5, 3*Chunk + 7, ParallelMin + 13, 4 * ParallelMin}

func TestDotNormAgainstNaive(t *testing.T) {
	for _, n := range sizes {
		x, y := randVec(n, 1), randVec(n, 2)
		// Reordered sums of n O(1) products: error ≲ n·eps·Σ|xᵢyᵢ|.
		tol := float64(n+1) * 1e-16 * (1 + naiveDot(abs(x), abs(y)))
		if got, want := Dot(x, y), naiveDot(x, y); math.Abs(got-want) > tol {
			t.Errorf("n=%d: Dot = %v, want %v", n, got, want)
		}
		a, b := Dot2(x, y, x)
		if a != Dot(x, y) || b != Dot(x, x) {
			t.Errorf("n=%d: Dot2 differs from two Dots", n)
		}
		if got, want := Norm(x), math.Sqrt(naiveDot(x, x)); math.Abs(got-want) > tol {
			t.Errorf("n=%d: Norm = %v, want %v", n, got, want)
		}
	}
}

func abs(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Abs(v)
	}
	return y
}

func TestNormScaling(t *testing.T) {
	big := []float64{1e200, 1e200}
	if got := Norm(big); math.Abs(got/(math.Sqrt2*1e200)-1) > 1e-15 {
		t.Fatalf("Norm overflowed: %v", got)
	}
	small := []float64{3e-200, 4e-200}
	if got := Norm(small); math.Abs(got/5e-200-1) > 1e-15 {
		t.Fatalf("Norm underflowed: %v", got)
	}
	if !math.IsNaN(Norm([]float64{1, math.NaN()})) {
		t.Fatal("Norm hid a NaN")
	}
	if !math.IsInf(Norm([]float64{1, math.Inf(-1)}), 1) {
		t.Fatal("Norm of Inf vector is not +Inf")
	}
}

func TestReductionsIndependentOfProcs(t *testing.T) {
	x, y := randVec(4*ParallelMin+3, 5), randVec(4*ParallelMin+3, 6)
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	var ref float64
	for k, p := range []int{1, 2, 3, 7} {
		runtime.GOMAXPROCS(p)
		d := Dot(x, y)
		if k == 0 {
			ref = d
		} else if d != ref {
			t.Fatalf("GOMAXPROCS=%d: Dot = %v, with 1 proc %v", p, d, ref)
		}
	}
}

func TestUpdates(t *testing.T) {
	for _, n := range sizes {
		x, y0 := randVec(n, 3), randVec(n, 4)
		check := func(name string, got []float64, f func(i int) float64) {
			t.Helper()
			for i := range got {
				if want := f(i); math.Abs(got[i]-want) > 1e-14*(1+math.Abs(want)) {
					t.Fatalf("n=%d %s[%d] = %v, want %v", n, name, i, got[i], want)
				}
			}
		}
		y := append([]float64(nil), y0...)
		Axpy(2.5, x, y)
		check("Axpy", y, func(i int) float64 { return y0[i] + 2.5*x[i] })
		y = append([]float64(nil), y0...)
		Axpby(2, x, -3, y)
		check("Axpby", y, func(i int) float64 { return 2*x[i] - 3*y0[i] })
		y = append([]float64(nil), y0...)
		Scale(-0.5, y)
		check("Scale", y, func(i int) float64 { return -0.5 * y0[i] })
		d := make([]float64, n)
		AddScaled(d, x, 3, y0)
		check("AddScaled", d, func(i int) float64 { return x[i] + 3*y0[i] })
		Copy(d, y0)
		check("Copy", d, func(i int) float64 { return y0[i] })

		// Fused CG update: y += a x, z += b w, returns ‖z‖².
		w, z0 := randVec(n, 7), randVec(n, 8)
		y = append([]float64(nil), y0...)
		z := append([]float64(nil), z0...)
		s := AxpyAxpyNorm2(0.5, x, y, -2, w, z)
		check("AxpyAxpyNorm2 y", y, func(i int) float64 { return y0[i] + 0.5*x[i] })
		check("AxpyAxpyNorm2 z", z, func(i int) float64 { return z0[i] - 2*w[i] })
		if want := naiveDot(z, z); math.Abs(s-want) > 1e-12*(1+want) {
			t.Fatalf("n=%d AxpyAxpyNorm2 = %v, want %v", n, s, want)
		}
		y = append([]float64(nil), y0...)
		s = XpayDot(x, 0.25, y, w)
		check("XpayDot", y, func(i int) float64 { return x[i] + 0.25*y0[i] })
		if want := naiveDot(y, w); math.Abs(s-want) > 1e-12*(1+naiveDot(abs(y), abs(w))) {
			t.Fatalf("n=%d XpayDot = %v, want %v", n, s, want)
		}
	}
}

func TestMulti(t *testing.T) {
	for _, n := range sizes {
		for _, k := range []int{0, 1, 5} {
			basis := make([][]float64, k)
			for i := range basis {
				basis[i] = randVec(n, uint64(10+i))
			}
			w := randVec(n, 99)
			h := make([]float64, k)
			MultiDot(h, basis, w)
			for i := range h {
				want := naiveDot(basis[i], w)
				if math.Abs(h[i]-want) > float64(n+1)*1e-15*(1+naiveDot(abs(basis[i]), abs(w))) {
					t.Fatalf("n=%d k=%d MultiDot[%d] = %v, want %v", n, k, i, h[i], want)
				}
			}
			w0 := append([]float64(nil), w...)
			coef := []float64{1, -2, 0.5, 3, -1}[:k]
			MultiAxpy(w, coef, basis)
			for j := range w {
				want := w0[j]
				for i := range basis {
					want += coef[i] * basis[i][j]
				}
				if math.Abs(w[j]-want) > 1e-13*(1+math.Abs(want)) {
					t.Fatalf("n=%d k=%d MultiAxpy[%d] = %v, want %v", n, k, j, w[j], want)
				}
			}
		}
	}
}

func TestAllocs(t *testing.T) {
	n := 4 * ParallelMin
	x, y, z, w := randVec(n, 1), randVec(n, 2), randVec(n, 3), randVec(n, 4)
	basis := [][]float64{x, y, z}
	h := make([]float64, 3)
	fns := map[string]func(){
		"Dot":           func() { Dot(x, y) },
		"Norm":          func() { Norm(x) },
		"Axpy":          func() { Axpy(1e-9, x, y) },
		"AxpyAxpyNorm2": func() { AxpyAxpyNorm2(1e-9, x, y, 1e-9, z, w) },
		"XpayDot":       func() { XpayDot(x, 0.5, y, z) },
		"MultiDot":      func() { MultiDot(h, basis, w) },
		"MultiAxpy":     func() { MultiAxpy(w, h, basis) },
	}
	for name, f := range fns {
		f() // warm pools
		if a := allocsPerRun(20, f); a != 0 {
			t.Errorf("%s allocates %v times per call", name, a)
		}
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("Dot of different lengths did not panic")
		}
	}()
	Dot(make([]float64, 3), make([]float64, 4))
}

func BenchmarkDot_1e6(b *testing.B) {
	x, y := randVec(1e6, 1), randVec(1e6, 2)
	b.SetBytes(16e6)
	for b.Loop() {
		Dot(x, y)
	}
}

func BenchmarkAxpyAxpyNorm2_1e6(b *testing.B) {
	x, y, z, w := randVec(1e6, 1), randVec(1e6, 2), randVec(1e6, 3), randVec(1e6, 4)
	b.SetBytes(48e6)
	for b.Loop() {
		AxpyAxpyNorm2(1e-12, x, y, 1e-12, z, w)
	}
}

func TestMaxAbs(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{-3}, 3},
		{[]float64{1, -2, 0.5, 1.5, -7}, 7}, // the largest in the tail
		{[]float64{-9, 1, 2, 3, 4}, 9},
		{[]float64{1, 2, 3, math.Inf(-1), 4}, math.Inf(1)},
	} {
		if got := MaxAbs(tc.x); got != tc.want {
			t.Errorf("MaxAbs(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
	if got := MaxAbs([]float64{1, math.NaN(), 2, 3, 4, 5}); !math.IsNaN(got) {
		t.Errorf("MaxAbs with a NaN = %v, want NaN", got)
	}
}
