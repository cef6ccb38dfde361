package npy

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randFloats(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
	}
	return x
}

// sameBits compares float64 slices bit for bit (so -0 and NaN payloads count).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestRoundTripVector(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for _, n := range []int{0, 1, 2, 7, 8191, 70000} { // 70000 spans several decode chunks
		x := randFloats(rng, n)
		if n > 1 {
			x[0] = math.Copysign(0, -1)
			x[1] = math.SmallestNonzeroFloat64
		}
		p := filepath.Join(dir, "x.npy")
		if err := WriteVector(p, x); err != nil {
			t.Fatal(err)
		}
		y, err := ReadVector(p)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !sameBits(x, y) {
			t.Errorf("n=%d: round trip changed the data", n)
		}
	}
}

func TestRoundTripDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	dir := t.TempDir()
	for _, d := range [][2]int{{1, 1}, {1, 5}, {5, 1}, {3, 4}, {130, 70}} {
		m := mat.NewDense(d[0], d[1], randFloats(rng, d[0]*d[1]))
		p := filepath.Join(dir, "m.npy")
		if err := WriteDense(p, m); err != nil {
			t.Fatal(err)
		}
		got, err := ReadDense(p)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(got, m) {
			t.Errorf("%v: round trip changed the matrix", d)
		}
	}
	// A strided view writes only its own elements.
	big := mat.NewDense(4, 5, randFloats(rng, 20))
	view := big.Slice(1, 3, 1, 4).(*mat.Dense)
	p := filepath.Join(dir, "view.npy")
	if err := WriteDense(p, view); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDense(p)
	if err != nil || !mat.Equal(got, view) {
		t.Errorf("view round trip: %v", err)
	}
	// The zero Dense is written as a (0, 0) array.
	p = filepath.Join(dir, "empty.npy")
	if err := WriteDense(p, &mat.Dense{}); err != nil {
		t.Fatal(err)
	}
	a, err := ReadArray(p)
	if err != nil || !slices.Equal(a.Shape, []int{0, 0}) || len(a.Data) != 0 {
		t.Errorf("empty Dense: %+v, %v", a, err)
	}
}

func TestRoundTripArray(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	for _, shape := range [][]int{{}, {0}, {3, 0, 2}, {1}, {2, 3, 4}, {2, 1, 3, 1, 2}} {
		n, _ := shapeLen(shape)
		a := Array{Shape: shape, Data: randFloats(rng, n)}
		p := filepath.Join(dir, "a.npy")
		if err := WriteArray(p, a); err != nil {
			t.Fatal(err)
		}
		got, err := ReadArray(p)
		if err != nil {
			t.Fatalf("%v: %v", shape, err)
		}
		if !slices.Equal(got.Shape, shape) || !sameBits(got.Data, a.Data) {
			t.Errorf("%v: got %+v", shape, got)
		}
		ints := make([]int64, n)
		for i := range ints {
			ints[i] = rng.Int64() - math.MaxInt64/2
		}
		if n > 1 {
			ints[0], ints[1] = math.MinInt64, math.MaxInt64
		}
		if err := WriteInt64Array(p, Int64Array{Shape: shape, Data: ints}); err != nil {
			t.Fatal(err)
		}
		gi, err := ReadInt64Array(p)
		if err != nil || !slices.Equal(gi.Shape, shape) || !slices.Equal(gi.Data, ints) {
			t.Errorf("int64 %v: got %+v, %v", shape, gi, err)
		}
	}
}

// TestStreamingDTypes writes through Writer in every writable type and
// byte order, C and Fortran order, and reads back through ReadArray (which
// must undo the Fortran order) and through ReadInt64Array.
func TestStreamingDTypes(t *testing.T) {
	dir := t.TempDir()
	shape := []int{2, 3, 4}
	n := 24
	// Row-major values v[i,j,k] = 100i + 10j + k - 50: exact in every type
	// with a sign, and in range for int8.
	cvals := make([]float64, n)
	for i := range n {
		idx := unravel(i, shape)
		cvals[i] = float64(100*idx[0] + 10*idx[1] + idx[2] - 50)
	}
	// The same array in column-major storage order.
	fvals := make([]float64, n)
	pos := 0
	for k := range 4 {
		for j := range 3 {
			for i := range 2 {
				fvals[pos] = cvals[(i*3+j)*4+k]
				pos++
			}
		}
	}
	for _, dt := range []DType{"<f8", ">f8", "<f4", ">f4", "<i8", ">i8", "<i4", ">i2", "|i1", "<u8", ">u4"} {
		for _, fortran := range []bool{false, true} {
			src := cvals
			if fortran {
				src = fvals
			}
			if dt[1] == 'u' {
				shifted := make([]float64, n)
				for i, v := range src {
					shifted[i] = v + 50
				}
				src = shifted
			}
			p := filepath.Join(dir, "s.npy")
			w, err := Create(p, Header{DType: dt, Fortran: fortran, Shape: shape})
			if err != nil {
				t.Fatal(err)
			}
			// Write in uneven pieces to exercise the streaming path.
			if err := w.WriteFloat64(src[:5]); err != nil {
				t.Fatal(err)
			}
			if err := w.WriteFloat64(src[5:]); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			a, err := ReadArray(p)
			if err != nil {
				t.Fatalf("%s fortran=%v: %v", dt, fortran, err)
			}
			for i, v := range a.Data {
				want := cvals[i]
				if dt[1] == 'u' {
					want += 50
				}
				if v != want {
					t.Fatalf("%s fortran=%v: element %d = %v, want %v", dt, fortran, i, v, want)
				}
			}
			if dt[1] == 'f' {
				continue
			}
			ia, err := ReadInt64Array(p)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range ia.Data {
				if float64(v) != a.Data[i] {
					t.Fatalf("%s fortran=%v: int element %d = %d, want %v", dt, fortran, i, v, a.Data[i])
				}
			}
		}
	}
}

// TestFortranToC4D checks the odometer against a direct index computation.
func TestFortranToC4D(t *testing.T) {
	shape := []int{2, 3, 1, 4}
	n := 24
	src := make([]int64, n) // src[Fortran offset] = C offset
	for c := range n {
		idx := unravel(c, shape)
		f := idx[0] + 2*(idx[1]+3*(idx[2]+1*idx[3]))
		src[f] = int64(c)
	}
	dst := fortranToC(src, shape)
	for i, v := range dst {
		if v != int64(i) {
			t.Fatalf("dst[%d] = %d", i, v)
		}
	}
}

func TestReaderStreaming(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Header{DType: Float32, Shape: []int{10}})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	if err := w.WriteFloat64(x); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	chunk := make([]float64, 4)
	for {
		k, err := r.ReadFloat64(chunk)
		got = append(got, chunk[:k]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Remaining() != 10-len(got) {
			t.Fatalf("Remaining = %d after %d", r.Remaining(), len(got))
		}
	}
	if !slices.Equal(got, x) {
		t.Errorf("got %v", got)
	}
	if _, err := r.ReadInt64(make([]int64, 1)); !errors.Is(err, ErrDType) {
		t.Errorf("ReadInt64 on float32: %v", err)
	}
}

func TestWriterConversionsRefused(t *testing.T) {
	tests := []struct {
		dt     DType
		floats []float64
		ints   []int64
		msg    string
	}{
		{Float32, []float64{1, 1e39}, nil, "element 1 = 1e+39 cannot be stored exactly as float32"},
		{Int64, []float64{1.5}, nil, "element 0 = 1.5"},
		{Int64, []float64{math.NaN()}, nil, "NaN"},
		{Int64, []float64{9.3e18}, nil, "int64"},
		{Int32, []float64{1 << 31}, nil, "int32"},
		{"|u1", []float64{-1}, nil, "uint8"},
		{"|u1", nil, []int64{256}, "element 0 = 256"},
		{"|i1", nil, []int64{-129}, "int8"},
		{"<u8", nil, []int64{-1}, "uint64"},
		{Float64, nil, []int64{1<<53 + 1}, "float64"},
		{Float32, nil, []int64{1<<24 + 1}, "float32"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		n := len(tt.floats) + len(tt.ints)
		w, err := NewWriter(&buf, Header{DType: tt.dt, Shape: []int{n}})
		if err != nil {
			t.Fatal(err)
		}
		if tt.floats != nil {
			err = w.WriteFloat64(tt.floats)
		} else {
			err = w.WriteInt64(tt.ints)
		}
		wantErr(t, string(tt.dt), err, ErrRange, tt.msg)
		wantErr(t, string(tt.dt)+" Close", w.Close(), ErrRange)
	}
	// Exact edge values do pass.
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, Header{DType: Float64, Shape: []int{3}})
	if err := w.WriteInt64([]int64{1 << 62, math.MinInt64, -(1 << 53)}); err != nil {
		t.Errorf("exact int64 -> float64 refused: %v", err)
	}
	w, _ = NewWriter(&buf, Header{DType: Float32, Shape: []int{2}})
	if err := w.WriteFloat64([]float64{math.Inf(1), math.NaN()}); err != nil {
		t.Errorf("Inf/NaN to float32 refused: %v", err)
	}
}

func TestWriterMisuse(t *testing.T) {
	var buf bytes.Buffer
	for _, h := range []Header{{DType: "<c16", Shape: []int{1}}, {DType: "<f2", Shape: []int{1}}, {DType: "|b1", Shape: []int{1}}, {DType: "bogus", Shape: []int{1}}} {
		_, err := NewWriter(&buf, h)
		wantErr(t, string(h.DType), err, ErrDType)
	}
	_, err := NewWriter(&buf, Header{DType: Float64, Shape: []int{2, -1}})
	wantErr(t, "negative shape", err, ErrShape)

	w, _ := NewWriter(&buf, Header{DType: Float64, Shape: []int{2}})
	wantErr(t, "too many", w.WriteFloat64([]float64{1, 2, 3}), ErrShape, "exceed shape (2,)")

	w, _ = NewWriter(&buf, Header{DType: Float64, Shape: []int{2}})
	w.WriteFloat64([]float64{1})
	wantErr(t, "too few", w.Close(), ErrShape, "closed after 1 of the 2")
	if w.Close() != nil {
		t.Error("second Close returned an error")
	}
	wantErr(t, "write after close", w.WriteFloat64([]float64{1}), nil, "after Close")

	for name, f := range map[string]func(){
		"WriteArray": func() {
			WriteArray(filepath.Join(t.TempDir(), "x"), Array{Shape: []int{2, 2}, Data: make([]float64, 3)})
		},
		"WriteInt64Array": func() { WriteInt64Array(filepath.Join(t.TempDir(), "x"), Int64Array{Shape: []int{-1}}) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s with a bad shape did not panic", name)
				}
			}()
			f()
		}()
	}
}

// TestAtomicWrite: a failed or aborted write leaves the previous file and
// no temporary files; a successful one replaces it and keeps its mode.
func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.npy")
	if err := WriteVector(p, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	// A new file gets what os.Create gives (0666 less the umask).
	ref, err := os.Create(filepath.Join(dir, "ref"))
	if err != nil {
		t.Fatal(err)
	}
	ref.Close()
	want, _ := os.Stat(ref.Name())
	os.Remove(ref.Name())
	if fi, _ := os.Stat(p); fi.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("new file mode %v, os.Create gives %v", fi.Mode(), want.Mode())
	}
	os.Chmod(p, 0o600)
	orig, _ := os.ReadFile(p)

	w, err := Create(p, Header{DType: Float64, Shape: []int{4}})
	if err != nil {
		t.Fatal(err)
	}
	w.WriteFloat64([]float64{9, 9})
	wantErr(t, "short write", w.Close(), ErrShape, p)
	if now, _ := os.ReadFile(p); !bytes.Equal(now, orig) {
		t.Error("failed write changed the existing file")
	}

	w, _ = Create(p, Header{DType: Float64, Shape: []int{1}})
	w.WriteFloat64([]float64{9})
	w.Abort()
	if w.Close() != nil {
		t.Error("Close after Abort returned an error")
	}
	if now, _ := os.ReadFile(p); !bytes.Equal(now, orig) {
		t.Error("aborted write changed the existing file")
	}

	if err := WriteVector(p, []float64{7}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode %v, want the old 0600", fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only x.npy", len(entries))
	}
	// Unwritable destinations fail with the path in the message.
	// The message names the destination and its directory, not the
	// temporary file, and the cause is still errors.Is-testable.
	missing := WriteVector(filepath.Join(dir, "no", "such", "x.npy"), nil)
	wantErr(t, "missing dir", missing, fs.ErrNotExist, filepath.Join("such", "x.npy")+": cannot create a file in directory "+filepath.Join(dir, "no", "such")+": no such file or directory")
	if strings.Contains(missing.Error(), ".tmp-") {
		t.Errorf("error names the temporary file: %v", missing)
	}
	wantErr(t, "dir path", WriteVector(dir+string(filepath.Separator), nil), nil, "directory")
}
