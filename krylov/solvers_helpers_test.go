package krylov

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// Test matrices and references shared by the solver tests. Every random
// matrix comes from a fixed seed; references are dense gonum solves.

// ktOrthoQ returns a random n×n orthogonal matrix (QR of a Gaussian).
func ktOrthoQ(n int, rng *rand.Rand) *mat.Dense {
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// ktWithEigen returns Q diag(lam) Qᵀ for a random orthogonal Q.
func ktWithEigen(lam []float64, seed uint64) *mat.Dense {
	n := len(lam)
	q := ktOrthoQ(n, rand.New(rand.NewPCG(seed, 1)))
	var a mat.Dense
	a.Mul(q, mat.NewDiagDense(n, lam))
	a.Mul(&a, q.T())
	// Symmetrise exactly.
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := (a.At(i, j) + a.At(j, i)) / 2
			a.Set(i, j, v)
			a.Set(j, i, v)
		}
	}
	return &a
}

// ktSPD: SPD with eigenvalues log-spaced in [1, cond].
func ktSPD(n int, cond float64, seed uint64) *mat.Dense {
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = math.Pow(cond, float64(i)/float64(max(n-1, 1)))
	}
	return ktWithEigen(lam, seed)
}

// ktSymIndef: symmetric with eigenvalues ±[1, 10], half of each sign.
func ktSymIndef(n int, seed uint64) *mat.Dense {
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = 1 + 9*float64(i)/float64(max(n-1, 1))
		if i%2 == 1 {
			lam[i] = -lam[i]
		}
	}
	return ktWithEigen(lam, seed)
}

// ktNonsym: shift·I + G/√n with Gaussian G; eigenvalues in a disc of radius
// about 1 around shift.
func ktNonsym(n int, shift float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 2))
	a := mat.NewDense(n, n, nil)
	s := 1 / math.Sqrt(float64(n))
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, s*rng.NormFloat64())
		}
		a.Set(i, i, a.At(i, i)+shift)
	}
	return a
}

// ktVec returns a Gaussian vector.
func ktVec(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// ktDenseSolve solves A x = b with gonum's LU: the reference.
func ktDenseSolve(t *testing.T, a *mat.Dense, b []float64) []float64 {
	t.Helper()
	n := len(b)
	var x mat.VecDense
	if err := x.SolveVec(a, mat.NewVecDense(n, append([]float64(nil), b...))); err != nil {
		t.Fatalf("reference solve: %v", err)
	}
	return x.RawVector().Data
}

// ktRelRes returns ‖b − A x‖/‖b‖ computed independently with gonum.
func ktRelRes(a mat.Matrix, b, x []float64) float64 {
	r, _ := a.Dims()
	var ax mat.VecDense
	ax.MulVec(a, mat.NewVecDense(len(x), append([]float64(nil), x...)))
	d := make([]float64, r)
	floats.SubTo(d, b, ax.RawVector().Data)
	return floats.Norm(d, 2) / floats.Norm(b, 2)
}

// ktRelErr returns ‖x − y‖/‖y‖.
func ktRelErr(x, y []float64) float64 {
	d := make([]float64, len(x))
	floats.SubTo(d, x, y)
	ny := floats.Norm(y, 2)
	if ny == 0 {
		return floats.Norm(d, 2)
	}
	return floats.Norm(d, 2) / ny
}

// ktCond returns the 2-norm condition number of a square matrix.
func ktCond(a *mat.Dense) float64 {
	return mat.Cond(a, 2)
}

// ktOnesRHS returns A·1 for a square operator.
func ktOnesRHS(A linop.Operator) []float64 {
	r, c := A.Dims()
	one := make([]float64, c)
	for i := range one {
		one[i] = 1
	}
	b := make([]float64, r)
	A.Apply(b, one)
	return b
}

// ktDiag returns the diagonal of a dense square matrix.
func ktDiag(a *mat.Dense) []float64 {
	n, _ := a.Dims()
	d := make([]float64, n)
	for i := range d {
		d[i] = a.At(i, i)
	}
	return d
}

// ktInverse returns 1/d element-wise (a Jacobi preconditioner's diagonal).
func ktInverse(d []float64) []float64 {
	v := make([]float64, len(d))
	for i, x := range d {
		v[i] = 1 / x
	}
	return v
}

// ktCheck checks the fields every solver must get right: the
// reported true residual equals an independent computation, and
// Converged agrees with the stopping rule.
func ktCheck(t *testing.T, a mat.Matrix, b, x []float64, res Result, thresh float64) {
	t.Helper()
	want := ktRelRes(a, b, x)
	// The solver computes ‖b − A x‖ with its own summation order: allow a
	// few ulps of the quantities summed (‖A‖‖x‖ + ‖b‖).
	if d := math.Abs(res.RelResidual - want); d > 1e-12*(1+want) && d > 1e-9*want {
		t.Errorf("RelResidual = %.6g, independent ‖b − A x‖/‖b‖ = %.6g", res.RelResidual, want)
	}
	if res.Converged != (res.Residual <= thresh) {
		t.Errorf("Converged = %v but residual %.3g vs threshold %.3g", res.Converged, res.Residual, thresh)
	}
}

// ktSolved checks a solve of a dense system to rtol: the fields ktCheck
// checks, convergence, and the forward error against want = A⁻¹b within
// cond·(relative residual) (the standard perturbation bound), with a
// factor 10 for rounding.
func ktSolved(t *testing.T, a *mat.Dense, b, x, want []float64, res Result, rtol float64) {
	t.Helper()
	ktCheck(t, a, b, x, res, rtol*ktNorm(b))
	if !res.Converged || res.RelResidual > rtol {
		t.Errorf("not converged: %+v", res)
	}
	if e, bound := ktRelErr(x, want), 10*ktCond(a)*math.Max(res.RelResidual, 1e-15); e > bound {
		t.Errorf("‖x − x*‖/‖x*‖ = %.3g > %.3g", e, bound)
	}
}

// ktLap2D returns the Laplacian as CSR and dense.
func ktLap2D(g int) (*sparse.CSR, *mat.Dense) {
	A := sparse.Laplacian2D(g, g)
	return A, A.ToDense()
}

// ktScaling is the preconditioner M = s·I without allocation (linop.Diag
// converts itself to an interface on every Apply, which allocates).
type ktScaling struct {
	n int
	s float64
}

func (s ktScaling) Dims() (int, int) { return s.n, s.n }
func (s ktScaling) Apply(dst, x []float64) {
	for i, v := range x {
		dst[i] = s.s * v
	}
}

// skipAllocsUnderRace skips an allocation-counting test under the race
// detector, whose instrumentation allocates and makes sync.Pool drop items.
func skipAllocsUnderRace(t *testing.T) {
	t.Helper()
	if gcrodrRace {
		t.Skip("allocation counts are meaningless under the race detector")
	}
}

// ktAllocsFlat checks that solve's inner loop allocates nothing: on the
// 30×30 Laplacian, with and without a preconditioner, a warm solve
// allocates the same (slack 2: see TestCGAllocations) after 5 and after
// 40 iterations.
func ktAllocsFlat(t *testing.T, solve solverFunc) {
	t.Helper()
	skipAllocsUnderRace(t)
	A, _ := ktLap2D(30)
	b := ktOnesRHS(A)
	x := make([]float64, 900)
	for _, M := range []linop.Operator{nil, ktScaling{900, 0.25}} {
		allocs := func(iters int) float64 {
			return testing.AllocsPerRun(5, func() {
				clear(x)
				solve(context.Background(), A, b, x, &Options{RTol: 1e-14, MaxIter: iters, Precond: M})
			})
		}
		if a1, a2 := allocs(5), allocs(40); a2 > a1+2 {
			t.Errorf("allocations grow with iterations: %v vs %v", a1, a2)
		}
	}
}

// ktRowScaled returns an n×n random sparse nonsymmetric matrix with up to
// four off-diagonal entries per row, uniform in (−1, 1) at random
// columns, and a diagonal of dom·(½ + U(0, 1))·(row's off-diagonal
// 1-norm) + 0.1 (dom < 1: not diagonally dominant in general), each row
// then scaled by 10^U(−6, 6). Right preconditioning sees A·M, which is
// similar to a well-scaled matrix by a diagonal of condition up to 1e12:
// Krylov vectors then vary over many orders of magnitude in norm.
func ktRowScaled(n int, seed uint64, dom float64) *sparse.CSR {
	rng := rand.New(rand.NewPCG(seed, 7))
	c := sparse.NewCOO(n, n, 5*n)
	for i := range n {
		s := math.Pow(10, 6*(2*rng.Float64()-1))
		sum := 0.0
		for range 4 {
			j := rng.IntN(n)
			if j == i {
				continue
			}
			v := 2*rng.Float64() - 1
			sum += math.Abs(v)
			c.Append(i, j, s*v)
		}
		c.Append(i, i, s*(sum*dom*(0.5+rng.Float64())+0.1))
	}
	return c.ToCSR()
}

// ktPrecond returns the preconditioner of package precond named pc
// (jacobi, ssor with ω = 1, or ilu0) for A.
func ktPrecond(t *testing.T, A *sparse.CSR, pc string) linop.Operator {
	t.Helper()
	var (
		M   linop.Operator
		err error
	)
	switch pc {
	case "jacobi":
		M, err = precond.NewJacobi(A)
	case "ssor":
		M, err = precond.NewSSOR(A, 1)
	case "ilu0":
		M, err = precond.NewILU0(A)
	default:
		t.Fatalf("unknown preconditioner %q", pc)
	}
	if err != nil {
		t.Fatalf("%s: %v", pc, err)
	}
	return M
}
