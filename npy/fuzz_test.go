package npy

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadNPY feeds arbitrary bytes to the .npy reader through both paths
// (streaming with unknown size, and a file of known size). It must never
// panic, every failure must be an *Error wrapping one of the package's
// sentinels, and a success must be self-consistent: the data length is the
// shape's product, and writing the array back and reading it again gives the
// same values. Seeds: every fixture NumPy wrote plus hand-made damage.
func FuzzReadNPY(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(fixtureDir, "*.npy"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(npyBytes(f8x3, make([]byte, 24)))
	f.Add(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1, 2), }\n", make([]byte, 32)))
	f.Add(npyBytes("{'descr': '>u8', 'fortran_order': False, 'shape': (1,), }\n", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}))
	f.Add(npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n", []byte{0x00, 0x7c, 0x01, 0x7c}))
	f.Add(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }\n", nil))
	f.Add([]byte(magic + "\x02\x00\xff\xff\xff\xff"))
	f.Add([]byte(magic + "\x01\x00\x05\x00abcde"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewReader(bytes.NewReader(in))
		var a Array
		if err == nil {
			a, err = ReadOptions{AllowNonFinite: true}.readArray(r)
		}
		checkFuzzErr(t, err)
		if err == nil {
			if n, ok := shapeLen(a.Shape); !ok || n != len(a.Data) {
				t.Fatalf("shape %v with %d elements", a.Shape, len(a.Data))
			}
			// Write it back (as float64, C order) and read it again.
			var buf bytes.Buffer
			w, werr := NewWriter(&buf, Header{DType: Float64, Shape: a.Shape})
			if werr == nil {
				werr = w.WriteFloat64(a.Data)
			}
			if werr == nil {
				werr = w.Close()
			}
			if werr != nil {
				t.Fatal(werr)
			}
			r2, rerr := NewReader(&buf)
			var b Array
			if rerr == nil {
				b, rerr = ReadOptions{AllowNonFinite: true}.readArray(r2)
			}
			if rerr != nil || !sameBits(a.Data, b.Data) {
				t.Fatalf("re-read of a written array: %v", rerr)
			}
		}

		// The file path, where the size check happens up front.
		p := filepath.Join(dir, "in.npy")
		if werr := os.WriteFile(p, in, 0o644); werr != nil {
			t.Fatal(werr)
		}
		fa, ferr := ReadOptions{AllowNonFinite: true}.ReadArray(p)
		checkFuzzErr(t, ferr)
		if (ferr == nil) != (err == nil) || (ferr == nil && !sameBits(fa.Data, a.Data)) {
			t.Fatalf("file and stream readers disagree: %v vs %v", ferr, err)
		}
		_, ierr := ReadInt64Array(p)
		checkFuzzErr(t, ierr)
	})
}

// checkFuzzErr fails unless err is nil or a well-formed *Error.
func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %q is not an *Error", err, err)
	}
	for _, s := range []error{ErrFormat, ErrDType, ErrShape, ErrNonFinite, ErrRange, ErrNotFound} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %q wraps no sentinel", err)
}

// FuzzReadNPZ feeds arbitrary bytes to the .npz reader: no panic, only
// *Error failures, whatever the archive holds.
func FuzzReadNPZ(f *testing.F) {
	for _, name := range []string{"arrays.npz", "arrays_compressed.npz"} {
		if b, err := os.ReadFile(filepath.Join(fixtureDir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, in []byte) {
		z, err := NewNPZReader(bytes.NewReader(in), int64(len(in)))
		checkFuzzErr(t, err)
		if err != nil {
			return
		}
		for _, name := range z.Names() {
			_, err := z.ReadFloat64(name)
			checkFuzzErr(t, err)
			_, err = z.ReadInt64(name)
			checkFuzzErr(t, err)
			_, err = z.ReadString(name)
			checkFuzzErr(t, err)
		}
	})
}
