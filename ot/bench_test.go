package ot

import (
	"context"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchAssignment is the SNS paper's random assignment problem: uniform
// [0,1] costs, uniform weights.
func benchAssignment(n int) *mat.Dense { return randomCost(2024, n, n) }

// benchClouds is 2-D Gaussian clouds with squared Euclidean cost scaled to
// max 1 and random weights.
func benchClouds(n int) (*mat.Dense, []float64, []float64) {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	X := mat.NewDense(n, 2, nil)
	Y := mat.NewDense(n, 2, nil)
	for i := 0; i < n; i++ {
		X.Set(i, 0, rng.NormFloat64())
		X.Set(i, 1, rng.NormFloat64())
		Y.Set(i, 0, 1+0.5*rng.NormFloat64())
		Y.Set(i, 1, 2*rng.NormFloat64())
	}
	C := CostMatrix(X, Y, SqEuclidean)
	C.Scale(1/mat.Max(C), C)
	return C, randomHist(1, n), randomHist(2, n)
}

func benchSolve(b *testing.B, m Method, C *mat.Dense, a, w []float64, reg float64) {
	b.Helper()
	for b.Loop() {
		if _, err := Solve(context.Background(), m, a, w, C, reg, &Options{Tol: 1e-9, MaxIter: 1_000_000}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSNS_Assign500(b *testing.B) {
	benchSolve(b, MethodSNS, benchAssignment(500), nil, nil, 1.0/1200)
}

func BenchmarkSinkhorn_Clouds1000(b *testing.B) {
	C, a, w := benchClouds(1000)
	benchSolve(b, MethodSinkhorn, C, a, w, 0.01)
}

func BenchmarkSinkhornLog_Clouds1000(b *testing.B) {
	C, a, w := benchClouds(1000)
	benchSolve(b, MethodSinkhornLog, C, a, w, 0.01)
}

func BenchmarkStabilized_Clouds1000(b *testing.B) {
	C, a, w := benchClouds(1000)
	benchSolve(b, MethodStabilized, C, a, w, 0.01)
}

func BenchmarkEpsScaling_Clouds1000(b *testing.B) {
	C, a, w := benchClouds(1000)
	benchSolve(b, MethodEpsScaling, C, a, w, 0.01)
}

func BenchmarkSNS_Clouds1000(b *testing.B) {
	C, a, w := benchClouds(1000)
	benchSolve(b, MethodSNS, C, a, w, 0.01)
}

func BenchmarkUnbalanced_Clouds1000(b *testing.B) {
	C, a, w := benchClouds(1000)
	for b.Loop() {
		if _, err := SinkhornUnbalanced(context.Background(), a, w, C, 0.01, 1, &Options{Tol: 1e-9, MaxIter: 1_000_000}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEMD_Clouds1000(b *testing.B) {
	C, a, w := benchClouds(1000)
	for b.Loop() {
		if _, err := EMD(context.Background(), a, w, C, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEMD_Assign500(b *testing.B) {
	C := benchAssignment(500)
	for b.Loop() {
		if _, err := EMD(context.Background(), nil, nil, C, nil); err != nil {
			b.Fatal(err)
		}
	}
}
