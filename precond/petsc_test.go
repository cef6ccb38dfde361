package precond_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// petscRef is testdata/precond/petsc_ref.json, written once by
// testdata/precond/make_petsc_ref.py: real SuiteSparse matrices, a random
// vector x and PETSc's PCApply of PCILU (levels 0 to 3), PCICC (levels 0 to 2) and
// PCSOR (symmetric sweep, ω = 1, 1.5, 0.6), natural ordering, no shift,
// and PCASM (3 blocks, overlap 1, restricted, ILU(0), ILU(1) and ILU(2)
// subdomains).
type petscRef struct {
	Source string `json:"source"`
	Cases  []struct {
		Name    string               `json:"name"`
		N       int                  `json:"n"`
		Indptr  []int                `json:"indptr"`
		Indices []int32              `json:"indices"`
		Data    []float64            `json:"data"`
		X       []float64            `json:"x"`
		Apply   map[string][]float64 `json:"apply"`
	} `json:"cases"`
}

// Apply agrees with PETSc on real matrices. The two codes sum in different
// orders, and the differences measured are below 1e-15 relative (the
// factors of these matrices are well conditioned); 1e-12 leaves a margin
// for other compilers and CPUs while catching any formula error (the SSOR
// scaling conventions differ by factors ω = 1.5 and 0.6, relative
// differences of 0.3 and more).
func TestAgainstPETSc(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "precond", "petsc_ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref petscRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no cases in petsc_ref.json")
	}
	checked := 0
	for _, c := range ref.Cases {
		A, err := sparse.NewCSR(c.N, c.N, c.Indptr, c.Indices, c.Data)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for kind, want := range c.Apply {
			var p linop.Operator
			switch kind {
			case "ilu0":
				p, err = precond.New("ilu0", A, nil)
			case "ic0":
				p, err = precond.New("ic0", A, nil)
			case "ssor1":
				p, err = precond.New("ssor", A, nil)
			case "ssor1.5":
				p, err = precond.New("ssor", A, &precond.Options{Omega: 1.5})
			case "ssor0.6":
				p, err = precond.New("ssor", A, &precond.Options{Omega: 0.6})
			case "asm3":
				p, err = precond.New("asm", A, &precond.Options{Blocks: 3, Overlap: 1})
			case "asm3k1", "asm3k2":
				p, err = precond.New("asm", A, &precond.Options{Blocks: 3, Overlap: 1, Levels: int(kind[5] - '0')})
			case "iluk1", "iluk2", "iluk3":
				p, err = precond.New("iluk", A, &precond.Options{Levels: int(kind[4] - '0')})
			case "ick1", "ick2":
				p, err = precond.New("ick", A, &precond.Options{Levels: int(kind[3] - '0')})
			default:
				t.Fatalf("%s: unknown reference %q", c.Name, kind)
			}
			if err != nil {
				t.Fatalf("%s %s: %v", c.Name, kind, err)
			}
			got := make([]float64, c.N)
			p.Apply(got, c.X)
			checkClose(t, c.Name+" "+kind, got, want, 1e-12)
			t.Logf("%s %s: %.3g", c.Name, kind, relDiff(got, want))
			checked++
		}
	}
	if checked < 10 {
		t.Errorf("only %d references checked", checked)
	}
}
