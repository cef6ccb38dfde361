package sparse

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/sysmem"
)

// mmFuzzMaxDim bounds the dimensions the fuzz target accepts, through the
// reader's internal limit, so that a fuzzed header cannot ask for the
// O(rows + cols) row pointers of a 2³¹-row matrix (16 GiB, legitimately
// needed for a matrix that large) and exhaust the fuzzer's memory.
const mmFuzzMaxDim = 1 << 12

// mmFuzzLimits are the readers' limits under the fuzzer.
var mmFuzzLimits = mmLimits{maxDim: mmFuzzMaxDim, mem: sysmem.Usable}

// mmFuzzSeeds are malformed and unusual inputs that start the fuzzer in
// the interesting corners of the format.
var mmFuzzSeeds = []string{
	"",
	"%%MatrixMarket matrix coordinate real general\n",
	"%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n3 3 -2.5e-3\n",
	"%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n",
	"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1\n2 2 2\n",
	"%%MatrixMarket matrix coordinate real general\n3 3 1\n4 1 1\n",
	"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 nan\n",
	"%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1e308\n1 1 1e308\n",
	"%%MatrixMarket matrix coordinate real general\n-1 3 1\n",
	"%%MatrixMarket matrix coordinate real general\n3 3 99999999999999999999\n1 1 1\n",
	"%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 4\n3 1 -1\n1 3 2\n",
	"%%MatrixMarket matrix coordinate real symmetric\n3 4 1\n1 1 1\n",
	"%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 3\n3 2 0\n",
	"%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 1\n1 1 3\n",
	"%%MatrixMarket matrix coordinate real hermitian\n2 2 1\n2 1 3\n",
	"%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n2 1\n",
	"%%MatrixMarket matrix coordinate pattern general\n3 3 1\n2 1 5\n",
	"%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 -9223372036854775808\n2 2 9007199254740993\n",
	"%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 1 0\n2 1 1 -2\n",
	"%%MatrixMarket matrix coordinate complex skew-symmetric\n2 2 1\n2 1 1 -2\n",
	"%%MatrixMarket matrix coordinate complex general\n2 2 1\n2 1 1\n",
	"%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n6\n",
	"%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n",
	"%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n",
	"%%MatrixMarket matrix array integer general\n1 2\n3\n-4\n",
	"%%MatrixMarket matrix coordinate integer symmetric\n2 2 2\n2 1 9223372036854775807\n1 1 -0\n",
	"%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 3\n4 0\n",
	"%%MatrixMarket matrix array pattern general\n1 1\n",
	"%%MatrixMarket matrix array real general\n0 0\n",
	"%%matrixmarket MATRIX Coordinate REAL General\r\n% c\r\n\r\n 2 2 2 \r\n% x\n1 1 1.0\r\n2 2 2.0",
	"\xef\xbb\xbf%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 3\n",
	"%%MatrixMarket vector coordinate real general\n1 1 0\n",
	"%%MatrixMarket matrix coordinate real general extra\n",
	"%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 0x1p3\n",
}

// FuzzReadMM checks that the reader never panics and returns only
// *MMError failures, and that whatever it accepts survives the writer:
// written as general (and under the header's symmetry, when the file had
// one) and read again, the matrix is the same, value for value. Array
// files also go through ReadMMDense and WriteMMDense.
func FuzzReadMM(f *testing.F) {
	files, _ := filepath.Glob("../testdata/matrices/*.mtx")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range mmFuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := readMM(bytes.NewReader(data), "", mmFuzzLimits, int64(len(data)))
		if err != nil {
			var me *MMError
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not an *MMError: %v", err, err)
			}
			return
		}
		if (m.Real == nil) == (m.Complex == nil) {
			t.Fatalf("Real=%v Complex=%v: want exactly one", m.Real, m.Complex)
		}
		if m.Real != nil {
			fuzzProducts(t, m.Real)
		}
		syms := []string{MMGeneral}
		if s := m.Header.Symmetry; s != MMGeneral {
			if s == MMHermitian && m.Real != nil {
				s = MMSymmetric // a real hermitian file is read as symmetric
			}
			syms = append(syms, s)
		}
		for _, sym := range syms {
			var buf bytes.Buffer
			o := &MMWriteOptions{Symmetry: sym, Comments: m.Header.Comments}
			if m.Real != nil {
				err = WriteMM(&buf, m.Real, o)
			} else {
				err = WriteMMComplex(&buf, m.Complex, o)
			}
			if err != nil {
				t.Fatalf("writing an accepted matrix as %s: %v", sym, err)
			}
			back, err := readMM(bytes.NewReader(buf.Bytes()), "", mmFuzzLimits, int64(buf.Len()))
			if err != nil {
				t.Fatalf("reading back what the writer wrote (%s): %v\n%s", sym, err, buf.Bytes())
			}
			if m.Real != nil {
				mmSameCSR(t, back.Real, m.Real)
			} else {
				mmSameZCSR(t, back.Complex, m.Complex)
			}
			if len(back.Header.Comments) != len(m.Header.Comments) {
				t.Fatalf("%d comments after the round trip, want %d", len(back.Header.Comments), len(m.Header.Comments))
			}
		}
		if m.Header.Field == MMInteger && m.Real != nil {
			// An integer file round-trips through the integer field, except
			// a value that rounded to 2⁶³ as a float64 (2⁶³−1 in the file),
			// which the writer refuses as out of int64's range.
			var buf bytes.Buffer
			err := WriteMM(&buf, m.Real, &MMWriteOptions{Field: MMInteger})
			if err != nil && !slices.Contains(m.Real.val, 1<<63) {
				t.Fatalf("writing an integer file's matrix as integer: %v", err)
			}
			if err == nil {
				back, err := readMM(bytes.NewReader(buf.Bytes()), "", mmFuzzLimits, int64(buf.Len()))
				if err != nil {
					t.Fatalf("reading back the integer field: %v\n%s", err, buf.Bytes())
				}
				mmSameCSR(t, back.Real, m.Real)
			}
		}
		if m.Header.Format != MMArray || m.Real == nil || m.Header.Rows == 0 || m.Header.Cols == 0 {
			return
		}
		d, err := readMMDense(bytes.NewReader(data), "", mmFuzzLimits, int64(len(data)))
		if err != nil {
			t.Fatalf("ReadMM accepted an array file that ReadMMDense refuses: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteMMDense(&buf, d, nil); err != nil {
			t.Fatalf("WriteMMDense: %v", err)
		}
		d2, err := readMMDense(&buf, "", mmFuzzLimits, int64(buf.Len()))
		if err != nil {
			t.Fatalf("reading back WriteMMDense's output: %v", err)
		}
		if !mat.Equal(d, d2) {
			t.Fatal("dense round trip changed the matrix")
		}
	})
}

// fuzzProducts runs the products, whose kernels index without bounds
// checks on the strength of the CSR invariants, on a matrix the reader
// accepted, and compares them with a bounds-checked sum over Row.
func fuzzProducts(t *testing.T, a *CSR) {
	t.Helper()
	r, c := a.Dims()
	x, xt := make([]float64, c), make([]float64, r)
	for j := range x {
		x[j] = float64(j%7) - 3
	}
	for i := range xt {
		xt[i] = float64(i%5) - 2
	}
	y, yt := make([]float64, r), make([]float64, c)
	a.MulVecTo(y, x)
	a.MulVecTransTo(yt, xt)
	want, wantT := make([]float64, r), make([]float64, c)
	scale, scaleT := make([]float64, r), make([]float64, c)
	for i := range r {
		ind, val := a.Row(i)
		for k, j := range ind {
			want[i] += val[k] * x[j]
			scale[i] += math.Abs(val[k] * x[j])
			wantT[j] += val[k] * xt[i]
			scaleT[j] += math.Abs(val[k] * xt[i])
		}
	}
	for i := range y {
		if d := math.Abs(y[i] - want[i]); !(d <= 1e-12*scale[i]) && !(math.IsInf(scale[i], 0) || math.IsNaN(want[i])) {
			t.Fatalf("(Ax)[%d] = %v, want %v", i, y[i], want[i])
		}
	}
	for j := range yt {
		if d := math.Abs(yt[j] - wantT[j]); !(d <= 1e-12*scaleT[j]) && !(math.IsInf(scaleT[j], 0) || math.IsNaN(wantT[j])) {
			t.Fatalf("(Aᵀx)[%d] = %v, want %v", j, yt[j], wantT[j])
		}
	}
}
