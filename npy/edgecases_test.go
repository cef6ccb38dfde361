package npy

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"testing"
)

// A unicode string type whose 4-byte code units overflow int when counted
// in bytes must be refused, not make ReadString panic in make.
func TestReadStringHugeUnicodeSize(t *testing.T) {
	for _, descr := range []string{"<U2305843009213693952", "<U4611686018427387904", "<U9223372036854775807"} {
		z := npzOf(t, map[string][]byte{"format": rawNPY(descr, nil, []byte("c\x00\x00\x00"))})
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: ReadString panicked: %v", descr, r)
				}
			}()
			_, err := z.ReadString("format")
			wantErr(t, descr, err, ErrFormat, `"format"`, "exceeds the limit")
		}()
	}
}

// A string member whose bytes do not match the archive's CRC-32 must be an
// error, as np.load's "Bad CRC-32", not silently accepted.
func TestReadStringChecksum(t *testing.T) {
	data := rawNPY("|S3", nil, []byte("csr"))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "format.npy", Method: zip.Store,
		CRC32:              crc32.ChecksumIEEE(data) ^ 1,
		CompressedSize64:   uint64(len(data)),
		UncompressedSize64: uint64(len(data)),
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	z, err := NewNPZReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := z.ReadString("format")
	wantErr(t, "ReadString with a bad CRC ("+s+")", err, ErrFormat, `"format"`, "checksum")
}

// NumPy refuses a shape whose non-zero dimensions overflow ("array is too
// big") even when a zero dimension makes it empty; so must the reader, and
// the writer must not produce a file np.load cannot read.
func TestEmptyShapeTooBig(t *testing.T) {
	const hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4611686018427387904), }\n"
	_, err := NewReader(bytes.NewReader(npyBytes(hdr, nil)))
	wantErr(t, "read (0, 2**62, 2**62)", err, ErrFormat)
	// 2**61 float64s: 2**64 bytes, beyond NumPy's limit even with a 0.
	const hdr2 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952, 0), }\n"
	_, err = NewReader(bytes.NewReader(npyBytes(hdr2, nil)))
	wantErr(t, "read (2**61, 0)", err, ErrFormat)
	var buf bytes.Buffer
	_, err = NewWriter(&buf, Header{DType: Float64, Shape: []int{1 << 61, 0}})
	wantErr(t, "write (2**61, 0)", err, ErrShape)
	// Still fine: NumPy accepts np.empty((2**59, 0)).
	if _, err := NewWriter(&buf, Header{DType: Float64, Shape: []int{1 << 59, 0}}); err != nil {
		t.Errorf("write (2**59, 0): %v", err)
	}
}

// float16 NaNs keep their sign and payload when widened, as in NumPy
// (np.float16 -> np.float64 goes through npy_halfbits_to_doublebits).
func TestHalfNaNPayload(t *testing.T) {
	for _, tc := range []struct {
		h    uint16
		want uint64
	}{
		{0x7e00, 0x7ff8000000000000},
		{0xfe00, 0xfff8000000000000},
		{0x7c01, 0x7ff0040000000000},
		{0x7dff, 0x7ff7fc0000000000},
	} {
		if got := math.Float64bits(halfToFloat64(tc.h)); got != tc.want {
			t.Errorf("halfToFloat64(%#04x) = %#016x, want %#016x", tc.h, got, tc.want)
		}
	}
	var b [2]byte
	binary.LittleEndian.PutUint16(b[:], 0x7e00)
	r, err := NewReader(bytes.NewReader(npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }\n", b[:])))
	if err != nil {
		t.Fatal(err)
	}
	var dst [1]float64
	if _, err := r.ReadFloat64(dst[:]); err != nil {
		t.Fatal(err)
	}
	if got := math.Float64bits(dst[0]); got != 0x7ff8000000000000 {
		t.Errorf("read float16 NaN as %#016x, want NumPy's 0x7ff8000000000000", got)
	}
}
