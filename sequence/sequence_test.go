package sequence

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/pde"
)

func randFields(n, d int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := make([][]float64, n)
	for i := range f {
		f[i] = make([]float64, d)
		for j := range f[i] {
			f[i][j] = rng.NormFloat64()
		}
	}
	return f
}

// naiveGreedy is Algorithm 1 written as plainly as possible.
func naiveGreedy(f [][]float64) []int {
	n := len(f)
	used := make([]bool, n)
	order := []int{0}
	used[0] = true
	for len(order) < n {
		c := f[order[len(order)-1]]
		best, bd := -1, math.Inf(1)
		for j := 0; j < n; j++ {
			if used[j] {
				continue
			}
			d := 0.0
			for k := range c {
				d += (c[k] - f[j][k]) * (c[k] - f[j][k])
			}
			if d < bd {
				best, bd = j, d
			}
		}
		used[best] = true
		order = append(order, best)
	}
	return order
}

func isPermutation(order []int, n int) bool {
	if len(order) != n {
		return false
	}
	seen := make([]bool, n)
	for _, i := range order {
		if i < 0 || i >= n || seen[i] {
			return false
		}
		seen[i] = true
	}
	return true
}

func TestGreedyMatchesNaive(t *testing.T) {
	for _, tc := range []struct{ n, d int }{{1, 3}, {2, 1}, {10, 5}, {40, 7}, {60, 3000}} {
		f := randFields(tc.n, tc.d, uint64(tc.n))
		got := Greedy(f)
		if want := naiveGreedy(f); !slices.Equal(got, want) {
			t.Errorf("n=%d d=%d: got %v, want %v", tc.n, tc.d, got, want)
		}
	}
	if got := Greedy(nil); len(got) != 0 {
		t.Errorf("Greedy(nil) = %v", got)
	}
}

// Equidistant candidates go to the lowest index, also when the
// candidates are split between parallel parts.
func TestGreedyTiesLowestIndex(t *testing.T) {
	d := 5000 // 20·5000 ≥ greedyParallelMin: parallel steps
	f := make([][]float64, 20)
	for i := range f {
		f[i] = make([]float64, d)
	}
	// 0 at the origin; 1..19 all at distance 1 from it, pairwise √2 apart
	// except 7 and 13, which coincide.
	for i := 1; i < 20; i++ {
		f[i][i] = 1
	}
	f[13] = f[7]
	got := Greedy(f)
	want := []int{0, 1, 2, 3, 4, 5, 6, 7, 13, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestGreedyShortensThePath(t *testing.T) {
	fam, err := pde.New("darcy", 16)
	if err != nil {
		t.Fatal(err)
	}
	f := make([][]float64, 60)
	for i := range f {
		f[i] = fam.Field(1, i)
	}
	id := make([]int, len(f))
	for i := range id {
		id[i] = i
	}
	g := Greedy(f)
	if pathLength(f, g) >= 0.8*pathLength(f, id) {
		t.Errorf("greedy path %g not much shorter than index order %g", pathLength(f, g), pathLength(f, id))
	}
	gr := Grouped(f, fam.FieldShape(), nil)
	if !isPermutation(gr, len(f)) {
		t.Fatalf("grouped order is not a permutation: %v", gr)
	}
	if pathLength(f, gr) >= pathLength(f, id) {
		t.Errorf("grouped path %g not shorter than index order %g", pathLength(f, gr), pathLength(f, id))
	}
}

func pathLength(f [][]float64, order []int) float64 {
	s := 0.0
	for t := 1; t < len(order); t++ {
		s += math.Sqrt(sqDist(f[order[t-1]], f[order[t]]))
	}
	return s
}

func TestGreedyPanicsOnRaggedFields(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "sequence: ") {
			t.Errorf("panic %v", r)
		}
	}()
	Greedy([][]float64{{1, 2}, {1}})
}

// naiveDFTShift computes the fftshifted 2-D DFT directly.
func naiveDFT2(f []float64, s1, s2 int, k1, k2 int) complex128 {
	var z complex128
	for n1 := 0; n1 < s1; n1++ {
		for n2 := 0; n2 < s2; n2++ {
			a := -2 * math.Pi * (float64(k1*n1)/float64(s1) + float64(k2*n2)/float64(s2))
			z += complex(f[n1*s2+n2], 0) * cmplx.Exp(complex(0, a))
		}
	}
	return z
}

func TestLowFrequencyAgainstDirectDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, tc := range []struct {
		shape    []int
		freq     int
		k1s, k2s []int // expected frequencies per axis
	}{
		{[]int{16, 14}, 12, rangeInts(-6, 6), rangeInts(-6, 6)},
		{[]int{5, 6}, 12, rangeInts(-2, 3), rangeInts(-3, 3)},
		{[]int{9, 9}, 3, rangeInts(-1, 2), rangeInts(-1, 2)},
		{[]int{20}, 4, []int{0}, rangeInts(-2, 2)},
		{[]int{2}, 12, []int{0}, rangeInts(-1, 1)},
	} {
		size := 1
		for _, s := range tc.shape {
			size *= s
		}
		f := make([]float64, size)
		for i := range f {
			f[i] = rng.NormFloat64()
		}
		got := LowFrequency(f, tc.shape, tc.freq)
		nf := len(tc.k1s) * len(tc.k2s)
		if len(got) != 2*nf {
			t.Fatalf("shape %v: %d features, want %d", tc.shape, len(got), 2*nf)
		}
		s1, s2 := 1, size
		if len(tc.shape) == 2 {
			s1, s2 = tc.shape[0], tc.shape[1]
		}
		for p, k1 := range tc.k1s {
			for q, k2 := range tc.k2s {
				want := naiveDFT2(f, s1, s2, k1, k2)
				g := complex(got[p*len(tc.k2s)+q], got[nf+p*len(tc.k2s)+q])
				if cmplx.Abs(g-want) > 1e-10*float64(size) {
					t.Errorf("shape %v k=(%d,%d): %v, want %v", tc.shape, k1, k2, g, want)
				}
			}
		}
	}
}

func rangeInts(lo, hi int) []int {
	var r []int
	for i := lo; i < hi; i++ {
		r = append(r, i)
	}
	return r
}

func TestLowFrequencyPanics(t *testing.T) {
	for _, f := range []func(){
		func() { LowFrequency(make([]float64, 6), []int{2, 2}, 2) },
		func() { LowFrequency(make([]float64, 4), []int{2, 2}, 0) },
		func() { LowFrequency(nil, nil, 3) },
		func() { LowFrequency(make([]float64, 16), []int{-4, -4}, 2) },
		func() { Bins([][]float64{{1, 2}, {3}}) },
		func() {
			Grouped([][]float64{{1, 2}, {3, 4}}, []int{2}, &GroupedOptions{Features: func([]float64) []float64 { return nil }})
		},
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.HasPrefix(r, "sequence: ") {
					t.Errorf("panic %q, want one starting with sequence:", r)
				}
			}()
			f()
		}()
	}
}

func TestPCAScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	// Points on a line in 3-D plus tiny noise in a second direction: one
	// dominant component aligned with (1, 2, 2)/3 (sign: largest entry
	// positive), a second much smaller one.
	X := make([][]float64, 50)
	dir := []float64{-1.0 / 3, -2.0 / 3, -2.0 / 3}
	for i := range X {
		a, b := rng.NormFloat64(), 1e-3*rng.NormFloat64()
		X[i] = []float64{a*dir[0] + b, a*dir[1] - b, a * dir[2]}
	}
	S := pcaScores(X, 7)
	if len(S[0]) != 2 {
		t.Fatalf("%d components, want 2 (the third has zero variance)", len(S[0]))
	}
	// Component 0 is the projection on +(1,2,2)/3 of the centred points.
	mean := make([]float64, 3)
	for _, x := range X {
		for j := range mean {
			mean[j] += x[j] / 50
		}
	}
	for i, x := range X {
		want := 0.0
		for j := range x {
			want -= (x[j] - mean[j]) * dir[j]
		}
		// The 1e-3 noise tilts the leading direction by about 1e-3 times
		// the sample correlation of the two signals (≈ 1/√50): 1e-4.
		if math.Abs(S[i][0]-want) > 1e-4 {
			t.Fatalf("score %d = %g, want %g", i, S[i][0], want)
		}
	}
	// Constant data: no component.
	C := [][]float64{{1, 2}, {1, 2}, {1, 2}}
	if S := pcaScores(C, 7); len(S[0]) != 0 {
		t.Errorf("constant data gave %d components", len(S[0]))
	}
}

func TestBins(t *testing.T) {
	scores := [][]float64{{0, 10}, {1, 10}, {0.4, 0}, {0.6, 5}}
	// Column 0: normalised 0, 1, .4, .6 → bits 0,1,0,1 (MSB). Column 1:
	// 1, 1, 0, .5 → bits 1,1,0,1 (LSB).
	want := []int{1, 3, 0, 3}
	if got := Bins(scores); !slices.Equal(got, want) {
		t.Errorf("Bins = %v, want %v", got, want)
	}
	if got := Bins([][]float64{{1}, {1}}); !slices.Equal(got, []int{0, 0}) {
		t.Errorf("constant column: %v", got)
	}
}

// With one component, Grouped puts the two clusters one after the other,
// and inside each cluster it runs greedy from the right start.
func TestGroupedTwoClusters(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	f := make([][]float64, 12)
	for i := range f {
		c := 0.0
		if i%2 == 1 {
			c = 100
		}
		f[i] = make([]float64, 16)
		for j := range f[i] {
			f[i][j] = c + rng.NormFloat64()
		}
	}
	order := Grouped(f, []int{4, 4}, &GroupedOptions{Dims: 1})
	if !isPermutation(order, 12) {
		t.Fatalf("not a permutation: %v", order)
	}
	first := order[0] % 2
	for t2, i := range order {
		if (t2 < 6) != (i%2 == first) {
			t.Fatalf("clusters interleaved: %v", order)
		}
	}
	idx := Grouped(f, []int{4, 4}, &GroupedOptions{Dims: 1, IndexOrder: true})
	for t2 := 1; t2 < 6; t2++ {
		if idx[t2] < idx[t2-1] {
			t.Fatalf("IndexOrder not in index order within a bin: %v", idx)
		}
	}
}

// Consecutive nonempty bins in the visiting order differ in one bit when
// every bin is occupied.
func TestGroupedGrayOrder(t *testing.T) {
	f := make([][]float64, 0, 64)
	// Points at the corners of a cube in 3-D (8 per corner), embedded in 6
	// values: three strong, independent directions.
	rng := rand.New(rand.NewPCG(5, 5))
	for c := 0; c < 8; c++ {
		for r := 0; r < 8; r++ {
			v := make([]float64, 6)
			for j := 0; j < 3; j++ {
				v[2*j] = float64((c>>j)&1)*10*float64(j+1) + 0.01*rng.NormFloat64()
			}
			f = append(f, v)
		}
	}
	feat := func(x []float64) []float64 { return append([]float64(nil), x...) }
	order := Grouped(f, []int{6}, &GroupedOptions{Dims: 3, Features: feat})
	if !isPermutation(order, 64) {
		t.Fatal("not a permutation")
	}
	corner := func(i int) int { return i / 8 }
	changes := 0
	for t2 := 1; t2 < 64; t2++ {
		a, b := corner(order[t2-1]), corner(order[t2])
		if a != b {
			changes++
			if x := a ^ b; x&(x-1) != 0 {
				t.Errorf("step %d jumps from corner %03b to %03b", t2, a, b)
			}
		}
	}
	if changes != 7 {
		t.Errorf("%d corner changes, want 7 (each corner visited once)", changes)
	}
}

func TestGroupedSmallAndDegenerate(t *testing.T) {
	if got := Grouped(nil, []int{2}, nil); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
	if got := Grouped([][]float64{{1, 2}}, []int{2}, nil); !slices.Equal(got, []int{0}) {
		t.Errorf("one field: %v", got)
	}
	same := [][]float64{{1, 2}, {1, 2}, {1, 2}}
	if got := Grouped(same, []int{2}, nil); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("identical fields: %v", got)
	}
	// Empty fields are all equal (Greedy's order); the PCA of no
	// features panicked in gonum.
	for _, shape := range [][]int{{0}, {0, 3}} {
		if got := Grouped([][]float64{{}, {}, {}}, shape, nil); !slices.Equal(got, []int{0, 1, 2}) {
			t.Errorf("empty fields, shape %v: %v", shape, got)
		}
	}
	// Thermal-like 2-value fields.
	f := randFields(30, 2, 6)
	if got := Grouped(f, []int{2}, nil); !isPermutation(got, 30) {
		t.Errorf("2-value fields: %v", got)
	}
	for _, o := range []*GroupedOptions{{Dims: 21}, {Freq: -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v: no panic", o)
				}
			}()
			Grouped(f, []int{2}, o)
		}()
	}
}

// Grouped's bins do not depend on rounding noise. Fields shifted by a
// constant have the same centred features (the constant moves only the
// DC coefficient, which centring removes), so they get the same bins and
// order. The features of a real field come in conjugate pairs whose
// imaginary parts are exact opposites, so a principal direction's largest
// magnitude is often attained twice with opposite signs; signing by the
// strict maximum picked one by rounding, and every system changed bin
// (the default and the pure-Go gonum builds gave different orders).
func TestGroupedSignReproducible(t *testing.T) {
	fam, err := pde.New("darcy", 10)
	if err != nil {
		t.Fatal(err)
	}
	shape := fam.FieldShape()
	for _, N := range []int{100, 200, 300} {
		F, G := make([][]float64, N), make([][]float64, N)
		fa, fb := make([][]float64, N), make([][]float64, N)
		for i := range F {
			F[i] = fam.Field(0, i)
			G[i] = make([]float64, len(F[i]))
			for j, v := range F[i] {
				G[i][j] = v + 1
			}
			fa[i] = LowFrequency(F[i], shape, DefaultFreq)
			fb[i] = LowFrequency(G[i], shape, DefaultFreq)
		}
		ba, bb := Bins(pcaScores(fa, DefaultDims)), Bins(pcaScores(fb, DefaultDims))
		moved := 0
		for i := range ba {
			if ba[i] != bb[i] {
				moved++
			}
		}
		if moved > 0 {
			t.Errorf("N=%d: %d of %d systems change bin when every field is shifted by 1", N, moved, N)
		}
		if !slices.Equal(Grouped(F, shape, nil), Grouped(G, shape, nil)) {
			t.Errorf("N=%d: the order changes when every field is shifted by 1", N)
		}
	}
}
