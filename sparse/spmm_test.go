package sparse

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestMulDenseToAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct {
		r, c, k int
		d       float64
	}{{5, 4, 1, 0.5}, {7, 9, 3, 0.3}, {1, 1, 1, 1}, {400, 300, 8, 0.05}, {3, 0, 2, 0}, {0, 3, 2, 0}, {4, 4, 0, 0.5}} {
		A := randomCOO(t, tc.r, tc.c, tc.d, 5).ToCSR()
		X := mat.NewDense(max(tc.c, 1), max(tc.k, 1), nil)
		if tc.c == 0 || tc.k == 0 {
			X = &mat.Dense{}
		}
		var want *mat.Dense
		if tc.c > 0 && tc.k > 0 {
			for i := 0; i < tc.c; i++ {
				for j := 0; j < tc.k; j++ {
					X.Set(i, j, rng.NormFloat64())
				}
			}
			if tc.r > 0 {
				want = mat.NewDense(tc.r, tc.k, nil)
				want.Mul(A.ToDense(), X)
			}
		}
		if tc.r == 0 || tc.k == 0 || tc.c == 0 {
			// gonum cannot hold an empty matrix: only check that nothing panics
			// when the product has no entries or no terms.
			if tc.r > 0 && tc.k > 0 {
				dst := mat.NewDense(tc.r, tc.k, nil)
				dst.Set(0, 0, 7)
				A.MulDenseTo(dst, mat.NewDense(1, tc.k, nil).Slice(0, 0, 0, tc.k).(*mat.Dense))
				if dst.At(0, 0) != 0 {
					t.Fatalf("%d×0 times 0×%d: dst not zeroed", tc.r, tc.k)
				}
			}
			continue
		}
		// A view with a stride wider than its columns, garbage in dst.
		big := mat.NewDense(tc.r, tc.k+3, nil)
		for i := 0; i < tc.r; i++ {
			for j := 0; j < tc.k+3; j++ {
				big.Set(i, j, math.NaN())
			}
		}
		dst := big.Slice(0, tc.r, 1, 1+tc.k).(*mat.Dense)
		A.MulDenseTo(dst, X)
		for i := 0; i < tc.r; i++ {
			for j := 0; j < tc.k; j++ {
				if d := math.Abs(dst.At(i, j) - want.At(i, j)); !(d <= 1e-12*(1+math.Abs(want.At(i, j)))) {
					t.Fatalf("%d×%d·%d: [%d,%d] = %v, want %v", tc.r, tc.c, tc.k, i, j, dst.At(i, j), want.At(i, j))
				}
			}
			if !math.IsNaN(big.At(i, 0)) || !math.IsNaN(big.At(i, tc.k+1)) {
				t.Fatal("wrote outside the dst view")
			}
		}
	}
}

func TestMulDenseToSameOnAnyProcs(t *testing.T) {
	A := Laplacian2D(100, 80)
	X := mat.NewDense(8000, 5, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 8000; i++ {
		for j := 0; j < 5; j++ {
			X.Set(i, j, rng.NormFloat64())
		}
	}
	d1, d4 := mat.NewDense(8000, 5, nil), mat.NewDense(8000, 5, nil)
	old := runtime.GOMAXPROCS(1)
	A.MulDenseTo(d1, X)
	runtime.GOMAXPROCS(4)
	A.MulDenseTo(d4, X)
	runtime.GOMAXPROCS(old)
	if !mat.Equal(d1, d4) {
		t.Fatal("result depends on GOMAXPROCS")
	}
	// Column j of A·X is A times column j of X.
	x, y := make([]float64, 8000), make([]float64, 8000)
	for j := 0; j < 5; j++ {
		mat.Col(x, j, X)
		A.MulVecTo(y, x)
		for i := range y {
			if math.Abs(y[i]-d1.At(i, j)) > 1e-13*(1+math.Abs(y[i])) {
				t.Fatalf("column %d row %d: %v, MulVecTo %v", j, i, d1.At(i, j), y[i])
			}
		}
	}
}

func TestMulDenseToDimensionMismatch(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "sparse: MulDenseTo: 3×4 matrix times 3×2 into 3×2") {
			t.Fatalf("panic %v", r)
		}
	}()
	A := NewCOO(3, 4, 0).ToCSR()
	A.MulDenseTo(mat.NewDense(3, 2, nil), mat.NewDense(3, 2, nil))
}

// TestMulDenseToOneColumn: a contiguous single column goes through the
// matrix-vector kernel and equals MulVecTo exactly.
func TestMulDenseToOneColumn(t *testing.T) {
	A := Laplacian2D(60, 70)
	x := make([]float64, 4200)
	for i := range x {
		x[i] = float64(i%7) - 3
	}
	want := make([]float64, 4200)
	A.MulVecTo(want, x)
	dst := mat.NewDense(4200, 1, nil)
	A.MulDenseTo(dst, mat.NewDense(4200, 1, x))
	for i, w := range want {
		if dst.At(i, 0) != w {
			t.Fatalf("row %d: %v, MulVecTo %v", i, dst.At(i, 0), w)
		}
	}
}
