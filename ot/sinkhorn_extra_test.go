package ot

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
)

func randomCost(seed uint64, n, m int) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	C := mat.NewDense(n, m, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			C.Set(i, j, rng.Float64())
		}
	}
	return C
}

func randomHist(seed uint64, n int) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	w := make([]float64, n)
	s := 0.0
	for i := range w {
		w[i] = 0.1 + rng.Float64()
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

// TestSmallReg: with reg = 1e-3 relative to the cost scale (costs in
// [0, 1]) exp(−C/reg) underflows for most entries; the log-domain,
// stabilised, ε-scaling and SNS methods must still converge without
// NaN/Inf, and the scaling form must report ErrUnderflow instead of NaN.
// Plans are compared with each other (the problem is the same) to 1e-7:
// at this reg the map from marginal error 1e-10 to plan error is
// amplified by up to ~1/reg.
func TestSmallReg(t *testing.T) {
	n, m := 40, 30
	C := randomCost(5, n, m)
	C.Scale(1000, C)         // cost scale 1000, reg 1: C/reg up to 1000 > 745
	for i := 0; i < n; i++ { // and an offset: every exp(−C/reg) underflows
		for j := 0; j < m; j++ {
			C.Set(i, j, C.At(i, j)+800)
		}
	}
	a, b := randomHist(1, n), randomHist(2, m)
	const reg = 1.0
	var ref *Result
	for _, meth := range []Method{MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS} {
		res, err := Solve(context.Background(), meth, a, b, C, reg, &Options{Tol: 1e-10, MaxIter: 500000})
		if err != nil {
			t.Fatalf("%v: %v", meth, err)
		}
		raw := res.Plan.RawMatrix().Data
		for k, v := range raw {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%v: plan entry %d = %g", meth, k, v)
			}
		}
		for _, f := range append(append([]float64{}, res.F...), res.G...) {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				t.Fatalf("%v: potential %g", meth, f)
			}
		}
		if ref == nil {
			ref = res
			continue
		}
		if d := maxAbsDiff(t, res.Plan, ref.Plan.RawMatrix().Data); d > 1e-7 {
			t.Errorf("%v: plan differs from sinkhorn-log by %.3g", meth, d)
		}
	}
	// The scaling form builds K from C − min C, so the offset no longer
	// underflows, but the range 1000·reg still does: it must fail with
	// ErrUnderflow or return the right plan (here: not converged yet).
	res, err := Sinkhorn(context.Background(), a, b, C, reg, nil)
	switch {
	case errors.Is(err, ErrUnderflow):
	case res != nil && (err == nil || errors.Is(err, ErrNotConverged)):
		if d := maxAbsDiff(t, res.Plan, ref.Plan.RawMatrix().Data); d > 1e-3 {
			t.Errorf("scaling form: plan differs from sinkhorn-log by %.3g (%v)", d, err)
		}
	default:
		t.Fatalf("scaling form at small reg: error %v, want ErrUnderflow or a plan", err)
	}
}

// TestRegBelowRange checks that a reg so small that the plan's entries
// overflow (or become NaN) is an error wrapping ErrNaN for every method,
// never a result with an infinite cost, a NaN marginal error or an
// infinite plan entry.
func TestRegBelowRange(t *testing.T) {
	n, m := 6, 5
	C := randomCost(3, n, m)
	a, b := randomHist(1, n), randomHist(2, m)
	ctx := context.Background()
	o := &Options{MaxIter: 200}
	for _, reg := range []float64{1e-300, 1e-308} {
		runs := map[string]func() (*Result, error){
			"unbalanced": func() (*Result, error) { return SinkhornUnbalanced(ctx, a, b, C, reg, 1, o) },
		}
		for _, meth := range []Method{MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS} {
			runs[meth.String()] = func() (*Result, error) { return Solve(ctx, meth, a, b, C, reg, o) }
		}
		for name, run := range runs {
			res, err := run()
			if err == nil || errors.Is(err, ErrNotConverged) {
				bad := res != nil && (math.IsNaN(res.Cost) || math.IsInf(res.Cost, 0) || math.IsNaN(res.MarginalError) || math.IsInf(res.MarginalError, 0))
				if bad {
					t.Errorf("%s, reg %g: cost %g, marginal error %g with error %v; want ErrNaN", name, reg, res.Cost, res.MarginalError, err)
				}
				continue
			}
			if !errors.Is(err, ErrNaN) && !errors.Is(err, ErrUnderflow) {
				t.Errorf("%s, reg %g: error %v; want ErrNaN or ErrUnderflow", name, reg, err)
			}
		}
	}
}

// TestConvergedMeansMarginals checks that a result reported as converged
// has a plan within the tolerance of its marginals: ε-scaling down to
// reg 1e-12 on costs of order 1 once met its stopping rule with a plan
// 4e-7 off (tol 1e-9), and at reg 1e-300 with a plan of mass 3 instead of
// 1. Such runs are ErrNotConverged errors now.
func TestConvergedMeansMarginals(t *testing.T) {
	C := mat.NewDense(3, 3, []float64{0, 1, 2, 1, 0, 1, 2, 1, 0})
	ctx := context.Background()
	for _, reg := range []float64{1e-2, 1e-8, 1e-12, 1e-300} {
		for _, meth := range []Method{MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS} {
			res, err := Solve(ctx, meth, nil, nil, C, reg, nil)
			switch {
			case err == nil && (!res.Converged || res.MarginalError > DefaultTol):
				t.Errorf("%v reg %g: converged %v with marginal error %.3g", meth, reg, res.Converged, res.MarginalError)
			case err != nil && !errors.Is(err, ErrNotConverged):
				t.Errorf("%v reg %g: %v", meth, reg, err)
			case err != nil && (res == nil || res.Converged):
				t.Errorf("%v reg %g: error %v with result %+v", meth, reg, err, res)
			}
		}
	}
}

// TestConvergedPlanWithinTol: Converged, MarginalError and the returned
// plan must agree: MarginalError is the plan's ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂, and
// a solve reports convergence (no error) only if it is ≤ Tol. On a
// constant cost of 1e6 with reg 0.01 (C/reg = 1e8) the potentials keep
// about 1e-8 relative accuracy in each plan entry, so no method can reach
// 1e-9; the stabilised and ε-scaling methods used to report convergence
// there (their stopping rule saw the scaled sums, 1e-16, the plan is
// 6.6e-9 off). That must be ErrNotConverged (ErrUnderflow for the scaling
// form, whose kernel is all zero). The same cost at 1 converges.
func TestConvergedPlanWithinTol(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		c, reg   float64
		converge bool
	}{
		{"constant 1e6, reg 0.01", 1e6, 0.01, false},
		{"constant 1, reg 0.01", 1, 0.01, true},
		{"constant 1e3, reg 10", 1e3, 10, true},
	} {
		C := mat.NewDense(3, 4, nil)
		for i := range 3 {
			for j := range 4 {
				C.Set(i, j, tc.c)
			}
		}
		a, b := Uniform(3), Uniform(4)
		for _, m := range entropicMethods {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				res, err := Solve(ctx, m.m, nil, nil, C, tc.reg, nil)
				if m.m == MethodSinkhorn && !tc.converge && errors.Is(err, ErrUnderflow) {
					return
				}
				if err != nil && !errors.Is(err, ErrNotConverged) {
					t.Fatal(err)
				}
				if tc.converge && err != nil {
					t.Fatalf("%v", err)
				}
				var er, ec float64
				for i := range 3 {
					d := mat.Sum(res.Plan.RowView(i)) - a[i]
					er += d * d
				}
				for j := range 4 {
					d := mat.Sum(res.Plan.ColView(j)) - b[j]
					ec += d * d
				}
				if me := math.Sqrt(er) + math.Sqrt(ec); math.Abs(me-res.MarginalError) > 1e-15 {
					t.Errorf("MarginalError %.6g, but the plan's is %.6g", res.MarginalError, me)
				}
				if res.Converged != (err == nil) {
					t.Errorf("Converged %v with error %v", res.Converged, err)
				}
				if err == nil && res.MarginalError > DefaultTol {
					t.Errorf("converged (%s) with marginal error %.3g > tol %.3g", res.Reason, res.MarginalError, DefaultTol)
				}
			})
		}
	}
}

// TestDualDerivatives checks the gradient and Hessian of the dual
// D(f, g) = ⟨f,a⟩ + ⟨g,b⟩ − reg·Σ exp((f_i + g_j − C_ij)/reg) used by SNS
// against central finite differences of D (gradient) and of the gradient
// (Hessian): ∇D = (a − P1, b − Pᵀ1) and ∇²D = −(1/reg)·M with M =
// [diag(P1) P; Pᵀ diag(Pᵀ1)]. Central differences with h = 1e-5 have
// truncation error O(h²·D”') ≈ 1e-10 relative here, so 1e-6 relative is
// a safe bound that still catches any sign or factor error.
func TestDualDerivatives(t *testing.T) {
	n, m := 4, 3
	C := randomCost(9, n, m)
	a, b := randomHist(3, n), randomHist(4, m)
	const reg = 0.3
	p, err := newProblem("test", a, b, C, reg, true, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	w := newPasses(p)
	w.plan = make([]float64, n*m)
	rng := rand.New(rand.NewPCG(1, 3))
	x := make([]float64, n+m) // potentials in cost units
	for i := range x {
		x[i] = 0.2 * rng.NormFloat64()
	}
	eval := func(x []float64) (float64, []float64) {
		for i := 0; i < n; i++ {
			w.F[i] = x[i] / reg
		}
		for j := 0; j < m; j++ {
			w.G[j] = x[n+j] / reg
		}
		D, _ := w.dual()
		g := make([]float64, n+m)
		for i := 0; i < n; i++ {
			g[i] = a[i] - w.rowsum[i]
		}
		for j := 0; j < m; j++ {
			g[n+j] = b[j] - w.colsum[j]
		}
		return D, g
	}
	_, grad := eval(x)
	plan := append([]float64(nil), w.plan...)
	rows := append([]float64(nil), w.rowsum...)
	cols := append([]float64(nil), w.colsum...)
	// Full M (no sparsification), in the reduced coordinates, plus the
	// dropped last row/column rebuilt by hand.
	M := mat.NewDense(n+m, n+m, nil)
	for i := 0; i < n; i++ {
		M.Set(i, i, rows[i])
		for j := 0; j < m; j++ {
			M.Set(i, n+j, plan[i*m+j])
			M.Set(n+j, i, plan[i*m+j])
		}
	}
	for j := 0; j < m; j++ {
		M.Set(n+j, n+j, cols[j])
	}
	const h = 1e-5
	for k := 0; k < n+m; k++ {
		xp := append([]float64(nil), x...)
		xm := append([]float64(nil), x...)
		xp[k] += h
		xm[k] -= h
		Dp, gp := eval(xp)
		Dm, gm := eval(xm)
		fd := (Dp - Dm) / (2 * h)
		if math.Abs(fd-grad[k]) > 1e-6*math.Max(1e-3, math.Abs(grad[k])) {
			t.Errorf("∂D/∂x_%d: finite difference %.10g, formula %.10g", k, fd, grad[k])
		}
		for l := 0; l < n+m; l++ {
			fdH := (gp[l] - gm[l]) / (2 * h)
			want := -M.At(l, k) / reg
			if math.Abs(fdH-want) > 1e-6*math.Max(1e-2, math.Abs(want)) {
				t.Errorf("∂²D/∂x_%d∂x_%d: finite difference %.10g, formula %.10g", l, k, fdH, want)
			}
		}
	}
	// The reduced operator with every entry kept equals M without its
	// last row and column; (1, −1) is a null vector of the full M.
	h2 := &sparseHess{n: n, m: m, r: rows, c: cols}
	h2.build(plan, 0)
	e := make([]float64, n+m-1)
	y := make([]float64, n+m-1)
	for k := 0; k < n+m-1; k++ {
		clear(e)
		e[k] = 1
		h2.Apply(y, e)
		for l := 0; l < n+m-1; l++ {
			want := M.At(l, k)
			if l == k {
				want *= 1 + snsRidge
			}
			if math.Abs(y[l]-want) > 1e-15 {
				t.Errorf("reduced M[%d,%d] = %g, want %g", l, k, y[l], want)
			}
		}
	}
	ones := make([]float64, n+m)
	for i := range ones {
		ones[i] = 1
		if i >= n {
			ones[i] = -1
		}
	}
	var nv mat.VecDense
	nv.MulVec(M, mat.NewVecDense(n+m, ones))
	if mat.Norm(&nv, math.Inf(1)) > 1e-15 {
		t.Errorf("(1, −1) is not a null vector: ‖M v‖ = %g", mat.Norm(&nv, math.Inf(1)))
	}
	// Newton direction is an ascent direction: gradᵀ M̃⁻¹ grad > 0.
	g := append(append([]float64(nil), grad[:n]...), grad[n:n+m-1]...)
	dir := make([]float64, n+m-1)
	diag := append(append([]float64(nil), rows...), cols[:m-1]...)
	for i := range diag {
		diag[i] = 1 / diag[i]
	}
	if _, err := krylov.CG(context.Background(), h2, g, dir, &krylov.Options{RTol: 1e-13, Precond: linop.Diag(diag)}); err != nil {
		t.Fatal(err)
	}
	h2.Apply(y, dir)
	for i := range y {
		if math.Abs(y[i]-g[i]) > 1e-12 {
			t.Fatalf("CG residual %g at %d", y[i]-g[i], i)
		}
	}
	if dot(g, dir) <= 0 {
		t.Errorf("Newton direction is not an ascent direction: gradᵀΔ = %g", dot(g, dir))
	}
}

func TestKthLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{1, 2, 5, 100, 1001} {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(20)) // ties
		}
		for _, k := range []int{1, n / 2, n} {
			if k < 1 {
				continue
			}
			y := append([]float64(nil), x...)
			got := kthLargest(y, k)
			// Reference: count.
			greater, equal := 0, 0
			for _, v := range x {
				if v > got {
					greater++
				} else if v == got {
					equal++
				}
			}
			if !(greater < k && greater+equal >= k) {
				t.Errorf("n=%d k=%d: got %g with %d greater, %d equal", n, k, got, greater, equal)
			}
		}
	}
}

func TestEntropicBadInput(t *testing.T) {
	C := mat.NewDense(2, 2, []float64{0, 1, 1, 0})
	ctx := context.Background()
	cases := []struct {
		name string
		a, b []float64
		C    *mat.Dense
		reg  float64
		o    *Options
		want error
	}{
		{"negative_weight", []float64{-0.5, 1.5}, nil, C, 1, nil, ErrInput},
		{"nan_weight", []float64{math.NaN(), 1}, nil, C, 1, nil, ErrInput},
		{"inf_weight", []float64{math.Inf(1), 1}, nil, C, 1, nil, ErrInput},
		{"unequal_mass", []float64{0.5, 0.6}, nil, C, 1, nil, ErrInput},
		{"zero_mass", []float64{0, 0}, nil, C, 1, nil, ErrInput},
		{"empty", []float64{}, nil, mat.NewDense(1, 2, nil), 1, nil, nil},
		{"nan_cost", nil, nil, mat.NewDense(2, 2, []float64{0, math.NaN(), 1, 0}), 1, nil, ErrNaN},
		{"inf_cost", nil, nil, mat.NewDense(2, 2, []float64{0, math.Inf(-1), 1, 0}), 1, nil, ErrNaN},
		{"zero_reg", nil, nil, C, 0, nil, ErrInput},
		{"negative_reg", nil, nil, C, -1, nil, ErrInput},
		{"nan_reg", nil, nil, C, math.NaN(), nil, ErrInput},
		{"inf_reg", nil, nil, C, math.Inf(1), nil, ErrInput},
		// 1/reg overflows: every iterate was NaN (ErrNaN, ErrUnderflow).
		{"subnormal_reg", nil, nil, C, 5e-324, nil, ErrInput},
		{"reg_below_inverse_range", nil, nil, C, 5e-309, nil, ErrInput},
		{"negative_tol", nil, nil, C, 1, &Options{Tol: -1}, ErrInput},
		{"negative_maxiter", nil, nil, C, 1, &Options{MaxIter: -1}, ErrInput},
		{"tau_too_small", nil, nil, C, 1, &Options{Tau: 0.5}, ErrInput},
		{"lambda_too_big", nil, nil, C, 1, &Options{Lambda: 2}, ErrInput},
		{"warm_start_half", nil, nil, C, 1, &Options{F0: []float64{0, 0}}, ErrInput},
		{"warm_start_length", nil, nil, C, 1, &Options{F0: []float64{0}, G0: []float64{0, 0}}, ErrInput},
		{"warm_start_nan", nil, nil, C, 1, &Options{F0: []float64{math.NaN(), 0}, G0: []float64{0, 0}}, ErrInput},
	}
	for _, c := range cases {
		if c.name == "empty" {
			continue // covered by the panic test below (len(a) ≠ rows)
		}
		for _, m := range entropicMethods {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				_, err := Solve(ctx, m.m, c.a, c.b, c.C, c.reg, c.o)
				if !errors.Is(err, c.want) {
					t.Fatalf("error %v, want %v", err, c.want)
				}
			})
		}
		t.Run(c.name+"/unbalanced", func(t *testing.T) {
			_, err := SinkhornUnbalanced(ctx, c.a, c.b, c.C, c.reg, 1, c.o)
			if c.name == "unequal_mass" {
				if err != nil {
					t.Fatalf("unbalanced accepts unequal masses, got %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on dimension mismatch")
		}
	}()
	_, _ = SinkhornLog(ctx, []float64{1}, nil, C, 1, nil)
}

// TestNotConvergedAndCancel: MaxIter returns the last iterate with
// ErrNotConverged; a cancelled context stops the solve.
func TestNotConvergedAndCancel(t *testing.T) {
	C := randomCost(3, 30, 30)
	for _, m := range entropicMethods {
		res, err := Solve(context.Background(), m.m, nil, nil, C, 1e-3, &Options{MaxIter: 25})
		if !errors.Is(err, ErrNotConverged) || res == nil || res.Converged || res.Plan == nil {
			t.Errorf("%s: err %v, res %+v", m.name, err, res)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Solve(ctx, m.m, nil, nil, C, 1e-3, &Options{MaxIter: 100000}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled context gave %v", m.name, err)
		}
		// Also when the first check would pass (reg far above the costs).
		if _, err := Solve(ctx, m.m, nil, nil, C, 1e3, &Options{Tol: 1e-3}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s, large reg: cancelled context gave %v", m.name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EMD(ctx, nil, nil, C, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("emd: cancelled context gave %v", err)
	}
}

// TestWarmStart: restarting from converged potentials stops at the first
// check, also when some bins have zero mass (the solvers drop them, and
// the potentials handed back and in are in the original indices).
func TestWarmStart(t *testing.T) {
	C := randomCost(4, 25, 20)
	a, b := randomHist(5, 25), randomHist(6, 20)
	az, bz := slices.Clone(a), slices.Clone(b)
	az[3], az[17], bz[0] = 0, 0, 0
	norm := func(h []float64) {
		s := floats.Sum(h)
		floats.Scale(1/s, h)
	}
	norm(az)
	norm(bz)
	for _, h := range []struct {
		name string
		a, b []float64
	}{{"full support", a, b}, {"zero bins", az, bz}} {
		for _, m := range entropicMethods {
			res, err := Solve(context.Background(), m.m, h.a, h.b, C, 0.05, &Options{Tol: 1e-11, MaxIter: 100000})
			if err != nil {
				t.Fatal(err)
			}
			res2, err := Solve(context.Background(), m.m, h.a, h.b, C, 0.05, &Options{Tol: 1e-10, MaxIter: 100000, F0: res.F, G0: res.G})
			if err != nil {
				t.Fatalf("%s, %s: %v", h.name, m.name, err)
			}
			if res2.Iterations > 2 {
				t.Errorf("%s, %s: warm start took %d iterations", h.name, m.name, res2.Iterations)
			}
			if d := maxAbsDiff(t, res2.Plan, res.Plan.RawMatrix().Data); d > 1e-9 {
				t.Errorf("%s, %s: warm-started plan differs by %.3g", h.name, m.name, d)
			}
			if h.a[3] == 0 && (res2.Plan.At(3, 5) != 0 || res2.Plan.At(9, 0) != 0) {
				t.Errorf("%s, %s: mass on a zero-weight bin", h.name, m.name)
			}
		}
	}
}

// TestCheckHistograms: each way a pair of histograms can be invalid is
// named in the error.
func TestCheckHistograms(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []float64
		want string // "" means valid
	}{
		{"valid", []float64{0.5, 0.5}, []float64{0.25, 0.25, 0.5}, ""},
		{"zero bins", []float64{0, 1}, []float64{1, 0, 0}, ""},
		{"within tolerance", []float64{0.5, 0.5}, []float64{1 + 1e-12}, ""},
		{"empty a", nil, []float64{1}, "histogram a is empty"},
		{"NaN in b", []float64{1}, []float64{0.5, math.NaN()}, "b[1] = NaN is not finite"},
		{"Inf in a", []float64{math.Inf(1)}, []float64{1}, "a[0] = +Inf is not finite"},
		{"negative", []float64{1.5, -0.5}, []float64{1}, "a[1] = -0.5 is negative"},
		{"no mass", []float64{0, 0}, []float64{1}, "histogram a has zero total mass"},
		{"unequal masses", []float64{1}, []float64{0.5, 0.6}, "unequal masses"},
	} {
		err := CheckHistograms(tc.a, tc.b, 1e-9)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrInput mentioning %q", tc.name, err, tc.want)
		}
	}
	for _, tol := range []float64{-1, math.NaN()} {
		if err := CheckHistograms([]float64{1, 1}, []float64{0.6, 0.4}, tol); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "mass tolerance") {
			t.Errorf("tol %v: %v", tol, err)
		}
	}
}

// TestStridedCost: a cost matrix that is a view into a larger one (stride
// larger than its width) gives the same result as a contiguous copy, for
// every entropic method and for EMD.
func TestStridedCost(t *testing.T) {
	big := randomCost(11, 30, 40)
	view := big.Slice(2, 27, 5, 25).(*mat.Dense)
	dense := mat.DenseCopyOf(view)
	a, b := randomHist(12, 25), randomHist(13, 20)
	for _, m := range entropicMethods {
		want, err := Solve(context.Background(), m.m, a, b, dense, 0.05, &Options{Tol: 1e-11, MaxIter: 100000})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Solve(context.Background(), m.m, a, b, view, 0.05, &Options{Tol: 1e-11, MaxIter: 100000})
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(got.Plan, want.Plan) || got.Cost != want.Cost {
			t.Errorf("%s: the strided view gives another plan or cost (%v against %v)", m.name, got.Cost, want.Cost)
		}
	}
	want, err := EMD(context.Background(), a, b, dense, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := EMD(context.Background(), a, b, view, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got.Plan, want.Plan) || got.Cost != want.Cost {
		t.Errorf("emd: the strided view gives another plan or cost (%v against %v)", got.Cost, want.Cost)
	}
}

// TestDeterministic: results are bit-identical for GOMAXPROCS 1 and 2 on a
// problem large enough to run in parallel.
func TestDeterministic(t *testing.T) {
	C := randomCost(8, 160, 150)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	solvers := map[string]func() (*Result, error){
		"sns":        func() (*Result, error) { return SNS(context.Background(), nil, nil, C, 0.01, &Options{Tol: 1e-10}) },
		"sinkhorn":   func() (*Result, error) { return Sinkhorn(context.Background(), nil, nil, C, 0.05, nil) },
		"stabilized": func() (*Result, error) { return SinkhornStabilized(context.Background(), nil, nil, C, 0.01, nil) },
		"unbalanced": func() (*Result, error) {
			return SinkhornUnbalanced(context.Background(), nil, nil, C, 0.01, 1, nil)
		},
	}
	for name, solve := range solvers {
		var plans [2][]float64
		for k, procs := range []int{1, 2} {
			runtime.GOMAXPROCS(procs)
			res, err := solve()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			plans[k] = res.Plan.RawMatrix().Data
		}
		for i := range plans[0] {
			if plans[0][i] != plans[1][i] {
				t.Fatalf("%s: plan entry %d differs: %v vs %v", name, i, plans[0][i], plans[1][i])
			}
		}
	}
}

// TestNoAllocPerIteration: a log-domain Sinkhorn iteration and a
// stabilised iteration allocate nothing once the workspace exists.
func TestNoAllocPerIteration(t *testing.T) {
	C := randomCost(2, 200, 180) // large enough to run the parallel path
	p, err := newProblem("test", nil, nil, C, 0.05, true, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	w := newPasses(p)
	r := resolved{tol: 0, checkEvery: 10, maxIter: 1}
	c := &checker{method: "test", r: r}
	res := &Result{}
	w.logSinkhorn(c, 2, res) // warm the worker pool
	if n := testing.AllocsPerRun(10, func() { w.logSinkhorn(c, 5, res) }); n != 0 {
		t.Errorf("log-domain iterations allocate %v times", n)
	}
	w.stabilized(c, 2, 1e3, res, false)
	if n := testing.AllocsPerRun(10, func() { w.stabilized(c, 5, 1e3, res, false) }); n != 0 {
		t.Errorf("stabilised iterations allocate %v times", n)
	}
	if n := testing.AllocsPerRun(10, func() { w.fused() }); n != 0 {
		t.Errorf("the fused scaling pass allocates %v times", n)
	}
}

func TestCostMatrix(t *testing.T) {
	X := mat.NewDense(2, 2, []float64{0, 0, 1, 2})
	Y := mat.NewDense(3, 2, []float64{0, 0, 3, 4, -1, 1})
	want := map[Metric][]float64{
		SqEuclidean: {0, 25, 2, 5, 8, 5},
		Euclidean:   {0, 5, math.Sqrt2, math.Sqrt(5), math.Sqrt(8), math.Sqrt(5)},
		Cityblock:   {0, 7, 2, 3, 4, 3},
	}
	for m, w := range want {
		C := CostMatrix(X, Y, m)
		if d := maxAbsDiff(t, C, w); d > 1e-15 {
			t.Errorf("%v: max error %g", m, d)
		}
		// The same points as a strided view and as a transposed view (not a
		// *mat.Dense): the same costs.
		Xv := mat.NewDense(3, 4, []float64{9, 0, 0, 9, 9, 1, 2, 9, 9, 9, 9, 9}).Slice(0, 2, 1, 3)
		Yt := mat.NewDense(2, 3, []float64{0, 3, -1, 0, 4, 1}).T()
		if !mat.Equal(CostMatrix(Xv, Yt, m), C) {
			t.Errorf("%v: views of the points give other costs", m)
		}
		if got, err := ParseMetric(m.String()); err != nil || got != m {
			t.Errorf("ParseMetric(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMetric("cosine"); !errors.Is(err, ErrInput) {
		t.Errorf("ParseMetric(cosine): %v", err)
	}
	// Large enough for the parallel path: compare with the serial formula.
	rng := rand.New(rand.NewPCG(1, 9))
	A := mat.NewDense(300, 3, nil)
	B := mat.NewDense(200, 3, nil)
	for i := 0; i < 300; i++ {
		for k := 0; k < 3; k++ {
			A.Set(i, k, rng.NormFloat64())
			if i < 200 {
				B.Set(i, k, rng.NormFloat64())
			}
		}
	}
	C := CostMatrix(A, B, SqEuclidean)
	for _, ij := range [][2]int{{0, 0}, {299, 199}, {150, 7}} {
		s := 0.0
		for k := 0; k < 3; k++ {
			d := A.At(ij[0], k) - B.At(ij[1], k)
			s += d * d
		}
		if C.At(ij[0], ij[1]) != s {
			t.Errorf("C[%d,%d] = %v, want %v", ij[0], ij[1], C.At(ij[0], ij[1]), s)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic on mismatched dimensions")
		}
	}()
	CostMatrix(X, mat.NewDense(1, 3, nil), SqEuclidean)
}

func TestParseMethod(t *testing.T) {
	for _, m := range entropicMethods {
		got, err := ParseMethod(m.name)
		if err != nil || got != m.m || got.String() != m.name {
			t.Errorf("ParseMethod(%q) = %v, %v", m.name, got, err)
		}
	}
	// As krylov.ByName and precond.New: case and surrounding space do not
	// matter, and an unknown name lists the valid ones.
	if got, err := ParseMethod(" SNS "); err != nil || got != MethodSNS {
		t.Errorf("ParseMethod(\" SNS \") = %v, %v", got, err)
	}
	if got, err := ParseMetric("Euclidean\n"); err != nil || got != Euclidean {
		t.Errorf("ParseMetric(\"Euclidean\\n\") = %v, %v", got, err)
	}
	if _, err := ParseMethod("greenkhorn"); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "sinkhorn-log") {
		t.Errorf("unknown method: %v", err)
	}
}
