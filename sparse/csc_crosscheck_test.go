package sparse

import "testing"

// TestCSCAndZCOOPanicMessages: out-of-range arguments panic with a
// "sparse:" message that names what the caller passed, in the caller's
// terms. CSC.At and CSC.Col delegated to the transposed CSR and named the
// position reversed in a matrix of the transposed size ("index (0,5) out
// of range for 3×2 matrix" for At(5, 0) on a 2×3 CSC; "row 3" for
// Col(3)), and the lengths given to CSC.MulVecTo and MulVecTransTo were
// checked by the CSR product they delegate to, which named itself and the
// transposed size; NewZCOO, unlike NewCOO, let make panic with a runtime
// error on a negative capacity although its documentation promises the
// check.
func TestCSCAndZCOOPanicMessages(t *testing.T) {
	c := NewCOO(2, 3, 0).ToCSC()
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"CSC.At row", func() { c.At(5, 0) }, "sparse: CSC index (5,0) out of range for 2×3 matrix"},
		{"CSC.At column", func() { c.At(0, 3) }, "sparse: CSC index (0,3) out of range for 2×3 matrix"},
		{"CSC.At negative", func() { c.At(-1, 1) }, "sparse: CSC index (-1,1) out of range for 2×3 matrix"},
		{"CSC.Col", func() { c.Col(3) }, "sparse: CSC column 3 out of range [0,3)"},
		{"CSC.Col negative", func() { c.Col(-1) }, "sparse: CSC column -1 out of range [0,3)"},
		{"NewZCOO capacity", func() { NewZCOO(2, 2, -1) }, "sparse: NewZCOO: negative capacity -1"},
		// The products delegate to the transposed CSR, which named its own
		// product and size ("MulVecTransTo: 3×2 matrix" for a 2×3 CSC).
		{"CSC.MulVecTo lengths", func() { c.MulVecTo(make([]float64, 2), make([]float64, 2)) }, "sparse: CSC.MulVecTo: 2×3 matrix with len(x)=2, len(dst)=2"},
		{"CSC.MulVecTransTo lengths", func() { c.MulVecTransTo(make([]float64, 3), make([]float64, 3)) }, "sparse: CSC.MulVecTransTo: 2×3 matrix with len(x)=3, len(dst)=3"},
		{"CSC.Apply lengths", func() { c.Apply(make([]float64, 3), make([]float64, 3)) }, "sparse: CSC.MulVecTo: 2×3 matrix with len(x)=3, len(dst)=3"},
		{"CSC.MulVecTo overlap", func() { v := make([]float64, 3); c.MulVecTo(v[1:], v) }, "sparse: CSC.MulVecTo: dst and x share memory"},
		{"CSC.MulVecTransTo overlap", func() { v := make([]float64, 3); c.MulVecTransTo(v, v[1:]) }, "sparse: CSC.MulVecTransTo: dst and x share memory"},
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
	// In range, At and Col still read the entries.
	b := NewCOO(2, 3, 2)
	b.Append(1, 2, 5)
	b.Append(0, 2, -1)
	cc := b.ToCSC()
	if cc.At(1, 2) != 5 || cc.At(0, 2) != -1 || cc.At(1, 0) != 0 {
		t.Fatalf("At: %v %v %v, want 5 -1 0", cc.At(1, 2), cc.At(0, 2), cc.At(1, 0))
	}
	if ind, val := cc.Col(2); len(ind) != 2 || ind[0] != 0 || ind[1] != 1 || val[0] != -1 || val[1] != 5 {
		t.Fatalf("Col(2) = %v %v, want [0 1] [-1 5]", ind, val)
	}
}
