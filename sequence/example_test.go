package sequence_test

import (
	"context"
	"fmt"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/pde"
	"github.com/subspace-lab/subspace/sequence"
	"github.com/subspace-lab/subspace/sparse"
)

// darcy adapts a pde.Family to sequence.Source.
type darcy struct {
	fam  pde.Family
	seed uint64
	n    int
}

func (d darcy) Len() int { return d.n }
func (d darcy) System(i int) (*sparse.CSR, []float64, error) {
	return d.fam.Assemble(d.fam.Field(d.seed, i))
}

// Sort 20 Darcy systems by their permeability fields and solve them in
// that order with GCRO-DR(40, 20), then independently with GMRES(40)
// (here GCRO-DR without recycling stands in for it).
func ExampleRun() {
	fam, _ := pde.New("darcy", 24)
	src := darcy{fam: fam, seed: 1, n: 20}
	fields := make([][]float64, src.n)
	for i := range fields {
		fields[i] = fam.Field(src.seed, i)
	}
	order := sequence.Greedy(fields)
	opts := &sequence.Options{Krylov: krylov.Options{RTol: 1e-8}, Precond: "jacobi"}

	rec, _ := sequence.Run(context.Background(), src, order, krylov.NewGCRODR(fam.Unknowns(), nil), opts)
	gmres := krylov.NewGCRODR(fam.Unknowns(), &krylov.GCRODROptions{K: -1})
	ind, _ := sequence.Run(context.Background(), src, order, gmres, opts)

	r, g := sequence.Summarize(rec), sequence.Summarize(ind)
	fmt.Printf("all converged: %v\n", r.NotConverged == 0 && g.NotConverged == 0)
	fmt.Printf("recycling needs under half the iterations: %v\n", 2*r.MeanIterations < g.MeanIterations)
	// Output:
	// all converged: true
	// recycling needs under half the iterations: true
}

// Greedy orders systems by their parameter fields, each next field the
// nearest (Frobenius distance) to the last one taken, starting from the
// first: the SKR paper's Algorithm 1.
func ExampleGreedy() {
	fields := [][]float64{{0, 0}, {5, 5}, {1, 0}, {4, 5}, {2, 1}}
	fmt.Println(sequence.Greedy(fields))
	// Output:
	// [0 2 4 3 1]
}

// GMRES, the paper's baseline, on the thermal family, whose systems share
// one matrix (b is linear in the two boundary temperatures): SolverFunc
// adapts the stateless krylov.GMRES to Solver, pde.Systems is the Source,
// and with ReuseIdentical and Projection each solve starts from the
// minimal-residual combination of the earlier solutions.
func ExampleSolverFunc() {
	fam, _ := pde.New("thermal", 20)
	src := pde.Systems{Family: fam, Fields: pde.Fields(fam, 3, 12)}
	order := sequence.Greedy(src.Fields)

	plain := &sequence.Options{Krylov: krylov.Options{RTol: 1e-8}}
	base, err := sequence.Run(context.Background(), src, order, sequence.SolverFunc(krylov.GMRES), plain)
	if err != nil {
		fmt.Println(err)
		return
	}
	proj := &sequence.Options{Krylov: krylov.Options{RTol: 1e-8}, ReuseIdentical: true, Projection: 4}
	fast, err := sequence.Run(context.Background(), src, order, sequence.SolverFunc(krylov.GMRES), proj)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, f := sequence.Summarize(base), sequence.Summarize(fast)
	fmt.Println("systems:", b.Count, "all converged:", b.NotConverged == 0 && f.NotConverged == 0)
	fmt.Println("matrix reused after the first:", fast[1].Reused && fast[len(fast)-1].Reused)
	fmt.Println("projection needs under a quarter of the products:", 4*f.TotalMVs < b.TotalMVs)
	// Output:
	// systems: 12 all converged: true
	// matrix reused after the first: true
	// projection needs under a quarter of the products: true
}
