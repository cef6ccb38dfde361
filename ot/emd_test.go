package ot

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// checkEMD verifies an EMD result independently of how it was found:
// primal feasibility (non-negative plan with the right marginals), dual
// feasibility U_i + V_j ≤ C_ij, complementary slackness (U_i + V_j = C_ij
// where the plan is positive) and cost = ⟨C, P⟩ = Σ a U + Σ b V (strong
// duality). Together these prove optimality. Tolerances are relative to
// the cost scale: 1e-9 covers the rounding of potentials of size
// (n+m)·max|C| accumulated over the pivots.
func checkEMD(t *testing.T, a, b []float64, C *mat.Dense, res *EMDResult) {
	t.Helper()
	n, m := C.Dims()
	if a == nil {
		a = Uniform(n)
	}
	if b == nil {
		b = Uniform(m)
	}
	cmax := 1e-300
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			cmax = math.Max(cmax, math.Abs(C.At(i, j)))
		}
	}
	tol := 1e-9 * cmax
	sa, sb := 0.0, 0.0
	for _, v := range a {
		sa += v
	}
	for _, v := range b {
		sb += v
	}
	cost, dualObj := 0.0, 0.0
	rs := make([]float64, n)
	cs := make([]float64, m)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			p := res.Plan.At(i, j)
			if p < 0 {
				t.Fatalf("plan[%d,%d] = %g < 0", i, j, p)
			}
			rs[i] += p
			cs[j] += p
			cost += p * C.At(i, j)
			slack := C.At(i, j) - res.U[i] - res.V[j]
			if slack < -tol {
				t.Fatalf("dual infeasible at (%d,%d): C − U − V = %g", i, j, slack)
			}
			if p > 1e-12 && math.Abs(slack) > tol {
				t.Fatalf("complementary slackness fails at (%d,%d): plan %g, slack %g", i, j, p, slack)
			}
		}
	}
	for i := range rs {
		if math.Abs(rs[i]-a[i]) > 1e-12 {
			t.Fatalf("row %d sums to %.17g, want %.17g", i, rs[i], a[i])
		}
		dualObj += a[i] * res.U[i]
	}
	for j := range cs {
		if math.Abs(cs[j]-b[j]*sa/sb) > 1e-12 {
			t.Fatalf("column %d sums to %.17g, want %.17g", j, cs[j], b[j])
		}
		dualObj += b[j] * sa / sb * res.V[j]
	}
	if math.Abs(cost-res.Cost) > tol {
		t.Fatalf("reported cost %.17g, ⟨C,P⟩ = %.17g", res.Cost, cost)
	}
	if math.Abs(cost-dualObj) > tol {
		t.Fatalf("duality gap: primal %.17g, dual %.17g", cost, dualObj)
	}
	if !res.Converged {
		t.Fatalf("not converged: %s", res.Reason)
	}
}

// TestEMDAgainstPOT compares with ot.emd on the stored cases: costs agree
// to 1e-12 relative (both are exact up to rounding); plans are compared
// where the optimum is unique. The cityblock case ("zero_bins") has
// several optimal plans (L1 costs make exchanges of equal cost), so only
// its cost and certificate are checked.
func TestEMDAgainstPOT(t *testing.T) {
	for _, c := range loadRef(t) {
		t.Run(c.Name, func(t *testing.T) {
			res, err := EMD(context.Background(), c.A, c.B, c.cost(), nil)
			if err != nil {
				t.Fatal(err)
			}
			checkEMD(t, c.A, c.B, c.cost(), res)
			if math.Abs(res.Cost-c.EMDCost) > 1e-12*math.Max(1, c.EMDCost) {
				t.Errorf("cost %.17g, POT %.17g", res.Cost, c.EMDCost)
			}
			if d := maxAbsDiff(t, res.Plan, c.EMDPlan); c.Name != "zero_bins" && d > 1e-12 {
				t.Errorf("max |P − P_POT| = %.3g", d)
			}
		})
	}
}

// TestEMDBruteForce checks uniform n×n problems (n ≤ 6) against the best
// of all n! permutations: by Birkhoff's theorem a permutation matrix/n is
// optimal.
func TestEMDBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for n := 1; n <= 6; n++ {
		for trial := 0; trial < 5; trial++ {
			C := mat.NewDense(n, n, nil)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					v := rng.Float64()
					if trial%2 == 1 {
						v = float64(rng.IntN(3)) // many ties
					}
					C.Set(i, j, v)
				}
			}
			best := math.Inf(1)
			perm := make([]int, n)
			for i := range perm {
				perm[i] = i
			}
			permute(perm, 0, func(p []int) {
				s := 0.0
				for i, j := range p {
					s += C.At(i, j)
				}
				best = math.Min(best, s/float64(n))
			})
			res, err := EMD(context.Background(), nil, nil, C, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkEMD(t, nil, nil, C, res)
			if math.Abs(res.Cost-best) > 1e-12 {
				t.Errorf("n=%d trial %d: cost %.17g, brute force %.17g", n, trial, res.Cost, best)
			}
		}
	}
}

func permute(p []int, k int, f func([]int)) {
	if k == len(p) {
		f(p)
		return
	}
	for i := k; i < len(p); i++ {
		p[k], p[i] = p[i], p[k]
		permute(p, k+1, f)
		p[k], p[i] = p[i], p[k]
	}
}

// TestEMDDegenerate covers unequal sizes, zero-mass bins, all-equal costs,
// integer costs with many ties, a single row or column, identical
// histograms on a zero-diagonal cost, and larger random instances; each
// result is certified by checkEMD.
func TestEMDDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	randW := func(n int, zeros int) []float64 {
		w := make([]float64, n)
		s := 0.0
		for i := range w {
			w[i] = rng.Float64()
			s += w[i]
		}
		for k := 0; k < zeros; k++ {
			s -= w[k*3%n]
			w[k*3%n] = 0
		}
		for i := range w {
			w[i] /= s
		}
		return w
	}
	randC := func(n, m int, ints bool) *mat.Dense {
		C := mat.NewDense(n, m, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				v := rng.Float64()
				if ints {
					v = float64(rng.IntN(4))
				}
				C.Set(i, j, v)
			}
		}
		return C
	}
	cases := []struct {
		name string
		a, b []float64
		C    *mat.Dense
	}{
		{"rect_3x7", randW(3, 0), randW(7, 0), randC(3, 7, false)},
		{"rect_9x2", randW(9, 0), randW(2, 0), randC(9, 2, false)},
		{"zero_bins", randW(8, 2), randW(6, 1), randC(8, 6, false)},
		{"all_equal", randW(5, 0), randW(4, 0), mat.NewDense(5, 4, nil)},
		{"integer_ties", randW(10, 0), randW(10, 0), randC(10, 10, true)},
		{"one_row", []float64{1}, randW(5, 0), randC(1, 5, false)},
		{"one_col", randW(5, 0), []float64{2}, randC(5, 1, false)},
		{"identity", Uniform(6), Uniform(6), CostMatrix(mat.NewDense(6, 1, []float64{0, 1, 2, 3, 4, 5}), mat.NewDense(6, 1, []float64{0, 1, 2, 3, 4, 5}), SqEuclidean)},
		{"negative_costs", randW(6, 0), randW(6, 0), func() *mat.Dense { C := randC(6, 6, false); C.Scale(-3, C); return C }()},
		{"random_60x45", randW(60, 0), randW(45, 0), randC(60, 45, false)},
		{"random_ties_50x50", Uniform(50), Uniform(50), randC(50, 50, true)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "one_col" {
				c.b = []float64{1}
			}
			res, err := EMD(context.Background(), c.a, c.b, c.C, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkEMD(t, c.a, c.b, c.C, res)
			nz := 0
			r, cc := res.Plan.Dims()
			for i := 0; i < r; i++ {
				for j := 0; j < cc; j++ {
					if res.Plan.At(i, j) > 0 {
						nz++
					}
				}
			}
			if nz > r+cc-1 {
				t.Errorf("plan has %d nonzeros, a vertex has at most %d", nz, r+cc-1)
			}
		})
	}
}

func TestEMDBadInput(t *testing.T) {
	C := mat.NewDense(2, 2, []float64{0, 1, 1, 0})
	ctx := context.Background()
	for _, c := range []struct {
		name string
		a, b []float64
		C    *mat.Dense
		o    *EMDOptions
		want error
	}{
		{"negative", []float64{-0.5, 1.5}, nil, C, nil, ErrInput},
		{"nan_weight", []float64{math.NaN(), 1}, nil, C, nil, ErrInput},
		{"unequal", []float64{0.5, 0.6}, nil, C, nil, ErrInput},
		{"zero_mass", []float64{0, 0}, nil, C, nil, ErrInput},
		{"nan_cost", nil, nil, mat.NewDense(2, 2, []float64{0, math.NaN(), 1, 0}), nil, ErrNaN},
		{"inf_cost", nil, nil, mat.NewDense(2, 2, []float64{0, math.Inf(1), 1, 0}), nil, ErrNaN},
		{"bad_option", nil, nil, C, &EMDOptions{MaxIter: -1}, ErrInput},
		{"negative_mass_tol", nil, nil, C, &EMDOptions{MassTol: -1}, ErrInput},
		{"nan_mass_tol", nil, nil, C, &EMDOptions{MassTol: math.NaN()}, ErrInput},
		{"inf_mass_tol", nil, nil, C, &EMDOptions{MassTol: math.Inf(1)}, ErrInput}, // refused by Options too
		{"cost_beyond_simplex", nil, nil, mat.NewDense(2, 2, []float64{0, 1e307, 3e306, 0}), nil, ErrInput},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := EMD(ctx, c.a, c.b, c.C, c.o)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
	// Pivot limit: a result is returned with ErrNotConverged.
	rng := rand.New(rand.NewPCG(1, 1))
	big := mat.NewDense(30, 30, nil)
	for i := 0; i < 30; i++ {
		for j := 0; j < 30; j++ {
			big.Set(i, j, rng.Float64())
		}
	}
	res, err := EMD(ctx, nil, nil, big, &EMDOptions{MaxIter: 3})
	if !errors.Is(err, ErrNotConverged) || res == nil || res.Converged {
		t.Fatalf("pivot limit: err %v, res %v", err, res)
	}
	// Dimension mismatch is a programmer error: panic.
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on dimension mismatch")
		}
	}()
	_, _ = EMD(ctx, []float64{1}, nil, C, nil)
}
