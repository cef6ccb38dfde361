package linop_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

func randDense(r, c int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 9))
	d := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d.Set(i, j, rng.NormFloat64())
		}
	}
	return d
}

// toDense materialises an operator column by column (and its transpose
// row by row when it has one), the reference every composition is checked
// against.
func toDense(t *testing.T, A linop.Operator) (fwd, tr *mat.Dense) {
	t.Helper()
	r, c := A.Dims()
	fwd = mat.NewDense(r, c, nil)
	e := make([]float64, c)
	col := make([]float64, r)
	for j := 0; j < c; j++ {
		clear(e)
		e[j] = 1
		A.Apply(col, e)
		fwd.SetCol(j, col)
	}
	if At, ok := A.(linop.Transposer); ok {
		tr = mat.NewDense(c, r, nil)
		e := make([]float64, r)
		row := make([]float64, c)
		for i := 0; i < r; i++ {
			clear(e)
			e[i] = 1
			At.ApplyT(row, e)
			tr.SetCol(i, row)
		}
	}
	return fwd, tr
}

func approx(t *testing.T, name string, got mat.Matrix, want mat.Matrix) {
	t.Helper()
	// Products of a few O(1) factors: 1e-12 is far above rounding.
	if !mat.EqualApprox(got, want, 1e-12) {
		t.Fatalf("%s:\n got %v\nwant %v", name, mat.Formatted(got), mat.Formatted(want))
	}
}

func TestAdaptersAndComposition(t *testing.T) {
	A := randDense(4, 3, 1)
	B := randDense(3, 5, 2)
	S := randDense(4, 4, 3)
	sp := sparse.FromDense(S, 0)

	var want mat.Dense
	type tc struct {
		name string
		op   linop.Operator
		want mat.Matrix
		hasT bool
	}
	want.Mul(A, B)
	prod := mat.DenseCopyOf(&want)
	var shifted mat.Dense
	shifted.Add(S, mat.NewDiagDense(4, []float64{2, 2, 2, 2}))
	var scaled mat.Dense
	scaled.Scale(-3, A)
	var sum mat.Dense
	sum.Add(S, S.T())
	var triple mat.Dense
	triple.Mul(S, prod)

	fnOp := linop.Func(4, 3, func(dst, x []float64) { linop.Dense(A).Apply(dst, x) }, nil)
	fnTOp := linop.Func(4, 3, func(dst, x []float64) { linop.Dense(A).Apply(dst, x) },
		func(dst, x []float64) { linop.Dense(A).ApplyT(dst, x) })
	// gonum matrices that are not RawMatrixers take MulVec's path.
	sym := mat.NewSymDense(4, nil)
	for i := range 4 {
		for j := i; j < 4; j++ {
			sym.SetSym(i, j, S.At(i, j))
		}
	}
	tri := mat.NewTriDense(4, mat.Upper, nil)
	for i := range 4 {
		for j := i; j < 4; j++ {
			tri.SetTri(i, j, S.At(i, j))
		}
	}

	cases := []tc{
		{"Dense", linop.Dense(A), A, true},
		{"CSR", sp, S, true},
		{"Func", fnOp, A, false},
		{"Func with transpose", fnTOp, A, true},
		{"Dense of SymDense", linop.Dense(sym), sym, true},
		{"Dense of TriDense", linop.Dense(tri), tri, true},
		{"Dense of a transposed view", linop.Dense(A.T()), A.T(), true},
		{"Product of Func with transpose", linop.Product(fnTOp, linop.Dense(B)), prod, true},
		{"Identity", linop.Identity(3), mat.NewDiagDense(3, []float64{1, 1, 1}), true},
		{"Diag", linop.Diag([]float64{1, -2, 3}), mat.NewDiagDense(3, []float64{1, -2, 3}), true},
		{"Transpose", linop.Transpose(linop.Dense(A)), A.T(), true},
		{"Scaled", linop.Scaled(-3, linop.Dense(A)), &scaled, true},
		{"Scaled func", linop.Scaled(-3, fnOp), &scaled, false},
		{"Shifted", linop.Shifted(sp, 2), &shifted, true},
		{"Product", linop.Product(linop.Dense(A), linop.Dense(B)), prod, true},
		{"Product3", linop.Product(sp, linop.Dense(A), linop.Dense(B)), &triple, true},
		{"Product func", linop.Product(fnOp, linop.Dense(B)), prod, false},
		{"Sum", linop.Sum(sp, linop.Transpose(sp)), &sum, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fwd, tr := toDense(t, c.op)
			approx(t, "Apply", fwd, c.want)
			if (tr != nil) != c.hasT {
				t.Fatalf("Transposer = %v, want %v", tr != nil, c.hasT)
			}
			if tr != nil {
				approx(t, "ApplyT", tr, c.want.T())
			}
		})
	}
}

func TestPanics(t *testing.T) {
	expectPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			msg, _ := r.(string)
			if r == nil || !strings.Contains(msg, want) {
				t.Fatalf("%s: panic %v, want message containing %q", name, r, want)
			}
		}()
		f()
	}
	A := linop.Dense(randDense(3, 2, 1))
	expectPanic("apply", "linop: Dense.Apply", func() { A.Apply(make([]float64, 2), make([]float64, 2)) })
	expectPanic("product", "linop: Product", func() { linop.Product(A, A) })
	expectPanic("shift", "want a square operator", func() { linop.Shifted(A, 1) })
	expectPanic("sum", "linop: Sum", func() { linop.Sum(A, linop.Identity(3)) })
	expectPanic("transpose", "cannot apply its transpose",
		func() { linop.Transpose(linop.Func(1, 1, func(d, x []float64) {}, nil)) })
	expectPanic("applyT", "linop: Dense.ApplyT", func() { A.ApplyT(make([]float64, 3), make([]float64, 3)) })
	expectPanic("nil func", "linop: Func: apply is nil", func() { linop.Func(1, 1, nil, nil) })
	ft := linop.Func(2, 3, func(d, x []float64) {}, func(d, x []float64) {}).(linop.Transposer)
	expectPanic("func apply", "linop: Func.Apply: 2×3", func() { ft.Apply(make([]float64, 3), make([]float64, 2)) })
	expectPanic("func applyT", "linop: Func.ApplyT: 3×2", func() { ft.ApplyT(make([]float64, 2), make([]float64, 3)) })
	expectPanic("CheckApply", "linop: mine: 3×2 operator with len(dst)=2, len(x)=2",
		func() { linop.CheckApply("mine", A, make([]float64, 2), make([]float64, 2)) })
	expectPanic("CheckApply nil", "linop: mine: nil operator",
		func() { linop.CheckApply("mine", nil, make([]float64, 2), make([]float64, 2)) })
	linop.CheckApply("mine", A, make([]float64, 3), make([]float64, 2)) // right lengths: no panic
	// ApplyT names itself, and a product checks its own lengths (the
	// message named the inner factor).
	expectPanic("diag applyT", "linop: Diag.ApplyT: 2×2", func() { linop.Diag([]float64{1, 2}).ApplyT(make([]float64, 3), make([]float64, 2)) })
	expectPanic("identity applyT", "linop: Identity.ApplyT: 2×2", func() { linop.Identity(2).ApplyT(make([]float64, 2), make([]float64, 1)) })
	P := linop.Product(A, linop.Dense(randDense(2, 4, 2))).(linop.Transposer) // 3×4
	expectPanic("product applyT", "linop: Product.ApplyT: 4×3 operator with len(dst)=3, len(x)=3",
		func() { P.ApplyT(make([]float64, 3), make([]float64, 3)) })
}

// noCols is an r×0 mat.Matrix.
type noCols int

func (m noCols) Dims() (r, c int)    { return int(m), 0 }
func (m noCols) At(i, j int) float64 { panic("noCols has no entries") }
func (m noCols) T() mat.Matrix       { return mat.Transpose{Matrix: m} }

func TestEmpty(t *testing.T) {
	// 0×0 and n×0 operators do not panic.
	var z [0]float64
	linop.Identity(0).Apply(z[:], z[:])
	d := linop.Dense(mat.NewDense(1, 1, []float64{math.Pi}))
	y := []float64{0}
	d.Apply(y, []float64{2})
	if y[0] != 2*math.Pi {
		t.Fatal("1×1 dense apply")
	}
	// An n×0 operator maps to zero; its transpose maps to the empty vector.
	// gonum's own types cannot be n×0, so a minimal mat.Matrix stands in.
	for _, e := range []linop.Transposer{linop.Dense(noCols(2)), linop.Dense(mat.Transpose{Matrix: noCols(2)})} {
		r, c := e.Dims()
		dst := make([]float64, r)
		for i := range dst {
			dst[i] = 7
		}
		e.Apply(dst, make([]float64, c))
		for i, v := range dst {
			if v != 0 {
				t.Fatalf("%d×%d operator: dst[%d] = %v, want 0", r, c, i, v)
			}
		}
		e.ApplyT(make([]float64, c), dst)
	}
}

func TestAdaptersDoNotAllocate(t *testing.T) {
	x := []float64{1, 2, 3}
	y := make([]float64, 3)
	ops := map[string]linop.Operator{
		"Identity": linop.Identity(1000), // large n: boxing an int would allocate
		"Diag":     linop.Diag([]float64{1, 2, 3}),
		"Func":     linop.Func(3, 3, func(dst, x []float64) { copy(dst, x) }, nil),
		"Scaled":   linop.Scaled(2, linop.Diag([]float64{1, 2, 3})),
		"Shifted":  linop.Shifted(linop.Diag([]float64{1, 2, 3}), 1),
		"Dense":    linop.Dense(randDense(3, 3, 5)),
		"DenseT":   linop.Transpose(linop.Dense(randDense(3, 3, 5))),
	}
	big := make([]float64, 1000)
	for name, op := range ops {
		in, out := x, y
		if r, _ := op.Dims(); r == 1000 {
			in, out = big, make([]float64, 1000)
		}
		if a := testing.AllocsPerRun(20, func() { op.Apply(out, in) }); a != 0 {
			t.Errorf("%s.Apply allocates %v times", name, a)
		}
	}
}

// Programmer errors panic with a message that names the function.
func TestConstructorPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"Identity negative", func() { linop.Identity(-1) }, "linop: Identity: negative size -1"},
		{"Func negative", func() { linop.Func(-1, 3, func(dst, x []float64) {}, nil) }, "linop: Func: negative dimensions -1×3"},
		{"Dense nil", func() { linop.Dense(nil) }, "linop: Dense: nil matrix"},
		{"Product nil", func() { linop.Product(linop.Identity(2), nil) }, "linop: Product: operator 1 is nil"},
		{"Sum nil", func() { linop.Sum(nil, linop.Identity(2)) }, "linop: Sum: nil operator (A nil: true, B nil: false)"},
		{"Scaled nil", func() { linop.Scaled(2, nil) }, "linop: Scaled: nil operator"},
		{"Shifted nil", func() { linop.Shifted(nil, 1) }, "linop: Shifted: nil operator"},
		// Interfaces holding a nil pointer (a constructor's error ignored).
		{"Dense nil *mat.Dense", func() { linop.Dense((*mat.Dense)(nil)) }, "linop: Dense: nil matrix"},
		{"Product nil *CSR", func() { linop.Product(linop.Identity(2), (*sparse.CSR)(nil)) }, "linop: Product: operator 1 is nil"},
		{"Sum nil *CSR", func() { linop.Sum(linop.Identity(2), (*sparse.CSR)(nil)) }, "linop: Sum: nil operator (A nil: false, B nil: true)"},
		{"Scaled nil *CSR", func() { linop.Scaled(2, (*sparse.CSR)(nil)) }, "linop: Scaled: nil operator"},
		{"Shifted nil *CSR", func() { linop.Shifted((*sparse.CSR)(nil), 1) }, "linop: Shifted: nil operator"},
		{"Transpose nil", func() { linop.Transpose(nil) }, "linop: Transpose: nil operator"},
		{"Transpose nil *CSR", func() { linop.Transpose((*sparse.CSR)(nil)) }, "linop: Transpose: nil operator"},
		{"CheckApply nil *CSR", func() { linop.CheckApply("mine", (*sparse.CSR)(nil), nil, nil) }, "linop: mine: nil operator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r, _ := recover().(string); r != tc.want {
					t.Errorf("panic %q, want %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

// trusting is a user operator that relies on the Operator contract for its
// lengths, as an operator may: it does not check them.
type trusting int

func (n trusting) Dims() (r, c int)        { return int(n), int(n) }
func (n trusting) Apply(dst, x []float64)  { copy(dst, x) }
func (n trusting) ApplyT(dst, x []float64) { copy(dst, x) }

// Scaled, Shifted and Sum check the lengths themselves, as Product does:
// wrapping an operator that trusts its callers must not turn a wrong
// length into a silent wrong answer or a bare index-out-of-range panic.
func TestWrapperLengthPanics(t *testing.T) {
	A := trusting(3)
	short, ok3 := make([]float64, 2), make([]float64, 3)
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"Scaled.Apply", func() { linop.Scaled(2, A).Apply(ok3, short) }, "linop: Scaled.Apply: 3×3 operator with len(dst)=3, len(x)=2"},
		{"Scaled.ApplyT", func() { linop.Scaled(2, A).(linop.Transposer).ApplyT(short, ok3) }, "linop: Scaled.ApplyT: 3×3 operator with len(dst)=2, len(x)=3"},
		{"Shifted.Apply", func() { linop.Shifted(A, 1).Apply(ok3, short) }, "linop: Shifted.Apply: 3×3 operator with len(dst)=3, len(x)=2"},
		{"Shifted.Apply short dst", func() { linop.Shifted(A, 1).Apply(short, ok3) }, "linop: Shifted.Apply: 3×3 operator with len(dst)=2, len(x)=3"},
		{"Shifted.ApplyT", func() { linop.Shifted(A, 1).(linop.Transposer).ApplyT(ok3, short) }, "linop: Shifted.ApplyT: 3×3 operator with len(dst)=3, len(x)=2"},
		{"Sum.Apply", func() { linop.Sum(A, A).Apply(short, ok3) }, "linop: Sum.Apply: 3×3 operator with len(dst)=2, len(x)=3"},
		{"Sum.ApplyT", func() { linop.Sum(A, A).(linop.Transposer).ApplyT(make([]float64, 4), ok3) }, "linop: Sum.ApplyT: 3×3 operator with len(dst)=4, len(x)=3"},
		// BLAS reads x while writing dst: Dense(A).Apply(x, x) gave [0 0]
		// for the swap matrix and x = [1 2], silently.
		{"Dense.Apply aliased", func() { linop.Dense(mat.NewDense(3, 3, nil)).Apply(ok3, ok3) }, "linop: Dense.Apply: dst and x share memory"},
		{"Dense.ApplyT overlapping", func() {
			v := make([]float64, 5)
			linop.Dense(mat.NewDense(3, 3, nil)).ApplyT(v[:3], v[2:])
		}, "linop: Dense.ApplyT: dst and x share memory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r, _ := recover().(string); r != tc.want {
					t.Errorf("panic %q, want %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}
