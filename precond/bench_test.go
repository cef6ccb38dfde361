package precond_test

import (
	"sync"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// lap1000 is the 5-point Laplacian on a 1000×1000 grid (10⁶ unknowns,
// about 5·10⁶ stored entries), built once for all benchmarks.
var lap1000 = sync.OnceValue(func() *sparse.CSR { return sparse.Laplacian2D(1000, 1000) })

func benchSetup(b *testing.B, kind string) {
	A := lap1000()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := precond.New(kind, A, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// benchApply times one application. SetBytes is the memory traffic model
// of the doc comments (Jacobi 24·n; triangular solves 12·nnz + 44·n), so
// the MB/s column reads as achieved bandwidth.
func benchApply(b *testing.B, kind string, trans bool) {
	A := lap1000()
	p, err := precond.New(kind, A, nil)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := A.Dims()
	x := randVec(1, n)
	dst := make([]float64, n)
	if kind == "jacobi" {
		b.SetBytes(int64(24 * n))
	} else {
		b.SetBytes(int64(12*A.NNZ() + 44*n))
	}
	apply := p.Apply
	if trans {
		apply = p.(linop.Transposer).ApplyT
	}
	b.ReportAllocs()
	for b.Loop() {
		apply(dst, x)
	}
}

func BenchmarkJacobiSetup_Lap1000(b *testing.B) { benchSetup(b, "jacobi") }
func BenchmarkSSORSetup_Lap1000(b *testing.B)   { benchSetup(b, "ssor") }
func BenchmarkILU0Setup_Lap1000(b *testing.B)   { benchSetup(b, "ilu0") }
func BenchmarkIC0Setup_Lap1000(b *testing.B)    { benchSetup(b, "ic0") }

func BenchmarkJacobiApply_Lap1000(b *testing.B) { benchApply(b, "jacobi", false) }
func BenchmarkSSORApply_Lap1000(b *testing.B)   { benchApply(b, "ssor", false) }
func BenchmarkILU0Apply_Lap1000(b *testing.B)   { benchApply(b, "ilu0", false) }
func BenchmarkIC0Apply_Lap1000(b *testing.B)    { benchApply(b, "ic0", false) }
func BenchmarkILU0ApplyT_Lap1000(b *testing.B)  { benchApply(b, "ilu0", true) }

// BenchmarkSpMV_Lap1000 is the yardstick: one product with A streams about
// the same bytes as a triangular-solve pair.
func BenchmarkSpMV_Lap1000(b *testing.B) {
	A := lap1000()
	n, _ := A.Dims()
	x := randVec(1, n)
	dst := make([]float64, n)
	b.SetBytes(int64(12*A.NNZ() + 24*n))
	for b.Loop() {
		A.MulVecTo(dst, x)
	}
}
