package pde_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/krylov"
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

// The thermal family without its insulated wall has the exact solution
// T = T_left + (T_right − T_left)·x at the cell centres, which the
// finite-volume scheme reproduces: a check of a solve with krylov.CG.
func ExampleNewThermal() {
	f, err := pde.NewThermal(16, &pde.ThermalOptions{NoWall: true})
	if err != nil {
		panic(err)
	}
	field := f.Field(7, 0) // [T_left, T_right]
	A, b, err := f.Assemble(field)
	if err != nil {
		panic(err)
	}
	T := make([]float64, f.Unknowns())
	if _, err := krylov.CG(context.Background(), A, b, T, &krylov.Options{RTol: 1e-12}); err != nil {
		panic(err)
	}
	g := f.Grid()
	maxErr := 0.0
	for i := 0; i < g; i++ {
		for j := 0; j < g; j++ {
			x := (float64(j) + 0.5) / float64(g)
			exact := field[0] + (field[1]-field[0])*x
			maxErr = math.Max(maxErr, math.Abs(T[i*g+j]-exact))
		}
	}
	fmt.Println(f.Name(), f.FieldShape(), f.SolutionShape(), "linear profile reproduced:", maxErr < 1e-8)
	// Output:
	// thermal [2] [16 16] linear profile reproduced: true
}
