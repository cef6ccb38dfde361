package pde

import (
	"math"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/sparse"
)

// TestDarcyAgainstAnchor: the same K gives the same CSR matrix and b as the
// SKR anchor's darcy(K) (fixture by testdata/pde/make_fixtures.py, g = 6),
// and SKRCodeScheme gives those of the SKR authors' build_darcy (g = 7).
func TestDarcyAgainstAnchor(t *testing.T) {
	for _, tc := range []struct {
		file   string
		scheme Scheme
	}{
		{"darcy.json", FluxScheme},
		{"darcy_skr.json", SKRCodeScheme},
	} {
		t.Run(tc.scheme.String(), func(t *testing.T) {
			var fx systemFixture
			loadJSON(t, tc.file, &fx)
			d, err := NewDarcy(fx.G, &DarcyOptions{Scheme: tc.scheme})
			if err != nil {
				t.Fatal(err)
			}
			fx.check(t, d, fx.K)
		})
	}
}

// TestSKRCodeSchemeIsLaplacianTimesK: the SKR code's matrix is L·diag(K) on
// the interior nodes, L the 5-point Laplacian stencil of sparse.Laplacian2D,
// except for the south coupling, which build_darcy takes from the (g+2)-wide
// field two places earlier (see SKRCodeScheme).
func TestSKRCodeSchemeIsLaplacianTimesK(t *testing.T) {
	const g = 9
	d, err := NewDarcy(g, &DarcyOptions{Scheme: SKRCodeScheme})
	if err != nil {
		t.Fatal(err)
	}
	if d.Scheme() != SKRCodeScheme || d.Name() != "darcy" {
		t.Fatalf("scheme %v, name %q", d.Scheme(), d.Name())
	}
	K := d.Field(3, 1)
	A, b, err := d.Assemble(K)
	if err != nil {
		t.Fatal(err)
	}
	kint := make([]float64, g*g)
	for i := range kint {
		kint[i] = K[(i/g+1)*(g+2)+i%g+1]
	}
	want := sparse.Laplacian2D(g, g)
	want.ScaleCols(kint)
	indptr, ind, val := want.Raw()
	for p := g; p < g*g; p++ {
		if int(ind[indptr[p]]) != p-g {
			t.Fatalf("row %d: first entry in column %d, want %d", p, ind[indptr[p]], p-g)
		}
		q := p - 2
		val[indptr[p]] = -K[(q/g)*(g+2)+q%g+1]
	}
	sameCSR(t, A, want, 0)
	if h := 1.0 / (g - 1); b[0] != h*h {
		t.Errorf("b[0] = %v, want h² = %v with h = 1/(g−1)", b[0], h*h)
	}
}

func TestScheme(t *testing.T) {
	for _, s := range []Scheme{FluxScheme, SKRCodeScheme} {
		got, err := ParseScheme(s.String())
		if err != nil || got != s {
			t.Errorf("ParseScheme(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := ParseScheme("fem"); err == nil || !strings.Contains(err.Error(), `unknown scheme "fem"`) {
		t.Errorf("ParseScheme(fem): %v", err)
	}
	if _, err := NewDarcy(8, &DarcyOptions{Scheme: 7}); err == nil || !strings.Contains(err.Error(), "unknown scheme Scheme(7)") {
		t.Errorf("NewDarcy with scheme 7: %v", err)
	}
}

// TestDarcyConstantK: K ≡ 1 gives the unscaled 5-point Laplacian and b = h².
func TestDarcyConstantK(t *testing.T) {
	for _, g := range []int{2, 3, 7, 12} {
		d, _ := NewDarcy(g, nil)
		K := make([]float64, (g+2)*(g+2))
		fillConst(K, 1)
		A, b, err := d.Assemble(K)
		if err != nil {
			t.Fatal(err)
		}
		sameCSR(t, A, sparse.Laplacian2D(g, g), 0)
		h := 1 / float64(g+1)
		for i, v := range b {
			if v != h*h {
				t.Fatalf("g=%d: b[%d] = %g, want h² = %g", g, i, v, h*h)
			}
		}
	}
}

// smoothK is a smooth positive permeability for the manufactured tests.
func smoothK(x, y float64) float64 { return 1 + 0.5*math.Sin(2*x+1)*math.Cos(3*y) + x*y }

// TestDarcyConvergence: with the manufactured solution u = sin(πx) sin(2πy)
// and f = −∇·(K∇u) for a smooth K, the discrete solution of our operator
// (A u = h² f, solved by dense LU) converges at O(h²) in the max norm: the
// error ratio between h and h/2 is ≈ 4.
func TestDarcyConvergence(t *testing.T) {
	u := func(x, y float64) float64 { return math.Sin(math.Pi*x) * math.Sin(2*math.Pi*y) }
	f := func(x, y float64) float64 {
		K := smoothK(x, y)
		Kx := math.Cos(2*x+1)*math.Cos(3*y) + y
		Ky := -1.5*math.Sin(2*x+1)*math.Sin(3*y) + x
		ux := math.Pi * math.Cos(math.Pi*x) * math.Sin(2*math.Pi*y)
		uy := 2 * math.Pi * math.Sin(math.Pi*x) * math.Cos(2*math.Pi*y)
		lap := -5 * math.Pi * math.Pi * u(x, y)
		return -(Kx*ux + Ky*uy + K*lap)
	}
	var errs []float64
	for _, g := range []int{7, 15, 31} {
		d, _ := NewDarcy(g, nil)
		s, h := g+2, 1/float64(g+1)
		K := make([]float64, s*s)
		for i := 0; i < s; i++ {
			for j := 0; j < s; j++ {
				K[i*s+j] = smoothK(float64(j)*h, float64(i)*h)
			}
		}
		A, _, err := d.Assemble(K)
		if err != nil {
			t.Fatal(err)
		}
		if !A.IsSymmetric(0) {
			t.Fatalf("g=%d: A not symmetric", g)
		}
		b := make([]float64, g*g)
		for i := 0; i < g; i++ {
			for j := 0; j < g; j++ {
				b[i*g+j] = h * h * f(float64(j+1)*h, float64(i+1)*h)
			}
		}
		x := denseSolve(t, A, b)
		if r := residual(A, x, b); r > 1e-10 {
			t.Fatalf("g=%d: dense solve residual %g", g, r)
		}
		var e float64
		for i := 0; i < g; i++ {
			for j := 0; j < g; j++ {
				e = math.Max(e, math.Abs(x[i*g+j]-u(float64(j+1)*h, float64(i+1)*h)))
			}
		}
		errs = append(errs, e)
	}
	for k := 1; k < len(errs); k++ {
		// Second order: ratio → 4; 3.5 leaves room for the pre-asymptotic
		// regime at g = 7.
		if r := errs[k-1] / errs[k]; r < 3.5 || r > 4.6 {
			t.Errorf("error ratio %g between grids %d and %d, want ≈ 4 (errors %v)", r, k-1, k, errs)
		}
	}
	t.Logf("max errors %v", errs)
}

// TestDarcyField: Field returns K = exp(GRF) with K > 0 everywhere, of the
// right shape, and assembles into a symmetric matrix with positive diagonal
// and zero row sums away from the boundary.
func TestDarcyField(t *testing.T) {
	d, _ := NewDarcy(9, nil)
	K := d.Field(1, 0)
	if len(K) != 11*11 {
		t.Fatalf("len %d", len(K))
	}
	for i, v := range K {
		if !(v > 0) {
			t.Fatalf("K[%d] = %g", i, v)
		}
	}
	A, b, err := d.Assemble(K)
	if err != nil {
		t.Fatal(err)
	}
	if !A.IsSymmetric(0) {
		t.Error("A not symmetric")
	}
	for i := 1; i < 8; i++ {
		for j := 1; j < 8; j++ {
			_, val := A.Row(i*9 + j)
			var s float64
			for _, v := range val {
				s += v
			}
			if math.Abs(s) > 1e-14 {
				t.Errorf("interior row (%d,%d) sums to %g", i, j, s)
			}
		}
	}
	x := denseSolve(t, A, b)
	for i, v := range x {
		if !(v > 0) { // maximum principle: f > 0, u = 0 on the boundary
			t.Fatalf("u[%d] = %g, want > 0", i, v)
		}
	}
}

func TestDarcyAssembleInto(t *testing.T) {
	d, _ := NewDarcy(12, nil)
	A, b, err := d.Assemble(d.Field(3, 0))
	if err != nil {
		t.Fatal(err)
	}
	K := d.Field(3, 1)
	want, wantb, _ := d.Assemble(K)
	if err := d.AssembleInto(A, b, K); err != nil {
		t.Fatal(err)
	}
	sameCSR(t, A, want, 0)
	if !equal(b, wantb) {
		t.Error("b differs")
	}
	if n := testing.AllocsPerRun(10, func() { _ = d.AssembleInto(A, b, K) }); n != 0 {
		t.Errorf("AssembleInto allocates %v times", n)
	}
	other, _ := NewDarcy(11, nil)
	mustPanic(t, "AssembleInto with another grid's A", func() { _ = other.AssembleInto(A, b, other.Field(0, 0)) })
	mustPanic(t, "AssembleInto with short b", func() { _ = d.AssembleInto(A, b[:5], K) })
	K[0] = -1
	if err := d.AssembleInto(A, b, K); err == nil {
		t.Error("AssembleInto accepted K < 0")
	}
}

func TestDarcyBadInput(t *testing.T) {
	d, _ := NewDarcy(4, nil)
	good := d.Field(0, 0)
	for _, c := range []struct {
		name, want string
		edit       func([]float64) []float64
	}{
		{"short", "field has 35 values, want 36", func(k []float64) []float64 { return k[:35] }},
		{"long", "field has 37 values, want 36", func(k []float64) []float64 { return append(k, 1) }},
		{"empty", "field has 0 values", func(k []float64) []float64 { return nil }},
		{"NaN", "permeability K at node (2,3) is NaN", func(k []float64) []float64 { k[2*6+3] = math.NaN(); return k }},
		{"Inf", "permeability K at node (0,0) is +Inf", func(k []float64) []float64 { k[0] = math.Inf(1); return k }},
		{"zero", "permeability K at node (5,5) is 0, must be > 0", func(k []float64) []float64 { k[35] = 0; return k }},
		{"negative", "permeability K at node (1,0) is -2, must be > 0", func(k []float64) []float64 { k[6] = -2; return k }},
		{"overflow", "assembled entry (0,0) is +Inf: the field's values overflow", func(k []float64) []float64 {
			for i := range k {
				k[i] = math.MaxFloat64
			}
			return k
		}},
	} {
		K := c.edit(append([]float64(nil), good...))
		_, _, err := d.Assemble(K)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name string
		g    int
		o    *DarcyOptions
	}{
		{"grid 1", 1, nil},
		{"grid 0", 0, nil},
		{"grid -3", -3, nil},
		{"grid too large", MaxGrid + 1, nil},
		{"source NaN", 4, &DarcyOptions{Source: math.NaN()}},
		{"source Inf", 4, &DarcyOptions{Source: math.Inf(-1)}},
		{"bad alpha", 4, &DarcyOptions{GRF: GRFOptions{Alpha: 0.5}}},
	} {
		if _, err := NewDarcy(c.g, c.o); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}
