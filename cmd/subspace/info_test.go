package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const infoMatrices = "../../testdata/matrices"

// infoRun runs the CLI in-process and returns the exit status and output.
func infoRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// infoWrite writes a Matrix Market file into a temporary directory.
func infoWrite(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInfoInvocations(t *testing.T) {
	bus := filepath.Join(infoMatrices, "494_bus.mtx")
	bad := infoWrite(t, "bad.mtx", "%%MatrixMarket matrix coordinate real general\n% c\n3 3 2\n1 1 1\n1 4 2\n")
	trunc := infoWrite(t, "trunc.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n")
	cpx := infoWrite(t, "herm.mtx", "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 2 0\n2 1 1 1\n")
	empty := infoWrite(t, "empty.mtx", "%%MatrixMarket matrix coordinate real general\n0 0 0\n")
	zeros := infoWrite(t, "zeros.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 0\n2 2 0\n1 3 4\n")
	missing := filepath.Join(t.TempDir(), "missing.mtx")
	tests := []struct {
		name      string
		args      []string
		code      int
		out, errs []string // substrings of stdout, stderr
	}{
		{"text", []string{"info", bus}, 0,
			[]string{"shape             494 × 494", "1666 stored (1080 entries in the file, symmetric storage expanded", "value symmetry    symmetric (exact)", "pattern symmetry  symmetric", "diagonal          0 missing, 0 stored zeros", "min 2  mean 3.37247  max 10"}, nil},
		{"complex hermitian", []string{"info", cpx}, 0,
			[]string{"field             complex", "value symmetry    hermitian (exact)", "norms (of |a_ij|)"}, nil},
		{"explicit zeros", []string{"info", zeros}, 0,
			[]string{"3 stored", "1 missing, 2 stored zeros; first missing in row 3; first zero in row 1"}, nil},
		{"empty", []string{"info", empty}, 0, []string{"shape             0 × 0", "density           n/a"}, nil},
		{"no file", []string{"info"}, 2, nil, []string{"info takes one FILE argument, got 0"}},
		{"two files", []string{"info", bus, bus}, 2, nil, []string{"got 2"}},
		{"bad flag", []string{"info", "--frobnicate", bus}, 2, nil, []string{"unknown flag"}},
		{"unknown verb", []string{"frobnicate", bus}, 2, nil, []string{`unknown command "frobnicate"`}},
		{"negative tol", []string{"info", "--sym-tol", "-1", bus}, 2, nil, []string{"--sym-tol must be finite and >= 0"}},
		{"NaN tol", []string{"info", "--sym-tol", "NaN", bus}, 2, nil, []string{"--sym-tol"}},
		{"missing file", []string{"info", missing}, 1, nil, []string{"subspace: mm: " + missing + ": open: no such file"}},
		{"malformed", []string{"info", bad}, 1, nil, []string{"subspace: mm: " + bad + ": line 5: column index 4 out of range [1,3]"}},
		{"truncated", []string{"info", "--json", trunc}, 1, nil, []string{trunc + ": line 4: input ends after 1 of 2 entries"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := infoRun(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			for _, s := range tc.out {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.errs {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
			if code != 0 {
				if out != "" {
					t.Errorf("failed run printed on stdout: %q", out)
				}
				if strings.Count(errs, "\n") != 1 {
					t.Errorf("stderr is not one line: %q", errs)
				}
			} else if errs != "" {
				t.Errorf("successful run printed on stderr: %q", errs)
			}
		})
	}
}

// infoExpected is the part of testdata/matrices/expected.json (SciPy's
// mmread, see make_expected.py) that info reports.
type infoExpected struct {
	File             string
	Rows, Cols, NNZ  int
	Complex          bool
	Header           struct{ Field, Symmetry string }
	Symmetric        bool
	PatternSymmetric bool    `json:"pattern_symmetric"`
	Hermitian        bool    `json:"hermitian"`
	DiagMissing      int     `json:"diag_missing"`
	DiagZero         int     `json:"diag_zero"`
	SumSq            float64 `json:"sum_sq"`
	SumAbs           float64 `json:"sum_abs"`
	Norm1            float64 `json:"norm_1"`
	NormInf          float64 `json:"norm_inf"`
	NormMax          float64 `json:"norm_max"`
}

// TestInfoJSONAgainstSciPy runs "info --json" on every test matrix and
// compares with SciPy's values. Norms are sums of at most a few thousand
// moduli in a different order than SciPy's: 1e-12 relative is above the
// rounding bound (nnz·ε) and far below any real error.
func TestInfoJSONAgainstSciPy(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(infoMatrices, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp []infoExpected
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp) == 0 {
		t.Fatal("no expected values")
	}
	for _, e := range exp {
		t.Run(e.File, func(t *testing.T) {
			code, out, errs := infoRun(t, "info", "--json", filepath.Join(infoMatrices, e.File))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if strings.Count(out, "\n") != 1 {
				t.Fatalf("--json printed more than one line:\n%s", out)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("bad JSON %q: %v", out, err)
			}
			for _, k := range []string{"rows", "cols", "nnz", "symmetric", "field", "header_symmetry", "pattern_symmetric",
				"diag_missing", "diag_zero", "norm_fro", "norm_1", "norm_inf", "norm_max", "density",
				"nnz_row_min", "nnz_row_mean", "nnz_row_max", "skew_symmetric", "hermitian", "complex", "format", "entries", "file"} {
				if _, ok := got[k]; !ok {
					t.Errorf("key %q missing", k)
				}
			}
			num := func(k string) float64 {
				v, ok := got[k].(float64)
				if !ok {
					t.Fatalf("%s = %v, not a number", k, got[k])
				}
				return v
			}
			ints := map[string]int{"rows": e.Rows, "cols": e.Cols, "nnz": e.NNZ, "diag_missing": e.DiagMissing, "diag_zero": e.DiagZero}
			for k, w := range ints {
				if int(num(k)) != w {
					t.Errorf("%s = %v, SciPy %d", k, got[k], w)
				}
			}
			bools := map[string]bool{"symmetric": e.Symmetric, "pattern_symmetric": e.PatternSymmetric, "complex": e.Complex}
			if e.Complex {
				bools["hermitian"] = e.Hermitian
			}
			for k, w := range bools {
				if got[k] != w {
					t.Errorf("%s = %v, SciPy %v", k, got[k], w)
				}
			}
			if got["field"] != e.Header.Field || got["header_symmetry"] != e.Header.Symmetry {
				t.Errorf("field %v symmetry %v, SciPy %s %s", got["field"], got["header_symmetry"], e.Header.Field, e.Header.Symmetry)
			}
			tol := 1e-12 * math.Max(e.SumAbs, 1)
			for k, w := range map[string]float64{"norm_fro": math.Sqrt(e.SumSq), "norm_1": e.Norm1, "norm_inf": e.NormInf, "norm_max": e.NormMax} {
				if math.Abs(num(k)-w) > tol {
					t.Errorf("%s = %v, SciPy %v", k, num(k), w)
				}
			}
			if d, w := num("density"), float64(e.NNZ)/float64(e.Rows*e.Cols); math.Abs(d-w) > 1e-15 {
				t.Errorf("density = %v, want %v", d, w)
			}
			if m, w := num("nnz_row_mean"), float64(e.NNZ)/float64(e.Rows); math.Abs(m-w) > 1e-15*w {
				t.Errorf("nnz_row_mean = %v, want %v", m, w)
			}
			if lo, hi, mean := num("nnz_row_min"), num("nnz_row_max"), num("nnz_row_mean"); lo > mean || hi < mean {
				t.Errorf("row counts min %v mean %v max %v out of order", lo, mean, hi)
			}
		})
	}
}

func TestInfoJSONEdgeCases(t *testing.T) {
	empty := infoWrite(t, "e.mtx", "%%MatrixMarket matrix coordinate real general\n0 0 0\n")
	code, out, errs := infoRun(t, "info", "--json", empty)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("bad JSON %q: %v", out, err)
	}
	if got["density"] != nil || got["nnz_row_mean"] != nil || got["nnz"] != 0.0 || got["symmetric"] != true {
		t.Errorf("0×0: %v", got)
	}
	// Values whose squares overflow: the Frobenius norm is still finite,
	// the 1-norm overflows and is reported as null.
	big := infoWrite(t, "big.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1e300\n2 1 1.7e308\n")
	code, out, errs = infoRun(t, "info", "--json", big)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got = nil
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("bad JSON %q: %v", out, err)
	}
	if f, ok := got["norm_fro"].(float64); !ok || math.Abs(f-1.7e308)/1.7e308 > 1e-15 {
		t.Errorf("norm_fro = %v, want 1.7e308", got["norm_fro"])
	}
	if got["norm_1"] != nil && got["norm_1"] != 1.7e308+1e300 {
		t.Errorf("norm_1 = %v", got["norm_1"])
	}
	// --sym-tol: symmetric within 1e-9 relative, not exactly.
	near := infoWrite(t, "near.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n2 1 1.0000000001\n")
	for _, tc := range []struct {
		tol  string
		want bool
	}{{"0", false}, {"1e-12", false}, {"1e-9", true}} {
		code, out, errs := infoRun(t, "info", "--json", "--sym-tol", tc.tol, near)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		got = nil
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got["symmetric"] != tc.want || got["pattern_symmetric"] != true {
			t.Errorf("--sym-tol %s: symmetric %v pattern %v", tc.tol, got["symmetric"], got["pattern_symmetric"])
		}
	}
	// Skew-symmetric and array files.
	skew := infoWrite(t, "s.mtx", "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n")
	code, out, _ = infoRun(t, "info", "--json", skew)
	got = nil
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("exit %d %q", code, out)
	}
	if got["skew_symmetric"] != true || got["symmetric"] != false || got["nnz"] != 6.0 || got["diag_missing"] != 3.0 || got["format"] != "array" {
		t.Errorf("skew array: %v", got)
	}
}
