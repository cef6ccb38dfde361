package precond

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/subspace-lab/subspace/sparse"
)

// TestScaleTransposeMatchesCountingSort checks the parallel pattern-reuse
// transpose of IC(0) against the counting-sort transpose, bit for bit, on
// a grid large enough to run on several goroutines and on a small one:
// both perform the same multiplication on every entry, and neither may
// change L̂.
func TestScaleTransposeMatchesCountingSort(t *testing.T) {
	cases := map[string]*sparse.CSR{
		"laplacian2d_300": sparse.Laplacian2D(300, 300), // 449 400 entries: parallel
		"laplacian1d_7":   sparse.Laplacian1D(7),
	}
	for name, A := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := splitLU("test", A, false, true)
			if err != nil {
				t.Fatal(err)
			}
			n := f.n
			// Arbitrary "factor" values: the kernels only move and scale them.
			rng := rand.New(rand.NewPCG(5, 6))
			for k := range f.lv {
				f.lv[k] = rng.NormFloat64()
			}
			d := make([]float64, n)
			for i := range d {
				d[i] = 0.5 + rng.Float64()
			}
			lv0 := slices.Clone(f.lv)
			up, ui, uv := transposeScaled(n, f.lp, f.li, lv0, d)
			scaleTranspose(f, d)
			if !slices.Equal(up, f.up) || !slices.Equal(ui, f.ui) {
				t.Fatal("the upper pattern of A differs from the transposed lower pattern")
			}
			for k := range uv {
				if math.Float64bits(uv[k]) != math.Float64bits(f.uv[k]) {
					t.Fatalf("Û entry %d: %v, counting sort gives %v", k, f.uv[k], uv[k])
				}
			}
			for k := range lv0 {
				if math.Float64bits(lv0[k]) != math.Float64bits(f.lv[k]) {
					t.Fatalf("L̂ entry %d: %v, want %v", k, f.lv[k], lv0[k])
				}
			}
		})
	}
}
