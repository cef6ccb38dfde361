package krylov

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

type lsSolver func(context.Context, linop.Operator, []float64, []float64, *LSOptions) (LSResult, error)

var lsSolvers = []struct {
	name  string
	solve lsSolver
}{{"LSQR", LSQR}, {"LSMR", LSMR}}

// ktRankMatrix returns an m×n matrix of the given rank with singular
// values log-spaced in [1/cond, 1].
func ktRankMatrix(m, n, rank int, cond float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 4))
	a := mat.NewDense(m, n, nil)
	for k := 0; k < rank; k++ {
		s := math.Pow(cond, -float64(k)/float64(max(rank-1, 1)))
		u := make([]float64, m)
		v := make([]float64, n)
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		// Orthogonalise against the previous rank-one terms through the
		// SVD below; here just accumulate s·u vᵀ with normalised u, v.
		floats.Scale(1/floats.Norm(u, 2), u)
		floats.Scale(1/floats.Norm(v, 2), v)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				a.Set(i, j, a.At(i, j)+s*u[i]*v[j])
			}
		}
	}
	return a
}

// ktPinvSolve returns the minimum-norm least-squares solution A⁺b by
// gonum's SVD, dropping singular values below rcond·σ₁.
func ktPinvSolve(t *testing.T, a *mat.Dense, b []float64, rcond float64) []float64 {
	t.Helper()
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	s := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	m, n := a.Dims()
	utb := make([]float64, len(s))
	for k := range s {
		if s[k] <= rcond*s[0] {
			continue
		}
		d := 0.0
		for i := 0; i < m; i++ {
			d += u.At(i, k) * b[i]
		}
		utb[k] = d / s[k]
	}
	x := make([]float64, n)
	for j := 0; j < n; j++ {
		for k := range s {
			x[j] += v.At(j, k) * utb[k]
		}
	}
	return x
}

// ktNormalResidual returns ‖Aᵀ(b − A x) − λ²x‖ computed with gonum.
func ktNormalResidual(a *mat.Dense, b, x []float64, damp float64) float64 {
	m, n := a.Dims()
	var r, g mat.VecDense
	r.MulVec(a, mat.NewVecDense(n, append([]float64(nil), x...)))
	r.SubVec(mat.NewVecDense(m, append([]float64(nil), b...)), &r)
	g.MulVec(a.T(), &r)
	out := g.RawVector().Data
	for i := range out {
		out[i] -= damp * damp * x[i]
	}
	return floats.Norm(out, 2)
}

func TestLSAgainstDense(t *testing.T) {
	over := ktRankMatrix(60, 20, 20, 1e3, 1)
	under := ktRankMatrix(15, 40, 15, 1e2, 2)
	deficient := ktRankMatrix(40, 25, 10, 1e2, 3)
	square := ktNonsym(30, 3, 4)
	cases := []struct {
		name       string
		a          *mat.Dense
		compatible bool
		damp       float64
	}{
		{"overdetermined", over, false, 0},
		{"underdetermined", under, true, 0},
		{"rank-deficient", deficient, false, 0},
		{"square", square, true, 0},
		{"overdetermined damped", over, false, 0.3},
		{"rank-deficient damped", deficient, false, 0.05},
	}
	for _, s := range lsSolvers {
		for _, c := range cases {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				m, n := c.a.Dims()
				b := ktVec(m, 8)
				var want []float64
				if c.damp == 0 {
					want = ktPinvSolve(t, c.a, b, 1e-10)
				} else {
					// (AᵀA + λ²I) x = Aᵀb.
					var ata mat.Dense
					ata.Mul(c.a.T(), c.a)
					for i := 0; i < n; i++ {
						ata.Set(i, i, ata.At(i, i)+c.damp*c.damp)
					}
					var atb mat.VecDense
					atb.MulVec(c.a.T(), mat.NewVecDense(m, b))
					want = ktDenseSolve(t, &ata, atb.RawVector().Data)
				}
				x := make([]float64, n)
				o := &LSOptions{ATol: 1e-12, BTol: 1e-12, Damp: c.damp, History: true}
				res, err := s.solve(context.Background(), linop.Dense(c.a), b, x, o)
				if err != nil {
					t.Fatalf("%v %+v", err, res)
				}
				if !res.Converged || res.Stop == 0 || res.Stop == 3 || res.Stop > 5 {
					t.Errorf("stop %d, %+v", res.Stop, res.Result)
				}
				// cond ≤ 1e3 and tolerances 1e-12: 1e-7 leaves three
				// orders of magnitude for the κ² sensitivity of LS.
				if e := ktRelErr(x, want); e > 1e-7 {
					t.Errorf("‖x − x*‖/‖x*‖ = %.3g (stop %d, %d its)", e, res.Stop, res.Iterations)
				}
				// Reported true quantities agree with gonum's.
				if rr := ktRelRes(c.a, b, x); math.Abs(res.RelResidual-rr) > 1e-10*(1+rr) {
					t.Errorf("RelResidual %.6g, independent %.6g", res.RelResidual, rr)
				}
				if nar := ktNormalResidual(c.a, b, x, c.damp); math.Abs(res.NormAr-nar) > 1e-10*(1+nar) {
					t.Errorf("NormAr %.6g, independent %.6g", res.NormAr, nar)
				}
				if c.compatible && res.RelResidual > 1e-10 {
					t.Errorf("compatible system left residual %.3g", res.RelResidual)
				}
				// Estimates: ‖B_k‖_F is at least about ‖A‖₂ once the extreme
				// singular values are found, and at most √(2k+1)·‖Ā‖₂ (every
				// α, β of the bidiagonalisation is ≤ ‖Ā‖₂). (‖A‖_F is not a
				// bound in floating point: lost orthogonality repeats
				// singular values in B_k.)
				n2 := math.Hypot(mat.Norm(c.a, 2), c.damp)
				if hi := math.Sqrt(float64(2*res.Iterations+1)) * n2; res.NormA > hi*(1+1e-10) || res.NormA < 0.5*n2 {
					t.Errorf("NormA %.4g outside [‖Ā‖₂/2 = %.4g, %.4g]", res.NormA, n2/2, hi)
				}
				if res.CondA < 1 || math.IsNaN(res.CondA) {
					t.Errorf("CondA %v", res.CondA)
				}
				// ‖r̄‖ estimates never increase (Paige & Saunders; Fong &
				// Saunders, Thm 3.2).
				h := res.History
				for i := 1; i < len(h); i++ {
					if h[i] > h[i-1]*(1+1e-10) {
						t.Errorf("‖r‖ estimate increased at %d: %.8g > %.8g", i, h[i], h[i-1])
						break
					}
				}
				if len(h) != res.Iterations+1 {
					t.Errorf("history %d for %d iterations", len(h), res.Iterations)
				}
			})
		}
	}
}

// The rectangular SuiteSparse matrix lp_afiro (27×51, underdetermined and
// rank-deficient? no: full row rank) against the SVD minimum-norm solution.
func TestLSRealMatrix(t *testing.T) {
	A, err := sparse.LoadMM("../testdata/matrices/lp_afiro.mtx")
	if err != nil {
		t.Fatal(err)
	}
	dense := A.ToDense()
	m, n := A.Dims()
	for _, s := range lsSolvers {
		b := ktVec(m, 3)
		x := make([]float64, n)
		res, err := s.solve(context.Background(), A, b, x, &LSOptions{ATol: 1e-12, BTol: 1e-12})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if e := ktRelErr(x, ktPinvSolve(t, dense, b, 1e-12)); e > 1e-8 {
			t.Errorf("%s: distance to A⁺b %.3g (%d its)", s.name, e, res.Iterations)
		}
		if res.RelResidual > 1e-10 {
			t.Errorf("%s: residual %.3g on a full-row-rank system", s.name, res.RelResidual)
		}
	}
}

func TestLSSpecialInputs(t *testing.T) {
	ctx := context.Background()
	for _, s := range lsSolvers {
		// Empty shapes.
		for _, shape := range [][2]int{{0, 0}, {0, 3}, {3, 0}} {
			a := mat.NewDense(max(shape[0], 1), max(shape[1], 1), nil)
			var A linop.Operator = linop.Dense(a)
			if shape[0] == 0 || shape[1] == 0 {
				A = linop.Func(shape[0], shape[1], func(dst, x []float64) { clear(dst) }, func(dst, x []float64) { clear(dst) })
			}
			b := make([]float64, shape[0])
			for i := range b {
				b[i] = 1
			}
			x := make([]float64, shape[1])
			res, err := s.solve(ctx, A, b, x, nil)
			if err != nil || !res.Converged {
				t.Errorf("%s %v: %+v %v", s.name, shape, res, err)
			}
		}
		a := ktRankMatrix(10, 6, 6, 10, 1)
		// b = 0: x = 0.
		x := ktVec(6, 1)
		if res, err := s.solve(ctx, linop.Dense(a), make([]float64, 10), x, nil); err != nil || !res.Converged || !isZero(x) {
			t.Errorf("%s b = 0: %+v %v", s.name, res, err)
		}
		// b = 0 with damping and x0 ≠ 0: the damping is on x − x0, so the
		// minimiser x0 + d, d = argmin ‖A d + A x0‖² + λ²‖d‖², is not 0.
		x0 := ktVec(6, 4)
		x = append([]float64(nil), x0...)
		ax0 := make([]float64, 10)
		linop.Dense(a).Apply(ax0, x0)
		for i := range ax0 {
			ax0[i] = -ax0[i]
		}
		// d solves the damped normal equations (AᵀA + λ²I) d = Aᵀ(−A x0).
		var ata mat.Dense
		ata.Mul(a.T(), a)
		for i := 0; i < 6; i++ {
			ata.Set(i, i, ata.At(i, i)+0.25)
		}
		var rhs, d mat.VecDense
		rhs.MulVec(a.T(), mat.NewVecDense(10, ax0))
		if err := d.SolveVec(&ata, &rhs); err != nil {
			t.Fatal(err)
		}
		want := make([]float64, 6)
		for i := range want {
			want[i] = x0[i] + d.AtVec(i)
		}
		if res, err := s.solve(ctx, linop.Dense(a), make([]float64, 10), x, &LSOptions{Damp: 0.5, ATol: 1e-12, BTol: 1e-12}); err != nil || !res.Converged || ktRelErr(x, want) > 1e-8 || res.NormAr > 1e-9 {
			t.Errorf("%s b = 0, damp 0.5, x0 ≠ 0: %+v %v, error %.3g (NormAr, the gradient, must vanish)", s.name, res, err, ktRelErr(x, want))
		}
		// x0 = least-squares solution: Aᵀ(b − A x0) = 0 at the start.
		b := ktVec(10, 2)
		x = ktPinvSolve(t, a, b, 0)
		res, err := s.solve(ctx, linop.Dense(a), b, x, nil)
		if err != nil || res.Iterations > 1 || !res.Converged {
			t.Errorf("%s x0 optimal: %+v %v", s.name, res, err)
		}
		// Initial guess: converges to x0 + A⁺(b − A x0) = A⁺b for full
		// column rank.
		x = ktVec(6, 9)
		if _, err := s.solve(ctx, linop.Dense(a), b, x, &LSOptions{ATol: 1e-12, BTol: 1e-12}); err != nil || ktRelErr(x, ktPinvSolve(t, a, b, 0)) > 1e-8 {
			t.Errorf("%s with x0: %v, error %.3g", s.name, err, ktRelErr(x, ktPinvSolve(t, a, b, 0)))
		}
		// No transpose.
		noT := linop.Func(10, 6, func(dst, x []float64) { linop.Dense(a).Apply(dst, x) }, nil)
		if _, err := s.solve(ctx, noT, b, make([]float64, 6), nil); !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), "Transposer") {
			t.Errorf("%s without ApplyT: %v", s.name, err)
		}
		// Bad values.
		if _, err := s.solve(ctx, linop.Dense(a), append([]float64{math.NaN()}, b[1:]...), make([]float64, 6), nil); !errors.Is(err, ErrNaN) {
			t.Errorf("%s NaN b: %v", s.name, err)
		}
		for _, o := range []*LSOptions{{Damp: -1}, {ATol: -1}, {BTol: math.NaN()}, {ConLim: -2}, {MaxIter: -1}} {
			if _, err := s.solve(ctx, linop.Dense(a), b, make([]float64, 6), o); !errors.Is(err, ErrOption) {
				t.Errorf("%s accepted %+v", s.name, o)
			}
		}
		nanOp := linop.Func(2, 2, func(dst, x []float64) { dst[0], dst[1] = math.NaN(), x[1] }, func(dst, x []float64) { copy(dst, x) })
		if _, err := s.solve(ctx, nanOp, []float64{1, 1}, make([]float64, 2), nil); !errors.Is(err, ErrNaN) {
			t.Errorf("%s NaN operator: %v", s.name, err)
		}
		ktMustPanic(t, "len(b)", func() { s.solve(ctx, linop.Dense(a), make([]float64, 6), make([]float64, 6), nil) })
		ktMustPanic(t, "len(x)", func() { s.solve(ctx, linop.Dense(a), b, make([]float64, 10), nil) })
		// Iteration limit (rule 7) and condition limit (rule 3).
		ill := ktRankMatrix(40, 30, 30, 1e6, 5)
		bi := ktVec(40, 3)
		res, err = s.solve(ctx, linop.Dense(ill), bi, make([]float64, 30), &LSOptions{MaxIter: 3, ATol: 1e-14, BTol: 1e-14})
		if !errors.Is(err, ErrNotConverged) || res.Stop != 7 || res.Iterations != 3 {
			t.Errorf("%s max iter: stop %d, %v", s.name, res.Stop, err)
		}
		res, err = s.solve(ctx, linop.Dense(ill), bi, make([]float64, 30), &LSOptions{ConLim: 10, ATol: 1e-14, BTol: 1e-14})
		if !errors.Is(err, ErrNotConverged) || res.Stop != 3 || !strings.Contains(res.Reason, "ConLim") {
			t.Errorf("%s conlim: stop %d, %v", s.name, res.Stop, err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.solve(cctx, linop.Dense(ill), bi, make([]float64, 30), nil); !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancel: %v", s.name, err)
		}
	}
}

func TestLSAllocations(t *testing.T) {
	skipAllocsUnderRace(t)
	A := sparse.Laplacian2D(30, 20)
	b := ktOnesRHS(A)
	x := make([]float64, 600)
	for _, s := range lsSolvers {
		allocs := func(iters int) float64 {
			return testing.AllocsPerRun(5, func() {
				clear(x)
				s.solve(context.Background(), A, b, x, &LSOptions{ATol: 1e-15, BTol: 1e-15, MaxIter: iters})
			})
		}
		// Slack: see TestCGAllocations.
		if a1, a2 := allocs(5), allocs(40); a2 > a1+2 {
			t.Errorf("%s: allocations grow with iterations: %v vs %v", s.name, a1, a2)
		}
	}
}
