package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/pde"
)

// dgRun runs the CLI in-process and returns the exit status and output.
func dgRun(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// dgReport decodes --json output.
func dgReport(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	return m
}

// Every family generates valid data: shapes as documented, and every
// stored solution equals a dense direct solve of its system (regenerated
// from the seed) to the accuracy rtol allows.
func TestDatagenFamiliesAgainstDenseSolve(t *testing.T) {
	for _, fam := range pde.Names() {
		t.Run(fam, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), fam+".npz")
			code, stdout, stderr := dgRun(t, "datagen", fam, "--grid", "8", "--count", "6", "--seed", "3", "--rtol", "1e-10", "--out", out, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rep := dgReport(t, stdout)
			for _, key := range []string{"count", "baseline_iterations", "recycled_iterations", "baseline_seconds", "recycled_seconds", "speedup_time", "speedup_iterations", "recycled_resets"} {
				if _, ok := rep[key].(float64); !ok {
					t.Errorf("JSON key %s = %v", key, rep[key])
				}
			}
			if rep["count"].(float64) != 6 || rep["recycled_max_relres"].(float64) > 1e-10 {
				t.Errorf("report %v", rep)
			}
			dgCheckAgainstDense(t, out, fam, 8, 3, 6)
		})
	}
}

// dgCheckAgainstDense checks a dataset of count systems of fam on grid g
// drawn from seed, solved to rtol 1e-10 with --compare: shapes as
// documented, the stored fields equal to Field(seed, i), and every stored
// solution equal to a dense direct solve of its system.
func dgCheckAgainstDense(t *testing.T, path, fam string, g int, seed uint64, count int) {
	t.Helper()
	d, err := readDataset(path)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := pde.New(fam, g)
	if d.rows() != count || len(d.order) != count || !slicesEqualInt(d.meta.FieldShape, f.FieldShape()) || !slicesEqualInt(d.meta.SolutionShape, []int{g, g}) {
		t.Fatalf("dataset shapes: rows %d meta %+v", d.rows(), d.meta)
	}
	fl, n := prod(f.FieldShape()), g*g
	for k := 0; k < d.rows(); k++ {
		i := int(d.index[k])
		field := f.Field(seed, i)
		for j := range field {
			if d.coeff[k*fl+j] != field[j] {
				t.Fatalf("row %d: coeff differs from Field(%d, %d)", k, seed, i)
			}
		}
		A, b, err := f.Assemble(field)
		if err != nil {
			t.Fatal(err)
		}
		var want mat.VecDense
		if err := want.SolveVec(A.ToDense(), mat.NewVecDense(len(b), b)); err != nil {
			t.Fatal(err)
		}
		// cond(A) < 1e3 on the small grids of these tests: rtol 1e-10
		// gives < 1e-7.
		if e := relDiff(d.solution[k*n:(k+1)*n], want.RawVector().Data); e > 1e-7 {
			t.Errorf("system %d: solution differs from dense solve by %g", i, e)
		}
		if d.relres[k] > 1e-10 || !d.hasBase || d.baseRelres[k] > 1e-10 {
			t.Errorf("system %d: relres %g baseline %v", i, d.relres[k], d.baseRelres)
		}
	}
}

// TestDatagenOrthog: --orthog once and twice (both lanes) produce valid
// data, are reported in the JSON and recorded in the file's metadata
// (absent for the default auto).
func TestDatagenOrthog(t *testing.T) {
	for _, o := range []string{"auto", "once", "twice"} {
		t.Run(o, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "d.npz")
			code, stdout, stderr := dgRun(t, "datagen", "darcy", "--grid", "8", "--count", "6", "--seed", "3", "--rtol", "1e-10", "--orthog", o, "--out", out, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if rep := dgReport(t, stdout); rep["orthog"] != o {
				t.Errorf("JSON orthog %v, want %s", rep["orthog"], o)
			}
			dgCheckAgainstDense(t, out, "darcy", 8, 3, 6)
			d, err := readDataset(out)
			if err != nil {
				t.Fatal(err)
			}
			want := o // recorded only when it is not the default
			if o == "auto" {
				want = ""
			}
			if d.meta.Orthog != want {
				t.Errorf("meta orthog %q, want %q", d.meta.Orthog, want)
			}
		})
	}
	// The text output says which variant ran.
	code, stdout, stderr := dgRun(t, "datagen", "darcy", "--grid", "6", "--count", "3", "--orthog", "once", "--out=")
	if code != 0 || !strings.Contains(stdout, "classical Gram–Schmidt once per Arnoldi step") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestDatagenSKRCodeVariant: --scheme skr-code --grf periodic stores the
// periodic fields and the solutions of the SKR code's nonsymmetric systems
// (checked against dense solves) for darcy and helmholtz, and records both
// choices.
func TestDatagenSKRCodeVariant(t *testing.T) {
	for _, fam := range []string{"darcy", "helmholtz"} {
		t.Run(fam, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "d.npz")
			code, stdout, stderr := dgRun(t, "datagen", fam, "--grid", "8", "--count", "4", "--seed", "2", "--rtol", "1e-10",
				"--scheme", "skr-code", "--grf", "periodic", "--out", out, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rep := dgReport(t, stdout)
			if rep["scheme"] != "skr-code" || rep["grf"] != "periodic" {
				t.Errorf("report scheme %v grf %v", rep["scheme"], rep["grf"])
			}
			// The paper's GCRO-DR(40, 20), every cycle, unless told otherwise.
			if rep["solver"] != "GCRO-DR(40,20)" {
				t.Errorf("solver %v, want the paper's GCRO-DR(40,20) by default with --scheme skr-code", rep["solver"])
			}
			d, err := readDataset(out)
			if err != nil {
				t.Fatal(err)
			}
			if d.meta.Scheme != "skr-code" || d.meta.GRF != "periodic" {
				t.Errorf("meta scheme %q grf %q", d.meta.Scheme, d.meta.GRF)
			}
			var f pde.Family
			if fam == "darcy" {
				f, _ = pde.NewDarcy(8, &pde.DarcyOptions{Scheme: pde.SKRCodeScheme, PeriodicGRF: true})
			} else {
				f, _ = pde.NewHelmholtz(8, &pde.HelmholtzOptions{Scheme: pde.SKRCodeScheme, PeriodicGRF: true})
			}
			fl := prod(f.FieldShape())
			for k := 0; k < d.rows(); k++ {
				i := int(d.index[k])
				field := f.Field(2, i)
				if relDiff(d.coeff[k*fl:(k+1)*fl], field) != 0 {
					t.Fatalf("row %d: coeff differs from the periodic Field(2, %d)", k, i)
				}
				A, b, _ := f.Assemble(field)
				if A.IsSymmetric(0) {
					t.Fatal("skr-code matrix is symmetric")
				}
				var want mat.VecDense
				if err := want.SolveVec(A.ToDense(), mat.NewVecDense(len(b), b)); err != nil {
					t.Fatal(err)
				}
				if e := relDiff(d.solution[k*64:(k+1)*64], want.RawVector().Data); e > 1e-7 {
					t.Errorf("system %d: solution differs from dense solve by %g", i, e)
				}
			}
		})
	}
}

// Explicit --k and --update-every win over the skr-code defaults.
func TestDatagenSKRCodeExplicitSolver(t *testing.T) {
	code, stdout, stderr := dgRun(t, "datagen", "darcy", "--grid", "8", "--count", "3", "--scheme", "skr-code",
		"--k", "6", "--update-every", "2", "--out=", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if rep := dgReport(t, stdout); rep["solver"] != "GCRO-DR(40,6)/2" {
		t.Errorf("solver %v, want GCRO-DR(40,6)/2", rep["solver"])
	}
	code, stdout, stderr = dgRun(t, "datagen", "darcy", "--grid", "8", "--count", "3", "--out=", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if rep := dgReport(t, stdout); rep["solver"] != "GCRO-DR(40,10)/3" {
		t.Errorf("flux default solver %v, want GCRO-DR(40,10)/3", rep["solver"])
	}
	// A small --m caps the default k at m−1 (it is not an error the user
	// made): both schemes.
	for _, tc := range []struct{ scheme, want string }{{"skr-code", "GCRO-DR(8,7)"}, {"flux", "GCRO-DR(8,7)/3"}} {
		code, stdout, stderr = dgRun(t, "datagen", "darcy", "--grid", "8", "--count", "3", "--scheme", tc.scheme, "--m", "8", "--out=", "--json")
		if code != 0 {
			t.Fatalf("--scheme %s --m 8: exit %d: %s", tc.scheme, code, stderr)
		}
		if rep := dgReport(t, stdout); rep["solver"] != tc.want {
			t.Errorf("--scheme %s --m 8: solver %v, want %s", tc.scheme, rep["solver"], tc.want)
		}
	}
}

func slicesEqualInt(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDatagenSortModes(t *testing.T) {
	orders := map[string][]int64{}
	for _, s := range []string{"greedy", "grouped", "none", "auto"} {
		out := filepath.Join(t.TempDir(), "d.npz")
		code, stdout, stderr := dgRun(t, "datagen", "darcy", "--grid", "8", "--count", "6", "--sort", s, "--out", out, "--compare=false")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", s, code, stderr)
		}
		want := s
		if s == "auto" {
			want = "greedy" // 6 small fields
		}
		if !strings.Contains(stdout, "sort "+want+"\n") {
			t.Errorf("%s: output %q", s, stdout)
		}
		if strings.Contains(stdout, "GMRES") {
			t.Errorf("--compare=false still ran GMRES: %s", stdout)
		}
		d, err := readDataset(out)
		if err != nil {
			t.Fatal(err)
		}
		if d.hasBase {
			t.Errorf("baseline columns without --compare")
		}
		orders[s] = d.order
	}
	for i, v := range orders["none"] {
		if v != int64(i) {
			t.Errorf("--sort none: order %v", orders["none"])
		}
	}
	if !equalI64(orders["auto"], orders["greedy"]) {
		t.Errorf("auto (small N) should be greedy: %v vs %v", orders["auto"], orders["greedy"])
	}
	// The grouped sort on every family's field layout (Helmholtz: medium
	// image plus wavenumber; Poisson: 5×6 coefficients; thermal: 2 values).
	for _, fam := range pde.Names() {
		out := filepath.Join(t.TempDir(), "g.npz")
		if code, _, stderr := dgRun(t, "datagen", fam, "--grid", "6", "--count", "9", "--sort", "grouped", "--out", out, "--compare=false"); code != 0 {
			t.Errorf("%s grouped: exit %d %s", fam, code, stderr)
		}
	}
}

func equalI64(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Shards solve contiguous slices of the same global order; merging them
// gives the unsharded dataset (same order, same fields, solutions equal
// to the tolerance: a shard starts its recycled space afresh).
func TestDatagenShardMergeRoundTrip(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.npz")
	common := []string{"datagen", "helmholtz", "--grid", "8", "--count", "7", "--seed", "5", "--rtol", "1e-9"}
	if code, _, stderr := dgRun(t, append(common, "--out", full)...); code != 0 {
		t.Fatal(stderr)
	}
	var shards []string
	for i := 0; i < 3; i++ {
		p := filepath.Join(dir, "s"+string(rune('0'+i))+".npz")
		args := append(common, "--shard", string(rune('0'+i))+"/3", "--out", p, "--json")
		if i == 2 {
			args = append(args, "--warmup", "2")
		}
		code, stdout, stderr := dgRun(t, args...)
		if code != 0 {
			t.Fatal(stderr)
		}
		rep := dgReport(t, stdout)
		if rep["shard"] != string(rune('0'+i))+"/3" || rep["total"].(float64) != 7 {
			t.Errorf("shard report %v", rep)
		}
		if i == 2 && rep["warmup_systems"].(float64) != 2 {
			t.Errorf("warm-up not run: %v", rep)
		}
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.npz")
	// Shards in any order.
	code, stdout, stderr := dgRun(t, "datagen", "merge", "--out", merged, shards[2], shards[0], shards[1])
	if code != 0 {
		t.Fatalf("merge: %s", stderr)
	}
	if !strings.Contains(stdout, "merged 3 shard files") {
		t.Errorf("merge output %q", stdout)
	}
	a, err := readDataset(full)
	if err != nil {
		t.Fatal(err)
	}
	b, err := readDataset(merged)
	if err != nil {
		t.Fatal(err)
	}
	if !equalI64(a.order, b.order) || !equalI64(a.index, b.index) || !equalI64(a.position, b.position) {
		t.Fatalf("order/index/position differ")
	}
	for i := range a.coeff {
		if a.coeff[i] != b.coeff[i] {
			t.Fatalf("coeff differs at %d", i)
		}
	}
	n := 64
	for k := 0; k < a.rows(); k++ {
		if e := relDiff(b.solution[k*n:(k+1)*n], a.solution[k*n:(k+1)*n]); e > 1e-6 {
			t.Errorf("row %d: merged solution differs by %g", k, e)
		}
	}
	if b.meta.ShardCount != 1 || b.meta.ShardIndex != 0 || !b.hasBase {
		t.Errorf("merged meta %+v", b.meta)
	}
	if b.meta.Warmup != 2 { // the largest of the shards' (the first file given has 2)
		t.Errorf("merged warmup %d, want 2", b.meta.Warmup)
	}
}

func TestDatagenBadArguments(t *testing.T) {
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.npz")
	if err := os.WriteFile(exists, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.npz")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no family", []string{"datagen"}, 2, "datagen takes one FAMILY"},
		{"two families", []string{"datagen", "darcy", "poisson"}, 2, "got 2"},
		{"unknown family", []string{"datagen", "navier"}, 2, `unknown family "navier" (known: darcy, helmholtz, poisson, thermal)`},
		{"grid 1", []string{"datagen", "darcy", "--grid", "1", "--out", out}, 2, "--grid 1: must be in 2.."},
		{"grid huge", []string{"datagen", "darcy", "--grid", "100000", "--out", out}, 2, "--grid 100000"},
		{"count 0", []string{"datagen", "darcy", "--count", "0", "--out", out}, 2, "--count 0: need at least one system"},
		{"beyond memory", []string{"datagen", "poisson", "--grid", strconv.Itoa(pde.MaxGrid), "--count", "100000", "--out", out}, 2, "(parameter fields, solutions, one matrix, preconditioners and the solvers' vectors), more than"},
		{"warmup without shard", []string{"datagen", "darcy", "--warmup", "2", "--out", out}, 2, "--warmup applies with --shard only"},
		{"shard 3/2", []string{"datagen", "darcy", "--shard", "3/2", "--out", out}, 2, "shard index must be in 0..1"},
		{"shard a/b", []string{"datagen", "darcy", "--shard", "a/b", "--out", out}, 2, "want i/N with integers"},
		{"shard 0/0", []string{"datagen", "darcy", "--shard", "0/0", "--out", out}, 2, "at least 1"},
		{"shard 1", []string{"datagen", "darcy", "--shard", "1", "--out", out}, 2, "want i/N"},
		{"shard -1/2", []string{"datagen", "darcy", "--shard", "-1/2", "--out", out}, 2, "shard index must be in 0..1"},
		{"more shards than systems", []string{"datagen", "darcy", "--count", "2", "--shard", "0/3", "--out", out}, 2, "more shards than systems"},
		{"unknown precond", []string{"datagen", "darcy", "--precond", "amg", "--out", out}, 2, `--precond "amg": want one of none, jacobi, ssor, ilu0, iluk, ic0`},
		{"unknown sort", []string{"datagen", "darcy", "--sort", "random", "--out", out}, 2, `--sort "random"`},
		{"names are case-insensitive", []string{"datagen", "DARCY", "--sort", "GREEDY", "--precond", "AMG", "--out", out}, 2, `--precond "amg": want one of`},
		{"rtol 0", []string{"datagen", "darcy", "--rtol", "0", "--out", out}, 2, "--rtol 0: must be in (0, 1)"},
		{"rtol negative", []string{"datagen", "darcy", "--rtol", "-1e-5", "--out", out}, 2, "--rtol"},
		{"rtol NaN", []string{"datagen", "darcy", "--rtol", "NaN", "--out", out}, 2, "--rtol"},
		{"rtol not a number", []string{"datagen", "darcy", "--rtol", "tight", "--out", out}, 2, `invalid argument "tight" for "--rtol" flag: want a number`},
		// pflag's strconv wording is rewritten in the user's terms.
		{"negative seed", []string{"datagen", "darcy", "--seed", "-1", "--out", out}, 2, `invalid argument "-1" for "--seed" flag: want a whole number ≥ 0`},
		{"fractional count", []string{"datagen", "darcy", "--count", "2.5", "--out", out}, 2, `for "--count" flag: want a whole number`},
		{"seed out of range", []string{"datagen", "darcy", "--seed", "99999999999999999999999", "--out", out}, 2, "want a whole number ≥ 0 in range"},
		{"compare maybe", []string{"datagen", "darcy", "--compare=maybe", "--out", out}, 2, "want true or false"},
		{"k ≥ m", []string{"datagen", "darcy", "--m", "10", "--k", "10", "--out", out}, 2, "--m 10 --k 10: need 0 ≤ k < m"},
		{"m 0", []string{"datagen", "darcy", "--m", "0", "--out", out}, 2, "--m 0: must be at least 1"},
		{"skr-code k ≥ m", []string{"datagen", "darcy", "--scheme", "skr-code", "--m", "10", "--k", "12", "--out", out}, 2, "--m 10 --k 12: need 0 ≤ k < m"},
		{"maxiter 0", []string{"datagen", "darcy", "--maxiter", "0", "--out", out}, 2, "--maxiter 0"},
		{"negative project", []string{"datagen", "darcy", "--project", "-1", "--out", out}, 2, "--project -1: must be ≥ 0"},
		{"update-every 0", []string{"datagen", "darcy", "--update-every", "0", "--out", out}, 2, "--update-every 0: must be at least 1"},
		{"negative warmup", []string{"datagen", "darcy", "--warmup", "-1", "--out", out}, 2, "--warmup -1"},
		{"existing out", []string{"datagen", "darcy", "--out", exists}, 2, "exists; use --force"},
		{"out is a directory", []string{"datagen", "darcy", "--out", dir}, 2, "is a directory"},
		{"missing directory", []string{"datagen", "darcy", "--out", filepath.Join(dir, "no", "d.npz")}, 2, "does not exist"},
		{"parent is a file", []string{"datagen", "darcy", "--out", filepath.Join(exists, "d.npz")}, 2, exists + " is not a directory"},
		{"unknown flag", []string{"datagen", "darcy", "--colour", "--out", out}, 2, "unknown flag"},
		{"blocks with ssor", []string{"datagen", "darcy", "--precond", "ssor", "--blocks", "2", "--out", out}, 2, "--blocks applies to --precond asm or bjacobi"},
		{"levels with ssor", []string{"datagen", "darcy", "--precond", "ssor", "--levels", "2", "--out", out}, 2, "--levels applies to --precond iluk, ick, asm and bjacobi only, not ssor"},
		{"omega with jacobi", []string{"datagen", "darcy", "--precond", "jacobi", "--omega", "1.5", "--out", out}, 2, "--omega applies to --precond ssor only, not jacobi"},
		{"omega 2", []string{"datagen", "darcy", "--precond", "ssor", "--omega", "2", "--out", out}, 2, "--omega must be in (0, 2), got 2"},
		{"omega NaN", []string{"datagen", "darcy", "--precond", "ssor", "--omega", "NaN", "--out", out}, 2, "--omega must be in (0, 2), got NaN"},
		{"negative shift", []string{"datagen", "darcy", "--precond", "ic0", "--shift", "-1", "--out", out}, 2, "--shift must be finite and >= 0, got -1"},
		{"shift with ilu0", []string{"datagen", "darcy", "--precond", "ilu0", "--shift", "0.1", "--out", out}, 2, "--shift applies to --precond ic0 and ick only, not ilu0"},
		{"negative overlap", []string{"datagen", "darcy", "--precond", "asm", "--overlap", "-1", "--out", out}, 2, "--overlap -1"},
		{"unknown scheme", []string{"datagen", "darcy", "--scheme", "fem", "--out", out}, 2, `--scheme "fem": want flux or skr-code`},
		{"unknown orthog", []string{"datagen", "darcy", "--orthog", "mgs", "--out", out}, 2, `--orthog "mgs": want auto, once or twice`},
		{"unknown grf", []string{"datagen", "darcy", "--grf", "white", "--out", out}, 2, `--grf "white": want neumann or periodic`},
		{"scheme on poisson", []string{"datagen", "poisson", "--scheme", "skr-code", "--out", out}, 2, "--scheme applies to the darcy and helmholtz families only"},
		{"grf on thermal", []string{"datagen", "thermal", "--grf", "periodic", "--out", out}, 2, "--grf applies to the darcy and helmholtz families only"},
		{"merge without files", []string{"datagen", "merge", "--out", out}, 2, "at least one shard file"},
		{"merge without out", []string{"datagen", "merge", exists}, 2, "merge needs --out"},
		{"merge missing file", []string{"datagen", "merge", "--out", out, filepath.Join(dir, "nope.npz")}, 1, "nope.npz: no such file"},
		{"merge not an npz", []string{"datagen", "merge", "--out", out, exists}, 1, "exists.npz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := dgRun(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d with %q", code, stderr, tc.code, tc.msg)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("error is not one line: %q", stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("bad arguments wrote %s", out)
			}
		})
	}
	// --force overwrites.
	if code, _, stderr := dgRun(t, "datagen", "darcy", "--grid", "4", "--count", "2", "--out", exists, "--force"); code != 0 {
		t.Errorf("--force: exit %d %s", code, stderr)
	}
	if _, err := readDataset(exists); err != nil {
		t.Errorf("--force did not write a dataset: %v", err)
	}
}

// Merge refuses shards of different runs, duplicates, gaps and overlaps
// with errors naming the files.
func TestDatagenMergeMismatches(t *testing.T) {
	dir := t.TempDir()
	gen := func(name string, args ...string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		base := []string{"datagen", "darcy", "--grid", "6", "--count", "5", "--compare=false", "--out", p}
		if code, _, stderr := dgRun(t, append(base, args...)...); code != 0 {
			t.Fatalf("%s: %s", name, stderr)
		}
		return p
	}
	s0 := gen("s0.npz", "--shard", "0/2")
	s1 := gen("s1.npz", "--shard", "1/2")
	s1seed := gen("s1seed.npz", "--shard", "1/2", "--seed", "9")
	s1rtol := gen("s1rtol.npz", "--shard", "1/2", "--rtol", "1e-6")
	s1once := gen("s1once.npz", "--shard", "1/2", "--orthog", "once")
	s1skr := gen("s1skr.npz", "--shard", "1/2", "--scheme", "skr-code", "--k", "10", "--update-every", "3") // same solver, so the scheme is what differs
	s1base := gen("s1base.npz", "--shard", "1/2", "--compare")
	t0 := gen("t0.npz", "--shard", "0/3")
	full := gen("full.npz")
	out := filepath.Join(dir, "m.npz")
	for _, tc := range []struct {
		name  string
		files []string
		msg   string
	}{
		{"different seed", []string{s0, s1seed}, "come from different runs: seed 0 vs 9"},
		{"different rtol", []string{s0, s1rtol}, "rtol 1e-05 vs 1e-06"},
		{"different scheme", []string{s0, s1skr}, "scheme flux vs skr-code"},
		{"different orthog", []string{s0, s1once}, "orthog auto vs once"},
		{"baseline in one shard only", []string{s0, s1base}, "baseline none vs GMRES(40)"},
		{"different shard count", []string{s0, t0}, "shard count 2 vs 3"},
		{"duplicate shard", []string{s0, s0, s1}, "shard 0/2 given twice"},
		{"missing shard", []string{s0}, "missing shard(s) [1] of 2"},
		{"unsharded with shard", []string{full, s1}, "come from different runs: shard count 1 vs 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := dgRun(t, append([]string{"datagen", "merge", "--out", out}, tc.files...)...)
			if code != 1 || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want %q", code, stderr, tc.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("failed merge wrote %s", out)
			}
		})
	}
	// Crafted files that overlap or leave a gap (each valid on its own).
	d0, err := readDataset(s0)
	if err != nil {
		t.Fatal(err)
	}
	d1, err := readDataset(s1)
	if err != nil {
		t.Fatal(err)
	}
	overlap := *d1
	overlap.meta.ShardIndex = 1
	takeRows(&overlap, d0, 0, d1) // d1's rows plus d0's first row
	po := filepath.Join(dir, "overlap.npz")
	if err := overlap.write(po); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, s0, po); code != 1 || !strings.Contains(stderr, "is in both") {
		t.Errorf("overlap: exit %d %q", code, stderr)
	}
	gap := *d1
	dropFirstRow(&gap)
	pg := filepath.Join(dir, "gap.npz")
	if err := gap.write(pg); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, s0, pg); code != 1 || !strings.Contains(stderr, "in none of the files (a gap") {
		t.Errorf("gap: exit %d %q", code, stderr)
	}
	// Meta and baseline arrays that disagree (the arrays stripped with
	// NumPy to save space, or added): an error, not a panic or a merge
	// that silently drops them.
	based := gen("b1.npz", "--shard", "1/2", "--compare")
	db, err := readDataset(based)
	if err != nil {
		t.Fatal(err)
	}
	stripped := *db
	stripped.hasBase = false
	ps := filepath.Join(dir, "stripped.npz")
	if err := stripped.write(ps); err != nil {
		t.Fatal(err)
	}
	b0 := gen("b0.npz", "--shard", "0/2", "--compare")
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, b0, ps); code != 1 || !strings.Contains(stderr, "stripped.npz: not a datagen dataset: meta names baseline GMRES(40) but the baseline_* arrays are missing") {
		t.Errorf("baseline arrays missing: exit %d %q", code, stderr)
	}
	pu := filepath.Join(dir, "unnamed.npz")
	rewriteMeta(t, based, pu, func(m *datagenMeta) { m.Baseline = "" })
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, b0, pu); code != 1 || !strings.Contains(stderr, "unnamed.npz: not a datagen dataset: baseline_* arrays without a baseline in meta") {
		t.Errorf("baseline not named: exit %d %q", code, stderr)
	}
	// Shapes whose product matches the arrays but are not shapes: negative
	// or zero dimensions, and a product that would overflow.
	for _, sh := range [][]int{{-8, -8}, {0, 8}, {1 << 20, 1 << 20, 1 << 20}} {
		pn := filepath.Join(dir, "shape.npz")
		rewriteMeta(t, s1, pn, func(m *datagenMeta) { m.FieldShape = sh })
		if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, s0, pn); code != 1 || !strings.Contains(stderr, "shape.npz: not a datagen dataset: field_shape ") {
			t.Errorf("field shape %v: exit %d %q", sh, code, stderr)
		}
	}
	// A shard whose shapes are valid and match its own arrays but differ
	// from the other shards' (a corrupted or hand-edited file): an error
	// naming both files, not a slice-bounds panic while copying rows.
	for _, tc := range []struct {
		name string
		edit func(d *dataset)
		msg  string
	}{
		{"field_shape", func(d *dataset) {
			d.meta.FieldShape = []int{2, 2}
			d.coeff = d.coeff[:d.rows()*4]
		}, "field_shape [8 8] vs [2 2]"},
		{"solution_shape", func(d *dataset) {
			d.meta.SolutionShape = []int{2, 2}
			d.solution = d.solution[:d.rows()*4]
		}, "solution_shape [6 6] vs [2 2]"},
	} {
		t.Run("different "+tc.name, func(t *testing.T) {
			d, err := readDataset(s1)
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(d)
			p := filepath.Join(dir, tc.name+".npz")
			if err := d.write(p); err != nil {
				t.Fatal(err)
			}
			if _, err := readDataset(p); err != nil {
				t.Fatalf("edited shard not self-consistent: %v", err)
			}
			code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, s0, p)
			if code != 1 || !strings.Contains(stderr, "come from different runs: "+tc.msg) {
				t.Errorf("exit %d, stderr %q; want %q", code, stderr, tc.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("failed merge wrote %s", out)
			}
		})
	}

	// A merge of the right files works and refuses to overwrite.
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, s0, s1, "--json"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, s0, s1); code != 2 || !strings.Contains(stderr, "exists") {
		t.Errorf("overwrite: exit %d %s", code, stderr)
	}
}

// A solve that cannot meet rtol within --maxiter writes the data, prints
// the table and exits with status 3.
func TestDatagenNotConvergedExits3(t *testing.T) {
	out := filepath.Join(t.TempDir(), "d.npz")
	code, stdout, stderr := dgRun(t, "datagen", "darcy", "--grid", "12", "--count", "3", "--maxiter", "3", "--rtol", "1e-10", "--out", out)
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, stderr)
	}
	if !strings.Contains(stderr, "3 of 3 stored solutions have relative residual above rtol") || !strings.Contains(stdout, "not converged") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	d, err := readDataset(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range d.relres {
		if !(v > 1e-10) || math.IsNaN(v) {
			t.Errorf("relres %v", d.relres)
		}
	}
	// Shards of the same run merge into the same verdict: written, exit 3.
	dir := filepath.Dir(out)
	var shards []string
	for i := range 2 {
		p := filepath.Join(dir, "s"+strconv.Itoa(i)+".npz")
		shards = append(shards, p)
		if code, _, stderr := dgRun(t, "datagen", "darcy", "--grid", "12", "--count", "3", "--maxiter", "3", "--rtol", "1e-10", "--shard", strconv.Itoa(i)+"/2", "--out", p); code != 3 {
			t.Fatalf("shard %d: exit %d, want 3: %s", i, code, stderr)
		}
	}
	merged := filepath.Join(dir, "m.npz")
	code, _, stderr = dgRun(t, append([]string{"datagen", "merge", "--out", merged}, shards...)...)
	if code != 3 || !strings.Contains(stderr, "3 of 3 merged solutions have relative residual above rtol 1e-10") {
		t.Errorf("merge: exit %d, stderr %q; want 3 and the count", code, stderr)
	}
	if _, err := readDataset(merged); err != nil {
		t.Errorf("merge did not write the dataset: %v", err)
	}
}

// The default output name is FAMILY.npz, replaced by a later run (with a
// note on stderr) so that the README's first command runs again, and
// FAMILY.shard-i-of-N.npz for a shard, which like a named --out needs
// --force to be replaced.
func TestDatagenDefaultOutput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if code, stdout, stderr := dgRun(t, "datagen", "thermal", "--grid", "4", "--count", "3"); code != 0 || !strings.Contains(stdout, "wrote thermal.npz") || stderr != "" {
		t.Fatalf("exit %d %s %s", code, stdout, stderr)
	}
	if code, stdout, stderr := dgRun(t, "datagen", "thermal", "--grid", "4", "--count", "2"); code != 0 || !strings.Contains(stdout, "wrote thermal.npz") ||
		!strings.Contains(stderr, "replacing thermal.npz, the default output of an earlier run") {
		t.Errorf("second run: exit %d %s %s", code, stdout, stderr)
	}
	if d, err := readDataset("thermal.npz"); err != nil || len(d.index) != 2 {
		t.Errorf("the second run's data were not written: %v", err)
	}
	if code, _, stderr := dgRun(t, "datagen", "thermal", "--grid", "4", "--count", "3", "--out", "thermal.npz"); code != 2 || !strings.Contains(stderr, "use --force") {
		t.Errorf("named --out over an existing file: exit %d %s", code, stderr)
	}
	if code, stdout, _ := dgRun(t, "datagen", "thermal", "--grid", "4", "--count", "3", "--shard", "1/2"); code != 0 || !strings.Contains(stdout, "wrote thermal.shard-1-of-2.npz") {
		t.Errorf("shard default name: %s", stdout)
	}
	if code, _, stderr := dgRun(t, "datagen", "thermal", "--grid", "4", "--count", "3", "--shard", "1/2"); code != 2 || !strings.Contains(stderr, "thermal.shard-1-of-2.npz exists") {
		t.Errorf("shard default name again: exit %d %s", code, stderr)
	}
	if code, stdout, _ := dgRun(t, "datagen", "thermal", "--grid", "4", "--count", "3", "--out="); code != 0 || strings.Contains(stdout, "wrote") {
		t.Errorf("--out= should write nothing: %s", stdout)
	}
}

// takeRows sets dst to src's rows plus row r of extra, in index order.
func takeRows(dst, extra *dataset, r int, src *dataset) {
	type row struct {
		d *dataset
		k int
	}
	rows := []row{{extra, r}}
	for k := range src.index {
		rows = append(rows, row{src, k})
	}
	for a := 1; a < len(rows); a++ {
		for b := a; b > 0 && rows[b].d.index[rows[b].k] < rows[b-1].d.index[rows[b-1].k]; b-- {
			rows[b], rows[b-1] = rows[b-1], rows[b]
		}
	}
	out := &dataset{meta: dst.meta, order: src.order}
	fl, sl := prod(src.meta.FieldShape), prod(src.meta.SolutionShape)
	for _, rw := range rows {
		d, k := rw.d, rw.k
		out.index = append(out.index, d.index[k])
		out.position = append(out.position, d.position[k])
		out.coeff = append(out.coeff, d.coeff[k*fl:(k+1)*fl]...)
		out.solution = append(out.solution, d.solution[k*sl:(k+1)*sl]...)
		out.iterations = append(out.iterations, d.iterations[k])
		out.matvecs = append(out.matvecs, d.matvecs[k])
		out.seconds = append(out.seconds, d.seconds[k])
		out.setup = append(out.setup, d.setup[k])
		out.assemble = append(out.assemble, d.assemble[k])
		out.relres = append(out.relres, d.relres[k])
	}
	*dst = *out
}

// dropFirstRow removes d's first row.
func dropFirstRow(d *dataset) {
	fl, sl := prod(d.meta.FieldShape), prod(d.meta.SolutionShape)
	d.index, d.position = d.index[1:], d.position[1:]
	d.coeff, d.solution = d.coeff[fl:], d.solution[sl:]
	d.iterations, d.matvecs = d.iterations[1:], d.matvecs[1:]
	d.seconds, d.setup, d.assemble, d.relres = d.seconds[1:], d.setup[1:], d.assemble[1:], d.relres[1:]
}

// TestDatagenPrecondParameters: --omega and --shift (which datagen lacked,
// while its IC(0) breakdown message told users to try --shift) reach the
// preconditioner of both lanes, are recorded in the file, the report and
// the header, and merge refuses shards built with different values.
func TestDatagenPrecondParameters(t *testing.T) {
	dir := t.TempDir()
	run := func(name string, args ...string) (*dataset, string) {
		t.Helper()
		out := filepath.Join(dir, name)
		base := []string{"datagen", "darcy", "--grid", "10", "--count", "4", "--rtol", "1e-8", "--progress=false", "--out", out}
		code, stdout, stderr := dgRun(t, append(base, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		d, err := readDataset(out)
		if err != nil {
			t.Fatal(err)
		}
		for k := range d.relres {
			if d.relres[k] > 1e-8 || d.hasBase && d.baseRelres[k] > 1e-8 {
				t.Errorf("%v row %d: relres %g (baseline %v)", args, k, d.relres[k], d.baseRelres)
			}
		}
		return d, stdout
	}
	d1, _ := run("w1.npz", "--precond", "ssor")
	d15, text := run("w15.npz", "--precond", "ssor", "--omega", "1.5")
	if d1.meta.Omega != 0 || d15.meta.Omega != 1.5 {
		t.Errorf("meta omega %v and %v, want absent (1) and 1.5", d1.meta.Omega, d15.meta.Omega)
	}
	if !strings.Contains(text, "precond ssor (ω 1.5)") {
		t.Errorf("header does not name ω: %q", text)
	}
	if slices.Equal(d1.baseIterations, d15.baseIterations) {
		t.Errorf("GMRES iterations %v identical with ω = 1 and 1.5: --omega did not reach the preconditioner", d1.baseIterations)
	}
	ds, js := run("s.npz", "--precond", "ic0", "--shift", "0.05", "--compare=false", "--json")
	if ds.meta.Shift != 0.05 {
		t.Errorf("meta shift %v, want 0.05", ds.meta.Shift)
	}
	if rep := dgReport(t, js); rep["shift"] != 0.05 {
		t.Errorf("report shift %v, want 0.05", rep["shift"])
	}
	dk, text := run("k.npz", "--precond", "iluk", "--levels", "2")
	if dk.meta.Levels != 2 || !strings.Contains(text, "precond iluk (k 2)") {
		t.Errorf("iluk --levels 2: meta levels %d, header %q", dk.meta.Levels, text)
	}
	run("a0.npz", "--precond", "ssor", "--omega", "1.5", "--shard", "0/2")
	run("a1.npz", "--precond", "ssor", "--omega", "1.2", "--shard", "1/2")
	code, _, stderr := dgRun(t, "datagen", "merge", "--out", filepath.Join(dir, "m.npz"), filepath.Join(dir, "a0.npz"), filepath.Join(dir, "a1.npz"))
	if code != 1 || !strings.Contains(stderr, "omega 1.5 vs 1.2") {
		t.Errorf("merge of shards with different ω: exit %d, %q", code, stderr)
	}
}

// TestDatagenASM: --precond asm with --blocks and --overlap solves every
// system to rtol in both lanes and records the subdomains in the meta.
func TestDatagenASM(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.npz")
	code, _, stderr := dgRun(t, "datagen", "helmholtz", "--grid", "12", "--count", "5", "--precond", "asm", "--blocks", "3", "--overlap", "2", "--rtol", "1e-9", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	d, err := readDataset(out)
	if err != nil {
		t.Fatal(err)
	}
	if d.meta.Precond != "asm" || d.meta.Blocks != 3 || d.meta.Overlap != 2 {
		t.Errorf("meta %+v", d.meta)
	}
	for k := range d.relres {
		if d.relres[k] > 1e-9 || d.baseRelres[k] > 1e-9 {
			t.Errorf("row %d: relres %g, baseline %g", k, d.relres[k], d.baseRelres[k])
		}
	}
}

// TestDatagenASMDefaultBlocksRecorded: without --blocks the subdomains
// are one per processor, and the dataset records that number (it recorded
// 0, so shards solved on machines with different core counts, with
// different preconditioners, merged without a word); shards with
// different subdomains are refused by merge.
func TestDatagenASMDefaultBlocksRecorded(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	dir := t.TempDir()
	var shards []string
	for i, procs := range []int{2, 3} {
		runtime.GOMAXPROCS(procs)
		out := filepath.Join(dir, "s"+strconv.Itoa(i)+".npz")
		code, _, stderr := dgRun(t, "datagen", "darcy", "--grid", "8", "--count", "4", "--precond", "bjacobi", "--compare=false", "--progress=false", "--shard", strconv.Itoa(i)+"/2", "--out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		d, err := readDataset(out)
		if err != nil {
			t.Fatal(err)
		}
		if d.meta.Blocks != procs {
			t.Errorf("GOMAXPROCS %d: meta blocks %d, want %d", procs, d.meta.Blocks, procs)
		}
		shards = append(shards, out)
	}
	code, _, stderr := dgRun(t, "datagen", "merge", "--out", filepath.Join(dir, "m.npz"), shards[0], shards[1])
	if code == 0 || !strings.Contains(stderr, "blocks 2 vs 3") {
		t.Errorf("merge of shards with 2 and 3 blocks: exit %d, stderr %q", code, stderr)
	}
}

// rewriteMeta copies the datagen file src to dst with its metadata
// changed by edit and every array as it was (what a hand-edited or
// corrupted file can hold; dataset.write checks shapes and cannot).
func rewriteMeta(t *testing.T, src, dst string, edit func(*datagenMeta)) {
	t.Helper()
	d, err := readDataset(src)
	if err != nil {
		t.Fatal(err)
	}
	edit(&d.meta)
	meta, err := json.Marshal(d.meta)
	if err != nil {
		t.Fatal(err)
	}
	mb := make([]int64, len(meta))
	for i, c := range meta {
		mb[i] = int64(c)
	}
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if f.Name != "meta.npy" {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		e, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w, err := npy.NewWriter(e, npy.Header{DType: "|u1", Shape: []int{len(mb)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteInt64(mb); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// A dataset with several arrays of the wrong length must be refused with
// the same message every time (the lengths were checked in map order: four messages in 8 runs).
func TestDatasetErrorDeterministic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "d.npz")
	if code, _, errs := dgRun(t, "datagen", "poisson", "--grid", "8", "--count", "6", "--compare=false", "--progress=false", "--out", p); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	bad := filepath.Join(dir, "bad.npz")
	script := `import sys, numpy as np
d = dict(np.load(sys.argv[1]))
for k in ("seconds", "relres", "matvecs", "iterations"):
    d[k] = d[k][:-1]
np.savez(sys.argv[2], **d)`
	if out, err := exec.Command("/usr/bin/python3", "-c", script, p, bad).CombinedOutput(); err != nil {
		t.Skipf("needs /usr/bin/python3 with numpy: %v %s", err, out)
	}
	msgs := map[string]bool{}
	for range 40 {
		_, err := readDataset(bad)
		if err == nil {
			t.Fatal("bad dataset accepted")
		}
		msgs[err.Error()] = true
	}
	if len(msgs) != 1 {
		t.Errorf("%d different messages for one file: %v", len(msgs), msgs)
	}
}

// A solve that fails with NaN or Inf (krylov.ErrNaN) leaves them in its
// solution and relres, and datagen writes the shard (exit status 3).
// merge must join such a shard and report it as datagen does (exit 3,
// the NaN kept), not refuse the file as "not a datagen dataset:
// non-finite value": its reader refused NaN and Inf, which the writer
// stores.
func TestDatagenMergeKeepsNonFinite(t *testing.T) {
	dir := t.TempDir()
	common := []string{"datagen", "poisson", "--grid", "4", "--count", "4", "--compare=false", "--progress=false"}
	var shards []string
	for i := 0; i < 2; i++ {
		p := filepath.Join(dir, "s"+strconv.Itoa(i)+".npz")
		if code, _, stderr := dgRun(t, append(common, "--shard", strconv.Itoa(i)+"/2", "--out", p)...); code != 0 {
			t.Fatal(stderr)
		}
		shards = append(shards, p)
	}
	d, err := readDataset(shards[1])
	if err != nil {
		t.Fatal(err)
	}
	d.relres[0] = math.NaN()
	d.solution[0] = math.Inf(1) // row 0's first value
	if err := d.write(shards[1]); err != nil {
		t.Fatal(err)
	}
	merged := filepath.Join(dir, "merged.npz")
	code, stdout, stderr := dgRun(t, "datagen", "merge", "--out", merged, shards[0], shards[1], "--json")
	if code != 3 || !strings.Contains(stderr, "1 of 4 merged solutions have relative residual above rtol") {
		t.Fatalf("merge: exit %d, stderr %q; want 3 and the count of bad solutions", code, stderr)
	}
	if rep := dgReport(t, stdout); rep["max_relres"] != nil {
		t.Errorf("max_relres %v, want null (NaN)", rep["max_relres"])
	}
	m, err := readDataset(merged)
	if err != nil {
		t.Fatal(err)
	}
	k := int(d.index[0])
	if !math.IsNaN(m.relres[k]) || !math.IsInf(m.solution[k*16], 1) {
		t.Errorf("merged row %d: relres %v, solution[0] %v; want NaN and +Inf kept", k, m.relres[k], m.solution[k*16])
	}
}

// TestDatagenErrorsNameNoPackage: an error from the sequence driver (here
// a cancellation, in the warm-up and in the main run) reaches a datagen
// user without the "sequence: " prefix of a package they never named,
// still one line and exit status 1.
func TestDatagenErrorsNameNoPackage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, extra := range [][]string{nil, {"--shard", "1/2", "--warmup", "2"}} {
		var out, errb bytes.Buffer
		args := append([]string{"datagen", "darcy", "--grid", "6", "--count", "4", "--out=", "--progress=false"}, extra...)
		code := run(ctx, args, &out, &errb)
		msg := errb.String()
		if code != 1 || strings.Contains(msg, "sequence:") || !strings.Contains(msg, "cancel") || strings.Count(msg, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q: want one line about the cancellation without \"sequence:\"", extra, code, msg)
		}
	}
}

// TestDatagenOneSystemHeader: a one-system run says "1 system", not
// "1 systems" (from a CLI audit).
func TestDatagenOneSystemHeader(t *testing.T) {
	code, out, errs := dgRun(t, "datagen", "darcy", "--grid", "6", "--count", "1", "--out=", "--progress=false")
	if code != 0 || !strings.Contains(out, "  1 system  ") || strings.Contains(out, "1 systems") {
		t.Errorf("exit %d, stdout %q, stderr %q: want \"1 system\" in the header", code, out, errs)
	}
}
