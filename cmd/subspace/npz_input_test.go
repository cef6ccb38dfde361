package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/sparse"
)

// TestNPZInputs runs info, solve and sequence on SciPy sparse .npz files
// (written by SaveNPZ from the Matrix Market test matrices, and by SciPy
// itself in testdata/scipy): the reports must equal those of the .mtx.
func TestNPZInputs(t *testing.T) {
	dir := t.TempDir()
	mtx := filepath.Join(infoMatrices, "494_bus.mtx")
	A, err := sparse.LoadMM(mtx)
	if err != nil {
		t.Fatal(err)
	}
	npz := filepath.Join(dir, "494_bus.npz")
	if err := sparse.SaveNPZ(npz, A, true); err != nil {
		t.Fatal(err)
	}

	infoOf := func(path string) map[string]any {
		t.Helper()
		code, out, errs := infoRun(t, "info", "--json", path)
		if code != 0 {
			t.Fatalf("info %s: exit %d: %s", path, code, errs)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	im, in := infoOf(mtx), infoOf(npz)
	for _, k := range []string{"rows", "cols", "nnz", "symmetric", "pattern_symmetric", "diag_missing", "norm_fro", "norm_1", "nnz_row_max"} {
		if im[k] != in[k] {
			t.Errorf("info %s: .mtx %v, .npz %v", k, im[k], in[k])
		}
	}
	if in["format"] != "npz" || in["entries"] != in["nnz"] {
		t.Errorf("npz header: format %v entries %v nnz %v", in["format"], in["entries"], in["nnz"])
	}

	solveOf := func(path string) map[string]any {
		t.Helper()
		code, out, errs := infoRun(t, "solve", "--json", "--progress=false", "--method", "cg", "--precond", "ic0", "--rtol", "1e-8", path)
		if code != 0 {
			t.Fatalf("solve %s: exit %d: %s", path, code, errs)
		}
		return solveJSON(t, out)
	}
	sm, sn := solveOf(mtx), solveOf(npz)
	if sm["iterations"] != sn["iterations"] || sm["relative_residual"] != sn["relative_residual"] {
		t.Errorf("solve: .mtx %v its %v, .npz %v its %v", sm["relative_residual"], sm["iterations"], sn["relative_residual"], sn["iterations"])
	}

	// A sequence mixing both formats, and SciPy's own bsr file.
	code, out, errs := infoRun(t, "sequence", "--json", "--progress=false", mtx, npz, mtx)
	if code != 0 {
		t.Fatalf("sequence: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"count":3`) {
		t.Errorf("sequence output lacks count 3: %s", out)
	}
	code, out, errs = infoRun(t, "info", filepath.Join("../../testdata/scipy", "bsr.npz"))
	if code != 0 || !strings.Contains(out, "shape             4 × 4") || !strings.Contains(out, "8 stored") {
		t.Errorf("info bsr.npz: exit %d\n%s%s", code, out, errs)
	}

	// Bad .npz files fail with one line naming the file and the problem.
	for file, want := range map[string]string{
		"bad_nan.npz":     "NaN at row 1, column 3",
		"bad_complex.npz": "complex",
		"bad_index.npz":   "outside [0, 2)",
	} {
		path := filepath.Join("../../testdata/scipy", file)
		for _, verb := range []string{"info", "solve"} {
			code, _, errs := infoRun(t, verb, path)
			if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, file) || strings.Count(errs, "\n") != 1 {
				t.Errorf("%s %s: exit %d, stderr %q; want exit 1 and one line with %q", verb, file, code, errs, want)
			}
		}
	}
}
