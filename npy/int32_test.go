package npy

import (
	"bytes"
	"errors"
	"testing"
)

// TestInt32RoundTrip writes int32 slices through WriteInt32 into every
// integer type and reads them back with ReadInt32 (and ReadInt64).
func TestInt32RoundTrip(t *testing.T) {
	src := []int32{0, 1, -1, 127, -128, 2147483647, -2147483648, 42}
	for _, tc := range []struct {
		dt   DType
		vals []int32
		err  error // from WriteInt32
	}{
		{"<i4", src, nil},
		{">i4", src, nil},
		{"<i8", src, nil},
		{">i8", src, nil},
		{"<i2", []int32{0, -32768, 32767}, nil},
		{"|u1", []int32{0, 255, 7}, nil},
		{"|u1", []int32{0, 256}, ErrRange},
		{"<u4", []int32{-1}, ErrRange},
		{"<f8", src, nil}, // int32 values are exact in float64
	} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, Header{DType: tc.dt, Shape: []int{len(tc.vals)}})
		if err != nil {
			t.Fatal(err)
		}
		err = w.WriteInt32(tc.vals)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: WriteInt32 error %v, want %v", tc.dt, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.dt, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int32, len(tc.vals))
		n, err := r.ReadInt32(got)
		if tc.dt == "<f8" {
			if !errors.Is(err, ErrDType) {
				t.Errorf("%s: ReadInt32 of a float array: %v, want ErrDType", tc.dt, err)
			}
			continue
		}
		if err != nil || n != len(got) {
			t.Fatalf("%s: read %d, %v", tc.dt, n, err)
		}
		for i := range got {
			if got[i] != tc.vals[i] {
				t.Fatalf("%s: element %d = %d, want %d", tc.dt, i, got[i], tc.vals[i])
			}
		}
	}
}

func TestReadInt32Range(t *testing.T) {
	for _, tc := range []struct {
		dt   DType
		vals []int64
		bad  int
	}{
		{"<i8", []int64{0, 1, 1 << 31, 3}, 2},
		{">i8", []int64{-(1 << 31) - 1}, 0},
		{"<u4", []int64{5, 1<<32 - 1}, 1},
		{"<u8", []int64{1 << 40}, 0},
	} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, Header{DType: tc.dt, Shape: []int{len(tc.vals)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteInt64(tc.vals); err != nil {
			t.Fatal(err)
		}
		w.Close()
		r, err := NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int32, len(tc.vals))
		_, err = r.ReadInt32(got)
		if !errors.Is(err, ErrRange) {
			t.Fatalf("%s %v: error %v, want ErrRange", tc.dt, tc.vals, err)
		}
		if want := "element " + string(rune('0'+tc.bad)); !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Errorf("%s: error %q does not name %s", tc.dt, err, want)
		}
	}
}
