package pde

import (
	"math"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// constHelmholtzField returns the field a ≡ 1, wavenumber k.
func constHelmholtzField(g int, k float64) []float64 {
	s := g + 2
	f := make([]float64, s*s+1)
	fillConst(f[:s*s], 1)
	f[s*s] = k
	return f
}

// TestHelmholtzZeroWavenumberIsDarcy: with k = 0 the matrix is Darcy's.
func TestHelmholtzZeroWavenumberIsDarcy(t *testing.T) {
	m, _ := NewHelmholtz(9, nil)
	d, _ := NewDarcy(9, nil)
	field := m.Field(5, 0)
	field[len(field)-1] = 0
	A, b, err := m.Assemble(field)
	if err != nil {
		t.Fatal(err)
	}
	Ad, bd, _ := d.Assemble(field[:len(field)-1])
	sameCSR(t, A, Ad, 0)
	if !equal(b, bd) {
		t.Error("b differs from Darcy's")
	}
}

// discreteEig returns the closed-form eigenvalues of the scaled 5-point
// Laplacian minus h²k²: 4 sin²(pπh/2) + 4 sin²(qπh/2) − h²k², p, q = 1..g.
func discreteEig(g int, k float64) []float64 {
	h := 1 / float64(g+1)
	var ev []float64
	for p := 1; p <= g; p++ {
		for q := 1; q <= g; q++ {
			sp, sq := math.Sin(float64(p)*math.Pi*h/2), math.Sin(float64(q)*math.Pi*h/2)
			ev = append(ev, 4*sp*sp+4*sq*sq-h*h*k*k)
		}
	}
	sort.Float64s(ev)
	return ev
}

// TestHelmholtzConstantEigenvalues: for a ≡ 1 and constant k the spectrum
// of A is the closed-form discrete one, including the number of negative
// eigenvalues once A is indefinite.
func TestHelmholtzConstantEigenvalues(t *testing.T) {
	const g = 8
	m, _ := NewHelmholtz(g, nil)
	for _, k := range []float64{0.5, 3, 12, 25} {
		A, _, err := m.Assemble(constHelmholtzField(g, k))
		if err != nil {
			t.Fatal(err)
		}
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(g*g, A.ToDense().RawMatrix().Data), false) {
			t.Fatal("EigenSym failed")
		}
		got := es.Values(nil)
		want := discreteEig(g, k)
		// Dense symmetric eigensolver: backward stable, |error| ≲ n·eps·‖A‖.
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("k=%g: eigenvalue %d = %.15g, closed form %.15g", k, i, got[i], want[i])
			}
		}
		neg := sort.SearchFloat64s(want, 0)
		t.Logf("k=%g: %d of %d eigenvalues negative", k, neg, g*g)
		if k >= 12 && neg == 0 {
			t.Errorf("k=%g: expected an indefinite matrix", k)
		}
	}
}

// TestHelmholtzSolveAgainstSineSeries: for a ≡ 1 and constant k, the
// discrete solution is the sine series u = Σ ⟨v_pq, b⟩/λ_pq v_pq with the
// orthonormal eigenvectors v_pq = (2/(g+1)) sin(pπx) sin(qπy); compare with
// gonum's dense LU of the assembled system, for a definite and an
// indefinite k.
func TestHelmholtzSolveAgainstSineSeries(t *testing.T) {
	const g = 12
	m, _ := NewHelmholtz(g, nil)
	h := 1 / float64(g+1)
	for _, k := range []float64{0.8, 9.5} {
		A, b, err := m.Assemble(constHelmholtzField(g, k))
		if err != nil {
			t.Fatal(err)
		}
		got := denseSolve(t, A, b)
		want := make([]float64, g*g)
		v := make([]float64, g*g)
		for p := 1; p <= g; p++ {
			for q := 1; q <= g; q++ {
				var dot float64
				for i := 0; i < g; i++ {
					for j := 0; j < g; j++ {
						v[i*g+j] = 2 * h * math.Sin(float64(p)*math.Pi*float64(j+1)*h) * math.Sin(float64(q)*math.Pi*float64(i+1)*h)
						dot += v[i*g+j] * b[i*g+j]
					}
				}
				sp, sq := math.Sin(float64(p)*math.Pi*h/2), math.Sin(float64(q)*math.Pi*h/2)
				lam := 4*sp*sp + 4*sq*sq - h*h*k*k
				for i := range want {
					want[i] += dot / lam * v[i]
				}
			}
		}
		// Condition number ≤ ~1e3 here; sums of 144 terms: 1e-11 relative.
		if e := maxRelDiff(got, want); e > 1e-11 {
			t.Errorf("k=%g: dense solve differs from sine series by %g", k, e)
		}
	}
}

func TestHelmholtzField(t *testing.T) {
	for _, kmax := range []float64{0, 40} {
		m, _ := NewHelmholtz(6, &HelmholtzOptions{KMax: kmax})
		want := kmax
		if want == 0 {
			want = 1
		}
		var sum float64
		const n = 2000
		for i := 0; i < n; i++ {
			f := m.Field(9, i)
			k := f[len(f)-1]
			if k < 0 || k >= want {
				t.Fatalf("KMax %g: k = %g out of [0, %g)", kmax, k, want)
			}
			sum += k
			for p, a := range f[:len(f)-1] {
				if !(a > 0) {
					t.Fatalf("a[%d] = %g", p, a)
				}
			}
		}
		// Mean of U(0, K): K/2 with standard error K/√(12n) ≈ 0.0065K.
		if m := sum / n; math.Abs(m-want/2) > 0.03*want {
			t.Errorf("KMax %g: mean k = %g, want ≈ %g", kmax, m, want/2)
		}
	}
}

func TestHelmholtzAssembleInto(t *testing.T) {
	m, _ := NewHelmholtz(10, &HelmholtzOptions{KMax: 30})
	A, b, _ := m.Assemble(m.Field(1, 0))
	f := m.Field(1, 1)
	wantA, wantb, _ := m.Assemble(f)
	if err := m.AssembleInto(A, b, f); err != nil {
		t.Fatal(err)
	}
	sameCSR(t, A, wantA, 0)
	if !equal(b, wantb) {
		t.Error("b differs")
	}
	if n := testing.AllocsPerRun(10, func() { _ = m.AssembleInto(A, b, f) }); n != 0 {
		t.Errorf("AssembleInto allocates %v times", n)
	}
	d, _ := NewDarcy(9, nil)
	Ad, bd, _ := d.Assemble(d.Field(0, 0))
	mustPanic(t, "AssembleInto with another grid's A", func() { _ = m.AssembleInto(Ad, bd, f) })
}

func TestHelmholtzBadInput(t *testing.T) {
	m, _ := NewHelmholtz(3, nil)
	good := m.Field(0, 0) // 26 values
	for _, c := range []struct {
		name, want string
		edit       func([]float64) []float64
	}{
		{"short", "field has 25 values, want 26", func(f []float64) []float64 { return f[:25] }},
		{"long", "field has 27 values, want 26", func(f []float64) []float64 { return append(f, 0) }},
		{"a NaN", "medium coefficient a at node (1,2) is NaN", func(f []float64) []float64 { f[7] = math.NaN(); return f }},
		{"a zero", "medium coefficient a at node (0,4) is 0, must be > 0", func(f []float64) []float64 { f[4] = 0; return f }},
		{"a negative", "is -1, must be > 0", func(f []float64) []float64 { f[24] = -1; return f }},
		{"k NaN", "wavenumber k (field value 25) is NaN", func(f []float64) []float64 { f[25] = math.NaN(); return f }},
		{"k Inf", "wavenumber k (field value 25) is -Inf", func(f []float64) []float64 { f[25] = math.Inf(-1); return f }},
		{"h²k² overflows", "assembled entry (0,0) is -Inf: the field's values overflow", func(f []float64) []float64 { f[25] = 1e200; return f }},
		{"a overflows", "assembled entry (0,0) is +Inf", func(f []float64) []float64 {
			for i := range f[:25] {
				f[i] = math.MaxFloat64
			}
			return f
		}},
	} {
		_, _, err := m.Assemble(c.edit(append([]float64(nil), good...)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
		A, b, _ := m.Assemble(good)
		if err := m.AssembleInto(A, b, c.edit(append([]float64(nil), good...))); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: AssembleInto error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name string
		g    int
		o    *HelmholtzOptions
	}{
		{"grid 1", 1, nil},
		{"grid too large", MaxGrid + 1, nil},
		{"KMax < 0", 4, &HelmholtzOptions{KMax: -1}},
		{"KMax NaN", 4, &HelmholtzOptions{KMax: math.NaN()}},
		{"KMax Inf", 4, &HelmholtzOptions{KMax: math.Inf(1)}},
		{"source NaN", 4, &HelmholtzOptions{Source: math.NaN()}},
		{"bad tau", 4, &HelmholtzOptions{GRF: GRFOptions{Tau: -7}}},
	} {
		if _, err := NewHelmholtz(c.g, c.o); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// TestHelmholtzSKRCodeAgainstCode: SKRCodeScheme gives, bit for bit, the
// matrix and right-hand side of the SKR authors' build_helmholtz (fixture by
// testdata/pde/make_fixtures.py, g = 7), also through AssembleInto.
func TestHelmholtzSKRCodeAgainstCode(t *testing.T) {
	var fx systemFixture
	loadJSON(t, "helmholtz_skr.json", &fx)
	m, err := NewHelmholtz(fx.G, &HelmholtzOptions{Scheme: SKRCodeScheme})
	if err != nil {
		t.Fatal(err)
	}
	if m.Scheme() != SKRCodeScheme {
		t.Fatalf("Scheme() = %v", m.Scheme())
	}
	fx.check(t, m, fx.Field)
	if _, err := NewHelmholtz(8, &HelmholtzOptions{Scheme: 5}); err == nil || !strings.Contains(err.Error(), "helmholtz: unknown scheme Scheme(5)") {
		t.Errorf("scheme 5: %v", err)
	}
	p, _ := NewHelmholtz(8, &HelmholtzOptions{PeriodicGRF: true})
	if _, ok := p.GRF().(*PeriodicGRF); !ok {
		t.Errorf("PeriodicGRF option: GRF() is %T", p.GRF())
	}
}

// The wavenumber at which the default medium's systems turn indefinite is
// what HelmholtzOptions.KMax and the package documentation state: k² must
// exceed the smallest eigenvalue of the diffusion part, about 20 (k ≈ 4.5),
// so k = 4 still gives SPD systems and k = 5 indefinite ones. (The bound
// 2π²·min a, which the documentation once called the eigenvalue, is 7–13
// here and put the threshold at k ≈ 3–4.)
func TestHelmholtzIndefiniteThreshold(t *testing.T) {
	const g = 16
	m, err := NewHelmholtz(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	h2 := 1 / float64((g+1)*(g+1))
	for i := range 4 {
		field := m.Field(1, i)
		field[len(field)-1] = 0
		A, _, err := m.Assemble(field)
		if err != nil {
			t.Fatal(err)
		}
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(g*g, A.ToDense().RawMatrix().Data), false) {
			t.Fatal("EigenSym failed")
		}
		lam := es.Values(nil)[0] / h2
		minA := math.Inf(1)
		for _, a := range field[:len(field)-1] {
			minA = min(minA, a)
		}
		t.Logf("field %d: smallest eigenvalue %.2f (k = %.2f), 2π²·min a = %.2f", i, lam, math.Sqrt(lam), 2*math.Pi*math.Pi*minA)
		if lam < 2*math.Pi*math.Pi*minA {
			t.Errorf("field %d: smallest eigenvalue %g below the bound 2π²·min a = %g", i, lam, 2*math.Pi*math.Pi*minA)
		}
		if lam <= 4*4 || lam >= 5*5 {
			t.Errorf("field %d: smallest eigenvalue %g, documented as about 20 (indefinite for k = 5, not for k = 4)", i, lam)
		}
	}
}
