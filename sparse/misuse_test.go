package sparse_test

import (
	"bytes"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/sparse"
)

// TestMisusePanics: nil matrices and a product's dst sharing x's memory
// are programming errors that panic with a "sparse:" message naming the
// function, never with a runtime error or a silently wrong product.
func TestMisusePanics(t *testing.T) {
	A := sparse.Laplacian1D(4)
	z := sparse.NewZCOO(2, 2, 0)
	z.Append(0, 1, 1)
	z.Append(1, 0, 1)
	Z := z.ToZCSR()
	var buf bytes.Buffer
	misuse.Check(t, []misuse.Case{
		{Name: "MulRowsTo dst = x", Want: "sparse: MulRowsTo: dst and x share memory", F: func() {
			x := []float64{1, 2, 3, 4}
			A.MulRowsTo(x, x, 0, 4)
		}},
		{Name: "ZCSR.MulVecTo dst = x", Want: "sparse: ZCSR.MulVecTo: dst and x share memory", F: func() {
			x := []complex128{1, 2}
			Z.MulVecTo(x, x)
		}},
		{Name: "MulDenseTo nil dst", Want: "sparse: MulDenseTo: nil matrix", F: func() { A.MulDenseTo(nil, mat.NewDense(4, 2, nil)) }},
		{Name: "MulDenseTo nil X", Want: "sparse: MulDenseTo: nil matrix", F: func() { A.MulDenseTo(mat.NewDense(4, 2, nil), nil) }},
		{Name: "Add nil B", Want: "sparse: Add: matrix argument 2 is nil", F: func() { sparse.Add(1, A, 1, nil) }},
		{Name: "Mul nil A", Want: "sparse: Mul: matrix argument 1 is nil", F: func() { sparse.Mul(nil, A) }},
		{Name: "FromDense nil", Want: "sparse: FromDense: nil matrix", F: func() { sparse.FromDense(nil, 0) }},
		{Name: "WriteMM nil", Want: "sparse: WriteMM: matrix argument 1 is nil", F: func() { sparse.WriteMM(&buf, nil, nil) }},
		{Name: "WriteMMComplex nil", Want: "sparse: WriteMMComplex: nil matrix", F: func() { sparse.WriteMMComplex(&buf, nil, nil) }},
		{Name: "WriteMMDense nil", Want: "sparse: WriteMMDense: nil matrix", F: func() { sparse.WriteMMDense(&buf, nil, nil) }},
		{Name: "FromDense nil *mat.Dense", Want: "sparse: FromDense: nil matrix", F: func() { sparse.FromDense((*mat.Dense)(nil), 0) }},
		{Name: "WriteMMDense nil *mat.Dense", Want: "sparse: WriteMMDense: nil matrix", F: func() { sparse.WriteMMDense(&buf, (*mat.Dense)(nil), nil) }},
		{Name: "WriteNPZ nil", Want: "sparse: WriteNPZ: matrix argument 1 is nil", F: func() { sparse.WriteNPZ(&buf, nil, false) }},
		{Name: "SaveNPZ nil", Want: "sparse: SaveNPZ: matrix argument 1 is nil", F: func() { sparse.SaveNPZ(t.TempDir()+"/a.npz", nil, false) }},
		{Name: "SaveMM nil", Want: "sparse: SaveMM: matrix argument 1 is nil", F: func() { sparse.SaveMM(t.TempDir()+"/a.mtx", nil, nil) }},
		{Name: "ReadMM nil reader", Want: "sparse: ReadMM: nil reader", F: func() { sparse.ReadMM(nil) }},
		{Name: "ReadMMDense nil reader", Want: "sparse: ReadMMDense: nil reader", F: func() { sparse.ReadMMDense(nil) }},
		{Name: "ReadNPZ nil reader", Want: "sparse: ReadNPZ: nil reader", F: func() { sparse.ReadNPZ(nil, 100) }},
		{Name: "WriteMM nil writer", Want: "sparse: WriteMM: nil writer", F: func() { sparse.WriteMM(nil, A, nil) }},
		{Name: "WriteMMComplex nil writer", Want: "sparse: WriteMMComplex: nil writer", F: func() { sparse.WriteMMComplex(nil, Z, nil) }},
		{Name: "WriteMMDense nil writer", Want: "sparse: WriteMMDense: nil writer", F: func() { sparse.WriteMMDense(nil, mat.NewDense(2, 2, nil), nil) }},
		{Name: "WriteNPZ nil writer", Want: "sparse: WriteNPZ: nil writer", F: func() { sparse.WriteNPZ(nil, A, false) }},
	})
}
