package npy

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestWriteToFullDevice writes to /dev/full, where every write fails with
// ENOSPC: each writer reports the device's error (not a success, not a
// panic), from the write that hit it or from Close, and a writer that
// failed stays failed.
func TestWriteToFullDevice(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here:", err)
	}
	defer full.Close()
	isENOSPC := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("%s: error %v, want ENOSPC", name, err)
		}
	}
	big := make([]float64, 1<<17) // larger than the writer's buffer
	w, err := NewWriter(full, Header{DType: Float64, Shape: []int{2 * len(big)}})
	if err == nil {
		err = w.WriteFloat64(big)
		isENOSPC("WriteFloat64", err)
		isENOSPC("WriteFloat64 again", w.WriteFloat64(big))
		isENOSPC("Close", w.Close())
	} else {
		isENOSPC("NewWriter", err)
	}

	// Small arrays stay in the buffers until Close.
	w, err = NewWriter(full, Header{DType: Int32, Shape: []int{3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteInt64([]int64{1, 2, 3}); err != nil {
		t.Fatalf("buffered WriteInt64: %v", err)
	}
	isENOSPC("Close of a small array", w.Close())

	for _, compress := range []bool{false, true} {
		z := NewNPZWriter(full)
		z.Compress = compress
		err := z.WriteInt64("labels", []int{len(big)}, make([]int64, len(big)))
		if err == nil {
			err = z.WriteFloat64("x", []int{len(big)}, big)
		}
		if err == nil {
			err = z.Close()
		}
		isENOSPC("npz", err)
		if z.WriteFloat64("y", []int{1}, []float64{1}) == nil {
			t.Error("npz: a failed archive accepted another array")
		}
	}
}

// TestWriteErrorsNamePath: the path writers report an unusable destination
// with its path, and leave nothing behind.
func TestWriteErrorsNamePath(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such")
	for name, err := range map[string]error{
		"WriteDense":      WriteDense(filepath.Join(missing, "a.npy"), mat.NewDense(1, 1, []float64{1})),
		"WriteArray":      WriteArray(filepath.Join(missing, "b.npy"), Array{Shape: []int{1}, Data: []float64{1}}),
		"WriteInt64Array": WriteInt64Array(filepath.Join(missing, "c.npy"), Int64Array{Shape: []int{1}, Data: []int64{1}}),
	} {
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: error %v, want not-exist", name, err)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || filepath.Dir(e.Path) != missing {
			t.Errorf("%s: error %v does not name the path", name, err)
		}
	}
	if _, err := CreateNPZ(filepath.Join(missing, "d.npz")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CreateNPZ: error %v, want not-exist", err)
	}
	// A value that int32 cannot hold fails the typed writer and leaves
	// nothing at the path.
	p := filepath.Join(dir, "e.npy")
	w, err := Create(p, Header{DType: Int32, Shape: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if h := w.Header(); h.DType != "<i4" || len(h.Shape) != 1 || h.Shape[0] != 1 {
		t.Errorf("Header() = %+v", h)
	}
	if err := w.WriteInt64([]int64{1 << 40}); !errors.Is(err, ErrRange) {
		t.Errorf("int32 overflow: %v", err)
	}
	if err := w.Close(); !errors.Is(err, ErrRange) {
		t.Errorf("Close after the failure: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d entries behind", len(entries))
	}
}
