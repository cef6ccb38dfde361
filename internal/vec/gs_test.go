package vec

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

func gsData(k, n int, seed uint64) ([][]float64, []float64, []float64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	basis := make([][]float64, k)
	for i := range basis {
		basis[i] = make([]float64, n)
		for l := range basis[i] {
			basis[i][l] = rng.NormFloat64()
		}
	}
	w := make([]float64, n)
	coef := make([]float64, k)
	for l := range w {
		w[l] = rng.NormFloat64()
	}
	for i := range coef {
		coef[i] = rng.NormFloat64()
	}
	return basis, w, coef
}

// Reference values in plain Go, summed in order.
func gsNaive(basis [][]float64, w, coef []float64) (wNew, dots []float64, ww float64) {
	wNew = append([]float64(nil), w...)
	if coef != nil {
		for i, v := range basis {
			for l := range wNew {
				wNew[l] += coef[i] * v[l]
			}
		}
	}
	dots = make([]float64, len(basis))
	for i, v := range basis {
		for l := range v {
			dots[i] += v[l] * wNew[l]
		}
	}
	for _, x := range wNew {
		ww += x * x
	}
	return
}

func TestGSKernels(t *testing.T) {
	// Sizes below and above Chunk, gsBlock and ParallelMin, and k = 0.
	for _, c := range []struct{ k, n int }{{0, 10}, {3, 0}, {1, 7}, {5, 513}, {8, 5000}, {4, ParallelMin + 1234}} {
		basis, w, coef := gsData(c.k, c.n, uint64(c.k*100+c.n))
		// Tolerance: sums of n products of O(1) Gaussians in a different
		// order; 1e-12 relative to the sum of magnitudes (≈ n).
		tol := 1e-12 * float64(c.n+1)
		wantW, wantD, wantN := gsNaive(basis, w, nil)
		d := make([]float64, c.k)
		if got := MultiDotNorm(d, basis, append([]float64(nil), w...)); math.Abs(got*got-wantN) > tol {
			t.Errorf("k=%d n=%d MultiDotNorm ‖w‖² = %v, want %v", c.k, c.n, got, wantN)
		}
		for i := range d {
			if math.Abs(d[i]-wantD[i]) > tol {
				t.Errorf("k=%d n=%d MultiDotNorm dot %d = %v, want %v", c.k, c.n, i, d[i], wantD[i])
			}
		}
		d2 := make([]float64, c.k)
		MultiDot(d2, basis, w)
		for i := range d2 {
			if d2[i] != d[i] {
				t.Errorf("k=%d n=%d MultiDot dot %d = %v, MultiDotNorm's %v", c.k, c.n, i, d2[i], d[i])
			}
		}
		_ = wantW
		wantW, wantD, wantN = gsNaive(basis, w, coef)
		for _, op := range []string{"AxpyDot", "AxpyNorm", "AxpyDotAliased"} {
			ww := append([]float64(nil), w...)
			d := make([]float64, c.k)
			var got float64
			switch op {
			case "AxpyDot":
				got = MultiAxpyDot(ww, coef, basis, d)
			case "AxpyNorm":
				got = MultiAxpyNorm(ww, coef, basis)
				d = wantD
			case "AxpyDotAliased":
				cc := append([]float64(nil), coef...)
				got = MultiAxpyDot(ww, cc, basis, cc)
				d = cc
			}
			if math.Abs(got*got-wantN) > tol {
				t.Errorf("k=%d n=%d %s ‖w‖² = %v, want %v", c.k, c.n, op, got*got, wantN)
			}
			for l := range ww {
				if math.Abs(ww[l]-wantW[l]) > 1e-12*(1+float64(c.k)) {
					t.Fatalf("k=%d n=%d %s w[%d] = %v, want %v", c.k, c.n, op, l, ww[l], wantW[l])
				}
			}
			for i := range d {
				if math.Abs(d[i]-wantD[i]) > tol {
					t.Errorf("k=%d n=%d %s dot %d = %v, want %v", c.k, c.n, op, i, d[i], wantD[i])
				}
			}
		}
	}
}

func TestGSIndependentOfProcs(t *testing.T) {
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	// A long vector, and a short one whose (k+1)·n still splits the pass.
	for _, n := range []int{3*ParallelMin + 17, gsParallelMin/7 + 5} {
		basis, w, coef := gsData(6, n, 5)
		run := func() ([]float64, []float64, []float64, float64, float64) {
			d := make([]float64, 6)
			n1 := MultiDotNorm(d, basis, w)
			ww := append([]float64(nil), w...)
			n2 := MultiAxpyDot(ww, coef, basis, d)
			d2 := make([]float64, 6)
			MultiDot(d2, basis, ww)
			MultiAxpy(ww, coef, basis)
			return d, d2, ww, n1, n2
		}
		runtime.GOMAXPROCS(1)
		d1, e1, w1, a1, b1 := run()
		for _, p := range []int{2, 3, 4} {
			runtime.GOMAXPROCS(p)
			d, e, ww, a, b := run()
			if a != a1 || b != b1 {
				t.Errorf("n=%d GOMAXPROCS=%d: norms %v %v, with 1 proc %v %v", n, p, a, b, a1, b1)
			}
			for i := range d {
				if d[i] != d1[i] || e[i] != e1[i] {
					t.Errorf("n=%d GOMAXPROCS=%d: dot %d differs", n, p, i)
				}
			}
			for i := range ww {
				if ww[i] != w1[i] {
					t.Errorf("n=%d GOMAXPROCS=%d: MultiAxpy entry %d differs", n, p, i)
					break
				}
			}
		}
	}
}

func TestGSScaledNorm(t *testing.T) {
	// The squares under- or overflow: the kernels fall back to a scaled
	// norm and still return ‖w‖ = 5e∓200.
	for _, v := range []float64{1e-200, 1e200} {
		w := []float64{3 * v, 4 * v}
		if got := MultiDotNorm(nil, nil, w); math.Abs(got/(5*v)-1) > 1e-15 {
			t.Errorf("MultiDotNorm(%v) = %v", w, got)
		}
		if got := MultiAxpyNorm(w, nil, nil); math.Abs(got/(5*v)-1) > 1e-15 {
			t.Errorf("MultiAxpyNorm(%v) = %v", w, got)
		}
	}
}

func TestGSAllocsAndPanics(t *testing.T) {
	basis, w, coef := gsData(4, 2*ParallelMin, 1)
	d := make([]float64, 4)
	MultiAxpyDot(w, coef, basis, d)
	if a := allocsPerRun(20, func() {
		MultiDotNorm(d, basis, w)
		MultiAxpyDot(w, coef, basis, d)
		MultiAxpyNorm(w, coef, basis)
	}); a > 0 {
		t.Errorf("%v allocations per run", a)
	}
	for name, f := range map[string]func(){
		"MultiDotNorm":  func() { MultiDotNorm(make([]float64, 3), basis, w) },
		"MultiAxpyDot":  func() { MultiAxpyDot(w, coef, basis, make([]float64, 5)) },
		"MultiAxpyNorm": func() { MultiAxpyNorm(w[:10], coef, basis) },
		// w updated in place while it is read as a basis vector.
		"MultiAxpy: w is basis[2]":     func() { MultiAxpy(basis[2], coef, basis) },
		"Combine: w is basis[0]":       func() { Combine(basis[0], coef, basis) },
		"MultiAxpyDot: w is basis[3]":  func() { MultiAxpyDot(basis[3], coef, basis, d) },
		"MultiAxpyNorm: w is basis[1]": func() { MultiAxpyNorm(basis[1], coef, basis) },
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

// TestCombine checks w = Σ cᵢ·vᵢ against a direct sum for basis sizes
// around the 4-wide kernel and lengths below and above the parallel
// threshold, whatever w held before.
func TestCombine(t *testing.T) {
	for _, n := range []int{1, 7, 513, 3000, ParallelMin + 5} {
		for _, k := range []int{1, 2, 4, 5, 9} {
			basis := make([][]float64, k)
			coef := make([]float64, k)
			for i := range basis {
				basis[i] = make([]float64, n)
				for j := range basis[i] {
					basis[i][j] = math.Sin(float64(1 + i*n + j))
				}
				coef[i] = float64(i) - 1.5
			}
			w := make([]float64, n)
			for j := range w {
				w[j] = math.NaN() // must not be read
			}
			Combine(w, coef, basis)
			for j := range w {
				want := 0.0
				for i := range basis {
					want += coef[i] * basis[i][j]
				}
				if math.Abs(w[j]-want) > 1e-14*(1+math.Abs(want)) {
					t.Fatalf("n=%d k=%d: w[%d] = %v, want %v", n, k, j, w[j], want)
				}
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("empty basis accepted")
		}
	}()
	Combine(make([]float64, 3), nil, nil)
}

// chunkSplit covers every chunk exactly once, in order, whatever n and
// parts, and balances elements rather than chunks.
func TestChunkSplit(t *testing.T) {
	for _, n := range []int{0, 1, gsChunk - 1, gsChunk, gsChunk + 1, 6400, 10000, 3*gsChunk + 5, 1 << 20} {
		nchunk := (n + gsChunk - 1) / gsChunk
		for parts := 1; parts <= 9; parts++ {
			next := 0
			for p := range parts {
				c0, c1 := chunkSplit(n, gsChunk, parts, p)
				if c0 != next || c1 < c0 || c1 > nchunk {
					t.Fatalf("n=%d parts=%d: part %d is [%d, %d), want it to start at %d and end by %d", n, parts, p, c0, c1, next, nchunk)
				}
				next = c1
			}
			if next != nchunk {
				t.Fatalf("n=%d parts=%d: the parts end at chunk %d of %d", n, parts, next, nchunk)
			}
		}
	}
	// 6400 entries in chunks of 1024 between two parts: 3072 and 3328
	// (par.Split of the chunks would give 4096 and 2304).
	if c0, c1 := chunkSplit(6400, 1024, 2, 0); c0 != 0 || c1 != 3 {
		t.Fatalf("6400/1024 in two parts: first part [%d, %d), want [0, 3)", c0, c1)
	}
}

// ScaleGS gives Scale's result bit for bit, serial or split, and
// allocates nothing.
func TestScaleGS(t *testing.T) {
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, tc := range []struct{ n, k int }{{0, 3}, {1, 0}, {7, 2}, {6400, 30}, {6400, 1}, {gsParallelMin/7 + 5, 6}, {3*ParallelMin + 17, 0}} {
			_, w, _ := gsData(0, tc.n, uint64(tc.n))
			want := append([]float64(nil), w...)
			Scale(1/3.7, want)
			ScaleGS(1/3.7, w, tc.k)
			for i := range w {
				if w[i] != want[i] {
					t.Fatalf("GOMAXPROCS=%d n=%d k=%d: entry %d = %v, Scale gives %v", procs, tc.n, tc.k, i, w[i], want[i])
				}
			}
		}
	}
	runtime.GOMAXPROCS(2)
	w := make([]float64, 6400)
	ScaleGS(2, w, 30) // warm the pools
	if a := allocsPerRun(20, func() { ScaleGS(0.5, w, 30) }); a != 0 {
		t.Fatalf("ScaleGS allocates %v times per call", a)
	}
}
