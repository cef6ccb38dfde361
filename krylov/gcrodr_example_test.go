package krylov_test

import (
	"context"
	"fmt"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/sparse"
)

// A sequence of related systems solved with one GCRODR: the recycled
// subspace built on the first system makes the later ones cheaper.
func ExampleGCRODR() {
	const g = 30
	n := g * g
	s := krylov.NewGCRODR(n, nil) // GCRO-DR(40, 20)
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	for i, shift := range []float64{0, 0.01, 0.02} {
		A := sparse.Add(1, sparse.Laplacian2D(g, g), shift, sparse.Identity(n))
		x := make([]float64, n)
		res, err := s.Solve(context.Background(), A, b, x, &krylov.Options{RTol: 1e-8})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("system %d: converged=%v, iterations=%d\n", i, res.Converged, res.Iterations)
	}
	// Output:
	// system 0: converged=true, iterations=56
	// system 1: converged=true, iterations=18
	// system 2: converged=true, iterations=16
}
