package npy

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNPZRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, compress := range []bool{false, true} {
		p := filepath.Join(dir, "d.npz")
		z, err := CreateNPZ(p)
		if err != nil {
			t.Fatal(err)
		}
		z.Compress = compress
		X := []float64{1, 2, 3, 4, 5, 6}
		labels := []int64{0, 1 << 60, -7}
		if err := z.WriteFloat64("X", []int{2, 3}, X); err != nil {
			t.Fatal(err)
		}
		if err := z.WriteInt64("labels", []int{3}, labels); err != nil {
			t.Fatal(err)
		}
		if err := z.WriteFloat64("empty", []int{0, 4}, nil); err != nil {
			t.Fatal(err)
		}
		if err := z.WriteFloat64("scalar", nil, []float64{0.5}); err != nil {
			t.Fatal(err)
		}
		w, err := z.Create("w32", Header{DType: Float32, Shape: []int{2}})
		if err != nil {
			t.Fatal(err)
		}
		w.WriteFloat64([]float64{0.25, -1})
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}

		r, err := OpenNPZ(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Names(); !slices.Equal(got, []string{"X", "labels", "empty", "scalar", "w32"}) {
			t.Errorf("Names = %v", got)
		}
		a, err := r.ReadFloat64("X")
		if err != nil || !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Data, X) {
			t.Errorf("X: %+v, %v", a, err)
		}
		l, err := r.ReadInt64("labels")
		if err != nil || !slices.Equal(l.Data, labels) {
			t.Errorf("labels: %+v, %v", l, err)
		}
		if h, err := r.Header("w32"); err != nil || h.DType != Float32 {
			t.Errorf("w32 header %v, %v", h, err)
		}
		if e, err := r.ReadFloat64("empty"); err != nil || !slices.Equal(e.Shape, []int{0, 4}) {
			t.Errorf("empty: %+v, %v", e, err)
		}
		if s, err := r.ReadFloat64("scalar.npy"); err != nil || len(s.Shape) != 0 || s.Data[0] != 0.5 {
			t.Errorf("scalar by member name: %+v, %v", s, err)
		}
		_, err = r.ReadFloat64("labels") // 1<<60 is exact in float64
		if err != nil {
			t.Errorf("labels as float64: %v", err)
		}
		_, err = r.ReadInt64("X")
		wantErr(t, "ReadInt64(X)", err, ErrDType, p, `"X"`)
		_, err = r.ReadFloat64("nope")
		wantErr(t, "missing key", err, ErrNotFound, p, `array "nope"`, `"X", "labels"`)
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}

		all, err := ReadNPZ(p)
		if err != nil || len(all) != 5 || all["w32"].Data[0] != 0.25 {
			t.Errorf("ReadNPZ: %v, %v", all, err)
		}
		// Members use the method asked for.
		zr, _ := zip.OpenReader(p)
		want := zip.Store
		if compress {
			want = zip.Deflate
		}
		for _, f := range zr.File {
			if f.Method != want {
				t.Errorf("compress=%v: member %s method %d", compress, f.Name, f.Method)
			}
		}
		zr.Close()
	}
}

// TestNPZDeterministic: the same arrays give the same bytes.
func TestNPZDeterministic(t *testing.T) {
	write := func() []byte {
		var buf bytes.Buffer
		z := NewNPZWriter(&buf)
		z.WriteFloat64("a", []int{2}, []float64{1, 2})
		z.WriteInt64("b", []int{1}, []int64{3})
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if !bytes.Equal(write(), write()) {
		t.Error("two writes of the same archive differ")
	}
}

// TestNPZFixtures reads the archives np.savez and np.savez_compressed wrote.
func TestNPZFixtures(t *testing.T) {
	f := loadFixtures(t)
	for _, name := range []string{"arrays.npz", "arrays_compressed.npz"} {
		var want map[string]json.RawMessage
		if err := json.Unmarshal(f.Arrays[name], &want); err != nil {
			t.Fatal(err)
		}
		var order []string
		json.Unmarshal(want["_order"], &order)
		r, err := OpenNPZ(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Names(), order) {
			t.Errorf("%s: Names %v, want %v", name, r.Names(), order)
		}
		for _, key := range order {
			var fa fixtureArray
			json.Unmarshal(want[key], &fa)
			a, err := r.ReadFloat64(key)
			if err != nil {
				t.Fatalf("%s[%s]: %v", name, key, err)
			}
			if !slices.Equal(a.Shape, fa.Shape) || !slices.Equal(a.Data, fa.Values) {
				t.Errorf("%s[%s]: %+v, want %+v", name, key, a, fa)
			}
			if h, _ := r.Header(key); string(h.DType) != fa.DType {
				t.Errorf("%s[%s]: dtype %s, want %s", name, key, h.DType, fa.DType)
			}
		}
		l, err := r.ReadInt64("labels")
		if err != nil || !slices.Equal(l.Data, []int64{0, 2, 1, 1}) {
			t.Errorf("%s labels: %v, %v", name, l, err)
		}
		r.Close()
	}
}

func TestNPZMalformed(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Not a zip at all (an .npy handed in as .npz, and plain garbage).
	npyFile, _ := os.ReadFile(filepath.Join(fixtureDir, "vec_f8.npy"))
	for _, p := range []string{put("npy.npz", npyFile), put("empty.npz", nil), put("junk.npz", []byte("hello"))} {
		_, err := OpenNPZ(p)
		wantErr(t, p, err, ErrFormat, p, "not a valid .npz")
		_, err = ReadNPZ(p)
		wantErr(t, p, err, ErrFormat, p)
	}

	// A member that is not .npy data, one with a bad header, and one cut short.
	mk := func(members map[string][]byte, order []string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range order {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			w.Write(members[name])
		}
		zw.Close()
		return buf.Bytes()
	}
	good := npyBytes(f8x3, make([]byte, 24))
	p := put("members.npz", mk(map[string][]byte{
		"text.txt":  []byte("not an array"),
		"bad.npy":   npyBytes("{'descr': '<f8'}\n", nil),
		"short.npy": good[:len(good)-8],
		"ok.npy":    good,
		"dir/":      nil,
	}, []string{"text.txt", "bad.npy", "short.npy", "ok.npy", "dir/"}))
	r, err := OpenNPZ(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Names(), []string{"text.txt", "bad", "short", "ok"}) {
		t.Errorf("Names = %v", r.Names())
	}
	_, err = r.ReadFloat64("text.txt")
	wantErr(t, "text member", err, ErrFormat, p, `"text.txt"`, "bad magic")
	_, err = r.ReadFloat64("bad")
	wantErr(t, "bad member", err, ErrFormat, p, `"bad"`, `no "fortran_order" key`)
	_, err = r.ReadFloat64("short")
	wantErr(t, "short member", err, ErrFormat, p, `"short"`, "truncated data")
	if _, err := r.ReadFloat64("ok"); err != nil {
		t.Errorf("ok member: %v", err)
	}
	_, err = ReadNPZ(p)
	wantErr(t, "ReadNPZ", err, ErrFormat, p)
	r.Close()

	// Duplicate member names are ambiguous.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for range 2 {
		w, _ := zw.Create("x.npy")
		w.Write(good)
	}
	zw.Close()
	_, err = OpenNPZ(put("dup.npz", buf.Bytes()))
	wantErr(t, "duplicate", err, ErrFormat, "twice")

	// A corrupted deflated member fails its checksum.
	var cbuf bytes.Buffer
	z := NewNPZWriter(&cbuf)
	z.Compress = true
	z.WriteFloat64("x", []int{1000}, make([]float64, 1000))
	z.Close()
	b := cbuf.Bytes()
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	off, _ := zr.File[0].DataOffset()
	b[off+10] ^= 0xff
	r, err = OpenNPZ(put("corrupt.npz", b))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.ReadFloat64("x")
	wantErr(t, "corrupt member", err, ErrFormat, `"x"`)
	r.Close()
}

func TestNPZWriterMisuse(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.npz")
	os.WriteFile(p, []byte("old"), 0o644)

	z, _ := CreateNPZ(p)
	z.WriteFloat64("a", []int{1}, []float64{1})
	wantErr(t, "duplicate", z.WriteFloat64("a", []int{1}, []float64{1}), nil, "used twice")
	wantErr(t, "empty name", z.WriteFloat64("", []int{1}, []float64{1}), nil, "empty array name")
	w, _ := z.Create("open", Header{DType: Float64, Shape: []int{2}})
	wantErr(t, "member open", z.WriteFloat64("b", []int{1}, []float64{1}), nil, `"open" is still being written`)
	w.WriteFloat64([]float64{1})
	wantErr(t, "close with open member", z.Close(), nil, "still being written")
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Error("failed archive replaced the old file")
	}

	// A failed member poisons the archive.
	z, _ = CreateNPZ(p)
	w, _ = z.Create("x", Header{DType: Int32, Shape: []int{1}})
	wantErr(t, "range", w.WriteFloat64([]float64{0.5}), ErrRange, p, `"x"`)
	w.Close()
	wantErr(t, "poisoned", z.Close(), ErrRange)
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Error("poisoned archive replaced the old file")
	}
	_, err := z.Create("y", Header{DType: Float64})
	wantErr(t, "after close", err, nil, "closed")

	// Bad header for a member.
	z, _ = CreateNPZ(p)
	_, err = z.Create("c", Header{DType: "<c8"})
	wantErr(t, "complex member", err, ErrDType)
	z.Abort()

	// Abort leaves nothing behind.
	z, _ = CreateNPZ(p)
	z.WriteFloat64("a", []int{1}, []float64{1})
	z.Abort()
	if z.Close() != nil {
		t.Error("Close after Abort returned an error")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Error("aborted archive replaced the old file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files left in the directory, want 1", len(entries))
	}

	defer func() {
		if recover() == nil {
			t.Error("shape mismatch did not panic")
		}
	}()
	z, _ = CreateNPZ(p)
	defer z.Abort()
	z.WriteInt64("a", []int{2}, []int64{1})
}
