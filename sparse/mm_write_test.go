package sparse

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// mmRandom returns an r×c matrix with about nnz random entries whose
// values span the float64 range: ordinary, tiny, subnormal, huge, signed
// zeros and values with 17 significant digits.
func mmRandom(rng *rand.Rand, r, c, nnz int) *CSR {
	b := NewCOO(r, c, nnz)
	for k := 0; k < nnz; k++ {
		var v float64
		switch rng.IntN(8) {
		case 0:
			v = 0
		case 1:
			v = math.Copysign(0, -1)
		case 2:
			v = math.Float64frombits(rng.Uint64N(1 << 52)) // subnormal
		case 3:
			v = math.MaxFloat64 / 8 * rng.Float64() // duplicates summed stay finite
		case 4:
			v = rng.NormFloat64() * 1e-300
		default:
			v = rng.NormFloat64()
		}
		b.Append(rng.IntN(r), rng.IntN(c), v)
	}
	return b.ToCSR()
}

// mmRoundTrip writes A with o and reads it back.
func mmRoundTrip(t *testing.T, A *CSR, o *MMWriteOptions) (*MM, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMM(&buf, A, o); err != nil {
		t.Fatalf("WriteMM: %v", err)
	}
	text := buf.String()
	m, err := ReadMM(&buf)
	if err != nil {
		t.Fatalf("ReadMM of written file: %v\n%s", err, text)
	}
	return m, text
}

func TestWriteMMRoundTripExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{0, 0, 0}, {1, 1, 1}, {3, 0, 0}, {0, 4, 0}, {5, 7, 0}, {40, 30, 300}, {200, 200, 3000}} {
		A := mmRandom(rng, sz[0], sz[1], sz[2])
		m, _ := mmRoundTrip(t, A, nil)
		mmSameCSR(t, m.Real, A)
		// Signed zeros survive too (== cannot tell them apart).
		_, _, gv := m.Real.Raw()
		_, _, wv := A.Raw()
		for k := range wv {
			if math.Signbit(gv[k]) != math.Signbit(wv[k]) {
				t.Fatalf("sign of entry %d lost", k)
			}
		}
		if m.Header.Field != MMReal || m.Header.Symmetry != MMGeneral || m.Header.Format != MMCoordinate {
			t.Errorf("default header %+v", m.Header)
		}
	}
}

func TestWriteMMSymmetric(t *testing.T) {
	L := Laplacian2D(4, 3)
	n, _ := L.Dims()
	m, text := mmRoundTrip(t, L, &MMWriteOptions{Symmetry: MMSymmetric})
	mmSameCSR(t, m.Real, L)
	if want := (L.NNZ() + n) / 2; m.Header.Entries != want {
		t.Errorf("wrote %d entries, want the lower triangle's %d", m.Header.Entries, want)
	}
	if !strings.HasPrefix(text, "%%MatrixMarket matrix coordinate real symmetric\n") {
		t.Errorf("banner: %q", text[:50])
	}
	// Lower triangle only.
	for _, line := range strings.Split(text, "\n")[2:] {
		var i, j int
		var v float64
		if line == "" {
			continue
		}
		if _, err := mmEntryLine(line, &i, &j, &v); err != nil || j > i {
			t.Fatalf("line %q is not a lower-triangle entry", line)
		}
	}
	// Skew-symmetric: L's strict lower part minus its transpose.
	b := NewCOO(n, n, 0)
	indptr, ind, val := L.Raw()
	for i := 0; i < n; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if j := int(ind[k]); j < i {
				b.Append(i, j, val[k]*float64(i+1))
				b.Append(j, i, -val[k]*float64(i+1))
			}
		}
	}
	S := b.ToCSR()
	m, _ = mmRoundTrip(t, S, &MMWriteOptions{Symmetry: MMSkewSymmetric})
	mmSameCSR(t, m.Real, S)
	if m.Header.Entries != S.NNZ()/2 {
		t.Errorf("skew wrote %d entries, want %d", m.Header.Entries, S.NNZ()/2)
	}
	// Integer and pattern fields.
	m, text = mmRoundTrip(t, L, &MMWriteOptions{Field: MMInteger, Symmetry: MMSymmetric, Comments: []string{" two\nlines", ""}})
	mmSameCSR(t, m.Real, L)
	if strings.Contains(text, ".") || !strings.Contains(text, "\n% two\n%lines\n%\n") {
		t.Errorf("integer file:\n%s", text)
	}
	P, _ := mmRoundTrip(t, L, &MMWriteOptions{Field: "PATTERN"})
	if P.Header.Field != MMPattern || P.Real.NNZ() != L.NNZ() || P.Real.MaxAbs() != 1 {
		t.Errorf("pattern: field %q nnz %d max %v", P.Header.Field, P.Real.NNZ(), P.Real.MaxAbs())
	}
}

// mmEntryLine parses a coordinate entry line "i j v".
func mmEntryLine(line string, i, j *int, v *float64) (int, error) {
	f := strings.Fields(line)
	if len(f) != 3 {
		return 0, errors.New("want 3 fields")
	}
	a, ok1 := mmInt([]byte(f[0]))
	b, ok2 := mmInt([]byte(f[1]))
	x, msg := mmFloat([]byte(f[2]))
	if !ok1 || !ok2 || msg != "" {
		return 0, errors.New("bad line")
	}
	*i, *j, *v = int(a), int(b), x
	return 3, nil
}

func TestWriteMMErrors(t *testing.T) {
	sym := Laplacian1D(3)
	nonsym := Laplacian1D(3).Clone()
	_, _, v := nonsym.Raw()
	v[1] = -2 // (0,1)
	b := NewCOO(3, 3, 0)
	b.Append(1, 0, 1)
	b.Append(0, 1, 1)
	b.Append(2, 0, 0) // (2,0) stored, (0,2) not: pattern not symmetric
	onesided := b.ToCSR()
	skewDiag := NewCOO(2, 2, 0)
	skewDiag.Append(0, 0, 0)
	withNaN := Identity(2)
	_, _, nv := withNaN.Raw()
	nv[1] = math.NaN()
	withInf := Identity(2)
	_, _, iv := withInf.Raw()
	iv[0] = math.Inf(-1)
	frac := Identity(2)
	frac.Scale(0.5)
	huge := Identity(1)
	huge.Scale(1e19)
	tests := []struct {
		name string
		A    *CSR
		o    *MMWriteOptions
		msg  string
	}{
		{"complex field", sym, &MMWriteOptions{Field: MMComplex}, "use WriteMMComplex"},
		{"unknown field", sym, &MMWriteOptions{Field: "double"}, `unknown field "double"`},
		{"unknown symmetry", sym, &MMWriteOptions{Symmetry: "upper"}, `unknown symmetry "upper"`},
		{"hermitian real", sym, &MMWriteOptions{Symmetry: MMHermitian}, "hermitian symmetry needs a complex matrix"},
		{"pattern skew", sym, &MMWriteOptions{Field: MMPattern, Symmetry: MMSkewSymmetric}, "pattern field cannot be skew-symmetric"},
		{"not symmetric values", nonsym, &MMWriteOptions{Symmetry: MMSymmetric}, "matrix is not symmetric: entry (1,2) = -2 but (2,1) = -1"},
		{"not symmetric pattern", onesided, &MMWriteOptions{Symmetry: MMSymmetric}, "entry (3,1) is stored but (1,3) is not"},
		{"pattern symmetric needs pattern", onesided, &MMWriteOptions{Field: MMPattern, Symmetry: MMSymmetric}, "is stored but"},
		{"rectangular symmetric", NewCOO(2, 3, 0).ToCSR(), &MMWriteOptions{Symmetry: MMSymmetric}, "a 2×3 matrix cannot be symmetric"},
		{"not skew", sym, &MMWriteOptions{Symmetry: MMSkewSymmetric}, "skew-symmetric storage cannot hold the stored diagonal entry (1,1)"},
		{"skew stored zero diagonal", skewDiag.ToCSR(), &MMWriteOptions{Symmetry: MMSkewSymmetric}, "diagonal entry (1,1) = 0"},
		{"NaN", withNaN, nil, "entry (2,2) is NaN"},
		{"Inf", withInf, nil, "entry (1,1) is -Inf"},
		{"integer fraction", frac, &MMWriteOptions{Field: MMInteger}, "entry (1,1) = 0.5 is not an int64 integer"},
		{"integer too large", huge, &MMWriteOptions{Field: MMInteger}, "is not an int64 integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteMM(&buf, tc.A, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "mm: write: ") {
				t.Fatalf("error = %v, want one containing %q", err, tc.msg)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
	// NaN is allowed with the pattern field: values are not written.
	if err := WriteMM(&bytes.Buffer{}, withNaN, &MMWriteOptions{Field: MMPattern}); err != nil {
		t.Errorf("pattern write of a NaN matrix: %v", err)
	}
}

// mmFailWriter accepts n bytes, then fails.
type mmFailWriter struct{ n int }

var errMMDiskFull = errors.New("disk full")

func (w *mmFailWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errMMDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteMMWriterError(t *testing.T) {
	A := Laplacian2D(100, 100)
	if err := WriteMM(&mmFailWriter{n: 1000}, A, nil); !errors.Is(err, errMMDiskFull) {
		t.Errorf("WriteMM error = %v", err)
	}
	Z := mmComplexSample()
	if err := WriteMMComplex(&mmFailWriter{n: 10}, Z, nil); !errors.Is(err, errMMDiskFull) {
		t.Errorf("WriteMMComplex error = %v", err)
	}
	if err := WriteMMDense(&mmFailWriter{n: 10}, mat.NewDense(2, 2, []float64{1, 2, 3, 4}), nil); !errors.Is(err, errMMDiskFull) {
		t.Errorf("WriteMMDense error = %v", err)
	}
}

func mmComplexSample() *ZCSR {
	b := NewZCOO(3, 3, 0)
	b.Append(0, 0, 2)
	b.Append(1, 0, 1+2i)
	b.Append(0, 1, 1-2i)
	b.Append(2, 2, 0) // explicit zero
	b.Append(2, 1, -0.5i)
	b.Append(1, 2, 0.5i)
	return b.ToZCSR()
}

func TestWriteMMComplex(t *testing.T) {
	H := mmComplexSample()
	for _, sym := range []string{"", MMGeneral, MMHermitian} {
		var buf bytes.Buffer
		if err := WriteMMComplex(&buf, H, &MMWriteOptions{Symmetry: sym}); err != nil {
			t.Fatalf("%q: %v", sym, err)
		}
		m, err := ReadMM(&buf)
		if err != nil {
			t.Fatalf("%q: %v", sym, err)
		}
		mmSameZCSR(t, m.Complex, H)
		if sym == MMHermitian && m.Header.Entries != 4 {
			t.Errorf("hermitian wrote %d entries, want 4", m.Header.Entries)
		}
	}
	// Complex symmetric and skew-symmetric.
	b := NewZCOO(2, 2, 0)
	b.Append(1, 0, 1+2i)
	b.Append(0, 1, 1+2i)
	b.Append(0, 0, 3i)
	S := b.ToZCSR()
	b = NewZCOO(2, 2, 0)
	b.Append(1, 0, 1+2i)
	b.Append(0, 1, -1-2i)
	K := b.ToZCSR()
	for _, tc := range []struct {
		A   *ZCSR
		sym string
	}{{S, MMSymmetric}, {K, MMSkewSymmetric}} {
		var buf bytes.Buffer
		if err := WriteMMComplex(&buf, tc.A, &MMWriteOptions{Symmetry: tc.sym}); err != nil {
			t.Fatal(err)
		}
		m, err := ReadMM(&buf)
		if err != nil {
			t.Fatal(err)
		}
		mmSameZCSR(t, m.Complex, tc.A)
	}
	bad := []struct {
		name string
		A    *ZCSR
		o    *MMWriteOptions
		msg  string
	}{
		{"real field", H, &MMWriteOptions{Field: MMReal}, "writes the complex field"},
		{"not hermitian", S, &MMWriteOptions{Symmetry: MMHermitian}, "not hermitian: diagonal entry (1,1) = (0+3i)"},
		{"not hermitian off-diagonal", mmWithVal(S, 0, 3), &MMWriteOptions{Symmetry: MMHermitian}, "not hermitian: entry (1,2)"},
		{"not symmetric", H, &MMWriteOptions{Symmetry: MMSymmetric}, "not symmetric"},
		{"NaN", mmWithVal(S, 0, complex(0, math.NaN())), nil, "is (0+NaNi)"},
		{"unknown symmetry", H, &MMWriteOptions{Symmetry: "x"}, "unknown symmetry"},
	}
	for _, tc := range bad {
		var buf bytes.Buffer
		if err := WriteMMComplex(&buf, tc.A, tc.o); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error = %v, want one containing %q", tc.name, err, tc.msg)
		}
	}
}

// mmWithVal returns a copy of a with the k-th stored value set to v.
func mmWithVal(a *ZCSR, k int, v complex128) *ZCSR {
	indptr, ind, val := a.Raw()
	c := &ZCSR{rows: a.rows, cols: a.cols, indptr: indptr, ind: ind, val: append([]complex128(nil), val...)}
	c.val[k] = v
	return c
}

func TestWriteMMDense(t *testing.T) {
	G := mat.NewDense(2, 3, []float64{1, 2.5, -3, 0, 1e-310, 7})
	Sym := mat.NewDense(3, 3, []float64{1, 2, 3, 2, 4, 5, 3, 5, 6})
	Skew := mat.NewDense(3, 3, []float64{0, -1, -2, 1, 0, -3, 2, 3, 0})
	for _, tc := range []struct {
		name    string
		m       *mat.Dense
		o       *MMWriteOptions
		entries int
	}{
		{"general", G, nil, 6},
		{"symmetric", Sym, &MMWriteOptions{Symmetry: MMSymmetric}, 6},
		{"skew", Skew, &MMWriteOptions{Symmetry: MMSkewSymmetric}, 3},
		{"integer", Sym, &MMWriteOptions{Field: MMInteger, Comments: []string{"hi"}}, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteMMDense(&buf, tc.m, tc.o); err != nil {
				t.Fatal(err)
			}
			text := buf.String()
			d, err := ReadMMDense(strings.NewReader(text))
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			if !mat.Equal(d, tc.m) {
				t.Errorf("read back\n%v\nwant\n%v", mat.Formatted(d), mat.Formatted(tc.m))
			}
			m, err := ReadMM(strings.NewReader(text))
			if err != nil {
				t.Fatal(err)
			}
			if m.Header.Entries != tc.entries {
				t.Errorf("wrote %d values, want %d", m.Header.Entries, tc.entries)
			}
		})
	}
	// Column-major order.
	var buf bytes.Buffer
	if err := WriteMMDense(&buf, G, nil); err != nil {
		t.Fatal(err)
	}
	if want := "%%MatrixMarket matrix array real general\n2 3\n1\n0\n2.5\n1e-310\n-3\n7\n"; buf.String() != want {
		t.Errorf("file\n%s\nwant\n%s", buf.String(), want)
	}
	bad := []struct {
		name string
		m    mat.Matrix
		o    *MMWriteOptions
		msg  string
	}{
		{"pattern", G, &MMWriteOptions{Field: MMPattern}, "array format holds the real or integer field"},
		{"not symmetric", G.T(), &MMWriteOptions{Symmetry: MMSymmetric}, "a 3×2 matrix cannot be symmetric"},
		{"not symmetric values", Skew, &MMWriteOptions{Symmetry: MMSymmetric}, "not symmetric: entry (2,1) = 1 but (1,2) = -1"},
		{"not skew", Sym, &MMWriteOptions{Symmetry: MMSkewSymmetric}, "not skew-symmetric: entry (1,1) = 1"},
		{"hermitian", Sym, &MMWriteOptions{Symmetry: MMHermitian}, "hermitian symmetry needs a complex matrix"},
		{"NaN", mat.NewDense(1, 1, []float64{math.NaN()}), nil, "entry (1,1) is NaN"},
		{"integer", G, &MMWriteOptions{Field: MMInteger}, "entry (1,2) = 2.5 is not an int64 integer"},
	}
	for _, tc := range bad {
		if err := WriteMMDense(&bytes.Buffer{}, tc.m, tc.o); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error = %v, want one containing %q", tc.name, err, tc.msg)
		}
	}
}

func TestSaveMMLoadMM(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.mtx")
	A := Laplacian2D(5, 4)
	if err := SaveMM(path, A, &MMWriteOptions{Symmetry: MMSymmetric}); err != nil {
		t.Fatal(err)
	}
	B, err := LoadMM(path)
	if err != nil {
		t.Fatal(err)
	}
	mmSameCSR(t, B, A)
	// A failed write leaves no file behind.
	bad := Identity(2)
	_, _, v := bad.Raw()
	v[0] = math.Inf(1)
	badPath := filepath.Join(dir, "bad.mtx")
	if err := SaveMM(badPath, bad, nil); err == nil {
		t.Fatal("SaveMM of an Inf matrix succeeded")
	}
	if _, err := os.Stat(badPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial file left behind: %v", err)
	}
	if err := SaveMM(filepath.Join(dir, "no", "such", "dir.mtx"), A, nil); err == nil {
		t.Error("SaveMM into a missing directory succeeded")
	}
	// A failed write over an existing file leaves it intact (the file
	// was truncated before the write), and no temporary file remains.
	if err := SaveMM(path, bad, nil); err == nil {
		t.Fatal("SaveMM of an Inf matrix succeeded")
	}
	B, err = LoadMM(path)
	if err != nil {
		t.Fatalf("the earlier file was damaged: %v", err)
	}
	mmSameCSR(t, B, A)
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("files in the directory: %v, want only a.mtx", left)
	}
	// A new file gets os.Create's mode (0666 less the umask), as it did
	// before the writes went through a temporary file.
	ref, err := os.Create(filepath.Join(dir, "ref"))
	if err != nil {
		t.Fatal(err)
	}
	ref.Close()
	want, _ := os.Stat(ref.Name())
	fresh := filepath.Join(dir, "fresh.mtx")
	if err := SaveMM(fresh, A, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.Stat(fresh); got.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("new file mode %v, os.Create gives %v", got.Mode(), want.Mode())
	}
}

// TestWriteMMIntegerExactDigits checks that the integer field writes each
// value's exact decimal digits: beyond 2⁵³ the shortest float form is not
// the integer ('f' of −2⁶³ is -9223372036854776000, which overflows
// int64, so neither ReadMM nor SciPy could read the file back).
func TestWriteMMIntegerExactDigits(t *testing.T) {
	vals := []float64{-(1 << 63), 1<<63 - 1024, 1<<53 + 2, math.Copysign(0, -1)}
	want := []string{"-9223372036854775808", "9223372036854774784", "9007199254740994", "0"}
	b := NewCOO(len(vals), 1, 0)
	for i, v := range vals {
		b.Append(i, 0, v)
	}
	A := b.ToCSR()
	m, text := mmRoundTrip(t, A, &MMWriteOptions{Field: MMInteger})
	mmSameCSR(t, m.Real, A)
	var buf bytes.Buffer
	if err := WriteMMDense(&buf, A.ToDense(), &MMWriteOptions{Field: MMInteger}); err != nil {
		t.Fatal(err)
	}
	dense := buf.String()
	d, err := ReadMMDense(&buf)
	if err != nil {
		t.Fatalf("ReadMMDense of written file: %v\n%s", err, dense)
	}
	if !mat.Equal(d, A.ToDense()) {
		t.Errorf("dense read back %v, want %v", mat.Formatted(d), mat.Formatted(A.ToDense()))
	}
	for i, w := range want {
		if !strings.Contains(text, fmt.Sprintf("\n%d 1 %s\n", i+1, w)) {
			t.Errorf("coordinate file lacks entry %d as %s:\n%s", i+1, w, text)
		}
		if !strings.Contains(dense, "\n"+w+"\n") {
			t.Errorf("array file lacks %s:\n%s", w, dense)
		}
	}
}
