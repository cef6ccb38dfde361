package vec

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func TestCGKernels(t *testing.T) {
	for _, n := range []int{0, 1, 7, 5000, ParallelMin + 333} {
		_, p, _ := gsData(0, n, uint64(n))
		_, q, _ := gsData(0, n, uint64(n)+1)
		_, x0, _ := gsData(0, n, uint64(n)+2)
		_, r0, _ := gsData(0, n, uint64(n)+3)
		_, d, _ := gsData(0, n, uint64(n)+4)
		for i := range d {
			d[i] = math.Abs(d[i]) + 0.5
		}
		for _, diag := range []bool{false, true} {
			x := append([]float64(nil), x0...)
			r := append([]float64(nil), r0...)
			var dd []float64
			if diag {
				dd = d
			}
			const a = 0.37
			rr, rdr := CGUpdate(a, p, q, x, r, dd)
			var wrr, wrdr float64
			for i := range p {
				xi := x0[i] + a*p[i]
				ri := r0[i] - a*q[i]
				if math.Abs(x[i]-xi) > 1e-15*(1+math.Abs(xi)) || math.Abs(r[i]-ri) > 1e-15*(1+math.Abs(ri)) {
					t.Fatalf("n=%d diag=%v: element %d: x %v want %v, r %v want %v", n, diag, i, x[i], xi, r[i], ri)
				}
				wrr += ri * ri
				if diag {
					wrdr += ri * d[i] * ri
				}
			}
			if !diag {
				wrdr = wrr
			}
			// Sums of n positive terms in another order: 1e-13 relative.
			if math.Abs(rr-wrr) > 1e-13*wrr || math.Abs(rdr-wrdr) > 1e-13*wrdr {
				t.Errorf("n=%d diag=%v: rr %v want %v, rdr %v want %v", n, diag, rr, wrr, rdr, wrdr)
			}
			pp := append([]float64(nil), p...)
			const b = -1.3
			CGDirection(pp, r, dd, b)
			for i := range pp {
				z := r[i]
				if diag {
					z *= d[i]
				}
				if want := z + b*p[i]; math.Abs(pp[i]-want) > 1e-15*(1+math.Abs(want)) {
					t.Fatalf("n=%d diag=%v: p[%d] = %v, want %v", n, diag, i, pp[i], want)
				}
			}
		}
	}
}

func TestCGKernelsIndependentOfProcs(t *testing.T) {
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	n := 3*ParallelMin + 5
	_, p, _ := gsData(0, n, 1)
	_, q, _ := gsData(0, n, 2)
	_, r0, _ := gsData(0, n, 3)
	var ref [2]float64
	for i, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		x := make([]float64, n)
		r := append([]float64(nil), r0...)
		a, b := CGUpdate(0.5, p, q, x, r, p)
		if i == 0 {
			ref = [2]float64{a, b}
		} else if a != ref[0] || b != ref[1] {
			t.Errorf("GOMAXPROCS=%d: %v %v, with 1 proc %v", procs, a, b, ref)
		}
	}
}

func TestCGKernelsAllocsPanics(t *testing.T) {
	n := 2 * ParallelMin
	_, p, _ := gsData(0, n, 1)
	x := make([]float64, n)
	r := make([]float64, n)
	CGUpdate(1, p, p, x, r, p)
	if a := allocsPerRun(20, func() {
		CGUpdate(1e-3, p, p, x, r, p)
		CGDirection(x, r, nil, 0.5)
		CGDirection(x, r, p, 0.5)
	}); a > 0 {
		t.Errorf("%v allocations", a)
	}
	for _, f := range []func(){
		func() { CGUpdate(1, p, p[:3], x, r, nil) },
		func() { CGUpdate(1, p, p, x, r, p[:2]) },
		func() { CGDirection(x, r[:5], nil, 1) },
		func() { CGDirection(x, r, p[:1], 1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Error("no panic on length mismatch")
				}
			}()
			f()
		}()
	}
}

// TestCGDiagKernels checks the kernels behind the diagonal-preconditioner
// passes (the AVX2/FMA assembly where the CPU has it) against the Go
// loops and a plain sum, at every length from 0 to 40 so that the
// sixteen-, four- and one-element steps and their joins are all taken.
func TestCGDiagKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2))
	for n := 0; n <= 40; n++ {
		r, d, p := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range r {
			r[i], d[i], p[i] = rng.NormFloat64(), 0.5+rng.Float64(), rng.NormFloat64()
		}
		want := 0.0
		for i := range r {
			want += r[i] * d[i] * r[i]
		}
		if got, g2 := cgUpdateDiag(r, d), rdrGo(r, d); math.Abs(got-want) > 1e-14*(1+want) || math.Abs(g2-want) > 1e-14*(1+want) {
			t.Fatalf("n=%d: rᵀ(d∘r) = %v (Go loop %v), want %v", n, got, g2, want)
		}
		const b = -0.75
		p2 := append([]float64(nil), p...)
		cgDirDiag(p, r, d, b)
		cgDirDiagGo(p2, r, d, b)
		for i := range p {
			if math.Abs(p[i]-p2[i]) > 1e-15*(1+math.Abs(p2[i])) {
				t.Fatalf("n=%d: p[%d] = %v, Go loop %v", n, i, p[i], p2[i])
			}
		}
	}
}

// TestCGUpdateKernel checks the fused x/r update (the AVX2/FMA assembly
// where the CPU has it) against the Go loop at every length from 0 to 40.
func TestCGUpdateKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for n := 0; n <= 40; n++ {
		p, q, x, r := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range p {
			p[i], q[i], x[i], r[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		}
		x2, r2 := append([]float64(nil), x...), append([]float64(nil), r...)
		const a = 0.3125
		got := cgUpdate(a, p, q, x, r)
		want := cgUpdateGo(a, p, q, x2, r2)
		if math.Abs(got-want) > 1e-14*(1+want) {
			t.Fatalf("n=%d: rᵀr = %v, Go loop %v", n, got, want)
		}
		for i := range x {
			if math.Abs(x[i]-x2[i]) > 1e-15*(1+math.Abs(x2[i])) || math.Abs(r[i]-r2[i]) > 1e-15*(1+math.Abs(r2[i])) {
				t.Fatalf("n=%d, i=%d: x %v r %v, Go loop x %v r %v", n, i, x[i], r[i], x2[i], r2[i])
			}
		}
	}
}

// TestCGUpdateSignedZeros checks that the fused update gives the Go
// loop's signed zeros: with α = +0 the Go loop adds (−α)·q = −0·q, while
// the assembly formed −α as 0 − α = +0 and so turned r = −0 into +0 (and
// +0 into −0 where q < 0).
func TestCGUpdateSignedZeros(t *testing.T) {
	nz := math.Copysign(0, -1)
	for n := 1; n <= 17; n++ {
		for _, a := range []float64{0, nz} {
			for _, qv := range []float64{5, -5, 0, nz} {
				for _, rv := range []float64{0, nz} {
					p, q := make([]float64, n), make([]float64, n)
					x, r := make([]float64, n), make([]float64, n)
					x2, r2 := make([]float64, n), make([]float64, n)
					for i := range p {
						p[i], q[i] = qv, qv
						x[i], r[i], x2[i], r2[i] = rv, rv, rv, rv
					}
					cgUpdate(a, p, q, x, r)
					cgUpdateGo(a, p, q, x2, r2)
					for i := range x {
						if math.Float64bits(x[i]) != math.Float64bits(x2[i]) || math.Float64bits(r[i]) != math.Float64bits(r2[i]) {
							t.Fatalf("n=%d, α=%v, q=%v, r=%v: x[%d]=%v r[%d]=%v, Go loop %v %v (useFMA %v)",
								n, a, qv, rv, i, x[i], i, r[i], x2[i], r2[i], useFMA)
						}
					}
				}
			}
		}
	}
}
