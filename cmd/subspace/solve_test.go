package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/sparse"
)

// solveJSON decodes the single JSON object "solve --json" prints and fails
// if stdout holds anything else.
func solveJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value:\n%s", out)
	}
	return m
}

// solveTrueRelRes recomputes ‖b − A x‖/‖b‖ from the files.
func solveTrueRelRes(t *testing.T, A *sparse.CSR, b, x []float64) float64 {
	t.Helper()
	r := make([]float64, len(b))
	A.MulVecTo(r, x)
	num, den := 0.0, 0.0
	for i := range r {
		d := b[i] - r[i]
		num += d * d
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

func onesLike(A *sparse.CSR) []float64 {
	r, c := A.Dims()
	one := make([]float64, c)
	for i := range one {
		one[i] = 1
	}
	b := make([]float64, r)
	A.MulVecTo(b, one)
	return b
}

// Every method on a matrix that suits it converges, prints the documented
// JSON keys, writes x, and the relative residual it reports is the true
// one of the x it wrote.
func TestSolveMethods(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		matrix string
		args   []string
	}{
		{"494_bus.mtx", []string{"--method", "cg", "--precond", "ic0", "--rtol", "1e-8"}},
		{"494_bus.mtx", []string{"--method", "cg", "--precond", "jacobi", "--rtol", "1e-8"}},
		{"pts5ldd03.mtx", []string{"--method", "minres", "--precond", "jacobi", "--rtol", "1e-8"}},
		{"cage5.mtx", []string{"--method", "gmres", "--precond", "ilu0", "--rtol", "1e-10"}},
		{"cage5.mtx", []string{"--method", "gmres", "--precond", "jacobi", "--side", "left", "--restart", "5"}},
		{"cage5.mtx", []string{"--method", "fgmres", "--precond", "ssor", "--omega", "1.2"}},
		{"cage5.mtx", []string{"--method", "gmres", "--orthog", "once", "--rtol", "1e-10"}},
		{"cage5.mtx", []string{"--method", "fgmres", "--orthog", "twice", "--precond", "jacobi", "--rtol", "1e-10"}},
		{"cage5.mtx", []string{"--method", "gmres", "--precond", "asm", "--blocks", "3", "--overlap", "2", "--rtol", "1e-10"}},
		{"pts5ldd03.mtx", []string{"--method", "bicgstab", "--precond", "bjacobi", "--blocks", "4", "--rtol", "1e-8"}},
		{"pts5ldd03.mtx", []string{"--method", "bicgstab", "--precond", "ilu0", "--atol", "1e-9", "--rtol", "0"}},
		{"west0067.mtx", []string{"--method", "idrs", "--rtol", "1e-10"}},
		{"cage5.mtx", []string{"--method", "idrs", "--shadow", "2", "--precond", "ilu0", "--rtol", "1e-10"}},
		{"pts5ldd03.mtx", []string{"--method", "tfqmr", "--precond", "jacobi", "--rtol", "1e-10"}},
		{"gent113.mtx", []string{"--method", "gcrodr", "--rtol", "1e-10"}},
		{"cage5.mtx", []string{"--method", "gcrodr", "--restart", "10", "--recycle", "4", "--precond", "ilu0", "--rtol", "1e-10"}},
		{"gent113.mtx", []string{"--method", "gcrodr", "--orthog", "once", "--rtol", "1e-10"}},
		{"lp_afiro.mtx", []string{"--method", "lsqr", "--rtol", "1e-10"}},
		{"lp_afiro.mtx", []string{"--method", "lsmr", "--rtol", "1e-10", "--damp", "0"}},
	}
	for i, c := range cases {
		t.Run(strings.Join(append([]string{c.matrix}, c.args...), " "), func(t *testing.T) {
			path := filepath.Join(infoMatrices, c.matrix)
			xpath := filepath.Join(dir, "x"+string(rune('a'+i))+".npy")
			args := append([]string{"solve", path, "--json", "--out", xpath}, c.args...)
			code, out, errs := infoRun(t, args...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
			}
			m := solveJSON(t, out)
			for _, k := range []string{"method", "precond", "rows", "cols", "nnz", "iterations", "matvecs", "converged",
				"reason", "relative_residual", "residual", "seconds", "setup_seconds"} {
				if _, ok := m[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, out)
				}
			}
			if m["converged"] != true || m["iterations"].(float64) < 1 {
				t.Errorf("not converged: %s", out)
			}
			A, err := sparse.LoadMM(path)
			if err != nil {
				t.Fatal(err)
			}
			x, err := npy.ReadVector(xpath)
			if err != nil {
				t.Fatal(err)
			}
			got := m["relative_residual"].(float64)
			want := solveTrueRelRes(t, A, onesLike(A), x)
			if math.Abs(got-want) > 1e-12+1e-9*want {
				t.Errorf("relative_residual %.6g, recomputed %.6g", got, want)
			}
			if want := flagValue(c.args, "--orthog", "auto"); slices.Contains([]string{"gmres", "fgmres", "gcrodr"}, flagValue(c.args, "--method", "gmres")) && m["orthog"] != want {
				t.Errorf("orthog %v, want %s", m["orthog"], want)
			}
			if strings.HasPrefix(m["method"].(string), "ls") {
				for _, k := range []string{"normal_residual", "norm_a", "cond_a", "stop"} {
					if _, ok := m[k]; !ok {
						t.Errorf("JSON lacks %q", k)
					}
				}
			}
		})
	}
}

func TestSolveRHS(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(infoMatrices, "pts5ldd03.mtx")
	A, err := sparse.LoadMM(path)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := A.Dims()
	// Default b = A·1: x ≈ 1 (κ ≈ 52, rtol 1e-12: error ≤ 1e-10).
	xp := filepath.Join(dir, "x.npy")
	if code, out, errs := infoRun(t, "solve", path, "--method", "cg", "--rtol", "1e-12", "--out", xp); code != 0 ||
		!strings.Contains(out, "right-hand side    A·1") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	x, _ := npy.ReadVector(xp)
	for i, v := range x {
		if math.Abs(v-1) > 1e-10 {
			t.Fatalf("x[%d] = %v, want 1", i, v)
		}
	}
	// --rhs ones and --rhs FILE give the same x when FILE holds ones.
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	bp := filepath.Join(dir, "b.npy")
	if err := npy.WriteVector(bp, ones); err != nil {
		t.Fatal(err)
	}
	x1p, x2p := filepath.Join(dir, "x1.npy"), filepath.Join(dir, "x2.npy")
	c1, o1, _ := infoRun(t, "solve", path, "--rhs", "ones", "--out", x1p, "--rtol", "1e-10")
	c2, o2, _ := infoRun(t, "solve", path, "--rhs", bp, "--out", x2p, "--rtol", "1e-10")
	if c1 != 0 || c2 != 0 || !strings.Contains(o1, "right-hand side    ones") || !strings.Contains(o2, bp) {
		t.Fatalf("exit %d %d\n%s\n%s", c1, c2, o1, o2)
	}
	x1, _ := npy.ReadVector(x1p)
	x2, _ := npy.ReadVector(x2p)
	for i := range x1 {
		if x1[i] != x2[i] {
			t.Fatalf("--rhs ones and --rhs FILE differ at %d", i)
		}
	}
	if r := solveTrueRelRes(t, A, ones, x1); r > 1e-10 {
		t.Errorf("--rhs ones: relative residual %.3g", r)
	}
}

// --x0 starts the solve from a guess: from the exact solution CG stops
// before its first iteration; from a nearby guess it converges, and the
// JSON names the file.
func TestSolveX0(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(infoMatrices, "494_bus.mtx")
	ones := make([]float64, 494)
	near := make([]float64, 494)
	for i := range ones {
		ones[i] = 1
		near[i] = 1 + 1e-3*float64(i%7)
	}
	exact, nearby := filepath.Join(dir, "ones.npy"), filepath.Join(dir, "near.npy")
	if err := npy.WriteVector(exact, ones); err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteVector(nearby, near); err != nil {
		t.Fatal(err)
	}
	code, out, errs := infoRun(t, "solve", path, "--method", "cg", "--x0", exact, "--json")
	m := solveJSON(t, out)
	if code != 0 || m["iterations"].(float64) != 0 || m["x0"] != exact {
		t.Fatalf("from the solution: exit %d, %s %s", code, out, errs)
	}
	_, out0, _ := infoRun(t, "solve", path, "--method", "cg", "--precond", "ic0", "--json")
	code, out, errs = infoRun(t, "solve", path, "--method", "cg", "--precond", "ic0", "--x0", nearby, "--json")
	m, m0 := solveJSON(t, out), solveJSON(t, out0)
	if code != 0 || m["converged"] != true || m["relative_residual"].(float64) > 1e-5 {
		t.Fatalf("from a nearby guess: exit %d, %s %s", code, out, errs)
	}
	if m["iterations"].(float64) >= m0["iterations"].(float64) {
		t.Errorf("from a nearby guess: %v iterations, from zero %v", m["iterations"], m0["iterations"])
	}
	code, out, _ = infoRun(t, "solve", path, "--method", "gmres", "--x0", nearby)
	if code != 0 || !strings.Contains(out, "initial guess      "+nearby) {
		t.Errorf("text output: exit %d\n%s", code, out)
	}
}

// TestSolveILUK: --precond iluk --levels k solves with ILU(k): fewer
// GMRES iterations as k grows on 494_bus, and the default level is 1
// (the same iterations as --levels 1).
func TestSolveILUK(t *testing.T) {
	bus := filepath.Join("..", "..", "testdata", "matrices", "494_bus.mtx")
	its := solveLevels(t, []string{"solve", bus, "--method", "gmres", "--precond", "iluk"}, map[string]any{"": 1.0, "1": 1.0, "2": 2.0, "4": 4.0})
	if its[""] != its["1"] || !(its["4"] < its["2"] && its["2"] < its["1"]) {
		t.Errorf("iterations by level %v: want default = 1 > 2 > 4", its)
	}
}

// TestSolveICK: --precond ick --levels k solves with IC(k): fewer CG
// iterations as k grows on 494_bus, the default level is 1, and --shift
// is passed on (JSON shift key, text label).
func TestSolveICK(t *testing.T) {
	bus := filepath.Join("..", "..", "testdata", "matrices", "494_bus.mtx")
	its := solveLevels(t, []string{"solve", bus, "--method", "cg", "--precond", "ick"}, map[string]any{"": 1.0, "1": 1.0, "2": 2.0, "3": 3.0})
	if its[""] != its["1"] || !(its["3"] < its["2"] && its["2"] < its["1"]) {
		t.Errorf("iterations by level %v: want default = 1 > 2 > 3", its)
	}
	code, out, errs := infoRun(t, "solve", bus, "--method", "cg", "--precond", "ick", "--levels", "2", "--shift", "0.01", "--json")
	if m := solveJSON(t, out); code != 0 || m["shift"] != 0.01 || m["levels"] != 2.0 {
		t.Errorf("--shift 0.01: exit %d, %s %s", code, out, errs)
	}
	_, text, _ := infoRun(t, "solve", bus, "--method", "cg", "--precond", "ick", "--levels", "2", "--shift", "0.01")
	if !strings.Contains(text, "ick (k 2, shift 0.01)") {
		t.Errorf("text output does not name k and the shift: %q", text)
	}
}

// TestSolveBJacobiLevels: --precond bjacobi --levels k gives its blocks
// ILU(k) (fewer GMRES iterations on a convection–diffusion matrix at 2
// blocks), reported in the text and JSON; --levels 0 there is ILU(0)
// blocks, the default (no levels key).
func TestSolveBJacobiLevels(t *testing.T) {
	cd := filepath.Join(t.TempDir(), "cd.mtx")
	if err := sparse.SaveMM(cd, sparse.ConvectionDiffusion2D(30, 30, 0.1), nil); err != nil {
		t.Fatal(err)
	}
	its := solveLevels(t, []string{"solve", cd, "--method", "gmres", "--precond", "bjacobi", "--blocks", "2"}, map[string]any{"": nil, "0": nil, "2": 2.0})
	if its[""] != its["0"] || !(its["2"] < its["0"]) {
		t.Errorf("iterations %v: want --levels 0 = default > --levels 2", its)
	}
	_, text, _ := infoRun(t, "solve", cd, "--method", "gmres", "--precond", "asm", "--blocks", "2", "--levels", "1")
	if !strings.Contains(text, "asm (ILU(1) subdomains)") {
		t.Errorf("text output does not name the subdomain ILU: %q", text)
	}
}

// solveLevels runs args with --rtol 1e-10 --json and, for each key of
// want, --levels key ("" for none); every solve must converge and report
// the JSON levels value want[key] (nil: no levels key). It returns the
// iterations by key.
func solveLevels(t *testing.T, args []string, want map[string]any) map[string]float64 {
	t.Helper()
	its := map[string]float64{}
	for lv, w := range want {
		a := append(slices.Clone(args), "--rtol", "1e-10", "--json")
		if lv != "" {
			a = append(a, "--levels", lv)
		}
		code, out, errs := infoRun(t, a...)
		m := solveJSON(t, out)
		if code != 0 || m["converged"] != true {
			t.Fatalf("--levels %q: exit %d, %s %s", lv, code, out, errs)
		}
		its[lv] = m["iterations"].(float64)
		if m["levels"] != w {
			t.Errorf("--levels %q: JSON levels %v, want %v", lv, m["levels"], w)
		}
	}
	return its
}

// --shift rescues IC(0) on Kershaw's SPD matrix, where it breaks down
// without one (the error says to use a shift).
func TestSolveShift(t *testing.T) {
	kershaw := infoWrite(t, "kershaw.mtx", `%%MatrixMarket matrix coordinate real symmetric
4 4 8
1 1 3
2 1 -2
4 1 2
2 2 3
3 2 -2
3 3 3
4 3 -2
4 4 3
`)
	code, _, errs := infoRun(t, "solve", kershaw, "--method", "cg", "--precond", "ic0")
	if code != 1 || !strings.Contains(errs, "pivot of row 3") || !strings.Contains(errs, "try --shift") {
		t.Fatalf("without a shift: exit %d, %s", code, errs)
	}
	code, out, errs := infoRun(t, "solve", kershaw, "--method", "cg", "--precond", "ic0", "--shift", "0.5", "--rtol", "1e-10", "--json")
	if m := solveJSON(t, out); code != 0 || m["converged"] != true {
		t.Fatalf("with --shift 0.5: exit %d, %s %s", code, out, errs)
	}
}

func TestSolveBadInput(t *testing.T) {
	dir := t.TempDir()
	bus := filepath.Join(infoMatrices, "494_bus.mtx")
	afiro := filepath.Join(infoMatrices, "lp_afiro.mtx")
	west := filepath.Join(infoMatrices, "west0067.mtx")
	short := filepath.Join(dir, "short.npy")
	if err := npy.WriteVector(short, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	nanMM := infoWrite(t, "nan.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 nan\n2 2 1\n")
	bad := infoWrite(t, "bad.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n")
	// The 2×2 rotation: with b = A·1 = (1, −1), r̂ᵀA r̂ = 0 exactly in any
	// arithmetic, BiCGStab's classic breakdown (gent113 broke down too,
	// but only where products are rounded one by one: on arm64, which
	// fuses them into FMAs, it ran to the iteration limit).
	rot := infoWrite(t, "rot.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n2 1 -1\n")
	notNpy := infoWrite(t, "b.npy", "not a npy file")
	// Finite entries whose second row sums past the largest float64.
	overflow := infoWrite(t, "overflow.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 1 1e308\n2 2 1e308\n")
	nanX0 := filepath.Join(dir, "nan.npy")
	x0 := make([]float64, 494)
	x0[7] = math.NaN()
	if err := npy.WriteVector(nanX0, x0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"no args", []string{"solve"}, 2, nil, []string{"solve takes one matrix file argument, got 0"}},
		{"unknown method", []string{"solve", bus, "--method", "qmr"}, 2, nil, []string{`unknown --method "qmr"; valid methods are cg, minres`}},
		{"unknown precond", []string{"solve", bus, "--precond", "amg"}, 2, nil, []string{`unknown --precond "amg"; valid preconditioners are none, jacobi`}},
		{"negative rtol", []string{"solve", bus, "--rtol", "-1"}, 2, nil, []string{"--rtol must be in [0, 1), got -1"}},
		{"rtol 1", []string{"solve", bus, "--rtol", "1"}, 2, nil, []string{"--rtol must be in [0, 1), got 1"}},
		{"rtol NaN", []string{"solve", bus, "--rtol", "NaN"}, 2, nil, []string{"--rtol must be in [0, 1), got NaN"}},
		{"NaN atol", []string{"solve", bus, "--atol", "NaN"}, 2, nil, []string{"--atol must be finite"}},
		{"restart 0", []string{"solve", bus, "--restart", "0"}, 2, nil, []string{"--restart must be >= 1, got 0"}},
		{"shadow 0", []string{"solve", bus, "--method", "idrs", "--shadow", "0"}, 2, nil, []string{"--shadow must be >= 1, got 0"}},
		{"shadow for gmres", []string{"solve", bus, "--shadow", "2"}, 2, nil, []string{"--shadow applies to --method idrs only"}},
		{"shadow above n", []string{"solve", west, "--method", "idrs", "--shadow", "68"}, 2, nil, []string{"--shadow 68 exceeds the 67 unknowns"}},
		{"history dir missing", []string{"solve", bus, "--history", filepath.Join(dir, "no", "h.npy")}, 2, nil, []string{"--history " + filepath.Join(dir, "no", "h.npy") + ": directory"}},
		{"history is a dir", []string{"solve", bus, "--history", dir}, 2, nil, []string{"--history " + dir + " is a directory"}},
		{"negative maxiter", []string{"solve", bus, "--maxiter", "-3"}, 2, nil, []string{"--maxiter must be >= 0"}},
		{"bad side", []string{"solve", bus, "--side", "up"}, 2, nil, []string{"--side must be left or right"}},
		{"left side cg", []string{"solve", bus, "--method", "cg", "--side", "left"}, 2, nil, []string{"--side left applies to gmres only"}},
		{"damp gmres", []string{"solve", bus, "--damp", "1"}, 2, nil, []string{"--damp applies to lsqr and lsmr only"}},
		{"bad omega", []string{"solve", bus, "--precond", "ssor", "--omega", "2.5"}, 2, nil, []string{"--omega must be in (0, 2)"}},
		{"omega without ssor", []string{"solve", bus, "--precond", "jacobi", "--omega", "1.5"}, 2, nil, []string{"--omega applies to --precond ssor only, not jacobi"}},
		{"restart with cg", []string{"solve", bus, "--method", "cg", "--restart", "10"}, 2, nil, []string{"--restart applies to --method gmres, fgmres and gcrodr only, not cg"}},
		{"orthog with cg", []string{"solve", bus, "--method", "cg", "--orthog", "once"}, 2, nil, []string{"--orthog applies to --method gmres, fgmres and gcrodr only, not cg"}},
		{"orthog unknown", []string{"solve", bus, "--orthog", "mgs"}, 2, nil, []string{`--orthog must be auto, once or twice, got "mgs"`}},
		{"recycle with gmres", []string{"solve", bus, "--recycle", "4"}, 2, nil, []string{"--recycle applies to --method gcrodr only, not gmres"}},
		{"recycle = m", []string{"solve", bus, "--method", "gcrodr", "--recycle", "40"}, 2, nil, []string{"--recycle 40 must be in [1, m) with m = --restart 40"}},
		{"recycle above restart", []string{"solve", bus, "--method", "gcrodr", "--restart", "10", "--recycle", "12"}, 2, nil, []string{"--recycle 12 must be in [1, m) with m = --restart 10"}},
		{"recycle 0", []string{"solve", bus, "--method", "gcrodr", "--recycle", "0"}, 2, nil, []string{"--recycle 0 must be in [1, m)"}},
		// --restart 1 alone was refused as "--recycle 20 must be in [1, m)",
		// naming a flag the user never set.
		{"gcrodr restart 1", []string{"solve", bus, "--method", "gcrodr", "--restart", "1"}, 2, nil, []string{"--restart 1: gcrodr needs m >= 2"}},
		{"left side gcrodr", []string{"solve", bus, "--method", "gcrodr", "--side", "left"}, 2, nil, []string{"--side left applies to gmres only"}},
		{"blocks with ilu0", []string{"solve", bus, "--precond", "ilu0", "--blocks", "2"}, 2, nil, []string{"--blocks applies to --precond asm or bjacobi, not ilu0"}},
		{"levels with ilu0", []string{"solve", bus, "--precond", "ilu0", "--levels", "2"}, 2, nil, []string{"--levels applies to --precond iluk, ick, asm and bjacobi only, not ilu0"}},
		{"shift with iluk", []string{"solve", bus, "--precond", "iluk", "--shift", "0.1"}, 2, nil, []string{"--shift applies to --precond ic0 and ick only, not iluk"}},
		{"ick levels 0", []string{"solve", bus, "--method", "cg", "--precond", "ick", "--levels", "0"}, 2, nil, []string{"--levels 0: IC(0) is --precond ic0"}},
		{"ick not symmetric", []string{"solve", west, "--precond", "ick"}, 1, nil, []string{"--precond ick: ", "IC(1)", "not symmetric"}},
		{"negative levels", []string{"solve", bus, "--precond", "iluk", "--levels", "-1"}, 2, nil, []string{"--levels must be >= 1, got -1"}},
		// PETSc's -pc_factor_levels 0 is ILU(0); iluk's 0 would be its default 1.
		{"levels 0", []string{"solve", bus, "--precond", "iluk", "--levels", "0"}, 2, nil, []string{"--levels 0: ILU(0) is --precond ilu0"}},
		{"overlap with bjacobi", []string{"solve", bus, "--precond", "bjacobi", "--overlap", "1"}, 2, nil, []string{"--overlap applies to --precond asm only"}},
		{"negative blocks", []string{"solve", bus, "--precond", "asm", "--blocks", "-2"}, 2, nil, []string{"--blocks -2: must be ≥ 1"}},
		{"too many blocks", []string{"solve", bus, "--precond", "asm", "--blocks", "1000"}, 2, nil, []string{"1000 blocks for 494 rows"}},
		{"atol lsqr", []string{"solve", afiro, "--method", "lsqr", "--atol", "1e-3"}, 2, nil, []string{"--atol is not used by lsqr"}},
		{"precond lsmr", []string{"solve", afiro, "--method", "lsmr", "--precond", "jacobi"}, 2, nil, []string{"lsmr takes no preconditioner"}},
		{"non-square cg", []string{"solve", afiro, "--method", "cg"}, 2, nil, []string{"--method cg needs a square matrix, but " + afiro + " is 27×51"}},
		{"bad flag", []string{"solve", bus, "--frobnicate"}, 2, nil, []string{"unknown flag"}},
		{"missing file", []string{"solve", filepath.Join(dir, "nope.mtx")}, 1, nil, []string{"no such file"}},
		{"malformed file", []string{"solve", bad}, 1, nil, []string{"line 3: row index 3 out of range"}},
		{"NaN in matrix", []string{"solve", nanMM}, 1, nil, []string{"NaN"}},
		{"rhs wrong length", []string{"solve", bus, "--rhs", short}, 1, nil, []string{"--rhs: " + short + " has 3 entries but the matrix has 494 rows"}},
		{"rhs not npy", []string{"solve", bus, "--rhs", notNpy}, 1, nil, []string{"--rhs: "}},
		// The default b = A·1 overflowed and the solver blamed "b[1] =
		// +Inf", a vector the user never gave.
		{"default rhs overflows", []string{"solve", overflow, "--json"}, 1, nil, []string{"the default right-hand side b = A·1 is not finite: row 2 of " + overflow + " sums to +Inf; give --rhs"}},
		{"x0 wrong length", []string{"solve", bus, "--x0", short}, 1, nil, []string{"--x0: " + short + " has 3 entries but the matrix has 494 columns"}},
		{"x0 not finite", []string{"solve", bus, "--x0", nanX0}, 1, nil, []string{"--x0: ", nanX0, "element 7 is NaN"}},
		{"x0 missing", []string{"solve", bus, "--x0", filepath.Join(dir, "none.npy")}, 1, nil, []string{"--x0: ", "no such file"}},
		{"negative shift", []string{"solve", bus, "--precond", "ic0", "--shift", "-0.1"}, 2, nil, []string{"--shift must be finite and >= 0, got -0.1"}},
		{"shift with ilu0", []string{"solve", bus, "--precond", "ilu0", "--shift", "0.1"}, 2, nil, []string{"--shift applies to --precond ic0 and ick only, not ilu0"}},
		{"ic0 nonsymmetric", []string{"solve", west, "--method", "cg", "--precond", "ic0"}, 1, nil, []string{"--precond ic0: "}},
		{"jacobi zero diagonal", []string{"solve", west, "--precond", "jacobi"}, 1, nil, []string{"--precond jacobi: "}},
		{"unwritable out", []string{"solve", bus, "--method", "cg", "--out", filepath.Join(dir, "no", "dir", "x.npy")}, 2, nil, []string{"--out " + filepath.Join(dir, "no", "dir", "x.npy") + ": directory", "does not exist"}},
		// CG on a nonsymmetric matrix: a warning, the run, the result, and
		// the indefiniteness error (exit 1).
		{"cg nonsymmetric", []string{"solve", west, "--method", "cg"}, 1,
			[]string{"converged          no: A is not positive definite"},
			[]string{"warning: " + west + " is not symmetric; cg needs a symmetric matrix", "pᵀAp", "not positive definite"}},
		// CG with the nonsymmetric restricted Schwarz preconditioner: a
		// warning that names the symmetric ones, and the run.
		{"cg with asm", []string{"solve", bus, "--method", "cg", "--precond", "asm", "--maxiter", "20"}, 3,
			[]string{"converged          no"},
			[]string{"warning: --precond asm (restricted additive Schwarz) is not symmetric; cg needs a symmetric preconditioner such as bjacobi"}},
		// Not converged: the result is printed, exit 3.
		{"not converged", []string{"solve", west, "--maxiter", "10"}, 3,
			[]string{"iterations         10 (", "converged          no: iteration limit 10 reached"}, nil},
		{"breakdown", []string{"solve", rot, "--method", "bicgstab", "--rtol", "1e-8", "--json"}, 1,
			[]string{`"error":"krylov: BiCGStab: breakdown at iteration`}, []string{"breakdown"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := infoRun(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
			if code == 2 || (code == 1 && len(tc.stdout) == 0) {
				if out != "" {
					t.Errorf("stdout not empty on error: %s", out)
				}
			}
			// Errors are one line.
			if lines := strings.Count(strings.TrimSpace(strings.ReplaceAll(errs, "subspace: warning", "")), "subspace: "); code != 0 && code != 3 && lines != 1 {
				t.Errorf("stderr has %d error lines:\n%s", lines, errs)
			}
		})
	}
}

// --json prints exactly one object even when the solve did not converge.
func TestSolveJSONNotConverged(t *testing.T) {
	code, out, _ := infoRun(t, "solve", filepath.Join(infoMatrices, "west0067.mtx"), "--maxiter", "7", "--json")
	if code != 3 {
		t.Fatalf("exit %d", code)
	}
	m := solveJSON(t, out)
	if m["converged"] != false || m["iterations"].(float64) != 7 || m["reason"] == "" {
		t.Errorf("%s", out)
	}
	if _, err := os.Stat("x.npy"); err == nil {
		t.Error("solve wrote x.npy without --out")
	}
}

// TestSolveMonitorAndHistory checks --monitor's lines and --history's file
// against each other and against the solver's own counts: one entry per
// iteration after the initial residual, and the last estimate below rtol.
func TestSolveMonitorAndHistory(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ file, method, precond string }{
		{"494_bus.mtx", "cg", "ic0"},
		{"pts5ldd03.mtx", "gmres", "ilu0"},
		{"gent113.mtx", "gcrodr", "none"},
		{"cage5.mtx", "bicgstab", "none"},
		{"lp_afiro.mtx", "lsqr", "none"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			hist := filepath.Join(dir, tc.method+".npy")
			code, out, errs := infoRun(t, "solve", filepath.Join(infoMatrices, tc.file), "--method", tc.method, "--precond", tc.precond,
				"--rtol", "1e-8", "--monitor", "--history", hist, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			res := solveJSON(t, out)
			its := int(res["iterations"].(float64))
			if res["history"] != hist {
				t.Errorf("json history = %v, want %s", res["history"], hist)
			}
			h, err := npy.ReadVector(hist)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != its+1 {
				t.Fatalf("history has %d entries for %d iterations", len(h), its)
			}
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if len(lines) != its+1 {
				t.Fatalf("--monitor printed %d lines for %d iterations:\n%s", len(lines), its, errs)
			}
			for k, line := range lines {
				var it int
				var abs, rel float64
				if _, err := fmt.Sscanf(line, "%d residual %g relative %g", &it, &abs, &rel); err != nil || it != k {
					t.Fatalf("line %d: %q (%v)", k, line, err)
				}
				// The monitor prints what the history stores (six digits);
				// line 0 is computed from b − A·x₀, the history's own first
				// entry by the solver.
				if math.Abs(abs-h[k]) > 1e-5*h[k] {
					t.Fatalf("iteration %d: monitor %g, history %g", k, abs, h[k])
				}
			}
			if rel := h[len(h)-1] / h[0]; tc.method != "lsqr" && rel > 1e-8 {
				t.Errorf("last estimate %g above rtol", rel)
			}
		})
	}
}

// IDR(s)'s default shadow dimension, 4, is capped at n on smaller
// systems (an explicit --shadow above n stays an error).
func TestSolveIDRSDefaultShadowSmall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.mtx")
	if err := os.WriteFile(path, []byte("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 2\n2 2 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := dgRun(t, "solve", path, "--method", "idrs", "--json")
	if code != 0 || !strings.Contains(stdout, `"shadow":2`) {
		t.Errorf("default shadow: exit %d, stdout %s, stderr %s", code, stdout, stderr)
	}
	code, _, stderr = dgRun(t, "solve", path, "--method", "idrs", "--shadow", "3")
	if code != 2 || !strings.Contains(stderr, "--shadow 3 exceeds the 2 unknowns") {
		t.Errorf("--shadow 3: exit %d, stderr %s", code, stderr)
	}
}

// GCRO-DR's deflated restarts beat restarted GMRES of the same cycle
// length where GMRES stagnates: on gent113 (nonsymmetric, 113 unknowns)
// GMRES(40) needs 1 116 iterations to 1e-10 and GCRO-DR(40, 20) 322. The
// JSON reports m and k, defaulting to 40 and 20.
func TestSolveGCRODRDeflates(t *testing.T) {
	path := filepath.Join(infoMatrices, "gent113.mtx")
	its := map[string]float64{}
	for _, method := range []string{"gmres", "gcrodr"} {
		code, out, errs := infoRun(t, "solve", path, "--method", method, "--restart", "40", "--rtol", "1e-10", "--maxiter", "5000", "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", method, code, errs)
		}
		m := solveJSON(t, out)
		its[method] = m["iterations"].(float64)
		if method == "gcrodr" && (m["restart"] != 40.0 || m["recycle"] != 20.0) {
			t.Errorf("gcrodr JSON restart/recycle = %v/%v, want 40/20", m["restart"], m["recycle"])
		}
	}
	if !(its["gcrodr"] < its["gmres"]/2) {
		t.Errorf("GCRO-DR(40, 20) took %v iterations, GMRES(40) %v: deflation should at least halve them", its["gcrodr"], its["gmres"])
	}
	code, out, _ := infoRun(t, "solve", path, "--method", "gcrodr", "--rtol", "1e-10")
	if code != 0 || !strings.Contains(out, "gcrodr(40, 20), right preconditioning") {
		t.Errorf("text output (exit %d) lacks the method line:\n%s", code, out)
	}
}

// flagValue returns the value after name in args, or def.
func flagValue(args []string, name, def string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == name {
			return args[i+1]
		}
	}
	return def
}

// A --restart whose basis cannot fit is refused before the allocation
// (GCRO-DR's m is not capped at n, and its O(m²) matrices count too);
// GMRES's basis is capped at n; every method needs x, b and two work
// vectors (a wide matrix's x can be the whole problem).
func TestSolveMemoryCheck(t *testing.T) {
	gib := sysmem.Limit{Bytes: 1 << 30, Source: sysmem.SourceRAM}
	for _, tc := range []struct {
		method     string
		rows, cols int
		m, k       int
		precond    bool
		want       string // "" when it fits
	}{
		{"gmres", 1_000_000, 1_000_000, 30, 0, false, ""},
		{"gmres", 1_000_000, 1_000_000, 200, 0, false, "--restart 200: the gmres basis for 1000000 unknowns needs at least 1.5 GiB, more than this machine's 1.0 GiB of memory; choose a smaller --restart"},
		{"gmres", 1000, 1000, 1_000_000, 0, false, ""}, // capped at n
		{"fgmres", 1_000_000, 1_000_000, 80, 0, false, ""},
		{"fgmres", 1_000_000, 1_000_000, 80, 0, true, "the fgmres basis"},
		{"gcrodr", 494, 494, 1_000_000, 10, false, "--restart 1000000: the gcrodr basis for 494 unknowns needs at least"},
		{"gcrodr", 100_000, 100_000, 40, 20, false, ""},
		{"cg", 10_000_000, 10_000_000, 30, 0, false, ""},
		{"cg", 100_000_000, 100_000_000, 30, 0, false, "a 100000000×100000000 system needs at least 3.0 GiB for the vectors of cg, more than this machine's 1.0 GiB of memory"},
		{"lsqr", 1, 1 << 31, 30, 0, false, "a 1×2147483648 system needs at least 32.0 GiB for the vectors of lsqr"},
	} {
		err := checkSolveMemory(tc.method, tc.rows, tc.cols, tc.m, tc.k, tc.precond, gib)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %d×%d m=%d: refused: %v", tc.method, tc.rows, tc.cols, tc.m, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %d×%d m=%d: error %v, want one containing %q", tc.method, tc.rows, tc.cols, tc.m, err, tc.want)
		}
	}
}

// With --x0, --monitor prints what --history stores ("the same
// estimates"), and its relative column divides by ‖b‖ on every line:
// LSQR/LSMR report ‖r̄‖/‖b − A x₀‖ to Progress, which the monitor took
// for ‖r‖/‖b‖ (13.6 printed where --history stored 1.36).
func TestSolveMonitorWithX0(t *testing.T) {
	dir := t.TempDir()
	x0 := make([]float64, 494)
	for i := range x0 {
		x0[i] = 0.9
	}
	x0p := filepath.Join(dir, "x0.npy")
	if err := npy.WriteVector(x0p, x0); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"lsqr", "lsmr", "gmres", "cg"} {
		hist := filepath.Join(dir, method+".npy")
		code, _, errs := infoRun(t, "solve", filepath.Join(infoMatrices, "494_bus.mtx"), "--method", method,
			"--x0", x0p, "--maxiter", "20", "--monitor", "--history", hist, "--json")
		if code != 0 && code != 3 {
			t.Fatalf("%s: exit %d: %s", method, code, errs)
		}
		h, err := npy.ReadVector(hist)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		var rel0 float64
		for k, line := range lines {
			var it int
			var abs, rel float64
			if _, err := fmt.Sscanf(line, "%d residual %g relative %g", &it, &abs, &rel); err != nil {
				t.Fatalf("%s line %d: %q", method, k, line)
			}
			if k == 0 {
				rel0 = rel / abs
			}
			if math.Abs(abs-h[k]) > 1e-5*h[k] {
				t.Errorf("%s: iteration %d: monitor residual %g, history %g", method, k, abs, h[k])
				break
			}
			if math.Abs(rel/abs-rel0) > 1e-5*rel0 {
				t.Errorf("%s: iteration %d: relative/residual %g differs from line 0's %g (different denominators)", method, k, rel/abs, rel0)
				break
			}
		}
	}
}

// A small --restart alone caps the default --recycle (20) at m − 1, as
// datagen caps its default --k: the user set no k, so a k ≥ m is not
// their error (--restart 10 was refused with "--recycle 20 must be in
// [1, m)"). An explicit --recycle is still checked.
func TestSolveGCRODRDefaultRecycleCapped(t *testing.T) {
	path := filepath.Join(infoMatrices, "can___24.mtx")
	code, out, errs := infoRun(t, "solve", path, "--method", "gcrodr", "--restart", "10", "--json")
	if code != 0 {
		t.Fatalf("--restart 10: exit %d: %s", code, errs)
	}
	if m := solveJSON(t, out); m["restart"] != 10.0 || m["recycle"] != 9.0 {
		t.Errorf("restart/recycle = %v/%v, want 10/9", m["restart"], m["recycle"])
	}
	code, _, errs = infoRun(t, "solve", path, "--method", "gcrodr", "--restart", "10", "--recycle", "12")
	if code != 2 || !strings.Contains(errs, "--recycle 12 must be in [1, m) with m = --restart 10") {
		t.Errorf("explicit --recycle 12: exit %d, stderr %q", code, errs)
	}
}

// With --x0 and --damp the text output names the reported gradient by
// what it is, ‖Aᵀr − λ²(x − x0)‖ (the damping applies to x − x0, as
// krylov.LSOptions.Damp says), not ‖Aᵀr − λ²x‖.
func TestSolveDampX0Label(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(infoMatrices, "lp_afiro.mtx")
	A, err := sparse.LoadMM(path)
	if err != nil {
		t.Fatal(err)
	}
	_, cols := A.Dims()
	x0 := make([]float64, cols)
	for i := range x0 {
		x0[i] = 0.5
	}
	guess := filepath.Join(dir, "x0.npy")
	if err := npy.WriteVector(guess, x0); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--damp", "0.1"}, "‖Aᵀr − λ²x‖ "},
		{[]string{"--damp", "0.1", "--x0", guess}, "‖Aᵀr − λ²(x − x0)‖ "},
		{[]string{"--x0", guess}, "‖Aᵀr‖ "},
	} {
		args := append([]string{"solve", path, "--method", "lsqr", "--rtol", "1e-10", "--progress=false"}, c.args...)
		code, out, errs := infoRun(t, args...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want a line %q\n%s%s", c.args, code, c.want, out, errs)
		}
	}
}

// A signal (ctx cancelled) while a verb reads its matrix stops the read:
// one line naming the file, exit 1. Reading did not watch ctx, so a large
// file was read (and assembled) to the end first.
func TestReadStopsOnCancel(t *testing.T) {
	path := filepath.Join(infoMatrices, "494_bus.mtx")
	npz := filepath.Join(t.TempDir(), "bus.npz")
	if code, _, stderr := infoRun(t, "convert", path, npz); code != 0 {
		t.Fatalf("convert: exit %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "out.mtx")
	for _, args := range [][]string{{"solve", path}, {"sequence", path, path}, {"info", path}, {"info", npz}, {"convert", path, npz + ".npz"}, {"convert", npz, out}} {
		path := args[1]
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var stdout, stderr bytes.Buffer
		code := run(ctx, args, &stdout, &stderr)
		if code != exitError || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "reading "+path+" stopped: context canceled") {
			t.Errorf("%s %s: exit %d, stderr %q", args[0], path, code, stderr.String())
		}
	}
}
