package precond_test

import (
	"runtime"
	"slices"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
)

// On an irregular matrix large enough for the parallel setup passes (rows
// of very different lengths, so the nonzero-balanced row blocks differ from
// equal row counts), every preconditioner with a fixed block count gives
// bitwise the same Apply and ApplyT with GOMAXPROCS 1 and 2.
func TestSetupIndependentOfProcs(t *testing.T) {
	const n = 330
	A, _, _ := crossMatrix(t, 11, n, 0.8, false, 1.2)
	S, _, _ := crossMatrix(t, 12, n, 0.8, true, 1.2)
	if A.NNZ() < 1<<16 || S.NNZ() < 1<<16 {
		t.Fatalf("nnz %d and %d: below the parallel setup threshold", A.NNZ(), S.NNZ())
	}
	x := randVec(3, n)
	results := map[string][][]float64{}
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, kind := range []string{"jacobi", "ssor", "ilu0", "ic0", "asm"} {
			B := A
			if kind == "ic0" {
				B = S
			}
			p, err := precond.New(kind, B, &precond.Options{Omega: 1.3, Shift: 0.01, Blocks: 3, Overlap: 1})
			if err != nil {
				t.Fatalf("%s with GOMAXPROCS %d: %v", kind, procs, err)
			}
			y, z := make([]float64, n), make([]float64, n)
			p.Apply(y, x)
			p.(linop.Transposer).ApplyT(z, x)
			results[kind] = append(results[kind], y, z)
		}
	}
	for kind, r := range results {
		if !slices.Equal(r[0], r[2]) {
			t.Errorf("%s: Apply differs between GOMAXPROCS 1 and 2", kind)
		}
		if !slices.Equal(r[1], r[3]) {
			t.Errorf("%s: ApplyT differs between GOMAXPROCS 1 and 2", kind)
		}
	}
}
