package npy

import (
	"gonum.org/v1/gonum/mat"
)

// WriteVector writes x to path as a 1-d little-endian float64 array of shape
// (len(x),), the file np.save(path, x) would write. The write is atomic: a
// temporary file in the same directory is renamed to path only when
// complete. NaN and Inf are written as they are.
func WriteVector(path string, x []float64) error {
	return writeFloat(path, Header{DType: Float64, Shape: []int{len(x)}}, x)
}

// WriteDense writes m to path as a 2-d C-order float64 array (shape
// (rows, cols)); an empty (zero-value) Dense is written with shape (0, 0).
// Views with a stride larger than the column count are handled. Atomic, as
// WriteVector. It panics if m is nil.
func WriteDense(path string, m *mat.Dense) error {
	if m == nil {
		panic("npy: WriteDense: nil matrix")
	}
	if m.IsEmpty() {
		return writeFloat(path, Header{DType: Float64, Shape: []int{0, 0}}, nil)
	}
	raw := m.RawMatrix()
	w, err := Create(path, Header{DType: Float64, Shape: []int{raw.Rows, raw.Cols}})
	if err != nil {
		return err
	}
	for i := range raw.Rows {
		if err := w.WriteFloat64(raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// WriteArray writes a to path as a C-order float64 array of shape a.Shape.
// It panics if len(a.Data) is not the product of a.Shape. Atomic, as
// WriteVector.
func WriteArray(path string, a Array) error {
	checkLayout("WriteArray", a.Shape, len(a.Data))
	return writeFloat(path, Header{DType: Float64, Shape: a.Shape}, a.Data)
}

// WriteInt64Array writes a to path as a C-order int64 array of shape
// a.Shape. It panics if len(a.Data) is not the product of a.Shape. Atomic,
// as WriteVector.
func WriteInt64Array(path string, a Int64Array) error {
	checkLayout("WriteInt64Array", a.Shape, len(a.Data))
	w, err := Create(path, Header{DType: Int64, Shape: a.Shape})
	if err != nil {
		return err
	}
	if err := w.WriteInt64(a.Data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func writeFloat(path string, h Header, data []float64) error {
	w, err := Create(path, h)
	if err != nil {
		return err
	}
	if err := w.WriteFloat64(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
