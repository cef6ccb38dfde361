package linop_test

import (
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// trustingRect is an r×c user operator that relies on the Operator
// contract for its lengths and does not check them.
type trustingRect struct{ r, c int }

func (t trustingRect) Dims() (r, c int)        { return t.r, t.c }
func (t trustingRect) Apply(dst, x []float64)  { copy(dst, x) }
func (t trustingRect) ApplyT(dst, x []float64) { copy(dst, x) }

// Transpose, like Scaled, Shifted, Sum and Product, checks the lengths
// itself: wrong lengths gave a silent wrong answer for an operator that
// trusts its callers, and a "sparse:" panic naming MulVecTransTo for a
// *sparse.CSR, where the package doc promises a "linop:" message.
func TestTransposeLengthPanics(t *testing.T) {
	sq := trusting(3)
	rect := trustingRect{2, 3} // its transpose is 3×2
	csr := sparse.Laplacian1D(3)
	short, ok2, ok3, long := make([]float64, 1), make([]float64, 2), make([]float64, 3), make([]float64, 4)
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"square Apply short x", func() { linop.Transpose(sq).Apply(ok3, ok2) }, "linop: Transpose.Apply: 3×3 operator with len(dst)=3, len(x)=2"},
		{"square Apply long dst", func() { linop.Transpose(sq).Apply(long, ok3) }, "linop: Transpose.Apply: 3×3 operator with len(dst)=4, len(x)=3"},
		{"square ApplyT", func() { linop.Transpose(sq).ApplyT(ok3, short) }, "linop: Transpose.ApplyT: 3×3 operator with len(dst)=3, len(x)=1"},
		{"rect Apply swapped", func() { linop.Transpose(rect).Apply(ok2, ok3) }, "linop: Transpose.Apply: 3×2 operator with len(dst)=2, len(x)=3"},
		{"rect ApplyT swapped", func() { linop.Transpose(rect).ApplyT(ok3, ok2) }, "linop: Transpose.ApplyT: 2×3 operator with len(dst)=3, len(x)=2"},
		{"csr Apply", func() { linop.Transpose(csr).Apply(ok3, ok2) }, "linop: Transpose.Apply: 3×3 operator with len(dst)=3, len(x)=2"},
		{"csr ApplyT", func() { linop.Transpose(csr).ApplyT(ok2, ok3) }, "linop: Transpose.ApplyT: 3×3 operator with len(dst)=2, len(x)=3"},
		{"double transpose", func() { linop.Transpose(linop.Transpose(rect)).Apply(ok3, ok2) }, "linop: Transpose.Apply: 2×3 operator with len(dst)=3, len(x)=2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r, _ := recover().(string); r != tc.want {
					t.Errorf("panic %q, want %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
	// Right lengths still work, and give the transpose.
	T := linop.Transpose(rect)
	dst := make([]float64, 3)
	T.Apply(dst, []float64{5, 6})
	if dst[0] != 5 || dst[1] != 6 {
		t.Errorf("Transpose(rect).Apply = %v", dst)
	}
	y := make([]float64, 2)
	T.ApplyT(y, []float64{7, 8, 9})
	if y[0] != 7 || y[1] != 8 {
		t.Errorf("Transpose(rect).ApplyT = %v", y)
	}
}
