package pde

import (
	"math"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/sparse"
)

func TestChebyshev(t *testing.T) {
	c := []float64{0.3, -1.2, 0.7, 2.5, -0.4, 0.9}
	for _, x := range []float64{-1, -0.73, 0, 0.2, 0.5, 0.999, 1} {
		var want float64
		for k, ck := range c {
			want += ck * math.Cos(float64(k)*math.Acos(x))
		}
		if got := chebyshev(c, x); math.Abs(got-want) > 1e-14 {
			t.Errorf("x=%g: %g, want %g", x, got, want)
		}
	}
	// Outside [−1, 1] compare with the three-term recurrence.
	for _, x := range []float64{1.5, -2} {
		t0, t1, want := 1.0, x, c[0]+c[1]*x
		for k := 2; k < len(c); k++ {
			t0, t1 = t1, 2*x*t1-t0
			want += c[k] * t1
		}
		if got := chebyshev(c, x); math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("x=%g: %g, want %g", x, got, want)
		}
	}
	if chebyshev(nil, 0.5) != 0 || chebyshev([]float64{2}, 0.5) != 2 {
		t.Error("degenerate series")
	}
}

// chebCoeffs returns the first n Chebyshev coefficients of f on [−1, 1] by
// interpolation at N = 40 Chebyshev points (exact to rounding for the
// entire functions used here).
func chebCoeffs(f func(float64) float64, n int) []float64 {
	const N = 40
	c := make([]float64, n)
	for k := 0; k < n; k++ {
		var s float64
		for j := 0; j < N; j++ {
			th := math.Pi * (float64(j) + 0.5) / N
			s += f(math.Cos(th)) * math.Cos(float64(k)*th)
		}
		c[k] = 2 * s / N
	}
	c[0] /= 2
	return c
}

// TestPoissonQuadraticExact: u = −(c/2)x² + a1 x + a0 + e(y² − x²) + d x y
// has −Δu = c and quadratic boundary data, which degree-2 Chebyshev series
// represent exactly; the 5-point scheme is exact for it, so the discrete
// solution equals u at the nodes.
func TestPoissonQuadraticExact(t *testing.T) {
	const c, a0, a1, e, d = 1.7, -0.3, 0.8, 0.45, -1.1
	u := func(x, y float64) float64 { return -c/2*x*x + a1*x + a0 + e*(y*y-x*x) + d*x*y }
	// Chebyshev coefficients of α + βt + γt²: [α + γ/2, β, γ/2].
	quad := func(alpha, beta, gamma float64) []float64 {
		return []float64{alpha + gamma/2, beta, gamma / 2, 0, 0, 0}
	}
	var field []float64
	field = append(field, c, 0, 0, 0, 0, 0)            // source
	field = append(field, quad(a0, a1, -c/2-e)...)     // bottom u(x,0)
	field = append(field, quad(-c/2+a1+a0-e, d, e)...) // right u(1,y)
	field = append(field, quad(a0+e, a1+d, -c/2-e)...) // top u(x,1)
	field = append(field, quad(a0, 0, e)...)           // left u(0,y)
	for _, g := range []int{2, 3, 9} {
		p, _ := NewPoisson(g, nil)
		A, b, err := p.Assemble(field)
		if err != nil {
			t.Fatal(err)
		}
		x := denseSolve(t, A, b)
		h := 1 / float64(g+1)
		want := make([]float64, g*g)
		for i := 0; i < g; i++ {
			for j := 0; j < g; j++ {
				want[i*g+j] = u(float64(j+1)*h, float64(i+1)*h)
			}
		}
		if e := maxRelDiff(x, want); e > 1e-13 {
			t.Errorf("g=%d: discrete solution differs from the exact quadratic by %g", g, e)
		}
	}
}

// TestPoissonConvergence: u = eˣ sin y + sin(πx) has −Δu = π² sin(πx) (a
// function of x only, as the family's source is) and smooth boundary data;
// with the four sides and the source given as degree-24 Chebyshev series the
// max-norm error of the discrete solution falls by ≈ 4 when h halves.
func TestPoissonConvergence(t *testing.T) {
	const deg = 24
	u := func(x, y float64) float64 { return math.Exp(x)*math.Sin(y) + math.Sin(math.Pi*x) }
	var field []float64
	field = append(field, chebCoeffs(func(x float64) float64 { return math.Pi * math.Pi * math.Sin(math.Pi*x) }, deg+1)...)
	field = append(field, chebCoeffs(func(x float64) float64 { return u(x, 0) }, deg+1)...)
	field = append(field, chebCoeffs(func(y float64) float64 { return u(1, y) }, deg+1)...)
	field = append(field, chebCoeffs(func(x float64) float64 { return u(x, 1) }, deg+1)...)
	field = append(field, chebCoeffs(func(y float64) float64 { return u(0, y) }, deg+1)...)
	var errs []float64
	for _, g := range []int{7, 15, 31} {
		p, err := NewPoisson(g, &PoissonOptions{Degree: deg})
		if err != nil {
			t.Fatal(err)
		}
		A, b, err := p.Assemble(field)
		if err != nil {
			t.Fatal(err)
		}
		x := denseSolve(t, A, b)
		h := 1 / float64(g+1)
		var e float64
		for i := 0; i < g; i++ {
			for j := 0; j < g; j++ {
				e = math.Max(e, math.Abs(x[i*g+j]-u(float64(j+1)*h, float64(i+1)*h)))
			}
		}
		errs = append(errs, e)
	}
	t.Logf("max errors %v", errs)
	for k := 1; k < len(errs); k++ {
		if r := errs[k-1] / errs[k]; r < 3.5 || r > 4.6 {
			t.Errorf("error ratio %g between grids %d and %d, want ≈ 4 (errors %v)", r, k-1, k, errs)
		}
	}
}

func TestPoissonMatrixAndField(t *testing.T) {
	p, _ := NewPoisson(6, nil)
	f := p.Field(3, 7)
	if len(f) != 30 {
		t.Fatalf("field length %d", len(f))
	}
	for i, v := range f {
		if v < -1 || v >= 1 {
			t.Fatalf("coefficient %d = %g out of [−1, 1)", i, v)
		}
	}
	A, b, err := p.Assemble(f)
	if err != nil {
		t.Fatal(err)
	}
	sameCSR(t, A, sparse.Laplacian2D(6, 6), 0)
	A.Scale(3) // AssembleInto must restore the values
	wantb := append([]float64(nil), b...)
	f2 := p.Field(3, 8)
	if err := p.AssembleInto(A, b, f2); err != nil {
		t.Fatal(err)
	}
	sameCSR(t, A, sparse.Laplacian2D(6, 6), 0)
	_, b2, _ := p.Assemble(f2)
	if !equal(b, b2) || equal(b, wantb) {
		t.Error("AssembleInto b wrong")
	}
	if n := testing.AllocsPerRun(10, func() { _ = p.AssembleInto(A, b, f2) }); n != 0 {
		t.Errorf("AssembleInto allocates %v times", n)
	}
	mustPanic(t, "AssembleInto with short b", func() { _ = p.AssembleInto(A, b[:3], f2) })
}

func TestPoissonBadInput(t *testing.T) {
	p, _ := NewPoisson(4, nil)
	good := p.Field(0, 0)
	for _, c := range []struct {
		name, want string
		edit       func([]float64) []float64
	}{
		{"short", "field has 29 values, want 30 (shape [5 6])", func(f []float64) []float64 { return f[:29] }},
		{"NaN", "field value 12 is NaN", func(f []float64) []float64 { f[12] = math.NaN(); return f }},
		{"Inf", "field value 0 is +Inf", func(f []float64) []float64 { f[0] = math.Inf(1); return f }},
	} {
		_, _, err := p.Assemble(c.edit(append([]float64(nil), good...)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	for _, o := range []*PoissonOptions{{Degree: -1}, {Degree: 1001}} {
		if _, err := NewPoisson(4, o); err == nil {
			t.Errorf("degree %d: no error", o.Degree)
		}
	}
	if _, err := NewPoisson(1, nil); err == nil {
		t.Error("grid 1: no error")
	}
}
