package sequence

import (
	"runtime"
	"slices"
	"testing"
)

// TestOrdersIndependentOfThreadsE2E: Greedy (streaming, with its
// parallel nearest-neighbour search, and the blocked pairwise table) and
// Grouped (FFT features and user features) give the same orders with
// GOMAXPROCS 1 and 2, permutations of the systems; Greedy equals the
// naive walk.
func TestOrdersIndependentOfThreadsE2E(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	stream := randFields(48, 4096, 21) // 48·4096 ≥ greedyParallelMin: parallel search
	table := randFields(200, 2600, 22) // 200²·2600 ≥ pairwiseMinWork: the distance table
	if usePairwise(len(stream), len(stream[0])) || !usePairwise(len(table), len(table[0])) {
		t.Fatal("the fields no longer exercise the streaming and the table paths")
	}
	// Smooth-ish 2-D fields with a few clusters, for the grouped sort.
	img := randFields(120, 30*32, 23)
	for i, f := range img {
		for j := range f {
			f[j] = 0.2*f[j] + float64((i%4)*(j%7))
		}
	}
	sketch := func(f []float64) []float64 { return f[:64] }
	orders := func() [][]int {
		return [][]int{
			Greedy(stream),
			Greedy(table),
			Grouped(img, []int{30, 32}, nil),
			Grouped(img, []int{30, 32}, &GroupedOptions{Features: sketch, Dims: 3}),
		}
	}
	runtime.GOMAXPROCS(1)
	one := orders()
	runtime.GOMAXPROCS(2)
	two := orders()
	sizes := []int{len(stream), len(table), len(img), len(img)}
	for k := range one {
		if !isPermutation(one[k], sizes[k]) {
			t.Errorf("order %d is not a permutation of 0..%d", k, sizes[k]-1)
		}
		if !slices.Equal(one[k], two[k]) {
			t.Errorf("order %d depends on GOMAXPROCS:\n1: %v\n2: %v", k, one[k], two[k])
		}
	}
	if want := naiveGreedy(stream); !slices.Equal(one[0], want) {
		t.Errorf("Greedy (stream) %v, naive %v", one[0], want)
	}
	if want := naiveGreedy(table); !slices.Equal(one[1], want) {
		t.Errorf("Greedy (table) differs from the naive walk")
	}
}
