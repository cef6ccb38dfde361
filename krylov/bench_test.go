package krylov

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// Benchmarks on the 2-D Laplacian with b = A·1 and rtol 1e-8, as in
// bench/krylov. Each reports the iterations and the time per iteration.

type solverFunc func(context.Context, linop.Operator, []float64, []float64, *Options) (Result, error)

func benchSolve(bm *testing.B, g int, solve solverFunc, o *Options) {
	A := sparse.Laplacian2D(g, g)
	n := g * g
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	b := make([]float64, n)
	A.MulVecTo(b, ones)
	x := make([]float64, n)
	var res Result
	bm.ResetTimer()
	for bm.Loop() {
		clear(x)
		var err error
		res, err = solve(context.Background(), A, b, x, o)
		if err != nil && !errors.Is(err, ErrNotConverged) {
			bm.Fatal(err)
		}
	}
	bm.ReportMetric(float64(res.Iterations), "iters")
	bm.ReportMetric(float64(bm.Elapsed().Nanoseconds())/float64(bm.N)/float64(max(res.Iterations, 1)), "ns/iter")
}

// The 1000×1000 runs stop after 300 iterations (as the SciPy/PETSc
// anchors do) so that a run takes seconds, not minutes.
func BenchmarkCG_Lap1000(bm *testing.B) { benchSolve(bm, 1000, CG, &Options{RTol: 1e-8, MaxIter: 300}) }
func BenchmarkCG_Lap50(bm *testing.B)   { benchSolve(bm, 50, CG, &Options{RTol: 1e-8}) }
func BenchmarkCG_Lap70(bm *testing.B)   { benchSolve(bm, 70, CG, &Options{RTol: 1e-8}) }

// Jacobi on the Laplacian is a constant scaling: CG takes the same
// iterations as without it, which isolates the cost of applying M.
func BenchmarkCGJacobi_Lap1000(bm *testing.B) {
	benchSolve(bm, 1000, CG, &Options{RTol: 1e-8, MaxIter: 300, Precond: ktJacobi{constVec(1000*1000, 0.25)}})
}
func BenchmarkCGJacobi_Lap50(bm *testing.B) {
	benchSolve(bm, 50, CG, &Options{RTol: 1e-8, Precond: ktJacobi{constVec(50*50, 0.25)}})
}
func BenchmarkMINRES_Lap50(bm *testing.B)   { benchSolve(bm, 50, MINRES, &Options{RTol: 1e-8}) }
func BenchmarkBiCGStab_Lap50(bm *testing.B) { benchSolve(bm, 50, BiCGStab, &Options{RTol: 1e-8}) }
func BenchmarkIDRS4_Lap50(bm *testing.B)    { benchSolve(bm, 50, IDRS, &Options{RTol: 1e-8}) }
func BenchmarkTFQMR_Lap50(bm *testing.B)    { benchSolve(bm, 50, TFQMR, &Options{RTol: 1e-8}) }
func BenchmarkFGMRES30_Lap50(bm *testing.B) { benchSolve(bm, 50, FGMRES, &Options{RTol: 1e-8}) }
func BenchmarkLSQR_Lap50(bm *testing.B) {
	benchSolve(bm, 50, func(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
		r, err := LSQR(ctx, A, b, x, &LSOptions{ATol: o.RTol, BTol: o.RTol})
		return r.Result, err
	}, &Options{RTol: 1e-8})
}
func BenchmarkLSMR_Lap50(bm *testing.B) {
	benchSolve(bm, 50, func(ctx context.Context, A linop.Operator, b, x []float64, o *Options) (Result, error) {
		r, err := LSMR(ctx, A, b, x, &LSOptions{ATol: o.RTol, BTol: o.RTol})
		return r.Result, err
	}, &Options{RTol: 1e-8})
}
func BenchmarkGMRES30_Lap1000(bm *testing.B) {
	benchSolve(bm, 1000, GMRES, &Options{RTol: 1e-8, MaxIter: 300, Restart: 30})
}
func BenchmarkGMRES30_Lap50(bm *testing.B) {
	benchSolve(bm, 50, GMRES, &Options{RTol: 1e-8, Restart: 30})
}
func BenchmarkGMRES30_Lap70(bm *testing.B) {
	benchSolve(bm, 70, GMRES, &Options{RTol: 1e-8, Restart: 30})
}

func constVec(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// BenchmarkRecycleUpdate times the two dense products of one GCRO-DR(40,
// 20) recycling update at n = 10⁴ (Helmholtz on a 100×100 grid): U₂ =
// [U V]·P (20 × 40) and C₂ = [C V]·Q (20 × 41), formed in one pass as the
// solver does, and the Gram matrix VᵀU (41 × 20). It reports the
// multiply-adds per second.
func BenchmarkRecycleUpdate(bm *testing.B) {
	const n, k, m = 10000, 20, 40
	basis, out, out2 := block(m+1, n), block(k, n), block(k, n)
	for i, v := range basis {
		for e := range v {
			v[e] = float64((i*7+e)%13) - 6
		}
	}
	coef := make([]float64, k*(m+1))
	for i := range coef {
		coef[i] = float64(i%5) - 2
	}
	g := make([]float64, (m+1)*k)
	for bm.Loop() {
		combineSets(combineSet{out: out, basis: basis[:m], coef: coef, ld: m + 1},
			combineSet{out: out2, basis: basis, coef: coef, ld: m + 1})
		gram(g, k, basis, out)
	}
	fmas := float64(n) * float64(k) * float64(m+m+1+m+1)
	bm.ReportMetric(fmas*float64(bm.N)/bm.Elapsed().Seconds()/1e9, "GFMA/s")
}

// BenchmarkHarmonicRitz times the small dense step of one GCRO-DR(40, 20)
// recycling update: QR of the 41×40 Ĝ, the 40×40 eigenproblem and the 20
// kept vectors (serial; its time per cycle is what it adds to every
// cycle's update whatever n is).
func BenchmarkHarmonicRitz(bm *testing.B) {
	const k, m = 20, 40
	rng := rand.New(rand.NewPCG(1, 1))
	G := mat.NewDense(m+1, m, nil)
	WV := mat.NewDense(m+1, m, nil)
	for i := 0; i <= m; i++ {
		for j := 0; j < m; j++ {
			WV.Set(i, j, rng.NormFloat64())
			if i <= j+1 {
				G.Set(i, j, rng.NormFloat64())
			}
		}
	}
	var work updateWork
	work.init(m, k)
	bm.ReportAllocs()
	for bm.Loop() {
		if _, kn := harmonicRitz(G, WV, k, &work); kn == 0 {
			bm.Fatal("harmonicRitz failed")
		}
	}
}
