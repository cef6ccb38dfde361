// Package linop defines the linear-operator interface every solver in
// subspace accepts, adapters that turn matrices and functions into
// operators, and composition helpers.
//
// An Operator only has to compute y = A·x. That is all a Krylov solver
// needs, so matrix-free operators (a PDE stencil, a product of factors, a
// preconditioner's solve) work wherever a matrix does. Operators that can
// also apply Aᵀ implement Transposer; least-squares solvers (LSQR, LSMR)
// require it.
//
// *sparse.CSR and *sparse.CSC satisfy Operator and Transposer directly;
// Dense wraps a gonum matrix; Func wraps plain functions.
//
// Composed operators (Product, Sum) keep scratch vectors and are not safe
// for concurrent Apply calls; the adapters are.
//
// Every operator built here panics with a "linop:" message when Apply or
// ApplyT is given vectors whose lengths do not match its dimensions.
package linop

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/nilcheck"
	"github.com/subspace-lab/subspace/internal/vec"
)

// Operator is a linear map from R^c to R^r.
type Operator interface {
	// Dims returns r (rows: length of the result) and c (columns: length
	// of the argument).
	Dims() (r, c int)
	// Apply sets dst = A·x. len(dst) = r, len(x) = c; dst and x must not
	// overlap. It must not keep references to dst or x.
	Apply(dst, x []float64)
}

// Transposer is an Operator that can also apply its transpose.
type Transposer interface {
	Operator
	// ApplyT sets dst = Aᵀ·x; len(dst) = c, len(x) = r.
	ApplyT(dst, x []float64)
}

// CheckApply panics with a "linop:" message if A is nil or unless
// len(dst) = r and len(x) = c for an r×c operator; adapters call it first.
func CheckApply(name string, A Operator, dst, x []float64) {
	if nilcheck.IsNil(A) {
		panic("linop: " + name + ": nil operator")
	}
	r, c := A.Dims()
	checkDims(name, r, c, dst, x)
}

// checkDims is CheckApply for adapters that know their dimensions: it
// avoids converting a value receiver to an interface, which allocates.
func checkDims(name string, r, c int, dst, x []float64) {
	if len(dst) != r || len(x) != c {
		panic(fmt.Sprintf("linop: %s: %d×%d operator with len(dst)=%d, len(x)=%d", name, r, c, len(dst), len(x)))
	}
}

// Square returns the size of A and panics unless it is square (or if it
// is nil); solvers for square systems call it.
func Square(pkg string, A Operator) int {
	if nilcheck.IsNil(A) {
		panic(pkg + ": nil operator")
	}
	r, c := A.Dims()
	if r != c {
		panic(fmt.Sprintf("%s: operator is %d×%d, want a square operator", pkg, r, c))
	}
	return r
}

// Transpose returns Aᵀ as a Transposer (its ApplyT is A's Apply). A must
// implement Transposer; Transpose panics otherwise, or if A is nil (or
// holds a nil pointer).
func Transpose(A Operator) Transposer {
	if nilcheck.IsNil(A) {
		panic("linop: Transpose: nil operator")
	}
	t, ok := A.(Transposer)
	if !ok {
		panic(fmt.Sprintf("linop: Transpose: %T cannot apply its transpose", A))
	}
	return transpose{t}
}

type transpose struct{ a Transposer }

func (t transpose) Dims() (r, c int) {
	r, c = t.a.Dims()
	return c, r
}

// Apply and ApplyT check the lengths themselves, as the other wrappers
// do: the wrapped operator may trust its callers (or panic with another
// package's message).
func (t transpose) Apply(dst, x []float64) {
	r, c := t.a.Dims()
	checkDims("Transpose.Apply", c, r, dst, x)
	t.a.ApplyT(dst, x)
}

func (t transpose) ApplyT(dst, x []float64) {
	r, c := t.a.Dims()
	checkDims("Transpose.ApplyT", r, c, dst, x)
	t.a.Apply(dst, x)
}

// Dense adapts a gonum matrix (anything implementing mat.Matrix, including
// *mat.Dense and *mat.SymDense) to a Transposer. The product costs one
// dense BLAS call, O(r·c); for *mat.Dense (and other mat.RawMatrixer) it
// allocates nothing. It keeps a reference to m. It panics if m is nil;
// Apply and ApplyT panic if dst and x share memory (BLAS would read x
// while writing dst).
func Dense(m mat.Matrix) Transposer {
	if nilcheck.IsNil(m) {
		panic("linop: Dense: nil matrix")
	}
	return dense{m}
}

type dense struct{ m mat.Matrix }

func (d dense) Dims() (r, c int) { return d.m.Dims() }

func (d dense) Apply(dst, x []float64) {
	r, c := d.m.Dims()
	checkDims("Dense.Apply", r, c, dst, x)
	if vec.Overlap(dst, x) {
		// BLAS Gemv would read x while writing dst: a wrong answer.
		panic("linop: Dense.Apply: dst and x share memory")
	}
	if len(dst) == 0 {
		return
	}
	if len(x) == 0 {
		clear(dst)
		return
	}
	if raw, ok := d.m.(mat.RawMatrixer); ok {
		// Straight to BLAS: no wrapper allocations per product.
		blas64.Gemv(blas.NoTrans, 1, raw.RawMatrix(), blas64.Vector{N: len(x), Inc: 1, Data: x}, 0, blas64.Vector{N: len(dst), Inc: 1, Data: dst})
		return
	}
	mat.NewVecDense(len(dst), dst).MulVec(d.m, mat.NewVecDense(len(x), x))
}

func (d dense) ApplyT(dst, x []float64) {
	r, c := d.m.Dims()
	checkDims("Dense.ApplyT", c, r, dst, x)
	if vec.Overlap(dst, x) {
		// BLAS Gemv would read x while writing dst: a wrong answer.
		panic("linop: Dense.ApplyT: dst and x share memory")
	}
	if len(dst) == 0 {
		return
	}
	if len(x) == 0 {
		clear(dst)
		return
	}
	if raw, ok := d.m.(mat.RawMatrixer); ok {
		blas64.Gemv(blas.Trans, 1, raw.RawMatrix(), blas64.Vector{N: len(x), Inc: 1, Data: x}, 0, blas64.Vector{N: len(dst), Inc: 1, Data: dst})
		return
	}
	mat.NewVecDense(len(dst), dst).MulVec(d.m.T(), mat.NewVecDense(len(x), x))
}

// Func adapts functions to an r×c operator. apply computes dst = A·x;
// applyT computes dst = Aᵀ·x and may be nil, in which case the result does
// not implement Transposer. It panics if apply is nil or r or c is
// negative.
func Func(r, c int, apply func(dst, x []float64), applyT func(dst, x []float64)) Operator {
	if apply == nil {
		panic("linop: Func: apply is nil")
	}
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("linop: Func: negative dimensions %d×%d", r, c))
	}
	if applyT == nil {
		return fn{r: r, c: c, f: apply}
	}
	return fnT{fn{r: r, c: c, f: apply}, applyT}
}

type fn struct {
	r, c int
	f    func(dst, x []float64)
}

func (f fn) Dims() (r, c int) { return f.r, f.c }
func (f fn) Apply(dst, x []float64) {
	checkDims("Func.Apply", f.r, f.c, dst, x)
	f.f(dst, x)
}

type fnT struct {
	fn
	t func(dst, x []float64)
}

func (f fnT) ApplyT(dst, x []float64) {
	checkDims("Func.ApplyT", f.c, f.r, dst, x)
	f.t(dst, x)
}

// Identity returns the n×n identity operator. It panics if n is negative.
func Identity(n int) Transposer {
	if n < 0 {
		panic(fmt.Sprintf("linop: Identity: negative size %d", n))
	}
	return identity(n)
}

type identity int

func (n identity) Dims() (r, c int) { return int(n), int(n) }
func (n identity) Apply(dst, x []float64) {
	checkDims("Identity.Apply", int(n), int(n), dst, x)
	copy(dst, x)
}
func (n identity) ApplyT(dst, x []float64) {
	checkDims("Identity.ApplyT", int(n), int(n), dst, x)
	copy(dst, x)
}

// Diag returns the operator diag(d), which multiplies element-wise by d.
// It keeps a reference to d. The result has a method InvDiag() []float64
// returning d, so that krylov.CG, given it as a preconditioner (d the
// inverse diagonal), fuses it into its vector passes as it does
// precond.Jacobi.
func Diag(d []float64) Transposer { return diag(d) }

// InvDiag returns d: as a preconditioner, diag(d) applies M⁻¹ = diag(d).
func (d diag) InvDiag() []float64 { return d }

type diag []float64

func (d diag) Dims() (r, c int)       { return len(d), len(d) }
func (d diag) Apply(dst, x []float64) { d.apply("Diag.Apply", dst, x) }

func (d diag) ApplyT(dst, x []float64) { d.apply("Diag.ApplyT", dst, x) }

func (d diag) apply(name string, dst, x []float64) {
	checkDims(name, len(d), len(d), dst, x)
	for i, v := range d {
		dst[i] = v * x[i]
	}
}
