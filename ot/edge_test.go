package ot

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// unitSquareCost returns the squared distances between the first n of k =
// max(n, m) uniform points in the unit square and the first m of k
// others.
func unitSquareCost(seed uint64, n, m int) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 3))
	k := max(n, m)
	X := mat.NewDense(k, 2, nil)
	Y := mat.NewDense(k, 2, nil)
	for i := 0; i < k; i++ {
		X.Set(i, 0, rng.Float64())
		X.Set(i, 1, rng.Float64())
		Y.Set(i, 0, rng.Float64())
		Y.Set(i, 1, rng.Float64())
	}
	return CostMatrix(X.Slice(0, n, 0, 2), Y.Slice(0, m, 0, 2), SqEuclidean)
}

// TestEMDLargeCost: one large cost (a finite "forbidden" arc) must
// not change the optimum when the optimal plan does not use that arc.
// Before the fix the tolerance 1e-13·(n+m+1)·max|C| on reduced costs and
// potentials of size ±bigM made EMD stop 2e-4 (n = 300, C = 1e6) to 5e-3
// (n = 1000) above the optimum while reporting "optimal".
func TestEMDLargeCost(t *testing.T) {
	ctx := context.Background()
	n := 300
	C := unitSquareCost(1, n, n)
	ref, err := EMD(ctx, nil, nil, C, nil)
	if err != nil {
		t.Fatal(err)
	}
	j0 := 0
	for ref.Plan.At(0, j0) != 0 {
		j0++
	}
	for _, big := range []float64{1e4, 1e6, 1e8} {
		C2 := mat.DenseCopyOf(C)
		C2.Set(0, j0, big)
		res, err := EMD(ctx, nil, nil, C2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rel := (res.Cost - ref.Cost) / ref.Cost; math.Abs(rel) > 1e-12 {
			t.Errorf("C[0,%d] = %g: cost %.15g, optimum %.15g (relative %.2e), converged %v", j0, big, res.Cost, ref.Cost, rel, res.Converged)
		}
	}
}

// TestEMDCostOffset: a common offset much larger than the spread of the
// costs (C = off + U[0, 1), off up to 1e13) must not change the plan,
// which is checked against EMD on C − min C (exact: Sterbenz), the same
// problem without the offset. Before the fix the reduced-cost tolerance,
// 1e-13 times potentials of the size of off, let EMD stop with plans up
// to 6e-2 above the optimum of the stored costs (5e-5 at off = 1e11,
// n = 100) and duals infeasible by up to 0.1, while reporting "optimal";
// on NumPy instances of this kind POT 0.8.2's ot.emd stayed within 4e-4
// at off = 1e12 (n = 100) and was exact at off = −1e12.
func TestEMDCostOffset(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{20, 100} {
		for _, off := range []float64{1e11, 1e12, -1e12, 1e13} {
			t.Run(fmt.Sprintf("n=%d/off=%g", n, off), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(n), 21))
				C := mat.NewDense(n, n, nil)
				lo := math.Inf(1)
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						C.Set(i, j, off+rng.Float64())
						lo = math.Min(lo, C.At(i, j))
					}
				}
				var Cs mat.Dense
				Cs.Apply(func(_, _ int, v float64) float64 { return v - lo }, C)
				ref, err := EMD(ctx, nil, nil, &Cs, nil)
				if err != nil {
					t.Fatal(err)
				}
				res, err := EMD(ctx, nil, nil, C, nil)
				if err != nil {
					t.Fatal(err)
				}
				if excess := mat.Sum(mulElem(res.Plan, &Cs)) - ref.Cost; excess > 1e-12 {
					t.Errorf("plan %.3g above the optimum %.6g of C − min C (cost %.17g)", excess, ref.Cost, res.Cost)
				}
				// The cost and duals are those of C: U + V ≤ C, with
				// equality on the plan's support, to the rounding of C.
				tol := 4 * math.Abs(off) * 0x1p-52
				if want := mat.Sum(mulElem(res.Plan, C)); math.Abs(res.Cost-want) > tol {
					t.Errorf("Cost %.17g, ⟨C, P⟩ = %.17g", res.Cost, want)
				}
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						slack := C.At(i, j) - res.U[i] - res.V[j]
						if slack < -tol || (res.Plan.At(i, j) > 0 && math.Abs(slack) > tol) {
							t.Fatalf("C − U − V = %g at (%d, %d), plan %g", slack, i, j, res.Plan.At(i, j))
						}
					}
				}
			})
		}
	}
}

// mulElem returns the elementwise product of A and B.
func mulElem(A, B mat.Matrix) *mat.Dense {
	var P mat.Dense
	P.MulElem(A, B)
	return &P
}

// TestEMDDualCertificate: the returned duals must certify
// optimality (C − U − V ≥ 0 up to rounding of the small costs, equal to
// ⟨C, P⟩) also when 5% of the costs are 1e9. Before the fix the final
// tree hung from the root through a sink's Big-M arc, the potentials were
// ~1e11 and reduced costs down to −0.01 were accepted (costs in [0, 1]).
func TestEMDDualCertificate(t *testing.T) {
	for seed := uint64(0); seed < 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		n, m := 5+rng.IntN(70), 5+rng.IntN(70)
		C := mat.NewDense(n, m, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				v := rng.Float64()
				if rng.Float64() < 0.05 {
					v = 1e9
				}
				C.Set(i, j, v)
			}
		}
		a, b := make([]float64, n), make([]float64, m)
		for i := range a {
			a[i] = math.Pow(rng.Float64(), 3)
		}
		for j := range b {
			b[j] = math.Pow(rng.Float64(), 3)
		}
		a[0], b[m-1] = 0, 0
		norm := func(w []float64) {
			s := 0.0
			for _, v := range w {
				s += v
			}
			for k := range w {
				w[k] /= s
			}
		}
		norm(a)
		norm(b)
		res, err := EMD(context.Background(), a, b, C, nil)
		if err != nil {
			t.Fatal(err)
		}
		minRed, dual := math.Inf(1), 0.0
		for i := 0; i < n; i++ {
			dual += a[i] * res.U[i]
			for j := 0; j < m; j++ {
				if C.At(i, j) < 1e8 {
					minRed = math.Min(minRed, C.At(i, j)-res.U[i]-res.V[j])
				}
			}
		}
		for j := 0; j < m; j++ {
			dual += b[j] * res.V[j]
		}
		if minRed < -1e-9 || math.Abs(dual-res.Cost) > 1e-9*math.Max(1, res.Cost) {
			t.Errorf("seed %d (%d×%d): min reduced cost %.3g, dual %.15g vs cost %.15g", seed, n, m, minRed, dual, res.Cost)
		}
	}
}

// TestSNSSmallReg: at small reg M̃ is only weakly diagonally
// dominant and numerically singular (one near-null vector per block of
// the almost block-diagonal plan); CG broke down with pᵀAp < 0, every
// Newton attempt then spent 30 line-search passes and fell back to a
// Sinkhorn step, and SNS did not converge in 300 iterations (300×120 at
// reg 2e-4 took 1644 iterations and 40 s; 87 and 0.26 s with the ridge).
func TestSNSSmallReg(t *testing.T) {
	n := 100
	C := unitSquareCost(3, n, n)
	res, err := SNS(context.Background(), randomHist(1, n), randomHist(2, n), C, 1e-4, &Options{MaxIter: 300})
	if err != nil {
		t.Fatalf("%v (Sinkhorn %d, Newton %d, CG %d, line-search evaluations %d)", err, res.SinkhornIterations, res.NewtonIterations, res.CGIterations, res.LineSearchEvals)
	}
}

// TestSinkhornCostOffset: the problem is invariant under C + const,
// but the scaling form built exp(−C/reg) and failed with ErrUnderflow
// ("exp(−C/reg) is too small", also when it overflowed) for costs in
// [−1000, −999] or [1000, 1001] at reg 0.5; and a warm start from valid
// potentials in another gauge (f + 40, g − 40) overflowed u.
func TestSinkhornCostOffset(t *testing.T) {
	ctx := context.Background()
	C := randomCost(4, 25, 20)
	a, b := randomHist(5, 25), randomHist(6, 20)
	const reg = 0.5
	ref, err := SinkhornLog(ctx, a, b, C, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range []float64{-1000, 1000} {
		C2 := mat.DenseCopyOf(C)
		for i := 0; i < 25; i++ {
			for j := 0; j < 20; j++ {
				C2.Set(i, j, C2.At(i, j)+off)
			}
		}
		res, err := Sinkhorn(ctx, a, b, C2, reg, nil)
		if err != nil {
			t.Errorf("offset %g: %v", off, err)
			continue
		}
		if d := maxAbsDiff(t, res.Plan, ref.Plan.RawMatrix().Data); d > 1e-9 {
			t.Errorf("offset %g: plan differs by %.3g", off, d)
		}
	}
	r1, err := SinkhornLog(ctx, a, b, C, 0.05, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, g := append([]float64(nil), r1.F...), append([]float64(nil), r1.G...)
	for i := range f {
		f[i] += 40
	}
	for j := range g {
		g[j] -= 40
	}
	if res, err := Sinkhorn(ctx, a, b, C, 0.05, &Options{F0: f, G0: g}); err != nil || res.Iterations > 2 {
		t.Errorf("warm start from (f + 40, g − 40): %v", err)
	}
}

// TestEuclideanScale: the Euclidean distance between (3s, 0) and
// (0, 4s) is 5s for every representable s; the squares under- or
// overflowed (0 at s = 1e-170, +Inf at s = 1e160, 6e-6 relative error at
// s = 1e-160), against CostMatrix's "exact to rounding".
func TestEuclideanScale(t *testing.T) {
	for _, s := range []float64{1e-300, 1e-170, 1e-160, 1, 1e160, 1e300} {
		X := mat.NewDense(1, 2, []float64{3 * s, 0})
		Y := mat.NewDense(1, 2, []float64{0, 4 * s})
		if got := CostMatrix(X, Y, Euclidean).At(0, 0); math.Abs(got-5*s) > 4e-16*5*s {
			t.Errorf("s = %g: distance %g, want %g", s, got, 5*s)
		}
	}
}
