package pde

import (
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
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 30, 64, 82, 101} {
		d := newDCT(n)
		x := make([]float64, n)
		for i := range x {
			x[i] = rnd.NormFloat64()
		}
		got := make([]float64, n)
		d.forward(got, x)
		// O(n)·eps rounding in the direct sum and O(log n)·eps in the FFT.
		tol := 1e-13
		if e := maxRelDiff(got, directDCT2(x)); e > tol {
			t.Errorf("n=%d: forward differs from direct DCT-II by %g", n, e)
		}
		d.inverse(got, x)
		if e := maxRelDiff(got, directDCT3(x)); e > tol {
			t.Errorf("n=%d: inverse differs from direct DCT-III by %g", n, e)
		}
		// In place, round trip.
		y := append([]float64(nil), x...)
		d.forward(y, y)
		d.inverse(y, y)
		if e := maxRelDiff(y, x); e > tol {
			t.Errorf("n=%d: inverse(forward(x)) differs from x by %g", n, e)
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
		d := newDCT(c.N)
		got := append([]float64(nil), c.X...)
		d.inverse2D(got)
		// Two different FFT codes (pocketfft vs FFTPACK): a few ulps.
		if e := maxRelDiff(got, c.Idctn); e > 1e-13 {
			t.Errorf("n=%d: idctn differs from SciPy by %g", c.N, e)
		}
		got = append(got[:0], c.X...)
		d.forward2D(got)
		if e := maxRelDiff(got, c.Dctn); e > 1e-13 {
			t.Errorf("n=%d: dctn differs from SciPy by %g", c.N, e)
		}
	}
}

func TestDCTAllocs(t *testing.T) {
	d := newDCT(82)
	a := make([]float64, 82*82)
	for i := range a {
		a[i] = float64(i % 7)
	}
	if n := testing.AllocsPerRun(10, func() { d.inverse2D(a) }); n != 0 {
		t.Errorf("inverse2D allocates %v times per call", n)
	}
}
