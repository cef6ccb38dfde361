package precond_test

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// closedPattern returns matrices whose pattern is closed under Gaussian
// elimination without pivoting, so that ILU(0) is the exact LU factorisation
// and M = A.
func closedPattern(t *testing.T) map[string]*sparse.CSR {
	t.Helper()
	const n = 30
	tri := make([]float64, n*n)
	lower := make([]float64, n*n)
	upper := make([]float64, n*n)
	arrow := make([]float64, n*n) // arrow pointing down-right: dense last row and column
	for i := range n {
		tri[i*n+i] = 3 + float64(i%4)
		if i > 0 {
			tri[i*n+i-1] = -1 - 0.1*float64(i%3)
		}
		if i < n-1 {
			tri[i*n+i+1] = 0.7 + 0.05*float64(i%5)
		}
		for j := 0; j <= i; j++ {
			if (i+2*j)%3 == 0 || i == j {
				lower[i*n+j] = 1 + float64((i*7+j)%5)
				upper[j*n+i] = -0.5 + float64((i*3+j)%4)
			}
		}
		lower[i*n+i] = 10 + float64(i%3)
		upper[i*n+i] = -8 - float64(i%2)
		arrow[i*n+i] = 5 + float64(i%2)
		arrow[i*n+n-1] = 0.3
		arrow[(n-1)*n+i] = -0.2
	}
	arrow[n*n-1] = 50
	return map[string]*sparse.CSR{
		"tridiagonal": csrFromDense(t, n, tri),
		"lower":       csrFromDense(t, n, lower),
		"upper":       csrFromDense(t, n, upper),
		"arrow":       csrFromDense(t, n, arrow),
		"laplacian1d": sparse.Laplacian1D(n),
	}
}

// On a pattern closed under fill, ILU(0) is exact: Apply = A⁻¹ (dense LU
// solve) and L·U = A.
func TestILU0ExactOnClosedPattern(t *testing.T) {
	for name, A := range closedPattern(t) {
		t.Run(name, func(t *testing.T) {
			p, err := precond.NewILU0(A)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := A.Dims()
			x := randVec(5, n)
			got := make([]float64, n)
			p.Apply(got, x)
			checkClose(t, "Apply vs A⁻¹x", got, denseSolve(t, A.ToDense(), x, false), denseTol)
			p.ApplyT(got, x)
			checkClose(t, "ApplyT vs A⁻ᵀx", got, denseSolve(t, A.ToDense(), x, true), denseTol)
			L, U := p.Factors()
			var LU mat.Dense
			LU.Mul(L.ToDense(), U.ToDense())
			if !mat.EqualApprox(&LU, A.ToDense(), 1e-12*A.MaxAbs()) {
				t.Errorf("L·U differs from A by %.3g", maxDiff(&LU, A.ToDense()))
			}
		})
	}
}

func maxDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, math.Inf(1))
}

// The defining property on general patterns: (L·U)ᵢⱼ = aᵢⱼ at every stored
// (i, j), explicit zeros included; L unit lower and U upper on A's pattern;
// and Apply = (L·U)⁻¹ by a dense solve with the returned factors.
func TestILU0PatternProperty(t *testing.T) {
	for s, c := range denseKinds {
		if c.kind == "weak" {
			continue // tiny pivots possible; covered by the error tests
		}
		t.Run(fmt.Sprintf("%s_n%d", c.kind, c.n), func(t *testing.T) {
			A := randCSR(t, uint64(s)+1, c.n, c.density, c.kind)
			checkILU0Property(t, A)
		})
	}
	t.Run("laplacian2d_7x5", func(t *testing.T) { checkILU0Property(t, sparse.Laplacian2D(7, 5)) })
}

func checkILU0Property(t *testing.T, A *sparse.CSR) {
	t.Helper()
	p, err := precond.NewILU0(A)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := A.Dims()
	L, U := p.Factors()
	// Patterns: strict lower of L ∪ diag ∪ strict upper of U = pattern of A.
	for i := range n {
		li, lv := L.Row(i)
		ui, _ := U.Row(i)
		ai, _ := A.Row(i)
		if lv[len(lv)-1] != 1 || int(li[len(li)-1]) != i {
			t.Fatalf("row %d of L does not end with a unit diagonal", i)
		}
		if int(ui[0]) != i {
			t.Fatalf("row %d of U does not start on the diagonal", i)
		}
		got := append(append([]int32(nil), li[:len(li)-1]...), ui...)
		if fmt.Sprint(got) != fmt.Sprint(ai) {
			t.Fatalf("row %d: pattern of L\\U is %v, want A's %v", i, got, ai)
		}
	}
	var LU mat.Dense
	LU.Mul(L.ToDense(), U.ToDense())
	// Each (L·U)ᵢⱼ is a short sum of products of O(1) factors; 1e-13
	// relative to max|a| is a few hundred units of rounding.
	tol := 1e-13 * A.MaxAbs()
	for i := range n {
		ai, av := A.Row(i)
		for k, j := range ai {
			if d := math.Abs(LU.At(i, int(j)) - av[k]); d > tol {
				t.Errorf("(L·U)(%d,%d) = %v, A = %v", i, j, LU.At(i, int(j)), av[k])
			}
		}
	}
	x := randVec(77, n)
	got := make([]float64, n)
	p.Apply(got, x)
	checkClose(t, "Apply vs (LU)⁻¹x", got, denseSolve(t, &LU, x, false), denseTol)
	p.ApplyT(got, x)
	checkClose(t, "ApplyT vs (LU)⁻ᵀx", got, denseSolve(t, &LU, x, true), denseTol)
}

// A stored zero on the diagonal is filled by elimination: ILU(0) must
// accept it when the resulting pivot is nonzero.
func TestILU0StoredZeroDiagonalFilled(t *testing.T) {
	// Row 1 has a_11 = 0 but l_10·u_01 = (2/1)·3 makes u_11 = −6.
	A, err := sparse.NewCSR(2, 2, []int{0, 2, 4}, []int32{0, 1, 0, 1}, []float64{1, 3, 2, 0})
	if err != nil {
		t.Fatal(err)
	}
	p, err := precond.NewILU0(A)
	if err != nil {
		t.Fatal(err)
	}
	_, U := p.Factors()
	if u := U.At(1, 1); u != -6 {
		t.Errorf("u11 = %v, want -6", u)
	}
}
