package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/pde"
	"github.com/subspace-lab/subspace/sequence"
	"github.com/subspace-lab/subspace/sparse"
)

// seqWriteDarcy writes count Darcy systems (grid g, seed 5) as Matrix Market
// files and returns their paths and matrices.
func seqWriteDarcy(t *testing.T, dir string, g, count int) ([]string, []*sparse.CSR) {
	t.Helper()
	f, err := pde.New("darcy", g)
	if err != nil {
		t.Fatal(err)
	}
	paths := make([]string, count)
	mats := make([]*sparse.CSR, count)
	for i := range count {
		A, _, err := f.Assemble(f.Field(5, i))
		if err != nil {
			t.Fatal(err)
		}
		paths[i] = filepath.Join(dir, fmt.Sprintf("A%d.mtx", i))
		if err := sparse.SaveMM(paths[i], A, nil); err != nil {
			t.Fatal(err)
		}
		mats[i] = A
	}
	return paths, mats
}

// TestSequenceAgainstDenseSolves: a sequence of Darcy matrices with one
// right-hand side per file, solved with recycling and compared with
// GMRES: every solution equals a dense direct solve, the JSON report has
// the documented keys and one entry per file, and recycling needs fewer
// products with A than GMRES.
func TestSequenceAgainstDenseSolves(t *testing.T) {
	dir := t.TempDir()
	const g, count = 10, 6
	n := g * g
	paths, mats := seqWriteDarcy(t, dir, g, count)
	B := make([]float64, count*n)
	for i := range B {
		B[i] = math.Sin(float64(i)) + 0.5
	}
	rhs := filepath.Join(dir, "B.npy")
	if err := npy.WriteArray(rhs, npy.Array{Shape: []int{count, n}, Data: B}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "X.npy")
	args := append([]string{"sequence"}, paths...)
	args = append(args, "--rhs", rhs, "--rtol", "1e-10", "--k", "8", "--m", "20", "--compare", "--out", out, "--json")
	code, stdout, stderr := dgRun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep := dgReport(t, stdout)
	for _, key := range []string{"count", "unknowns", "baseline_iterations", "recycled_iterations", "baseline_seconds", "recycled_seconds", "speedup_time", "speedup_iterations", "max_solution_difference", "recycled_resets"} {
		if _, ok := rep[key].(float64); !ok {
			t.Errorf("JSON key %s = %v", key, rep[key])
		}
	}
	if rep["count"].(float64) != count || rep["unknowns"].(float64) != float64(n) || rep["solver"] != "GCRO-DR(20,8)" || rep["baseline"] != "GMRES(20)" {
		t.Errorf("report header %v", rep)
	}
	if rep["recycled_iterations"].(float64) >= rep["baseline_iterations"].(float64) {
		t.Errorf("recycling used %v products per system, GMRES %v", rep["recycled_iterations"], rep["baseline_iterations"])
	}
	systems := rep["systems"].([]any)
	if len(systems) != count {
		t.Fatalf("%d systems in the report", len(systems))
	}
	for i, s := range systems {
		s := s.(map[string]any)
		if s["file"] != paths[i] || s["position"].(float64) != float64(i) || s["converged"] != true || s["baseline_converged"] != true {
			t.Errorf("system %d: %v", i, s)
		}
	}
	// Reading each file again for its solve (--keep=false) gives the same
	// solves.
	code, stdout2, stderr := dgRun(t, append(slices.Clone(args), "--keep=false", "--force")...)
	if code != 0 {
		t.Fatalf("--keep=false: exit %d: %s", code, stderr)
	}
	for i, s := range dgReport(t, stdout2)["systems"].([]any) {
		if got, want := s.(map[string]any)["iterations"], systems[i].(map[string]any)["iterations"]; got != want {
			t.Errorf("--keep=false: system %d took %v iterations, %v with the kept matrices", i, got, want)
		}
	}
	wants := make([][]float64, count)
	for i, A := range mats {
		var want mat.VecDense
		if err := want.SolveVec(A.ToDense(), mat.NewVecDense(n, B[i*n:(i+1)*n])); err != nil {
			t.Fatal(err)
		}
		wants[i] = want.RawVector().Data
	}
	checkOut := func(label string) {
		t.Helper()
		X, err := npy.ReadArray(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(X.Shape) != 2 || X.Shape[0] != count || X.Shape[1] != n {
			t.Fatalf("%s: --out shape %v", label, X.Shape)
		}
		for i := range wants {
			// cond(A) < 1e3 on a 10×10 grid: rtol 1e-10 gives < 1e-7.
			if e := relDiff(X.Data[i*n:(i+1)*n], wants[i]); e > 1e-7 {
				t.Errorf("%s: file %d: solution differs from the dense solve by %.3g", label, i, e)
			}
		}
	}
	checkOut("default")
	if rep["orthog"] != "auto" {
		t.Errorf("orthog %v, want auto", rep["orthog"])
	}
	// The other Gram–Schmidt variants (both lanes) solve the same systems.
	for _, o := range []string{"once", "twice"} {
		code, stdout, stderr := dgRun(t, append(slices.Clone(args), "--orthog", o, "--force")...)
		if code != 0 {
			t.Fatalf("--orthog %s: exit %d: %s", o, code, stderr)
		}
		if r := dgReport(t, stdout); r["orthog"] != o || r["baseline_not_converged"] != 0.0 {
			t.Errorf("--orthog %s: report %v", o, r)
		}
		checkOut("--orthog " + o)
	}
}

// TestSequenceGreedyOrder: --sort greedy orders the files by the
// Frobenius distance between the matrices, from the first file: for
// A(t) = L + t·I the distance is |t − t'|·√n, so the order follows the
// nearest t each time.
func TestSequenceGreedyOrder(t *testing.T) {
	dir := t.TempDir()
	ts := []float64{0.5, 0.12, 0.9, 0.33, 0.71}
	L := sparse.Laplacian2D(6, 6)
	var paths []string
	for i, s := range ts {
		A := sparse.Add(1, L, s, sparse.Identity(36))
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("t%d.mtx", i)))
		if err := sparse.SaveMM(paths[i], A, nil); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := dgRun(t, append(append([]string{"sequence"}, paths...), "--sort", "greedy", "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep := dgReport(t, stdout)
	want := []float64{0, 3, 1, 4, 2}
	order := rep["order"].([]any)
	for p, w := range want {
		if order[p].(float64) != w {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
	// Text output names the order and every system converged.
	code, stdout, _ = dgRun(t, append(append([]string{"sequence"}, paths...), "--sort", "greedy")...)
	if code != 0 || !strings.Contains(stdout, "sort greedy") || !strings.Contains(stdout, "GCRO-DR(40,20)") {
		t.Errorf("exit %d, text output:\n%s", code, stdout)
	}
}

// TestSequenceGroupedOrder: --sort grouped on A(t) = L + t·I for 25
// shuffled values of t. The count sketches are affine in t, so the
// principal components reduce to one, the bins split the range of t in
// two, and the greedy walk inside each keeps the path in t short: at most
// twice the range, where the order given walks about seven times it. The
// order is the library's sequence.Grouped of the sketches, and every
// system converges.
func TestSequenceGroupedOrder(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(4, 4))
	ts := make([]float64, 25)
	for i := range ts {
		ts[i] = float64(i) / 24
	}
	rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	// The first file in the middle of the range, so that greedy (which
	// starts there) and grouped (which starts in a bin of one half) differ.
	m := slices.Index(ts, 0.5)
	ts[0], ts[m] = ts[m], ts[0]
	L := sparse.Laplacian2D(6, 6)
	var paths []string
	var mats []*sparse.CSR
	for i, s := range ts {
		A := sparse.Add(1, L, s, sparse.Identity(36))
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("t%d.mtx", i)))
		if err := sparse.SaveMM(paths[i], A, nil); err != nil {
			t.Fatal(err)
		}
		mats = append(mats, A)
	}
	path := func(order []int) float64 {
		d := 0.0
		for p := 1; p < len(order); p++ {
			d += math.Abs(ts[order[p]] - ts[order[p-1]])
		}
		return d
	}
	code, stdout, stderr := dgRun(t, append(append([]string{"sequence"}, paths...), "--sort", "grouped", "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep := dgReport(t, stdout)
	var order []int
	for _, v := range rep["order"].([]any) {
		order = append(order, int(v.(float64)))
	}
	if sorted := slices.Sorted(slices.Values(order)); len(order) != len(ts) || sorted[0] != 0 || sorted[len(ts)-1] != len(ts)-1 || len(slices.Compact(sorted)) != len(ts) {
		t.Fatalf("order %v is not a permutation of 0..%d", order, len(ts)-1)
	}
	// The library's grouped ordering of the sketches, as documented.
	feats := matrixFeatures(mats)
	want := sequence.Grouped(feats, []int{len(feats[0])}, &sequence.GroupedOptions{Features: matrixSketch})
	if slices.Equal(want, sequence.Greedy(feats)) {
		t.Fatal("grouped and greedy give the same order here: the test cannot tell them apart")
	}
	if !slices.Equal(order, want) {
		t.Errorf("order %v, sequence.Grouped gives %v", order, want)
	}
	given := make([]int, len(ts))
	for i := range given {
		given[i] = i
	}
	if p, g := path(order), path(given); p > 2 || g < 5 {
		t.Errorf("path in t: grouped %.2f (want ≤ 2), given order %.2f", p, g)
	}
	if rep["sort"] != "grouped" || rep["recycled_not_converged"] != 0.0 {
		t.Errorf("report: sort %v, not converged %v", rep["sort"], rep["recycled_not_converged"])
	}
}

// matrixSketch keeps Frobenius distances to within about 1/√256 of
// their size: on pairs of random vectors of 5 000 values, the sketch
// distance is within 25% of the true one.
func TestMatrixSketchDistances(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	vec := func() []float64 {
		v := make([]float64, 5000)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	dist := func(a, b []float64) float64 {
		s := 0.0
		for i := range a {
			s += (a[i] - b[i]) * (a[i] - b[i])
		}
		return math.Sqrt(s)
	}
	for trial := range 10 {
		a, b := vec(), vec()
		if r := dist(matrixSketch(a), matrixSketch(b)) / dist(a, b); r < 0.75 || r > 1.25 {
			t.Errorf("trial %d: sketch distance / distance = %.3f", trial, r)
		}
	}
	if got := matrixSketch(nil); len(got) != sketchDims {
		t.Errorf("sketch of an empty vector has %d values", len(got))
	}
}

// TestSequenceGreedyDifferentPatterns: matrices that do not share a
// pattern are ordered by their Frobenius distance over the union of the
// patterns; the order equals a brute-force greedy walk over the dense
// matrices.
func TestSequenceGreedyDifferentPatterns(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 1))
	const n, count = 12, 7
	var paths []string
	var dense []*mat.Dense
	for i := range count {
		// A diagonally dominant matrix whose off-diagonal pattern is
		// random: about a third of the entries of a band, different in
		// every file.
		A := randomBanded(rng, n, 4, 3, 0.35)
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("p%d.mtx", i)))
		if err := sparse.SaveMM(paths[i], A, nil); err != nil {
			t.Fatal(err)
		}
		dense = append(dense, A.ToDense())
	}
	// Brute-force greedy from file 0 (ties to the lower index).
	want := []int{0}
	used := map[int]bool{0: true}
	for len(want) < count {
		cur, best, bestD := want[len(want)-1], -1, math.Inf(1)
		for j := range count {
			if used[j] {
				continue
			}
			var d mat.Dense
			d.Sub(dense[cur], dense[j])
			if f := mat.Norm(&d, 2); f < bestD {
				best, bestD = j, f
			}
		}
		want, used[best] = append(want, best), true
	}
	code, stdout, stderr := dgRun(t, append(append([]string{"sequence"}, paths...), "--sort", "greedy", "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	order := dgReport(t, stdout)["order"].([]any)
	for p, w := range want {
		if int(order[p].(float64)) != w {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
}

// TestSequenceRepeatedMatrix: when consecutive files hold the same matrix
// its preconditioner and recycled space are kept (reused_matrix), and with
// --project the later right-hand sides, combinations of the earlier ones,
// need no iterations.
func TestSequenceRepeatedMatrix(t *testing.T) {
	dir := t.TempDir()
	paths, _ := seqWriteDarcy(t, dir, 8, 1)
	n := 64
	files := []string{paths[0], paths[0], paths[0], paths[0]}
	B := make([]float64, 4*n)
	for j := range n {
		B[j], B[n+j] = math.Cos(float64(j)), float64(j%3)
		B[2*n+j] = 2*B[j] - B[n+j]
		B[3*n+j] = B[j] + 0.5*B[n+j]
	}
	rhs := filepath.Join(dir, "B.npy")
	if err := npy.WriteArray(rhs, npy.Array{Shape: []int{4, n}, Data: B}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := dgRun(t, append(append([]string{"sequence"}, files...), "--rhs", rhs, "--precond", "ilu0", "--project", "4", "--rtol", "1e-8", "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	systems := dgReport(t, stdout)["systems"].([]any)
	for i, s := range systems {
		s := s.(map[string]any)
		if reused := s["reused_matrix"] == true; reused != (i > 0) {
			t.Errorf("system %d: reused_matrix = %v", i, s["reused_matrix"])
		}
		if i >= 2 && s["iterations"].(float64) != 0 {
			t.Errorf("system %d (a combination of the first two): %v iterations", i, s["iterations"])
		}
	}
}

// TestSequenceBadInput: each bad argument or file gives one clear line on
// stderr and the documented exit status; a sequence that does not converge
// prints its report and exits with 3.
func TestSequenceBadInput(t *testing.T) {
	dir := t.TempDir()
	paths, _ := seqWriteDarcy(t, dir, 6, 2)
	other, _ := seqWriteDarcy(t, t.TempDir(), 5, 1) // 25 unknowns, not 36
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rect := write("rect.mtx", "%%MatrixMarket matrix coordinate real general\n2 3 1\n1 1 1\n")
	nan := write("nan.mtx", "%%MatrixMarket matrix coordinate real general\n36 36 1\n3 3 nan\n")
	noDiag := write("nodiag.mtx", "%%MatrixMarket matrix coordinate real general\n36 36 1\n1 2 1\n")
	overflow := write("overflow.mtx", "%%MatrixMarket matrix coordinate real general\n36 36 2\n3 1 1e308\n3 2 1e308\n")
	badRHS := filepath.Join(dir, "b.npy")
	if err := npy.WriteVector(badRHS, make([]float64, 7)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no files", nil, 2, "one or more matrix files"},
		{"bad sort", []string{paths[0], "--sort", "random"}, 2, "--sort must be none, greedy or grouped"},
		{"k >= m", []string{paths[0], "--k", "40"}, 2, "--k must be in [0, m)"},
		{"rtol 0", []string{paths[0], "--rtol", "0"}, 2, "--rtol must be in (0, 1), got 0"},
		{"rtol 5", []string{paths[0], "--rtol", "5"}, 2, "--rtol must be in (0, 1), got 5"},
		{"bad precond", []string{paths[0], "--precond", "amg"}, 2, "unknown --precond"},
		{"omega without ssor", []string{paths[0], "--omega", "1.2"}, 2, "--omega applies to --precond ssor"},
		{"bad orthog", []string{paths[0], "--orthog", "mgs"}, 2, `--orthog must be auto, once or twice, got "mgs"`},
		{"missing file", []string{paths[0], filepath.Join(dir, "none.mtx")}, 1, "none.mtx"},
		{"other size", []string{paths[0], other[0]}, 1, "all matrices must have the same size"},
		{"rectangular", []string{rect}, 1, "square matrices"},
		{"NaN", []string{paths[0], nan}, 1, "nan.mtx"},
		// The default b = A·1 overflowed: each system using it failed
		// with "b[2] = +Inf", a vector the user never gave (exit 3).
		{"default rhs overflows", []string{paths[0], overflow}, 1, "the default right-hand side b = A·1 is not finite: row 3 of " + overflow + " sums to +Inf; give --rhs"},
		{"rhs shape", []string{paths[0], paths[1], "--rhs", badRHS}, 1, "want (36,), (36, 1) or (1, 36) for one right-hand side or (2, 36)"},
		{"rhs before the other files", []string{paths[0], nan, "--rhs", badRHS}, 1, "--rhs"},
		{"out directory", []string{paths[0], "--out", filepath.Join(dir, "no", "X.npy")}, 2, "does not exist"},
		// A preconditioner that fails during the solves names the file
		// (it said "for system 2", a 0-based position in the list of
		// files, to be counted out by hand).
		{"preconditioner fails", []string{paths[0], paths[1], noDiag, "--precond", "jacobi"}, 1, "preconditioner jacobi for " + noDiag + ": "},
		{"preconditioner option", []string{paths[0], "--precond", "asm", "--blocks", "37"}, 2, "preconditioner asm for " + paths[0] + ": "},
		{"not converged", []string{paths[0], paths[1], "--maxiter", "2"}, 3, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := dgRun(t, append([]string{"sequence"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, stderr)
			}
			if tc.code == 3 {
				if !strings.Contains(stdout, "not converged") {
					t.Errorf("no report of the unconverged systems:\n%s", stdout)
				}
				return
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q, want one line containing %q", stderr, tc.want)
			}
		})
	}
}

// A sequence whose solvers (or --out) cannot fit in memory is refused
// before they are allocated, with the estimate and the limit.
func TestSequenceMemoryCheck(t *testing.T) {
	gib := sysmem.Limit{Bytes: 1 << 30, Source: sysmem.SourceRAM}
	for _, tc := range []struct {
		name string
		f    sequenceFlags
		N, n int
		want string // "" when the sequence fits
	}{
		{"fits", sequenceFlags{m: 40, k: 20}, 10, 1e5, ""},
		{"solver too large", sequenceFlags{m: 40, k: 20}, 1, 1e8, "1 systems of 100000000 unknowns with --m 40 --k 20 need at least 93.9 GiB (the solvers' vectors), more than this machine's 1.0 GiB of memory; choose a smaller --m or --k"},
		{"baseline counted", sequenceFlags{m: 40, k: 20, compare: true}, 1, 1e6, "need at least 1.3 GiB (the solvers' vectors)"},
		{"solutions too large", sequenceFlags{m: 40, k: 20, out: "X.npy"}, 2000, 1e5, "(the solvers' vectors and the solutions of --out), more than this machine's 1.0 GiB of memory; choose a smaller --m or --k, or split the sequence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.checkMemory(tc.N, tc.n, gib)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSequenceRecycledSpaceAcrossRuns: a sequence split in two runs keeps
// recycling when the first writes its recycled space (--recycle-to) and
// the second starts from it (--recycle-from): the second run's first
// system then needs fewer Arnoldi steps than from an empty space. The
// file is n×r with r ≤ k; bad files are refused before any solve.
func TestSequenceRecycledSpaceAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	paths, _ := seqWriteDarcy(t, dir, 12, 8)
	n := 144
	U := filepath.Join(dir, "U.npy")
	first := append([]string{"sequence"}, paths[:4]...)
	if code, _, stderr := dgRun(t, append(first, "--k", "10", "--m", "20", "--recycle-to", U, "--json")...); code != 0 {
		t.Fatalf("first half: exit %d: %s", code, stderr)
	}
	a, err := npy.ReadArray(U)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != n || a.Shape[1] < 1 || a.Shape[1] > 10 {
		t.Fatalf("recycled space has shape %v, want (%d, r ≤ 10)", a.Shape, n)
	}
	second := append([]string{"sequence"}, paths[4:]...)
	firstIts := func(extra ...string) float64 {
		t.Helper()
		code, stdout, stderr := dgRun(t, append(append(second, "--k", "10", "--m", "20", "--json"), extra...)...)
		if code != 0 {
			t.Fatalf("second half %v: exit %d: %s", extra, code, stderr)
		}
		return dgReport(t, stdout)["systems"].([]any)[0].(map[string]any)["iterations"].(float64)
	}
	cold, warm := firstIts(), firstIts("--recycle-from", U)
	if !(warm < cold) {
		t.Errorf("first system of the second half: %v Arnoldi steps with the imported space, %v without", warm, cold)
	}

	wrongRows := filepath.Join(dir, "rows.npy")
	if err := npy.WriteArray(wrongRows, npy.Array{Shape: []int{n - 1, 2}, Data: make([]float64, 2*(n-1))}); err != nil {
		t.Fatal(err)
	}
	tooWide := filepath.Join(dir, "wide.npy")
	if err := npy.WriteArray(tooWide, npy.Array{Shape: []int{n, 11}, Data: make([]float64, 11*n)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--recycle-from", wrongRows}, 1, "the systems have 144 unknowns"},
		{[]string{"--recycle-from", tooWide}, 1, "r ≤ --k = 10"},
		{[]string{"--recycle-from", filepath.Join(dir, "none.npy")}, 1, "--recycle-from"},
		{[]string{"--recycle-to", filepath.Join(dir, "no", "U.npy")}, 2, "does not exist"},
		{[]string{"--k", "0", "--recycle-to", U}, 2, "need a recycled space"},
	} {
		args := append(append(slices.Clone(second), "--k", "10", "--m", "20"), tc.args...)
		code, stdout, stderr := dgRun(t, args...)
		if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d mentioning %q", tc.args, code, stdout, stderr, tc.code, tc.want)
		}
	}
}

// TestSequenceReportsRecycledFiles: --recycle-to and --recycle-from are
// reported like --out (the text named only --out, the JSON held neither),
// with the r of the n×r space written, which the run's output did not say.
func TestSequenceReportsRecycledFiles(t *testing.T) {
	dir := t.TempDir()
	paths, _ := seqWriteDarcy(t, dir, 8, 3)
	U := filepath.Join(dir, "U.npy")
	for _, tc := range []struct {
		name   string
		args   []string
		stdout []string
	}{
		{"text to", []string{"--recycle-to", U}, []string{"wrote " + U + ": recycled space 64×"}},
		{"json to", []string{"--recycle-to", U, "--force", "--json"}, []string{`"recycle_to":"` + U + `"`, `"recycle_to_columns":`}},
		{"json from and to", []string{"--recycle-from", U, "--recycle-to", U, "--force", "--json"}, []string{`"recycle_from":"` + U + `"`, `"recycle_to":"` + U + `"`}},
		{"json neither", []string{"--json"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"sequence"}, paths...), append([]string{"--k", "5", "--m", "10", "--progress=false"}, tc.args...)...)
			code, stdout, stderr := dgRun(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout %q does not contain %q", stdout, w)
				}
			}
			if tc.stdout == nil && strings.Contains(stdout, "recycle_") {
				t.Errorf("stdout %q reports recycled-space files that were not given", stdout)
			}
			if !strings.Contains(tc.name, "json") {
				return
			}
			rep := dgReport(t, stdout)
			if r, ok := rep["recycle_to_columns"].(float64); ok {
				a, err := npy.ReadArray(U)
				if err != nil {
					t.Fatal(err)
				}
				if len(a.Shape) != 2 || float64(a.Shape[1]) != r {
					t.Errorf("recycle_to_columns %v, file shape %v", r, a.Shape)
				}
			}
		})
	}
}

// TestSequenceEmptyMatrices: 0×0 systems are solved trivially, and the
// speedups, 0/0, print as "-" rather than NaN.
func TestSequenceEmptyMatrices(t *testing.T) {
	p := filepath.Join(t.TempDir(), "z.mtx")
	if err := os.WriteFile(p, []byte("%%MatrixMarket matrix coordinate real general\n0 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := dgRun(t, "sequence", p, p, "--compare", "--sort", "greedy")
	if code != 0 || strings.Contains(stdout, "NaN") || !strings.Contains(stdout, "products with A") {
		t.Errorf("exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
}

// A system on which the solver breaks down (here a zero matrix) is
// reported on stderr as a solver failure, not only as not converged.
func TestSequenceBreakdownOnStderr(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zero.mtx")
	if err := os.WriteFile(path, []byte("%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 0\n2 2 0\n3 3 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := dgRun(t, "sequence", path, path, "--rhs", "ones")
	if code != 3 || !strings.Contains(stderr, "2 of 2 systems did not converge, 2 of them by a solver failure (first: "+path+": ") ||
		!strings.Contains(stderr, "breakdown") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// A small --m alone caps the default --k (20) at m − 1, as datagen does:
// --m 10 was refused with "--k must be in [0, m) = [0, 10), got 20" for
// a k the user never set. An explicit --k is still checked.
func TestSequenceDefaultKCapped(t *testing.T) {
	paths, _ := seqWriteDarcy(t, t.TempDir(), 6, 2)
	code, stdout, stderr := dgRun(t, "sequence", paths[0], paths[1], "--m", "10", "--json")
	if code != 0 {
		t.Fatalf("--m 10: exit %d: %s", code, stderr)
	}
	if rep := dgReport(t, stdout); rep["solver"] != "GCRO-DR(10,9)" {
		t.Errorf("solver %v, want GCRO-DR(10,9)", rep["solver"])
	}
	// --m 1 is GMRES(1) without recycling (k capped at 0), as in
	// datagen; it was refused with "--m must be >= 2".
	code, stdout, stderr = dgRun(t, "sequence", paths[0], paths[1], "--m", "1", "--json")
	if rep := dgReport(t, stdout); code == 2 || rep["solver"] != "GCRO-DR(1,0)" {
		t.Errorf("--m 1: exit %d, solver %v: %s", code, rep["solver"], stderr)
	}
	code, _, stderr = dgRun(t, "sequence", paths[0], "--m", "0")
	if code != 2 || !strings.Contains(stderr, "--m must be >= 1, got 0") {
		t.Errorf("--m 0: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = dgRun(t, "sequence", paths[0], "--m", "10", "--k", "12")
	if code != 2 || !strings.Contains(stderr, "--k must be in [0, m) = [0, 10), got 12") {
		t.Errorf("explicit --k 12: exit %d, stderr %q", code, stderr)
	}
}

// The exit status follows the recycled solves only: with --compare, a
// GMRES(m) baseline that reaches --maxiter is reported (not converged 2)
// but the status stays 0 when GCRO-DR converged on every system, as the
// help says. On gent113 at rtol 1e-8, GMRES(40) needs 1 000-odd steps and
// GCRO-DR(40, 20) about 250.
func TestSequenceBaselineFailureKeepsStatus(t *testing.T) {
	path := filepath.Join(infoMatrices, "gent113.mtx")
	code, stdout, stderr := dgRun(t, "sequence", path, path, "--compare", "--maxiter", "600", "--rtol", "1e-8", "--json")
	if code != 0 {
		t.Fatalf("exit %d, want 0: %s", code, stderr)
	}
	rep := dgReport(t, stdout)
	if rep["baseline_not_converged"] != 2.0 || rep["recycled_not_converged"] != 0.0 {
		t.Errorf("baseline_not_converged %v, recycled_not_converged %v; want 2 and 0", rep["baseline_not_converged"], rep["recycled_not_converged"])
	}
}

// randomBanded returns an n×n matrix with diagonal diag + U(0, 1) and,
// within half places of it, each off-diagonal entry U(−½, ½) stored with
// probability p: diagonally dominant for small p·half, with a random
// pattern.
func randomBanded(rng *rand.Rand, n int, diag float64, half int, p float64) *sparse.CSR {
	coo := sparse.NewCOO(n, n, 0)
	for r := range n {
		coo.Append(r, r, diag+rng.Float64())
		for c := max(0, r-half); c < min(n, r+half+1); c++ {
			if c != r && rng.Float64() < p {
				coo.Append(r, c, rng.Float64()-0.5)
			}
		}
	}
	return coo.ToCSR()
}

// --rhs takes one right-hand side as a column (n, 1) or a row (1, n), as
// solve --rhs does; sequence refused them ("want (36,) for one
// right-hand side").
func TestSequenceColumnRHS(t *testing.T) {
	dir := t.TempDir()
	paths, _ := seqWriteDarcy(t, dir, 6, 2)
	b := make([]float64, 36)
	for i := range b {
		b[i] = 1 + float64(i%5)
	}
	var iters []any
	for _, shape := range [][]int{{36}, {36, 1}, {1, 36}} {
		rhs := filepath.Join(dir, fmt.Sprintf("b%v.npy", shape[0]))
		if err := npy.WriteArray(rhs, npy.Array{Shape: shape, Data: b}); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := dgRun(t, "sequence", paths[0], paths[1], "--rhs", rhs, "--json")
		if code != 0 {
			t.Fatalf("shape %v: exit %d: %s", shape, code, stderr)
		}
		iters = append(iters, dgReport(t, stdout)["recycled_iterations"])
	}
	if iters[0] != iters[1] || iters[0] != iters[2] {
		t.Errorf("products per system %v with (36,), %v with (36, 1), %v with (1, 36)", iters[0], iters[1], iters[2])
	}
}
