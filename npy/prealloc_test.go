package npy

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestPreallocatedStreams checks that the disk-space reservation made before
// streaming to a file never shows: the file ends exactly where the data
// does, whether the file held more bytes before (O_TRUNC), the array is
// written at an offset after other bytes, or the stream stops early; and
// writers on non-files are untouched.
func TestPreallocatedStreams(t *testing.T) {
	dir := t.TempDir()
	x := make([]float64, 100_000)
	for i := range x {
		x[i] = float64(i) - 0.25
	}
	var want bytes.Buffer
	w, err := NewWriter(&want, Header{DType: Float64, Shape: []int{len(x)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFloat64(x); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	stream := func(t *testing.T, path string, prefix []byte, elems int) []byte {
		t.Helper()
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(prefix); err != nil {
			t.Fatal(err)
		}
		w, err := NewWriter(f, Header{DType: Float64, Shape: []int{len(x)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteFloat64(x[:elems]); err != nil {
			t.Fatal(err)
		}
		cerr := w.Close()
		if (elems == len(x)) != (cerr == nil) {
			t.Fatalf("Close after %d of %d elements: %v", elems, len(x), cerr)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	p := filepath.Join(dir, "x.npy")
	if err := os.WriteFile(p, make([]byte, 3*want.Len()), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := stream(t, p, nil, len(x)); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("overwrite: %d bytes, want the %d of the array", len(got), want.Len())
	}
	prefix := []byte("header of someone else's container")
	if got := stream(t, p, prefix, len(x)); !bytes.Equal(got, append(prefix, want.Bytes()...)) {
		t.Errorf("at an offset: %d bytes, want %d", len(got), len(prefix)+want.Len())
	}
	// Stopping early: Close fails and the file holds at most a prefix of
	// the array (what left the buffers), never a reserved zero tail.
	got := stream(t, p, nil, 1000)
	if len(got) > want.Len()-8*(len(x)-1000) || !bytes.Equal(got, want.Bytes()[:len(got)]) {
		t.Errorf("stopped early: %d bytes, not a prefix of the first 1000 elements' %d", len(got), want.Len()-8*(len(x)-1000))
	}

	// An .npz on a plain file: the same reservation per stored member.
	pz := filepath.Join(dir, "d.npz")
	f, err := os.Create(pz)
	if err != nil {
		t.Fatal(err)
	}
	z := NewNPZWriter(f)
	if err := z.WriteFloat64("x", []int{len(x)}, x); err != nil {
		t.Fatal(err)
	}
	if err := z.WriteFloat64("y", []int{10}, x[:10]); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	end, err := f.Seek(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi.Size() != end {
		t.Errorf(".npz is %d bytes, written %d", fi.Size(), end)
	}
	r, err := OpenNPZ(pz)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.ReadFloat64("x"); err != nil || len(got.Data) != len(x) || got.Data[len(x)-1] != x[len(x)-1] {
		t.Errorf("x from the .npz: %v", err)
	}
}
