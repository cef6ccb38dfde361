package sequence_test

import (
	"context"
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/pde"
	"github.com/subspace-lab/subspace/sequence"
	"github.com/subspace-lab/subspace/sparse"
)

// TestNilSourcePanics: a nil Source is a programming error reported with a
// "sequence:" message, like a nil Solver, not a nil dereference.
func TestNilSourcePanics(t *testing.T) {
	s := sequence.SolverFunc(krylov.GMRES)
	misuse.Check(t, []misuse.Case{
		{Name: "Run", Want: "sequence: Run: nil Source", F: func() { sequence.Run(context.Background(), nil, []int{0}, s, nil) }},
		{Name: "RunLanes", Want: "sequence: RunLanes: nil Source", F: func() {
			sequence.RunLanes(context.Background(), nil, []int{0}, []sequence.Lane{{Solver: s}})
		}},
	})
}

// TestNilPointerSolverPanics: a Solver or Source interface holding a nil
// pointer (a nil *krylov.GCRODR, say) counts as nil, with the same
// "sequence:" message, instead of a runtime error inside the run.
func TestNilPointerSolverPanics(t *testing.T) {
	var g *krylov.GCRODR
	var src *ptrSource
	empty := pde.Systems{}
	s := sequence.SolverFunc(krylov.GMRES)
	misuse.Check(t, []misuse.Case{
		{Name: "Run nil *GCRODR", Want: "sequence: Run: nil Solver", F: func() {
			sequence.Run(context.Background(), empty, nil, g, nil)
		}},
		{Name: "RunLanes nil *GCRODR", Want: "sequence: RunLanes: lane 0 has no Solver", F: func() {
			sequence.RunLanes(context.Background(), empty, nil, []sequence.Lane{{Solver: g}})
		}},
		{Name: "Run nil *ptrSource", Want: "sequence: Run: nil Source", F: func() {
			sequence.Run(context.Background(), src, nil, s, nil)
		}},
	})
}

// ptrSource is a Source with pointer receivers, for the nil-pointer case.
type ptrSource struct{ n int }

func (p *ptrSource) Len() int { return p.n }

func (p *ptrSource) System(int) (*sparse.CSR, []float64, error) { return nil, nil, nil }
