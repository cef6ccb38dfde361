package sparse

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/internal/sysmem"
)

const mmHdr = "%%MatrixMarket matrix coordinate real general\n"

func mmReadString(s string) (*MM, error) { return ReadMM(strings.NewReader(s)) }

// mmMustReal reads s and returns the real matrix, failing the test on error.
func mmMustReal(t *testing.T, s string) *CSR {
	t.Helper()
	m, err := mmReadString(s)
	if err != nil {
		t.Fatalf("ReadMM: %v\ninput:\n%s", err, s)
	}
	if m.Real == nil || m.Complex != nil {
		t.Fatalf("want a real matrix, got Real=%v Complex=%v", m.Real, m.Complex)
	}
	return m.Real
}

func mmMustComplex(t *testing.T, s string) *ZCSR {
	t.Helper()
	m, err := mmReadString(s)
	if err != nil {
		t.Fatalf("ReadMM: %v\ninput:\n%s", err, s)
	}
	if m.Complex == nil || m.Real != nil {
		t.Fatalf("want a complex matrix")
	}
	return m.Complex
}

// mmEntries lists every entry of A row by row with NaN marking positions
// that are not stored, so tests compare values and pattern at once.
func mmEntries(A *CSR) [][]float64 {
	r, c := A.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = math.NaN()
		}
		ind, val := A.Row(i)
		for k, j := range ind {
			out[i][j] = val[k]
		}
	}
	return out
}

func mmCheckEntries(t *testing.T, A *CSR, want [][]float64) {
	t.Helper()
	got := mmEntries(A)
	if len(got) != len(want) {
		t.Fatalf("rows = %d, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("cols = %d, want %d", len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			g, w := got[i][j], want[i][j]
			if math.IsNaN(w) != math.IsNaN(g) || (!math.IsNaN(w) && g != w) {
				t.Fatalf("entry (%d,%d) = %v, want %v (NaN = not stored)\ngot  %v\nwant %v", i, j, g, w, got, want)
			}
		}
	}
}

var mmX = math.NaN() // "not stored" in expected entry tables

func TestReadMMValues(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [][]float64
	}{
		{"general", mmHdr + "2 3 3\n1 1 1.5\n2 3 -2\n1 2 3e2\n",
			[][]float64{{1.5, 300, mmX}, {mmX, mmX, -2}}},
		{"explicit zeros kept", mmHdr + "3 3 3\n1 1 0\n2 2 5\n3 1 -0\n",
			[][]float64{{0, mmX, mmX}, {mmX, 5, mmX}, {0, mmX, mmX}}},
		{"duplicates summed", mmHdr + "2 2 4\n1 1 2\n2 1 1\n1 1 3\n2 1 -1\n",
			[][]float64{{5, mmX}, {0, mmX}}},
		{"entries in any order", mmHdr + "2 2 4\n2 2 4\n1 2 2\n2 1 3\n1 1 1\n",
			[][]float64{{1, 2}, {3, 4}}},
		{"symmetric lower", "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 4\n3 1 -1\n2 2 0\n",
			[][]float64{{4, mmX, -1}, {mmX, 0, mmX}, {-1, mmX, mmX}}},
		{"symmetric upper accepted", "%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n1 3 -1\n2 3 7\n",
			[][]float64{{mmX, mmX, -1}, {mmX, mmX, 7}, {-1, 7, mmX}}},
		{"symmetric both triangles summed", "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 2 1\n2 1 2\n",
			[][]float64{{mmX, 3}, {3, mmX}}},
		{"symmetric explicit zero mirrored", "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n2 1 0\n",
			[][]float64{{mmX, 0}, {0, mmX}}},
		{"skew-symmetric", "%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 3\n3 2 -4\n",
			[][]float64{{mmX, -3, mmX}, {3, mmX, 4}, {mmX, -4, mmX}}},
		{"real hermitian read as symmetric", "%%MatrixMarket matrix coordinate real hermitian\n2 2 2\n1 1 1\n2 1 5\n",
			[][]float64{{1, 5}, {5, mmX}}},
		{"pattern", "%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n",
			[][]float64{{mmX, mmX, 1}, {1, mmX, mmX}}},
		{"pattern symmetric", "%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n1 1\n2 1\n",
			[][]float64{{1, 1}, {1, mmX}}},
		{"pattern hermitian read as symmetric", "%%MatrixMarket matrix coordinate pattern hermitian\n2 2 1\n2 1\n",
			[][]float64{{mmX, 1}, {1, mmX}}},
		{"integer", "%%MatrixMarket matrix coordinate integer general\n2 2 3\n1 1 -7\n2 2 +12\n1 2 0\n",
			[][]float64{{-7, 0}, {mmX, 12}}},
		{"integer beyond 2^53 rounds", "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 9007199254740993\n",
			[][]float64{{9007199254740992}}},
		{"value forms", mmHdr + "1 6 6\n1 1 .5\n1 2 5.\n1 3 -1E-3\n1 4 +2e+2\n1 5 1e-400\n1 6 4.9e-324\n",
			[][]float64{{0.5, 5, -0.001, 200, 0, 5e-324}}},
		{"array general column-major", "%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n0\n",
			[][]float64{{1, 3, 5}, {2, 4, 0}}},
		{"array symmetric lower by columns", "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n",
			[][]float64{{1, 2, 3}, {2, 4, 5}, {3, 5, 6}}},
		{"array skew strictly lower", "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n",
			[][]float64{{mmX, -1, -2}, {1, mmX, -3}, {2, 3, mmX}}},
		{"array integer", "%%MatrixMarket matrix array integer general\n1 2\n3\n-4\n",
			[][]float64{{3, -4}}},
		{"empty 0x0", mmHdr + "0 0 0\n", [][]float64{}},
		{"empty 3x2 no entries", mmHdr + "3 2 0\n", [][]float64{{mmX, mmX}, {mmX, mmX}, {mmX, mmX}}},
		{"array 0x0", "%%MatrixMarket matrix array real general\n0 0\n", [][]float64{}},
		{"array 2x0", "%%MatrixMarket matrix array real general\n2 0\n", [][]float64{{}, {}}},
		{"array skew 1x1", "%%MatrixMarket matrix array real skew-symmetric\n1 1\n", [][]float64{{mmX}}},
		{"1x1", mmHdr + "1 1 1\n1 1 7\n", [][]float64{{7}}},
		{"1x1 array", "%%MatrixMarket matrix array real symmetric\n1 1\n-2.5\n", [][]float64{{-2.5}}},
		{"lenient layout",
			"%%matrixmarket MATRIX Coordinate REAL General  \r\n" +
				"% comment\r\n\r\n  % indented comment\n\t\n" +
				"  2   2\t 2  \r\n" +
				"% between entries\n\n" +
				"\t1 1    1.0\r\n" +
				"   \n%\n2 2 2.0", // last line without newline
			[][]float64{{1, mmX}, {mmX, 2}}},
		{"byte order mark", "\xef\xbb\xbf" + mmHdr + "1 1 1\n1 1 3\n", [][]float64{{3}}},
		{"comments after the entries", mmHdr + "1 1 1\n1 1 3\n% done\n\n", [][]float64{{3}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mmCheckEntries(t, mmMustReal(t, tc.in), tc.want)
		})
	}
}

func TestReadMMComplex(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[[2]int]complex128 // every stored entry
		r, c int
	}{
		{"general with explicit zero", "%%MatrixMarket matrix coordinate complex general\n2 3 3\n1 1 1 2\n2 3 -1.5 0\n1 2 0 0\n",
			map[[2]int]complex128{{0, 0}: 1 + 2i, {1, 2}: -1.5, {0, 1}: 0}, 2, 3},
		{"hermitian conjugates", "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 5 0\n2 1 1 2\n",
			map[[2]int]complex128{{0, 0}: 5, {1, 0}: 1 + 2i, {0, 1}: 1 - 2i}, 2, 2},
		{"symmetric does not conjugate", "%%MatrixMarket matrix coordinate complex symmetric\n2 2 2\n1 1 0 3\n2 1 1 2\n",
			map[[2]int]complex128{{0, 0}: 3i, {1, 0}: 1 + 2i, {0, 1}: 1 + 2i}, 2, 2},
		{"skew negates", "%%MatrixMarket matrix coordinate complex skew-symmetric\n2 2 1\n2 1 1 2\n",
			map[[2]int]complex128{{1, 0}: 1 + 2i, {0, 1}: -1 - 2i}, 2, 2},
		{"duplicates summed", "%%MatrixMarket matrix coordinate complex general\n1 1 2\n1 1 1 2\n1 1 3 -2\n",
			map[[2]int]complex128{{0, 0}: 4}, 1, 1},
		{"array hermitian", "%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 3\n4 0\n",
			map[[2]int]complex128{{0, 0}: 1, {1, 0}: 2 + 3i, {0, 1}: 2 - 3i, {1, 1}: 4}, 2, 2},
		{"array general", "%%MatrixMarket matrix array complex general\n1 2\n1 -1\n0 0\n",
			map[[2]int]complex128{{0, 0}: 1 - 1i, {0, 1}: 0}, 1, 2},
		{"empty", "%%MatrixMarket matrix coordinate complex general\n0 0 0\n", map[[2]int]complex128{}, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			Z := mmMustComplex(t, tc.in)
			if r, c := Z.Dims(); r != tc.r || c != tc.c {
				t.Fatalf("Dims = %d×%d, want %d×%d", r, c, tc.r, tc.c)
			}
			if Z.NNZ() != len(tc.want) {
				t.Fatalf("NNZ = %d, want %d", Z.NNZ(), len(tc.want))
			}
			for p, w := range tc.want {
				if g := Z.At(p[0], p[1]); g != w {
					t.Errorf("At(%d,%d) = %v, want %v", p[0], p[1], g, w)
				}
			}
		})
	}
}

func TestReadMMHeader(t *testing.T) {
	in := "%%MatrixMarket Matrix Coordinate Pattern Symmetric\n% first\n%\n\n%  third  \n3 3 2\n% not a header comment\n2 1\n3 3\n"
	m, err := mmReadString(in)
	if err != nil {
		t.Fatal(err)
	}
	h := m.Header
	if h.Object != "matrix" || h.Format != MMCoordinate || h.Field != MMPattern || h.Symmetry != MMSymmetric {
		t.Errorf("keywords = %q %q %q %q", h.Object, h.Format, h.Field, h.Symmetry)
	}
	if h.Rows != 3 || h.Cols != 3 || h.Entries != 2 {
		t.Errorf("size = %d %d %d", h.Rows, h.Cols, h.Entries)
	}
	want := []string{" first", "", "  third  "}
	if strings.Join(h.Comments, "|") != strings.Join(want, "|") {
		t.Errorf("Comments = %q, want %q", h.Comments, want)
	}
	if m.Real.NNZ() != 3 {
		t.Errorf("NNZ = %d, want 3", m.Real.NNZ())
	}
	// Array files count the stored values.
	for _, tc := range []struct {
		sym  string
		n, e int
	}{{"general", 4, 16}, {"symmetric", 4, 10}, {"skew-symmetric", 4, 6}, {"hermitian", 4, 10}, {"skew-symmetric", 0, 0}} {
		in := "%%MatrixMarket matrix array real " + tc.sym + "\n" + strconv.Itoa(tc.n) + " " + strconv.Itoa(tc.n) + "\n" + strings.Repeat("1\n", tc.e)
		m, err := mmReadString(in)
		if err != nil {
			t.Fatalf("%s %d: %v", tc.sym, tc.n, err)
		}
		if m.Header.Entries != tc.e {
			t.Errorf("%s %d: Entries = %d, want %d", tc.sym, tc.n, m.Header.Entries, tc.e)
		}
	}
}

// TestReadMMErrors covers every malformed-input path: each must give an
// *MMError at the right line whose message names the problem.
func TestReadMMErrors(t *testing.T) {
	const (
		sym  = "%%MatrixMarket matrix coordinate real symmetric\n"
		skew = "%%MatrixMarket matrix coordinate real skew-symmetric\n"
		cpx  = "%%MatrixMarket matrix coordinate complex general\n"
		herm = "%%MatrixMarket matrix coordinate complex hermitian\n"
		pat  = "%%MatrixMarket matrix coordinate pattern general\n"
		intg = "%%MatrixMarket matrix coordinate integer general\n"
		arr  = "%%MatrixMarket matrix array real general\n"
		arrc = "%%MatrixMarket matrix array complex general\n"
	)
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"empty input", "", 1, "empty input"},
		{"no banner", "3 3 1\n1 1 1\n", 1, "missing %%MatrixMarket banner"},
		{"blank first line", "\n" + mmHdr + "1 1 0\n", 1, "missing %%MatrixMarket banner"},
		{"misspelt banner", "%%MatrixMarkt matrix coordinate real general\n1 1 0\n", 1, "missing %%MatrixMarket banner"},
		// Files often handed to a Matrix Market reader by mistake are named.
		{"npy file", "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", 1, "this is a NumPy .npy file"},
		{"zip file", "PK\x03\x04\x14\x00\x00\x00", 1, "this is a zip archive (a SciPy .npz?"},
		{"gzip file", "\x1f\x8b\x08\x08", 1, "this is gzip-compressed; decompress it first"},
		{"text file", "hello\n", 1, `line starts "hello"`},
		{"banner too short", "%%MatrixMarket matrix coordinate real\n1 1 0\n", 1, "banner has 4 words, want 5"},
		{"banner too long", "%%MatrixMarket matrix coordinate real general extra\n1 1 0\n", 1, "banner has more than 5 words"},
		{"CR-only line endings", "%%MatrixMarket matrix coordinate real general\r1 1 1\r1 1 2\r", 1, "lines end in a carriage return alone (classic Mac OS line endings)"},
		{"unknown object", "%%MatrixMarket tensor coordinate real general\n1 1 0\n", 1, `unknown object "tensor"`},
		{"vector object", "%%MatrixMarket vector coordinate real general\n1 1 0\n", 1, `object "vector" is not supported`},
		{"unknown format", "%%MatrixMarket matrix sparse real general\n1 1 0\n", 1, `unknown format "sparse"`},
		{"unknown field", "%%MatrixMarket matrix coordinate double general\n1 1 0\n", 1, `unknown field "double"`},
		{"unknown symmetry", "%%MatrixMarket matrix coordinate real upper\n1 1 0\n", 1, `unknown symmetry "upper"`},
		{"pattern array", "%%MatrixMarket matrix array pattern general\n1 1\n", 1, "pattern field is not allowed with array format"},
		{"pattern skew", "%%MatrixMarket matrix coordinate pattern skew-symmetric\n1 1 0\n", 1, "pattern field cannot be skew-symmetric"},
		{"missing size line", mmHdr + "% only a comment\n\n", 4, "missing size line"},
		{"size line short", mmHdr + "3 3\n", 2, "size line has 2 numbers, want 3 (rows columns entries)"},
		{"size line long", mmHdr + "3 3 1 1\n", 2, "size line has more than 3 numbers"},
		{"array size line long", arr + "3 3 9\n", 2, "size line has more than 2 numbers, want 2 (rows columns)"},
		{"size not a number", mmHdr + "3 x 1\n", 2, `invalid number of columns "x"`},
		{"size float", mmHdr + "3.0 3 1\n", 2, `invalid number of rows "3.0"`},
		{"negative rows", mmHdr + "-3 3 1\n", 2, "negative number of rows -3"},
		{"negative entries", mmHdr + "3 3 -1\n", 2, "negative number of entries -1"},
		{"rows over MaxDim", mmHdr + "2147483648 3 1\n", 2, "number of rows 2147483648 exceeds the limit 2147483647"},
		{"cols absurd", mmHdr + "3 99999999999999999999999 1\n", 2, "number of columns 99999999999999999999999 exceeds the limit"},
		{"entries absurd", mmHdr + "3 3 99999999999999999999999\n", 2, "entry count"},
		{"symmetric non-square", sym + "3 4 1\n1 1 1\n", 2, "symmetric matrix must be square, size line says 3×4"},
		{"array symmetric non-square", "%%MatrixMarket matrix array real symmetric\n2 3\n", 2, "must be square"},
		{"too few tokens", mmHdr + "3 3 1\n1 1\n", 3, "entry line has 2 fields, want 3 (row column value)"},
		{"too many tokens", mmHdr + "3 3 1\n1 1 1 1\n", 3, "entry line has more than 3 fields"},
		{"pattern with value", pat + "3 3 1\n1 1 5\n", 3, "entry line has more than 2 fields, want 2 (row column)"},
		{"complex without imaginary", cpx + "3 3 1\n1 1 5\n", 3, "entry line has 3 fields, want 4 (row column real imaginary)"},
		{"bad value", mmHdr + "3 3 1\n1 1 abc\n", 3, `invalid number "abc"`},
		{"bad value two points", mmHdr + "3 3 1\n1 1 1.5.3\n", 3, `invalid number "1.5.3"`},
		{"hex value refused", mmHdr + "3 3 1\n1 1 0x10\n", 3, `invalid number "0x10"`},
		{"underscore refused", mmHdr + "3 3 1\n1 1 1_000\n", 3, `invalid number "1_000"`},
		{"fortran exponent refused", mmHdr + "3 3 1\n1 1 1.0D+00\n", 3, `invalid number "1.0D+00"`},
		{"NaN", mmHdr + "3 3 1\n1 1 NaN\n", 3, `value "NaN" is not finite`},
		{"Inf", mmHdr + "3 3 1\n1 1 -Inf\n", 3, `value "-Inf" is not finite`},
		{"infinity", mmHdr + "3 3 1\n1 1 infinity\n", 3, `value "infinity" is not finite`},
		{"overflow", mmHdr + "3 3 1\n1 1 1e999\n", 3, `value "1e999" overflows float64`},
		{"complex NaN imaginary", cpx + "3 3 1\n1 1 1 nan\n", 3, `value "nan" is not finite`},
		{"integer with fraction", intg + "3 3 1\n1 1 1.5\n", 3, `invalid integer "1.5"`},
		{"integer overflow", intg + "3 3 1\n1 1 99999999999999999999\n", 3, `integer "99999999999999999999" overflows int64`},
		{"bad row index", mmHdr + "3 3 1\na 1 1\n", 3, `invalid row index "a"`},
		{"float row index", mmHdr + "3 3 1\n1.0 1 1\n", 3, `invalid row index "1.0"`},
		{"bad column index", mmHdr + "3 3 1\n1 b 1\n", 3, `invalid column index "b"`},
		{"row index zero", mmHdr + "3 3 1\n0 1 1\n", 3, "row index 0 out of range [1,3]"},
		{"row index high", mmHdr + "3 3 1\n4 1 1\n", 3, "row index 4 out of range [1,3]"},
		{"row index negative", mmHdr + "3 3 1\n-1 1 1\n", 3, "row index -1 out of range [1,3]"},
		{"column index high", mmHdr + "% a\n%\n% b\n8 8 2\n1 1 1\n\n% x\n" + strings.Repeat("%\n", 8) + "2 9 1\n", 17, "column index 9 out of range [1,8]"},
		{"column index huge", mmHdr + "3 3 1\n1 99999999999999999999999999 1\n", 3, "column index 99999999999999999999999999 out of range [1,3]"},
		{"truncated", mmHdr + "3 3 3\n1 1 1\n2 2 2\n", 5, "input ends after 2 of 3 entries"},
		{"truncated after comments", mmHdr + "3 3 3\n1 1 1\n% c\n\n", 6, "input ends after 1 of 3 entries"},
		{"no entries at all", mmHdr + "3 3 1\n", 3, "input ends after 0 of 1 entries"},
		{"more entries than declared", mmHdr + "3 3 1\n1 1 1\n% c\n2 2 2\n", 5, "more entries than the 1 declared"},
		{"junk after entries", mmHdr + "3 3 0\nfoo\n", 3, "more entries than the 0 declared"},
		{"skew diagonal", skew + "3 3 2\n2 1 1\n2 2 1\n", 4, "skew-symmetric matrix has a diagonal entry (2,2)"},
		{"skew diagonal zero", skew + "3 3 1\n1 1 0\n", 3, "skew-symmetric matrix has a diagonal entry (1,1)"},
		{"hermitian complex diagonal", herm + "2 2 1\n2 2 1 0.5\n", 3, "hermitian matrix has a non-real diagonal entry (2,2)"},
		{"array truncated", arr + "2 2\n1\n2\n3\n", 6, "input ends after 3 of 4 entries"},
		{"array too many", arr + "1 2\n1\n2\n3\n", 5, "more entries than the 2 declared"},
		{"array two values per line", arr + "1 2\n1 2\n", 3, "entry line has more than 1 fields, want 1 (value)"},
		{"array complex one value", arrc + "1 1\n1\n", 3, "entry line has 1 fields, want 2 (real imaginary)"},
		{"array bad value", arr + "1 1\nx\n", 3, `invalid number "x"`},
		{"array NaN", arr + "1 1\nnan\n", 3, "not finite"},
		{"array hermitian diagonal", "%%MatrixMarket matrix array complex hermitian\n1 1\n1 1\n", 3, "non-real diagonal entry (1,1)"},
		{"line too long", mmHdr + "% " + strings.Repeat("x", mmMaxLine+10) + "\n1 1 0\n", 2, "line longer than 1048576 bytes"},
		{"entry line too long", mmHdr + "1 1 1\n1 1 " + strings.Repeat("1", mmMaxLine+10) + "\n", 3, "line longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := mmReadString(tc.in)
			if err == nil {
				t.Fatalf("no error; got %+v", m.Header)
			}
			var me *MMError
			if !errors.As(err, &me) {
				t.Fatalf("error %T %v is not an *MMError", err, err)
			}
			if me.Line != tc.line {
				t.Errorf("Line = %d, want %d (%v)", me.Line, tc.line, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "mm: line ") {
				t.Errorf("error %q does not start with \"mm: line \"", err)
			}
		})
	}
}

// TestReadMMSumOverflow: each value is finite but duplicates, or an
// entry given in both triangles of a symmetric file, overflow when summed.
func TestReadMMSumOverflow(t *testing.T) {
	for _, tc := range []struct{ in, pos string }{
		{mmHdr + "2 2 2\n2 1 1e308\n2 1 1e308\n", "(2,1)"},
		{"%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 -1e308\n1 2 -1e308\n", "(1,2)"},
		{"%%MatrixMarket matrix coordinate complex general\n2 2 2\n2 1 0 1e308\n2 1 0 1e308\n", "(2,1)"},
	} {
		in := tc.in
		_, err := mmReadString(in)
		var me *MMError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), "entries at "+tc.pos+" sum beyond the float64 range") {
			t.Errorf("error = %v\ninput:\n%s", err, in)
		}
	}
}

func TestMMErrorFormat(t *testing.T) {
	in := mmHdr + strings.Repeat("%\n", 14) + "8 8 1\n1 9 1\n" // line 17 holds the entry
	_, err := mmReadString(in)
	if got, want := err.Error(), "mm: line 17: column index 9 out of range [1,8]"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.mtx")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadMMFile(path)
	if got, want := err.Error(), "mm: "+path+": line 17: column index 9 out of range [1,8]"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if _, err := LoadMM(path); err == nil || !strings.Contains(err.Error(), path+": line 17:") {
		t.Errorf("LoadMM error %v does not name file and line", err)
	}
	missing := filepath.Join(dir, "missing.mtx")
	_, err = ReadMMFile(missing)
	var me *MMError
	if !errors.As(err, &me) || me.File != missing || !errors.Is(err, os.ErrNotExist) ||
		err.Error() != "mm: "+missing+": open: no such file or directory" {
		t.Errorf("missing file: error %v, want *MMError naming %s wrapping ErrNotExist", err, missing)
	}
	if _, err := ReadMMDenseFile(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadMMDenseFile of a missing file: %v", err)
	}
	if s := (&MMError{Msg: "x"}).Error(); s != "mm: x" {
		t.Errorf("Error() without file and line = %q", s)
	}
}

func TestLoadMMComplexRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.mtx")
	if err := os.WriteFile(path, []byte("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadMM(path)
	if err == nil || !strings.Contains(err.Error(), "complex; use ReadMMFile") || !strings.Contains(err.Error(), path) {
		t.Fatalf("LoadMM(complex) error = %v", err)
	}
	m, err := ReadMMFile(path)
	if err != nil || m.Complex == nil || m.Complex.At(0, 0) != 1+1i {
		t.Fatalf("ReadMMFile(complex) = %v, %v", m, err)
	}
}

// mmErrReader fails after delivering its prefix.
type mmErrReader struct {
	s   string
	err error
}

func (r *mmErrReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, r.err
	}
	n := copy(p, r.s)
	r.s = r.s[n:]
	return n, nil
}

func TestReadMMIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ReadMM(&mmErrReader{s: mmHdr + "3 3 2\n1 1 1\n", err: boom})
	var me *MMError
	if !errors.As(err, &me) || !errors.Is(err, boom) || me.Line != 4 {
		t.Fatalf("error = %v (%#v), want *MMError at line 4 wrapping the read error", err, me)
	}
}

// TestReadMMLyingHeader checks that a header declaring a huge entry count
// does not make the reader allocate for it: the whole read of a tiny
// stream (size unknown to the reader) must stay far below the 16 TB the
// header asks for. The bound, 256 MiB, is generous for the fixed 2²⁰-entry
// preallocation cap (32 MiB) and the 64 KiB read buffer.
func TestReadMMLyingHeader(t *testing.T) {
	in := mmHdr + "10 10 1000000000000\n1 1 1\n"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadMM(io.MultiReader(strings.NewReader(in))) // hides the size
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "input ends after 1 of 1000000000000 entries") {
		t.Fatalf("error = %v", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
		t.Errorf("allocated %d bytes for a 2-entry stream", d)
	}
	// With the size known (strings.Reader has Len), the cap is the input.
	runtime.ReadMemStats(&before)
	_, err = ReadMM(strings.NewReader(in))
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("no error")
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte input of known size", d, len(in))
	}
}

func TestReadMMDense(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [][]float64
	}{
		{"general", "%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n6\n", [][]float64{{1, 3, 5}, {2, 4, 6}}},
		{"symmetric", "%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n", [][]float64{{1, 2}, {2, 3}}},
		{"skew", "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n", [][]float64{{0, -1, -2}, {1, 0, -3}, {2, 3, 0}}},
		{"integer", "%%MatrixMarket matrix array integer general\n1 1\n42\n", [][]float64{{42}}},
		{"real hermitian", "%%MatrixMarket matrix array real hermitian\n2 2\n1\n2\n3\n", [][]float64{{1, 2}, {2, 3}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ReadMMDense(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			r, c := d.Dims()
			if r != len(tc.want) || c != len(tc.want[0]) {
				t.Fatalf("Dims = %d×%d", r, c)
			}
			for i := range tc.want {
				for j := range tc.want[i] {
					if d.At(i, j) != tc.want[i][j] {
						t.Errorf("At(%d,%d) = %v, want %v", i, j, d.At(i, j), tc.want[i][j])
					}
				}
			}
		})
	}
	bad := []struct{ name, in, msg string }{
		{"coordinate", mmHdr + "1 1 0\n", "coordinate format; ReadMMDense reads array files"},
		{"complex", "%%MatrixMarket matrix array complex general\n1 1\n1 0\n", "complex field"},
		{"zero rows", "%%MatrixMarket matrix array real general\n0 3\n", "0×3 matrix cannot be held"},
		{"truncated", "%%MatrixMarket matrix array real general\n2 2\n1\n", "input ends after 1 of 4 entries"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadMMDense(strings.NewReader(tc.in))
			var me *MMError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error = %v, want *MMError containing %q", err, tc.msg)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "a.mtx")
	if err := os.WriteFile(path, []byte("%%MatrixMarket matrix array real general\n1 1\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := ReadMMDenseFile(path); err != nil || d.At(0, 0) != 2 {
		t.Fatalf("ReadMMDenseFile = %v, %v", d, err)
	}
}

// TestMMFloatMatchesParseFloat: the fast path and the ParseFloat fallback
// must give exactly strconv.ParseFloat's correctly rounded result, for
// random decimal strings of every length and exponent range (fixed seed).
func TestMMFloatMatchesParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []string{"0", "-0", "+0.0", "1", ".5", "5.", "-.2788416", "0.0600221336916696",
		"9007199254740991", "9007199254740993", "1e22", "1e23", "123456789012345678901234",
		"0.000000000000000000000000001", "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
		"1e-400", "00000000000000000000001.5", "1.00000000000000000000000000001", "8.589973e9", "1E+0", "-1e-0"}
	for k := 0; k < 200000; k++ {
		var b []byte
		switch rng.IntN(3) {
		case 0:
			b = append(b, '-')
		case 1:
			b = append(b, '+')
		}
		nd := 1 + rng.IntN(22)
		dot := rng.IntN(nd + 2) // nd+1: no point
		for d := 0; d < nd; d++ {
			if d == dot {
				b = append(b, '.')
			}
			b = append(b, byte('0'+rng.IntN(10)))
		}
		if dot == nd {
			b = append(b, '.')
		}
		if rng.IntN(2) == 0 {
			b = append(b, "eE"[rng.IntN(2)])
			if rng.IntN(2) == 0 {
				b = append(b, "+-"[rng.IntN(2)])
			}
			e := rng.IntN(30)
			if rng.IntN(4) == 0 {
				e = rng.IntN(400)
			}
			b = strconv.AppendInt(b, int64(e), 10)
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := strconv.ParseFloat(s, 64)
		got, msg := mmFloat([]byte(s))
		if err != nil {
			if msg == "" {
				t.Errorf("mmFloat(%q) = %v, ParseFloat fails: %v", s, got, err)
			}
			continue
		}
		if msg != "" || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("mmFloat(%q) = %v (%q), ParseFloat %v", s, got, msg, want)
		}
	}
	for _, s := range []string{"", "+", "-", ".", "e5", ".e5", "1e", "1e+", "1..2", "1.2.3", "1e5e5", "--1", "1-", " 1", "1 ", "0x10", "1_0", "nan", "Inf"} {
		if v, msg := mmFloat([]byte(s)); msg == "" {
			t.Errorf("mmFloat(%q) = %v, want an error", s, v)
		}
	}
}

// TestReadMMEntryOrder: the same entries in row-major, column-major and
// shuffled order (the last with duplicates and explicit zeros) read to the
// same matrix; the sorted orders take the direct assembly paths, the
// shuffled one COO.ToCSR.
func TestReadMMEntryOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	const r, c = 30, 20
	type ent struct {
		i, j   int
		re, im float64
	}
	var es []ent
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if rng.IntN(4) == 0 {
				es = append(es, ent{i, j, float64(rng.IntN(9) - 4), float64(rng.IntN(5) - 2)})
			}
		}
	}
	write := func(field string, list []ent) string {
		var b strings.Builder
		b.WriteString("%%MatrixMarket matrix coordinate " + field + " general\n")
		b.WriteString(strconv.Itoa(r) + " " + strconv.Itoa(c) + " " + strconv.Itoa(len(list)) + "\n")
		for _, e := range list {
			b.WriteString(strconv.Itoa(e.i+1) + " " + strconv.Itoa(e.j+1) + " " + strconv.FormatFloat(e.re, 'g', -1, 64))
			if field == MMComplex {
				b.WriteString(" " + strconv.FormatFloat(e.im, 'g', -1, 64))
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	colMajor := append([]ent(nil), es...)
	sort.SliceStable(colMajor, func(a, b int) bool { return colMajor[a].j < colMajor[b].j })
	// Shuffled, with each entry split into two halves (duplicates).
	var shuffled []ent
	for _, e := range es {
		shuffled = append(shuffled, ent{e.i, e.j, e.re / 2, e.im / 2}, ent{e.i, e.j, e.re / 2, e.im / 2})
	}
	rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
	for _, tc := range []struct {
		list               []ent
		rowMajor, colMajor bool
	}{{es, true, false}, {colMajor, false, true}, {shuffled, false, false}} {
		p := newMMParser(strings.NewReader(write(MMReal, tc.list)), mmLimits{maxDim: MaxDim}, -1)
		if err := p.parse(); err != nil {
			t.Fatal(err)
		}
		if p.rowMajor != tc.rowMajor || p.colMajor != tc.colMajor {
			t.Errorf("order detected row-major %v column-major %v, want %v %v", p.rowMajor, p.colMajor, tc.rowMajor, tc.colMajor)
		}
	}
	for _, field := range []string{MMReal, MMComplex} {
		ref, err := mmReadString(write(field, es))
		if err != nil {
			t.Fatal(err)
		}
		for name, list := range map[string][]ent{"column-major": colMajor, "shuffled": shuffled} {
			m, err := mmReadString(write(field, list))
			if err != nil {
				t.Fatal(err)
			}
			if field == MMComplex {
				mmSameZCSR(t, m.Complex, ref.Complex)
				continue
			}
			mmSameCSR(t, m.Real, ref.Real)
			indptr, ind, val := m.Real.Raw()
			if _, err := NewCSR(r, c, indptr, ind, val); err != nil {
				t.Errorf("%s: invariant broken: %v", name, err)
			}
		}
		// The row-major reference itself against a dense build.
		for _, e := range es {
			var got complex128
			if field == MMComplex {
				got = ref.Complex.At(e.i, e.j)
			} else {
				got = complex(ref.Real.At(e.i, e.j), e.im)
			}
			if got != complex(e.re, e.im) {
				t.Fatalf("%s (%d,%d) = %v, want %v", field, e.i, e.j, got, complex(e.re, e.im))
			}
		}
		if field == MMReal && ref.Real.NNZ() != len(es) {
			t.Errorf("NNZ = %d, want %d", ref.Real.NNZ(), len(es))
		}
	}
}

// TestReadMMSymmetricOrder: a symmetric (and a skew-symmetric) matrix
// given by its lower triangle in row-major and in column-major order (the
// merge-of-triangles path), and by a shuffled mix of both triangles (the
// COO.ToCSR path), reads to the same matrix, which equals the dense
// expansion built here.
func TestReadMMSymmetricOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	const n = 25
	type ent struct {
		i, j int
		v    float64
	}
	for _, sym := range []string{MMSymmetric, MMSkewSymmetric} {
		var lower []ent // row-major
		var dense [n][n]float64
		var stored [n][n]bool
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				if (i == j && sym == MMSkewSymmetric) || rng.IntN(3) != 0 {
					continue
				}
				v := float64(rng.IntN(9) - 4)
				lower = append(lower, ent{i, j, v})
				dense[i][j], stored[i][j] = v, true
				if i != j {
					dense[j][i], stored[j][i] = v, true
					if sym == MMSkewSymmetric {
						dense[j][i] = -v
					}
				}
			}
		}
		colMajor := append([]ent(nil), lower...)
		sort.SliceStable(colMajor, func(a, b int) bool { return colMajor[a].j < colMajor[b].j })
		mixed := append([]ent(nil), lower...)
		for k := range mixed {
			if e := mixed[k]; k%2 == 0 && e.i != e.j {
				mixed[k] = ent{e.j, e.i, e.v} // upper triangle: same matrix when symmetric
				if sym == MMSkewSymmetric {
					mixed[k].v = -e.v
				}
			}
		}
		rng.Shuffle(len(mixed), func(a, b int) { mixed[a], mixed[b] = mixed[b], mixed[a] })
		for name, list := range map[string][]ent{"row-major": lower, "column-major": colMajor, "mixed": mixed} {
			var b strings.Builder
			b.WriteString("%%MatrixMarket matrix coordinate real " + sym + "\n")
			b.WriteString(strconv.Itoa(n) + " " + strconv.Itoa(n) + " " + strconv.Itoa(len(list)) + "\n")
			for _, e := range list {
				b.WriteString(strconv.Itoa(e.i+1) + " " + strconv.Itoa(e.j+1) + " " + strconv.FormatFloat(e.v, 'g', -1, 64) + "\n")
			}
			A := mmMustReal(t, b.String())
			indptr, ind, val := A.Raw()
			if _, err := NewCSR(n, n, indptr, ind, val); err != nil {
				t.Fatalf("%s %s: invariant broken: %v", sym, name, err)
			}
			want := make([][]float64, n)
			for i := range want {
				want[i] = make([]float64, n)
				for j := range want[i] {
					want[i][j] = mmX
					if stored[i][j] {
						want[i][j] = dense[i][j]
					}
				}
			}
			mmCheckEntries(t, A, want)
		}
	}
}

// A header that declares more than the machine can hold is refused at the
// size line with the estimate, before anything that large is allocated;
// the check is a lower bound (a matrix that fits is read), and is skipped
// when the machine's memory is unknown.
func TestMMMemoryCheck(t *testing.T) {
	const mib = 1 << 20
	fake := func(b uint64, known bool) func() (sysmem.Limit, bool) {
		return func() (sysmem.Limit, bool) { return sysmem.Limit{Bytes: b, Source: sysmem.SourceRAM}, known }
	}
	big := mmHdr + "% 10⁶ rows: 8 MB of row pointers\n1000000 1000000 1\n1 1 2.5\n"
	arr := "%%MatrixMarket matrix array real general\n1000 1000\n" + strings.Repeat("1\n", 1000*1000)
	sym := "%%MatrixMarket matrix coordinate real symmetric\n1000000 1000000 2\n"
	cplx := "%%MatrixMarket matrix coordinate complex general\n1000000 1000000 2\n"
	for _, tc := range []struct {
		name  string
		input string
		dense bool
		mem   func() (sysmem.Limit, bool)
		err   string // "" if the read must succeed
	}{
		{"csr refused", big, false, fake(mib, true), "line 3: a 1000000×1000000 matrix with 1 stored entry needs at least 7.6 MiB for its CSR row pointers and the entries read, more than this machine's 1.0 MiB of memory"},
		{"csr fits", big, false, fake(64*mib, true), ""},
		{"tall refused", mmHdr + "1000000 1 1\n1 1 2.5\n", false, fake(mib, true), "line 2: a 1000000×1 matrix with 1 stored entry needs at least 7.6 MiB for its CSR row pointers"},
		{"wide fits", mmHdr + "1 1000000 1\n1 1 2.5\n", false, fake(mib, true), ""},
		// Entries not in row-major order are bucketed by column: 8 bytes
		// per column too, which a 2³¹-column header would make 16 GiB.
		{"wide column-major refused", mmHdr + "2 1000000 2\n2 1 2.5\n1 2 1\n", false, fake(mib, true), "line 2: a 2×1000000 matrix with 2 stored entries needs at least 7.6 MiB for its row and column pointers and the entries read"},
		{"wide unsorted refused", mmHdr + "2 1000000 2\n2 2 2.5\n1 1 1\n", false, fake(mib, true), "needs at least 7.6 MiB for its row and column pointers"},
		// A sorted triangle merged with its transpose, and complex entries
		// assembled part by part, hold a second array of row pointers:
		// 22.9 MiB at 10⁶ rows, which a 20 MiB machine cannot hold (they
		// were read past the check, as if 15.3 MiB were enough).
		{"symmetric sorted refused", sym + "2 1 1\n3 2 1\n", false, fake(20*mib, true), "line 2: a 1000000×1000000 matrix with 2 stored entries needs at least 22.9 MiB for its row and column pointers"},
		{"symmetric column-major refused", sym + "3 1 1\n2 2 1\n", false, fake(20*mib, true), "needs at least 22.9 MiB"},
		{"symmetric unsorted fits", sym + "1 2 1\n3 2 1\n", false, fake(20*mib, true), ""},
		{"complex unsorted refused", cplx + "2 1 1 0\n1 1 1 0\n", false, fake(20*mib, true), "needs at least 22.9 MiB"},
		{"complex row-major fits", cplx + "1 1 1 0\n2 1 1 0\n", false, fake(10*mib, true), ""},
		{"csr memory unknown", big, false, fake(0, false), ""},
		{"dense refused", arr, true, fake(4*mib, true), "line 2: a 1000×1000 matrix with 1000000 stored entries needs at least 22.9 MiB as a dense matrix, more than this machine's 4.0 MiB of memory"},
		{"dense fits", arr, true, fake(64*mib, true), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := mmLimits{maxDim: MaxDim, mem: tc.mem}
			var err error
			if tc.dense {
				_, err = readMMDense(strings.NewReader(tc.input), "", lim, int64(len(tc.input)))
			} else {
				_, err = readMM(strings.NewReader(tc.input), "", lim, int64(len(tc.input)))
			}
			if tc.err == "" {
				if err != nil {
					t.Fatalf("err = %v, want a successful read", err)
				}
				return
			}
			var me *MMError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want an MMError containing %q", err, tc.err)
			}
		})
	}
	// The process's memory is known here (Linux) and large enough for a
	// 10⁶-row header.
	if lim, ok := sysmem.Usable(); runtime.GOOS == "linux" && (!ok || lim.Bytes < 64*mib) {
		t.Errorf("sysmem.Usable() = %v, %v on Linux", lim, ok)
	}
	if _, err := mmReadString(big); err != nil {
		t.Fatalf("default limits refused a 10⁶-row header: %v", err)
	}
}

// TestReadMMIntegerSkewZero: the skew-symmetric mirror of a stored integer
// 0 is 0, not −0 (−1·0 in floating point): integers have no negative zero,
// and SciPy's mmread gives an int64 0 there. Real files keep −0, as
// SciPy's float64 negation does. Every assembly path is checked: sorted
// lower triangle (row- and column-major), the COO path (an upper-triangle
// entry), and ReadMMDense.
func TestReadMMIntegerSkewZero(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		field      string
	}{
		{"row-major", "3 3 2\n2 1 0\n3 2 5\n", "integer"},
		{"column-major", "3 3 2\n2 1 0\n3 1 5\n", "integer"},
		{"unsorted", "3 3 2\n3 2 5\n1 2 0\n", "integer"},
		{"row-major real", "3 3 2\n2 1 0\n3 2 5\n", "real"},
		{"unsorted real", "3 3 2\n3 2 5\n1 2 0\n", "real"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			A := mmMustReal(t, "%%MatrixMarket matrix coordinate "+tc.field+" skew-symmetric\n"+tc.body)
			_, _, val := A.Raw()
			negZeros, want := 0, 0
			if tc.field == "real" {
				want = 1 // the mirror of the stored 0
			}
			for _, v := range val {
				if v == 0 && math.Signbit(v) {
					negZeros++
				}
			}
			if negZeros != want {
				t.Errorf("values %v hold %d negative zeros, want %d", val, negZeros, want)
			}
		})
	}
	d, err := ReadMMDense(strings.NewReader("%%MatrixMarket matrix array integer skew-symmetric\n2 2\n0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v := d.At(0, 1); v != 0 || math.Signbit(v) {
		t.Errorf("dense mirror of 0 is %v (sign bit %v), want +0", v, math.Signbit(v))
	}
}

// TestReadMMLineAtLimit: a line of exactly mmMaxLine bytes is accepted
// whatever ends it; the limit counts the line, not its "\n" or "\r\n".
func TestReadMMLineAtLimit(t *testing.T) {
	entry := "1 1 2.5"
	line := strings.Repeat(" ", mmMaxLine-len(entry)) + entry
	for _, end := range []string{"", "\n", "\r\n"} {
		m, err := mmReadString(mmHdr + "1 1 1\n" + line + end)
		if err != nil {
			t.Fatalf("line of %d bytes ending %q: %v", mmMaxLine, end, err)
		}
		mmCheckEntries(t, m.Real, [][]float64{{2.5}})
		_, err = mmReadString(mmHdr + "1 1 1\n " + line + end)
		if err == nil || !strings.Contains(err.Error(), "line 3: line longer than 1048576 bytes") {
			t.Errorf("line of %d bytes ending %q: err = %v, want line 3 too long", mmMaxLine+1, end, err)
		}
	}
}
