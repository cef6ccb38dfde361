package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/sparse"
)

// TestConvertRoundTrip converts every real test matrix to .npz and back to
// Matrix Market: the matrix must come back exactly, in the storage its
// symmetry allows.
func TestConvertRoundTrip(t *testing.T) {
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(infoMatrices, "*.mtx"))
	wantSym := map[string]string{"494_bus.mtx": "symmetric", "can___24.mtx": "symmetric", "bcspwr05.mtx": "symmetric",
		"west0067.mtx": "general", "lp_afiro.mtx": "general"}
	n := 0
	for _, f := range files {
		m, err := sparse.ReadMMFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m.Real == nil {
			continue
		}
		n++
		base := filepath.Base(f)
		for _, compress := range []string{"true", "false"} {
			npz := filepath.Join(dir, base+compress+".npz")
			back := filepath.Join(dir, base+compress+".mtx")
			if code, _, errs := infoRun(t, "convert", f, npz, "--compress="+compress); code != 0 {
				t.Fatalf("%s -> npz: exit %d: %s", base, code, errs)
			}
			code, out, errs := infoRun(t, "convert", "--json", npz, back)
			if code != 0 {
				t.Fatalf("npz -> %s: exit %d: %s", base, code, errs)
			}
			var res map[string]any
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if want, ok := wantSym[base]; ok && res["symmetry"] != want {
				t.Errorf("%s: symmetry %v, want %s", base, res["symmetry"], want)
			}
			if int(res["nnz"].(float64)) != m.Real.NNZ() || res["field"] != "real" {
				t.Errorf("%s: json %v", base, res)
			}
			got, err := sparse.LoadMM(back)
			if err != nil {
				t.Fatal(err)
			}
			sameCSR(t, base, got, m.Real)
		}
	}
	if n < 7 {
		t.Fatalf("converted %d matrices", n)
	}
}

// sameCSR fails unless a and b have the same shape, pattern and values.
func sameCSR(t *testing.T, name string, a, b *sparse.CSR) {
	t.Helper()
	ar, ac := a.Dims()
	br, bc := b.Dims()
	ap, ai, av := a.Raw()
	bp, bi, bv := b.Raw()
	if ar != br || ac != bc || len(ai) != len(bi) {
		t.Fatalf("%s: %d×%d nnz %d, want %d×%d nnz %d", name, ar, ac, len(ai), br, bc, len(bi))
	}
	for i := range ap {
		if ap[i] != bp[i] {
			t.Fatalf("%s: row pointer %d differs", name, i)
		}
	}
	for k := range ai {
		if ai[k] != bi[k] || av[k] != bv[k] {
			t.Fatalf("%s: entry %d: (%d, %v), want (%d, %v)", name, k, ai[k], av[k], bi[k], bv[k])
		}
	}
}

func TestConvertBadInput(t *testing.T) {
	dir := t.TempDir()
	bus := filepath.Join(infoMatrices, "494_bus.mtx")
	west := filepath.Join(infoMatrices, "west0067.mtx")
	exists := filepath.Join(dir, "exists.npz")
	if err := os.WriteFile(exists, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	frac := infoWrite(t, "frac.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.5\n2 2 2\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"one arg", []string{"convert", bus}, 2, "convert takes IN and OUT file arguments, got 1"},
		{"same file", []string{"convert", bus, bus}, 2, "is also an input"},
		// An empty OUT was taken for "not given" by the output check and
		// failed only after the read, with exit 1 and "mm: : path names a
		// directory, not a file".
		{"empty out", []string{"convert", bus, ""}, 2, `convert takes IN and OUT file names, got "` + bus + `" and ""`},
		{"empty in", []string{"convert", "", filepath.Join(dir, "g.mtx")}, 2, `got "" and`},
		{"exists", []string{"convert", bus, exists}, 2, exists + " exists; use --force"},
		{"no dir", []string{"convert", bus, filepath.Join(dir, "no", "a.npz")}, 2, "directory"},
		{"bad symmetry", []string{"convert", bus, filepath.Join(dir, "a.mtx"), "--symmetry", "hermitian"}, 2, "--symmetry must be"},
		{"bad field", []string{"convert", bus, filepath.Join(dir, "a.mtx"), "--field", "complex"}, 2, "--field must be"},
		{"field for npz", []string{"convert", bus, filepath.Join(dir, "a.npz"), "--field", "pattern"}, 2, "apply to Matrix Market output"},
		// OUT.npy was written as Matrix Market text under a NumPy name
		// (np.load refused it as pickled data).
		{"npy out", []string{"convert", bus, filepath.Join(dir, "a.npy")}, 2, ".npy holds a dense NumPy array"},
		{"npy out upper case", []string{"convert", bus, filepath.Join(dir, "a.NPY")}, 2, "name OUT .npz"},
		{"compress for mtx", []string{"convert", bus, filepath.Join(dir, "a.mtx"), "--compress=false"}, 2, "--compress applies to .npz output"},
		{"missing in", []string{"convert", filepath.Join(dir, "none.mtx"), filepath.Join(dir, "b.npz")}, 1, "no such file"},
		{"bad npz in", []string{"convert", "../../testdata/scipy/bad_nan.npz", filepath.Join(dir, "c.mtx")}, 1, "NaN at row 1, column 3"},
		{"not symmetric", []string{"convert", west, filepath.Join(dir, "d.mtx"), "--symmetry", "symmetric"}, 1, "symmetric"},
		{"not integer", []string{"convert", frac, filepath.Join(dir, "e.mtx"), "--field", "integer"}, 1, "integer"},
		{"complex", []string{"convert", filepath.Join(infoMatrices, "arrowc.mtx"), filepath.Join(dir, "f.npz")}, 1, "arrowc.mtx is a complex matrix; convert handles real matrices only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := infoRun(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want exit %d and one line with %q", code, errs, tc.code, tc.want)
			}
		})
	}
	// A failed write leaves no file behind.
	for _, name := range []string{"c.mtx", "d.mtx", "e.mtx", "a.npy", "a.NPY"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was left behind by a failed conversion", name)
		}
	}
	// --force overwrites.
	if code, _, errs := infoRun(t, "convert", bus, exists, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errs)
	}
	if _, err := sparse.LoadNPZ(exists); err != nil {
		t.Fatal(err)
	}
}

// TestConvertKeepsSignOfZero: --symmetry auto picks symmetric or
// skew-symmetric storage only when the mirror of every written entry is
// its exact value, sign of zero included: a −0 facing a +0 compares equal
// under ==, and writing one triangle would give it the other's sign.
func TestConvertKeepsSignOfZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		entries [][3]float64 // i, j, value
		sym     string
	}{
		{"symmetric zeros of both signs", [][3]float64{{0, 1, negZero}, {1, 0, 0}, {0, 0, 2}}, "general"},
		{"symmetric", [][3]float64{{0, 1, negZero}, {1, 0, negZero}, {0, 0, 2}}, "symmetric"},
		{"skew with equal zeros", [][3]float64{{0, 1, 1}, {1, 0, -1}, {0, 2, 0}, {2, 0, 0}}, "general"},
		{"skew", [][3]float64{{0, 1, 1}, {1, 0, -1}, {0, 2, 0}, {2, 0, negZero}}, "skew-symmetric"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			A, got := convert3x3(t, dir, tc.name, tc.entries, tc.sym)
			_, _, gv := got.Raw()
			_, _, av := A.Raw()
			for k := range av {
				if k >= len(gv) || math.Float64bits(gv[k]) != math.Float64bits(av[k]) {
					t.Fatalf("values read back %v, want %v", gv, av)
				}
			}
		})
	}
}

// TestConvertPatternAuto: with --field pattern only positions are written,
// so --symmetry auto chooses symmetric storage for a symmetric pattern
// whatever the values. A skew-symmetric matrix was given skew-symmetric
// storage, which the pattern field cannot have: the default conversion
// failed with "pattern field cannot be skew-symmetric".
func TestConvertPatternAuto(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		entries [][3]float64 // i, j, value
		sym     string
	}{
		{"skew", [][3]float64{{0, 1, 1}, {1, 0, -1}, {2, 1, 3}, {1, 2, -3}}, "symmetric"},
		{"symmetric", [][3]float64{{0, 1, 1}, {1, 0, 1}, {2, 2, 3}}, "symmetric"},
		{"symmetric pattern only", [][3]float64{{0, 1, 1}, {1, 0, 2}, {0, 0, 5}}, "symmetric"},
		{"nonsymmetric pattern", [][3]float64{{0, 1, 1}, {2, 2, 3}}, "general"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			A, got := convert3x3(t, dir, tc.name, tc.entries, tc.sym, "--field", "pattern")
			gp, gi, _ := got.Raw()
			ap, ai, _ := A.Raw()
			if len(gi) != len(ai) || len(gp) != len(ap) {
				t.Fatalf("pattern read back has %d entries, want %d", len(gi), len(ai))
			}
			for k := range ai {
				if gi[k] != ai[k] {
					t.Fatalf("pattern read back %v %v, want %v %v", gp, gi, ap, ai)
				}
			}
		})
	}
}

// The text summary counts entries in the singular for one ("1 stored
// entry"), as info does.
func TestConvertSummaryNouns(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "one.mtx")
	if err := os.WriteFile(in, []byte("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := infoRun(t, "convert", in, filepath.Join(dir, "one.npz"))
	if code != 0 || !strings.Contains(out, ": 2 × 2, 1 stored entry (csr, compressed), ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = infoRun(t, "convert", filepath.Join(infoMatrices, "494_bus.mtx"), filepath.Join(dir, "bus.npz"))
	if code != 0 || !strings.Contains(out, ": 494 × 494, 1666 stored entries (csr, compressed), ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// convert3x3 writes the 3×3 matrix of entries (i, j, value) as name.npz
// in dir, runs convert --json with args to name.mtx, checks the storage
// symmetry the JSON reports against sym, and returns the matrix and the
// file read back.
func convert3x3(t *testing.T, dir, name string, entries [][3]float64, sym string, args ...string) (A, got *sparse.CSR) {
	t.Helper()
	b := sparse.NewCOO(3, 3, len(entries))
	for _, e := range entries {
		b.Append(int(e[0]), int(e[1]), e[2])
	}
	A = b.ToCSR()
	npz := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".npz")
	mtx := strings.TrimSuffix(npz, ".npz") + ".mtx"
	if err := sparse.SaveNPZ(npz, A, false); err != nil {
		t.Fatal(err)
	}
	code, out, errs := infoRun(t, append(append([]string{"convert", "--json"}, args...), npz, mtx)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res["symmetry"] != sym {
		t.Errorf("symmetry %v, want %s", res["symmetry"], sym)
	}
	got, err := sparse.LoadMM(mtx)
	if err != nil {
		t.Fatal(err)
	}
	return A, got
}
