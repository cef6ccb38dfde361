// Command ot benchmarks package ot against POT on the same inputs, in one
// run: it generates each case in Go, writes it as .npy to a temporary
// directory, times every subspace method (median of --reps runs; runs
// longer than 20 s are timed once), runs anchor.py (POT 0.8.2 via
// /usr/bin/python3) on the same files, and prints a table of methods ×
// (iterations, median seconds, POT iterations, POT seconds, POT/subspace
// ratio, max |P − P_POT|), or one JSON object with --json.
//
// Cases:
//
//	assignment  the SNS paper's random assignment problem: n×n costs
//	            uniform on [0,1], uniform weights, reg = 1/η, η = 1200,
//	            run to marginal error 1e-9
//	clouds      2-D Gaussian point clouds (n = m = 1000; --m M for
//	            m ≠ n), squared Euclidean cost scaled to max 1,
//	            non-uniform weights, reg = 0.01, tolerance 1e-9
//
// Usage: go run ./bench/ot [--case all|assignment|clouds] [--n N] [--m M] [--reps K] [--json]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/ot"
)

type row struct {
	Method        string    `json:"method"`
	Iterations    int       `json:"iterations"`
	Sinkhorn      int       `json:"sinkhorn_iterations,omitempty"`
	Newton        int       `json:"newton_iterations,omitempty"`
	Seconds       float64   `json:"seconds"`
	Times         []float64 `json:"times"`
	Cost          float64   `json:"cost"`
	MarginalError float64   `json:"marginal_error"`
	Converged     bool      `json:"converged"`
	Error         string    `json:"error,omitempty"`
	POT           *potRow   `json:"pot,omitempty"`
	Ratio         float64   `json:"ratio,omitempty"` // POT seconds / subspace seconds
	PlanDiff      float64   `json:"plan_diff"`       // max |P − P_POT|
}

type potRow struct {
	Iterations    int       `json:"iterations"`
	Seconds       float64   `json:"seconds"`
	Times         []float64 `json:"times"`
	Cost          float64   `json:"cost"`
	MarginalError float64   `json:"marginal_error"`
	NaN           bool      `json:"nan"`
}

type caseResult struct {
	Case    string  `json:"case"`
	N       int     `json:"n"`
	M       int     `json:"m"`
	Reg     float64 `json:"reg"`
	Tol     float64 `json:"tol"`
	Rows    []row   `json:"rows"`
	POT     string  `json:"pot_version"`
	Threads int     `json:"gomaxprocs"`
}

func main() {
	which := flag.String("case", "all", "case: all, assignment, clouds")
	n := flag.Int("n", 0, "problem size (0: 500 for assignment, 1000 for clouds)")
	m := flag.Int("m", 0, "clouds only: number of target points (0: the same as n)")
	reps := flag.Int("reps", 5, "runs per method (runs over 20 s are timed once)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	noPOT := flag.Bool("no-pot", false, "skip the POT anchor")
	methods := flag.String("methods", "", "comma-separated subset of methods (default: all for the case)")
	jsonOut := flag.String("json-out", "", "also write the JSON object to this file")
	flag.Parse()

	var results []caseResult
	for _, c := range []string{"assignment", "clouds"} {
		if *which != "all" && *which != c {
			continue
		}
		res, err := runCase(c, *n, *m, *reps, *noPOT, *methods, *asJSON)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/ot:", err)
			os.Exit(1)
		}
		results = append(results, res)
	}
	if *jsonOut != "" {
		data, _ := json.MarshalIndent(results, "", " ")
		if err := os.WriteFile(*jsonOut, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench/ot:", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", " ")
		_ = enc.Encode(results)
		return
	}
	for _, r := range results {
		printTable(r)
	}
}

func genCase(name string, n, m int) (C *mat.Dense, a, b []float64, reg float64, all []string) {
	switch name {
	case "assignment":
		if n == 0 {
			n = 500
		}
		rng := rand.New(rand.NewPCG(2024, uint64(n)))
		C = mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				C.Set(i, j, rng.Float64())
			}
		}
		return C, ot.Uniform(n), ot.Uniform(n), 1.0 / 1200,
			[]string{"sns", "sinkhorn-log", "stabilized", "eps-scaling", "sinkhorn", "emd"}
	case "clouds":
		if n == 0 {
			n = 1000
		}
		if m == 0 {
			m = n
		}
		// With m = n the draws are those of the square case before --m
		// existed (X and Y rows interleaved, then a's and b's weights).
		rng := rand.New(rand.NewPCG(7, uint64(n)))
		X := mat.NewDense(n, 2, nil)
		Y := mat.NewDense(m, 2, nil)
		for i := 0; i < max(n, m); i++ {
			if i < n {
				X.Set(i, 0, rng.NormFloat64())
				X.Set(i, 1, rng.NormFloat64())
			}
			if i < m {
				Y.Set(i, 0, 1+0.5*rng.NormFloat64())
				Y.Set(i, 1, 2*rng.NormFloat64())
			}
		}
		C = ot.CostMatrix(X, Y, ot.SqEuclidean)
		C.Scale(1/mat.Max(C), C)
		weights := func(n int) []float64 {
			w := make([]float64, n)
			s := 0.0
			for i := range w {
				w[i] = 0.5 + rng.Float64()
				s += w[i]
			}
			for i := range w {
				w[i] /= s
			}
			return w
		}
		return C, weights(n), weights(m), 0.01,
			[]string{"sinkhorn", "sinkhorn-log", "stabilized", "eps-scaling", "sns", "emd", "unbalanced"}
	}
	panic("unknown case " + name)
}

func runCase(name string, n, m, reps int, noPOT bool, only string, quiet bool) (caseResult, error) {
	if m != 0 && name != "clouds" {
		return caseResult{}, fmt.Errorf("--m applies to the clouds case only")
	}
	C, a, b, reg, methods := genCase(name, n, m)
	if only != "" {
		methods = slices.DeleteFunc(methods, func(m string) bool { return !slices.Contains(strings.Split(only, ","), m) })
	}
	const tol = 1e-9
	const maxIter = 1_000_000
	// POT's methods stop at potMaxIter iterations: its stabilised method
	// stagnates above 1e-9 on the clouds case and would otherwise run
	// 10^6 iterations (hours).
	const potMaxIter = 100_000
	r, c := C.Dims()
	res := caseResult{Case: name, N: r, M: c, Reg: reg, Tol: tol, Threads: runtime.GOMAXPROCS(0)}
	dir, err := os.MkdirTemp("", "bench-ot-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	for f, v := range map[string]any{"C.npy": C, "a.npy": a, "b.npy": b} {
		var err error
		switch v := v.(type) {
		case *mat.Dense:
			err = npy.WriteDense(filepath.Join(dir, f), v)
		case []float64:
			err = npy.WriteVector(filepath.Join(dir, f), v)
		}
		if err != nil {
			return res, err
		}
	}
	ctx := context.Background()
	plans := map[string]*mat.Dense{}
	for _, m := range methods {
		rw := row{Method: m}
		for k := 0; k < reps; k++ {
			t0 := time.Now()
			var P *mat.Dense
			var err error
			switch m {
			case "emd":
				var e *ot.EMDResult
				e, err = ot.EMD(ctx, a, b, C, nil)
				if e != nil {
					P, rw.Iterations, rw.Cost, rw.MarginalError, rw.Converged = e.Plan, e.Iterations, e.Cost, e.MarginalError, e.Converged
				}
			default:
				var s *ot.Result
				o := &ot.Options{Tol: tol, MaxIter: maxIter}
				if m == "unbalanced" {
					s, err = ot.SinkhornUnbalanced(ctx, a, b, C, reg, 1, o)
				} else {
					meth, _ := ot.ParseMethod(m)
					s, err = ot.Solve(ctx, meth, a, b, C, reg, o)
				}
				if s != nil {
					P, rw.Iterations, rw.Cost, rw.MarginalError, rw.Converged = s.Plan, s.Iterations, s.Cost, s.MarginalError, s.Converged
					if m == "sns" {
						rw.Sinkhorn, rw.Newton = s.SinkhornIterations, s.NewtonIterations
					}
				}
			}
			el := time.Since(t0).Seconds()
			if err != nil {
				rw.Error = err.Error()
			}
			rw.Times = append(rw.Times, el)
			plans[m] = P
			if !quiet {
				fmt.Fprintf(os.Stderr, "%s %s run %d: %.3fs, %d iterations, err %v\n", name, m, k+1, el, rw.Iterations, err)
			}
			if el > 20 || P == nil {
				break
			}
		}
		rw.Seconds = median(rw.Times)
		res.Rows = append(res.Rows, rw)
	}
	if noPOT {
		return res, nil
	}
	// POT has no SNS: its row compares with POT's sinkhorn_log on the
	// same problem (the method SNS accelerates).
	var potMethods []string
	for _, m := range methods {
		if m == "sns" {
			m = "sinkhorn-log"
		}
		if !slices.Contains(potMethods, m) {
			potMethods = append(potMethods, m)
		}
	}
	here, _ := os.Getwd()
	script := filepath.Join(here, "bench", "ot", "anchor.py")
	if _, err := os.Stat(script); err != nil {
		script = filepath.Join(here, "anchor.py")
	}
	cmd := exec.Command("/usr/bin/python3", script, "--dir", dir, "--methods", strings.Join(potMethods, ","),
		"--reg", fmt.Sprint(reg), "--tol", fmt.Sprint(tol), "--maxiter", fmt.Sprint(potMaxIter), "--reps", fmt.Sprint(reps))
	// One BLAS thread, as the other anchors run (benchutil): POT's
	// scaling iterations call NumPy's dot, which OpenBLAS may split
	// between the cores.
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if !quiet {
		fmt.Fprintf(os.Stderr, "%s: running POT (%s)\n", name, strings.Join(potMethods, ","))
	}
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("anchor.py: %w", err)
	}
	var pot struct {
		POT     string             `json:"pot"`
		Methods map[string]*potRow `json:"methods"`
	}
	if err := json.Unmarshal(out.Bytes(), &pot); err != nil {
		return res, fmt.Errorf("anchor.py output: %w", err)
	}
	res.POT = pot.POT
	for i := range res.Rows {
		rw := &res.Rows[i]
		pm := rw.Method
		if pm == "sns" {
			pm = "sinkhorn-log"
		}
		p := pot.Methods[pm]
		if p == nil {
			continue
		}
		rw.POT = p
		rw.Ratio = p.Seconds / rw.Seconds
		rw.PlanDiff = math.NaN()
		if P := plans[rw.Method]; P != nil {
			if Q, err := npy.ReadDense(filepath.Join(dir, "pot_plan_"+pm+".npy")); err == nil {
				var d mat.Dense
				d.Sub(P, Q)
				rw.PlanDiff = maxAbs(&d)
			}
		}
	}
	return res, nil
}

func maxAbs(d *mat.Dense) float64 {
	m := 0.0
	for _, v := range d.RawMatrix().Data {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printTable(r caseResult) {
	fmt.Printf("\ncase %s: %d×%d, reg %.6g, tol %g, GOMAXPROCS %d, POT %s\n", r.Case, r.N, r.M, r.Reg, r.Tol, r.Threads, r.POT)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\titerations\tseconds\tmarginal err\tPOT iterations\tPOT seconds\tPOT marg err\tratio POT/ours\tmax|P-P_POT|\t")
	for _, rw := range r.Rows {
		it := fmt.Sprint(rw.Iterations)
		if rw.Method == "sns" {
			it = fmt.Sprintf("%d (%d+%d)", rw.Iterations, rw.Sinkhorn, rw.Newton)
		}
		if rw.Error != "" && !rw.Converged {
			it += " !"
		}
		pi, ps, pe, ratio, diff := "-", "-", "-", "-", "-"
		if p := rw.POT; p != nil {
			pi = fmt.Sprint(p.Iterations)
			if p.Iterations < 0 {
				pi = "n/a"
			}
			ps = fmt.Sprintf("%.4g", p.Seconds)
			pe = fmt.Sprintf("%.2g", p.MarginalError)
			if p.NaN {
				pe = "NaN"
			}
			ratio = fmt.Sprintf("%.1f", rw.Ratio)
			diff = fmt.Sprintf("%.1e", rw.PlanDiff)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4g\t%.2g\t%s\t%s\t%s\t%s\t%s\t\n", rw.Method, it, rw.Seconds, rw.MarginalError, pi, ps, pe, ratio, diff)
	}
	tw.Flush()
	for _, rw := range r.Rows {
		if rw.Error != "" {
			fmt.Printf("  %s: %s\n", rw.Method, rw.Error)
		}
	}
}
