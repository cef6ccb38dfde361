package sparse

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNewZCSRChecks(t *testing.T) {
	good, err := NewZCSR(2, 3, []int{0, 2, 3}, []int32{0, 2, 1}, []complex128{1, 2i, 0})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := good.Dims(); r != 2 || c != 3 || good.NNZ() != 3 {
		t.Fatalf("Dims %d×%d NNZ %d", r, c, good.NNZ())
	}
	if good.At(0, 2) != 2i || good.At(1, 1) != 0 || good.At(1, 0) != 0 {
		t.Errorf("At gives %v %v %v", good.At(0, 2), good.At(1, 1), good.At(1, 0))
	}
	ind, val := good.Row(0)
	if len(ind) != 2 || val[1] != 2i {
		t.Errorf("Row(0) = %v %v", ind, val)
	}
	bad := []struct {
		name   string
		r, c   int
		indptr []int
		ind    []int32
		val    []complex128
		msg    string
	}{
		{"negative dims", -1, 2, []int{0}, nil, nil, "invalid dimensions"},
		{"short indptr", 2, 2, []int{0, 1}, []int32{0}, []complex128{1}, "row pointer length"},
		{"value count", 1, 2, []int{0, 1}, []int32{0}, []complex128{1, 2}, "values"},
		{"column out of range", 1, 2, []int{0, 1}, []int32{2}, []complex128{1}, "out of range"},
		{"unsorted", 1, 3, []int{0, 2}, []int32{2, 1}, []complex128{1, 1}, "not strictly increasing"},
		{"duplicate", 1, 3, []int{0, 2}, []int32{1, 1}, []complex128{1, 1}, "not strictly increasing"},
	}
	for _, tc := range bad {
		if _, err := NewZCSR(tc.r, tc.c, tc.indptr, tc.ind, tc.val); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.msg)
		}
	}
	var zero ZCSR
	if r, c := zero.Dims(); r != 0 || c != 0 || zero.NNZ() != 0 {
		t.Error("zero ZCSR is not empty")
	}
	zero.MulVecTo(nil, nil)
	if p, _, _ := zero.Raw(); len(p) != 1 {
		t.Errorf("zero ZCSR Raw indptr = %v", p)
	}
}

// TestZCOOToZCSR checks assembly against a dense accumulation of the same
// random triplets (with duplicates and explicit zeros), and MulVecTo,
// Real, Imag and Abs against the dense matrix.
func TestZCOOToZCSR(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const r, c = 7, 5
	b := NewZCOO(r, c, 0)
	var dense [r][c]complex128
	var stored [r][c]bool
	for k := 0; k < 40; k++ {
		i, j := rng.IntN(r), rng.IntN(c)
		v := complex(float64(rng.IntN(7)-3), float64(rng.IntN(5)-2))
		if k%9 == 0 {
			v = 0
		}
		b.Append(i, j, v)
		dense[i][j] += v
		stored[i][j] = true
	}
	if b.Len() != 40 {
		t.Fatalf("Len = %d", b.Len())
	}
	if rr, cc := b.Dims(); rr != r || cc != c {
		t.Fatalf("builder Dims %d×%d", rr, cc)
	}
	Z := b.ToZCSR()
	indptr, ind, val := Z.Raw()
	if _, err := NewZCSR(r, c, indptr, ind, val); err != nil {
		t.Fatalf("ToZCSR broke an invariant: %v", err)
	}
	nnz := 0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if stored[i][j] {
				nnz++
			}
			// Small integers: sums are exact.
			if Z.At(i, j) != dense[i][j] {
				t.Errorf("At(%d,%d) = %v, want %v", i, j, Z.At(i, j), dense[i][j])
			}
		}
	}
	if Z.NNZ() != nnz {
		t.Errorf("NNZ = %d, want %d (explicit zeros kept, duplicates merged)", Z.NNZ(), nnz)
	}
	x := make([]complex128, c)
	for j := range x {
		x[j] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	y := make([]complex128, r)
	Z.MulVecTo(y, x)
	for i := 0; i < r; i++ {
		var s complex128
		for j := 0; j < c; j++ {
			s += dense[i][j] * x[j]
		}
		// Same terms, possibly different order: a few ulps of the row sum.
		if cmplx.Abs(y[i]-s) > 1e-13*(1+cmplx.Abs(s)) {
			t.Errorf("MulVecTo row %d = %v, want %v", i, y[i], s)
		}
	}
	re, im, ab := Z.Real(), Z.Imag(), Z.Abs()
	for _, P := range []*CSR{re, im, ab} {
		if P.NNZ() != Z.NNZ() {
			t.Fatalf("part NNZ %d, want %d (same pattern)", P.NNZ(), Z.NNZ())
		}
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			z := dense[i][j]
			if re.At(i, j) != real(z) || im.At(i, j) != imag(z) || ab.At(i, j) != cmplx.Abs(z) {
				t.Errorf("(%d,%d): parts %v %v %v of %v", i, j, re.At(i, j), im.At(i, j), ab.At(i, j), z)
			}
		}
	}
	// Real returns a copy: changing it leaves Z alone.
	_, _, rv := re.Raw()
	for k := range rv {
		rv[k] = 99
	}
	if Z.At(0, 0) == 99 {
		t.Error("Real shares storage with Z")
	}
}

func TestZCSRSymmetry(t *testing.T) {
	build := func(e map[[2]int]complex128, n int) *ZCSR {
		b := NewZCOO(n, n, len(e))
		for p, v := range e {
			b.Append(p[0], p[1], v)
		}
		return b.ToZCSR()
	}
	tests := []struct {
		name            string
		A               *ZCSR
		sym, herm, skew bool
	}{
		{"hermitian", build(map[[2]int]complex128{{0, 0}: 2, {1, 0}: 1 + 1i, {0, 1}: 1 - 1i}, 2), false, true, false},
		{"complex symmetric", build(map[[2]int]complex128{{0, 0}: 2i, {1, 0}: 1 + 1i, {0, 1}: 1 + 1i}, 2), true, false, false},
		{"skew", build(map[[2]int]complex128{{1, 0}: 1 + 1i, {0, 1}: -1 - 1i}, 2), false, false, true},
		{"skew-hermitian", build(map[[2]int]complex128{{1, 0}: 1 + 1i, {0, 1}: -1 + 1i}, 2), false, false, false},
		{"real symmetric is both", build(map[[2]int]complex128{{1, 0}: 3, {0, 1}: 3}, 2), true, true, false},
		{"one-sided", build(map[[2]int]complex128{{1, 0}: 3}, 2), false, false, false},
		{"non-real diagonal", build(map[[2]int]complex128{{0, 0}: 1i}, 1), true, false, false},
		{"rectangular", NewZCOO(2, 3, 0).ToZCSR(), false, false, false},
		{"empty square", NewZCOO(3, 3, 0).ToZCSR(), true, true, true},
	}
	for _, tc := range tests {
		if got := tc.A.IsSymmetric(0); got != tc.sym {
			t.Errorf("%s: IsSymmetric = %v", tc.name, got)
		}
		if got := tc.A.IsHermitian(0); got != tc.herm {
			t.Errorf("%s: IsHermitian = %v", tc.name, got)
		}
		if got := tc.A.IsSkewSymmetric(0); got != tc.skew {
			t.Errorf("%s: IsSkewSymmetric = %v", tc.name, got)
		}
	}
	// Tolerance is relative to max |a|.
	A := build(map[[2]int]complex128{{1, 0}: 1, {0, 1}: 1 + 1e-10}, 2)
	if A.IsSymmetric(0) || !A.IsSymmetric(1e-9) {
		t.Error("IsSymmetric tolerance not applied")
	}
}

func TestZCSRPanics(t *testing.T) {
	Z := NewZCOO(2, 2, 0).ToZCSR()
	for name, f := range map[string]func(){
		"At":       func() { Z.At(2, 0) },
		"Row":      func() { Z.Row(-1) },
		"MulVecTo": func() { Z.MulVecTo(make([]complex128, 2), make([]complex128, 3)) },
		"Append":   func() { NewZCOO(2, 2, 0).Append(0, 2, 1) },
		"NewZCOO":  func() { NewZCOO(-1, 2, 0) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s did not panic", name)
				} else if !strings.HasPrefix(r.(string), "sparse: ") {
					t.Errorf("%s panic %q lacks the package prefix", name, r)
				}
			}()
			f()
		}()
	}
}

// TestZCSRSymmetryInfinite checks that an infinite entry matched exactly
// by its mirror passes the checks, as it does for CSR: the mirror must be
// negated or taken as is component by component, not multiplied by the
// complex number ±1, whose zero imaginary part turns 0·Inf into NaN.
func TestZCSRSymmetryInfinite(t *testing.T) {
	inf := math.Inf(1)
	pair := func(upper, lower complex128) *ZCSR {
		b := NewZCOO(2, 2, 2)
		b.Append(0, 1, upper)
		b.Append(1, 0, lower)
		return b.ToZCSR()
	}
	tests := []struct {
		name            string
		A               *ZCSR
		sym, herm, skew bool
	}{
		{"real inf symmetric", pair(complex(inf, 0), complex(inf, 0)), true, true, false},
		{"real inf skew", pair(complex(inf, 0), complex(-inf, 0)), false, false, true},
		{"imaginary inf symmetric", pair(complex(1, inf), complex(1, inf)), true, false, false},
		{"imaginary inf hermitian", pair(complex(1, inf), complex(1, -inf)), false, true, false},
		{"imaginary inf skew", pair(complex(2, inf), complex(-2, -inf)), false, false, true},
		{"inf not matched", pair(complex(inf, 0), complex(1, 0)), false, false, false},
	}
	for _, tc := range tests {
		checkZSymmetry(t, tc.name, tc.A, tc.sym, tc.herm, tc.skew)
	}
}

// checkZSymmetry reports every symmetry verdict of A that differs from
// the one wanted.
func checkZSymmetry(t *testing.T, name string, A *ZCSR, sym, herm, skew bool) {
	t.Helper()
	if got := A.IsSymmetric(0); got != sym {
		t.Errorf("%s: IsSymmetric = %v, want %v", name, got, sym)
	}
	if got := A.IsHermitian(0); got != herm {
		t.Errorf("%s: IsHermitian = %v, want %v", name, got, herm)
	}
	if got := A.IsSkewSymmetric(0); got != skew {
		t.Errorf("%s: IsSkewSymmetric = %v, want %v", name, got, skew)
	}
}
