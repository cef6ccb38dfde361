package sparse

import (
	"fmt"
	"io"
	"math"

	"github.com/subspace-lab/subspace/npy"
)

// SaveNPZ writes a in the format of scipy.sparse.save_npz (csr), so that
// scipy.sparse.load_npz(path) returns it as a csr_matrix: arrays indices
// (int32), indptr (int32, or int64 beyond 2³¹−1 nonzeros, SciPy's rule),
// format (b"csr"), shape (int64) and data (float64). compress deflates the
// arrays as save_npz does by default (smaller, several times slower to
// write and read); false stores them as save_npz(compressed=False).
// It panics if a is nil.
//
// A NaN or infinite value is an error naming the entry, before anything
// is written: LoadNPZ refuses such files, as ReadMM and WriteMM do.
//
// The archive is written to a temporary file that replaces path only when
// complete (see npy.CreateNPZ). Cost: O(nnz + rows), streaming through a
// small buffer (no copy of the matrix).
func SaveNPZ(path string, a *CSR, compress bool) error {
	checkNil("SaveNPZ", a)
	if err := a.CheckFinite(); err != nil {
		return fmt.Errorf("%w; SciPy .npz files written here hold finite values only", err)
	}
	z, err := npy.CreateNPZ(path)
	if err != nil {
		return fmt.Errorf("sparse: %w", err)
	}
	if err := writeNPZ(z, a, compress); err != nil {
		z.Abort()
		return fmt.Errorf("sparse: %w", err)
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("sparse: %w", err)
	}
	return nil
}

// WriteNPZ writes a to w as SaveNPZ does.
func WriteNPZ(w io.Writer, a *CSR, compress bool) error {
	checkNilIO("WriteNPZ", w, "writer")
	checkNil("WriteNPZ", a)
	if err := a.CheckFinite(); err != nil {
		return fmt.Errorf("%w; SciPy .npz files written here hold finite values only", err)
	}
	z := npy.NewNPZWriter(w)
	if err := writeNPZ(z, a, compress); err != nil {
		z.Abort()
		return fmt.Errorf("sparse: %w", err)
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("sparse: %w", err)
	}
	return nil
}

func writeNPZ(z *npy.NPZWriter, a *CSR, compress bool) error {
	z.Compress = compress
	r, c := a.Dims()
	indptr, ind, val := a.Raw()
	ptrType := npy.Int32
	if len(ind) > math.MaxInt32 {
		ptrType = npy.Int64
	}
	// save_npz's key order: indices, indptr, format, shape, data.
	if err := writeInts(z, "indices", npy.Int32, ind); err != nil {
		return err
	}
	if err := writeInts(z, "indptr", ptrType, indptr); err != nil {
		return err
	}
	if err := z.WriteString("format", "csr"); err != nil {
		return err
	}
	if err := z.WriteInt64("shape", []int{2}, []int64{int64(r), int64(c)}); err != nil {
		return err
	}
	return z.WriteFloat64("data", []int{len(val)}, val)
}

// writeInts writes an index slice as the 1-d integer array name of type
// dt (int32 or int64): int32 slices as they are, others through a fixed
// buffer.
func writeInts[T int32 | int](z *npy.NPZWriter, name string, dt npy.DType, src []T) error {
	w, err := z.Create(name, npy.Header{DType: dt, Shape: []int{len(src)}})
	if err != nil {
		return err
	}
	if s, ok := any(src).([]int32); ok {
		err = w.WriteInt32(s)
	} else {
		var buf [4096]int64
		for len(src) > 0 && err == nil {
			k := min(len(buf), len(src))
			for i, v := range src[:k] {
				buf[i] = int64(v)
			}
			err = w.WriteInt64(buf[:k])
			src = src[k:]
		}
	}
	if err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
