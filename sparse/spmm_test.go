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

// MulDenseTo panics when dst shares memory with X (it computed rows of dst
// in place and read them back as rows of X, a wrong result without a
// word) and accepts views of one matrix that interleave without sharing
// an element.
func TestMulDenseToSharedMemory(t *testing.T) {
	A := Laplacian1D(4)
	buf := []float64{1, 2, 3, 4}
	M := mat.NewDense(5, 6, nil)
	for i := range 5 {
		for j := range 6 {
			M.Set(i, j, float64(6*i+j+1))
		}
	}
	for _, tc := range []struct {
		name  string
		dst   *mat.Dense
		X     *mat.Dense
		panic bool
	}{
		{"in place", M.Slice(0, 4, 0, 2).(*mat.Dense), M.Slice(0, 4, 0, 2).(*mat.Dense), true},
		{"one row down", M.Slice(1, 5, 0, 2).(*mat.Dense), M.Slice(0, 4, 0, 2).(*mat.Dense), true},
		{"one column right", M.Slice(0, 4, 1, 3).(*mat.Dense), M.Slice(0, 4, 0, 2).(*mat.Dense), true},
		{"one column, in place", M.Slice(0, 4, 5, 6).(*mat.Dense), M.Slice(0, 4, 5, 6).(*mat.Dense), true},
		{"one column, contiguous", mat.NewDense(4, 1, buf), mat.NewDense(4, 1, buf), true},
		{"disjoint column blocks", M.Slice(0, 4, 2, 4).(*mat.Dense), M.Slice(0, 4, 0, 2).(*mat.Dense), false},
		{"disjoint column blocks, rows apart", M.Slice(1, 5, 4, 6).(*mat.Dense), M.Slice(0, 4, 0, 2).(*mat.Dense), false},
		{"separate", mat.NewDense(4, 2, nil), M.Slice(0, 4, 0, 2).(*mat.Dense), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r, _ := recover().(string)
				if want := "sparse: MulDenseTo: dst and X share memory"; tc.panic && r != want {
					t.Errorf("panic %q, want %q", r, want)
				} else if !tc.panic && r != "" {
					t.Errorf("unexpected panic %q", r)
				}
			}()
			_, k := tc.X.Dims()
			A.MulDenseTo(tc.dst.Slice(0, 4, 0, k).(*mat.Dense), tc.X)
		})
	}
}

// denseOverlap agrees with an element-by-element comparison on random
// views of one matrix.
func TestDenseOverlap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	const R, C = 7, 9
	M := mat.NewDense(R, C, nil)
	view := func() *mat.Dense {
		i0, j0 := rng.IntN(R), rng.IntN(C)
		i1, j1 := i0+1+rng.IntN(R-i0), j0+1+rng.IntN(C-j0)
		return M.Slice(i0, i1, j0, j1).(*mat.Dense)
	}
	addrs := func(v *mat.Dense) map[*float64]bool {
		m := map[*float64]bool{}
		raw := v.RawMatrix()
		for i := range raw.Rows {
			for j := range raw.Cols {
				m[&raw.Data[i*raw.Stride+j]] = true
			}
		}
		return m
	}
	for range 5000 {
		a, b := view(), view()
		want := false
		bs := addrs(b)
		for p := range addrs(a) {
			want = want || bs[p]
		}
		if got := denseOverlap(a.RawMatrix(), b.RawMatrix()); got != want {
			ra, rb := a.RawMatrix(), b.RawMatrix()
			t.Fatalf("%d×%d (stride %d) and %d×%d (stride %d): denseOverlap %v, want %v", ra.Rows, ra.Cols, ra.Stride, rb.Rows, rb.Cols, rb.Stride, got, want)
		}
	}
}
