package linop_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// zeroMat is the r×c zero matrix as a mat.Matrix (gonum's own types cannot
// have a zero dimension, which inner factors of a product may).
type zeroMat struct{ r, c int }

func (z zeroMat) Dims() (r, c int)    { return z.r, z.c }
func (z zeroMat) At(i, j int) float64 { return 0 }
func (z zeroMat) T() mat.Matrix       { return zeroMat{z.c, z.r} }

// mulRef returns a·b, allowing zero dimensions.
func mulRef(a, b mat.Matrix) mat.Matrix {
	r, k := a.Dims()
	_, c := b.Dims()
	if r == 0 || c == 0 || k == 0 {
		return zeroMat{r, c}
	}
	var p mat.Dense
	p.Mul(a, b)
	return &p
}

// randOperator returns a random r×c operator built from the adapters and
// combinators, nested up to depth levels, and its dense reference.
func randOperator(t *testing.T, rng *rand.Rand, r, c, depth int) (linop.Operator, mat.Matrix) {
	t.Helper()
	empty := r == 0 || c == 0
	kind := rng.IntN(10)
	if depth == 0 {
		kind = rng.IntN(3)
	}
	if r != c && (kind == 3 || kind == 4 || kind == 6) {
		kind = 2
	}
	if empty && kind < 2 {
		kind = 2
	}
	switch kind {
	case 0:
		d := randDense(r, c, rng.Uint64())
		return linop.Dense(d), d
	case 1:
		S := sparse.FromDense(randDense(r, c, rng.Uint64()), 0.6)
		return S, S.ToDense()
	case 2:
		if empty {
			zero := func(dst, x []float64) { clear(dst) }
			return linop.Func(r, c, zero, zero), zeroMat{r, c}
		}
		d := randDense(r, c, rng.Uint64())
		fwd := func(dst, x []float64) { mat.NewVecDense(len(dst), dst).MulVec(d, mat.NewVecDense(len(x), x)) }
		tr := func(dst, x []float64) { mat.NewVecDense(len(dst), dst).MulVec(d.T(), mat.NewVecDense(len(x), x)) }
		if rng.IntN(2) == 0 {
			tr = nil // not a Transposer: neither is anything built on it
		}
		return linop.Func(r, c, fwd, tr), d
	case 3, 4:
		v := make([]float64, r)
		for i := range v {
			v[i] = 1
			if kind == 3 {
				v[i] = rng.NormFloat64()
			}
		}
		if empty {
			return linop.Diag(v), zeroMat{0, 0}
		}
		if kind == 4 {
			return linop.Identity(r), mat.NewDiagDense(r, v)
		}
		return linop.Diag(v), mat.NewDiagDense(r, v)
	case 5:
		a := rng.NormFloat64()
		op, m := randOperator(t, rng, r, c, depth-1)
		if empty {
			return linop.Scaled(a, op), m
		}
		var s mat.Dense
		s.Scale(a, m)
		return linop.Scaled(a, op), &s
	case 6:
		a := rng.NormFloat64()
		op, m := randOperator(t, rng, r, c, depth-1)
		if empty {
			return linop.Shifted(op, a), m
		}
		e := make([]float64, r)
		for i := range e {
			e[i] = a
		}
		var s mat.Dense
		s.Add(m, mat.NewDiagDense(r, e))
		return linop.Shifted(op, a), &s
	case 7:
		k := 1 + rng.IntN(3)
		dims := []int{r}
		for range k - 1 {
			dims = append(dims, rng.IntN(4))
		}
		dims = append(dims, c)
		ops := make([]linop.Operator, k)
		var ref mat.Matrix
		for i := range k {
			op, m := randOperator(t, rng, dims[i], dims[i+1], depth-1)
			ops[i] = op
			if ref == nil {
				ref = m
			} else {
				ref = mulRef(ref, m)
			}
		}
		return linop.Product(ops...), ref
	case 8:
		a, ma := randOperator(t, rng, r, c, depth-1)
		b, mb := randOperator(t, rng, r, c, depth-1)
		if empty {
			return linop.Sum(a, b), ma
		}
		var s mat.Dense
		s.Add(ma, mb)
		return linop.Sum(a, b), &s
	default:
		op, m := randOperator(t, rng, c, r, depth-1)
		if _, ok := op.(linop.Transposer); !ok {
			return randOperator(t, rng, r, c, depth-1)
		}
		if empty {
			return linop.Transpose(op), zeroMat{r, c}
		}
		return linop.Transpose(op), mat.DenseCopyOf(m.T())
	}
}

// Random nested compositions (products with inner dimensions 0 included)
// agree with dense arithmetic, forwards and transposed, and are
// Transposers exactly when every part is.
func TestRandomCompositionsAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 5))
	transposers := 0
	for it := range 1500 {
		r, c := 1+rng.IntN(4), 1+rng.IntN(4)
		op, want := randOperator(t, rng, r, c, 3)
		if gr, gc := op.Dims(); gr != r || gc != c {
			t.Fatalf("%d: Dims = %d×%d, want %d×%d", it, gr, gc, r, c)
		}
		fwd, tr := toDense(t, op)
		approx(t, fmt.Sprintf("case %d (%T) Apply", it, op), fwd, want)
		if tr != nil {
			transposers++
			approx(t, fmt.Sprintf("case %d (%T) ApplyT", it, op), tr, want.T())
		}
	}
	if transposers < 300 {
		t.Errorf("only %d of the random operators were Transposers", transposers)
	}
}

// Dense accepts any mat.Matrix: views with a stride, and the types that do
// not implement mat.RawMatrixer (symmetric, triangular, banded, vectors,
// transposes), which take the MulVec path.
func TestDenseGonumTypes(t *testing.T) {
	view := randDense(7, 8, 4).Slice(1, 5, 2, 7).(*mat.Dense) // 4×5, stride 8
	sym := mat.NewSymDense(4, nil)
	tri := mat.NewTriDense(4, mat.Lower, nil)
	band := mat.NewBandDense(5, 4, 1, 2, nil)
	for i := range 5 {
		for j := range 5 {
			if i < 4 && j < 4 && j >= i {
				sym.SetSym(i, j, float64(i*7+j)-9)
			}
			if i < 4 && j <= i {
				tri.SetTri(i, j, float64(i-j)+0.5)
			}
			if j < 4 && j-i <= 2 && i-j <= 1 {
				band.SetBand(i, j, float64(i+2*j)+1)
			}
		}
	}
	vec := mat.NewVecDense(3, []float64{1, -2, 3})
	for _, tc := range []struct {
		name string
		m    mat.Matrix
	}{
		{"view", view}, {"view.T", view.T()}, {"sym", sym}, {"tri", tri}, {"band", band},
		{"vec", vec}, {"vec.T", vec.T()}, {"dense.T", randDense(3, 5, 1).T()},
	} {
		fwd, tr := toDense(t, linop.Dense(tc.m))
		approx(t, tc.name+" Apply", fwd, tc.m)
		approx(t, tc.name+" ApplyT", tr, tc.m.T())
	}
}
