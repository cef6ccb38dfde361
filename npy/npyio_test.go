package npy

import (
	"bytes"
	"slices"
	"testing"

	npyio "codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"
)

// TestCrossCheckNpyio uses codeberg.org/sbinet/npyio, an independent
// implementation of the format, as a second reference next to NumPy: it
// must read what we write, and we must read what it writes (its headers are
// unaligned format-2.0 ones, a variant NumPy never produces).
func TestCrossCheckNpyio(t *testing.T) {
	x := []float64{1.5, -2.25, 3, 1e300}

	// Ours -> npyio.
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, Header{DType: Float64, Shape: []int{4}})
	w.WriteFloat64(x)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []float64
	if err := npyio.Read(bytes.NewReader(buf.Bytes()), &got); err != nil || !slices.Equal(got, x) {
		t.Errorf("npyio read our vector: %v, %v", got, err)
	}
	buf.Reset()
	w, _ = NewWriter(&buf, Header{DType: Float64, Fortran: true, Shape: []int{2, 2}})
	w.WriteFloat64(x) // column-major [[1.5, 3], [-2.25, 1e300]]
	w.Close()
	var m mat.Dense
	if err := npyio.Read(bytes.NewReader(buf.Bytes()), &m); err != nil || m.At(0, 1) != 3 || m.At(1, 0) != -2.25 {
		t.Errorf("npyio read our Fortran matrix: %v, %v", mat.Formatted(&m), err)
	}
	buf.Reset()
	w, _ = NewWriter(&buf, Header{DType: Int64, Shape: []int{3}})
	w.WriteInt64([]int64{-1, 0, 1 << 62})
	w.Close()
	var ints []int64
	if err := npyio.Read(bytes.NewReader(buf.Bytes()), &ints); err != nil || !slices.Equal(ints, []int64{-1, 0, 1 << 62}) {
		t.Errorf("npyio read our int64: %v, %v", ints, err)
	}

	// npyio -> ours.
	buf.Reset()
	if err := npyio.Write(&buf, x); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadOptions{}.readArray(r)
	if err != nil || !slices.Equal(a.Data, x) {
		t.Errorf("read npyio's vector: %v, %v", a, err)
	}
	buf.Reset()
	dm := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	if err := npyio.Write(&buf, dm); err != nil {
		t.Fatal(err)
	}
	r, _ = NewReader(bytes.NewReader(buf.Bytes()))
	a, err = ReadOptions{}.readArray(r)
	if err != nil || !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Data, dm.RawMatrix().Data) {
		t.Errorf("read npyio's matrix: %v, %v", a, err)
	}
	buf.Reset()
	npyio.Write(&buf, []float32{0.5, 2})
	r, _ = NewReader(bytes.NewReader(buf.Bytes()))
	a, err = ReadOptions{}.readArray(r)
	if err != nil || !slices.Equal(a.Data, []float64{0.5, 2}) || r.Header().DType != Float32 {
		t.Errorf("read npyio's float32: %v, %v", a, err)
	}
}
