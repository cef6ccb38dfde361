package linop

import (
	"fmt"
	"slices"

	"github.com/subspace-lab/subspace/internal/nilcheck"
)

// isT reports whether every operator can apply its transpose.
func isT(ops ...Operator) bool {
	for _, op := range ops {
		if _, ok := op.(Transposer); !ok {
			return false
		}
	}
	return true
}

// Scaled returns α·A. The result is a Transposer when A is. It panics if
// A is nil.
func Scaled(alpha float64, A Operator) Operator {
	if nilcheck.IsNil(A) {
		panic("linop: Scaled: nil operator")
	}
	s := scaled{alpha, A}
	if isT(A) {
		return scaledT{s}
	}
	return s
}

type scaled struct {
	alpha float64
	a     Operator
}

func (s scaled) Dims() (r, c int) { return s.a.Dims() }
func (s scaled) Apply(dst, x []float64) {
	r, c := s.a.Dims()
	checkDims("Scaled.Apply", r, c, dst, x)
	s.a.Apply(dst, x)
	for i := range dst {
		dst[i] *= s.alpha
	}
}

type scaledT struct{ scaled }

func (s scaledT) ApplyT(dst, x []float64) {
	r, c := s.a.Dims()
	checkDims("Scaled.ApplyT", c, r, dst, x)
	s.a.(Transposer).ApplyT(dst, x)
	for i := range dst {
		dst[i] *= s.alpha
	}
}

// Shifted returns A + σI for a square A. The result is a Transposer when A
// is. It panics if A is not square.
func Shifted(A Operator, sigma float64) Operator {
	Square("linop: Shifted", A)
	s := shifted{A, sigma}
	if isT(A) {
		return shiftedT{s}
	}
	return s
}

type shifted struct {
	a     Operator
	sigma float64
}

func (s shifted) Dims() (r, c int) { return s.a.Dims() }
func (s shifted) Apply(dst, x []float64) {
	r, c := s.a.Dims()
	checkDims("Shifted.Apply", r, c, dst, x)
	s.a.Apply(dst, x)
	for i, v := range x {
		dst[i] += s.sigma * v
	}
}

type shiftedT struct{ shifted }

func (s shiftedT) ApplyT(dst, x []float64) {
	r, c := s.a.Dims()
	checkDims("Shifted.ApplyT", c, r, dst, x)
	s.a.(Transposer).ApplyT(dst, x)
	for i, v := range x {
		dst[i] += s.sigma * v
	}
}

// Product returns the operator ops[0]·ops[1]·…·ops[k-1] (the last one is
// applied first). It panics if no operator is given, one is nil or inner
// dimensions differ. The result holds scratch vectors for the intermediate results,
// so it is not safe for concurrent use; it is a Transposer when every
// factor is.
func Product(ops ...Operator) Operator {
	if len(ops) == 0 {
		panic("linop: Product: no operators")
	}
	for i, op := range ops {
		if nilcheck.IsNil(op) {
			panic(fmt.Sprintf("linop: Product: operator %d is nil", i))
		}
	}
	for i := 0; i+1 < len(ops); i++ {
		_, c := ops[i].Dims()
		r, _ := ops[i+1].Dims()
		if c != r {
			panic(fmt.Sprintf("linop: Product: factor %d has %d columns but factor %d has %d rows", i, c, i+1, r))
		}
	}
	p := &product{ops: slices.Clone(ops)}
	// tmp[i] holds the result of ops[i+1]·…·x, of length rows(ops[i+1]).
	for i := 1; i < len(ops); i++ {
		r, _ := ops[i].Dims()
		p.tmp = append(p.tmp, make([]float64, r))
	}
	if isT(ops...) {
		// Transposed products need intermediates of length cols(ops[i]).
		for i := 0; i+1 < len(ops); i++ {
			_, c := ops[i].Dims()
			p.tmpT = append(p.tmpT, make([]float64, c))
		}
		return productT{p}
	}
	return p
}

type product struct {
	ops       []Operator
	tmp, tmpT [][]float64
}

func (p *product) Dims() (r, c int) {
	r, _ = p.ops[0].Dims()
	_, c = p.ops[len(p.ops)-1].Dims()
	return r, c
}

func (p *product) Apply(dst, x []float64) {
	r, c := p.Dims()
	checkDims("Product.Apply", r, c, dst, x)
	k := len(p.ops)
	in := x
	for i := k - 1; i >= 0; i-- {
		out := dst
		if i > 0 {
			out = p.tmp[i-1]
		}
		p.ops[i].Apply(out, in)
		in = out
	}
}

type productT struct{ *product }

func (p productT) ApplyT(dst, x []float64) {
	r, c := p.Dims()
	checkDims("Product.ApplyT", c, r, dst, x)
	// (A₀A₁…A_{k−1})ᵀ x = A_{k−1}ᵀ…A₀ᵀ x: apply A₀ᵀ first.
	k := len(p.ops)
	in := x
	for i := 0; i < k; i++ {
		out := dst
		if i < k-1 {
			out = p.tmpT[i]
		}
		p.ops[i].(Transposer).ApplyT(out, in)
		in = out
	}
}

// Sum returns A + B for operators of equal dimensions. It keeps one scratch
// vector, so it is not safe for concurrent use; it is a Transposer when
// both are. It panics if either is nil or the dimensions differ.
func Sum(A, B Operator) Operator {
	if an, bn := nilcheck.IsNil(A), nilcheck.IsNil(B); an || bn {
		panic(fmt.Sprintf("linop: Sum: nil operator (A nil: %t, B nil: %t)", an, bn))
	}
	ar, ac := A.Dims()
	br, bc := B.Dims()
	if ar != br || ac != bc {
		panic(fmt.Sprintf("linop: Sum: dimension mismatch %d×%d and %d×%d", ar, ac, br, bc))
	}
	s := &sum{a: A, b: B, tmp: make([]float64, ar), tmpT: nil}
	if isT(A, B) {
		s.tmpT = make([]float64, ac)
		return sumT{s}
	}
	return s
}

type sum struct {
	a, b      Operator
	tmp, tmpT []float64
}

func (s *sum) Dims() (r, c int) { return s.a.Dims() }
func (s *sum) Apply(dst, x []float64) {
	r, c := s.a.Dims()
	checkDims("Sum.Apply", r, c, dst, x)
	s.a.Apply(dst, x)
	s.b.Apply(s.tmp, x)
	for i, v := range s.tmp {
		dst[i] += v
	}
}

type sumT struct{ *sum }

func (s sumT) ApplyT(dst, x []float64) {
	r, c := s.a.Dims()
	checkDims("Sum.ApplyT", c, r, dst, x)
	s.a.(Transposer).ApplyT(dst, x)
	s.b.(Transposer).ApplyT(s.tmpT, x)
	for i, v := range s.tmpT {
		dst[i] += v
	}
}
