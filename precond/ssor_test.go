package precond_test

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// ssorDense returns M = ω/(2−ω)·(D/ω + L)·D⁻¹·(D/ω + U), built densely from
// the split A = L + D + U.
func ssorDense(A *sparse.CSR, omega float64) *mat.Dense {
	n, _ := A.Dims()
	Ad := A.ToDense()
	lo := mat.NewDense(n, n, nil) // D/ω + L
	up := mat.NewDense(n, n, nil) // D/ω + U
	dinv := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			switch {
			case j < i:
				lo.Set(i, j, Ad.At(i, j))
			case j > i:
				up.Set(i, j, Ad.At(i, j))
			default:
				lo.Set(i, i, Ad.At(i, i)/omega)
				up.Set(i, i, Ad.At(i, i)/omega)
				dinv.Set(i, i, 1/Ad.At(i, i))
			}
		}
	}
	var M mat.Dense
	M.Mul(lo, dinv)
	M.Mul(&M, up)
	M.Scale(omega/(2-omega), &M)
	return &M
}

// SSOR against a dense construction of M, for several ω.
func TestSSORDense(t *testing.T) {
	for s, c := range denseKinds {
		for _, omega := range []float64{1, 0.5, 1.3, 1.9} {
			t.Run(fmt.Sprintf("%s_n%d_w%g", c.kind, c.n, omega), func(t *testing.T) {
				A := randCSR(t, uint64(s)+1, c.n, c.density, c.kind)
				p, err := precond.NewSSOR(A, omega)
				if err != nil {
					t.Fatal(err)
				}
				if p.Omega() != omega {
					t.Errorf("Omega() = %v, want %v", p.Omega(), omega)
				}
				M := ssorDense(A, omega)
				x := randVec(uint64(s)+200, c.n)
				got := make([]float64, c.n)
				p.Apply(got, x)
				checkClose(t, "Apply", got, denseSolve(t, M, x, false), denseTol)
				p.ApplyT(got, x)
				checkClose(t, "ApplyT", got, denseSolve(t, M, x, true), denseTol)
			})
		}
	}
}

// M⁻¹·b is one symmetric SOR step from x = 0: check against a plain
// Gauss–Seidel-style sweep pair written from the definition of SOR.
func TestSSORIsOneSweepPair(t *testing.T) {
	A := randCSR(t, 9, 60, 0.1, "nonsym")
	n, _ := A.Dims()
	Ad := A.ToDense()
	b := randVec(10, n)
	for _, omega := range []float64{1, 1.4} {
		x := make([]float64, n)
		for i := range n { // forward: x_i ← (1−ω)x_i + ω(b_i − Σ_{j≠i} a_ij x_j)/a_ii
			s := b[i]
			for j := range n {
				if j != i {
					s -= Ad.At(i, j) * x[j]
				}
			}
			x[i] = (1-omega)*x[i] + omega*s/Ad.At(i, i)
		}
		for i := n - 1; i >= 0; i-- { // backward
			s := b[i]
			for j := range n {
				if j != i {
					s -= Ad.At(i, j) * x[j]
				}
			}
			x[i] = (1-omega)*x[i] + omega*s/Ad.At(i, i)
		}
		p, err := precond.NewSSOR(A, omega)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, n)
		p.Apply(got, b)
		checkClose(t, fmt.Sprintf("ω=%g", omega), got, x, 1e-13)
	}
}
