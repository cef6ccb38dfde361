package pde

import (
	"fmt"
	"sync"

	"github.com/subspace-lab/subspace/internal/nilcheck"
	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/sparse"
)

// Systems is the sequence of a family's systems on given fields, in the
// form sequence.Source takes: Len is len(Fields) and System(i) is
// Family.Assemble(Fields[i]). It is safe for concurrent use (Family is),
// so sequence.Options.Prefetch may assemble ahead.
type Systems struct {
	// Family assembles each system.
	Family Family
	// Fields holds one parameter field per system, as Family.Field
	// returns them (see Fields).
	Fields [][]float64
}

// Len returns the number of systems, len(s.Fields).
func (s Systems) Len() int { return len(s.Fields) }

// System assembles system i; errors are Assemble's. It panics if i is
// outside [0, Len()) or Family is nil (or holds a nil pointer, such as the
// *Darcy of a failed NewDarcy).
func (s Systems) System(i int) (*sparse.CSR, []float64, error) {
	if i < 0 || i >= len(s.Fields) {
		panic(fmt.Sprintf("pde: Systems.System: index %d outside [0, %d)", i, len(s.Fields)))
	}
	if nilcheck.IsNil(s.Family) {
		panic("pde: Systems.System: nil Family")
	}
	return s.Family.Assemble(s.Fields[i])
}

// Fields returns the fields of systems 0, …, count−1 drawn from seed,
// f.Field(seed, i) each, computed on GOMAXPROCS goroutines; the result does
// not depend on their number. Memory: count·len(field) values. It panics if
// f is nil (or holds a nil pointer, such as the *Darcy of a failed
// NewDarcy) or count < 0.
func Fields(f Family, seed uint64, count int) [][]float64 {
	if nilcheck.IsNil(f) {
		// Checked here: in the workers a nil dereference would kill the
		// process, past any recover of the caller.
		panic("pde: Fields: nil family")
	}
	if count < 0 {
		panic("pde: Fields: negative count")
	}
	out := make([][]float64, count)
	workers := max(1, min(count, par.Procs()))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < count; i += workers {
				out[i] = f.Field(seed, i)
			}
		}()
	}
	wg.Wait()
	return out
}
