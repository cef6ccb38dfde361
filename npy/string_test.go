package npy

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// npzOf builds an in-memory archive whose members are .npy streams with
// the given header type string, shape and raw data.
func npzOf(t *testing.T, members map[string][]byte) *NPZReader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range members {
		w, err := zw.Create(name + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	z, err := NewNPZReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func rawNPY(descr string, shape []int, data []byte) []byte {
	return append(encodeHeaderDescr(Header{Shape: shape}, descr), data...)
}

func utf32(order binary.ByteOrder, s string, width int) []byte {
	out := make([]byte, 4*width)
	i := 0
	for _, r := range s {
		order.PutUint32(out[4*i:], uint32(r))
		i++
	}
	return out
}

func TestReadString(t *testing.T) {
	z := npzOf(t, map[string][]byte{
		"bytes":   rawNPY("|S3", nil, []byte("csr")),
		"padded":  rawNPY("|S6", nil, []byte("coo\x00\x00\x00")),
		"one":     rawNPY("|S3", []int{1}, []byte("dia")),
		"uni_le":  rawNPY("<U4", nil, utf32(binary.LittleEndian, "bsrμ", 4)),
		"uni_be":  rawNPY(">U5", nil, utf32(binary.BigEndian, "csc", 5)),
		"empty":   rawNPY("|S1", nil, []byte{0}),
		"two":     rawNPY("|S3", []int{2}, []byte("csrcoo")),
		"float":   rawNPY("<f8", nil, make([]byte, 8)),
		"short":   rawNPY("|S8", nil, []byte("csr")),
		"long":    rawNPY("|S3", nil, []byte("csrx")),
		"badcode": rawNPY("<U1", nil, []byte{0, 0xD8, 0, 0}),
		"huge":    rawNPY("<U999999999", nil, nil),
	})
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"bytes", "csr", nil},
		{"padded", "coo", nil},
		{"one", "dia", nil},
		{"uni_le", "bsrμ", nil},
		{"uni_be", "csc", nil},
		{"empty", "", nil},
		{"two", "", ErrShape},
		{"float", "", ErrDType},
		{"short", "", ErrFormat},
		{"long", "", ErrFormat},
		{"badcode", "", ErrFormat},
		{"huge", "", ErrFormat},
		{"missing", "", ErrNotFound},
	} {
		got, err := z.ReadString(tc.name)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestWriteStringRoundTrip(t *testing.T) {
	for _, compress := range []bool{false, true} {
		var buf bytes.Buffer
		w := NewNPZWriter(&buf)
		w.Compress = compress
		for name, s := range map[string]string{"format": "csr", "empty": "", "text": "hello, world"} {
			if err := w.WriteString(name, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.WriteString("nul", "a\x00"); !errors.Is(err, ErrRange) {
			t.Fatalf("trailing NUL: %v, want ErrRange", err)
		}
		if err := w.WriteString("format", "x"); err == nil {
			t.Fatal("name used twice: no error")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		z, err := NewNPZReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{"format": "csr", "empty": "", "text": "hello, world"} {
			got, err := z.ReadString(name)
			if err != nil || got != want {
				t.Fatalf("%s: got %q, %v; want %q", name, got, err, want)
			}
			h, err := z.Header(name)
			if err == nil || !errors.Is(err, ErrDType) {
				t.Fatalf("%s: numeric Header of a string array: %v, %v", name, h, err)
			}
		}
	}
}
