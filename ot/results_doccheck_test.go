package ot

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// docProblem returns random weights (equal masses; with zero set, a[1] =
// b[0] = 0) and a cost in [off, off+3).
func docProblem(t *testing.T, seed uint64, n, m int, zero bool, off float64) ([]float64, []float64, *mat.Dense) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	a, b := make([]float64, n), make([]float64, m)
	sa, sb := 0.0, 0.0
	for i := range a {
		a[i] = r.Float64() + 0.1
		sa += a[i]
	}
	for j := range b {
		b[j] = r.Float64() + 0.1
		sb += b[j]
	}
	if zero {
		sa -= a[1]
		sb -= b[0]
		a[1], b[0] = 0, 0
	}
	for j := range b {
		b[j] *= sa / sb
	}
	C := mat.NewDense(n, m, nil)
	C.Apply(func(_, _ int, _ float64) float64 { return off + 3*r.Float64() }, C)
	return a, b, C
}

// TestEntropicResultInvariantsDoc checks what Result's fields promise, for
// every balanced method, with and without zero-mass bins and with a cost
// offset (solved shifted): Plan = exp((F + G − C)/reg), MarginalError is
// ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ of the plan and ≤ Tol, Cost = ⟨C, P⟩, zero-mass
// bins have zero plan rows/columns and potential −Inf, and the inputs are
// not modified.
func TestEntropicResultInvariantsDoc(t *testing.T) {
	const n, m, reg = 5, 4, 0.5
	for _, meth := range []Method{MethodSinkhorn, MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS} {
		for _, tc := range []struct {
			seed uint64
			zero bool
			off  float64
		}{{1, false, 0}, {2, true, 0}, {3, false, 1000}, {4, true, -1000}} {
			a, b, C := docProblem(t, tc.seed, n, m, tc.zero, tc.off)
			a0, b0, C0 := slices.Clone(a), slices.Clone(b), mat.DenseCopyOf(C)
			res, err := Solve(context.Background(), meth, a, b, C, reg, nil)
			if err != nil {
				t.Fatalf("%v %+v: %v", meth, tc, err)
			}
			if !slices.Equal(a, a0) || !slices.Equal(b, b0) || !mat.Equal(C, C0) {
				t.Errorf("%v %+v: inputs modified", meth, tc)
			}
			var er, ec, cost, worst float64
			for i := 0; i < n; i++ {
				rs := 0.0
				for j := 0; j < m; j++ {
					p := res.Plan.At(i, j)
					rs += p
					cost += p * C.At(i, j)
					if a[i] == 0 || b[j] == 0 {
						if p != 0 {
							t.Errorf("%v %+v: plan (%d,%d) = %g on a zero-mass bin", meth, tc, i, j, p)
						}
						continue
					}
					q := math.Exp((res.F[i] + res.G[j] - C.At(i, j)) / reg)
					worst = math.Max(worst, math.Abs(p-q)/q)
				}
				er += (rs - a[i]) * (rs - a[i])
			}
			for j := 0; j < m; j++ {
				cs := 0.0
				for i := 0; i < n; i++ {
					cs += res.Plan.At(i, j)
				}
				ec += (cs - b[j]) * (cs - b[j])
			}
			me := math.Sqrt(er) + math.Sqrt(ec)
			if worst > 1e-9 {
				t.Errorf("%v %+v: plan differs from exp((F+G−C)/reg) by %g relative", meth, tc, worst)
			}
			if math.Abs(me-res.MarginalError) > 1e-13 || !(res.MarginalError <= DefaultTol) || !res.Converged {
				t.Errorf("%v %+v: marginal error %g, reported %g (converged %v)", meth, tc, me, res.MarginalError, res.Converged)
			}
			if math.Abs(cost-res.Cost) > 1e-12*math.Max(1, math.Abs(cost)) {
				t.Errorf("%v %+v: cost %.17g, reported %.17g", meth, tc, cost, res.Cost)
			}
			if tc.zero && (!math.IsInf(res.F[1], -1) || !math.IsInf(res.G[0], -1)) {
				t.Errorf("%v %+v: zero-mass potentials F[1] = %g, G[0] = %g, want −Inf", meth, tc, res.F[1], res.G[0])
			}
		}
	}
}

// TestResultsIndependentOfGOMAXPROCSDoc: the package doc promises
// bit-identical results whatever GOMAXPROCS is (problems large enough for
// the sweeps to split into blocks).
func TestResultsIndependentOfGOMAXPROCSDoc(t *testing.T) {
	a, b, C := docProblem(t, 7, 70, 60, false, 0)
	r := rand.New(rand.NewPCG(3, 4))
	X := mat.NewDense(200, 30, nil)
	X.Apply(func(_, _ int, _ float64) float64 { return r.NormFloat64() }, X)
	type outcome struct {
		plans []*mat.Dense
		costs []float64
	}
	run := func(procs int) outcome {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var o outcome
		for _, meth := range []Method{MethodSinkhorn, MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS} {
			res, err := Solve(context.Background(), meth, a, b, C, 0.3, &Options{MaxIter: 40})
			if res == nil {
				t.Fatalf("%v: %v", meth, err)
			}
			o.plans = append(o.plans, res.Plan)
			o.costs = append(o.costs, res.Cost)
		}
		res, err := SinkhornUnbalanced(context.Background(), a, b, C, 0.3, 1, &Options{MaxIter: 40})
		if res == nil {
			t.Fatalf("unbalanced: %v", err)
		}
		o.plans = append(o.plans, res.Plan, CostMatrix(X, X, Euclidean))
		o.costs = append(o.costs, res.Cost)
		return o
	}
	ref := run(1)
	for _, p := range []int{2, 3} {
		got := run(p)
		for k := range ref.plans {
			if !mat.Equal(ref.plans[k], got.plans[k]) {
				t.Errorf("GOMAXPROCS %d: result %d differs from GOMAXPROCS 1", p, k)
			}
		}
		if !slices.Equal(ref.costs, got.costs) {
			t.Errorf("GOMAXPROCS %d: costs %v, GOMAXPROCS 1: %v", p, got.costs, ref.costs)
		}
	}
}

// TestEMDDualsDoc checks EMDResult's documented duals on random problems:
// U_i + V_j ≤ C_ij with equality on the plan's support, Σ a_i U_i = Σ b_j
// V_j (POT's centring), zero-mass bins at the largest feasible value (the
// c-transforms), and a vertex plan with at most n + m − 1 nonzeros.
func TestEMDDualsDoc(t *testing.T) {
	const n, m = 6, 5
	for seed := uint64(1); seed <= 12; seed++ {
		zero := seed%2 == 0
		a, b, C := docProblem(t, seed, n, m, zero, 0)
		res, err := EMD(context.Background(), a, b, C, nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		nz := 0
		var au, bv float64
		for i := 0; i < n; i++ {
			au += a[i] * zeroIfNull(a[i], res.U[i])
			for j := 0; j < m; j++ {
				s := res.U[i] + res.V[j] - C.At(i, j)
				if s > 1e-12 {
					t.Errorf("seed %d: U[%d] + V[%d] exceeds C by %g", seed, i, j, s)
				}
				if res.Plan.At(i, j) != 0 {
					nz++
					if math.Abs(s) > 1e-12 {
						t.Errorf("seed %d: slack %g on the support at (%d,%d)", seed, s, i, j)
					}
				}
			}
		}
		for j := 0; j < m; j++ {
			bv += b[j] * zeroIfNull(b[j], res.V[j])
		}
		if nz > n+m-1 {
			t.Errorf("seed %d: %d nonzeros, a vertex has at most %d", seed, nz, n+m-1)
		}
		if math.Abs(au-bv) > 1e-12 {
			t.Errorf("seed %d: Σ a U = %.17g, Σ b V = %.17g", seed, au, bv)
		}
		if zero {
			u := math.Inf(1)
			for j := 0; j < m; j++ {
				u = math.Min(u, C.At(1, j)-res.V[j])
			}
			v := math.Inf(1)
			for i := 0; i < n; i++ {
				v = math.Min(v, C.At(i, 0)-res.U[i])
			}
			if res.U[1] != u || res.V[0] != v {
				t.Errorf("seed %d: zero-mass duals U[1] = %g, V[0] = %g, want %g, %g", seed, res.U[1], res.V[0], u, v)
			}
		}
	}
}

// zeroIfNull returns 0 for a zero-mass bin (whose dual may be anything
// feasible) and d otherwise.
func zeroIfNull(w, d float64) float64 {
	if w == 0 {
		return 0
	}
	return d
}
