package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npyBytes builds a version-1.0 .npy stream from a raw header dict and data.
func npyBytes(dict string, data []byte) []byte {
	b := []byte(magic + "\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	b = append(b, dict...)
	return append(b, data...)
}

func TestParseHeaderDict(t *testing.T) {
	tests := []struct {
		dict    string
		dtype   DType
		fortran bool
		shape   []int
	}{
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", "<f8", false, []int{3}},
		{"{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }    \n", "<f8", true, []int{2, 3}},
		{"{'descr': '|u1', 'fortran_order': False, 'shape': (), }\n", "|u1", false, []int{}},
		{`{"descr": ">i4", "fortran_order": False, "shape": (1, 2, 3)}`, ">i4", false, []int{1, 2, 3}},
		{"{'shape': (4, 5), 'fortran_order': False, 'descr': '<f4'}\n", "<f4", false, []int{4, 5}},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }\n", "<f8", false, []int{3, 4}}, // Python 2 NumPy
		{"  {'descr':'<f8','fortran_order':False,'shape':(0,)}  \n", "<f8", false, []int{0}},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3,), }\n", "<f8", false, []int{2, 3}},
	}
	for _, tt := range tests {
		h, err := parseHeaderDict([]byte(tt.dict))
		if err != nil {
			t.Errorf("%q: %v", tt.dict, err)
			continue
		}
		if h.DType != tt.dtype || h.Fortran != tt.fortran || !slices.Equal(h.Shape, tt.shape) {
			t.Errorf("%q: got %+v", tt.dict, h)
		}
	}
}

func TestParseHeaderDictErrors(t *testing.T) {
	tests := []struct {
		dict string
		want error
		msg  string
	}{
		{"", ErrFormat, "not a Python dict"},
		{"[1, 2]", ErrFormat, "not a Python dict"},
		{"{'descr': '<f8', 'fortran_order': False}", ErrFormat, `no "shape" key`},
		{"{'descr': '<f8', 'shape': (3,)}", ErrFormat, `no "fortran_order" key`},
		{"{'fortran_order': False, 'shape': (3,)}", ErrFormat, `no "descr" key`},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}", ErrFormat, "unexpected key"},
		{"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", ErrFormat, "duplicate key"},
		{"{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}", ErrFormat, "True or False"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': [3]}", ErrFormat, "must be a tuple"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3)}", ErrFormat, "trailing comma"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}", ErrFormat, "non-negative"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3.5,)}", ErrFormat, "',' or ')'"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}", ErrFormat, "too large"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}", ErrFormat, "more elements"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} x", ErrFormat, "after the header"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3,)", ErrFormat, "',' or '}'"},
		{"{'descr': <f8, 'fortran_order': False, 'shape': (3,)}", ErrFormat, "quoted type string"},
		{"{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}", ErrFormat, ""},
		{"{descr: '<f8'}", ErrFormat, "quoted key"},
		{"{'descr' '<f8'}", ErrFormat, "':'"},
		{"{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (3,)}", ErrDType, "structured"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (" + strings.Repeat("1,", 65) + ")}", ErrFormat, "dimensions"},
	}
	for _, tt := range tests {
		_, err := parseHeaderDict([]byte(tt.dict))
		if !errors.Is(err, tt.want) {
			t.Errorf("%q: error %v, want %v", tt.dict, err, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: error %q does not say %q", tt.dict, err, tt.msg)
		}
	}
}

func TestReadHeaderErrors(t *testing.T) {
	good := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", make([]byte, 8))
	v2 := []byte(magic + "\x02\x00\xff\xff\xff\x7f")
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"empty", nil, "empty file"},
		{"short magic", []byte("\x93NUM"), "truncated before the end of the .npy magic"},
		{"bad magic", append([]byte("PK\x03\x04xx"), good[6:]...), "bad magic"},
		{"version", append([]byte(magic+"\x04\x00"), good[8:]...), "version 4.0"},
		{"minor", append([]byte(magic+"\x01\x01"), good[8:]...), "version 1.1"},
		{"no length", []byte(magic + "\x01\x00\x10"), "header length"},
		{"huge header", v2, "exceeds the limit"},
		{"short header", good[:30], "truncated header"},
	}
	for _, tt := range tests {
		_, _, err := readHeader(bytes.NewReader(tt.in))
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want ErrFormat saying %q", tt.name, err, tt.msg)
		}
	}
}

// TestEncodeHeaderMatchesNumPy compares our headers with those np.save
// (NumPy 1.24.2) wrote into the fixtures, byte for byte.
func TestEncodeHeaderMatchesNumPy(t *testing.T) {
	for _, name := range []string{
		"vec_f8.npy", "vec_f4.npy", "vec_i8.npy", "vec_f8_be.npy", "vec_i4_be.npy", "vec_u1.npy",
		"mat_f8_c.npy", "mat_f8_f.npy", "mat_f4_f.npy", "arr3_f8_c.npy", "arr3_f8_f.npy",
		"scalar_f8.npy", "empty_f8.npy", "empty_2d_f8.npy", "col_f8.npy",
	} {
		raw, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		h, n, err := readHeader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dt, err := parseDType(h.DType)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := encodeHeader(h, dt)
		if !bytes.Equal(got, raw[:n]) {
			t.Errorf("%s: header differs from NumPy's\n got %q\nwant %q", name, got, raw[:n])
		}
		if len(got)%arrayAlign != 0 {
			t.Errorf("%s: header length %d not a multiple of %d", name, len(got), arrayAlign)
		}
	}
}

// TestEncodeHeaderVersion2 checks that a header too long for format 1.0
// switches to 2.0 and still aligns, and that we read it back.
func TestEncodeHeaderVersion2(t *testing.T) {
	h := Header{DType: Float64, Shape: make([]int, maxNDim)}
	for i := range h.Shape {
		h.Shape[i] = 1
	}
	dt, _ := parseDType(h.DType)
	b := encodeHeader(h, dt)
	if b[6] != 1 || len(b)%arrayAlign != 0 {
		t.Fatalf("64-d header: version %d, length %d", b[6], len(b))
	}
	// A format-2.0 header (as NumPy writes for huge dicts) reads back too.
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }" + strings.Repeat(" ", 70000) + "\n"
	v2 := []byte(magic + "\x02\x00")
	v2 = binary.LittleEndian.AppendUint32(v2, uint32(len(dict)))
	v2 = append(v2, dict...)
	got, _, err := readHeader(bytes.NewReader(v2))
	if err != nil || !slices.Equal(got.Shape, []int{2}) {
		t.Fatalf("format 2.0: %+v, %v", got, err)
	}
}

func TestHeaderLenAndString(t *testing.T) {
	h := Header{DType: Float32, Fortran: true, Shape: []int{2, 3, 4}}
	if h.Len() != 24 {
		t.Errorf("Len = %d", h.Len())
	}
	if s := h.String(); s != "<f4 (2, 3, 4) Fortran order" {
		t.Errorf("String = %q", s)
	}
	if (Header{DType: Float64}).Len() != 1 {
		t.Error("0-d Len != 1")
	}
	defer func() {
		if recover() == nil {
			t.Error("Len of a negative shape did not panic")
		}
	}()
	_ = Header{Shape: []int{-1}}.Len()
}

func TestShapeLen(t *testing.T) {
	const big = 1 << 62
	tests := []struct {
		shape []int
		n     int
		ok    bool
	}{
		{nil, 1, true},
		{[]int{3, 4}, 12, true},
		{[]int{big, big, 0}, 0, false}, // NumPy: "array is too big", even though empty
		{[]int{big, 0}, 0, true},
		{[]int{big, 4}, 0, false},
		{[]int{2, -1}, 0, false},
		{[]int{0, -1}, 0, false},
	}
	for _, tt := range tests {
		n, ok := shapeLen(tt.shape)
		if n != tt.n || ok != tt.ok {
			t.Errorf("shapeLen(%v) = %d, %v; want %d, %v", tt.shape, n, ok, tt.n, tt.ok)
		}
	}
}

func TestFormatShape(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		want  string
	}{{nil, "()"}, {[]int{3}, "(3,)"}, {[]int{2, 3}, "(2, 3)"}, {[]int{0, 1, 2}, "(0, 1, 2)"}} {
		if got := FormatShape(tc.shape); got != tc.want {
			t.Errorf("FormatShape(%v) = %q, want %q", tc.shape, got, tc.want)
		}
	}
}
