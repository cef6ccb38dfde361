package ot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// problem is a validated instance restricted to the support of a and b:
// rows and columns of zero mass are removed before solving (their plan
// rows and columns are zero) and put back by expand.
type problem struct {
	n, m   int       // sizes of the reduced problem
	a, b   []float64 // reduced weights; for balanced problems Σb = Σa
	c      []float64 // reduced cost, row-major with stride ld
	ld     int
	rows   []int // original index of each reduced row (nil: identity)
	cols   []int
	nn, mm int // original sizes
	reg    float64
	cmax   float64 // max |C_ij| over the reduced cost
	orig   *mat.Dense
	cmin   float64
	chi    float64 // largest C_ij over the reduced cost (signed)
	// shift is the constant subtracted from the reduced cost c (0 unless
	// shiftCost ran): the balanced solvers work on C − shift, and their
	// potentials f and cost ⟨C,P⟩ are shifted back.
	shift float64
	mass  float64 // Σa
	hist  *historyLog
}

// CheckHistograms reports whether a and b are valid weights for a
// balanced problem: finite, non-negative, positive total mass, and equal
// masses within the relative tolerance tol (|Σa − Σb| ≤ tol·max(Σa, Σb)).
// The error says which entry or which sums are at fault and wraps
// ErrInput; a negative or NaN tol is an ErrInput error too.
func CheckHistograms(a, b []float64, tol float64) error {
	if !(tol >= 0) {
		return errorf("%w: mass tolerance %g must be ≥ 0", ErrInput, tol)
	}
	sa, err := checkWeights("a", a)
	if err != nil {
		return err
	}
	sb, err := checkWeights("b", b)
	if err != nil {
		return err
	}
	if math.Abs(sa-sb) > tol*math.Max(sa, sb) {
		return errorf("%w: histograms have unequal masses Σa = %.17g and Σb = %.17g (relative difference %.3g > %.3g); normalise them or use the unbalanced method",
			ErrInput, sa, sb, math.Abs(sa-sb)/math.Max(sa, sb), tol)
	}
	return nil
}

// checkWeights checks one histogram and returns its mass.
func checkWeights(name string, w []float64) (float64, error) {
	if len(w) == 0 {
		return 0, errorf("%w: histogram %s is empty", ErrInput, name)
	}
	s := 0.0
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, errorf("%w: %s[%d] = %g is not finite", ErrInput, name, i, v)
		}
		if v < 0 {
			return 0, errorf("%w: %s[%d] = %g is negative", ErrInput, name, i, v)
		}
		s += v
	}
	if s <= 0 {
		return 0, errorf("%w: histogram %s has zero total mass", ErrInput, name)
	}
	if math.IsInf(s, 0) {
		// Σ overflowed: the mass checks (NaN comparisons) and every
		// marginal error would be meaningless.
		return 0, errorf("%w: histogram %s has total mass beyond the float64 range (entries up to %g); scale the weights down", ErrInput, name, floats.Max(w))
	}
	return s, nil
}

// Uniform returns the uniform histogram of n bins, each 1/n.
func Uniform(n int) []float64 {
	if n < 0 {
		panic(fmt.Sprintf("ot: Uniform: negative length %d", n))
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// newProblem validates the data and builds the reduced problem. a or b
// nil means uniform weights. Dimension mismatches panic (programmer
// error); bad data return errors wrapping ErrInput or ErrNaN.
func newProblem(method string, a, b []float64, C *mat.Dense, reg float64, balanced bool, massTol float64) (*problem, error) {
	if C == nil {
		panic("ot: " + method + ": nil cost matrix")
	}
	nn, mm := C.Dims()
	if a == nil {
		a = Uniform(nn)
	}
	if b == nil {
		b = Uniform(mm)
	}
	if len(a) != nn || len(b) != mm {
		panic(fmt.Sprintf("ot: %s: cost matrix is %d×%d but len(a) = %d, len(b) = %d", method, nn, mm, len(a), len(b)))
	}
	if !(reg > 0) || math.IsInf(reg, 0) {
		return nil, errorf("%w: %s: reg = %g must be positive and finite", ErrInput, method, reg)
	}
	if math.IsInf(1/reg, 1) {
		// Every method divides by reg: a subnormal reg made every
		// iterate NaN (ErrNaN or ErrUnderflow errors that did not say why).
		return nil, errorf("%w: %s: reg = %g is below 5.6e-309, where 1/reg overflows; scale C and reg together (the plan depends only on C/reg)", ErrInput, method, reg)
	}
	sa, err := checkWeights("a", a)
	if err != nil {
		return nil, err
	}
	sb, err := checkWeights("b", b)
	if err != nil {
		return nil, err
	}
	if balanced {
		if err := CheckHistograms(a, b, massTol); err != nil {
			return nil, err
		}
	}
	raw := C.RawMatrix()
	p := &problem{nn: nn, mm: mm, reg: reg, mass: sa, orig: C}
	// Support.
	var rows, cols []int
	for i, v := range a {
		if v > 0 {
			rows = append(rows, i)
		}
	}
	for j, v := range b {
		if v > 0 {
			cols = append(cols, j)
		}
	}
	p.n, p.m = len(rows), len(cols)
	scale := 1.0
	if balanced {
		scale = sa / sb
	}
	p.a = make([]float64, p.n)
	p.b = make([]float64, p.m)
	for k, i := range rows {
		p.a[k] = a[i]
	}
	for k, j := range cols {
		p.b[k] = b[j] * scale
	}
	if p.n == nn && p.m == mm {
		p.c, p.ld = raw.Data, raw.Stride
	} else {
		p.rows, p.cols = rows, cols
		p.c, p.ld = make([]float64, p.n*p.m), p.m
		for k, i := range rows {
			src := raw.Data[i*raw.Stride:]
			dst := p.c[k*p.m : (k+1)*p.m]
			for l, j := range cols {
				dst[l] = src[j]
			}
		}
	}
	// Finite check over the whole input (not only the support) so that a
	// NaN is reported wherever it is; the range of the costs on the
	// support comes out of the same pass when the support is everything.
	cmin, cmax := math.Inf(1), math.Inf(-1)
	for i := 0; i < nn; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+mm]
		lo, hi, j := costRange(row)
		if j >= 0 {
			return nil, errorf("%w: %s: cost C[%d,%d] = %g is not finite", ErrNaN, method, i, j, row[j])
		}
		cmin, cmax = min(cmin, lo), max(cmax, hi)
	}
	if p.rows != nil {
		cmin, cmax = math.Inf(1), math.Inf(-1)
		for i := 0; i < p.n; i++ {
			lo, hi, _ := costRange(p.row(i))
			cmin, cmax = min(cmin, lo), max(cmax, hi)
		}
	}
	p.cmax = math.Max(math.Abs(cmax), math.Abs(cmin))
	p.cmin = cmin
	p.chi = cmax
	return p, nil
}

// shiftCost makes the reduced cost C − min C when the offset min C
// exceeds the spread max C − min C. The balanced problem does not change
// (f absorbs the constant), but the log-domain exponents F_i + G_j −
// C_ij/reg are computed to about ε·|C|/reg: an offset of 1e8·reg would
// leave the plan 1e-8 relative accuracy and every log-domain method
// short of Tol, while the spread alone may be well inside the range. A
// cost that aliases the caller's matrix is copied first.
func (p *problem) shiftCost() {
	if !(math.Abs(p.cmin) > p.chi-p.cmin) {
		return
	}
	c := p.c
	if p.rows == nil {
		c = make([]float64, p.n*p.m)
	}
	for i := 0; i < p.n; i++ {
		src, dst := p.row(i), c[i*p.m:(i+1)*p.m]
		for j, v := range src {
			dst[j] = v - p.cmin
		}
	}
	p.c, p.ld = c, p.m
	p.shift = p.cmin
	p.chi -= p.cmin
	p.cmin = 0
	p.cmax = p.chi // the scale the solvers see (ε-scaling's default Eps0)
}

// costRange returns the smallest and largest entries of row and the index
// of its first NaN or ±Inf (−1 if none; lo and hi are then meaningless).
// Plain comparisons, one pass: it runs over every cost entry of a solve.
func costRange(row []float64) (lo, hi float64, bad int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for j, v := range row {
		if v-v != 0 { // NaN or ±Inf
			return lo, hi, j
		}
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi, -1
}

// row returns row i of the reduced cost.
func (p *problem) row(i int) []float64 { return p.c[i*p.ld : i*p.ld+p.m] }

// reduceVec restricts a vector given in original indices to the support.
func reduceVec(v []float64, idx []int) []float64 {
	if idx == nil {
		return append([]float64(nil), v...)
	}
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}

// expandVec puts a reduced vector back in original indices, filling the
// removed entries with fill.
func expandVec(v []float64, idx []int, n int, fill float64) []float64 {
	if idx == nil {
		return v
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = fill
	}
	for k, i := range idx {
		out[i] = v[k]
	}
	return out
}

// expandPlan returns the plan in original indices (plan itself when no
// bins were removed).
func (p *problem) expandPlan(plan []float64) *mat.Dense {
	if p.rows == nil {
		return mat.NewDense(p.n, p.m, plan)
	}
	out := mat.NewDense(p.nn, p.mm, nil)
	for k, i := range p.rows {
		for l, j := range p.cols {
			out.Set(i, j, plan[k*p.m+l])
		}
	}
	return out
}
