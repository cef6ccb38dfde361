package npy

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestNumPyReadsOurFiles writes arrays from Go and has NumPy check them:
// np.load must give the same dtype, shape and values, and np.load on the
// .npz must list the keys in order. Skipped cleanly where /usr/bin/python3
// or numpy is missing (CI machines may lack them).
func TestNumPyReadsOurFiles(t *testing.T) {
	if !havePythonNumPy() {
		t.Skip("/usr/bin/python3 with numpy not available")
	}
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(WriteVector(filepath.Join(dir, "v.npy"), []float64{1.5, -2, 1e-300, nan(), inf()}))
	must(WriteDense(filepath.Join(dir, "m.npy"), mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})))
	must(WriteArray(filepath.Join(dir, "a.npy"), Array{Shape: []int{2, 1, 3}, Data: []float64{0, 1, 2, 3, 4, 5}}))
	must(WriteArray(filepath.Join(dir, "s.npy"), Array{Data: []float64{7}}))
	must(WriteArray(filepath.Join(dir, "e.npy"), Array{Shape: []int{0, 2}}))
	must(WriteInt64Array(filepath.Join(dir, "i.npy"), Int64Array{Shape: []int{3}, Data: []int64{-9223372036854775808, 0, 9223372036854775807}}))
	w, err := Create(filepath.Join(dir, "f.npy"), Header{DType: ">f4", Fortran: true, Shape: []int{2, 3}})
	must(err)
	must(w.WriteFloat64([]float64{1, 4, 2, 5, 3, 6})) // column-major storage of [[1,2,3],[4,5,6]]
	must(w.Close())
	for _, compress := range []bool{false, true} {
		name := "d.npz"
		if compress {
			name = "dc.npz"
		}
		z, err := CreateNPZ(filepath.Join(dir, name))
		must(err)
		z.Compress = compress
		must(z.WriteFloat64("X", []int{2, 2}, []float64{1, 2, 3, 4}))
		must(z.WriteInt64("y", []int{3}, []int64{0, 1, 2}))
		must(z.WriteFloat64("s", nil, []float64{3.25}))
		must(z.Close())
	}

	script := `
import sys, numpy as np
d = sys.argv[1]
def check(name, dtype, shape, values, fortran=False):
    a = np.load(d + "/" + name, allow_pickle=False)
    assert a.dtype == np.dtype(dtype), (name, a.dtype)
    assert a.shape == shape, (name, a.shape)
    assert (a.flags.f_contiguous if fortran else a.flags.c_contiguous), (name, a.flags)
    np.testing.assert_array_equal(a, np.array(values, dtype=dtype).reshape(shape), err_msg=name)
check("v.npy", "<f8", (5,), [1.5, -2, 1e-300, np.nan, np.inf])
check("m.npy", "<f8", (2, 3), [1, 2, 3, 4, 5, 6])
check("a.npy", "<f8", (2, 1, 3), [0, 1, 2, 3, 4, 5])
check("s.npy", "<f8", (), [7])
check("e.npy", "<f8", (0, 2), [])
check("i.npy", "<i8", (3,), [-9223372036854775808, 0, 9223372036854775807])
check("f.npy", ">f4", (2, 3), [1, 2, 3, 4, 5, 6], fortran=True)
for name in ("d.npz", "dc.npz"):
    with np.load(d + "/" + name, allow_pickle=False) as z:
        assert z.files == ["X", "y", "s"], z.files
        assert z["X"].dtype == np.float64 and z["X"].shape == (2, 2)
        np.testing.assert_array_equal(z["X"], [[1, 2], [3, 4]])
        assert z["y"].dtype == np.int64
        np.testing.assert_array_equal(z["y"], [0, 1, 2])
        assert z["s"].shape == () and z["s"] == 3.25
print("ok")
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, dir).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("numpy rejected our files: %v\n%s", err, out)
	}
}
