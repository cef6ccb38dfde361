package sparse

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/linop"
)

// randomCOO returns an r×c builder with about density·r·c entries drawn
// with a fixed seed, including duplicates and some explicit zeros.
func randomCOO(t testing.TB, r, c int, density float64, seed uint64) *COO {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	n := int(density * float64(r*c))
	m := NewCOO(r, c, n)
	for k := 0; k < n; k++ {
		v := rng.NormFloat64()
		if k%17 == 0 {
			v = 0 // explicit zero
		}
		m.Append(rng.IntN(r), rng.IntN(c), v)
	}
	return m
}

// denseOfCOO sums the builder's entries into a dense matrix: the
// independent reference for ToCSR.
func denseOfCOO(t testing.TB, m *COO) *mat.Dense {
	t.Helper()
	r, c := m.Dims()
	d := mat.NewDense(r, c, nil)
	for k := 0; k < m.Len(); k++ {
		i, j, v := m.Entry(k)
		d.Set(i, j, d.At(i, j)+v)
	}
	return d
}

func TestNewCSRValidates(t *testing.T) {
	tests := []struct {
		name   string
		r, c   int
		indptr []int
		ind    []int32
		val    []float64
		want   string
	}{
		{"negative dims", -1, 2, []int{0}, nil, nil, "invalid dimensions"},
		{"short indptr", 2, 2, []int{0, 1}, []int32{0}, []float64{1}, "row pointer length"},
		{"nonzero start", 1, 2, []int{1, 1}, []int32{0}, []float64{1}, "starts at 1"},
		{"ind/val mismatch", 1, 2, []int{0, 1}, []int32{0}, []float64{1, 2}, "1 column indices but 2 values"},
		{"last pointer", 1, 2, []int{0, 2}, []int32{0}, []float64{1}, "last row pointer"},
		{"pointer beyond nnz", 2, 2, []int{0, 2, 1}, []int32{0}, []float64{1}, "exceeds nnz"},
		{"decreasing mid", 3, 2, []int{0, 2, 1, 2}, []int32{0, 1}, []float64{1, 1}, "decrease at row 1"},
		{"col out of range", 1, 2, []int{0, 1}, []int32{2}, []float64{1}, "out of range"},
		{"negative col", 1, 2, []int{0, 1}, []int32{-1}, []float64{1}, "out of range"},
		{"unsorted", 1, 3, []int{0, 2}, []int32{2, 1}, []float64{1, 1}, "not strictly increasing"},
		{"duplicate", 1, 3, []int{0, 2}, []int32{1, 1}, []float64{1, 1}, "not strictly increasing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCSR(tt.r, tt.c, tt.indptr, tt.ind, tt.val)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewCSR error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	a, err := NewCSR(2, 3, []int{0, 2, 3}, []int32{0, 2, 1}, []float64{1, 0, 5})
	if err != nil {
		t.Fatal(err)
	}
	if a.NNZ() != 3 || a.At(0, 2) != 0 || a.At(1, 1) != 5 || a.At(1, 0) != 0 {
		t.Fatalf("unexpected matrix: nnz %d", a.NNZ())
	}
}

func TestCOOToCSR(t *testing.T) {
	for _, sz := range []struct{ r, c int }{{0, 0}, {1, 1}, {3, 7}, {7, 3}, {40, 40}, {200, 150}} {
		m := randomCOO(t, sz.r, sz.c, 0.2, uint64(sz.r*1000+sz.c))
		a := m.ToCSR()
		if err := validate(a); err != nil {
			t.Fatalf("%d×%d: invariants broken: %v", sz.r, sz.c, err)
		}
		if sz.r == 0 || sz.c == 0 {
			continue
		}
		want := denseOfCOO(t, m)
		if !mat.Equal(a.ToDense(), want) {
			t.Fatalf("%d×%d: ToCSR differs from summed triplets", sz.r, sz.c)
		}
	}
}

func TestCOOKeepsExplicitZerosAndSumsDuplicates(t *testing.T) {
	m := NewCOO(2, 2, 4)
	m.Append(1, 1, 2)
	m.Append(0, 0, 0) // explicit zero: stored
	m.Append(1, 1, 3) // duplicate: summed
	m.Append(0, 1, 1)
	m.Append(0, 1, -1) // duplicates cancelling: stored zero, as SciPy's sum_duplicates
	a := m.ToCSR()
	if a.NNZ() != 3 {
		t.Fatalf("nnz = %d, want 3", a.NNZ())
	}
	if a.At(1, 1) != 5 || a.At(0, 0) != 0 || a.find(0, 0) < 0 || a.find(0, 1) < 0 {
		t.Fatal("explicit zero dropped or duplicate not summed")
	}
}

// validate re-checks a CSR's invariants through NewCSR.
func validate(a *CSR) error {
	p, i, v := a.Raw()
	_, err := NewCSR(a.rows, a.cols, p, i, v)
	return err
}

func TestMulVec(t *testing.T) {
	for _, tc := range []struct {
		r, c    int
		density float64
	}{
		{0, 0, 0}, {1, 1, 1}, {5, 3, 0.5}, {3, 5, 0.5}, {100, 80, 0.05},
		{3000, 2500, 0.01}, // above ParallelMinNNZ: parallel path
		{1000, 900, 0.02},  // ~18 000 entries: MulVecTo parallel, MulVecTransTo serial
	} {
		m := randomCOO(t, tc.r, tc.c, tc.density, 7)
		a := m.ToCSR()
		rng := rand.New(rand.NewPCG(3, 4))
		x := make([]float64, tc.c)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		xt := make([]float64, tc.r)
		for i := range xt {
			xt[i] = rng.NormFloat64()
		}
		y := make([]float64, tc.r)
		yt := make([]float64, tc.c)
		a.MulVecTo(y, x)
		a.MulVecTransTo(yt, xt)
		if tc.r == 0 || tc.c == 0 {
			continue
		}
		d := denseOfCOO(t, m)
		var want, wantT mat.VecDense
		want.MulVec(d, mat.NewVecDense(tc.c, x))
		wantT.MulVec(d.T(), mat.NewVecDense(tc.r, xt))
		// Tolerance: sums of ≤ a few hundred products of O(1) values,
		// reordered; 1e-12 relative to the row's scale is ample.
		for i := range y {
			if math.Abs(y[i]-want.AtVec(i)) > 1e-12*(1+math.Abs(want.AtVec(i))) {
				t.Fatalf("%d×%d: (Ax)[%d] = %v, want %v", tc.r, tc.c, i, y[i], want.AtVec(i))
			}
		}
		for i := range yt {
			if math.Abs(yt[i]-wantT.AtVec(i)) > 1e-12*(1+math.Abs(wantT.AtVec(i))) {
				t.Fatalf("%d×%d: (Aᵀx)[%d] = %v, want %v", tc.r, tc.c, i, yt[i], wantT.AtVec(i))
			}
		}
		// The CSC form and the explicit transpose agree.
		y2 := make([]float64, tc.r)
		a.ToCSC().MulVecTo(y2, x)
		yt2 := make([]float64, tc.c)
		a.T().MulVecTo(yt2, xt)
		for i := range y {
			if math.Abs(y2[i]-y[i]) > 1e-12*(1+math.Abs(y[i])) {
				t.Fatalf("CSC product differs at %d", i)
			}
		}
		for i := range yt {
			if math.Abs(yt2[i]-yt[i]) > 1e-12*(1+math.Abs(yt[i])) {
				t.Fatalf("T() product differs at %d", i)
			}
		}
	}
}

// TestMulVecIndependentOfProcs checks the product is bit-identical for any
// GOMAXPROCS: every row is summed in the same order whatever the split.
func TestMulVecIndependentOfProcs(t *testing.T) {
	// 300²: far above ParallelMinNNZ; 80²: 31 680 entries, split only
	// from mulVecParallelMinNNZ.
	for _, g := range []int{300, 80} {
		a := Laplacian2D(g, g)
		if g == 80 && (a.NNZ() < mulVecParallelMinNNZ || a.NNZ() >= ParallelMinNNZ) {
			t.Fatalf("80² Laplacian has %d entries, not between the thresholds", a.NNZ())
		}
		x := make([]float64, g*g)
		rng := rand.New(rand.NewPCG(1, 1))
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		old := runtime.GOMAXPROCS(0)
		var ref []float64
		for _, p := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(p)
			y := make([]float64, len(x))
			a.MulVecTo(y, x)
			if ref == nil {
				ref = y
				continue
			}
			for i := range y {
				if y[i] != ref[i] {
					runtime.GOMAXPROCS(old)
					t.Fatalf("%d²: GOMAXPROCS=%d: y[%d] = %v, with 1 proc %v", g, p, i, y[i], ref[i])
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestMulVecAllocs(t *testing.T) {
	a := Laplacian2D(200, 200) // 200k entries: parallel path
	x := make([]float64, 40000)
	y := make([]float64, 40000)
	for i := range x {
		x[i] = 1
	}
	a.MulVecTo(y, x) // warm the worker pool and job pools
	a.MulVecTransTo(y, x)
	if n := testing.AllocsPerRun(50, func() { a.MulVecTo(y, x) }); n != 0 {
		t.Errorf("MulVecTo allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(50, func() { a.MulVecTransTo(y, x) }); n != 0 {
		t.Errorf("MulVecTransTo allocates %v times per call", n)
	}
}

func TestMulDenseToAllocs(t *testing.T) {
	for _, g := range []int{20, 200} { // serial and parallel paths
		a := Laplacian2D(g, g)
		x := mat.NewDense(g*g, 4, nil)
		y := mat.NewDense(g*g, 4, nil)
		a.MulDenseTo(y, x) // warm the worker pool and job pool
		if n := testing.AllocsPerRun(50, func() { a.MulDenseTo(y, x) }); n != 0 {
			t.Errorf("grid %d: MulDenseTo allocates %v times per call", g, n)
		}
	}
}

func TestMulVecPanicsOnMismatch(t *testing.T) {
	a := Laplacian2D(3, 3)
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "sparse: MulVecTo") {
			t.Fatalf("panic = %v, want a sparse: MulVecTo message", r)
		}
	}()
	a.MulVecTo(make([]float64, 9), make([]float64, 8))
}

// MulRowsTo computes exactly MulVecTo's entries on its rows and leaves the
// others alone; bad lengths and ranges panic with a sparse: message.
func TestMulRowsTo(t *testing.T) {
	// Rows of 1 to 9 entries exercise the unrolled loop and its tail.
	c := NewCOO(7, 9, 0)
	for i := 0; i < 7; i++ {
		for j := 0; j <= i+2 && j < 9; j++ {
			c.Append(i, j, float64(3*i-j)+0.25)
		}
	}
	a := c.ToCSR()
	x := []float64{1.5, -2, 0.5, 3, -1, 2.25, 4, -0.75, 1}
	want := make([]float64, 7)
	a.MulVecTo(want, x)
	for _, r := range [][2]int{{0, 7}, {2, 5}, {6, 7}, {3, 3}} {
		got := []float64{99, 99, 99, 99, 99, 99, 99}
		a.MulRowsTo(got, x, r[0], r[1])
		for i := range got {
			in := i >= r[0] && i < r[1]
			if in && got[i] != want[i] || !in && got[i] != 99 {
				t.Errorf("rows %v: dst[%d] = %v (MulVecTo: %v)", r, i, got[i], want[i])
			}
		}
	}
	for _, f := range []func(){
		func() { a.MulRowsTo(make([]float64, 7), x[:8], 0, 7) },
		func() { a.MulRowsTo(make([]float64, 7), x, 5, 4) },
		func() { a.MulRowsTo(make([]float64, 7), x, 0, 8) },
		func() { a.MulRowsTo(make([]float64, 7), x, -1, 2) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "sparse: MulRowsTo") {
					t.Errorf("panic = %v, want a sparse: MulRowsTo message", r)
				}
			}()
			f()
		}()
	}
}

func TestLaplacian2D(t *testing.T) {
	// Reference: kron(I, T) + kron(T, I) built densely.
	nx, ny := 4, 3
	tri := func(n int) *mat.Dense {
		d := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			d.Set(i, i, 2)
			if i > 0 {
				d.Set(i, i-1, -1)
				d.Set(i-1, i, -1)
			}
		}
		return d
	}
	eye := func(n int) *mat.Dense {
		d := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			d.Set(i, i, 1)
		}
		return d
	}
	var k1, k2, want mat.Dense
	k1.Kronecker(eye(ny), tri(nx))
	k2.Kronecker(tri(ny), eye(nx))
	want.Add(&k1, &k2)
	if got := Laplacian2D(nx, ny).ToDense(); !mat.Equal(got, &want) {
		t.Fatalf("Laplacian2D(4,3) =\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(&want))
	}
	if got, want := Laplacian1D(4).ToDense(), tri(4); !mat.Equal(got, want) {
		t.Fatal("Laplacian1D(4) is not tridiag(-1,2,-1)")
	}
	if !Laplacian2D(5, 6).IsSymmetric(0) {
		t.Fatal("Laplacian2D not symmetric")
	}
}

func TestOps(t *testing.T) {
	m := randomCOO(t, 30, 20, 0.2, 11)
	a := m.ToCSR()
	d := denseOfCOO(t, m)

	if !mat.Equal(a.T().ToDense(), d.T()) {
		t.Fatal("T() wrong")
	}
	if !mat.Equal(FromDense(d, 0).ToDense(), d) {
		t.Fatal("FromDense/ToDense round trip")
	}
	if got := FromDense(mat.NewDense(2, 2, []float64{0, 1, 0, 0}), -1).NNZ(); got != 4 {
		t.Fatalf("FromDense(-1) kept %d entries, want 4", got)
	}

	// Diagonal and scaling against dense arithmetic.
	diag := a.Diagonal(nil)
	for i := range diag {
		if diag[i] != d.At(i, i) {
			t.Fatalf("Diagonal[%d] = %v, want %v", i, diag[i], d.At(i, i))
		}
	}
	rs := make([]float64, 30)
	cs := make([]float64, 20)
	for i := range rs {
		rs[i] = float64(i + 1)
	}
	for j := range cs {
		cs[j] = 1 / float64(j+2)
	}
	b := a.Clone()
	b.ScaleRows(rs)
	b.ScaleCols(cs)
	var want mat.Dense
	want.Mul(mat.NewDiagDense(30, rs), d)
	want.Mul(&want, mat.NewDiagDense(20, cs))
	if !mat.EqualApprox(b.ToDense(), &want, 1e-14) {
		t.Fatal("ScaleRows/ScaleCols wrong")
	}
	if !mat.Equal(a.ToDense(), d) {
		t.Fatal("Clone shares storage")
	}

	// Add against dense.
	m2 := randomCOO(t, 30, 20, 0.1, 12)
	s := Add(2, a, -3, m2.ToCSR())
	if err := validate(s); err != nil {
		t.Fatal(err)
	}
	var wantAdd, tmp mat.Dense
	wantAdd.Scale(2, d)
	tmp.Scale(-3, denseOfCOO(t, m2))
	wantAdd.Add(&wantAdd, &tmp)
	if !mat.EqualApprox(s.ToDense(), &wantAdd, 1e-14) {
		t.Fatal("Add wrong")
	}

	// Norms against gonum.
	if got, want := a.NormFrob(), mat.Norm(d, 2); math.Abs(got-want) > 1e-12*want {
		t.Fatalf("NormFrob = %v, want %v", got, want)
	}
	// Scaled far up and down, the norm scales with the entries: no
	// overflow of the squares above 1e154, no underflow below 1e-154.
	for _, scale := range []float64{1e200, 1e-200} {
		as := a.Clone()
		as.Scale(scale)
		if got, want := as.NormFrob(), scale*mat.Norm(d, 2); math.Abs(got-want) > 1e-12*want {
			t.Fatalf("NormFrob of a·%g = %v, want %v", scale, got, want)
		}
	}
	if got, want := a.Norm1(), mat.Norm(d, 1); math.Abs(got-want) > 1e-12*want {
		t.Fatalf("Norm1 = %v, want %v", got, want)
	}
	if got, want := a.NormInf(), mat.Norm(d, math.Inf(1)); math.Abs(got-want) > 1e-12*want {
		t.Fatalf("NormInf = %v, want %v", got, want)
	}
}

// Norm1 of a wide, very sparse matrix (more columns than 4·nnz + 64)
// takes the sorted path, without a value per column, and gives exactly
// the dense path's sums (same order of summation); checked against gonum.
func TestNorm1Wide(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, tc := range []struct{ rows, cols, nnz int }{
		{3, 5000, 40},   // sorted path, repeated columns
		{50, 400, 4000}, // dense path (for comparison)
		{1, 100, 0},     // empty: 0
	} {
		c := NewCOO(tc.rows, tc.cols, tc.nnz)
		for k := 0; k < tc.nnz; k++ {
			c.Append(rng.IntN(tc.rows), rng.IntN(min(tc.cols, 30)), rng.NormFloat64())
		}
		a := c.ToCSR()
		got := a.Norm1()
		if want := mat.Norm(a.ToDense(), 1); math.Abs(got-want) > 1e-12*want {
			t.Errorf("%d×%d, %d entries: Norm1 = %v, gonum %v", tc.rows, tc.cols, a.NNZ(), got, want)
		}
		if tc.cols > 4*a.NNZ()+64 {
			// The two paths agree to the last bit.
			cs := make([]float64, tc.cols)
			_, ind, val := a.Raw()
			for k, j := range ind {
				cs[j] += math.Abs(val[k])
			}
			if want := slices.Max(cs); got != want {
				t.Errorf("%d×%d: sorted path %v, dense path %v", tc.rows, tc.cols, got, want)
			}
		}
	}
}

func TestSymmetryAndDiagonalInfo(t *testing.T) {
	mk := func(entries [][3]float64, n int) *CSR {
		m := NewCOO(n, n, len(entries))
		for _, e := range entries {
			m.Append(int(e[0]), int(e[1]), e[2])
		}
		return m.ToCSR()
	}
	sym := mk([][3]float64{{0, 0, 1}, {0, 1, 2}, {1, 0, 2}, {2, 2, 0}}, 3)
	if !sym.IsSymmetric(0) || !sym.IsPatternSymmetric() || sym.IsSkewSymmetric(0) {
		t.Fatal("symmetric matrix misclassified")
	}
	info := sym.DiagonalInfo()
	if info.Missing != 1 || info.FirstMissing != 1 || info.Zero != 1 || info.FirstZero != 2 {
		t.Fatalf("DiagonalInfo = %+v", info)
	}
	nonsym := mk([][3]float64{{0, 1, 2}, {1, 0, 2.5}}, 2)
	if nonsym.IsSymmetric(0) || !nonsym.IsSymmetric(0.25) || !nonsym.IsPatternSymmetric() {
		t.Fatal("near-symmetric matrix misclassified")
	}
	pattern := mk([][3]float64{{0, 1, 2}}, 2)
	if pattern.IsPatternSymmetric() || pattern.IsSymmetric(0) {
		t.Fatal("one-sided entry counted symmetric")
	}
	skew := mk([][3]float64{{0, 1, 2}, {1, 0, -2}}, 2)
	if !skew.IsSkewSymmetric(0) || skew.IsSymmetric(0) {
		t.Fatal("skew-symmetric matrix misclassified")
	}
	rect := NewCOO(2, 3, 0).ToCSR()
	if rect.IsSymmetric(0) || rect.IsPatternSymmetric() {
		t.Fatal("rectangular matrix reported symmetric")
	}
}

func TestCheckFinite(t *testing.T) {
	m := NewCOO(2, 2, 2)
	m.Append(0, 0, 1)
	m.Append(1, 0, math.Inf(-1))
	err := m.ToCSR().CheckFinite()
	if err == nil || !strings.Contains(err.Error(), "(1,0)") {
		t.Fatalf("CheckFinite = %v, want an error naming (1,0)", err)
	}
	if err := Laplacian2D(3, 3).CheckFinite(); err != nil {
		t.Fatal(err)
	}
}

func TestZeroValueCSR(t *testing.T) {
	var a CSR
	r, c := a.Dims()
	if r != 0 || c != 0 || a.NNZ() != 0 {
		t.Fatal("zero CSR not empty")
	}
	a.MulVecTo(nil, nil)
	a.MulVecTransTo(nil, nil)
	if a.Clone().NNZ() != 0 || a.T().NNZ() != 0 {
		t.Fatal("zero CSR clone/transpose")
	}
}

func TestNewCSC(t *testing.T) {
	// 3×2 matrix [[1,0],[0,2],[3,0]] in CSC form.
	a, err := NewCSC(3, 2, []int{0, 2, 3}, []int32{0, 2, 1}, []float64{1, 3, 2})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := a.Dims(); r != 3 || c != 2 {
		t.Fatalf("dims %d×%d", r, c)
	}
	want := mat.NewDense(3, 2, []float64{1, 0, 0, 2, 3, 0})
	if !mat.Equal(a.ToCSR().ToDense(), want) || a.At(2, 0) != 3 {
		t.Fatal("CSC contents wrong")
	}
	if _, err := NewCSC(3, 2, []int{0, 1, 2}, []int32{0, 3}, []float64{1, 1}); err == nil {
		t.Fatal("row index 3 of a 3-row CSC accepted")
	}
}

// TestCSCAgainstDense checks every CSC method against the dense matrix it
// stands for, on random rectangular matrices built both from a COO (with
// duplicates) and from a CSR, with a product large enough to run in
// parallel.
func TestCSCAgainstDense(t *testing.T) {
	for _, tc := range []struct {
		r, c    int
		density float64
	}{{7, 4, 0.4}, {3, 9, 0.5}, {600, 500, 0.15}} { // the last above ParallelMinNNZ
		coo := randomCOO(t, tc.r, tc.c, tc.density, uint64(tc.r))
		D := denseOfCOO(t, coo)
		for name, a := range map[string]*CSC{"COO.ToCSC": coo.ToCSC(), "CSR.ToCSC": coo.ToCSR().ToCSC()} {
			t.Run(fmt.Sprintf("%d×%d %s", tc.r, tc.c, name), func(t *testing.T) {
				if r, c := a.Dims(); r != tc.r || c != tc.c {
					t.Fatalf("Dims %d×%d", r, c)
				}
				if a.NNZ() != coo.ToCSR().NNZ() {
					t.Errorf("NNZ %d, CSR has %d", a.NNZ(), coo.ToCSR().NNZ())
				}
				indptr, ind, val := a.Raw()
				if len(indptr) != tc.c+1 || indptr[tc.c] != a.NNZ() || len(ind) != a.NNZ() || len(val) != a.NNZ() {
					t.Fatalf("Raw lengths %d, %d, %d", len(indptr), len(ind), len(val))
				}
				got := mat.NewDense(tc.r, tc.c, nil)
				for j := range tc.c {
					rows, vals := a.Col(j)
					for k, i := range rows {
						if k > 0 && rows[k-1] >= i {
							t.Fatalf("column %d: row indices not increasing", j)
						}
						got.Set(int(i), j, vals[k])
					}
				}
				if !mat.Equal(got, D) {
					t.Fatal("columns differ from the dense matrix")
				}
				for _, ij := range [][2]int{{0, 0}, {tc.r - 1, tc.c - 1}, {tc.r / 2, tc.c / 3}} {
					if a.At(ij[0], ij[1]) != D.At(ij[0], ij[1]) {
						t.Errorf("At%v = %v, want %v", ij, a.At(ij[0], ij[1]), D.At(ij[0], ij[1]))
					}
				}
				if !mat.Equal(a.T().ToDense(), D.T()) || !mat.Equal(a.ToCSR().ToDense(), D) {
					t.Error("T or ToCSR differs from the dense matrix")
				}

				x, y := make([]float64, tc.c), make([]float64, tc.r)
				for i := range x {
					x[i] = float64(i%7) - 2.5
				}
				for i := range y {
					y[i] = float64(i%5) + 0.5
				}
				var want mat.VecDense
				want.MulVec(D, mat.NewVecDense(tc.c, x))
				var wantT mat.VecDense
				wantT.MulVec(D.T(), mat.NewVecDense(tc.r, y))
				var op linop.Transposer = a
				for _, p := range []struct {
					name       string
					f          func(dst, x []float64)
					in         []float64
					want       *mat.VecDense
					outRows    int
					transposed bool
				}{
					{"MulVecTo", a.MulVecTo, x, &want, tc.r, false},
					{"Apply", op.Apply, x, &want, tc.r, false},
					{"MulVecTransTo", a.MulVecTransTo, y, &wantT, tc.c, true},
					{"ApplyT", op.ApplyT, y, &wantT, tc.c, true},
				} {
					dst := make([]float64, p.outRows)
					for i := range dst {
						dst[i] = math.NaN() // must be overwritten, not accumulated into
					}
					p.f(dst, p.in)
					for i, v := range dst {
						if math.Abs(v-p.want.AtVec(i)) > 1e-12*(1+math.Abs(p.want.AtVec(i))) {
							t.Fatalf("%s: dst[%d] = %v, want %v", p.name, i, v, p.want.AtVec(i))
						}
					}
				}
			})
		}
	}
}

func TestConvectionDiffusion2D(t *testing.T) {
	const nx, ny, p = 4, 3, 0.25
	A := ConvectionDiffusion2D(nx, ny, p)
	L := Laplacian2D(nx, ny)
	if A.NNZ() != L.NNZ() {
		t.Fatalf("pattern differs from the Laplacian's: %d vs %d", A.NNZ(), L.NNZ())
	}
	for i := 0; i < ny; i++ {
		for j := 0; j < nx; j++ {
			r := i*nx + j
			want := map[int]float64{r: 4}
			if j > 0 {
				want[r-1] = -1 - p
			}
			if j < nx-1 {
				want[r+1] = -1 + p
			}
			if i > 0 {
				want[r-nx] = -1 - p
			}
			if i < ny-1 {
				want[r+nx] = -1 + p
			}
			for c := 0; c < nx*ny; c++ {
				if got := A.At(r, c); got != want[c] {
					t.Fatalf("A[%d,%d] = %v, want %v", r, c, got, want[c])
				}
			}
		}
	}
	if A0 := ConvectionDiffusion2D(nx, ny, 0); !A0.IsSymmetric(0) {
		t.Fatal("p = 0 is not the (symmetric) Laplacian")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("NaN Péclet number accepted")
		}
	}()
	ConvectionDiffusion2D(2, 2, math.NaN())
}
