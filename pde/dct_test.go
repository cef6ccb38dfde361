package pde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// directDCT2 is the O(n²) orthonormal DCT-II, straight from the definition.
func directDCT2(x []float64) []float64 {
	n := len(x)
	y := make([]float64, n)
	for k := 0; k < n; k++ {
		f := math.Sqrt(2 / float64(n))
		if k == 0 {
			f = math.Sqrt(1 / float64(n))
		}
		var s float64
		for m := 0; m < n; m++ {
			s += x[m] * math.Cos(math.Pi*float64(k)*float64(2*m+1)/float64(2*n))
		}
		y[k] = f * s
	}
	return y
}

// directDCT3 is the O(n²) orthonormal DCT-III (inverse of directDCT2).
func directDCT3(y []float64) []float64 {
	n := len(y)
	x := make([]float64, n)
	for m := 0; m < n; m++ {
		var s float64
		for k := 0; k < n; k++ {
			f := math.Sqrt(2 / float64(n))
			if k == 0 {
				f = math.Sqrt(1 / float64(n))
			}
			s += f * y[k] * math.Cos(math.Pi*float64(k)*float64(2*m+1)/float64(2*n))
		}
		x[m] = s
	}
	return x
}

func TestDCTAgainstDirectSum(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, c := range dctCases([]int{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 30, 64, 82, 101}) {
		n, d := c.n, c.d
		x := make([]float64, n)
		for i := range x {
			x[i] = rnd.NormFloat64()
		}
		got := make([]float64, n)
		d.forward(got, x)
		// O(n)·eps rounding in the direct sum and O(log n)·eps in the FFT.
		tol := 1e-13
		if e := maxRelDiff(got, directDCT2(x)); e > tol {
			t.Errorf("%s: forward differs from direct DCT-II by %g", c.name, e)
		}
		d.inverse(got, x)
		if e := maxRelDiff(got, directDCT3(x)); e > tol {
			t.Errorf("%s: inverse differs from direct DCT-III by %g", c.name, e)
		}
		// In place, round trip.
		y := append([]float64(nil), x...)
		d.forward(y, y)
		d.inverse(y, y)
		if e := maxRelDiff(y, x); e > tol {
			t.Errorf("%s: inverse(forward(x)) differs from x by %g", c.name, e)
		}
	}
}

// TestDCTAgainstSciPy compares the 2-D transforms with scipy.fft.idctn and
// dctn (norm="ortho") values stored by testdata/pde/make_fixtures.py.
func TestDCTAgainstSciPy(t *testing.T) {
	var fx struct {
		Cases []struct {
			N     int
			X     []float64
			Idctn []float64
			Dctn  []float64
		}
	}
	loadJSON(t, "dct.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no cases in dct.json")
	}
	for _, c := range fx.Cases {
		for _, tc := range dctCases([]int{c.N}) {
			got := append([]float64(nil), c.X...)
			tc.d.inverse2D(got)
			// Different algorithms (pocketfft vs FFTPACK or a direct sum):
			// a few ulps.
			if e := maxRelDiff(got, c.Idctn); e > 1e-13 {
				t.Errorf("%s: idctn differs from SciPy by %g", tc.name, e)
			}
			got = append(got[:0], c.X...)
			tc.d.forward2D(got)
			if e := maxRelDiff(got, c.Dctn); e > 1e-13 {
				t.Errorf("%s: dctn differs from SciPy by %g", tc.name, e)
			}
		}
	}
}

// TestDCTInverse2DPaths: the direct path's 2-D inverse (all columns at
// once, four output rows per pass) agrees with the FFT path's row-by-row
// transform at the grid sizes the families use, with h = (n+1)/2 both a
// multiple of 4 and not.
func TestDCTInverse2DPaths(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{4, 6, 7, 9, 10, 82, 101, 102} {
		x := make([]float64, n*n)
		for i := range x {
			x[i] = rnd.NormFloat64()
		}
		fft, direct := append([]float64(nil), x...), append([]float64(nil), x...)
		newDCTPlanPath(n, false).work().inverse2D(fft)
		newDCTPlanPath(n, true).work().inverse2D(direct)
		if e := maxRelDiff(direct, fft); e > 1e-13 {
			t.Errorf("n = %d: direct 2-D inverse differs from the FFT path by %g", n, e)
		}
	}
}

func TestDCTAllocs(t *testing.T) {
	for _, c := range dctCases([]int{82}) {
		a := make([]float64, 82*82)
		for i := range a {
			a[i] = float64(i % 7)
		}
		if n := testing.AllocsPerRun(10, func() { c.d.inverse2D(a) }); n != 0 {
			t.Errorf("%s: inverse2D allocates %v times per call", c.name, n)
		}
	}
}

// TestUseDirect pins the path choice: direct for lengths with a large
// prime factor (the grids g+2 of the paper), FFT for smooth or long ones.
func TestUseDirect(t *testing.T) {
	for n, want := range map[int]bool{82: true, 102: true, 202: true, 52: true, 256: false, 1000: false, 1026: false, 2 * 1021: false} {
		if got := useDirect(n); got != want {
			t.Errorf("useDirect(%d) = %v, want %v", n, got, want)
		}
	}
}

type dctCase struct {
	name string
	n    int
	d    *dct
}

// dctCases returns, for each length, a transform on each inverse path.
func dctCases(ns []int) []dctCase {
	var cs []dctCase
	for _, n := range ns {
		cs = append(cs,
			dctCase{fmt.Sprintf("n=%d fft", n), n, newDCTPlanPath(n, false).work()},
			dctCase{fmt.Sprintf("n=%d direct", n), n, newDCTPlanPath(n, true).work()})
	}
	return cs
}
