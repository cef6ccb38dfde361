package precond_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// (L·Lᵀ)ᵢⱼ = aᵢⱼ on the lower pattern, L lower with positive diagonal on
// A's lower pattern, and Apply = (L·Lᵀ)⁻¹ by a dense solve.
func TestIC0PatternProperty(t *testing.T) {
	cases := map[string]*sparse.CSR{
		"spd_n40":        randCSR(t, 1, 40, 0.1, "spd"),
		"spd_dense_n7":   randCSR(t, 6, 7, 1, "spd"),
		"laplacian2d":    sparse.Laplacian2D(9, 6),
		"spd_n1":         randCSR(t, 3, 1, 0, "spd"),
		"spd_zeros_n30":  spdWithZeros(t),
		"shifted_lap_1d": sparse.Laplacian1D(12),
	}
	for name, A := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := precond.NewIC0(A, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkIC0(t, A, p, 0)
		})
	}
}

// A symmetric matrix whose pattern is not (a tiny entry stored on one
// side only, within SymmetryTol) passes the symmetry check; IC(0) then
// factors on the lower pattern and lays Lᵀ out from it, whichever side
// holds the extra entry, and when the two triangles hold as many entries
// on different patterns.
func TestIC0NearlySymmetricPattern(t *testing.T) {
	for _, c := range []struct {
		name  string
		extra [][2]int
	}{
		{"extra lower entry", [][2]int{{9, 2}}},
		{"extra upper entry", [][2]int{{2, 9}}},
		{"one extra on each side", [][2]int{{9, 2}, {3, 7}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := sparse.NewCOO(12, 12, 40)
			L := sparse.Laplacian1D(12)
			for i := range 12 {
				ind, val := L.Row(i)
				for k, j := range ind {
					b.Append(i, int(j), val[k])
				}
			}
			for _, e := range c.extra {
				b.Append(e[0], e[1], 1e-14)
			}
			A := b.ToCSR()
			p, err := precond.NewIC0(A, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkIC0(t, A, p, 0)
		})
	}
}

// spdWithZeros is an SPD matrix with explicit zeros stored symmetrically.
func spdWithZeros(t *testing.T) *sparse.CSR {
	A := randCSR(t, 8, 30, 0.15, "spd")
	// Zero the entries (i, j) and (j, i) with (i+j) % 4 == 0, i ≠ j.
	indptr, ind, val := A.Raw()
	for i := range 30 {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if j := int(ind[k]); j != i && (i+j)%4 == 0 {
				val[k] = 0
			}
		}
	}
	return A
}

func checkIC0(t *testing.T, A *sparse.CSR, p *precond.IC0, shift float64) {
	t.Helper()
	n, _ := A.Dims()
	L := p.Factor()
	Ld := L.ToDense()
	for i := range n {
		li, lv := L.Row(i)
		ai, _ := A.Row(i)
		var want []int32
		for _, j := range ai {
			if int(j) <= i {
				want = append(want, j)
			}
		}
		if fmt.Sprint(li) != fmt.Sprint(want) {
			t.Fatalf("row %d: pattern of L is %v, want A's lower pattern %v", i, li, want)
		}
		if !(lv[len(lv)-1] > 0) {
			t.Fatalf("l(%d,%d) = %v, want > 0", i, i, lv[len(lv)-1])
		}
	}
	var LLt mat.Dense
	LLt.Mul(Ld, Ld.T())
	// As for ILU(0): short sums of products, a few hundred ulps of max|a|.
	tol := 1e-13 * A.MaxAbs() * (1 + shift)
	for i := range n {
		ai, av := A.Row(i)
		for k, j := range ai {
			if int(j) > i {
				continue
			}
			want := av[k]
			if int(j) == i {
				want *= 1 + shift
			}
			if d := math.Abs(LLt.At(i, int(j)) - want); d > tol {
				t.Errorf("(L·Lᵀ)(%d,%d) = %v, want %v", i, j, LLt.At(i, int(j)), want)
			}
		}
	}
	x := randVec(31, n)
	got := make([]float64, n)
	p.Apply(got, x)
	checkClose(t, "Apply vs (LLᵀ)⁻¹x", got, denseSolve(t, &LLt, x, false), denseTol)
	p.ApplyT(got, x)
	checkClose(t, "ApplyT vs (LLᵀ)⁻¹x", got, denseSolve(t, &LLt, x, false), denseTol)
}

// On a tridiagonal SPD matrix the pattern is closed under fill and IC(0)
// is the exact Cholesky factor (gonum's dense Cholesky as reference).
func TestIC0ExactOnTridiagonal(t *testing.T) {
	const n = 25
	a := make([]float64, n*n)
	for i := range n {
		a[i*n+i] = 2.5 + 0.1*float64(i%3)
		if i > 0 {
			a[i*n+i-1] = -1 + 0.05*float64(i%4)
			a[(i-1)*n+i] = a[i*n+i-1]
		}
	}
	A := csrFromDense(t, n, a)
	p, err := precond.NewIC0(A, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(n, a)) {
		t.Fatal("reference Cholesky failed")
	}
	var Lref mat.TriDense
	ch.LTo(&Lref)
	if d := maxDiff(p.Factor().ToDense(), &Lref); d > 1e-14*4 {
		t.Errorf("L differs from the exact Cholesky factor by %.3g", d)
	}
	x := randVec(4, n)
	got := make([]float64, n)
	p.Apply(got, x)
	checkClose(t, "Apply vs A⁻¹x", got, denseSolve(t, A.ToDense(), x, false), denseTol)
}

// Indefinite matrices fail with ErrNotSPD naming the row and the pivot; a
// non-M-matrix SPD matrix on which IC(0) breaks down is rescued by a
// shift, and the shifted factor satisfies the shifted defining property.
func TestIC0BreakdownAndShift(t *testing.T) {
	// Indefinite: [[1 2][2 1]] has pivot 1 − 4 = −3 in row 1.
	A := csrFromDense(t, 2, []float64{1, 2, 2, 1})
	_, err := precond.NewIC0(A, nil)
	if !errors.Is(err, precond.ErrNotSPD) || !strings.Contains(err.Error(), "row 1") || !strings.Contains(err.Error(), "-3") {
		t.Fatalf("indefinite 2×2: err = %v, want ErrNotSPD naming row 1 and pivot -3", err)
	}
	if !strings.Contains(err.Error(), "Shift") {
		t.Errorf("error does not suggest a shift: %v", err)
	}
	// Kershaw's 4×4 matrix (J. Comput. Phys. 26, 1978) is SPD (eigenvalues
	// 3 ± 2√2) but IC(0) drops the fill Cholesky needs and the last pivot is
	// −5. gonum's Cholesky confirms it is SPD.
	b := []float64{
		3, -2, 0, 2,
		-2, 3, -2, 0,
		0, -2, 3, -2,
		2, 0, -2, 3,
	}
	B := csrFromDense(t, 4, b)
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(4, b)) {
		t.Fatal("Kershaw's matrix should be SPD")
	}
	_, err = precond.NewIC0(B, nil)
	if !errors.Is(err, precond.ErrNotSPD) || !strings.Contains(err.Error(), "row 3") || !strings.Contains(err.Error(), "-5") {
		t.Fatalf("Kershaw: err = %v, want ErrNotSPD naming row 3 and pivot -5", err)
	}
	_, err = precond.NewIC0(B, &precond.IC0Options{Shift: 0.01})
	if !errors.Is(err, precond.ErrNotSPD) || !strings.Contains(err.Error(), "larger shift") {
		t.Fatalf("Kershaw, shift 0.01: err = %v, want ErrNotSPD suggesting a larger shift", err)
	}
	p, err := precond.NewIC0(B, &precond.IC0Options{Shift: 0.5})
	if err != nil {
		t.Fatalf("shift 0.5: %v", err)
	}
	if p.Shift() != 0.5 {
		t.Errorf("Shift() = %v", p.Shift())
	}
	checkIC0(t, B, p, 0.5)

	// Only strict diagonal dominance after the shift guarantees success:
	// Shift 1 makes [[1 −2][−2 1]] weakly dominant and the pivot is 0.
	C := csrFromDense(t, 2, []float64{1, -2, -2, 1})
	if _, err := precond.NewIC0(C, &precond.IC0Options{Shift: 1}); !errors.Is(err, precond.ErrNotSPD) {
		t.Errorf("weakly dominant after the shift: err = %v, want ErrNotSPD", err)
	}
	if _, err := precond.NewIC0(C, &precond.IC0Options{Shift: 1.01}); err != nil {
		t.Errorf("strictly dominant after the shift: %v", err)
	}
}
