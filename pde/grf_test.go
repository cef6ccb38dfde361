package pde

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// TestGRFAgainstAnchor feeds the KL coefficients stored by make_fixtures.py
// and compares with the SKR anchor's grf() (FNO's GRF.m) on the same ξ.
func TestGRFAgainstAnchor(t *testing.T) {
	var fx struct {
		Cases []struct {
			S          int
			Alpha, Tau float64
			Xi, U      []float64
		}
	}
	loadJSON(t, "grf.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no cases in grf.json")
	}
	for _, c := range fx.Cases {
		g, err := NewGRF(c.S, &GRFOptions{Alpha: c.Alpha, Tau: c.Tau})
		if err != nil {
			t.Fatal(err)
		}
		got := g.FromNormals(nil, c.Xi)
		// Same formula, different FFT and pow implementations: a few ulps.
		if e := maxRelDiff(got, c.U); e > 1e-13 {
			t.Errorf("s=%d α=%g τ=%g: differs from anchor by %g", c.S, c.Alpha, c.Tau, e)
		}
	}
}

// TestGRFMeanZero: the constant mode is dropped, so every sample has grid
// mean zero up to rounding, whatever the seed.
func TestGRFMeanZero(t *testing.T) {
	g, err := NewGRF(34, nil)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(7, 0))
	u := make([]float64, 34*34)
	for trial := 0; trial < 20; trial++ {
		g.Sample(u, rnd)
		var sum, mx float64
		for _, v := range u {
			sum += v
			mx = math.Max(mx, math.Abs(v))
		}
		if m := sum / float64(len(u)); math.Abs(m) > 1e-14*mx {
			t.Fatalf("trial %d: grid mean %g (max |u| %g)", trial, m, mx)
		}
	}
}

// TestGRFSpectrum checks that the empirical DCT spectrum of the samples
// follows the prescribed one: E[Y_k²] = s² τ^(2α−2)(π²|k|² + τ²)^(−α) for
// the orthonormal DCT-II Y of a sample, averaged over radial bands of modes,
// and that the grid-averaged pointwise variance equals Σ_k coef_k².
func TestGRFSpectrum(t *testing.T) {
	const s, samples = 32, 200
	for _, o := range []GRFOptions{{}, {Alpha: 2, Tau: 3}} {
		g, err := NewGRF(s, &o)
		if err != nil {
			t.Fatal(err)
		}
		alpha, tau := g.Alpha(), g.Tau()
		want := func(k1, k2 int) float64 {
			return float64(s*s) * math.Pow(tau, 2*alpha-2) * math.Pow(math.Pi*math.Pi*float64(k1*k1+k2*k2)+tau*tau, -alpha)
		}
		const bands = 8
		var ratio [bands]float64
		var count [bands]int
		var pointVar, wantVar float64
		for k1 := 0; k1 < s; k1++ {
			for k2 := 0; k2 < s; k2++ {
				if k1+k2 > 0 {
					wantVar += want(k1, k2) / float64(s*s)
				}
			}
		}
		d := newDCT(s)
		rnd := rand.New(rand.NewPCG(11, 13))
		u := make([]float64, s*s)
		for n := 0; n < samples; n++ {
			g.Sample(u, rnd)
			for _, v := range u {
				pointVar += v * v / float64(s*s*samples)
			}
			d.forward2D(u)
			for k1 := 0; k1 < s; k1++ {
				for k2 := 0; k2 < s; k2++ {
					r := int(math.Sqrt(float64(k1*k1+k2*k2)) / (float64(s) / bands))
					if k1+k2 == 0 || r >= bands {
						continue
					}
					y := u[k1*s+k2]
					ratio[r] += y * y / want(k1, k2)
					count[r]++
				}
			}
		}
		// Each band averages count[r] ≥ 14·200 independent χ²₁ variables
		// (band 0 holds the 14 nonzero modes with |k| < 4): relative
		// standard deviation ≤ √(2/2800) ≈ 0.027; 0.15 is > 5σ.
		for r := 0; r < bands; r++ {
			m := ratio[r] / float64(count[r])
			t.Logf("α=%g τ=%g band %d: E[Y²]/prescribed = %.3f over %d modes", alpha, tau, r, m, count[r])
			if math.Abs(m-1) > 0.15 {
				t.Errorf("α=%g τ=%g band %d: E[Y²]/prescribed = %.3f over %d modes", alpha, tau, r, m, count[r])
			}
		}
		// The variance estimate pools 200 samples whose energy sits in the
		// lowest modes (a few dozen effective χ² degrees of freedom each):
		// 0.15 relative is several standard deviations.
		t.Logf("α=%g τ=%g: grid-averaged variance %.4g, prescribed %.4g", alpha, tau, pointVar, wantVar)
		if math.Abs(pointVar/wantVar-1) > 0.15 {
			t.Errorf("α=%g τ=%g: grid-averaged variance %.4g, prescribed %.4g", alpha, tau, pointVar, wantVar)
		}
	}
}

func TestGRFOptionErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		s    int
		o    *GRFOptions
	}{
		{"s=0", 0, nil},
		{"alpha=1", 8, &GRFOptions{Alpha: 1}},
		{"alpha<0", 8, &GRFOptions{Alpha: -2}},
		{"alpha NaN", 8, &GRFOptions{Alpha: math.NaN()}},
		{"alpha Inf", 8, &GRFOptions{Alpha: math.Inf(1)}},
		{"tau<0", 8, &GRFOptions{Tau: -1}},
		{"tau NaN", 8, &GRFOptions{Tau: math.NaN()}},
		{"tau Inf", 8, &GRFOptions{Tau: math.Inf(1)}},
	} {
		if _, err := NewGRF(c.s, c.o); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// Extreme but valid α and τ give finite samples: the spectral
// coefficients are computed in logarithms where their factors overflow
// (α = 10⁶ once gave Inf·0 = NaN in every field).
func TestGRFExtremeOptions(t *testing.T) {
	for _, o := range []*GRFOptions{{Alpha: 1e6}, {Tau: 1e300}, {Alpha: 400, Tau: 1e3}, {Alpha: 1.0001, Tau: 1e-300}} {
		g, err := NewGRF(8, o)
		if err != nil {
			t.Errorf("%+v: %v", *o, err)
			continue
		}
		u := g.Sample(nil, rand.New(rand.NewPCG(1, 2)))
		for i, v := range u {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%+v: sample value %d is %v", *o, i, v)
				break
			}
		}
		p, err := NewPeriodicGRF(8, o)
		if err != nil {
			t.Errorf("periodic %+v: %v", *o, err)
			continue
		}
		u = p.Sample(nil, rand.New(rand.NewPCG(1, 2)))
		for i, v := range u {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("periodic %+v: sample value %d is %v", *o, i, v)
				break
			}
		}
	}
	// Coefficients in the subnormal range come from the logarithmic form,
	// accurate to rounding (the direct product lost ~1e-6 there).
	for _, alpha := range []float64{303, 306} {
		c, ok := spectralCoef(8, 8*math.Pow(10, alpha-1), math.Pi*math.Pi*2, alpha, 10)
		want := math.Exp(math.Log(8) + (alpha-1)*math.Log(10) - alpha/2*math.Log(math.Pi*math.Pi*2+100))
		if !ok || math.Abs(c-want) > 1e-12*want {
			t.Errorf("α = %g: coefficient %g, want %g", alpha, c, want)
		}
	}
}

func TestGRFAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	g, err := NewGRF(82, nil)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	u := make([]float64, 82*82)
	if n := testing.AllocsPerRun(10, func() { g.Sample(u, rnd) }); n != 0 {
		t.Errorf("Sample allocates %v times per call", n)
	}
}

// TestFieldDeterminism: Field(seed, i) depends on (seed, i) only: the same
// under any GOMAXPROCS, in any call order and concurrently; different i or
// seed give different fields. Run for every family.
func TestFieldDeterminism(t *testing.T) {
	for _, name := range Names() {
		f, err := New(name, 10)
		if err != nil {
			t.Fatal(err)
		}
		ref := f.Field(42, 3)
		if len(ref) != prod(f.FieldShape()) {
			t.Fatalf("%s: field length %d, shape %v", name, len(ref), f.FieldShape())
		}
		prev := runtime.GOMAXPROCS(1)
		one := f.Field(42, 3)
		runtime.GOMAXPROCS(prev)
		var wg sync.WaitGroup
		got := make([][]float64, 8)
		for w := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.Field(42, w) // interleave other draws
				got[w] = f.Field(42, 3)
			}()
		}
		wg.Wait()
		for _, g := range append(got, one) {
			for p := range ref {
				if g[p] != ref[p] {
					t.Fatalf("%s: Field(42, 3) not reproducible at %d: %v vs %v", name, p, g[p], ref[p])
				}
			}
		}
		if equal(f.Field(42, 4), ref) || equal(f.Field(43, 3), ref) {
			t.Errorf("%s: different (seed, i) gave the same field", name)
		}
	}
}

func TestFieldNegativeIndexPanics(t *testing.T) {
	for _, name := range Names() {
		f, _ := New(name, 4)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Field(0, -1) did not panic", name)
				}
			}()
			f.Field(0, -1)
		}()
	}
}

func prod(s []int) int {
	p := 1
	for _, v := range s {
		p *= v
	}
	return p
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
