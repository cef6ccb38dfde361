package npy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type fixtureArray struct {
	DType   string    `json:"dtype"`
	Fortran bool      `json:"fortran"`
	Shape   []int     `json:"shape"`
	Values  []float64 `json:"values"`
}

type fixtures struct {
	NumPy   string                     `json:"numpy"`
	Arrays  map[string]json.RawMessage `json:"arrays"`
	Refused map[string]string          `json:"refused"`
}

func loadFixtures(t *testing.T) fixtures {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFixturesNPY reads every .npy that NumPy wrote and compares shape,
// dtype, order and values exactly (all values were chosen exact in every
// dtype, so no tolerance is needed).
func TestFixturesNPY(t *testing.T) {
	f := loadFixtures(t)
	n := 0
	for name, raw := range f.Arrays {
		if !strings.HasSuffix(name, ".npy") {
			continue
		}
		n++
		var want fixtureArray
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(fixtureDir, name)
		r, err := Open(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		h := r.Header()
		r.Close()
		if string(h.DType) != want.DType || h.Fortran != want.Fortran || !slices.Equal(h.Shape, want.Shape) {
			t.Errorf("%s: header %v, want %+v", name, h, want)
		}
		a, err := ReadArray(path)
		if err != nil {
			t.Errorf("%s: ReadArray: %v", name, err)
			continue
		}
		if !slices.Equal(a.Shape, want.Shape) || !slices.Equal(a.Data, want.Values) {
			t.Errorf("%s: got %v %v, want %v %v", name, a.Shape, a.Data, want.Shape, want.Values)
		}
		if strings.Contains(want.DType, "i") || strings.Contains(want.DType, "u") || strings.Contains(want.DType, "b") {
			ia, err := ReadInt64Array(path)
			if err != nil {
				t.Errorf("%s: ReadInt64Array: %v", name, err)
				continue
			}
			for i, v := range ia.Data {
				if float64(v) != want.Values[i] {
					t.Errorf("%s: int element %d = %d, want %v", name, i, v, want.Values[i])
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d .npy fixtures listed", n)
	}
}

// TestFixturesShapes checks which fixtures ReadVector and ReadDense take.
func TestFixturesShapes(t *testing.T) {
	vectors := map[string]int{"vec_f8.npy": 5, "vec_f2.npy": 5, "vec_i4_be.npy": 5, "col_f8.npy": 4, "row_f8.npy": 4, "empty_f8.npy": 0, "vec_f8_v2.npy": 5}
	for name, n := range vectors {
		x, err := ReadVector(filepath.Join(fixtureDir, name))
		if err != nil || len(x) != n {
			t.Errorf("ReadVector(%s) = %d elements, %v; want %d", name, len(x), err, n)
		}
	}
	for _, name := range []string{"mat_f8_c.npy", "arr3_f8_c.npy", "scalar_f8.npy"} {
		_, err := ReadVector(filepath.Join(fixtureDir, name))
		wantErr(t, "ReadVector("+name+")", err, ErrShape, name, "want a vector")
	}
	// Fortran and C files of the same matrix give the same Dense.
	c, err := ReadDense(filepath.Join(fixtureDir, "mat_f8_c.npy"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mat_f8_f.npy", "mat_f8_be_f.npy"} {
		m, err := ReadDense(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if r, cc := m.Dims(); r != 2 || cc != 3 || !slices.Equal(m.RawMatrix().Data, c.RawMatrix().Data) {
			t.Errorf("%s: %v, want %v", name, m.RawMatrix().Data, c.RawMatrix().Data)
		}
	}
	if m, err := ReadDense(filepath.Join(fixtureDir, "col_f8.npy")); err != nil || m.RawMatrix().Cols != 1 {
		t.Errorf("ReadDense(col_f8.npy): %v", err)
	}
	for name, msg := range map[string]string{"vec_f8.npy": "reshape(-1, 1)", "arr3_f8_c.npy": "want a 2-d", "empty_2d_f8.npy": "empty matrix", "scalar_f8.npy": "want a 2-d"} {
		_, err := ReadDense(filepath.Join(fixtureDir, name))
		wantErr(t, "ReadDense("+name+")", err, ErrShape, name, msg)
	}
}

// TestFixturesRefused checks each input NumPy can write but we refuse.
func TestFixturesRefused(t *testing.T) {
	f := loadFixtures(t)
	cases := map[string]struct {
		target error
		msg    string
	}{
		"bad_nan.npy":        {ErrNonFinite, "element 2 is NaN"},
		"bad_inf_2d.npy":     {ErrNonFinite, "element (1, 1) of shape (2, 2) is -Inf"},
		"bad_i8_inexact.npy": {ErrRange, "element 1 = 9007199254740993 (int64) has no exact float64"},
		"bad_c16.npy":        {ErrDType, "complex"},
		"bad_object.npy":     {ErrDType, "object array"},
		"bad_str.npy":        {ErrDType, "string"},
		"bad_struct.npy":     {ErrDType, "structured"},
		"bad_datetime.npy":   {ErrDType, "datetime"},
		"bad_f16.npy":        {ErrDType, "extended precision"},
	}
	if len(cases) != len(f.Refused) {
		t.Errorf("%d refused fixtures listed, %d tested", len(f.Refused), len(cases))
	}
	for name, c := range cases {
		path := filepath.Join(fixtureDir, name)
		_, err := ReadArray(path)
		wantErr(t, name, err, c.target, path, c.msg)
		_, err = ReadVector(path)
		wantErr(t, name+" vector", err, c.target, path)
	}
	// The non-finite ones read when allowed.
	o := ReadOptions{AllowNonFinite: true}
	x, err := o.ReadVector(filepath.Join(fixtureDir, "bad_nan.npy"))
	if err != nil || len(x) != 4 || x[2] == x[2] {
		t.Errorf("AllowNonFinite vector: %v, %v", x, err)
	}
	m, err := o.ReadDense(filepath.Join(fixtureDir, "bad_inf_2d.npy"))
	if err != nil || m.At(1, 1) > -1e308 {
		t.Errorf("AllowNonFinite dense: %v", err)
	}
	// Integers beyond 2^53 are exact as int64.
	ia, err := ReadInt64Array(filepath.Join(fixtureDir, "bad_i8_inexact.npy"))
	if err != nil || ia.Data[1] != 1<<53+1 {
		t.Errorf("ReadInt64Array: %v, %v", ia, err)
	}
	_, err = ReadInt64Array(filepath.Join(fixtureDir, "vec_f8.npy"))
	wantErr(t, "ReadInt64Array(float)", err, ErrDType, "vec_f8.npy", "not integers")
}

// TestWriteMatchesNumPy: what we write for the arrays NumPy saved is the
// same file, byte for byte.
func TestWriteMatchesNumPy(t *testing.T) {
	f := loadFixtures(t)
	dir := t.TempDir()
	for _, name := range []string{"vec_f8.npy", "mat_f8_c.npy", "arr3_f8_c.npy", "scalar_f8.npy", "empty_f8.npy", "empty_2d_f8.npy", "col_f8.npy", "vec_i8.npy"} {
		var want fixtureArray
		if err := json.Unmarshal(f.Arrays[name], &want); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name)
		var err error
		if want.DType == "<i8" {
			ints := make([]int64, len(want.Values))
			for i, v := range want.Values {
				ints[i] = int64(v)
			}
			err = WriteInt64Array(out, Int64Array{Shape: want.Shape, Data: ints})
		} else {
			err = WriteArray(out, Array{Shape: want.Shape, Data: want.Values})
		}
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(out)
		ref, _ := os.ReadFile(filepath.Join(fixtureDir, name))
		if !bytes.Equal(got, ref) {
			t.Errorf("%s: our file differs from NumPy's\n got %q\nwant %q", name, got, ref)
		}
	}
}
