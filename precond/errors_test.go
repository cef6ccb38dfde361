package precond_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

func mustCSR(t *testing.T, r, c int, indptr []int, ind []int32, val []float64) *sparse.CSR {
	t.Helper()
	A, err := sparse.NewCSR(r, c, indptr, ind, val)
	if err != nil {
		t.Fatal(err)
	}
	return A
}

// Every data-dependent failure is an error (never a panic) wrapping the
// documented sentinel, and its message names the place.
func TestConstructorErrors(t *testing.T) {
	lap := sparse.Laplacian2D(4, 4)
	rect := mustCSR(t, 2, 3, []int{0, 1, 2}, []int32{0, 1}, []float64{1, 1})
	// 3×3, row 1 has a stored zero diagonal, row 2 a missing one.
	zeroAndMissing := mustCSR(t, 3, 3, []int{0, 1, 3, 4}, []int32{0, 0, 1, 0}, []float64{2, 1, 0, 5})
	// 3×3, only row 2's diagonal is missing.
	missing := mustCSR(t, 3, 3, []int{0, 2, 4, 5}, []int32{0, 1, 0, 1, 1}, []float64{4, 1, 1, 4, 1})
	// 2×2 symmetric [[2 1][1 ·]], diagonal (1,1) not stored.
	symMissing := mustCSR(t, 2, 2, []int{0, 2, 3}, []int32{0, 1, 0}, []float64{2, 1, 1})
	// 3×3 with stored zero diagonal in rows 1 and 2.
	zeros := mustCSR(t, 3, 3, []int{0, 1, 2, 3}, []int32{0, 1, 2}, []float64{1, 0, 0})
	nan := lap.Clone()
	_, _, v := nan.Raw()
	v[7] = math.NaN()
	inf := lap.Clone()
	_, _, v = inf.Raw()
	v[3] = math.Inf(-1)
	// ILU(0) zero pivot: [[1 2][3 6]] gives u11 = 6 − 3·2 = 0.
	singular := csrFromDense(t, 2, []float64{1, 2, 3, 6})
	// Tiny pivot: u11 = 6 − 3·(2+1e-15) ≈ −3e-15, below 1e-14·6.
	tiny := csrFromDense(t, 2, []float64{1, 2 + 1e-15, 3, 6})
	nonsym := csrFromDense(t, 3, []float64{4, 1, 0, 1.5, 4, 1, 0, 1, 4})
	negDiag := csrFromDense(t, 2, []float64{-1, 0.1, 0.1, 2})
	subnormal := csrFromDense(t, 2, []float64{1e-310, 0, 0, 1})
	// Elimination overflows: u11 = 1 − 1e300·1e13 = −Inf (ILU(0)), and
	// the IC(0) pivot 1 − (1e200)² = −Inf.
	growthLU := csrFromDense(t, 2, []float64{1, 1e13, 1e300, 1})
	growth := csrFromDense(t, 2, []float64{1, 1e200, 1e200, 1})
	// A finite matrix whose SSOR factors overflow: ω·a₁₀/a₀₀ = 1e310 in
	// the lower triangle, a₀₁/(2−ω) = 1e309 in the upper one.
	ssorLower := csrFromDense(t, 2, []float64{1e-10, 0, 1e300, 1})
	ssorUpper := csrFromDense(t, 2, []float64{1, 1e300, 0, 1})
	// IC(0): the shifted diagonal 1e300·(1 + 1e10) overflows in row 0,
	// before any elimination.
	bigDiag := csrFromDense(t, 2, []float64{1e300, 0, 0, 1e300})

	cases := []struct {
		name  string
		build func() error
		want  error
		parts []string // substrings the message must contain
	}{
		{"jacobi/nonsquare", func() error { _, err := precond.NewJacobi(rect); return err }, precond.ErrNotSquare, []string{"2×3"}},
		{"ssor/nonsquare", func() error { _, err := precond.NewSSOR(rect, 1); return err }, precond.ErrNotSquare, []string{"2×3"}},
		{"ilu0/nonsquare", func() error { _, err := precond.NewILU0(rect); return err }, precond.ErrNotSquare, []string{"2×3"}},
		{"ic0/nonsquare", func() error { _, err := precond.NewIC0(rect, nil); return err }, precond.ErrNotSquare, []string{"2×3"}},
		{"jacobi/nan", func() error { _, err := precond.NewJacobi(nan); return err }, precond.ErrNotFinite, []string{"NaN", "(2,1)"}},
		{"ssor/inf", func() error { _, err := precond.NewSSOR(inf, 1); return err }, precond.ErrNotFinite, []string{"-Inf", "(1,0)"}},
		{"ilu0/nan", func() error { _, err := precond.NewILU0(nan); return err }, precond.ErrNotFinite, []string{"NaN"}},
		{"ic0/inf", func() error { _, err := precond.NewIC0(inf, nil); return err }, precond.ErrNotFinite, []string{"-Inf"}},
		{"jacobi/zero+missing diag", func() error { _, err := precond.NewJacobi(zeroAndMissing); return err },
			precond.ErrZeroDiagonal, []string{"2 of 3 rows", "row 1", "is zero"}},
		{"jacobi/missing diag", func() error { _, err := precond.NewJacobi(missing); return err },
			precond.ErrZeroDiagonal, []string{"1 of 3 rows", "row 2", "not stored"}},
		{"ssor/zero diag", func() error { _, err := precond.NewSSOR(zeros, 1.2); return err },
			precond.ErrZeroDiagonal, []string{"2 of 3 rows", "row 1"}},
		{"ilu0/missing diag", func() error { _, err := precond.NewILU0(missing); return err },
			precond.ErrZeroDiagonal, []string{"row 2"}},
		{"ic0/missing diag", func() error { _, err := precond.NewIC0(symMissing, nil); return err },
			precond.ErrZeroDiagonal, []string{"row 1"}},
		{"ssor/subnormal diag", func() error { _, err := precond.NewSSOR(subnormal, 1); return err },
			precond.ErrZeroDiagonal, []string{"(0,0)"}},
		{"jacobi/subnormal diag", func() error { _, err := precond.NewJacobi(subnormal); return err },
			precond.ErrZeroDiagonal, []string{"(0,0)"}},
		{"ilu0/growth", func() error { _, err := precond.NewILU0(growthLU); return err },
			precond.ErrNotFinite, []string{"(1,1)", "-Inf"}},
		{"ic0/growth", func() error { _, err := precond.NewIC0(growth, nil); return err },
			precond.ErrNotFinite, []string{"row 1", "-Inf"}},
		{"ilu0/zero pivot", func() error { _, err := precond.NewILU0(singular); return err },
			precond.ErrZeroPivot, []string{"u(1,1) = 0"}},
		{"ilu0/tiny pivot", func() error { _, err := precond.NewILU0(tiny); return err },
			precond.ErrZeroPivot, []string{"u(1,1)", "1e-14"}},
		{"ilu0/zero first pivot", func() error { _, err := precond.NewILU0(zeros); return err },
			precond.ErrZeroPivot, []string{"u(1,1) = 0"}},
		{"ic0/nonsymmetric", func() error { _, err := precond.NewIC0(nonsym, nil); return err },
			precond.ErrNotSymmetric, []string{"A(1,0) = 1.5", "A(0,1) = 1"}},
		{"ic0/negative diag", func() error { _, err := precond.NewIC0(negDiag, nil); return err },
			precond.ErrNotSPD, []string{"A(0,0) = -1"}},
		{"ic0/zero diag", func() error { _, err := precond.NewIC0(zeros, nil); return err },
			precond.ErrNotSPD, []string{"A(1,1) = 0"}},
		{"ssor/scaled lower overflows", func() error { _, err := precond.NewSSOR(ssorLower, 1); return err },
			precond.ErrNotFinite, []string{"ω·a(1,0)/a(0,0)", "overflows"}},
		{"ssor/scaled upper overflows", func() error { _, err := precond.NewSSOR(ssorUpper, 2-1e-9); return err },
			precond.ErrNotFinite, []string{"a(0,1)/(2−ω)", "overflows"}},
		{"ic0/shift overflows", func() error { _, err := precond.NewIC0(bigDiag, &precond.IC0Options{Shift: 1e10}); return err },
			precond.ErrNotFinite, []string{"A(0,0)", "Shift", "overflows"}},
		{"ic0/negative shift", func() error { _, err := precond.NewIC0(lap, &precond.IC0Options{Shift: -0.1}); return err },
			precond.ErrOption, []string{"-0.1"}},
		{"ic0/nan shift", func() error { _, err := precond.NewIC0(lap, &precond.IC0Options{Shift: math.NaN()}); return err },
			precond.ErrOption, []string{"NaN"}},
		{"ssor/omega 0", func() error { _, err := precond.NewSSOR(lap, 0); return err }, precond.ErrOption, []string{"ω = 0"}},
		{"ssor/omega 2", func() error { _, err := precond.NewSSOR(lap, 2); return err }, precond.ErrOption, []string{"ω = 2"}},
		{"ssor/omega -1", func() error { _, err := precond.NewSSOR(lap, -1); return err }, precond.ErrOption, nil},
		{"ssor/omega NaN", func() error { _, err := precond.NewSSOR(lap, math.NaN()); return err }, precond.ErrOption, nil},
		{"new/unknown kind", func() error { _, err := precond.New("ilut", lap, nil); return err },
			precond.ErrOption, []string{`"ilut"`, "none, jacobi, ssor, ilu0, iluk, ic0"}},
		{"new/empty kind", func() error { _, err := precond.New("", lap, nil); return err }, precond.ErrOption, nil},
		{"new/ssor omega", func() error { _, err := precond.New("ssor", lap, &precond.Options{Omega: 2.5}); return err },
			precond.ErrOption, []string{"2.5"}},
		{"new/ic0 shift", func() error { _, err := precond.New("ic0", lap, &precond.Options{Shift: -1}); return err },
			precond.ErrOption, nil},
		{"new/ilu0 pivot", func() error { _, err := precond.New("ILU0", singular, nil); return err },
			precond.ErrZeroPivot, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.build()
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, s := range c.parts {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not contain %q", err, s)
				}
			}
		})
	}
}

// A failed New returns a nil interface, not a typed nil pointer.
func TestNewFailureIsNil(t *testing.T) {
	p, err := precond.New("jacobi", csrFromDense(t, 2, []float64{0, 1, 1, 0}), nil)
	if err == nil || p != nil {
		t.Fatalf("New = (%v, %v), want (nil, error)", p, err)
	}
}

// Programming errors panic with a "precond:" message.
func TestPanics(t *testing.T) {
	lap := sparse.Laplacian2D(3, 3)
	j, _ := precond.NewJacobi(lap)
	s, _ := precond.NewSSOR(lap, 1)
	u, _ := precond.NewILU0(lap)
	c, _ := precond.NewIC0(lap, nil)
	short := make([]float64, 8)
	full := make([]float64, 9)
	cases := map[string]func(){
		"NewJacobi(nil)":   func() { _, _ = precond.NewJacobi(nil) },
		"NewILU0(nil)":     func() { _, _ = precond.NewILU0(nil) },
		"New(none, nil)":   func() { _, _ = precond.New("none", nil, nil) },
		"Jacobi.Apply":     func() { j.Apply(short, full) },
		"SSOR.Apply":       func() { s.Apply(full, short) },
		"SSOR.ApplyT":      func() { s.ApplyT(short, full) },
		"ILU0.Apply":       func() { u.Apply(short, full) },
		"ILU0.ApplyT":      func() { u.ApplyT(full, short) },
		"IC0.Apply":        func() { c.Apply(short, short) },
		"Jacobi.ApplyT":    func() { j.ApplyT(full, short) },
		"IC0.ApplyT":       func() { c.ApplyT(short, full) },
		"NewIC0(nil, nil)": func() { _, _ = precond.NewIC0(nil, nil) },
		// nil before the options: a nil A with a bad ω returned ErrOption.
		"NewILUK(nil, -1)":          func() { _, _ = precond.NewILUK(nil, -1) },
		"NewSSOR(nil, 3)":           func() { _, _ = precond.NewSSOR(nil, 3) },
		"New(ssor, nil, bad Omega)": func() { _, _ = precond.New("ssor", nil, &precond.Options{Omega: -1}) },
		"NewASM(nil, bad Overlap)":  func() { _, _ = precond.NewASM(nil, &precond.ASMOptions{Overlap: -1}) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "precond: ") {
					t.Errorf("panic = %v, want a precond: message", r)
				}
			}()
			f()
		})
	}
}
