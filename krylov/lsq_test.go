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

// TestLSStopsAsSciPy checks the stopping rule, iteration count and
// solution on small problems where the order of the rules or an exact
// termination of the bidiagonalisation (β = 0 at the first step) decides
// the outcome, against scipy.sparse.linalg.lsqr and lsmr (SciPy 1.10.1).
func TestLSStopsAsSciPy(t *testing.T) {
	diag := mat.NewDense(2, 2, []float64{1, 0, 0, 1e-3})
	eye2 := mat.NewDense(4, 4, []float64{2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2})
	tiny := 1e-300
	for _, c := range []struct {
		name  string
		solve lsSolver
		a     *mat.Dense
		b     []float64
		o     LSOptions
		stop  int // SciPy's istop
		iters int // SciPy's itn
		x     []float64
	}{
		// cond(Ā) passes ConLim in the step that reaches machine
		// precision: rule 3 is tried before rule 4 (SciPy: istop 3, the
		// estimate 1414 > 1001).
		{"LSQR ConLim before rule 4", LSQR, diag, []float64{1, 1}, LSOptions{ATol: tiny, BTol: tiny, ConLim: 1001}, 3, 3, []float64{1, 1000}},
		{"LSQR rule 4", LSQR, diag, []float64{1, 1}, LSOptions{ATol: tiny, BTol: tiny, ConLim: 1500}, 4, 3, []float64{1, 1000}},
		{"LSMR rule 4", LSMR, diag, []float64{1, 1}, LSOptions{ATol: tiny, BTol: tiny, ConLim: 1001}, 4, 3, []float64{1, 1000}},
		// A v₁ = α₁u₁: β₂ = 0, x is optimal after one step (x = aβ/(a² + λ²)).
		{"LSQR damped 1×1", LSQR, mat.NewDense(1, 1, []float64{3}), []float64{6}, LSOptions{Damp: 4}, 2, 1, []float64{0.72}},
		{"LSQR damped 1×1 MaxIter 1", LSQR, mat.NewDense(1, 1, []float64{3}), []float64{6}, LSOptions{Damp: 4, MaxIter: 1}, 2, 1, []float64{0.72}},
		{"LSMR damped 1×1", LSMR, mat.NewDense(1, 1, []float64{3}), []float64{6}, LSOptions{Damp: 4}, 2, 1, []float64{0.72}},
		{"LSQR damped 2I", LSQR, eye2, []float64{1, 1, 1, 1}, LSOptions{Damp: 1}, 2, 1, []float64{0.4, 0.4, 0.4, 0.4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, n := c.a.Dims()
			x := make([]float64, n)
			res, err := c.solve(context.Background(), linop.Dense(c.a), c.b, x, &c.o)
			converged := c.stop == 1 || c.stop == 2 || c.stop == 4 || c.stop == 5
			if res.Stop != c.stop || res.Iterations != c.iters || res.Converged != converged || (err == nil) != converged {
				t.Errorf("stop %d after %d iterations (converged %v, err %v), SciPy: stop %d after %d", res.Stop, res.Iterations, res.Converged, err, c.stop, c.iters)
			}
			if !floats.EqualApprox(x, c.x, 1e-12) {
				t.Errorf("x = %v, want %v", x, c.x)
			}
		})
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

// ktMaxExp returns the binary exponent of max |aᵢⱼ| (0 for a zero matrix):
// a·2^−e has entries below 1 in magnitude.
func ktMaxExp(a *mat.Dense) int {
	_, e := math.Frexp(math.Max(mat.Max(a), -mat.Min(a)))
	return e
}

// ktLSScaledRef returns the minimiser of ‖A x − b‖² + λ²‖x‖², A of full
// column rank, by gonum's QR least squares on [A; λI] x = [b; 0] scaled
// into the normal range by powers of two (exactly), and scaled back.
func ktLSScaledRef(t *testing.T, a *mat.Dense, b []float64, damp float64) []float64 {
	t.Helper()
	m, n := a.Dims()
	ka := ktMaxExp(a)
	kb := 0
	if mb := floats.Norm(b, math.Inf(1)); mb > 0 {
		_, kb = math.Frexp(mb)
	}
	s := mat.NewDense(m+n, n, nil)
	rhs := make([]float64, m+n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s.Set(i, j, math.Ldexp(a.At(i, j), -ka))
		}
		rhs[i] = math.Ldexp(b[i], -kb)
	}
	for j := 0; j < n; j++ {
		s.Set(m+j, j, math.Ldexp(damp, -ka))
	}
	var x mat.VecDense
	if err := x.SolveVec(s, mat.NewVecDense(m+n, rhs)); err != nil {
		t.Fatal(err)
	}
	out := x.RawVector().Data
	for i, v := range out {
		out[i] = math.Ldexp(v, kb-ka)
	}
	return out
}

// TestLSExtremeScales solves problems whose A, b or λ lie near the ends of
// the float64 range. Before the fix LSMR declared A = 1e308·I solved by
// rule 2 at x = 0 (its ‖A‖ estimate was +Inf, so ‖Aᵀr‖/(‖A‖‖r‖) = 0), and
// the other cases ended in NaN errors, iteration limits or wrong x. Each
// case must return the dense least-squares solution, or, where that is
// beyond the float64 range, an ErrNaN error; never Converged with another
// x.
func TestLSExtremeScales(t *testing.T) {
	diag := func(d ...float64) *mat.Dense {
		a := mat.NewDense(len(d), len(d), nil)
		for i, v := range d {
			a.Set(i, i, v)
		}
		return a
	}
	scaled := func(a *mat.Dense, s float64) *mat.Dense {
		var c mat.Dense
		c.Scale(s, a)
		return &c
	}
	scaledVec := func(v []float64, s float64) []float64 {
		floats.Scale(s, v)
		return v
	}
	well := ktRankMatrix(6, 4, 4, 10, 7)
	over := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 7})
	cases := []struct {
		name   string
		a      *mat.Dense
		b      []float64 // nil: b = A·xs
		xs     []float64
		damp   float64
		x0     []float64
		errNaN bool // the solution overflows: ErrNaN expected
	}{
		{name: "diag 1e308", a: diag(1e308, 1e308, 1e308), xs: []float64{1, 1, 1}},
		{name: "diag 1e308 varied", a: diag(1e308, 3e307, 1.7e308), xs: []float64{1, -2, 0.5}},
		{name: "diag 1e200 x0", a: diag(1e200, 1e200, 3e200), xs: []float64{1, 1, 1}, x0: []float64{0.5, 0, -3}},
		{name: "diag 1e308 x0, A x0 overflows", a: diag(1e308, 1e308, 1e308), xs: []float64{1, 1, 1}, x0: []float64{0.5, 0, -3}},
		{name: "diag 1e95 and 1e89, restart mid-run", a: diag(1e95, 1e89), b: []float64{1e-5, 1}},
		{name: "dense 2×2 1e308", a: mat.NewDense(2, 2, []float64{1e308, -5e307, 3e307, 8e307}), xs: []float64{1, 0.5}},
		{name: "dense 2×2 Aᵀb overflows", a: mat.NewDense(2, 2, []float64{1.5e308, 1.5e308, 1.5e308, -1.5e308}), xs: []float64{0.7, 0.3}},
		{name: "dense 1e200", a: scaled(well, 1e200), b: ktVec(6, 1)},
		{name: "overdetermined 1e300", a: scaled(over, 1e300), b: []float64{1e300, 1e300, -1e300}},
		{name: "damped 1e200", a: scaled(well, 1e200), b: scaledVec(ktVec(6, 2), 1e200), damp: 0.5e200},
		{name: "damping 1e200", a: well, b: scaledVec(ktVec(6, 2), 1e200), damp: 1e200},
		{name: "diag 1e-308", a: diag(1e-308, 1e-308, 1e-308), xs: []float64{1, 1, 1}},
		{name: "diag subnormal", a: diag(1e-310, 3e-312, 5e-313), xs: []float64{1, 2, 3}},
		{name: "dense 2×2 1e-300", a: mat.NewDense(2, 2, []float64{1e-300, 2e-300, -3e-300, 1e-300}), xs: []float64{1, -2}},
		{name: "dense 1e-200", a: scaled(well, 1e-200), b: ktVec(6, 3)},
		{name: "b huge", a: well, b: scaledVec(ktVec(6, 4), 1e300)},
		{name: "b tiny", a: well, b: scaledVec(ktVec(6, 5), 1e-300)},
		{name: "b subnormal", a: well, b: scaledVec(ktVec(6, 6), 1e-315)},
		{name: "A huge, b tiny", a: diag(1e300, 2e300), b: []float64{1e-300, -1e-300}},
		{name: "A tiny, b huge: x overflows", a: diag(1e-300, 2e-300), b: []float64{1e300, 1e300}, errNaN: true},
	}
	ctx := context.Background()
	for _, s := range lsSolvers {
		for _, c := range cases {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				m, n := c.a.Dims()
				b := c.b
				if b == nil {
					// A·xs computed scaled: gonum's product overflows.
					ka := ktMaxExp(c.a)
					b = make([]float64, m)
					for i := range b {
						for j, v := range c.xs {
							b[i] += math.Ldexp(c.a.At(i, j), -ka) * v
						}
						b[i] = math.Ldexp(b[i], ka)
					}
				}
				if err := checkFinite("test", "b", b); err != nil {
					t.Fatal(err)
				}
				want := ktLSScaledRef(t, c.a, b, c.damp)
				x := make([]float64, n)
				copy(x, c.x0)
				res, err := s.solve(ctx, linop.Dense(c.a), b, x, &LSOptions{ATol: 1e-12, BTol: 1e-12, Damp: c.damp})
				e := ktRelErr(x, want)
				if res.Converged && !(e <= 1e-8) {
					t.Fatalf("converged (stop %d: %s) with x = %v, want %v (error %.3g)", res.Stop, res.Reason, x, want, e)
				}
				if c.errNaN {
					if !errors.Is(err, ErrNaN) || res.Converged {
						t.Errorf("want ErrNaN, got %v, %+v", err, res)
					}
					return
				}
				if err != nil || !res.Converged {
					t.Fatalf("%v, %+v", err, res)
				}
				if c.xs != nil && ktRelErr(x, c.xs) > 1e-8 {
					t.Errorf("x = %v, want %v", x, c.xs)
				}
				// The norms are scaled back: +Inf where the true value is
				// beyond the range (‖A‖ ≈ 2.1e308 in the Aᵀb case), never
				// NaN; ‖x‖ is in range in every case here. ‖r‖ ≤ ‖b‖ at
				// the minimiser.
				if math.IsNaN(res.NormA) || math.IsNaN(res.NormAr) || math.IsNaN(res.CondA) || !(res.RelResidual <= 1+1e-12) {
					t.Errorf("NormA %v, NormAr %v, CondA %v, RelResidual %v", res.NormA, res.NormAr, res.CondA, res.RelResidual)
				}
				if nx := floats.Norm(x, 2); math.Abs(res.NormX/nx-1) > 1e-12 {
					t.Errorf("NormX %v, ‖x‖ %v", res.NormX, nx)
				}
			})
		}
	}
}

// A nil operator is a programmer error: LSQR and LSMR panic with a
// message naming the method, not with a nil dereference inside.
func TestLSNilOperatorPanics(t *testing.T) {
	for _, s := range lsSolvers {
		t.Run(s.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if want := "krylov: " + s.name + ": nil operator"; msg != want {
					t.Errorf("panic %q, want %q", msg, want)
				}
			}()
			s.solve(context.Background(), nil, []float64{1}, []float64{0}, nil)
		})
	}
}
