package sequence_test

import (
	"context"
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/sequence"
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
