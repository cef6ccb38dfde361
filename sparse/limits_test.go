package sparse

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/allocs"
)

// csrOf builds an n×n CSR from (row, column, value) triples.
func csrOf(n int, e ...[3]float64) *CSR {
	c := NewCOO(n, n, 0)
	for _, x := range e {
		c.Append(int(x[0]), int(x[1]), x[2])
	}
	return c.ToCSR()
}

// Symmetry checks with infinite entries: an Inf must be matched exactly
// and does not enter tol·max|a| (it made the limit infinite, so every pair
// with a finite partner passed, or at tol = 0 NaN, so nothing passed, not
// even a diagonal matrix); a NaN is never symmetric.
func TestSymmetryWithInf(t *testing.T) {
	inf := math.Inf(1)
	asym := csrOf(3, [3]float64{0, 1, inf}, [3]float64{1, 0, 1}, [3]float64{0, 2, 1}, [3]float64{2, 0, 7})
	if asym.IsSymmetric(1e-12) {
		t.Error("[[0,Inf,1],[1,0,0],[7,0,0]].IsSymmetric(1e-12) = true")
	}
	if asym.IsSkewSymmetric(1e-12) {
		t.Error("[[0,Inf,1],[1,0,0],[7,0,0]].IsSkewSymmetric(1e-12) = true")
	}
	diag := csrOf(2, [3]float64{0, 0, inf}, [3]float64{1, 1, 1})
	if !diag.IsSymmetric(0) || !diag.IsSymmetric(1e-12) {
		t.Errorf("diag(Inf, 1): IsSymmetric(0) = %v, IsSymmetric(1e-12) = %v, want true", diag.IsSymmetric(0), diag.IsSymmetric(1e-12))
	}
	pair := csrOf(2, [3]float64{0, 1, inf}, [3]float64{1, 0, inf}, [3]float64{0, 0, 1})
	if !pair.IsSymmetric(0) {
		t.Error("[[1,Inf],[Inf,0]].IsSymmetric(0) = false")
	}
	nan := csrOf(2, [3]float64{0, 1, math.NaN()}, [3]float64{1, 0, math.NaN()})
	if nan.IsSymmetric(1) || nan.IsSymmetric(0) {
		t.Error("NaN pair reported symmetric")
	}
	z := NewZCOO(2, 2, 0)
	z.Append(0, 1, complex(inf, 0))
	z.Append(1, 0, 1)
	if Z := z.ToZCSR(); Z.IsSymmetric(1e-12) || Z.IsHermitian(1e-12) {
		t.Error("ZCSR [[0,Inf],[1,0]] reported symmetric/hermitian")
	}
}

// Norm1 and NormInf are NaN when an entry is, also beside +Inf (they
// folded with math.Max, for which +Inf beats NaN), like NormFrob and
// MaxAbs.
func TestNormsNaNBesideInf(t *testing.T) {
	a := csrOf(2, [3]float64{0, 1, math.Inf(1)}, [3]float64{1, 0, math.NaN()})
	if !math.IsNaN(a.MaxAbs()) || !math.IsNaN(a.NormFrob()) {
		t.Fatalf("MaxAbs %v, NormFrob %v", a.MaxAbs(), a.NormFrob())
	}
	if n := a.Norm1(); !math.IsNaN(n) {
		t.Errorf("Norm1 = %v, want NaN", n)
	}
	if n := a.NormInf(); !math.IsNaN(n) {
		t.Errorf("NormInf = %v, want NaN", n)
	}
	w := NewCOO(2, 1000, 0) // cols > 4·nnz+64: the sorted path
	w.Append(0, 3, math.NaN())
	w.Append(1, 999, math.Inf(1))
	if n := w.ToCSR().Norm1(); !math.IsNaN(n) {
		t.Errorf("wide Norm1 = %v, want NaN", n)
	}
}

// tooWide is a 1×(MaxDim+2) mat.Matrix; reading beyond its first columns
// means FromDense accepted the dimensions (it took ~20 s and returned a
// CSR whose column index MaxDim+1 wrapped to −2³¹).
type tooWide struct{}

func (tooWide) Dims() (int, int) { return 1, MaxDim + 2 }
func (tooWide) At(i, j int) float64 {
	if j > 100 {
		panic("FromDense read a matrix wider than MaxDim")
	}
	return 0
}
func (w tooWide) T() mat.Matrix { return mat.Transpose{Matrix: w} }

func TestFromDenseChecksMaxDim(t *testing.T) {
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.HasPrefix(msg, "sparse: FromDense") {
			t.Errorf("panic %q, want a sparse: FromDense message", msg)
		}
	}()
	FromDense(tooWide{}, 0)
}

// Laplacian2D checks nx·ny against MaxDim without overflowing the product.
func TestLaplacian2DSizeOverflow(t *testing.T) {
	for _, g := range [][2]int{{1 << 32, 1 << 32}, {1<<62 + 1, 4}} {
		func() {
			defer func() {
				if msg := fmt.Sprint(recover()); !strings.HasPrefix(msg, "sparse: Laplacian2D: invalid grid") {
					t.Errorf("Laplacian2D(%d, %d): panic %q", g[0], g[1], msg)
				}
			}()
			Laplacian2D(g[0], g[1])
		}()
	}
}

// Raw on the zero value does not store the row pointers it makes:
// concurrent readers of a shared zero-value matrix (T, Clone, Add) raced
// (go test -race).
func TestZeroValueRawIsARead(t *testing.T) {
	var a CSR
	a.Raw()
	var z ZCSR
	z.Raw()
	if a.indptr != nil || z.indptr != nil {
		t.Error("Raw wrote to the zero value")
	}
	var b CSR
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = b.T(); _ = b.Clone() }()
	}
	wg.Wait()
}

// CheckFinite's error wraps ErrNotFinite and names the entry.
func TestCheckFiniteSentinel(t *testing.T) {
	a := csrOf(2, [3]float64{1, 0, math.NaN()}, [3]float64{0, 0, 1})
	err := a.CheckFinite()
	if !errors.Is(err, ErrNotFinite) || !strings.Contains(err.Error(), "(1,0)") {
		t.Errorf("err = %v, want ErrNotFinite naming entry (1,0)", err)
	}
	if err := Identity(3).CheckFinite(); err != nil {
		t.Errorf("finite matrix: %v", err)
	}
}

// COO.ToCSR and CSR.T allocate one array of pointers per dimension
// besides O(nnz), which is what the readers' memory checks count. Each
// kept a second array of cursors as long as the first: a 1 KB coo .npz,
// or a Matrix Market file of 70 bytes with two entries out of order,
// declaring a 1×2·10⁹ matrix passed the check (15 GiB of pointers on a
// 24 GiB machine), then ToCSR asked for 30 GiB and the kernel killed the
// process.
func TestAssemblyPointerMemory(t *testing.T) {
	const big = 1 << 20
	tests := []struct {
		name       string
		rows, cols int
	}{
		{"wide", 3, big},
		{"tall", big, 3},
		{"square", big, big},
	}
	const slack = 64 << 10 // the O(nnz) arrays and the CSR header
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCOO(tc.rows, tc.cols, 4)
			c.Append(2, 1, 1) // out of order, with a duplicate
			c.Append(0, 2, 2)
			c.Append(2, 1, 3)
			c.Append(2, 0, 4)
			var a *CSR
			want := uint64(8*(tc.rows+1) + 8*(tc.cols+1))
			if got := allocs.Least(func() { a = c.ToCSR() }); got > want+slack {
				t.Errorf("ToCSR allocated %d bytes, want at most %d (one array of pointers per dimension)", got, want+slack)
			}
			want = uint64(8 * (tc.cols + 1))
			if got := allocs.Least(func() { a.T() }); got > want+slack {
				t.Errorf("T allocated %d bytes, want at most %d (the transpose's row pointers)", got, want+slack)
			}
			// The result is the one built by Append and Row.
			if a.NNZ() != 3 {
				t.Fatalf("NNZ %d, want 3", a.NNZ())
			}
			ind, val := a.Row(2)
			if len(ind) != 2 || ind[0] != 0 || ind[1] != 1 || val[0] != 4 || val[1] != 4 {
				t.Errorf("row 2: %v %v, want [0 1] [4 4]", ind, val)
			}
			if ind, val := a.T().Row(2); len(ind) != 1 || ind[0] != 0 || val[0] != 2 {
				t.Errorf("row 2 of the transpose: %v %v, want [0] [2]", ind, val)
			}
		})
	}
}
