package sparse

import (
	"fmt"
	"testing"
)

// BenchmarkMulVec runs the product on 2-D Laplacians; SetBytes counts the
// bytes the product must move (12 per entry, 8 per row pointer, 16 per
// row for x and y), so the MB/s column is the achieved bandwidth.
func BenchmarkMulVec(b *testing.B) {
	for _, g := range []int{50, 300, 1000, 2000} {
		A := Laplacian2D(g, g)
		n := g * g
		x := make([]float64, n)
		y := make([]float64, n)
		for i := range x {
			x[i] = 1
		}
		b.Run(fmt.Sprintf("Lap%d", g), func(b *testing.B) {
			b.SetBytes(int64(A.NNZ())*12 + int64(n+1)*8 + int64(n)*16)
			for b.Loop() {
				A.MulVecTo(y, x)
			}
		})
		b.Run(fmt.Sprintf("Trans_Lap%d", g), func(b *testing.B) {
			b.SetBytes(int64(A.NNZ())*12 + int64(n+1)*8 + int64(n)*16)
			for b.Loop() {
				A.MulVecTransTo(y, x)
			}
		})
	}
}

func BenchmarkCOOToCSR_Lap1000(b *testing.B) {
	A := Laplacian2D(1000, 1000)
	m := NewCOO(1000*1000, 1000*1000, A.NNZ())
	for i := 0; i < 1000*1000; i++ {
		ind, val := A.Row(i)
		for k, j := range ind {
			m.Append(i, int(j), val[k])
		}
	}
	for b.Loop() {
		m.ToCSR()
	}
}
