package sparse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/subspace-lab/subspace/internal/allocs"
	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/npy"
)

// npzExpected is one record of testdata/scipy/expected.json, written by
// testdata/scipy/make_fixtures.py with SciPy 1.10.1's toarray().
type npzExpected struct {
	Rows, Cols, NNZ int
	Dense           [][]float64
}

func TestLoadNPZSciPyFixtures(t *testing.T) {
	b, err := os.ReadFile("../testdata/scipy/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]npzExpected
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) < 15 {
		t.Fatalf("expected.json lists %d fixtures", len(want))
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			a, err := LoadNPZ(filepath.Join("../testdata/scipy", name))
			if err != nil {
				t.Fatal(err)
			}
			r, c := a.Dims()
			if r != w.Rows || c != w.Cols || a.NNZ() != w.NNZ {
				t.Fatalf("got %d×%d with %d stored, want %d×%d with %d", r, c, a.NNZ(), w.Rows, w.Cols, w.NNZ)
			}
			for i := range r {
				for j := range c {
					// Exact: every value is a float64 SciPy stored or summed once.
					if got := a.At(i, j); got != w.Dense[i][j] {
						t.Fatalf("A[%d,%d] = %v, want %v", i, j, got, w.Dense[i][j])
					}
				}
			}
		})
	}
}

func TestLoadNPZKeepsExplicitZero(t *testing.T) {
	// csr.npz stores 0.0 at (1, 3): it is part of the pattern.
	a, err := LoadNPZ("../testdata/scipy/csr.npz")
	if err != nil {
		t.Fatal(err)
	}
	if a.find(1, 3) < 0 {
		t.Fatal("explicit zero at (1, 3) was dropped")
	}
}

func TestLoadNPZRefuses(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"bad_complex.npz", "complex"},
		{"bad_nan.npz", "NaN at row 1, column 3"},
		{"bad_noformat.npz", `no "format" array`},
		{"bad_format.npz", `unknown sparse format "lil"`},
		{"bad_indptr.npz", `array "indptr": decreases at element 2`},
		{"bad_index.npz", `array "indices": element 1 is 2, outside [0, 2) (2 columns)`},
		{"bad_shape.npz", "only 2-d matrices"},
		{"bad_lengths.npz", `array "data": holds 3 values, want 2`},
		{"bad_negative.npz", `array "row": element 1 is -1`},
		{"../matrices/494_bus.mtx", "not a valid .npz"},
		{"missing.npz", "no such file"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("../testdata/scipy", tc.file)
			_, err := LoadNPZ(path)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || !strings.Contains(msg, filepath.Base(tc.file)) {
				t.Fatalf("error %q does not name %q and the file", msg, tc.want)
			}
		})
	}
}

func TestReadNPZShapeBeyondMemory(t *testing.T) {
	// A valid, empty matrix whose row pointers alone exceed the "machine".
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, NewCOO(0, 0, 0).ToCSR(), false); err != nil {
		t.Fatal(err)
	}
	_, err := readNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "", func() (sysmem.Limit, bool) { return sysmem.Limit{Bytes: 1, Source: sysmem.SourceRAM}, true })
	if err == nil || !strings.Contains(err.Error(), "more than this machine") {
		t.Fatalf("error %v, want a memory refusal", err)
	}
}

func TestReadNPZTruncated(t *testing.T) {
	b, err := os.ReadFile("../testdata/scipy/csr.npz")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 10, len(b) / 2, len(b) - 1} {
		if _, err := ReadNPZ(bytes.NewReader(b[:n]), int64(n)); err == nil {
			t.Errorf("archive cut to %d of %d bytes: no error", n, len(b))
		}
	}
}

// TestNPZRoundTrip writes every real test matrix with SaveNPZ and reads it
// back: the structure and the values must be identical.
func TestNPZRoundTrip(t *testing.T) {
	dir := t.TempDir()
	files, _ := filepath.Glob("../testdata/matrices/*.mtx")
	for _, f := range files {
		m, err := ReadMMFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m.Real == nil {
			continue
		}
		for _, compress := range []bool{false, true} {
			out := filepath.Join(dir, filepath.Base(f)+".npz")
			if err := SaveNPZ(out, m.Real, compress); err != nil {
				t.Fatal(err)
			}
			got, err := Load(out)
			if err != nil {
				t.Fatal(err)
			}
			assertSameCSR(t, got, m.Real)
			var buf bytes.Buffer
			if err := WriteNPZ(&buf, m.Real, compress); err != nil {
				t.Fatal(err)
			}
			disk, _ := os.ReadFile(out)
			if !bytes.Equal(buf.Bytes(), disk) {
				t.Fatalf("%s: WriteNPZ and SaveNPZ wrote different bytes", f)
			}
		}
	}
	// Degenerate shapes.
	for _, a := range []*CSR{NewCOO(0, 0, 0).ToCSR(), NewCOO(3, 0, 0).ToCSR(), NewCOO(0, 4, 0).ToCSR(), NewCOO(2, 2, 0).ToCSR()} {
		var buf bytes.Buffer
		if err := WriteNPZ(&buf, a, false); err != nil {
			t.Fatal(err)
		}
		got, err := ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		assertSameCSR(t, got, a)
	}
}

func assertSameCSR(t *testing.T, got, want *CSR) {
	t.Helper()
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	gp, gi, gv := got.Raw()
	wp, wi, wv := want.Raw()
	if gr != wr || gc != wc || len(gi) != len(wi) {
		t.Fatalf("got %d×%d nnz %d, want %d×%d nnz %d", gr, gc, len(gi), wr, wc, len(wi))
	}
	for i := range wp {
		if gp[i] != wp[i] {
			t.Fatalf("indptr[%d] = %d, want %d", i, gp[i], wp[i])
		}
	}
	for k := range wi {
		if gi[k] != wi[k] || gv[k] != wv[k] {
			t.Fatalf("entry %d: (%d, %v), want (%d, %v)", k, gi[k], gv[k], wi[k], wv[k])
		}
	}
}

func TestLoadDispatch(t *testing.T) {
	a, err := Load("../testdata/matrices/west0067.mtx")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "W.NPZ") // the extension is matched without case
	if err := SaveNPZ(out, a, true); err != nil {
		t.Fatal(err)
	}
	b, err := Load(out)
	if err != nil {
		t.Fatal(err)
	}
	assertSameCSR(t, b, a)
}

// TestSciPyLoadsOurNPZ has scipy.sparse.load_npz read SaveNPZ's output and
// compare it with scipy.io.mmread of the same file. Skipped where
// /usr/bin/python3 with SciPy is missing.
func TestSciPyLoadsOurNPZ(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import scipy.sparse, scipy.io").Run() != nil {
		t.Skip("/usr/bin/python3 with scipy not available")
	}
	dir := t.TempDir()
	var pairs []string
	for _, name := range []string{"494_bus", "west0067", "lp_afiro", "bcspwr05"} {
		src, _ := filepath.Abs(filepath.Join("../testdata/matrices", name+".mtx"))
		a, err := LoadMM(src)
		if err != nil {
			t.Fatal(err)
		}
		for i, compress := range []bool{false, true} {
			out := filepath.Join(dir, name+[]string{"", "_c"}[i]+".npz")
			if err := SaveNPZ(out, a, compress); err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, out, src)
		}
	}
	script := `
import sys, numpy as np, scipy.io, scipy.sparse as sp
args = sys.argv[1:]
for npz, mtx in zip(args[::2], args[1::2]):
    a = sp.load_npz(npz)
    b = scipy.io.mmread(mtx).tocsr()
    assert a.format == "csr" and a.shape == b.shape and a.nnz == b.nnz, (npz, a.format, a.shape, a.nnz, b.nnz)
    assert a.has_sorted_indices and a.indices.dtype == np.int32, npz
    assert (a != b).nnz == 0, npz
print("ok", len(args) // 2)
`
	out, err := exec.Command("/usr/bin/python3", append([]string{"-c", script}, pairs...)...).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok") {
		t.Fatalf("scipy: %v\n%s", err, out)
	}
}

func FuzzReadNPZ(f *testing.F) {
	files, _ := filepath.Glob("../testdata/scipy/*.npz")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// A 64 MB "machine" keeps declared shapes small enough to fuzz fast.
		a, err := readNPZ(bytes.NewReader(b), int64(len(b)), "", func() (sysmem.Limit, bool) { return sysmem.Limit{Bytes: 64 << 20, Source: sysmem.SourceRAM}, true })
		if err != nil {
			return
		}
		// Whatever is accepted must satisfy the CSR invariants and be finite.
		indptr, ind, val := a.Raw()
		r, c := a.Dims()
		if _, err := NewCSR(r, c, indptr, ind, val); err != nil {
			t.Fatalf("accepted a matrix that breaks the invariants: %v", err)
		}
		if err := a.CheckFinite(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCanonicalFromDescents checks the descent-count test against a direct
// check of every slice, on random patterns with empty slices, duplicates
// and unsorted indices.
func TestCanonicalFromDescents(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 2000; trial++ {
		major := rng.IntN(6)
		indptr := []int{0}
		var ind []int32
		for range major {
			for range rng.IntN(4) {
				ind = append(ind, int32(rng.IntN(5)))
			}
			indptr = append(indptr, len(ind))
		}
		descents := 0
		for k := 1; k < len(ind); k++ {
			if ind[k] <= ind[k-1] {
				descents++
			}
		}
		want := true
		for i := 0; i < major; i++ {
			for k := indptr[i] + 1; k < indptr[i+1]; k++ {
				if ind[k] <= ind[k-1] {
					want = false
				}
			}
		}
		if got := canonical(indptr, ind, descents); got != want {
			t.Fatalf("indptr %v ind %v: canonical %v, want %v", indptr, ind, got, want)
		}
	}
}

// A matrix with a NaN or infinite value is refused before anything is
// written (LoadNPZ would refuse the file), naming the entry.
func TestWriteNPZRefusesNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(-1)} {
		c := NewCOO(2, 3, 2)
		c.Append(0, 1, 1)
		c.Append(1, 2, v)
		a := c.ToCSR()
		var buf bytes.Buffer
		err := WriteNPZ(&buf, a, false)
		if err == nil || !strings.Contains(err.Error(), "entry (1,2) is") || buf.Len() != 0 {
			t.Errorf("WriteNPZ with %v: err %v, %d bytes written", v, err, buf.Len())
		}
		path := filepath.Join(t.TempDir(), "a.npz")
		if err := SaveNPZ(path, a, true); err == nil {
			t.Errorf("SaveNPZ with %v: no error", v)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("SaveNPZ with %v left %s", v, path)
		}
	}
}

// npzArchive builds an archive in memory; each array is written by one
// function of the writer.
func npzArchive(t *testing.T, write ...func(z *npy.NPZWriter) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := npy.NewNPZWriter(&buf)
	for _, w := range write {
		if err := w(z); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func npzInts(name string, shape []int, v ...int64) func(z *npy.NPZWriter) error {
	return func(z *npy.NPZWriter) error { return z.WriteInt64(name, shape, v) }
}

func npzFloats(name string, v ...float64) func(z *npy.NPZWriter) error {
	return func(z *npy.NPZWriter) error { return z.WriteFloat64(name, []int{len(v)}, v) }
}

func npzFormat(f string) func(z *npy.NPZWriter) error {
	return func(z *npy.NPZWriter) error { return z.WriteString("format", f) }
}

// TestReadNPZCOOCoords: SciPy's load_npz reads coo positions from one
// (2, nnz) array "coords" as well as from "row" and "col" (save_npz writes
// coords for n-d coo arrays and plans to for 2-d ones).
func TestReadNPZCOOCoords(t *testing.T) {
	b := npzArchive(t, npzInts("coords", []int{2, 3}, 0, 2, 2, 1, 0, 0), npzFormat("coo"),
		npzInts("shape", []int{2}, 3, 3), npzFloats("data", 1, 2, 3))
	a, err := ReadNPZ(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if r, c := a.Dims(); r != 3 || c != 3 || a.NNZ() != 2 || a.At(0, 1) != 1 || a.At(2, 0) != 5 {
		t.Fatalf("got %d×%d with %d stored, A[0,1] = %v, A[2,0] = %v; want 3×3, 2 stored, 1 and 5 (duplicates summed)",
			r, c, a.NNZ(), a.At(0, 1), a.At(2, 0))
	}
	for _, tc := range []struct {
		coords func(z *npy.NPZWriter) error
		want   string
	}{
		{npzInts("coords", []int{3, 1}, 0, 0, 0), `array "coords": shape (3, 1), want (2, nnz)`},
		{npzInts("coords", []int{2, 1}, 0, 3), `array "coords": element (1, 0) is 3, outside [0, 3) (3 columns)`},
		{npzInts("coords", []int{2, 1}, -1, 0), `array "coords": element (0, 0) is -1, outside [0, 3) (3 rows)`},
	} {
		b := npzArchive(t, tc.coords, npzFormat("coo"), npzInts("shape", []int{2}, 3, 3), npzFloats("data", 1))
		if _, err := ReadNPZ(bytes.NewReader(b), int64(len(b))); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// TestReadNPZMessages: errors about the archive's layout say what is wrong
// in words a user can act on.
func TestReadNPZMessages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write []func(z *npy.NPZWriter) error
		want  string
	}{
		// A 2-d shape array holds 2 values; "holds 2 values, want 2" said nothing.
		{"2-d shape", []func(z *npy.NPZWriter) error{npzFormat("csr"), npzInts("shape", []int{1, 2}, 1, 1),
			npzInts("indptr", []int{2}, 0, 0), npzInts("indices", []int{0}), npzFloats("data")},
			`array "shape": is a 2-d array of shape (1, 2), want a 1-d array of 2 values`},
		// Member names of a damaged archive are quoted, not printed raw.
		{"raw names", []func(z *npy.NPZWriter) error{npzFloats("data\x99\n")},
			`it holds "data\x99\n")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := npzArchive(t, tc.write...)
			_, err := ReadNPZ(bytes.NewReader(b), int64(len(b)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	names := make([]func(z *npy.NPZWriter) error, 30)
	for i := range names {
		names[i] = npzFloats(fmt.Sprintf("a%d", i))
	}
	b := npzArchive(t, names...)
	_, err := ReadNPZ(bytes.NewReader(b), int64(len(b)))
	if err == nil || !strings.Contains(err.Error(), `"a19", ... (30 arrays)`) || strings.Contains(err.Error(), "a20") {
		t.Fatalf("error %v, want the first 20 names and the count", err)
	}
}

// gatedReader is a bytes.Reader over an archive whose first read of the
// data member's local header (at offset lo), made in the background,
// waits until the caller has marked the reader closed, or a second has
// passed; it counts the reads made after close.
type gatedReader struct {
	r        *bytes.Reader
	lo       int64
	once     sync.Once
	closed   chan struct{} // closed once ReadNPZ has returned
	dataRead chan struct{} // closed after the first read of the data member
	late     atomic.Int64
}

func (g *gatedReader) ReadAt(p []byte, off int64) (int, error) {
	first := false
	if off == g.lo {
		g.once.Do(func() {
			first = true
			select {
			case <-g.closed:
			case <-time.After(time.Second):
			}
		})
	}
	select {
	case <-g.closed:
		g.late.Add(1)
	default:
	}
	n, err := g.r.ReadAt(p, off)
	if first {
		close(g.dataRead)
	}
	return n, err
}

// TestReadNPZNoReadAfterReturn: ReadNPZ reads data and indptr in the
// background; when indices fail first, it returned while those reads went
// on, so a caller that closed (or unmapped) its reader at once had it read
// afterwards. Every read must end before ReadNPZ returns. The reader holds
// the first read of data back until ReadNPZ has returned (or a second has
// passed, which a ReadNPZ that waits for it needs), so that the read comes
// after the return whenever ReadNPZ does not wait.
func TestReadNPZNoReadAfterReturn(t *testing.T) {
	const n = 1 << 17
	ind := make([]int64, n)
	ind[0] = 5 // outside the 1×1 matrix's columns: the first chunk fails
	ptr := []int64{0, n}
	data := make([]float64, n)
	b := npzArchive(t, npzFormat("csr"), npzInts("shape", []int{2}, 1, 1),
		npzInts("indices", []int{n}, ind...), npzInts("indptr", []int{2}, ptr...), npzFloats("data", data...))
	// The data member's local header: 30 bytes, then its name.
	lo := bytes.Index(b, []byte("data.npy")) - 30
	if lo < 0 || !bytes.HasPrefix(b[lo:], []byte("PK\x03\x04")) {
		t.Fatalf("no local header for data in the archive")
	}
	g := &gatedReader{r: bytes.NewReader(b), lo: int64(lo), closed: make(chan struct{}), dataRead: make(chan struct{})}
	_, err := ReadNPZ(g, int64(len(b)))
	close(g.closed)
	if err == nil || !strings.Contains(err.Error(), "indices") {
		t.Fatalf("err = %v, want one about indices", err)
	}
	select {
	case <-g.dataRead:
	case <-time.After(time.Minute):
		t.Fatal("the data member was never read")
	}
	if k := g.late.Load(); k > 0 {
		t.Errorf("%d reads after ReadNPZ returned", k)
	}
}

// The index pointers of a csr file, which a deflated member of a few
// hundred kilobytes can hold for 10⁸ rows, grow by doubling as the other
// arrays do: append's growth by a quarter allocated about five times the
// final array (4.3 GiB to read 760 MiB of pointers) and held nearly twice
// it at the last copy.
func TestNPZPointersGrowByDoubling(t *testing.T) {
	const rows = 3 << 20
	c := NewCOO(rows, 2, 1)
	c.Append(rows-1, 1, 1)
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, c.ToCSR(), true); err != nil {
		t.Fatal(err)
	}
	var a *CSR
	var err error
	got := allocs.Least(func() { a, err = readNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "", nil) })
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := a.Dims(); r != rows || a.NNZ() != 1 {
		t.Fatalf("read %d rows, %d entries; want %d, 1", r, a.NNZ(), rows)
	}
	final := uint64(8 * (rows + 1))
	// 3× the final array (doubling allocates up to 2×, and the race
	// detector's build, whose sync.Pool drops items, reallocates the
	// decompressor's buffers) plus 8 MiB for the rest; append's growth
	// made it about 5.5×.
	if limit := final*3 + 8<<20; got > limit {
		t.Errorf("reading %d row pointers (%d bytes) allocated %d bytes, want at most %d", rows+1, final, got, limit)
	}
}
