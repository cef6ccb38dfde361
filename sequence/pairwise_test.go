package sequence

import (
	"math"
	"slices"
	"testing"
)

// The distance table holds exactly sqDist of every pair (ragged last
// chunk, NaN as +Inf), and the greedy order read from it is the streaming
// order, on subsets, from several starts, with exact ties (duplicated
// fields) and a NaN field.
func TestGreedyPairwiseMatchesStream(t *testing.T) {
	const m, d = 150, 2*distChunk + 452
	f := randFields(m, d, 7)
	f[40] = f[3]               // a tie at distance 0
	f[90] = slices.Clone(f[5]) // and one between equal copies
	f[120][17] = math.NaN()
	idx := make([]int, 0, m)
	for i := range m {
		if i%7 != 2 {
			idx = append(idx, i)
		}
	}
	D := pairDistances(f, idx)
	for i := range idx {
		for c := i + 1; c < len(idx); c++ {
			want := sqDist(f[idx[i]], f[idx[c]])
			if got := D[triIndex(len(idx), i, c)]; math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("pair (%d, %d): table %v, sqDist %v", idx[i], idx[c], got, want)
			}
		}
	}
	for _, start := range []int{0, 1, 37, len(idx) - 1} {
		got, want := greedyPairwise(f, idx, start), greedyStream(f, idx, start)
		if !slices.Equal(got, want) {
			t.Errorf("start %d: pairwise %v\nstream %v", start, got, want)
		}
	}
}

// Greedy takes the table path above pairwiseMinWork and still matches
// Algorithm 1 written plainly.
func TestGreedyLargeMatchesNaive(t *testing.T) {
	const m, d = 200, 2600
	if !usePairwise(m, d) {
		t.Fatalf("usePairwise(%d, %d) = false; the test no longer covers the table path", m, d)
	}
	f := randFields(m, d, 11)
	if got, want := Greedy(f), naiveGreedy(f); !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// pairBounds covers every row once, in blocks of pairRows (but the last),
// with about the same number of pairs per part.
func TestPairBounds(t *testing.T) {
	for _, tc := range []struct{ m, parts int }{{3, 1}, {17, 2}, {100, 2}, {1000, 4}, {1000, 7}, {40, 3}} {
		b := pairBounds(tc.m, tc.parts)
		if len(b) != tc.parts+1 || b[0] != 0 || b[tc.parts] != tc.m {
			t.Fatalf("m=%d parts=%d: bounds %v", tc.m, tc.parts, b)
		}
		total := tc.m * (tc.m - 1) / 2
		for p := range tc.parts {
			if b[p] > b[p+1] || (p < tc.parts-1 && b[p+1]%pairRows != 0 && b[p+1] != tc.m) {
				t.Fatalf("m=%d parts=%d: bounds %v", tc.m, tc.parts, b)
			}
			pairs := 0
			for i := b[p]; i < b[p+1]; i++ {
				pairs += tc.m - 1 - i
			}
			// Each part within one block of rows of its share.
			if share := total / tc.parts; tc.m > 4*pairRows*tc.parts && math.Abs(float64(pairs-share)) > float64(pairRows*tc.m) {
				t.Errorf("m=%d parts=%d: part %d has %d pairs, share %d", tc.m, tc.parts, p, pairs, share)
			}
		}
	}
}

func TestTriIndex(t *testing.T) {
	const m = 9
	k := 0
	for i := range m {
		for j := i + 1; j < m; j++ {
			if got := triIndex(m, i, j); got != k {
				t.Fatalf("triIndex(%d, %d, %d) = %d, want %d", m, i, j, got, k)
			}
			k++
		}
	}
}

// The vector kernel (where there is one) and the Go loop give the same
// lane sums bit for bit, and chunkSqDist agrees with a plain sum.
func TestSqDistLanes(t *testing.T) {
	f := randFields(2, 3*distChunk, 3)
	for _, n := range []int{0, 1, 15, 16, 17, 48, 1000, distChunk} {
		a, b := f[0][:n], f[1][:n]
		main := n - n%16
		var got, want [16]float64
		got[3], want[3] = 0.5, 0.5 // the kernels add to s
		sqDistLanes16(a[:main], b[:main], &got)
		sqDistLanes16Go(a[:main], b[:main], &want)
		if got != want {
			t.Fatalf("n=%d: lanes %v, Go %v", n, got, want)
		}
		plain := 0.0
		for k := range a {
			plain += (a[k] - b[k]) * (a[k] - b[k])
		}
		if c := chunkSqDist(a, b); math.Abs(c-plain) > 1e-13*(1+plain) {
			t.Errorf("n=%d: chunkSqDist %v, plain sum %v", n, c, plain)
		}
	}
}
