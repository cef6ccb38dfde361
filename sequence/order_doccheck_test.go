package sequence

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// docFields returns N random fields of d integer-valued entries (so that
// distances tie often and the tie rule is exercised).
func docFields(t *testing.T, seed uint64, N, d int) [][]float64 {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 3))
	f := make([][]float64, N)
	for i := range f {
		f[i] = make([]float64, d)
		for j := range f[i] {
			f[i][j] = math.Round(2 * r.NormFloat64())
		}
	}
	return f
}

// bruteGreedy is Algorithm 1 as Greedy documents it: start at 0, move to
// the nearest unvisited field, ties to the lowest index.
func bruteGreedy(t *testing.T, f [][]float64) []int {
	t.Helper()
	o := []int{}
	if len(f) == 0 {
		return o
	}
	seen := make([]bool, len(f))
	cur := 0
	for {
		o = append(o, cur)
		seen[cur] = true
		best, bd := -1, math.Inf(1)
		for j := range f {
			if seen[j] {
				continue
			}
			d := 0.0
			for k := range f[j] {
				e := f[cur][k] - f[j][k]
				d += e * e
			}
			if best < 0 || d < bd {
				best, bd = j, d
			}
		}
		if best < 0 {
			return o
		}
		cur = best
	}
}

// TestGreedyDoc: Greedy is Algorithm 1 with ties to the lowest index, the
// table and streaming paths agree, the order does not depend on
// GOMAXPROCS, and non-finite fields still give a permutation.
func TestGreedyDoc(t *testing.T) {
	for seed := uint64(0); seed < 24; seed++ {
		f := docFields(t, seed, int(seed%8), 3)
		if got, want := Greedy(f), bruteGreedy(t, f); !slices.Equal(got, want) {
			t.Errorf("seed %d: Greedy %v, Algorithm 1 %v", seed, got, want)
		}
	}
	const N, d = 120, 7000 // N²·d ≈ 1.01e8: the table path
	f := docFields(t, 5, N, d)
	if !usePairwise(N, d) {
		t.Fatalf("N = %d, d = %d does not take the table path", N, d)
	}
	all := make([]int, N)
	for i := range all {
		all[i] = i
	}
	var ref []int
	for _, p := range []int{1, 2, 3} {
		prev := runtime.GOMAXPROCS(p)
		table, stream, g := greedyPairwise(f, all, 0), greedyStream(f, all, 0), Greedy(f)
		runtime.GOMAXPROCS(prev)
		if !slices.Equal(table, stream) || !slices.Equal(table, g) {
			t.Errorf("GOMAXPROCS %d: table and streaming orders differ", p)
		}
		if ref == nil {
			ref = g
		} else if !slices.Equal(ref, g) {
			t.Errorf("GOMAXPROCS %d: order differs from GOMAXPROCS 1", p)
		}
	}
	bad := docFields(t, 9, 7, 4)
	bad[2][1], bad[4][0], bad[5][3] = math.NaN(), math.Inf(1), math.Inf(-1)
	if o := Greedy(bad); !isPermutation(o, 7) {
		t.Errorf("non-finite fields: %v is not a permutation", o)
	}
}

// TestGroupedPermutationDoc: Grouped returns a permutation for any N
// (including 1 and fields with NaN), with and without IndexOrder.
func TestGroupedPermutationDoc(t *testing.T) {
	for _, tc := range []struct {
		N     int
		shape []int
		o     GroupedOptions
		nan   bool
	}{
		{1, []int{6, 6}, GroupedOptions{}, false},
		{2, []int{6, 6}, GroupedOptions{Freq: 4, Dims: 3}, false},
		{40, []int{6, 6}, GroupedOptions{Freq: 4, Dims: 3}, false},
		{40, []int{36}, GroupedOptions{IndexOrder: true}, false},
		{25, []int{4, 9}, GroupedOptions{}, true},
		{25, []int{4, 9}, GroupedOptions{IndexOrder: true}, true},
	} {
		f := docFields(t, uint64(tc.N), tc.N, 36)
		if tc.nan {
			f[3][4] = math.NaN()
		}
		if o := Grouped(f, tc.shape, &tc.o); !isPermutation(o, tc.N) {
			t.Errorf("%+v: %v is not a permutation", tc, o)
		}
	}
}

// TestLowFrequencyDoc compares LowFrequency with the DFT of its doc,
// X[k] = Σ f[n] e^{−2πi k·n/s}, on the documented frequency block.
func TestLowFrequencyDoc(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, shape := range [][]int{{5, 7}, {8, 6}, {13, 3}, {1, 9}, {9}, {2, 2, 3}} {
		for _, freq := range []int{1, 2, 3, 4, 5, 12} {
			d := 1
			for _, s := range shape {
				d *= s
			}
			x := make([]float64, d)
			for i := range x {
				x[i] = r.NormFloat64()
			}
			block := func(s int) []int {
				var ks []int
				lo, hi := -(freq / 2), (freq+1)/2-1
				if s < freq {
					lo, hi = -(s / 2), s-1-s/2
				}
				for k := lo; k <= hi; k++ {
					ks = append(ks, k)
				}
				return ks
			}
			s1, s2, f1 := 1, d, []int{0}
			if len(shape) == 2 {
				s1, s2 = shape[0], shape[1]
				f1 = block(s1)
			}
			f2 := block(s2)
			got := LowFrequency(x, shape, freq)
			nf := len(f1) * len(f2)
			if len(got) != 2*nf {
				t.Errorf("shape %v freq %d: %d values, want %d", shape, freq, len(got), 2*nf)
				continue
			}
			for p, k1 := range f1 {
				for q, k2 := range f2 {
					var X complex128
					for n1 := 0; n1 < s1; n1++ {
						for n2 := 0; n2 < s2; n2++ {
							ph := -2 * math.Pi * (float64(k1*n1)/float64(s1) + float64(k2*n2)/float64(s2))
							X += complex(x[n1*s2+n2], 0) * cmplx.Exp(complex(0, ph))
						}
					}
					i := p*len(f2) + q
					if e := cmplx.Abs(X - complex(got[i], got[nf+i])); e > 1e-10 {
						t.Errorf("shape %v freq %d k = (%d,%d): got %v, DFT %v", shape, freq, k1, k2, complex(got[i], got[nf+i]), X)
					}
				}
			}
		}
	}
}
