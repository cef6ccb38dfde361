package ot_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/ot"
	"gonum.org/v1/gonum/mat"
)

// Entropic OT between two 1-D point clouds with the log-domain Sinkhorn.
func ExampleSinkhornLog() {
	x := mat.NewDense(3, 1, []float64{0, 1, 2})
	y := mat.NewDense(2, 1, []float64{0.5, 1.5})
	C := ot.CostMatrix(x, y, ot.SqEuclidean)
	a := []float64{0.25, 0.5, 0.25}
	b := []float64{0.5, 0.5}
	res, err := ot.SinkhornLog(context.Background(), a, b, C, 0.1, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cost %.4f, converged %v, marginal error < 1e-9: %v\n", res.Cost, res.Converged, res.MarginalError < 1e-9)
	fmt.Printf("plan row 0: %.4f %.4f\n", res.Plan.At(0, 0), res.Plan.At(0, 1))
	// Output:
	// cost 0.2500, converged true, marginal error < 1e-9: true
	// plan row 0: 0.2500 0.0000
}

// Sinkhorn–Newton–Sparse on a random assignment problem (uniform random
// costs, uniform weights) at a small regularisation: N1 = 20 Sinkhorn
// iterations, then a few Newton steps reach machine-level marginal error.
func ExampleSNS() {
	n := 60
	rng := rand.New(rand.NewPCG(1, 2))
	C := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			C.Set(i, j, rng.Float64())
		}
	}
	res, err := ot.SNS(context.Background(), nil, nil, C, 1.0/400, &ot.Options{Tol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	exact, _ := ot.EMD(context.Background(), nil, nil, C, nil)
	fmt.Printf("Sinkhorn iterations %d, Newton iterations ≤ 20: %v\n", res.SinkhornIterations, res.NewtonIterations <= 20)
	fmt.Printf("entropic cost %.3f, exact cost %.3f\n", res.Cost, exact.Cost)
	// Output:
	// Sinkhorn iterations 20, Newton iterations ≤ 20: true
	// entropic cost 0.023, exact cost 0.023
}

// Exact OT with unequal sizes and the dual potentials.
func ExampleEMD() {
	C := mat.NewDense(2, 3, []float64{
		0, 1, 2,
		2, 1, 0,
	})
	res, err := ot.EMD(context.Background(), []float64{0.5, 0.5}, []float64{0.25, 0.5, 0.25}, C, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cost %.2f\n", res.Cost)
	fmt.Println(mat.Formatted(res.Plan))
	// Output:
	// cost 0.50
	// ⎡0.25  0.25     0⎤
	// ⎣   0  0.25  0.25⎦
}

// Entropic OT with the scaling-form Sinkhorn (POT's ot.sinkhorn), uniform
// weights (nil). The entropy blurs the plan: its cost ⟨C, P⟩ lies above
// the exact one. At a reg so small that exp(−(C − min C)/reg) underflows
// where the plan needs mass, Sinkhorn refuses with ErrUnderflow rather
// than return a wrong plan; SinkhornLog, SinkhornStabilized and SNS work
// there.
func ExampleSinkhorn() {
	x := mat.NewDense(4, 1, []float64{0, 1, 2, 3})
	y := mat.NewDense(4, 1, []float64{0.2, 1.2, 2.2, 3.2})
	C := ot.CostMatrix(x, y, ot.SqEuclidean)
	res, err := ot.Sinkhorn(context.Background(), nil, nil, C, 0.5, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	exact, err := ot.EMD(context.Background(), nil, nil, C, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("converged %v, marginal error ≤ 1e-9: %v\n", res.Converged, res.MarginalError <= 1e-9)
	fmt.Printf("entropic cost %.3f, exact cost %.3f, P[0][0] = %.3f of 0.25\n", res.Cost, exact.Cost, res.Plan.At(0, 0))

	// Here a quarter of the mass must move from row 0 to column 1 at
	// cost 1: at reg = 1e-3 that entry of the kernel, exp(−1000), is 0 in
	// float64.
	C2 := mat.NewDense(2, 2, []float64{0, 1, 1, 0})
	a, b := []float64{0.5, 0.5}, []float64{0.25, 0.75}
	_, err = ot.Sinkhorn(context.Background(), a, b, C2, 1e-3, nil)
	fmt.Println("Sinkhorn at reg 1e-3 underflows:", errors.Is(err, ot.ErrUnderflow))
	res, err = ot.SinkhornLog(context.Background(), a, b, C2, 1e-3, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("SinkhornLog at reg 1e-3: converged %v, cost %.3f\n", res.Converged, res.Cost)
	// Output:
	// converged true, marginal error ≤ 1e-9: true
	// entropic cost 0.207, exact cost 0.040, P[0][0] = 0.222 of 0.25
	// Sinkhorn at reg 1e-3 underflows: true
	// SinkhornLog at reg 1e-3: converged true, cost 0.250
}
