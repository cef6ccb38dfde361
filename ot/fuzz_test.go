package ot

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// fuzzProblem decodes a small balanced problem from fuzz bytes: n and m
// in 1..5, costs that are small integers times 10^e plus an offset of
// 10^k (ties, negative costs and offsets far above the spread are the
// corners the solvers special-case), weights with zeros (bins of zero
// mass), b rescaled to the mass of a, and reg from the spread of the
// costs. ok is false when the bytes are too few.
func fuzzProblem(in []byte) (a, b []float64, C *mat.Dense, reg float64, ok bool) {
	if len(in) < 5 {
		return nil, nil, nil, 0, false
	}
	n, m := 1+int(in[0])%5, 1+int(in[1])%5
	scale := math.Pow(10, float64(int(in[2]%13)-6))
	offset := 0.0
	if k := int(in[3] % 16); k < 13 {
		offset = math.Pow(10, float64(k-2))
		if in[3]&0x10 != 0 {
			offset = -offset
		}
	}
	regExp := float64(in[4]%5) + 0.5 // reg = spread·10^−(regExp)
	in = in[5:]
	next := func() byte {
		if len(in) == 0 {
			return 0
		}
		v := in[0]
		in = in[1:]
		return v
	}
	C = mat.NewDense(n, m, nil)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			v := float64(int8(next())%16)*scale + offset
			C.Set(i, j, v)
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	weights := func(k int) []float64 {
		w := make([]float64, k)
		sum := 0.0
		for i := range w {
			w[i] = float64(next() % 4) // zeros are common
			sum += w[i]
		}
		if sum == 0 {
			w[0] = 1
		}
		return w
	}
	a, b = weights(n), weights(m)
	sa, sb := 0.0, 0.0
	for _, v := range a {
		sa += v
	}
	for _, v := range b {
		sb += v
	}
	for j := range b {
		b[j] *= sa / sb
	}
	reg = max(hi-lo, scale) * math.Pow(10, -regExp)
	return a, b, C, reg, true
}

// FuzzOT solves small balanced problems with EMD and the entropic methods
// and checks each answer against certificates that do not depend on how
// it was computed. EMD must converge on these sizes, and its plan and
// duals must prove optimality: the plan feasible (non-negative, with the
// marginals a and b), the duals feasible (U_i + V_j ≤ C_ij wherever both
// bins have mass) and no duality gap (Σ a_i U_i + Σ b_j V_j = ⟨C, P⟩). An
// entropic solve may fail or stop unconverged with an error or a
// Converged false; one that reports convergence must hold its promise (a
// finite non-negative plan whose marginal error, recomputed, is at most
// Tol) and its plan, nearly feasible, cannot cost noticeably less than
// the optimum.
func FuzzOT(f *testing.F) {
	f.Add([]byte{1, 1, 6, 15, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 1, 1, 1})
	f.Add([]byte{4, 4, 6, 15, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{2, 3, 12, 12, 0, 1, 0xff, 7, 0x80, 5, 9, 2, 2, 0, 0, 1, 3, 0, 2})
	f.Add([]byte{3, 2, 0, 3, 4, 0xf1, 2, 3, 4, 5, 6, 0, 1, 1, 1, 0})
	f.Add([]byte{4, 1, 9, 0x1c, 3, 8, 7, 6, 5, 4, 1, 0, 2, 1, 2})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, in []byte) {
		a, b, C, reg, ok := fuzzProblem(in)
		if !ok {
			return
		}
		n, m := C.Dims()
		cmin, cmax := mat.Min(C), mat.Max(C)
		size := math.Max(math.Abs(cmin), math.Abs(cmax))
		mass := floatsSum(a)

		e, err := EMD(ctx, a, b, C, nil)
		if err != nil {
			t.Fatalf("EMD on a %d×%d problem: %v\nC = %v\na = %v, b = %v", n, m, err, mat.Formatted(C), a, b)
		}
		if !e.Converged {
			t.Fatalf("EMD did not converge on a %d×%d problem: %s", n, m, e.Reason)
		}
		tol := 1e-9 * float64(n+m) * (size + (cmax - cmin))
		checkPlan(t, "emd", e.Plan, C, a, b, e.Cost, 1e-12*mass*float64(n+m))
		dual := 0.0
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				if a[i] > 0 && b[j] > 0 && e.U[i]+e.V[j] > C.At(i, j)+tol {
					t.Fatalf("EMD duals infeasible: U[%d] + V[%d] = %g > C = %g\nC = %v\na = %v, b = %v",
						i, j, e.U[i]+e.V[j], C.At(i, j), mat.Formatted(C), a, b)
				}
			}
		}
		for i, v := range a {
			if v > 0 {
				dual += v * e.U[i]
			}
		}
		for j, v := range b {
			if v > 0 {
				dual += v * e.V[j]
			}
		}
		if gap := math.Abs(e.Cost - dual); gap > tol*mass {
			t.Fatalf("EMD duality gap %g: cost %.17g, dual objective %.17g\nC = %v\na = %v, b = %v",
				gap, e.Cost, dual, mat.Formatted(C), a, b)
		}

		for _, method := range []Method{MethodSinkhorn, MethodSinkhornLog, MethodStabilized, MethodEpsScaling, MethodSNS} {
			r, err := Solve(ctx, method, a, b, C, reg, nil)
			if err != nil {
				if r != nil && r.Converged {
					t.Fatalf("%v: error %v with Converged true", method, err)
				}
				continue
			}
			if !r.Converged {
				continue
			}
			if !(r.MarginalError <= DefaultTol) {
				t.Fatalf("%v: converged with marginal error %g > Tol %g", method, r.MarginalError, DefaultTol)
			}
			// The rescaled b the solver used differs from b by rounding.
			checkPlan(t, method.String(), r.Plan, C, a, b, r.Cost, 2*DefaultTol+1e-12*mass*float64(n+m))
			if slack := 2*(cmax-cmin)*r.MarginalError*float64(n+m) + tol*mass; r.Cost < e.Cost-slack {
				t.Fatalf("%v: cost %.17g of a converged plan is below the optimum %.17g (slack %g)\nC = %v\na = %v, b = %v, reg %g",
					method, r.Cost, e.Cost, slack, mat.Formatted(C), a, b, reg)
			}
		}
	})
}

// checkPlan fails unless P is finite and non-negative, its marginals are
// a and b within margTol (‖·‖₂ of each), and cost is ⟨C, P⟩ up to
// rounding.
func checkPlan(t *testing.T, method string, P, C *mat.Dense, a, b []float64, cost, margTol float64) {
	t.Helper()
	n, m := C.Dims()
	if pr, pc := P.Dims(); pr != n || pc != m {
		t.Fatalf("%s: plan is %d×%d, want %d×%d", method, pr, pc, n, m)
	}
	rows, cols := make([]float64, n), make([]float64, m)
	dot, abs := 0.0, 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			p := P.At(i, j)
			if !(p >= 0) || math.IsInf(p, 1) {
				t.Fatalf("%s: plan entry (%d,%d) = %g", method, i, j, p)
			}
			rows[i] += p
			cols[j] += p
			dot += p * C.At(i, j)
			abs += p * math.Abs(C.At(i, j))
		}
	}
	var er, ec float64
	for i := range rows {
		er += (rows[i] - a[i]) * (rows[i] - a[i])
	}
	for j := range cols {
		ec += (cols[j] - b[j]) * (cols[j] - b[j])
	}
	if d := math.Sqrt(er) + math.Sqrt(ec); !(d <= margTol) {
		t.Fatalf("%s: marginal error %g > %g; rows %v (a %v), columns %v (b %v)", method, d, margTol, rows, a, cols, b)
	}
	if d := math.Abs(cost - dot); !(d <= 1e-12*abs+1e-300) {
		t.Fatalf("%s: cost %.17g, ⟨C, P⟩ = %.17g", method, cost, dot)
	}
}

// floatsSum returns Σ v.
func floatsSum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}
