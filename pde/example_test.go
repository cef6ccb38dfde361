package pde_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/pde"
)

// A data-generation loop: draw the field of each system from (seed, i),
// assemble, solve (here omitted), store field and solution.
func ExampleNew() {
	f, err := pde.New("darcy", 80) // Table 1 of SKR: n = 6400
	if err != nil {
		panic(err)
	}
	for i := 0; i < 3; i++ {
		K := f.Field(2024, i) // the same on any shard, any GOMAXPROCS
		A, b, err := f.Assemble(K)
		if err != nil {
			panic(err)
		}
		r, c := A.Dims()
		fmt.Println(i, f.FieldShape(), f.SolutionShape(), r, c, A.NNZ(), len(b))
	}
	// Output:
	// 0 [82 82] [80 80] 6400 6400 31680 6400
	// 1 [82 82] [80 80] 6400 6400 31680 6400
	// 2 [82 82] [80 80] 6400 6400 31680 6400
}

func ExampleNames() {
	for _, name := range pde.Names() {
		f, _ := pde.New(name, 100)
		fmt.Println(name, f.FieldShape(), f.Unknowns())
	}
	// Output:
	// darcy [102 102] 10000
	// helmholtz [10405] 10000
	// poisson [5 6] 10000
	// thermal [2] 10000
}

// Reusing one matrix and right-hand side across a sequence: the pattern of
// a family depends only on its grid.
func ExampleReassembler() {
	f, _ := pde.NewHelmholtz(50, &pde.HelmholtzOptions{KMax: 10}) // k up to 10: indefinite systems
	A, b, _ := f.Assemble(f.Field(1, 0))
	for i := 1; i < 100; i++ {
		if err := f.AssembleInto(A, b, f.Field(1, i)); err != nil {
			panic(err)
		}
		// ... solve A u = b ...
	}
	fmt.Println(A.NNZ(), len(b))
	// Output: 12300 2500
}

func ExampleGRF() {
	g, _ := pde.NewGRF(64, &pde.GRFOptions{Alpha: 2, Tau: 3})
	u := g.Sample(nil, rand.New(rand.NewPCG(1, 2)))
	var mean float64
	for _, v := range u {
		mean += v / float64(len(u))
	}
	fmt.Println(len(u), math.Abs(mean) < 1e-12) // the constant mode is excluded
	// Output: 4096 true
}
