package pde

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPeriodicGRFAgainstNumPy feeds the normals stored by make_fixtures.py
// and compares with FNO's GaussianRF formula evaluated by numpy.fft.ifft2.
func TestPeriodicGRFAgainstNumPy(t *testing.T) {
	var fx struct {
		Cases []struct {
			S          int
			Alpha, Tau float64
			Xi, Eta, U []float64
		}
	}
	loadJSON(t, "grf_periodic.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no cases in grf_periodic.json")
	}
	for _, c := range fx.Cases {
		g, err := NewPeriodicGRF(c.S, &GRFOptions{Alpha: c.Alpha, Tau: c.Tau})
		if err != nil {
			t.Fatal(err)
		}
		got := g.FromNormals(nil, c.Xi, c.Eta)
		if e := maxRelDiff(got, c.U); e > 1e-12 {
			t.Errorf("s=%d α=%g τ=%g: differs from numpy by %g", c.S, c.Alpha, c.Tau, e)
		}
	}
}

// TestPeriodicGRFVariance: the empirical pointwise variance over many
// samples matches Variance, every sample has grid mean zero (no constant
// mode), and Sample is FromNormals of the normals it draws.
func TestPeriodicGRFVariance(t *testing.T) {
	const s, samples = 16, 400
	g, err := NewPeriodicGRF(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	u := make([]float64, s*s)
	var sum2 float64
	for k := 0; k < samples; k++ {
		g.Sample(u, rnd)
		mean := 0.0
		for _, v := range u {
			mean += v
			sum2 += v * v
		}
		if math.Abs(mean/float64(s*s)) > 1e-14 {
			t.Fatalf("sample %d: grid mean %g", k, mean/float64(s*s))
		}
	}
	got, want := sum2/float64(samples*s*s), g.Variance()
	if math.Abs(got/want-1) > 0.1 {
		t.Errorf("empirical variance %g, Variance() %g", got, want)
	}
	// Sample draws ξ then η from the stream.
	r1, r2 := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	a := g.Sample(nil, r1)
	z := make([]float64, 2*s*s)
	for i := range z {
		z[i] = r2.NormFloat64()
	}
	if e := maxRelDiff(a, g.FromNormals(nil, z[:s*s], z[s*s:])); e != 0 {
		t.Errorf("Sample differs from FromNormals of its normals by %g", e)
	}
	if g.Size() != s {
		t.Errorf("Size %d", g.Size())
	}
}

// TestPeriodicGRFStd: at the SKR code's parameters (α = 2.5, τ = 7, s = 82)
// the field's standard deviation is about 0.19, smaller than GRF's.
func TestPeriodicGRFStd(t *testing.T) {
	g, err := NewPeriodicGRF(82, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sd := math.Sqrt(g.Variance()); sd < 0.17 || sd > 0.21 {
		t.Errorf("standard deviation %g, want about 0.19", sd)
	}
}

func TestPeriodicGRFErrors(t *testing.T) {
	if _, err := NewPeriodicGRF(0, nil); err == nil || !strings.Contains(err.Error(), "grid 0") {
		t.Errorf("s = 0: %v", err)
	}
	if _, err := NewPeriodicGRF(8, &GRFOptions{Alpha: 0.5}); err == nil || !strings.Contains(err.Error(), "alpha") {
		t.Errorf("α = 0.5: %v", err)
	}
	g, _ := NewPeriodicGRF(4, nil)
	for name, f := range map[string]func(){
		"short xi":  func() { g.FromNormals(nil, make([]float64, 15), make([]float64, 16)) },
		"short dst": func() { g.FromNormals(make([]float64, 3), make([]float64, 16), make([]float64, 16)) },
		"bad dst":   func() { g.Sample(make([]float64, 17), rand.New(rand.NewPCG(1, 1))) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestDarcyPeriodicField: DarcyOptions.PeriodicGRF draws K = exp of the
// periodic field from the same stream.
func TestDarcyPeriodicField(t *testing.T) {
	const g = 10
	d, err := NewDarcy(g, &DarcyOptions{PeriodicGRF: true, Scheme: SKRCodeScheme})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := d.GRF().(*PeriodicGRF)
	if !ok {
		t.Fatalf("GRF() is %T, want *PeriodicGRF", d.GRF())
	}
	K := d.Field(9, 4)
	u := p.Sample(nil, rand.New(rand.NewPCG(9, 4)))
	for i := range u {
		if K[i] != math.Exp(u[i]) {
			t.Fatalf("K[%d] = %v, want exp(%v)", i, K[i], u[i])
		}
	}
	if _, _, err := d.Assemble(K); err != nil {
		t.Fatal(err)
	}
}

func TestNewVariantAndParseGRF(t *testing.T) {
	v := Variant{Scheme: SKRCodeScheme, PeriodicGRF: true}
	for _, name := range []string{"darcy", "helmholtz"} {
		f, err := NewVariant(name, 6, v)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name() != name {
			t.Errorf("NewVariant(%s) gave %s", name, f.Name())
		}
		if _, ok := f.(interface{ GRF() Sampler }).GRF().(*PeriodicGRF); !ok {
			t.Errorf("%s: GRF is not periodic", name)
		}
	}
	if _, err := NewVariant("poisson", 6, v); err == nil || !strings.Contains(err.Error(), "darcy and helmholtz only") {
		t.Errorf("poisson with a variant: %v", err)
	}
	if f, err := NewVariant("thermal", 6, Variant{}); err != nil || f.Name() != "thermal" {
		t.Errorf("thermal: %v", err)
	}
	if _, err := NewVariant("darcy", 1, Variant{}); err == nil {
		t.Error("grid 1 accepted")
	}
	for name, want := range map[string]bool{"neumann": false, "periodic": true} {
		if got, err := ParseGRF(name); err != nil || got != want {
			t.Errorf("ParseGRF(%s) = %v, %v", name, got, err)
		}
	}
	if _, err := ParseGRF("white"); err == nil || !strings.Contains(err.Error(), `unknown GRF "white"`) {
		t.Errorf("ParseGRF(white): %v", err)
	}
}
