package npy

import (
	"bytes"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func encoded(b *testing.B, h Header, data []float64) []byte {
	b.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.WriteFloat64(data); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchDecode(b *testing.B, h Header) {
	data := make([]float64, h.Len())
	for i := range data {
		data[i] = float64(i % 1000)
	}
	raw := encoded(b, h, data)
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := (ReadOptions{}).readArray(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeF8_1M(b *testing.B) {
	benchDecode(b, Header{DType: Float64, Shape: []int{1 << 20}})
}
func BenchmarkDecodeF4_1M(b *testing.B) {
	benchDecode(b, Header{DType: Float32, Shape: []int{1 << 20}})
}
func BenchmarkDecodeF8BigEndian_1M(b *testing.B) {
	benchDecode(b, Header{DType: ">f8", Shape: []int{1 << 20}})
}
func BenchmarkDecodeFortran_1000x1000(b *testing.B) {
	benchDecode(b, Header{DType: Float64, Fortran: true, Shape: []int{1000, 1000}})
}

func BenchmarkEncodeF8_1M(b *testing.B)          { benchEncode(b, Float64) }
func BenchmarkEncodeF4_1M(b *testing.B)          { benchEncode(b, Float32) }
func BenchmarkEncodeF8BigEndian_1M(b *testing.B) { benchEncode(b, ">f8") }

func benchEncode(b *testing.B, dt DType) {
	x := make([]float64, 1<<20)
	var buf bytes.Buffer
	buf.Grow(9 << 20)
	b.SetBytes(8 << 20)
	for b.Loop() {
		buf.Reset()
		w, _ := NewWriter(&buf, Header{DType: dt, Shape: []int{len(x)}})
		if err := w.WriteFloat64(x); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

// BenchmarkReadVector_1M and BenchmarkWriteDense_1000x1000 include the file
// system (page cache for reads; temp file, fsync and rename for writes).
func BenchmarkReadVector_1M(b *testing.B) {
	p := filepath.Join(b.TempDir(), "x.npy")
	if err := WriteVector(p, make([]float64, 1<<20)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(8 << 20)
	for b.Loop() {
		if _, err := ReadVector(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteDense_1000x1000(b *testing.B) {
	p := filepath.Join(b.TempDir(), "m.npy")
	m := mat.NewDense(1000, 1000, nil)
	b.SetBytes(8e6)
	for b.Loop() {
		if err := WriteDense(p, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckFinite_1M(b *testing.B) {
	x := make([]float64, 1<<20)
	b.SetBytes(8 << 20)
	for b.Loop() {
		if CheckFinite(x) != nil {
			b.Fatal("finite data refused")
		}
	}
}
