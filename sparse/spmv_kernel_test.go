package sparse

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMulRowsKernels checks the row kernel the product uses (the amd64
// FMA assembly where the CPU has it) against the Go loop and against a
// plain sum, on rows of every length from 0 to 13, so that each path of
// the assembly (four at a time, a pair, a single entry, empty rows, the
// first and last rows) is taken, and on sub-ranges of rows.
func TestMulRowsKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	const rows, cols = 200, 60
	c := NewCOO(rows, cols, 0)
	for i := 0; i < rows; i++ {
		n := (i*7 + i/14) % 14 // lengths 0…13 in a scrambled order
		for _, j := range rng.Perm(cols)[:n] {
			c.Append(i, j, rng.NormFloat64())
		}
	}
	a := c.ToCSR()
	x := make([]float64, cols)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	want := make([]float64, rows)
	for i := range want {
		ind, val := a.Row(i)
		for k, j := range ind {
			want[i] += val[k] * x[j]
		}
	}
	for _, r := range [][2]int{{0, rows}, {0, 1}, {rows - 1, rows}, {13, 77}} {
		lo, hi := r[0], r[1]
		ip := a.indptr[lo : hi+1]
		kern := make([]float64, hi-lo)
		goLoop := make([]float64, hi-lo)
		mulRowsFMA(ip, a.ind, a.val, x, kern)
		mulRowsGo(ip, a.ind, a.val, x, goLoop)
		for i := range kern {
			w := want[lo+i]
			tol := 1e-14 * (1 + math.Abs(w)) * 14
			if math.Abs(kern[i]-w) > tol || math.Abs(goLoop[i]-w) > tol {
				t.Fatalf("rows [%d,%d): row %d (%d entries): kernel %v, Go loop %v, plain sum %v (FMA kernel in use: %v)",
					lo, hi, lo+i, ip[i+1]-ip[i], kern[i], goLoop[i], w, useFMA)
			}
		}
	}
}
