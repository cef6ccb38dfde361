package sparse

import (
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// structuralProduct returns the pattern of A·B: (i, j) for which some k
// has A_ik and B_kj stored, the reference for Mul's pattern.
func structuralProduct(A, B *CSR) map[[2]int]bool {
	out := map[[2]int]bool{}
	r, _ := A.Dims()
	for i := 0; i < r; i++ {
		ai, _ := A.Row(i)
		for _, k := range ai {
			bk, _ := B.Row(int(k))
			for _, j := range bk {
				out[[2]int{i, int(j)}] = true
			}
		}
	}
	return out
}

// checkMul compares Mul(A, B) with the dense product (values, to a
// relative 1e-13 of the row's magnitude: the sums run in different
// orders) and with the structural pattern (exactly).
func checkMul(t *testing.T, name string, A, B *CSR) {
	t.Helper()
	C := Mul(A, B)
	indptr, ind, val := C.Raw()
	r, c := C.Dims()
	if _, err := NewCSR(r, c, indptr, ind, val); err != nil {
		t.Fatalf("%s: invariants: %v", name, err)
	}
	ar, _ := A.Dims()
	_, bc := B.Dims()
	if r != ar || c != bc {
		t.Fatalf("%s: %d×%d, want %d×%d", name, r, c, ar, bc)
	}
	pattern := structuralProduct(A, B)
	if C.NNZ() != len(pattern) {
		t.Fatalf("%s: %d stored entries, structural product has %d", name, C.NNZ(), len(pattern))
	}
	if r == 0 || c == 0 || A.NNZ() == 0 || B.NNZ() == 0 {
		return
	}
	var want mat.Dense
	want.Mul(A.ToDense(), B.ToDense())
	abs := func(m *CSR) *mat.Dense {
		d := m.ToDense()
		d.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, d)
		return d
	}
	var scale mat.Dense
	scale.Mul(abs(A), abs(B)) // Σ|a_ik||b_kj|: the rounding scale of each entry
	for i := 0; i < r; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if !pattern[[2]int{i, int(ind[k])}] {
				t.Fatalf("%s: (%d, %d) stored but not in the structural product", name, i, ind[k])
			}
		}
		for j := 0; j < c; j++ {
			if d := math.Abs(C.At(i, j) - want.At(i, j)); d > 1e-13*scale.At(i, j) {
				t.Fatalf("%s: C[%d,%d] = %v, dense %v", name, i, j, C.At(i, j), want.At(i, j))
			}
		}
	}
}

func TestMulAgainstDense(t *testing.T) {
	files, _ := filepath.Glob("../testdata/matrices/*.mtx")
	for _, f := range files {
		m, err := ReadMMFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m.Real == nil {
			continue
		}
		A := m.Real
		name := filepath.Base(f)
		checkMul(t, name+" A·Aᵀ", A, A.T())
		checkMul(t, name+" Aᵀ·A", A.T(), A)
		if r, c := A.Dims(); r == c {
			checkMul(t, name+" A·A", A, A)
		}
	}
	for _, tc := range []struct {
		r, k, c int
		d       float64
	}{{7, 5, 3, 0.4}, {1, 1, 1, 1}, {40, 60, 30, 0.1}, {300, 200, 250, 0.05}} { // the last one parallel
		A := randomCOO(t, tc.r, tc.k, tc.d, 1).ToCSR()
		B := randomCOO(t, tc.k, tc.c, tc.d, 2).ToCSR()
		checkMul(t, "random", A, B)
	}
	// Empty shapes and empty matrices.
	for _, dims := range [][3]int{{0, 0, 0}, {0, 3, 2}, {3, 0, 2}, {3, 2, 0}, {4, 4, 4}} {
		A := NewCOO(dims[0], dims[1], 0).ToCSR()
		B := NewCOO(dims[1], dims[2], 0).ToCSR()
		checkMul(t, "empty", A, B)
	}
}

// TestMulKeepsCancellation: a sum that cancels exactly is stored as an
// explicit zero (the structural product), unlike SciPy.
func TestMulKeepsCancellation(t *testing.T) {
	a := NewCOO(1, 2, 2)
	a.Append(0, 0, 1)
	a.Append(0, 1, 1)
	b := NewCOO(2, 1, 2)
	b.Append(0, 0, 2)
	b.Append(1, 0, -2)
	C := Mul(a.ToCSR(), b.ToCSR())
	if C.NNZ() != 1 || C.At(0, 0) != 0 {
		t.Fatalf("got nnz %d, C[0,0] = %v; want one stored zero", C.NNZ(), C.At(0, 0))
	}
}

// TestMulSameOnAnyProcs: the product is bit-for-bit the same whatever
// GOMAXPROCS is.
func TestMulSameOnAnyProcs(t *testing.T) {
	A := Laplacian2D(120, 90)
	B := randomCOO(t, 120*90, 500, 0.002, 4).ToCSR()
	old := runtime.GOMAXPROCS(1)
	ref := Mul(A, B)
	runtime.GOMAXPROCS(4)
	got := Mul(A, B)
	runtime.GOMAXPROCS(old)
	assertSameCSR(t, got, ref)
}

func TestMulDimensionMismatch(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "sparse: Mul: dimension mismatch: 2×3 times 2×3") {
			t.Fatalf("panic %v", r)
		}
	}()
	A := NewCOO(2, 3, 0).ToCSR()
	Mul(A, A)
}
