package npy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const f8x3 = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n"

// TestMalformedFiles writes each broken file to disk and checks that every
// reader refuses it with an error that names the file and says why.
func TestMalformedFiles(t *testing.T) {
	data := make([]byte, 24)
	good := npyBytes(f8x3, data)
	tests := []struct {
		name   string
		in     []byte
		target error
		msg    string
	}{
		{"empty", nil, ErrFormat, "empty file"},
		{"truncated magic", good[:4], ErrFormat, "magic"},
		{"bad magic", append([]byte("\x93NUMPZ"), good[6:]...), ErrFormat, "bad magic"},
		{"zip given as npy", []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00"), ErrFormat, "bad magic"},
		{"truncated header", good[:40], ErrFormat, "truncated header"},
		{"bad header dict", npyBytes("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (3,), }\n", data), ErrFormat, "True or False"},
		{"truncated data", good[:len(good)-5], ErrFormat, "truncated data: shape (3,) of float64 needs 24 bytes, the file has 19"},
		{"no data", good[:len(good)-24], ErrFormat, "truncated data"},
		{"trailing bytes", append(bytes.Clone(good), 1, 2, 3), ErrFormat, "3 unexpected bytes after the data"},
		{"shape larger than data", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }\n", data), ErrFormat, "truncated data"},
		{"byte count overflow", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }\n", data), ErrFormat, "more bytes than this machine can address"},
		{"complex", npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }\n", make([]byte, 16)), ErrDType, "complex"},
		{"object", npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", make([]byte, 8)), ErrDType, "object array"},
		{"unknown kind", npyBytes("{'descr': '<x8', 'fortran_order': False, 'shape': (1,), }\n", make([]byte, 8)), ErrDType, "not a numeric NumPy type"},
		{"odd float size", npyBytes("{'descr': '<f3', 'fortran_order': False, 'shape': (1,), }\n", make([]byte, 3)), ErrDType, "<f3"},
		{"garbage descr", npyBytes("{'descr': '<', 'fortran_order': False, 'shape': (1,), }\n", nil), ErrFormat, "bad descr"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".npy")
		if err := os.WriteFile(p, tt.in, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadArray(p)
		wantErr(t, tt.name+" ReadArray", err, tt.target, p, tt.msg)
		_, err = ReadVector(p)
		wantErr(t, tt.name+" ReadVector", err, tt.target, p)
		_, err = ReadDense(p)
		wantErr(t, tt.name+" ReadDense", err, tt.target, p)
		_, err = ReadInt64Array(p)
		wantErr(t, tt.name+" ReadInt64Array", err, nil, p)
		var e *Error
		if !errors.As(err, &e) || e.Path != p {
			t.Errorf("%s: error %T does not carry the path", tt.name, err)
		}
	}
}

// TestMalformedStreams feeds the same kind of damage through NewReader,
// where the size is not known in advance and the problems show up while
// reading.
func TestMalformedStreams(t *testing.T) {
	good := npyBytes(f8x3, make([]byte, 24))
	for _, tt := range []struct {
		name string
		in   []byte
		msg  string
	}{
		{"truncated", good[:len(good)-5], "the data ends after 2"},
		{"trailing", append(bytes.Clone(good), 0), "unexpected bytes after the data"},
		{"huge shape", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }\n", make([]byte, 80)), "the data ends after 10"},
	} {
		r, err := NewReader(bytes.NewReader(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = ReadOptions{}.readArray(r)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		wantErr(t, tt.name, err, ErrFormat, tt.msg)
		// A header claiming 2^40 elements must not make us allocate them:
		// growth follows the data actually read (80 bytes here).
		if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
			t.Errorf("%s: allocated %d bytes for an 80-byte stream", tt.name, got)
		}
		// The error is sticky.
		if _, err2 := r.ReadFloat64(make([]float64, 1)); !errors.Is(err2, ErrFormat) {
			t.Errorf("%s: next read returned %v", tt.name, err2)
		}
	}
	// Empty arrays with trailing bytes are caught too.
	r, _ := NewReader(bytes.NewReader(append(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }\n", nil), 7)))
	_, err := ReadOptions{}.readArray(r)
	wantErr(t, "empty+trailing", err, ErrFormat, "unexpected bytes")
}

func TestMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.npy")
	_, err := ReadVector(p)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("error %v does not wrap fs.ErrNotExist", err)
	}
	// The path appears once, not twice.
	if strings.Count(err.Error(), p) != 1 {
		t.Errorf("error %q names the path %d times", err, strings.Count(err.Error(), p))
	}
	_, err = OpenNPZ(p)
	wantErr(t, "OpenNPZ", err, fs.ErrNotExist, p)
}

func TestCheckFinite(t *testing.T) {
	if err := CheckFinite([]float64{1, -2, 0}); err != nil {
		t.Error(err)
	}
	if err := CheckFinite(nil); err != nil {
		t.Error(err)
	}
	wantErr(t, "NaN", CheckFinite([]float64{1, 0, nan(), 1}), ErrNonFinite, "element 2 is NaN")
	wantErr(t, "Inf", CheckFinite([]float64{inf()}), ErrNonFinite, "element 0 is +Inf")
}

// TestFirstNonFinite checks the blocked scan against a plain loop for every
// position of a NaN, +Inf or -Inf in short and long vectors, and that huge
// finite values (whose v - v is still 0) pass.
func TestFirstNonFinite(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 8, 13} {
		x := make([]float64, n)
		for i := range x {
			x[i] = 1.7976931348623157e308 * float64(1-2*(i%2))
		}
		if got := firstNonFinite(x); got != -1 {
			t.Errorf("n=%d finite: %d", n, got)
		}
		for pos := range n {
			for _, bad := range []float64{nan(), inf(), -inf()} {
				y := slices.Clone(x)
				y[pos] = bad
				if pos+2 < n {
					y[pos+2] = nan() // a later one must not be reported first
				}
				if got := firstNonFinite(y); got != pos {
					t.Errorf("n=%d bad %v at %d: got %d", n, bad, pos, got)
				}
			}
		}
	}
}

// TestNonFiniteAcrossChunks puts bad values past the first read chunk, in
// C and Fortran order, and checks the row-major index reported: with three
// chunks (scanned in line) and with nine (scanned on a second goroutine
// beside the reads when there is more than one CPU), where later chunks
// hold more bad values that must not be reported instead.
func TestNonFiniteAcrossChunks(t *testing.T) {
	for _, tc := range []struct{ rows, first, second int }{
		{3, 1, 2},
		{9, 5, 6},
	} {
		t.Run(fmt.Sprint(tc.rows, "chunks"), func(t *testing.T) {
			dir := t.TempDir()
			rows, cols := tc.rows, readChunk
			x := make([]float64, rows*cols)
			x[tc.second*cols+5] = inf() // row-major (second, 5)
			x[tc.first*cols+7] = nan()  // row-major (first, 7): the first in row-major order
			x[(rows-1)*cols+1] = nan()
			p := filepath.Join(dir, "c.npy")
			if err := WriteArray(p, Array{Shape: []int{rows, cols}, Data: x}); err != nil {
				t.Fatal(err)
			}
			_, err := ReadDense(p)
			wantErr(t, "C order", err, ErrNonFinite, fmt.Sprintf("element (%d, 7) of shape (%d, %d) is NaN", tc.first, rows, cols))
			_, err = ReadOptions{AllowNonFinite: true}.ReadDense(p)
			if err != nil {
				t.Errorf("AllowNonFinite: %v", err)
			}

			// The same matrix stored column-major: storage order meets
			// (second, 5) first; the error still names (first, 7).
			w, err := Create(filepath.Join(dir, "f.npy"), Header{DType: Float64, Fortran: true, Shape: []int{rows, cols}})
			if err != nil {
				t.Fatal(err)
			}
			col := make([]float64, rows)
			for j := range cols {
				for i := range rows {
					col[i] = x[i*cols+j]
				}
				w.WriteFloat64(col)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			_, err = ReadDense(filepath.Join(dir, "f.npy"))
			wantErr(t, "Fortran order", err, ErrNonFinite, fmt.Sprintf("element (%d, 7)", tc.first))
		})
	}
}

// TestNonFiniteBeforeTruncation: a bad value in an early chunk of a file cut
// short is reported as the bad value (the first problem in storage order),
// whether the scan runs in line or beside the reads.
func TestNonFiniteBeforeTruncation(t *testing.T) {
	dir := t.TempDir()
	n := 9 * readChunk
	x := make([]float64, n)
	x[readChunk+3] = inf()
	p := filepath.Join(dir, "x.npy")
	if err := WriteVector(p, x); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// A file's size is checked before reading; a stream of unknown length
	// (a compressed .npz member, a pipe) is only found short at its end.
	read := func(o ReadOptions) error {
		r, err := NewReader(io.MultiReader(bytes.NewReader(b[:len(b)-8*readChunk*3])))
		if err != nil {
			t.Fatal(err)
		}
		_, err = o.readArray(r)
		return err
	}
	wantErr(t, "cut", read(ReadOptions{}), ErrNonFinite, fmt.Sprintf("element %d is +Inf", readChunk+3))
	if err := read(ReadOptions{AllowNonFinite: true}); err == nil || errors.Is(err, ErrNonFinite) {
		t.Errorf("cut, AllowNonFinite: %v, want a truncation error", err)
	}
}
