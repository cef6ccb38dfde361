package sparse_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

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
	checkMisuse(t, []misuseCase{
		{"MulRowsTo dst = x", "sparse: MulRowsTo: dst and x share memory", func() {
			x := []float64{1, 2, 3, 4}
			A.MulRowsTo(x, x, 0, 4)
		}},
		{"ZCSR.MulVecTo dst = x", "sparse: ZCSR.MulVecTo: dst and x share memory", func() {
			x := []complex128{1, 2}
			Z.MulVecTo(x, x)
		}},
		{"MulDenseTo nil dst", "sparse: MulDenseTo: nil matrix", func() { A.MulDenseTo(nil, mat.NewDense(4, 2, nil)) }},
		{"MulDenseTo nil X", "sparse: MulDenseTo: nil matrix", func() { A.MulDenseTo(mat.NewDense(4, 2, nil), nil) }},
		{"Add nil B", "sparse: Add: matrix argument 2 is nil", func() { sparse.Add(1, A, 1, nil) }},
		{"Mul nil A", "sparse: Mul: matrix argument 1 is nil", func() { sparse.Mul(nil, A) }},
		{"FromDense nil", "sparse: FromDense: nil matrix", func() { sparse.FromDense(nil, 0) }},
		{"WriteMM nil", "sparse: WriteMM: matrix argument 1 is nil", func() { sparse.WriteMM(&buf, nil, nil) }},
		{"WriteMMComplex nil", "sparse: WriteMMComplex: nil matrix", func() { sparse.WriteMMComplex(&buf, nil, nil) }},
		{"WriteMMDense nil", "sparse: WriteMMDense: nil matrix", func() { sparse.WriteMMDense(&buf, nil, nil) }},
		{"WriteNPZ nil", "sparse: WriteNPZ: matrix argument 1 is nil", func() { sparse.WriteNPZ(&buf, nil, false) }},
		{"SaveNPZ nil", "sparse: SaveNPZ: matrix argument 1 is nil", func() { sparse.SaveNPZ(t.TempDir()+"/a.npz", nil, false) }},
		{"SaveMM nil", "sparse: SaveMM: matrix argument 1 is nil", func() { sparse.SaveMM(t.TempDir()+"/a.mtx", nil, nil) }},
	})
}

// misuseCase is a call that misuses the API and must panic with a
// message starting with want (the package's prefix and the function).
type misuseCase struct {
	name string
	want string
	f    func()
}

// checkMisuse runs each case and fails unless it panics with a message
// (not a runtime error) that starts with c.want.
func checkMisuse(t *testing.T, cases []misuseCase) {
	t.Helper()
	for _, c := range cases {
		msg, isRuntime, panicked := recoverMisuse(c.f)
		switch {
		case !panicked:
			t.Errorf("%s: no panic, want one starting %q", c.name, c.want)
		case isRuntime:
			t.Errorf("%s: runtime panic %q, want one starting %q", c.name, msg, c.want)
		case !strings.HasPrefix(msg, c.want):
			t.Errorf("%s: panic %q, want one starting %q", c.name, msg, c.want)
		}
	}
}

func recoverMisuse(f func()) (msg string, isRuntime, panicked bool) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		panicked = true
		_, isRuntime = r.(runtime.Error)
		msg = fmt.Sprint(r)
	}()
	f()
	return "", false, false
}
