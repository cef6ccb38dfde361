package npy_test

import (
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/npy"
)

// TestWriteDenseNilPanics: a nil matrix is a programming error with an
// "npy:" message (an empty Dense is valid and written as shape (0, 0)).
func TestWriteDenseNilPanics(t *testing.T) {
	misuse.Check(t, []misuse.Case{
		{Name: "WriteDense nil", Want: "npy: WriteDense: nil matrix", F: func() { npy.WriteDense(t.TempDir()+"/m.npy", nil) }},
	})
}

// TestMisuseNilAndZeroValue: a nil reader or writer, and a read or write
// on a zero value instead of one from a constructor, panic with an "npy:"
// message naming the method (they dereferenced nil inside bufio, or a zero
// Writer reported a shape error against shape ()).
func TestMisuseNilAndZeroValue(t *testing.T) {
	h := npy.Header{DType: "<f8", Shape: []int{1}}
	one := []float64{1}
	const (
		zw  = "zero-value Writer"
		zr  = "zero-value Reader"
		zzw = "zero-value NPZWriter"
		zzr = "zero-value NPZReader"
	)
	var cases []misuse.Case
	for _, c := range []struct {
		name, zero string
		f          func()
	}{
		{"NewReader", "nil reader", func() { npy.NewReader(nil) }},
		{"NewWriter", "nil writer", func() { npy.NewWriter(nil, h) }},
		{"NewNPZWriter", "nil writer", func() { npy.NewNPZWriter(nil) }},
		{"NewNPZReader", "nil reader", func() { npy.NewNPZReader(nil, 100) }},
		{"Writer.WriteFloat64", zw, func() { new(npy.Writer).WriteFloat64(one) }},
		{"Writer.WriteInt64", zw, func() { new(npy.Writer).WriteInt64([]int64{1}) }},
		{"Writer.WriteInt32", zw, func() { new(npy.Writer).WriteInt32([]int32{1}) }},
		{"Writer.Close", zw, func() { new(npy.Writer).Close() }},
		{"Reader.ReadFloat64", zr, func() { new(npy.Reader).ReadFloat64(one) }},
		{"Reader.ReadInt64", zr, func() { new(npy.Reader).ReadInt64([]int64{0}) }},
		{"Reader.ReadInt32", zr, func() { new(npy.Reader).ReadInt32([]int32{0}) }},
		{"NPZWriter.Create", zzw, func() { new(npy.NPZWriter).Create("a", h) }},
		{"NPZWriter.WriteFloat64", zzw, func() { new(npy.NPZWriter).WriteFloat64("a", []int{1}, one) }},
		{"NPZWriter.WriteInt64", zzw, func() { new(npy.NPZWriter).WriteInt64("a", []int{1}, []int64{1}) }},
		{"NPZWriter.WriteString", zzw, func() { new(npy.NPZWriter).WriteString("a", "s") }},
		{"NPZWriter.Close", zzw, func() { new(npy.NPZWriter).Close() }},
		{"NPZReader.Open", zzr, func() { new(npy.NPZReader).Open("a") }},
		{"NPZReader.Header", zzr, func() { new(npy.NPZReader).Header("a") }},
		{"NPZReader.ReadFloat64", zzr, func() { new(npy.NPZReader).ReadFloat64("a") }},
		{"NPZReader.ReadInt64", zzr, func() { new(npy.NPZReader).ReadInt64("a") }},
		{"NPZReader.ReadString", zzr, func() { new(npy.NPZReader).ReadString("a") }},
	} {
		cases = append(cases, misuse.Case{Name: c.name, Want: "npy: " + c.name + ": " + c.zero, F: c.f})
	}
	misuse.Check(t, cases)
	// Closing or aborting what was never opened stays harmless.
	if err := new(npy.Reader).Close(); err != nil {
		t.Errorf("zero Reader.Close: %v", err)
	}
	if err := new(npy.Writer).Abort(); err != nil {
		t.Errorf("zero Writer.Abort: %v", err)
	}
	if err := new(npy.NPZReader).Close(); err != nil {
		t.Errorf("zero NPZReader.Close: %v", err)
	}
}
