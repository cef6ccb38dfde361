package precond_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// Every real matrix in testdata/matrices either gives a preconditioner
// that satisfies its defining property or fails with the documented error.
// The expected outcomes follow from the matrices: bcspwr05 and can___24
// are pattern matrices (all values 1) whose elimination produces an exact
// zero pivot; gent113 and west0067 lack most diagonal entries; cage5,
// gent113 and west0067 are not symmetric; lp_afiro is 27×51.
func TestRealMatrices(t *testing.T) {
	type outcome struct {
		err  error
		text string
	}
	ok := outcome{}
	want := map[string]map[string]outcome{
		"494_bus.mtx":   {"jacobi": ok, "ssor": ok, "ilu0": ok, "ic0": ok, "ick": ok},
		"pts5ldd03.mtx": {"jacobi": ok, "ssor": ok, "ilu0": ok, "ic0": ok, "ick": ok},
		"cage5.mtx":     {"jacobi": ok, "ssor": ok, "ilu0": ok, "ic0": {precond.ErrNotSymmetric, "A(0,1)"}, "ick": {precond.ErrNotSymmetric, "IC(1)"}},
		"bcspwr05.mtx": {"jacobi": ok, "ssor": ok,
			"ilu0": {precond.ErrZeroPivot, "u(2,2) = 0"}, "ic0": {precond.ErrNotSPD, "row 2"}, "ick": {precond.ErrNotSPD, "IC(1): pivot of row 2"}},
		"can___24.mtx": {"jacobi": ok, "ssor": ok,
			"ilu0": {precond.ErrZeroPivot, "u(5,5) = 0"}, "ic0": {precond.ErrNotSPD, "row 5"}, "ick": {precond.ErrNotSPD, "IC(1): pivot of row 5"}},
		"gent113.mtx": {"jacobi": {precond.ErrZeroDiagonal, "23 of 113 rows"}, "ssor": {precond.ErrZeroDiagonal, "row 75"},
			"ilu0": {precond.ErrZeroDiagonal, "row 75"}, "ic0": {precond.ErrNotSymmetric, "is not stored"}, "ick": {precond.ErrNotSymmetric, "IC(1)"}},
		"west0067.mtx": {"jacobi": {precond.ErrZeroDiagonal, "65 of 67 rows"}, "ssor": {precond.ErrZeroDiagonal, "row 0"},
			"ilu0": {precond.ErrZeroDiagonal, "row 0"}, "ic0": {precond.ErrNotSymmetric, ""}, "ick": {precond.ErrNotSymmetric, ""}},
		"lp_afiro.mtx": {"jacobi": {precond.ErrNotSquare, "27×51"}, "ssor": {precond.ErrNotSquare, ""},
			"ilu0": {precond.ErrNotSquare, ""}, "ic0": {precond.ErrNotSquare, ""}, "ick": {precond.ErrNotSquare, "IC(1)"}},
	}
	for file, kinds := range want {
		A, err := sparse.LoadMM(filepath.Join("..", "testdata", "matrices", file))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for kind, w := range kinds {
			t.Run(file+"/"+kind, func(t *testing.T) {
				p, err := precond.New(kind, A, nil)
				if w.err == nil {
					if err != nil {
						t.Fatal(err)
					}
					switch kind {
					case "ilu0":
						checkILU0Property(t, A)
					case "ic0":
						checkIC0(t, A, p.(*precond.IC0), 0)
					case "ssor":
						n, _ := A.Dims()
						x := randVec(8, n)
						got := make([]float64, n)
						p.Apply(got, x)
						// κ(M) of 494_bus is about 10⁶: allow 1e-9.
						checkClose(t, "SSOR vs dense", got, denseSolve(t, ssorDense(A, 1), x, false), 1e-9)
					}
					return
				}
				if !errors.Is(err, w.err) || !strings.Contains(err.Error(), w.text) {
					t.Fatalf("err = %v, want %v mentioning %q", err, w.err, w.text)
				}
			})
		}
	}
}
