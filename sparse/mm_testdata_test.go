package sparse

import (
	"bytes"
	"encoding/json"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"testing"
)

// mmExpected is one record of testdata/matrices/expected.json, written by
// testdata/matrices/make_expected.py with SciPy's mmread.
type mmExpected struct {
	File   string `json:"file"`
	Header struct {
		Format, Field, Symmetry string
		Rows, Cols, Entries     int
	} `json:"header"`
	Rows, Cols, NNZ  int
	Complex          bool
	Sum              json.RawMessage // float, or [re, im] when complex
	AWSum            json.RawMessage `json:"aw_sum"`
	AWNorm           float64         `json:"aw_norm"`
	SumAbs           float64         `json:"sum_abs"`
	SumSq            float64         `json:"sum_sq"`
	Norm1            float64         `json:"norm_1"`
	NormInf          float64         `json:"norm_inf"`
	NormMax          float64         `json:"norm_max"`
	DiagMissing      int             `json:"diag_missing"`
	DiagZero         int             `json:"diag_zero"`
	Symmetric        bool            `json:"symmetric"`
	PatternSymmetric bool            `json:"pattern_symmetric"`
	Hermitian        bool            `json:"hermitian"`
}

func loadMMExpected(t *testing.T) []mmExpected {
	t.Helper()
	b, err := os.ReadFile("../testdata/matrices/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e []mmExpected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if len(e) == 0 {
		t.Fatal("expected.json is empty")
	}
	return e
}

// complexOf decodes a float or a [re, im] pair.
func complexOf(t *testing.T, m json.RawMessage) complex128 {
	t.Helper()
	var f float64
	if json.Unmarshal(m, &f) == nil {
		return complex(f, 0)
	}
	var p [2]float64
	if err := json.Unmarshal(m, &p); err != nil {
		t.Fatalf("bad number %s", m)
	}
	return complex(p[0], p[1])
}

// TestReadMMTestdata reads every file in testdata/matrices and checks it
// against the values SciPy's mmread gives for the same file. Tolerance:
// sums over at most a few thousand terms taken in a different order than
// SciPy's, so the difference is bounded by about nnz·ε·Σ|terms|; 1e-12
// relative to Σ|a_ij| (times the largest weight, 2, for A·w) is above that
// bound for every file and far below any real error.
func TestReadMMTestdata(t *testing.T) {
	exp := loadMMExpected(t)
	files, _ := filepath.Glob("../testdata/matrices/*.mtx")
	if len(files) != len(exp) {
		t.Fatalf("%d .mtx files but %d records in expected.json: rerun make_expected.py", len(files), len(exp))
	}
	for _, e := range exp {
		t.Run(e.File, func(t *testing.T) {
			m, err := ReadMMFile(filepath.Join("../testdata/matrices", e.File))
			if err != nil {
				t.Fatal(err)
			}
			h := m.Header
			if h.Format != e.Header.Format || h.Field != e.Header.Field || h.Symmetry != e.Header.Symmetry ||
				h.Rows != e.Header.Rows || h.Cols != e.Header.Cols || h.Entries != e.Header.Entries {
				t.Errorf("header %+v, SciPy's mminfo says %+v", h, e.Header)
			}
			var A *CSR // moduli for the norms
			var sum, aw complex128
			var awNorm float64
			if e.Complex {
				Z := m.Complex
				if Z == nil {
					t.Fatal("complex file read as real")
				}
				if r, c := Z.Dims(); r != e.Rows || c != e.Cols || Z.NNZ() != e.NNZ {
					t.Fatalf("%d×%d nnz %d, want %d×%d nnz %d", r, c, Z.NNZ(), e.Rows, e.Cols, e.NNZ)
				}
				_, _, val := Z.Raw()
				for _, v := range val {
					sum += v
				}
				w := make([]complex128, e.Cols)
				for j := range w {
					w[j] = complex(1+float64(j)/float64(e.Cols), 0)
				}
				y := make([]complex128, e.Rows)
				Z.MulVecTo(y, w)
				for _, v := range y {
					aw += v
					awNorm += real(v)*real(v) + imag(v)*imag(v)
				}
				if Z.IsHermitian(0) != e.Hermitian {
					t.Errorf("IsHermitian = %v, SciPy says %v", !e.Hermitian, e.Hermitian)
				}
				if Z.IsSymmetric(0) != e.Symmetric {
					t.Errorf("IsSymmetric = %v, SciPy says %v", !e.Symmetric, e.Symmetric)
				}
				A = Z.Abs()
			} else {
				A = m.Real
				if A == nil {
					t.Fatal("real file read as complex")
				}
				if r, c := A.Dims(); r != e.Rows || c != e.Cols || A.NNZ() != e.NNZ {
					t.Fatalf("%d×%d nnz %d, want %d×%d nnz %d", r, c, A.NNZ(), e.Rows, e.Cols, e.NNZ)
				}
				_, _, val := A.Raw()
				for _, v := range val {
					sum += complex(v, 0)
				}
				w := make([]float64, e.Cols)
				for j := range w {
					w[j] = 1 + float64(j)/float64(e.Cols)
				}
				y := make([]float64, e.Rows)
				A.MulVecTo(y, w)
				for _, v := range y {
					aw += complex(v, 0)
					awNorm += v * v
				}
				if A.IsSymmetric(0) != e.Symmetric {
					t.Errorf("IsSymmetric = %v, SciPy says %v", !e.Symmetric, e.Symmetric)
				}
				A = A.Clone()
				_, _, av := A.Raw()
				for k, v := range av {
					av[k] = math.Abs(v)
				}
			}
			awNorm = math.Sqrt(awNorm)
			tol := 1e-12 * math.Max(e.SumAbs, 1)
			near := func(name string, got, want complex128, scale float64) {
				t.Helper()
				if cmplx.Abs(got-want) > tol*scale {
					t.Errorf("%s = %v, SciPy %v", name, got, want)
				}
			}
			near("sum", sum, complexOf(t, e.Sum), 1)
			near("A·w sum", aw, complexOf(t, e.AWSum), 2)
			near("‖A·w‖", complex(awNorm, 0), complex(e.AWNorm, 0), 2)
			_, _, av := A.Raw()
			var sumAbs float64
			for _, v := range av {
				sumAbs += v
			}
			near("Σ|a|", complex(sumAbs, 0), complex(e.SumAbs, 0), 1)
			f := A.NormFrob()
			if math.Abs(f*f-e.SumSq) > 1e-12*e.SumSq {
				t.Errorf("‖A‖F² = %v, SciPy %v", f*f, e.SumSq)
			}
			near("‖A‖₁", complex(A.Norm1(), 0), complex(e.Norm1, 0), 1)
			near("‖A‖∞", complex(A.NormInf(), 0), complex(e.NormInf, 0), 1)
			if A.MaxAbs() != e.NormMax {
				t.Errorf("max|a| = %v, SciPy %v", A.MaxAbs(), e.NormMax)
			}
			d := A.DiagonalInfo()
			if d.Missing != e.DiagMissing || d.Zero != e.DiagZero {
				t.Errorf("diagonal missing %d zero %d, SciPy %d %d", d.Missing, d.Zero, e.DiagMissing, e.DiagZero)
			}
			if A.IsPatternSymmetric() != e.PatternSymmetric {
				t.Errorf("IsPatternSymmetric = %v, SciPy %v", !e.PatternSymmetric, e.PatternSymmetric)
			}
		})
	}
}

// TestMMTestdataRoundTrip writes every testdata matrix back, as general
// and (when it has one) under the header's symmetry, with the header's
// comments, and reads it again: the matrix, comments and, for symmetric
// storage, the entry count of the original file must come back exactly.
func TestMMTestdataRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../testdata/matrices/*.mtx")
	if len(files) == 0 {
		t.Fatal("no test matrices")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m, err := ReadMMFile(f)
			if err != nil {
				t.Fatal(err)
			}
			h := m.Header
			for _, sym := range []string{MMGeneral, h.Symmetry} {
				o := &MMWriteOptions{Symmetry: sym, Comments: h.Comments}
				if h.Field == MMPattern || h.Field == MMInteger {
					o.Field = h.Field
				}
				var buf bytes.Buffer
				var err error
				if m.Complex != nil {
					err = WriteMMComplex(&buf, m.Complex, o)
				} else {
					err = WriteMM(&buf, m.Real, o)
				}
				if err != nil {
					t.Fatalf("write %s: %v", sym, err)
				}
				back, err := ReadMM(&buf)
				if err != nil {
					t.Fatalf("read back %s: %v", sym, err)
				}
				if m.Complex != nil {
					mmSameZCSR(t, back.Complex, m.Complex)
				} else {
					mmSameCSR(t, back.Real, m.Real)
				}
				if len(back.Header.Comments) != len(h.Comments) {
					t.Fatalf("%d comments back, want %d", len(back.Header.Comments), len(h.Comments))
				}
				for k := range h.Comments {
					if back.Header.Comments[k] != h.Comments[k] {
						t.Errorf("comment %d = %q, want %q", k, back.Header.Comments[k], h.Comments[k])
					}
				}
				if sym == h.Symmetry && back.Header.Entries != h.Entries {
					t.Errorf("%s storage wrote %d entries, the original file has %d", sym, back.Header.Entries, h.Entries)
				}
			}
		})
	}
}

// mmSameCSR fails unless got and want have the same dimensions, pattern
// and values (compared with ==).
func mmSameCSR(t *testing.T, got, want *CSR) {
	t.Helper()
	if got == nil {
		t.Fatal("got a nil CSR")
	}
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	if gr != wr || gc != wc || got.NNZ() != want.NNZ() {
		t.Fatalf("got %d×%d nnz %d, want %d×%d nnz %d", gr, gc, got.NNZ(), wr, wc, want.NNZ())
	}
	gp, gi, gv := got.Raw()
	wp, wi, wv := want.Raw()
	for i := range wp {
		if gp[i] != wp[i] {
			t.Fatalf("row pointer %d = %d, want %d", i, gp[i], wp[i])
		}
	}
	for k := range wi {
		if gi[k] != wi[k] || gv[k] != wv[k] {
			t.Fatalf("entry %d = (col %d, %v), want (col %d, %v)", k, gi[k], gv[k], wi[k], wv[k])
		}
	}
}

func mmSameZCSR(t *testing.T, got, want *ZCSR) {
	t.Helper()
	if got == nil {
		t.Fatal("got a nil ZCSR")
	}
	mmSameCSR(t, got.Real(), want.Real())
	mmSameCSR(t, got.Imag(), want.Imag())
}
