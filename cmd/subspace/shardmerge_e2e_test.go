package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/pde"
)

// e2eGen runs datagen with args and fails the test on any exit status
// but 0.
func e2eGen(t *testing.T, args ...string) {
	t.Helper()
	if code, _, stderr := dgRun(t, append([]string{"datagen"}, args...)...); code != 0 {
		t.Fatalf("datagen %v: exit %d: %s", args, code, stderr)
	}
}

// e2eRead reads a dataset and fails the test on error.
func e2eRead(t *testing.T, path string) *dataset {
	t.Helper()
	d, err := readDataset(path)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// e2eCheckResiduals re-assembles every row's system from the family, the
// seed and the row's index, and checks the stored field, the stored
// solution's true relative residual (≤ rtol) and the stored relres.
func e2eCheckResiduals(t *testing.T, d *dataset) {
	t.Helper()
	m := d.meta
	var v pde.Variant
	if m.Scheme != "" {
		var err error
		if v.Scheme, err = pde.ParseScheme(m.Scheme); err != nil {
			t.Fatal(err)
		}
		if v.PeriodicGRF, err = pde.ParseGRF(m.GRF); err != nil {
			t.Fatal(err)
		}
	}
	f, err := pde.NewVariant(m.Family, m.Grid, v)
	if err != nil {
		t.Fatal(err)
	}
	n, fl := f.Unknowns(), prod(m.FieldShape)
	for k := 0; k < d.rows(); k++ {
		i := int(d.index[k])
		field := f.Field(m.Seed, i)
		if !slices.Equal(field, d.coeff[k*fl:(k+1)*fl]) {
			t.Fatalf("row %d: coeff is not Field(%d, %d)", k, m.Seed, i)
		}
		A, b, err := f.Assemble(field)
		if err != nil {
			t.Fatal(err)
		}
		x := d.solution[k*n : (k+1)*n]
		ax := make([]float64, n)
		A.MulVecTo(ax, x)
		var r2, b2 float64
		for j := range b {
			r2 += (b[j] - ax[j]) * (b[j] - ax[j])
			b2 += b[j] * b[j]
		}
		rel := math.Sqrt(r2 / b2)
		if !(rel <= m.RTol*(1+1e-6)) || math.Abs(rel-d.relres[k]) > 1e-3*m.RTol {
			t.Errorf("system %d: ‖b − A x‖/‖b‖ = %.3g, stored relres %.3g, rtol %g", i, rel, d.relres[k], m.RTol)
		}
	}
}

// TestShardMergeE2E: for every family and sort, with a preconditioner
// that changes from case to case, three shards (one of them warmed up)
// merged in a shuffled order give the unsharded run's coeff, index,
// order and position bit for bit, its baseline columns bit for bit (the
// GMRES(40) solves are independent of the order and of the shard), shard
// 0's rows exactly (it starts where the unsharded run starts), and
// solutions that satisfy A x = b to rtol when the systems are
// re-assembled from the seed.
func TestShardMergeE2E(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	preconds := []string{"none", "jacobi", "ilu0", "ssor", "bjacobi", "asm"}
	c := 0
	for _, fam := range pde.Names() {
		for _, sort := range []string{"greedy", "grouped", "none", "auto"} {
			pc := preconds[c%len(preconds)]
			c++
			t.Run(fam+"/"+sort+"/"+pc, func(t *testing.T) {
				dir := t.TempDir()
				common := []string{fam, "--grid", "12", "--count", "7", "--seed", fmt.Sprint(c), "--sort", sort,
					"--precond", pc, "--rtol", "1e-8", "--progress=false"}
				if pc == "asm" || pc == "bjacobi" {
					common = append(common, "--blocks", "2") // not the machine's core count
				}
				full := filepath.Join(dir, "full.npz")
				e2eGen(t, append(common, "--out", full)...)
				var shards []string
				for i := range 3 {
					p := filepath.Join(dir, fmt.Sprintf("s%d.npz", i))
					args := append(slices.Clone(common), "--shard", fmt.Sprintf("%d/3", i), "--out", p)
					if i == 1 {
						args = append(args, "--warmup", "1")
					}
					e2eGen(t, args...)
					shards = append(shards, p)
				}
				given := slices.Clone(shards)
				rng.Shuffle(len(given), func(i, j int) { given[i], given[j] = given[j], given[i] })
				merged := filepath.Join(dir, "merged.npz")
				if code, _, stderr := dgRun(t, append([]string{"datagen", "merge", "--out", merged}, given...)...); code != 0 {
					t.Fatalf("merge %v: exit %d: %s", given, code, stderr)
				}
				a, b := e2eRead(t, full), e2eRead(t, merged)
				if !equalI64(a.order, b.order) || !equalI64(a.index, b.index) || !equalI64(a.position, b.position) {
					t.Fatalf("order/index/position differ: %v %v %v vs %v %v %v", a.order, a.index, a.position, b.order, b.index, b.position)
				}
				if !slices.Equal(a.coeff, b.coeff) {
					t.Errorf("coeff differs")
				}
				if !a.hasBase || !b.hasBase || !equalI64(a.baseIterations, b.baseIterations) ||
					!equalI64(a.baseMatvecs, b.baseMatvecs) || !slices.Equal(a.baseRelres, b.baseRelres) {
					t.Errorf("baseline columns differ: iterations %v vs %v", a.baseIterations, b.baseIterations)
				}
				if b.meta.ShardCount != 1 || b.meta.ShardIndex != 0 || b.meta.Warmup != 1 || b.meta.Sort != a.meta.Sort {
					t.Errorf("merged meta %+v", b.meta)
				}
				s0 := e2eRead(t, shards[0])
				n := 144
				for k, i := range s0.index {
					if !slices.Equal(s0.solution[k*n:(k+1)*n], a.solution[i*int64(n):(i+1)*int64(n)]) || s0.iterations[k] != a.iterations[i] {
						t.Errorf("shard 0, system %d: not the unsharded run's solve (%d vs %d iterations)", i, s0.iterations[k], a.iterations[i])
					}
				}
				e2eCheckResiduals(t, b)
			})
		}
	}
}

// TestShardWarmupWholePrefix: a shard whose --warmup covers every system
// before its slice solves exactly what the unsharded run solves, in the
// same order, with the same recycled space (darcy and helmholtz: every
// matrix differs, so no preconditioner or projection is carried), so the
// merged dataset equals the unsharded one bit for bit: solutions,
// iterations, products and residuals. A warm-up that solved other
// systems, or one too few, would change them.
func TestShardWarmupWholePrefix(t *testing.T) {
	for _, fam := range []string{"darcy", "helmholtz"} {
		t.Run(fam, func(t *testing.T) {
			dir := t.TempDir()
			common := []string{fam, "--grid", "12", "--count", "8", "--seed", "4", "--compare=false", "--progress=false", "--precond", "jacobi"}
			full := filepath.Join(dir, "full.npz")
			e2eGen(t, append(common, "--out", full)...)
			var shards []string
			for i := range 3 {
				p := filepath.Join(dir, fmt.Sprintf("s%d.npz", i))
				e2eGen(t, append(slices.Clone(common), "--shard", fmt.Sprintf("%d/3", i), "--warmup", "8", "--out", p)...)
				shards = append(shards, p)
			}
			merged := filepath.Join(dir, "m.npz")
			if code, _, stderr := dgRun(t, "datagen", "merge", "--out", merged, shards[1], shards[2], shards[0]); code != 0 {
				t.Fatal(stderr)
			}
			a, b := e2eRead(t, full), e2eRead(t, merged)
			if !slices.Equal(a.solution, b.solution) || !equalI64(a.iterations, b.iterations) ||
				!equalI64(a.matvecs, b.matvecs) || !slices.Equal(a.relres, b.relres) {
				t.Errorf("warmed shards differ from the unsharded run: iterations %v vs %v", b.iterations, a.iterations)
			}
		})
	}
}

// TestMergeRefusesE2E: merge refuses, with exit status 1 and one line
// naming the offending file and the problem, a shard of a run with any
// other setting, a truncated file, files that are not datagen shards,
// and the same shard under another path; and it writes nothing then.
func TestMergeRefusesE2E(t *testing.T) {
	dir := t.TempDir()
	base := []string{"darcy", "--grid", "6", "--count", "4", "--compare=false", "--progress=false"}
	gen := func(name string, extra ...string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		e2eGen(t, append(append(slices.Clone(base), "--out", p), extra...)...)
		return p
	}
	s0 := gen("s0.npz", "--shard", "0/2")
	s1 := gen("s1.npz", "--shard", "1/2")
	out := filepath.Join(dir, "out.npz")
	refuse := func(t *testing.T, files []string, want ...string) {
		t.Helper()
		code, stdout, stderr := dgRun(t, append([]string{"datagen", "merge", "--out", out}, files...)...)
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and one line", code, stdout, stderr)
		}
		for _, w := range want {
			if !strings.Contains(stderr, w) {
				t.Errorf("stderr %q does not mention %q", stderr, w)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("refused merge wrote %s", out)
			os.Remove(out)
		}
	}
	for _, tc := range []struct {
		flags []string
		msg   string
	}{
		{[]string{"--grid", "7"}, "grid 6 vs 7"},
		{[]string{"--count", "5"}, "count 4 vs 5"},
		{[]string{"--precond", "jacobi"}, "precond none vs jacobi"},
		{[]string{"--sort", "none"}, "sort greedy vs none"},
		{[]string{"--m", "30"}, "m 40 vs 30"},
		{[]string{"--k", "5"}, "k 10 vs 5"},
		{[]string{"--update-every", "1"}, "update_every 3 vs 1"},
		{[]string{"--project", "0"}, "project 32 vs 0"},
		{[]string{"--maxiter", "900"}, "maxiter 10000 vs 900"},
		{[]string{"--warm-start"}, "warm_start false vs true"},
		{[]string{"--grf", "periodic"}, "grf neumann vs periodic"},
	} {
		t.Run(strings.Join(tc.flags, " "), func(t *testing.T) {
			name := strings.NewReplacer("-", "", " ", "_").Replace(strings.Join(tc.flags, "_")) + ".npz"
			other := gen(name, append(slices.Clone(tc.flags), "--shard", "1/2")...)
			refuse(t, []string{s0, other}, s0, name, "come from different runs: "+tc.msg)
		})
	}
	t.Run("family", func(t *testing.T) {
		p := filepath.Join(dir, "thermal.npz")
		e2eGen(t, "thermal", "--grid", "6", "--count", "4", "--compare=false", "--progress=false", "--shard", "1/2", "--out", p)
		refuse(t, []string{s0, p}, "thermal.npz", "family darcy vs thermal")
	})
	raw, err := os.ReadFile(s1)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{0, 30, len(raw) / 2, len(raw) - 1} {
		t.Run(fmt.Sprintf("truncated to %d bytes", cut), func(t *testing.T) {
			p := filepath.Join(dir, "cut.npz")
			if err := os.WriteFile(p, raw[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			refuse(t, []string{s0, p}, "cut.npz")
		})
	}
	t.Run("a bit flipped in the data", func(t *testing.T) {
		p := filepath.Join(dir, "flip.npz")
		bad := slices.Clone(raw)
		bad[len(bad)/3] ^= 0x10
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		refuse(t, []string{s0, p}, "flip.npz")
	})
	t.Run("a sequence solution file", func(t *testing.T) {
		p := filepath.Join(dir, "X.npy")
		if err := os.WriteFile(p, []byte("\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }"+strings.Repeat(" ", 59)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		refuse(t, []string{s0, p}, "X.npy", "not a valid .npz")
	})
	// Values no run writes: a negative count or time (NaN stays allowed:
	// a solve that failed with NaN records relres NaN).
	for _, tc := range []struct {
		name string
		edit func(d *dataset)
		msg  string
	}{
		{"negative iterations", func(d *dataset) { d.iterations[1] = -3 }, "iterations[1] = -3: a count cannot be negative"},
		{"negative matvecs", func(d *dataset) { d.matvecs[0] = -1 }, "matvecs[0] = -1"},
		{"negative seconds", func(d *dataset) { d.seconds[0] = -0.5 }, "seconds[0] = -0.5: a time must be finite and ≥ 0"},
		{"infinite setup", func(d *dataset) { d.setup[1] = math.Inf(1) }, "setup_seconds[1] = +Inf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := readDataset(s1)
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(d)
			p := filepath.Join(dir, "edited.npz")
			os.Remove(p)
			if err := d.write(p); err != nil {
				t.Fatal(err)
			}
			refuse(t, []string{s0, p}, "edited.npz", tc.msg)
		})
	}
	t.Run("the same shard by another path", func(t *testing.T) {
		refuse(t, []string{s0, filepath.Join(dir, ".", "s0.npz"), s1}, "shard 0/2 given twice")
	})
	t.Run("all shards but one", func(t *testing.T) {
		refuse(t, []string{s1}, "missing shard(s) [0] of 2")
	})
	// The right files still merge, whatever their order.
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", out, s1, s0); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
}

// TestDatagenNPZInNumPy: datagen and merge files load with NumPy's own
// reader with the documented names, shapes and dtypes, meta decodes with
// json.loads(bytes(d["meta"])), and the values are those the Go reader
// sees.
func TestDatagenNPZInNumPy(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("%s with numpy not available: %v", py, err)
	}
	dir := t.TempDir()
	var files []string
	for _, fam := range pde.Names() {
		p := filepath.Join(dir, fam+".npz")
		e2eGen(t, fam, "--grid", "6", "--count", "5", "--seed", "2", "--progress=false", "--out", p)
		files = append(files, p)
	}
	var shards []string
	for i := range 2 {
		p := filepath.Join(dir, fmt.Sprintf("h%d.npz", i))
		e2eGen(t, "helmholtz", "--grid", "6", "--count", "5", "--seed", "2", "--progress=false", "--compare=false", "--shard", fmt.Sprintf("%d/2", i), "--out", p)
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.npz")
	if code, _, stderr := dgRun(t, "datagen", "merge", "--out", merged, shards[1], shards[0]); code != 0 {
		t.Fatal(stderr)
	}
	files = append(files, shards[1], merged)
	script := `
import json, sys
import numpy as np
for path in sys.argv[1:]:
    d = np.load(path)
    m = json.loads(bytes(d["meta"]))
    g, N = m["grid"], m["count"]
    r = len(d["index"])
    field = {"darcy": (g + 2, g + 2), "helmholtz": ((g + 2) ** 2 + 1,), "poisson": (5, 6), "thermal": (2,)}[m["family"]]
    want = {"meta": ("uint8", (len(d["meta"]),)), "coeff": ("float64", (r,) + field), "solution": ("float64", (r, g, g)),
            "index": ("int64", (r,)), "order": ("int64", (N,)), "position": ("int64", (r,)),
            "iterations": ("int64", (r,)), "matvecs": ("int64", (r,)), "seconds": ("float64", (r,)),
            "setup_seconds": ("float64", (r,)), "assemble_seconds": ("float64", (r,)), "relres": ("float64", (r,)),
            "grid": ("int64", ()), "count": ("int64", ()), "rtol": ("float64", ())}
    if m.get("baseline"):
        for k in ("iterations", "matvecs"):
            want["baseline_" + k] = ("int64", (r,))
        for k in ("seconds", "setup_seconds", "relres"):
            want["baseline_" + k] = ("float64", (r,))
    got = {k: (str(d[k].dtype), d[k].shape) for k in d.files}
    assert got == want, (path, got, want)
    assert int(d["grid"]) == g and int(d["count"]) == N and float(d["rtol"]) == m["rtol"], path
    assert sorted(d["order"].tolist()) == list(range(N)), path
    assert (d["order"][d["position"]] == d["index"]).all(), path
    assert (np.diff(d["index"]) > 0).all(), path
    assert (d["relres"] <= m["rtol"]).all(), path
    print(path, float(d["solution"].sum()), float(d["coeff"].sum()))
`
	cmd := exec.Command(py, append([]string{"-c", script}, files...)...)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("numpy check failed: %v\n%s", err, outb)
	}
	lines := strings.Split(strings.TrimSpace(string(outb)), "\n")
	if len(lines) != len(files) {
		t.Fatalf("numpy printed %d lines for %d files:\n%s", len(lines), len(files), outb)
	}
	for k, p := range files {
		d := e2eRead(t, p)
		var ss, cs float64
		for _, v := range d.solution {
			ss += v
		}
		for _, v := range d.coeff {
			cs += v
		}
		var path string
		var ns, nc float64
		if _, err := fmt.Sscan(lines[k], &path, &ns, &nc); err != nil || path != p {
			t.Fatalf("numpy line %q: %v", lines[k], err)
		}
		if math.Abs(ns-ss) > 1e-9*(1+math.Abs(ss)) || math.Abs(nc-cs) > 1e-9*(1+math.Abs(cs)) {
			t.Errorf("%s: NumPy sums %g, %g; Go %g, %g", p, ns, nc, ss, cs)
		}
	}
}

// TestDatagenThreadsE2E: the global order (greedy and grouped), the
// fields and the solutions do not depend on GOMAXPROCS, and two runs with
// the same seed give the same file contents.
func TestDatagenThreadsE2E(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, fam := range []string{"darcy", "helmholtz"} {
		for _, sort := range []string{"grouped", "greedy"} {
			var ds []*dataset
			for _, procs := range []int{1, 2, 2} {
				runtime.GOMAXPROCS(procs)
				p := filepath.Join(t.TempDir(), "d.npz")
				e2eGen(t, fam, "--grid", "14", "--count", "20", "--seed", "9", "--sort", sort, "--compare=false", "--progress=false", "--precond", "ilu0", "--out", p)
				ds = append(ds, e2eRead(t, p))
			}
			order := make([]int, len(ds[0].order))
			for p, i := range ds[0].order {
				order[p] = int(i)
			}
			if !isPerm(order) {
				t.Fatalf("%s %s: order %v is not a permutation", fam, sort, order)
			}
			for k, d := range ds[1:] {
				if !equalI64(d.order, ds[0].order) || !slices.Equal(d.coeff, ds[0].coeff) ||
					!slices.Equal(d.solution, ds[0].solution) || !equalI64(d.iterations, ds[0].iterations) {
					t.Errorf("%s %s: run %d (GOMAXPROCS %d) differs from GOMAXPROCS 1: order %v vs %v", fam, sort, k+1, []int{2, 2}[k], d.order, ds[0].order)
				}
			}
		}
	}
}

// isPerm reports whether order is a permutation of 0..len(order)−1.
func isPerm(order []int) bool {
	s := slices.Sorted(slices.Values(order))
	for i, v := range s {
		if v != i {
			return false
		}
	}
	return true
}
