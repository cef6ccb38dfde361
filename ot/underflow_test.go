package ot

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// underflowCase is a problem on which exp(−C/reg) underflows for some
// entries (C/reg > 708, where the kernels flush to zero).
type underflowCase struct {
	name string
	C    *mat.Dense
	a, b []float64
	reg  float64
	// harmful: the optimal plan has mass on underflowed entries, so the
	// scaling form must fail with ErrUnderflow.
	harmful bool
	// shifted: harmful for exp(−C/reg) but not for exp(−(C − min C)/reg),
	// the kernel Sinkhorn builds; the scaling form is then merely slow.
	shifted bool
	// pot is the cost of POT's sinkhorn_log run to stopThr 1e-13 (0: not
	// recorded).
	pot float64
}

// underflowCases returns the audit's two cases where the scaling form
// claimed convergence with a wrong plan, and one where the underflow is
// harmless (the plan's mass on those entries is about e^−600).
func underflowCases(t *testing.T) []underflowCase {
	t.Helper()
	// 7×5 costs in [0, 1] with reg 1e-3: C/reg up to 995. The scaling
	// form stopped after 781 iterations with cost 0.319030.
	c1 := mat.NewDense(7, 5, []float64{
		0.23936944299295215, 0.8764842308107038, 0.05856803480519435, 0.3361170605456604, 0.15027946689483906,
		0.450339366649287, 0.7963242702872942, 0.23064220899374743, 0.05202130106440961, 0.4045518398215282,
		0.19851304450925533, 0.0907530456191219, 0.5803323859868507, 0.2986961328189226, 0.6719948779563594,
		0.1995154439682133, 0.9421131105064978, 0.36511016824482856, 0.10549527957022953, 0.6291081515397092,
		0.9271545530678674, 0.440377154715784, 0.9545904936907372, 0.499895813687647, 0.42522862484907553,
		0.6202134520153778, 0.9950965052353241, 0.9489436749377653, 0.4600451393090961, 0.7577288453082914,
		0.49742269548761897, 0.5293121601967704, 0.7857857007138075, 0.4146558493556708, 0.7344835717887294,
	})
	a1 := []float64{0.1032508865603339, 0.1649294408122205, 0.09288358337646566, 0.17150035988562046, 0.0975128619199151, 0.11301160376192239, 0.2569112636835221}
	b1 := []float64{0.08893832187535634, 0.24399456782644174, 0.03289427200636722, 0.3260026312998766, 0.30817020699195813}
	// Squared distances between 10 and 2 normal points, reg 0.02: only
	// entry (0, 0) underflows (C/reg = 727), but row 0 must send most of
	// its mass there. The scaling form reported cost 4.2221.
	c2 := mat.NewDense(10, 2, []float64{
		14.545942563628238, 10.614426763468202,
		10.290369353724477, 0.550432303475255,
		10.15799017727031, 0.4829783974574071,
		6.424252688976393, 0.04125692090326716,
		5.753512528290576, 5.866311504423285,
		12.245155465255877, 3.6321080963707733,
		6.963400917289088, 0.7881193938082207,
		3.676045532503952, 1.9022224410652857,
		2.2120236541910065, 1.6860374323090617,
		7.463399855093854, 0.08177651499141758,
	})
	a2 := []float64{0.05641700626993104, 0.049512903034502585, 0.15448546526906548, 0.1577033753398075, 0.0921311709333635, 0.06268729159850096, 0.1778049841736719, 0.057670799525628445, 0.03409755195073138, 0.15748945190479724}
	b2 := []float64{0.5481414492632474, 0.4518585507367527}
	// Harmless: two clusters of points on the line, [0, 0.1] and
	// [1, 1.1], each with mass ½ on both sides; squared distances, reg
	// 1e-3. Pairs in different clusters (C/reg ≥ 810) underflow, and the
	// plan puts about e^−800 on them.
	n, m := 12, 10
	x, y := make([]float64, n), make([]float64, m)
	a3, b3 := randomHist(7, n), randomHist(8, m)
	for _, h := range []struct {
		pts, w []float64
	}{{x, a3}, {y, b3}} {
		k := len(h.pts) / 2
		sa, sb := 0.0, 0.0
		for i := range h.pts {
			h.pts[i] = 0.1 * float64(i%k) / float64(k)
			if i < k {
				sa += h.w[i]
			} else {
				h.pts[i]++
				sb += h.w[i]
			}
		}
		for i := range h.w {
			h.w[i] *= 0.5 / sa
			if i >= k {
				h.w[i] *= sa / sb
			}
		}
	}
	c3 := mat.NewDense(n, m, nil)
	for i := range n {
		for j := range m {
			c3.Set(i, j, (x[i]-y[j])*(x[i]-y[j]))
		}
	}
	return []underflowCase{
		{name: "costs in [0,1], reg 1e-3", C: c1, a: a1, b: b1, reg: 1e-3, harmful: true, shifted: true, pot: 0.31313959781161704},
		{name: "one far entry, reg 0.02", C: c2, a: a2, b: b2, reg: 0.02, harmful: true, pot: 4.0551247492204565},
		{name: "far pairs carry no mass", C: c3, a: a3, b: b3, reg: 1e-3},
	}
}

// logSumExp returns log Σ exp(v_i), shifted by the maximum (no overflow).
func logSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = max(mx, x)
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	return mx + math.Log(s)
}

// logDomainRef runs the plain (generalised) Sinkhorn iteration on the
// potentials in units of reg, with max-shifted math.Exp: F_i =
// φ(log a_i − LSE_j(G_j − C_ij/reg)), then G likewise (φ = 1 is the
// balanced problem, φ = regM/(regM + reg) the unbalanced one), until no
// potential moves by more than 1e-13 relative (at most maxIter
// iterations; reaching it fails the test), and returns the plan
// exp(F_i + G_j − C_ij/reg).
func logDomainRef(t *testing.T, C *mat.Dense, a, b []float64, reg, phi float64, maxIter int) *mat.Dense {
	t.Helper()
	n, m := C.Dims()
	lse := logSumExp
	F, G := make([]float64, n), make([]float64, m)
	row, col := make([]float64, m), make([]float64, n)
	for it := 0; ; it++ {
		if it == maxIter {
			t.Fatalf("log-domain reference: no fixed point after %d iterations", maxIter)
		}
		moved := 0.0
		for i := range F {
			for j := range row {
				row[j] = G[j] - C.At(i, j)/reg
			}
			f := phi * (math.Log(a[i]) - lse(row))
			moved = max(moved, math.Abs(f-F[i])/max(1, math.Abs(f)))
			F[i] = f
		}
		for j := range G {
			for i := range col {
				col[i] = F[i] - C.At(i, j)/reg
			}
			g := phi * (math.Log(b[j]) - lse(col))
			moved = max(moved, math.Abs(g-G[j])/max(1, math.Abs(g)))
			G[j] = g
		}
		if moved <= 1e-13 {
			break
		}
	}
	P := mat.NewDense(n, m, nil)
	for i := range n {
		for j := range m {
			P.Set(i, j, math.Exp(F[i]+G[j]-C.At(i, j)/reg))
		}
	}
	return P
}

// planCost returns ⟨C, P⟩.
func planCost(C, P *mat.Dense) float64 {
	var s mat.Dense
	s.MulElem(C, P)
	return mat.Sum(&s)
}

// TestSinkhornKernelUnderflow: where exp(−C/reg) underflows on entries
// that carry plan mass, the scaling iteration converges on the marginals
// of another (support-restricted) problem. It used to report that plan as
// converged (cost 0.319 instead of 0.313, 4.22 instead of 4.055); it must
// fail with ErrUnderflow naming the log-domain methods, also when it
// stops at MaxIter, and still converge where the underflowed entries
// carry no mass. Whatever it returns without error must be the
// log-domain solution.
func TestSinkhornKernelUnderflow(t *testing.T) {
	ctx := context.Background()
	for _, c := range underflowCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if cm := mat.Max(c.C) - mat.Min(c.C); cm/c.reg < 720 {
				t.Fatalf("(max C − min C)/reg = %g: no entry of exp(−(C − min C)/reg) underflows (the kernels flush below e^−708)", cm/c.reg)
			}
			ref := logDomainRef(t, c.C, c.a, c.b, c.reg, 1, 200000)
			want := planCost(c.C, ref)
			if c.pot != 0 && math.Abs(want-c.pot) > 1e-9 {
				t.Fatalf("log-domain reference cost %.15g, POT %.15g", want, c.pot)
			}
			logRes, err := SinkhornLog(ctx, c.a, c.b, c.C, c.reg, &Options{Tol: 1e-11, MaxIter: 200000})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(logRes.Cost-want) > 1e-8 {
				t.Fatalf("sinkhorn-log cost %.12g, reference %.12g", logRes.Cost, want)
			}
			// MaxIter 500 stops before the stopping rule is met (at 781
			// and 721 iterations), with the mass already lost.
			for _, maxIter := range []int{0, 500} {
				res, err := Sinkhorn(ctx, c.a, c.b, c.C, c.reg, &Options{MaxIter: maxIter})
				if c.shifted && res != nil && errors.Is(err, ErrNotConverged) {
					continue // slow, but no mass lost and no claim of convergence
				}
				if c.harmful {
					if !errors.Is(err, ErrUnderflow) {
						cost := math.NaN()
						if res != nil {
							cost = res.Cost
						}
						t.Fatalf("MaxIter %d: error %v, cost %.9g (log domain %.9g); want ErrUnderflow", maxIter, err, cost, want)
					}
					for _, s := range []string{"underflowed on entries where the plan is not negligible", "sinkhorn-log", "stabilized", "eps-scaling", "sns", "larger reg"} {
						if !strings.Contains(err.Error(), s) {
							t.Errorf("MaxIter %d: error %q does not say %q", maxIter, err, s)
						}
					}
					if res != nil {
						t.Errorf("MaxIter %d: a result with ErrUnderflow", maxIter)
					}
					continue
				}
				if maxIter != 0 {
					continue // not enough iterations to converge: nothing to check
				}
				if err != nil {
					t.Fatalf("harmless underflow: %v", err)
				}
				if !res.Converged || res.MarginalError > DefaultTol {
					t.Errorf("converged %v, marginal error %.3g", res.Converged, res.MarginalError)
				}
				if math.Abs(res.Cost-want) > 1e-8 {
					t.Errorf("cost %.12g, log domain %.12g", res.Cost, want)
				}
			}
		})
	}
}

// TestUnderflowOtherMethods: the log-domain, stabilised, ε-scaling and
// SNS methods (whose first stage is log-domain Sinkhorn) and the
// unbalanced solver (scaling with absorption) keep the mass of the
// entries whose kernel value underflows: on the same problems their
// plans agree with the plain log-domain iteration.
func TestUnderflowOtherMethods(t *testing.T) {
	ctx := context.Background()
	for _, c := range underflowCases(t) {
		t.Run(c.name, func(t *testing.T) {
			ref := logDomainRef(t, c.C, c.a, c.b, c.reg, 1, 200000)
			for _, m := range entropicMethods[1:] {
				res, err := Solve(ctx, m.m, c.a, c.b, c.C, c.reg, &Options{Tol: 1e-11, MaxIter: 200000})
				if err != nil {
					t.Fatalf("%s: %v", m.name, err)
				}
				if d := maxAbsDiff(t, res.Plan, ref.RawMatrix().Data); d > 1e-8 {
					t.Errorf("%s: plan differs from the log-domain reference by %.3g", m.name, d)
				}
			}
			const regM = 0.05
			uref := logDomainRef(t, c.C, c.a, c.b, c.reg, regM/(regM+c.reg), 200000)
			res, err := SinkhornUnbalanced(ctx, c.a, c.b, c.C, c.reg, regM, &Options{Tol: 1e-14, MaxIter: 200000})
			if err != nil {
				t.Fatalf("unbalanced: %v", err)
			}
			if d := maxAbsDiff(t, res.Plan, uref.RawMatrix().Data); d > 1e-10 {
				t.Errorf("unbalanced: plan differs from the log-domain reference by %.3g", d)
			}
		})
	}
}
