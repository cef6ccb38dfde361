package sequence

import (
	"context"
	"testing"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/pde"
)

func benchFields(b *testing.B, n, g int) ([][]float64, []int) {
	b.Helper()
	fam, err := pde.New("darcy", g)
	if err != nil {
		b.Fatal(err)
	}
	f := make([][]float64, n)
	for i := range f {
		f[i] = fam.Field(1, i)
	}
	return f, fam.FieldShape()
}

// benchGreedy times Greedy on n Darcy fields of a g×g grid.
func benchGreedy(b *testing.B, n, g int) {
	f, _ := benchFields(b, n, g)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Greedy(f)
	}
}

// Darcy fields on an 80×80 grid (6724 values each).
func BenchmarkGreedy_N500_D6724(b *testing.B) { benchGreedy(b, 500, 80) }

func BenchmarkGrouped_N500_D6724(b *testing.B) {
	f, shape := benchFields(b, 500, 80)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Grouped(f, shape, nil)
	}
}

func BenchmarkGrouped_N2000_D6724(b *testing.B) {
	f, shape := benchFields(b, 2000, 80)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Grouped(f, shape, nil)
	}
}

// A sorted sequence of 20 Darcy systems with 6400 unknowns (the paper's
// Table 1 size), rtol 1e-5, no preconditioner: recycled vs independent.
func benchSequence(b *testing.B, mk func(n int) Solver) {
	b.Helper()
	fam, _ := pde.New("darcy", 80)
	src := &famSource{fam: fam, seed: 1, n: 20, fail: -1}
	order := Greedy(fields(src))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), src, order, mk(fam.Unknowns()), &Options{Krylov: krylov.Options{RTol: 1e-5, Restart: 40}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSequenceGCRODR40x20_Darcy6400x20(b *testing.B) {
	benchSequence(b, func(n int) Solver { return krylov.NewGCRODR(n, nil) })
}

func BenchmarkSequenceGCRODR40x10_Darcy6400x20(b *testing.B) {
	benchSequence(b, func(n int) Solver { return krylov.NewGCRODR(n, &krylov.GCRODROptions{K: 10}) })
}

func BenchmarkSequenceGMRES40_Darcy6400x20(b *testing.B) {
	benchSequence(b, func(n int) Solver { return SolverFunc(krylov.GMRES) })
}

// Darcy fields on a 100×100 grid (10 404 values each): N = 1000, the
// size where datagen's auto sort switches to grouped; the distance table
// path.
func BenchmarkGreedy_N1000_D10404(b *testing.B) { benchGreedy(b, 1000, 100) }

// The same with the streaming path, for the ratio.
func BenchmarkGreedyStream_N1000_D10404(b *testing.B) {
	f, _ := benchFields(b, 1000, 100)
	idx := make([]int, len(f))
	for i := range idx {
		idx[i] = i
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		greedyStream(f, idx, 0)
	}
}
