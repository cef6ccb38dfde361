package main

import (
	"context"
	"io"
	"slices"
	"testing"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/pde"
	"github.com/subspace-lab/subspace/sequence"
	"github.com/subspace-lab/subspace/sparse"
)

// rewritingSource refills one matrix and right-hand side per system with
// pde's AssembleInto, as a Source may (see sequence.Source).
type rewritingSource struct {
	pde.Systems
	A *sparse.CSR
	b []float64
}

func (s *rewritingSource) System(i int) (*sparse.CSR, []float64, error) {
	if s.A == nil {
		var err error
		s.A, s.b, err = s.Family.Assemble(s.Fields[i])
		return s.A, s.b, err
	}
	return s.A, s.b, s.Family.(pde.Reassembler).AssembleInto(s.A, s.b, s.Fields[i])
}

// runLanes wraps its solvers in countingSolver; the wrapper must pass on
// OperatorChanged, or GCRO-DR takes a matrix rewritten in place for the
// previous one and keeps C = A·U of the old values: the recycled lane
// then needed several times the iterations of fresh matrices.
func TestRunLanesMatrixRewrittenInPlace(t *testing.T) {
	fam, err := pde.New("darcy", 12)
	if err != nil {
		t.Fatal(err)
	}
	fields := pde.Fields(fam, 3, 6)
	order := []int{0, 1, 2, 3, 4, 5}
	iterations := func(src sequence.Source) []int {
		t.Helper()
		n := fam.Unknowns()
		r, err := runLanes(context.Background(), src, order, laneConfig{
			rec:   krylov.NewGCRODR(n, &krylov.GCRODROptions{M: 15, K: 4}),
			opt:   sequence.Options{Krylov: krylov.Options{RTol: 1e-8}},
			baseM: 15, compare: true, stderr: io.Discard,
		})
		if err != nil {
			t.Fatal(err)
		}
		var its []int
		for _, lane := range r.stats {
			for _, st := range lane {
				if !st.Converged {
					t.Fatalf("system %d did not converge: %+v", st.System, st)
				}
				its = append(its, st.Iterations)
			}
		}
		return its
	}
	want := iterations(pde.Systems{Family: fam, Fields: fields})
	got := iterations(&rewritingSource{Systems: pde.Systems{Family: fam, Fields: fields}})
	if !slices.Equal(got, want) {
		t.Errorf("iterations with one matrix rewritten in place %v, with a new matrix per system %v", got, want)
	}
}
