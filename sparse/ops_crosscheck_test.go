package sparse

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// crossShape is one random test matrix: r×c, about dens·r·c appended
// entries (duplicates summed, every seventh an explicit zero), plus one
// full row (skew: a row far longer than the others, which the parallel
// splits must balance) or, with emptyLines, every third row and every
// fourth column left empty.
type crossShape struct {
	r, c       int
	dens       float64
	fullRow    bool
	emptyLines bool
}

func (s crossShape) String() string {
	return fmt.Sprintf("%d×%d dens %g full row %t empty lines %t", s.r, s.c, s.dens, s.fullRow, s.emptyLines)
}

func crossMatrix(t *testing.T, rng *rand.Rand, s crossShape) *CSR {
	t.Helper()
	b := NewCOO(s.r, s.c, 0)
	if s.r == 0 || s.c == 0 {
		return b.ToCSR()
	}
	for k := int(s.dens * float64(s.r*s.c)); k > 0; k-- {
		i, j := rng.IntN(s.r), rng.IntN(s.c)
		if s.emptyLines && (i%3 == 1 || j%4 == 2) {
			continue
		}
		v := rng.NormFloat64()
		if k%7 == 0 {
			v = 0
		}
		b.Append(i, j, v)
	}
	if s.fullRow {
		i := rng.IntN(s.r)
		for j := 0; j < s.c; j++ {
			b.Append(i, j, rng.NormFloat64())
		}
	}
	a := b.ToCSR()
	if err := validate(a); err != nil {
		t.Fatalf("%v: %v", s, err)
	}
	return a
}

// crossDense is the dense reference of a, as rows of float64.
func crossDense(t *testing.T, a *CSR) [][]float64 {
	t.Helper()
	r, c := a.Dims()
	d := make([][]float64, r)
	for i := range d {
		d[i] = make([]float64, c)
		ind, val := a.Row(i)
		for k, j := range ind {
			d[i][j] = val[k]
		}
	}
	return d
}

func crossVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// crossClose compares a computed sum with the reference to a relative
// 1e-12 of the sum of the moduli of its terms.
func crossClose(got, want, absSum float64) bool {
	return got == want || math.Abs(got-want) <= 1e-12*absSum
}

func crossSameBits(a, b *CSR) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	ap, ai, av := a.Raw()
	bp, bi, bv := b.Raw()
	if ar != br || ac != bc || len(ai) != len(bi) {
		return false
	}
	for i := range ap {
		if ap[i] != bp[i] {
			return false
		}
	}
	for k := range ai {
		if ai[k] != bi[k] || math.Float64bits(av[k]) != math.Float64bits(bv[k]) {
			return false
		}
	}
	return true
}

var crossShapes = []crossShape{
	{0, 0, 0, false, false}, {0, 5, 0, false, false}, {5, 0, 0, false, false},
	{1, 1, 1, false, false}, {1, 9, 0.5, false, false}, {9, 1, 0.5, false, false},
	{7, 7, 0.4, false, true}, {13, 6, 1.5, false, false}, {6, 13, 0.3, true, false},
	{64, 3, 0.2, true, false}, {3, 200, 0.05, false, false}, {50, 3000, 0.003, false, true},
	// Parallel paths: MulVecTo from 2¹⁴ entries, the others from 2¹⁵.
	{180, 170, 0.9, true, false}, {2000, 40, 0.7, true, false},
}

// TestStructureOpsAgainstDense checks T, ToCSC and back, CSC.At, ToDense,
// FromDense, Add (values and the union pattern), ScaleRows/ScaleCols/
// Scale, Diagonal, DiagonalInfo, the norms and the symmetry predicates
// against dense references, on degenerate and skewed shapes.
func TestStructureOpsAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 7))
	for _, s := range crossShapes {
		A := crossMatrix(t, rng, s)
		D := crossDense(t, A)
		r, c := A.Dims()
		T := A.T()
		if err := validate(T); err != nil || T.NNZ() != A.NNZ() {
			t.Fatalf("%v: T: %v, %d stored, want %d", s, err, T.NNZ(), A.NNZ())
		}
		C := A.ToCSC()
		if !crossSameBits(C.ToCSR(), A) {
			t.Fatalf("%v: ToCSC().ToCSR() differs from A", s)
		}
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				stored := A.find(i, j) >= 0
				if (T.find(j, i) >= 0) != stored || T.At(j, i) != D[i][j] || C.At(i, j) != D[i][j] {
					t.Fatalf("%v: (%d,%d): T %v, CSC %v, want %v", s, i, j, T.At(j, i), C.At(i, j), D[i][j])
				}
			}
		}
		if r > 0 && c > 0 {
			Dm := A.ToDense()
			nonzero := 0
			for i := range D {
				for j := range D[i] {
					if Dm.At(i, j) != D[i][j] {
						t.Fatalf("%v: ToDense(%d,%d) = %v, want %v", s, i, j, Dm.At(i, j), D[i][j])
					}
					if D[i][j] != 0 {
						nonzero++
					}
				}
			}
			if n := FromDense(Dm, 0).NNZ(); n != nonzero {
				t.Fatalf("%v: FromDense(0) kept %d, want %d", s, n, nonzero)
			}
			if n := FromDense(Dm, -1).NNZ(); n != r*c {
				t.Fatalf("%v: FromDense(-1) kept %d, want %d", s, n, r*c)
			}
		} else if A.ToDense() != nil {
			t.Fatalf("%v: ToDense of an empty shape is not nil", s)
		}

		// Norms, Diagonal and DiagonalInfo.
		var n1, ninf, fro, maxAbs float64
		for j := 0; j < c; j++ {
			sum := 0.0
			for i := 0; i < r; i++ {
				sum += math.Abs(D[i][j])
			}
			n1 = max(n1, sum)
		}
		for i := 0; i < r; i++ {
			sum := 0.0
			for j := 0; j < c; j++ {
				sum += math.Abs(D[i][j])
				fro += D[i][j] * D[i][j]
				maxAbs = max(maxAbs, math.Abs(D[i][j]))
			}
			ninf = max(ninf, sum)
		}
		fro = math.Sqrt(fro)
		if !crossClose(A.Norm1(), n1, n1) || !crossClose(A.NormInf(), ninf, ninf) || !crossClose(A.NormFrob(), fro, fro) || A.MaxAbs() != maxAbs {
			t.Fatalf("%v: norms 1 %v ∞ %v F %v max %v, want %v %v %v %v", s, A.Norm1(), A.NormInf(), A.NormFrob(), A.MaxAbs(), n1, ninf, fro, maxAbs)
		}
		want := DiagInfo{FirstMissing: -1, FirstZero: -1}
		diag := A.Diagonal(nil)
		for i := 0; i < min(r, c); i++ {
			if diag[i] != D[i][i] {
				t.Fatalf("%v: Diagonal[%d] = %v, want %v", s, i, diag[i], D[i][i])
			}
			// Stored or not by a linear scan of the row (DiagonalInfo
			// searches it), zero or not from the dense reference.
			stored := false
			for k := A.indptr[i]; k < A.indptr[i+1]; k++ {
				stored = stored || int(A.ind[k]) == i
			}
			if !stored {
				want.Missing++
				if want.FirstMissing < 0 {
					want.FirstMissing = i
				}
			} else if D[i][i] == 0 {
				want.Zero++
				if want.FirstZero < 0 {
					want.FirstZero = i
				}
			}
		}
		if got := A.DiagonalInfo(); got != want {
			t.Fatalf("%v: DiagonalInfo %+v, want %+v", s, got, want)
		}

		// Add: values and the union of the patterns (cancellations kept).
		B := crossMatrix(t, rng, crossShape{r, c, s.dens, !s.fullRow, s.emptyLines})
		DB := crossDense(t, B)
		al, be := rng.NormFloat64(), rng.NormFloat64()
		S := Add(al, A, be, B)
		if err := validate(S); err != nil {
			t.Fatalf("%v: Add: %v", s, err)
		}
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				w := al*D[i][j] + be*DB[i][j]
				if !crossClose(S.At(i, j), w, math.Abs(al*D[i][j])+math.Abs(be*DB[i][j])) {
					t.Fatalf("%v: Add(%d,%d) = %v, want %v", s, i, j, S.At(i, j), w)
				}
				if (S.find(i, j) >= 0) != (A.find(i, j) >= 0 || B.find(i, j) >= 0) {
					t.Fatalf("%v: Add pattern at (%d,%d)", s, i, j)
				}
			}
		}

		// Scaling, entry by entry (each value is multiplied in this order).
		dr, dc := crossVec(rng, r), crossVec(rng, c)
		E := A.Clone()
		E.ScaleRows(dr)
		E.ScaleCols(dc)
		E.Scale(-2)
		for i := 0; i < r; i++ {
			ind, val := E.Row(i)
			for k, j := range ind {
				if w := D[i][j] * dr[i] * dc[j] * -2; val[k] != w {
					t.Fatalf("%v: scaled (%d,%d) = %v, want %v", s, i, j, val[k], w)
				}
			}
		}

		// Symmetry predicates on A, A+Aᵀ and A−Aᵀ.
		if r == c {
			sym := true
			for i := 0; i < r; i++ {
				for j := 0; j < i; j++ {
					sym = sym && D[i][j] == D[j][i]
				}
			}
			if A.IsSymmetric(0) != sym {
				t.Fatalf("%v: IsSymmetric(0) = %t, want %t", s, A.IsSymmetric(0), sym)
			}
			if P, K := Add(1, A, 1, T), Add(1, A, -1, T); !P.IsSymmetric(0) || !P.IsPatternSymmetric() || !K.IsSkewSymmetric(0) {
				t.Fatalf("%v: A±Aᵀ not found (skew-)symmetric", s)
			}
		} else if A.IsSymmetric(0) || A.IsPatternSymmetric() || A.IsSkewSymmetric(1) {
			t.Fatalf("%v: a non-square matrix reported symmetric", s)
		}
	}
}

// TestProductsAgainstDense checks MulVecTo, MulVecTransTo, MulDenseTo (into
// and from strided views of larger matrices, whose other elements must be
// left alone) and Mul (values and the structural pattern, cancellations
// kept) against dense references under GOMAXPROCS 1 and 2, and MulVecTo,
// MulDenseTo and Mul bit for bit across GOMAXPROCS, as documented.
func TestProductsAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 8))
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	procs := []int{1, 2}
	for _, s := range crossShapes {
		A := crossMatrix(t, rng, s)
		D := crossDense(t, A)
		r, c := A.Dims()
		x, y := crossVec(rng, c), crossVec(rng, r)
		var ax, aty [2][]float64
		for p, n := range procs {
			runtime.GOMAXPROCS(n)
			ax[p], aty[p] = make([]float64, r), make([]float64, c)
			for i := range ax[p] {
				ax[p][i] = math.NaN()
			}
			for j := range aty[p] {
				aty[p][j] = math.NaN()
			}
			A.MulVecTo(ax[p], x)
			A.MulVecTransTo(aty[p], y)
		}
		runtime.GOMAXPROCS(old)
		for i := 0; i < r; i++ {
			sum, abs := 0.0, 0.0
			for j := 0; j < c; j++ {
				sum += D[i][j] * x[j]
				abs += math.Abs(D[i][j] * x[j])
			}
			if !crossClose(ax[0][i], sum, abs) || math.Float64bits(ax[0][i]) != math.Float64bits(ax[1][i]) {
				t.Fatalf("%v: (A·x)[%d] = %v (GOMAXPROCS 1), %v (2), want %v", s, i, ax[0][i], ax[1][i], sum)
			}
		}
		for j := 0; j < c; j++ {
			sum, abs := 0.0, 0.0
			for i := 0; i < r; i++ {
				sum += D[i][j] * y[i]
				abs += math.Abs(D[i][j] * y[i])
			}
			for p := range procs {
				if !crossClose(aty[p][j], sum, abs) {
					t.Fatalf("%v: (Aᵀ·y)[%d] = %v under GOMAXPROCS %d, want %v", s, j, aty[p][j], procs[p], sum)
				}
			}
		}

		if r > 0 && c > 0 {
			for _, k := range []int{1, 3} {
				big := mat.NewDense(c+2, k+3, crossVec(rng, (c+2)*(k+3)))
				X := big.Slice(1, c+1, 2, 2+k).(*mat.Dense)
				var out [2]*mat.Dense
				for p, n := range procs {
					runtime.GOMAXPROCS(n)
					nan := make([]float64, (r+1)*(k+2))
					for i := range nan {
						nan[i] = math.NaN()
					}
					host := mat.NewDense(r+1, k+2, nan)
					out[p] = host.Slice(1, r+1, 1, 1+k).(*mat.Dense)
					A.MulDenseTo(out[p], X)
					for i := 0; i < r+1; i++ {
						for j := 0; j < k+2; j++ {
							inside := i >= 1 && j >= 1 && j < 1+k
							if v := host.At(i, j); !inside && !math.IsNaN(v) {
								t.Fatalf("%v: MulDenseTo k=%d wrote %v at (%d,%d) outside dst", s, k, v, i, j)
							}
						}
					}
				}
				runtime.GOMAXPROCS(old)
				for i := 0; i < r; i++ {
					for q := 0; q < k; q++ {
						sum, abs := 0.0, 0.0
						for j := 0; j < c; j++ {
							sum += D[i][j] * X.At(j, q)
							abs += math.Abs(D[i][j] * X.At(j, q))
						}
						g0, g1 := out[0].At(i, q), out[1].At(i, q)
						if !crossClose(g0, sum, abs) || math.Float64bits(g0) != math.Float64bits(g1) {
							t.Fatalf("%v: (A·X)[%d,%d] (k=%d) = %v (GOMAXPROCS 1), %v (2), want %v", s, i, q, k, g0, g1, sum)
						}
					}
				}
			}
		}

		for _, bc := range []int{0, 1, 45} {
			B := crossMatrix(t, rng, crossShape{c, bc, s.dens, s.fullRow, false})
			var P [2]*CSR
			for p, n := range procs {
				runtime.GOMAXPROCS(n)
				P[p] = Mul(A, B)
			}
			runtime.GOMAXPROCS(old)
			if err := validate(P[0]); err != nil {
				t.Fatalf("%v times %d columns: %v", s, bc, err)
			}
			if !crossSameBits(P[0], P[1]) {
				t.Fatalf("%v times %d columns: Mul depends on GOMAXPROCS", s, bc)
			}
			sum, abs := make(map[int32]float64), make(map[int32]float64)
			for i := 0; i < r; i++ {
				clear(sum)
				clear(abs)
				ai, av := A.Row(i)
				for t2, k := range ai {
					bi, bv := B.Row(int(k))
					for u, j := range bi {
						sum[j] += av[t2] * bv[u] // a structural zero is stored too
						abs[j] += math.Abs(av[t2] * bv[u])
					}
				}
				pi, pv := P[0].Row(i)
				if len(pi) != len(sum) {
					t.Fatalf("%v times %d columns: row %d has %d entries, structural product %d", s, bc, i, len(pi), len(sum))
				}
				for q, j := range pi {
					if w, ok := sum[j]; !ok || !crossClose(pv[q], w, abs[j]) {
						t.Fatalf("%v times %d columns: C[%d,%d] = %v, want %v (stored %t)", s, bc, i, j, pv[q], w, ok)
					}
				}
			}
		}
	}
}
