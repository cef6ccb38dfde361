package sparse

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// MMBenchMatrix returns the benchmark matrix for Matrix Market I/O: nnz/10
// rows and columns, ten entries per row at random columns (seeded), values
// standard normal, so written values have 16–17 significant digits (the
// expensive case for parsing). With sym it is A + Aᵀ instead (about 2·nnz
// stored entries, nnz of them in the lower triangle).
func mmBenchMatrix(nnz int, sym bool) *CSR {
	n := nnz / 10
	rng := rand.New(rand.NewPCG(7, 11))
	b := NewCOO(n, n, 2*nnz)
	for i := 0; i < n; i++ {
		for k := 0; k < 10; k++ {
			j, v := rng.IntN(n), rng.NormFloat64()
			b.Append(i, j, v)
			if sym {
				b.Append(j, i, v)
			}
		}
	}
	return b.ToCSR()
}

// mmBenchFile returns the benchmark matrix written with o. Benchmarks use
// b.Loop, so it runs once per benchmark, outside the timing.
func mmBenchFile(b *testing.B, nnz int, sym bool, o *MMWriteOptions) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := WriteMM(&buf, mmBenchMatrix(nnz, sym), o); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchReadMM(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadMM(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadMM_1e6: a 100 000 × 100 000 real general file with 10⁶
// entries (about 29 MB) parsed and assembled into CSR.
func BenchmarkReadMM_1e6(b *testing.B) {
	benchReadMM(b, mmBenchFile(b, 1e6, false, &MMWriteOptions{}))
}

// BenchmarkReadMM_1e6_Symmetric: 10⁶ lower-triangle entries expanded to
// about 2·10⁶ stored entries.
func BenchmarkReadMM_1e6_Symmetric(b *testing.B) {
	benchReadMM(b, mmBenchFile(b, 1e6, true, &MMWriteOptions{Symmetry: MMSymmetric}))
}

// BenchmarkReadMM_1e6_Pattern: indices only, the cost of the structure.
func BenchmarkReadMM_1e6_Pattern(b *testing.B) {
	benchReadMM(b, mmBenchFile(b, 1e6, false, &MMWriteOptions{Field: MMPattern}))
}

func BenchmarkWriteMM_1e6(b *testing.B) {
	A := mmBenchMatrix(1e6, false)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteMM(io.Discard, A, nil); err != nil {
			b.Fatal(err)
		}
	}
}
