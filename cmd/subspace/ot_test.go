package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/ot"
)

// otFixture writes point clouds, a cost matrix and weights into a
// temporary directory and returns their paths.
type otFixture struct {
	dir                    string
	x, y, cost, a, b, c3x2 string
	aNeg, aBig, a3         string
	X, Y, C                *mat.Dense
	A, B                   []float64
}

func newOTFixture(t *testing.T) *otFixture {
	t.Helper()
	f := &otFixture{dir: t.TempDir()}
	f.X = mat.NewDense(5, 2, []float64{0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5})
	f.Y = mat.NewDense(4, 2, []float64{0.1, 0, 1, 0.2, 0, 0.9, 1.2, 1})
	f.C = ot.CostMatrix(f.X, f.Y, ot.SqEuclidean)
	f.A = []float64{0.1, 0.2, 0.3, 0.2, 0.2}
	f.B = []float64{0.25, 0.25, 0.25, 0.25}
	write := func(name string, v any) string {
		p := filepath.Join(f.dir, name)
		var err error
		switch v := v.(type) {
		case *mat.Dense:
			err = npy.WriteDense(p, v)
		case []float64:
			err = npy.WriteVector(p, v)
		}
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.x, f.y, f.cost = write("x.npy", f.X), write("y.npy", f.Y), write("c.npy", f.C)
	f.a, f.b = write("a.npy", f.A), write("b.npy", f.B)
	f.aNeg = write("aneg.npy", []float64{-0.1, 0.4, 0.3, 0.2, 0.2})
	f.aBig = write("abig.npy", []float64{0.2, 0.2, 0.3, 0.2, 0.2})
	f.a3 = write("a3.npy", []float64{0.5, 0.25, 0.25})
	f.c3x2 = write("y3d.npy", mat.NewDense(2, 3, []float64{0, 1, 1, 0, 2, 2}))
	return f
}

func otRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return infoRun(t, append([]string{"ot"}, args...)...)
}

func TestOTMethods(t *testing.T) {
	f := newOTFixture(t)
	ctx := context.Background()
	exact, err := ot.EMD(ctx, f.A, f.B, f.C, nil)
	if err != nil {
		t.Fatal(err)
	}
	log, err := ot.SinkhornLog(ctx, f.A, f.B, f.C, 0.05, &ot.Options{Tol: 1e-12, MaxIter: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"sinkhorn", "sinkhorn-log", "stabilized", "eps-scaling", "sns", "emd"} {
		t.Run(method, func(t *testing.T) {
			plan := filepath.Join(f.dir, method+".npy")
			args := []string{"--x", f.x, "--y", f.y, "--a", f.a, "--b", f.b, "--method", method, "--tol", "1e-12", "--maxiter", "100000", "--plan", plan, "--json"}
			if method != "emd" {
				args = append(args, "--reg", "0.05")
			}
			code, out, errs := otRun(t, args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
			}
			for _, k := range []string{"method", "cost", "iterations", "marginal_error", "seconds", "converged"} {
				if _, ok := got[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, out)
				}
			}
			want := log.Cost
			if method == "emd" {
				want = exact.Cost
			}
			if c := got["cost"].(float64); math.Abs(c-want) > 1e-9 {
				t.Errorf("cost %.15g, want %.15g", c, want)
			}
			if method == "sns" {
				for _, k := range []string{"sinkhorn_iterations", "newton_iterations"} {
					if _, ok := got[k]; !ok {
						t.Errorf("sns JSON lacks %q", k)
					}
				}
			}
			P, err := npy.ReadDense(plan)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 5; i++ {
				if s := mat.Sum(P.RowView(i)); math.Abs(s-f.A[i]) > 1e-10 {
					t.Errorf("plan row %d sums to %g, want %g", i, s, f.A[i])
				}
			}
		})
	}
	// Text output, cost matrix input, uniform weights.
	code, out, errs := otRun(t, "--cost", f.cost, "--reg", "0.1", "--method", "sns")
	if code != 0 || !strings.Contains(out, "method          sns") || !strings.Contains(out, "Sinkhorn +") {
		t.Errorf("text output: exit %d\n%s\n%s", code, out, errs)
	}
	// Unbalanced with unequal masses.
	code, out, errs = otRun(t, "--cost", f.cost, "--a", f.aBig, "--b", f.b, "--reg", "0.1", "--reg-m", "1", "--method", "unbalanced", "--json")
	if code != 0 || !strings.Contains(out, `"reg_m":1`) {
		t.Errorf("unbalanced: exit %d\n%s\n%s", code, out, errs)
	}
}

// --potentials writes f and g; --warm-start from them re-solves in fewer
// iterations to the same cost, including at a smaller reg (the use it is
// for); EMD's potentials are its optimal duals.
func TestOTPotentialsAndWarmStart(t *testing.T) {
	f := newOTFixture(t)
	pot := filepath.Join(f.dir, "pot.npz")
	base := []string{"--x", f.x, "--y", f.y, "--a", f.a, "--b", f.b, "--tol", "1e-11", "--maxiter", "100000", "--json"}
	run := func(extra ...string) map[string]any {
		t.Helper()
		code, out, errs := otRun(t, append(append([]string(nil), base...), extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", extra, code, errs)
		}
		return solveJSON(t, out)
	}
	run("--method", "sinkhorn-log", "--reg", "0.05", "--potentials", pot)
	z, err := npy.OpenNPZ(pot)
	if err != nil {
		t.Fatal(err)
	}
	fa, err1 := z.ReadFloat64("f")
	ga, err2 := z.ReadFloat64("g")
	z.Close()
	if err1 != nil || err2 != nil || len(fa.Data) != 5 || len(ga.Data) != 4 {
		t.Fatalf("potentials file: %v %v %v %v", err1, err2, fa.Shape, ga.Shape)
	}
	for _, method := range []string{"sinkhorn-log", "stabilized", "sns"} {
		cold := run("--method", method, "--reg", "0.02")
		warm := run("--method", method, "--reg", "0.02", "--warm-start", pot)
		if warm["warm_start"] != pot {
			t.Errorf("%s: JSON warm_start = %v", method, warm["warm_start"])
		}
		if c, w := cold["cost"].(float64), warm["cost"].(float64); math.Abs(c-w) > 1e-9 {
			t.Errorf("%s: warm cost %.15g, cold %.15g", method, w, c)
		}
		if ci, wi := cold["iterations"].(float64), warm["iterations"].(float64); wi >= ci {
			t.Errorf("%s: warm start took %v iterations, cold %v", method, wi, ci)
		}
	}
	// EMD: U_i + V_j ≤ C_ij everywhere, with equality on the plan's support.
	plan := filepath.Join(f.dir, "emd.npy")
	run("--method", "emd", "--potentials", pot, "--plan", plan, "--force")
	z, err = npy.OpenNPZ(pot)
	if err != nil {
		t.Fatal(err)
	}
	U, _ := z.ReadFloat64("f")
	V, _ := z.ReadFloat64("g")
	z.Close()
	P, err := npy.ReadDense(plan)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		for j := range 4 {
			slack := f.C.At(i, j) - U.Data[i] - V.Data[j]
			if slack < -1e-12 || (P.At(i, j) > 0 && math.Abs(slack) > 1e-12) {
				t.Errorf("EMD duals: C(%d,%d) − U − V = %g with plan entry %g", i, j, slack, P.At(i, j))
			}
		}
	}
}

func TestOTNotConverged(t *testing.T) {
	f := newOTFixture(t)
	code, out, errs := otRun(t, "--cost", f.cost, "--reg", "0.001", "--method", "sinkhorn-log", "--maxiter", "3", "--json")
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr %q", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || got["converged"] != false {
		t.Fatalf("result not printed before exit 3: %v %s", err, out)
	}
}

func TestOTBadInput(t *testing.T) {
	f := newOTFixture(t)
	missing := filepath.Join(f.dir, "missing.npy")
	nanFile := filepath.Join(f.dir, "nan.npy")
	// npy refuses to write NaN? Write the raw header and data ourselves.
	if err := writeNaNVector(nanFile); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(f.dir, "short.npz")
	if err := writePotentials(short, []float64{0, 0, 0}, []float64{0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	nanPot := filepath.Join(f.dir, "nanpot.npz")
	if err := writePotentials(nanPot, []float64{0, math.NaN(), 0, 0, 0}, []float64{0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no input", []string{"--reg", "1"}, 2, "give --x and --y"},
		{"warm start emd", []string{"--cost", f.cost, "--method", "emd", "--warm-start", short}, 2, "--warm-start applies to the entropic and unbalanced methods, not emd"},
		{"warm start missing", []string{"--cost", f.cost, "--reg", "1", "--warm-start", missing}, 1, "--warm-start: " + missing + ": no such file"},
		{"warm start not npz", []string{"--cost", f.cost, "--reg", "1", "--warm-start", f.a}, 1, "--warm-start: "},
		{"warm start wrong length", []string{"--cost", f.cost, "--reg", "1", "--warm-start", short}, 1, "array f has shape (3,), want (5,) (one potential per source point)"},
		{"warm start NaN", []string{"--cost", f.cost, "--reg", "1", "--warm-start", nanPot}, 1, "F0[1] = NaN"},
		{"unwritable potentials", []string{"--cost", f.cost, "--reg", "1", "--potentials", filepath.Join(f.dir, "no", "p.npz")}, 2, "--potentials " + filepath.Join(f.dir, "no", "p.npz") + ": directory"},
		{"unwritable plan", []string{"--cost", f.cost, "--reg", "1", "--plan", filepath.Join(f.dir, "no", "p.npy")}, 2, "--plan " + filepath.Join(f.dir, "no", "p.npy") + ": directory"},
		{"unwritable history", []string{"--cost", f.cost, "--reg", "1", "--history", filepath.Join(f.dir, "no", "h.npy")}, 2, "--history " + filepath.Join(f.dir, "no", "h.npy") + ": directory"},
		{"history emd", []string{"--cost", f.cost, "--method", "emd", "--history", filepath.Join(f.dir, "h.npy")}, 2, "--history applies to the entropic and unbalanced methods, not emd"},
		{"both inputs", []string{"--x", f.x, "--y", f.y, "--cost", f.cost, "--reg", "1"}, 2, "not both"},
		{"metric with cost", []string{"--cost", f.cost, "--reg", "1", "--metric", "euclidean"}, 2, "--metric applies to --x/--y point clouds"},
		{"reg with emd", []string{"--cost", f.cost, "--reg", "1", "--method", "emd"}, 2, "--reg is not used by --method emd"},
		{"x without y", []string{"--x", f.x, "--reg", "1"}, 2, "--x and --y must be given together"},
		{"a without b", []string{"--cost", f.cost, "--a", f.a, "--reg", "1"}, 2, "--a and --b"},
		{"reg zero", []string{"--cost", f.cost, "--reg", "0"}, 2, "--reg must be > 0"},
		{"reg negative", []string{"--cost", f.cost, "--reg", "-1"}, 2, "--reg must be > 0"},
		{"reg missing", []string{"--cost", f.cost, "--method", "sns"}, 2, "--method sns needs --reg R, the entropic regularisation"},
		{"bad method", []string{"--cost", f.cost, "--reg", "1", "--method", "greenkhorn"}, 2, "--method \"greenkhorn\""},
		{"bad metric", []string{"--x", f.x, "--y", f.y, "--reg", "1", "--metric", "cosine"}, 2, "--metric"},
		{"unbalanced no reg-m", []string{"--cost", f.cost, "--reg", "1", "--method", "unbalanced"}, 2, "--reg-m"},
		{"reg-m elsewhere", []string{"--cost", f.cost, "--reg", "1", "--reg-m", "2"}, 2, "--reg-m applies only"},
		{"negative tol", []string{"--cost", f.cost, "--reg", "1", "--tol", "-1"}, 2, "--tol"},
		{"negative maxiter", []string{"--cost", f.cost, "--reg", "1", "--maxiter", "-5"}, 2, "--maxiter"},
		{"positional", []string{"--cost", f.cost, "--reg", "1", "extra"}, 2, "no positional arguments"},
		{"missing file", []string{"--cost", missing, "--reg", "1"}, 1, "--cost"},
		{"missing weights", []string{"--cost", f.cost, "--a", missing, "--b", f.b, "--reg", "1"}, 1, "--a"},
		{"dimension mismatch", []string{"--x", f.x, "--y", f.c3x2, "--reg", "1"}, 1, "shape mismatch: --x has 2 columns (dimensions) but --y has 3"},
		{"weights mismatch", []string{"--cost", f.cost, "--a", f.a3, "--b", f.b, "--reg", "1"}, 1, "shape mismatch: the cost matrix is 5×4"},
		{"negative weight", []string{"--cost", f.cost, "--a", f.aNeg, "--b", f.b, "--reg", "1"}, 1, "a[0] = -0.1 is negative"},
		{"unequal masses", []string{"--cost", f.cost, "--a", f.aBig, "--b", f.b, "--reg", "1"}, 1, "unequal masses"},
		{"unequal masses emd", []string{"--cost", f.cost, "--a", f.aBig, "--b", f.b, "--method", "emd"}, 1, "unequal masses"},
		{"NaN weights", []string{"--cost", f.cost, "--a", nanFile, "--b", f.b, "--reg", "1"}, 1, "--a"},
		{"scaling underflow", []string{"--cost", f.cost, "--reg", "1e-4", "--method", "sinkhorn"}, 1, "use method sinkhorn-log"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := otRun(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, out, errs)
			}
			if !strings.Contains(errs, tc.err) {
				t.Errorf("stderr %q does not mention %q", errs, tc.err)
			}
			if lines := strings.Count(strings.TrimRight(errs, "\n"), "\n"); lines != 0 || !strings.HasPrefix(errs, "subspace: ") {
				t.Errorf("error is not one 'subspace:' line: %q", errs)
			}
		})
	}
}

// writeNaNVector writes a little-endian float64 .npy vector [NaN, 1, 1, 1,
// 1] by hand (the npy writer refuses nothing, but this keeps the test
// independent of that choice).
func writeNaNVector(path string) error {
	header := "{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }"
	pad := 64 - (10+len(header)+1)%64
	header += strings.Repeat(" ", pad) + "\n"
	buf := []byte("\x93NUMPY\x01\x00")
	buf = append(buf, byte(len(header)), byte(len(header)>>8))
	buf = append(buf, header...)
	for _, v := range []float64{math.NaN(), 1, 1, 1, 1} {
		u := math.Float64bits(v)
		for k := 0; k < 8; k++ {
			buf = append(buf, byte(u>>(8*k)))
		}
	}
	return os.WriteFile(path, buf, 0o644)
}

// TestOTHistory checks --history: a k×2 array of (iteration, value) rows
// whose last value is below --tol for a converged solve, for every method
// that has a stopping rule, and one row when ε-scaling's schedule meets --maxiter.
func TestOTHistory(t *testing.T) {
	f := newOTFixture(t)
	for _, method := range []string{"sinkhorn", "sinkhorn-log", "stabilized", "eps-scaling", "sns", "unbalanced"} {
		t.Run(method, func(t *testing.T) {
			h := filepath.Join(f.dir, method+".npy")
			args := []string{"--cost", f.cost, "--a", f.a, "--b", f.b, "--reg", "0.5", "--method", method, "--tol", "1e-8", "--history", h, "--json"}
			if method == "unbalanced" {
				args = append(args, "--reg-m", "1")
			}
			code, out, errs := otRun(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if !strings.Contains(out, `"history":"`+h+`"`) {
				t.Errorf("json lacks the history file: %s", out)
			}
			H, err := npy.ReadDense(h)
			if err != nil {
				t.Fatal(err)
			}
			k, c := H.Dims()
			if c != 2 || k == 0 {
				t.Fatalf("history is %d×%d", k, c)
			}
			if last := H.At(k-1, 1); last >= 1e-8 {
				t.Errorf("last value %g not below --tol", last)
			}
			for i := 1; i < k; i++ {
				if H.At(i, 0) < H.At(i-1, 0) {
					t.Fatalf("iterations decrease at row %d", i)
				}
			}
		})
	}
	// ε-scaling whose early stages would use up --maxiter keeps its last
	// iteration for the final stage (reg itself): one evaluation, after
	// iteration 3, and exit status 3. (It used to spend all three in the
	// schedule and write an empty 0×2 history, with the plan of a coarse
	// stage's potentials evaluated at reg.)
	h := filepath.Join(f.dir, "budget.npy")
	if code, _, errs := otRun(t, "--cost", f.cost, "--reg", "0.001", "--method", "eps-scaling", "--maxiter", "3", "--history", h); code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, errs)
	}
	a, err := npy.ReadArray(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != 1 || a.Shape[1] != 2 || a.Data[0] != 3 {
		t.Fatalf("history shape %v with values %v, want one row (3, value)", a.Shape, a.Data)
	}
}

// TestOTPartialUnderflow: with reg 0.02 on these squared distances only
// exp(−C_00/reg) underflows (C/reg = 727), but the plan must carry mass
// there. The scaling form used to report cost 4.2221, converged, exit 0;
// it must exit 1 with a one-line ErrUnderflow message naming the
// log-domain methods and write no plan, while sinkhorn-log gives POT's
// 4.0551247.
func TestOTPartialUnderflow(t *testing.T) {
	dir := t.TempDir()
	C := mat.NewDense(10, 2, []float64{
		14.545942563628238, 10.614426763468202, 10.290369353724477, 0.550432303475255,
		10.15799017727031, 0.4829783974574071, 6.424252688976393, 0.04125692090326716,
		5.753512528290576, 5.866311504423285, 12.245155465255877, 3.6321080963707733,
		6.963400917289088, 0.7881193938082207, 3.676045532503952, 1.9022224410652857,
		2.2120236541910065, 1.6860374323090617, 7.463399855093854, 0.08177651499141758,
	})
	a := []float64{0.05641700626993104, 0.049512903034502585, 0.15448546526906548, 0.1577033753398075, 0.0921311709333635, 0.06268729159850096, 0.1778049841736719, 0.057670799525628445, 0.03409755195073138, 0.15748945190479724}
	b := []float64{0.5481414492632474, 0.4518585507367527}
	cp, ap, bp := filepath.Join(dir, "c.npy"), filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	for _, err := range []error{npy.WriteDense(cp, C), npy.WriteVector(ap, a), npy.WriteVector(bp, b)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	plan := filepath.Join(dir, "p.npy")
	args := []string{"--cost", cp, "--a", ap, "--b", bp, "--reg", "0.02", "--json", "--plan", plan}
	code, out, errs := otRun(t, append(args, "--method", "sinkhorn")...)
	if code != 1 || out != "" {
		t.Fatalf("sinkhorn: exit %d, stdout %q, stderr %q; want exit 1 and no result", code, out, errs)
	}
	for _, s := range []string{"subspace: ot: sinkhorn: numerical underflow", "where the plan is not negligible", "use method sinkhorn-log"} {
		if !strings.Contains(errs, s) {
			t.Errorf("stderr %q does not say %q", errs, s)
		}
	}
	if strings.Count(strings.TrimRight(errs, "\n"), "\n") != 0 {
		t.Errorf("error is not one line: %q", errs)
	}
	if _, err := os.Stat(plan); !os.IsNotExist(err) {
		t.Errorf("a plan was written for a failed solve: %v", err)
	}
	code, out, errs = otRun(t, append(args, "--method", "sinkhorn-log")...)
	if code != 0 {
		t.Fatalf("sinkhorn-log: exit %d, stderr %q", code, errs)
	}
	if c := solveJSON(t, out)["cost"].(float64); math.Abs(c-4.0551247492204565) > 1e-8 {
		t.Errorf("sinkhorn-log cost %.12g, POT 4.05512474922", c)
	}
}

// TestOTConvergedMeansPlan: on costs C_ij = 1e6·(1 + (i + j) mod 2) at
// reg 0.01 a sixth of the mass must sit at (C − min C)/reg = 1e8, where
// the log-domain potentials keep ~1e-8 relative accuracy (and Sinkhorn's
// rate is nil), so tol 1e-9 is out of reach. (The test used a constant
// cost of 1e6, which the solvers now shift to 0 and solve exactly.)
// stabilized and
// eps-scaling used to print converged (marginal error 6.6e-9, "below
// 1e-09") and exit 0; every entropic method must print converged false
// and exit 3, with the marginal_error of the written plan.
func TestOTConvergedMeansPlan(t *testing.T) {
	dir := t.TempDir()
	C := mat.NewDense(3, 4, nil)
	for i := range 3 {
		for j := range 4 {
			C.Set(i, j, 1e6*float64(1+(i+j)%2))
		}
	}
	cp := filepath.Join(dir, "c.npy")
	if err := npy.WriteDense(cp, C); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"sinkhorn-log", "stabilized", "eps-scaling", "sns"} {
		t.Run(method, func(t *testing.T) {
			plan := filepath.Join(dir, method+".npy")
			code, out, errs := otRun(t, "--cost", cp, "--reg", "0.01", "--method", method, "--json", "--plan", plan)
			if code != 3 {
				t.Fatalf("exit %d, want 3; stdout %q stderr %q", code, out, errs)
			}
			got := solveJSON(t, out)
			if got["converged"] != false {
				t.Errorf("converged %v (%v)", got["converged"], got["reason"])
			}
			P, err := npy.ReadDense(plan)
			if err != nil {
				t.Fatal(err)
			}
			var er, ec float64
			for i := range 3 {
				d := mat.Sum(P.RowView(i)) - 1.0/3
				er += d * d
			}
			for j := range 4 {
				d := mat.Sum(P.ColView(j)) - 0.25
				ec += d * d
			}
			me := math.Sqrt(er) + math.Sqrt(ec)
			if rep := got["marginal_error"].(float64); math.Abs(rep-me) > 1e-15 || me <= 1e-9 {
				t.Errorf("marginal_error %.6g, the written plan's %.6g (tol 1e-9)", rep, me)
			}
		})
	}
}

// A problem whose dense matrices cannot fit is refused before they are
// allocated, with what they are.
func TestOTMemoryCheck(t *testing.T) {
	gib := sysmem.Limit{Bytes: 1 << 30, Source: sysmem.SourceRAM}
	for _, tc := range []struct {
		n, m       int
		method     string
		fromPoints bool
		want       string // "" when it fits
	}{
		{5000, 5000, "sinkhorn-log", true, ""},
		{100_000, 100_000, "sns", true, "ot: a 100000×100000 problem needs at least 149.0 GiB for the cost matrix and the plan, more than this machine's 1.0 GiB of memory"},
		{8000, 8000, "sinkhorn", true, "needs at least 1.4 GiB for the cost matrix and the plan and the kernel exp(-C/reg)"},
		{8000, 8000, "sinkhorn-log", false, ""},
		{12_000, 12_000, "emd", false, "needs at least 1.1 GiB for the plan,"},
	} {
		err := checkOTMemory(tc.n, tc.m, tc.method, tc.fromPoints, gib)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%d×%d %s: refused: %v", tc.n, tc.m, tc.method, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%d×%d %s: error %v, want one containing %q", tc.n, tc.m, tc.method, err, tc.want)
		}
	}
}
