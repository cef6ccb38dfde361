package sparse

import "testing"

// Programmer errors panic with a message that names the function, not a
// runtime error from inside it.
func TestConstructorPanics(t *testing.T) {
	c := NewCOO(2, 2, 1)
	c.Append(0, 1, 3)
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"NewCOO capacity", func() { NewCOO(2, 2, -1) }, "sparse: NewCOO: negative capacity -1"},
		{"Identity negative", func() { Identity(-1) }, "sparse: Identity: invalid size -1"},
		{"Laplacian1D negative", func() { Laplacian1D(-1) }, "sparse: Laplacian1D: invalid size -1"},
		{"COO.Entry range", func() { c.Entry(1) }, "sparse: COO.Entry: index 1 out of range [0, 1)"},
		// An in-place product's parallel blocks would read entries of x
		// already overwritten: a result that depends on GOMAXPROCS.
		{"MulVecTo in place", func() { x := []float64{1, 2}; Identity(2).MulVecTo(x, x) }, "sparse: MulVecTo: dst and x share memory"},
		{"MulVecTo overlapping", func() { x := make([]float64, 3); Identity(2).MulVecTo(x[1:], x[:2]) }, "sparse: MulVecTo: dst and x share memory"},
		// The transposed product clears dst before it reads x: in place,
		// it returned zeros without a word.
		{"MulVecTransTo in place", func() { x := []float64{1, 2}; Identity(2).MulVecTransTo(x, x) }, "sparse: MulVecTransTo: dst and x share memory"},
		{"MulVecTransTo overlapping", func() { x := make([]float64, 3); Identity(2).MulVecTransTo(x[1:], x[:2]) }, "sparse: MulVecTransTo: dst and x share memory"},
		{"CSC.MulVecTo in place", func() { x := []float64{1, 2}; Identity(2).ToCSC().MulVecTo(x, x) }, "sparse: CSC.MulVecTo: dst and x share memory"},
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
}
