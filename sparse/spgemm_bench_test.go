package sparse

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkMul times sparse.Mul on A·A for the 2-D Laplacian (grid²
// rows) and on R·R for a random n×n matrix with 10 entries per row;
// bench/spmul puts the same products beside SciPy.
func BenchmarkMul(b *testing.B) {
	for _, g := range []int{300, 1000} {
		A := Laplacian2D(g, g)
		b.Run(fmt.Sprintf("laplacian/grid=%d", g), func(b *testing.B) {
			for b.Loop() {
				Mul(A, A)
			}
		})
	}
	for _, n := range []int{20000, 200000} {
		rng := rand.New(rand.NewPCG(7, 7))
		c := NewCOO(n, n, 10*n)
		for i := 0; i < n; i++ {
			for range 10 {
				c.Append(i, rng.IntN(n), rng.NormFloat64())
			}
		}
		R := c.ToCSR()
		b.Run(fmt.Sprintf("random/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				Mul(R, R)
			}
		})
	}
}

// BenchmarkMulDense times CSR.MulDenseTo on the 2-D Laplacian times a
// dense grid²×k block.
func BenchmarkMulDense(b *testing.B) {
	for _, g := range []int{300, 1000} {
		A := Laplacian2D(g, g)
		for _, k := range []int{1, 8, 32} {
			X := mat.NewDense(g*g, k, nil)
			for i := 0; i < g*g; i++ {
				X.Set(i, i%k, 1)
			}
			dst := mat.NewDense(g*g, k, nil)
			b.Run(fmt.Sprintf("grid=%d/k=%d", g, k), func(b *testing.B) {
				b.SetBytes(int64(12*A.NNZ() + 16*k*g*g))
				for b.Loop() {
					A.MulDenseTo(dst, X)
				}
			})
		}
	}
}
