package ot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestEpsScalingBudgetInSchedule: when MaxIter runs out during the
// ε-scaling schedule, the result must still be an iterate at reg (rows
// exact, mass Σa), reported as ErrNotConverged. Before the fix the
// final stage got no iteration and the plan was the coarse stage's
// potentials evaluated at reg: mass 1e-283 (Σa = 1), 1e119 or an ErrNaN
// blaming reg (Σa = 1e4); with the default MaxIter at reg = 1e-3 the
// history was empty and the plan's mass 0.99. The non-uniform cases
// failed after that fix: the final stage's one iteration was a scaling
// step on the kernel of potentials from reg_k ≈ 100·reg, whose entries
// underflow next to scalings of 1e+200, and the plan of the folded
// potentials had rows up to 1e23 (MaxIter 2) and 1e6 (MaxIter 5, 11)
// times a_i, with a cost of 2e19 for costs in [0, 1].
func TestEpsScalingBudgetInSchedule(t *testing.T) {
	ctx := context.Background()
	type tc struct {
		name     string
		C        *mat.Dense
		a, b     []float64
		reg      float64
		maxIters []int
	}
	var cases []tc
	for _, mass := range []float64{1, 1e4} {
		n, m := 30, 40
		a, b := Uniform(n), Uniform(m)
		for i := range a {
			a[i] *= mass
		}
		for j := range b {
			b[j] *= mass
		}
		cases = append(cases, tc{fmt.Sprintf("uniform mass %g", mass), randomCost(1, n, m), a, b, 1e-3, []int{1, 5, 50, 0}})
	}
	for _, seed := range []uint64{5, 40} {
		cases = append(cases, tc{fmt.Sprintf("random seed %d", seed), randomCost(seed, 20, 15), randomHist(seed, 20), randomHist(seed+100, 15), 1e-2, []int{2, 5, 11}})
	}
	for _, c := range cases {
		mass := floats.Sum(c.a)
		for _, maxIter := range c.maxIters {
			res, err := SinkhornEpsScaling(ctx, c.a, c.b, c.C, c.reg, &Options{MaxIter: maxIter, History: true, Tol: 1e-9 * mass})
			if !errors.Is(err, ErrNotConverged) {
				t.Fatalf("%s, MaxIter %d: err = %v, want ErrNotConverged", c.name, maxIter, err)
			}
			for i, ai := range c.a {
				if r := mat.Sum(res.Plan.RowView(i)); math.Abs(r-ai) > 1e-12*mass {
					t.Errorf("%s, MaxIter %d: row %d sums to %.6g, want %.6g", c.name, maxIter, i, r, ai)
					break
				}
			}
			if len(res.History) == 0 {
				t.Errorf("%s, MaxIter %d: no stopping-rule evaluation at reg", c.name, maxIter)
			}
		}
	}
}

// TestWarmStartErrorIndex: a non-finite warm-start potential on a bin of
// positive mass is named by its index in the caller's vectors. Before
// the fix, with zero-mass bins removed, the index of the reduced problem
// was printed (F0[2] for F0[3] when a[0] = 0).
func TestWarmStartErrorIndex(t *testing.T) {
	C := randomCost(2, 5, 6)
	a := []float64{0, 1, 1, 1, 1}
	b := []float64{1, 0, 1, 0.5, 1, 0.5}
	for _, tc := range []struct {
		bad  func(f, g []float64)
		want string
	}{
		{func(f, g []float64) { f[3] = math.Inf(-1) }, "F0[3]"},
		{func(f, g []float64) { g[4] = math.NaN() }, "G0[4]"},
	} {
		f, g := make([]float64, 5), make([]float64, 6)
		tc.bad(f, g)
		_, err := SinkhornLog(context.Background(), a, b, C, 0.1, &Options{F0: f, G0: g})
		if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want ErrInput naming %s", err, tc.want)
		}
	}
}

// TestMassOverflow: weights whose sum overflows float64 are refused.
// Before the fix Σa = Σb = +Inf passed the mass check (|Inf − Inf| =
// NaN compares false) and EMD returned "converged" with a NaN marginal
// error, against the package's promise of finite results.
func TestMassOverflow(t *testing.T) {
	C := randomCost(3, 4, 5)
	a := []float64{1e308, 1e308, 1e308, 1e308}
	b := []float64{0.8e308, 0.8e308, 0.8e308, 0.8e308, 0.8e308}
	if res, err := EMD(context.Background(), a, b, C, nil); !errors.Is(err, ErrInput) {
		t.Errorf("EMD: err = %v, want ErrInput (result %+v)", err, res)
	}
	if _, err := SinkhornLog(context.Background(), a, b, C, 0.1, nil); !errors.Is(err, ErrInput) {
		t.Errorf("SinkhornLog: err = %v, want ErrInput", err)
	}
	if err := CheckHistograms(a, b, 1e-6); !errors.Is(err, ErrInput) {
		t.Errorf("CheckHistograms: err = %v, want ErrInput", err)
	}
}

// TestUnbalancedScaleInvariance: scaling C, reg and regM by s scales the
// objective by s and leaves the plan unchanged. Before the fix φ =
// regM/(regM + reg) overflowed to 0 at s = 1.7e308 (regM + reg = Inf)
// and the plan changed (marginal error 3.8 instead of 0.08).
func TestUnbalancedScaleInvariance(t *testing.T) {
	ctx := context.Background()
	C := randomCost(4, 6, 7)
	ref, err := SinkhornUnbalanced(ctx, nil, nil, C, 0.1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := 1.7e308 / mat.Max(C)
	Cs := mat.NewDense(6, 7, nil)
	Cs.Scale(s, C)
	res, err := SinkhornUnbalanced(ctx, nil, nil, Cs, 0.1*s, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var d mat.Dense
	d.Sub(res.Plan, ref.Plan)
	if e := mat.Norm(&d, math.Inf(1)); e > 1e-12 {
		t.Errorf("plans differ by %g", e)
	}
}

// TestUnbalancedStartsAsPOT: POT starts from u = 1/dim_a, v = 1/dim_b
// counting zero-mass bins, so its log["err"][0] depends on them. Before
// the fix the start used the reduced sizes: with a[1] = a[2] = 0 (30×40,
// reg 0.05, reg_m 1, seed 7 of NumPy's default_rng) the first history
// value was 0.56965574 against POT 0.8.2's 0.56999324. The value below
// is the first iteration's from u = 1/n, v = 1/m, computed exactly in
// this test.
func TestUnbalancedStartsAsPOT(t *testing.T) {
	n, m := 6, 5
	C := randomCost(5, n, m)
	a := []float64{0, 0.3, 0, 0.2, 0.4, 0.1}
	b := []float64{0.2, 0.2, 0.3, 0.1, 0.2}
	reg, regM := 0.1, 1.0
	res, err := SinkhornUnbalanced(context.Background(), a, b, C, reg, regM, &Options{History: true, MaxIter: 1})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatal(err)
	}
	// POT's first iteration in plain arithmetic.
	phi := regM / (regM + reg)
	u0, v0 := make([]float64, n), make([]float64, m)
	for i := range u0 {
		u0[i] = 1 / float64(n)
	}
	for j := range v0 {
		v0[j] = 1 / float64(m)
	}
	K := func(i, j int) float64 { return math.Exp(-C.At(i, j) / reg) }
	u, v := make([]float64, n), make([]float64, m)
	for i := range u {
		s := 0.0
		for j := range v0 {
			s += K(i, j) * v0[j]
		}
		u[i] = math.Pow(a[i]/s, phi)
	}
	for j := range v {
		s := 0.0
		for i := range u {
			s += K(i, j) * u[i]
		}
		v[j] = math.Pow(b[j]/s, phi)
	}
	rel := func(x, y []float64) float64 {
		d, mx := 0.0, 1.0
		for i := range x {
			d = math.Max(d, math.Abs(x[i]-y[i]))
			mx = math.Max(mx, math.Max(math.Abs(x[i]), math.Abs(y[i])))
		}
		return d / mx
	}
	want := 0.5 * (rel(u, u0) + rel(v, v0))
	if len(res.History) != 1 || math.Abs(res.History[0]-want) > 1e-12*want {
		t.Errorf("history %v, want [%.17g] (POT's log[\"err\"][0])", res.History, want)
	}
}

// TestHugeMass: weights near 1e300 (sums still finite) must solve like
// weights near 1 scaled up. The marginal error squared differences above
// 1e154 and overflowed to +Inf, so the stopping rule never held and the
// solve ended with an error blaming reg.
func TestHugeMass(t *testing.T) {
	C := randomCost(6, 8, 9)
	for _, mass := range []float64{1, 1e300} {
		a, b := Uniform(8), Uniform(9)
		for i := range a {
			a[i] *= mass
		}
		for j := range b {
			b[j] *= mass
		}
		res, err := SinkhornLog(context.Background(), a, b, C, 0.1, &Options{Tol: 1e-9 * mass})
		if err != nil {
			t.Errorf("mass %g, sinkhorn-log: %v", mass, err)
		} else if e := res.MarginalError; !(e <= 1e-9*mass) {
			t.Errorf("mass %g, sinkhorn-log: marginal error %g", mass, e)
		}
		er, err := EMD(context.Background(), a, b, C, nil)
		if err != nil {
			t.Errorf("mass %g, emd: %v", mass, err)
		} else if e := er.MarginalError; !(e <= 1e-9*mass) {
			t.Errorf("mass %g, emd: marginal error %g", mass, e)
		}
	}
}

// scaledMarginalError returns ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ computed on P/s,
// a/s and b/s and scaled back, so that it neither underflows nor
// overflows for weights of mass s.
func scaledMarginalError(t *testing.T, P *mat.Dense, a, b []float64, s float64) float64 {
	t.Helper()
	n, m := P.Dims()
	var er, ec float64
	for i := 0; i < n; i++ {
		d := mat.Sum(P.RowView(i))/s - a[i]/s
		er += d * d
	}
	for j := 0; j < m; j++ {
		d := mat.Sum(P.ColView(j))/s - b[j]/s
		ec += d * d
	}
	return s * (math.Sqrt(er) + math.Sqrt(ec))
}

// TestTinyMass: weights of mass 1e-160 to 1e-300 with Tol = 1e-9·Σa (as
// Options.Tol advises) must solve like weights of mass 1 scaled down.
// The marginal error summed squared differences below 1e-154, which
// underflowed to 0: every balanced method stopped after the first check
// with Converged = true and MarginalError = 0 on a plan whose column
// sums were 33% off (Σa = 1e-200: [1.00005, 1.99995]·1e-200 for b =
// [1.5, 1.5]·1e-200), and EMD reported a marginal error of 0 whatever
// its plan.
func TestTinyMass(t *testing.T) {
	ctx := context.Background()
	C := mat.NewDense(2, 2, []float64{0, 1, 1, 0})
	for _, mass := range []float64{1, 1e-160, 1e-200, 1e-300} {
		a := []float64{1 * mass, 2 * mass}
		b := []float64{1.5 * mass, 1.5 * mass}
		tol := 1e-9 * 3 * mass
		for _, meth := range []Method{MethodSinkhorn, MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS} {
			res, err := Solve(ctx, meth, a, b, C, 0.1, &Options{Tol: tol})
			if err != nil {
				t.Errorf("mass %g, %s: %v", mass, meth, err)
				continue
			}
			e := scaledMarginalError(t, res.Plan, a, b, mass)
			if !(e <= tol) {
				t.Errorf("mass %g, %s: converged plan has marginal error %.3g > tol %.3g (reported %.3g)", mass, meth, e, tol, res.MarginalError)
			}
			if math.Abs(res.MarginalError-e) > 1e-6*e+1e-3*tol {
				t.Errorf("mass %g, %s: reported marginal error %.3g, plan's %.3g", mass, meth, res.MarginalError, e)
			}
		}
		// A plan 1/3 off its column marginals: the reported error must
		// say so at any mass.
		res, err := SinkhornLog(ctx, a, b, C, 0.1, &Options{MaxIter: 1, Tol: tol})
		if !errors.Is(err, ErrNotConverged) {
			t.Errorf("mass %g, one iteration: err = %v, want ErrNotConverged", mass, err)
		} else if e := scaledMarginalError(t, res.Plan, a, b, mass); math.Abs(res.MarginalError-e) > 1e-6*e {
			t.Errorf("mass %g, one iteration: reported marginal error %.3g, plan's %.3g", mass, res.MarginalError, e)
		}
		// EMD stopped before its plan carries all the mass.
		er, err := EMD(ctx, a, b, C, &EMDOptions{MaxIter: 1})
		if !errors.Is(err, ErrNotConverged) {
			t.Errorf("mass %g, EMD one pivot: err = %v, want ErrNotConverged", mass, err)
		} else if e := scaledMarginalError(t, er.Plan, a, b, mass); !(e > 0) || math.Abs(er.MarginalError-e) > 1e-6*e {
			t.Errorf("mass %g, EMD one pivot: reported marginal error %.3g, plan's %.3g", mass, er.MarginalError, e)
		}
	}
	// dist itself, on differences whose squares underflow.
	if got, want := dist([]float64{3e-200, 0}, []float64{0, 4e-200}), 5e-200; math.Abs(got-want) > 1e-15*want {
		t.Errorf("dist = %g, want %g", got, want)
	}
}
