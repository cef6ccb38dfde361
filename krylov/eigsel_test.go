package krylov

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// eigvecsRef is largestEigvecs by gonum's full eigendecomposition (Dgeev),
// the way harmonicRitz used to compute it: the reference for the spans.
func eigvecsRef(t *testing.T, E *mat.Dense, k int) (*mat.Dense, int) {
	t.Helper()
	n, _ := E.Dims()
	var eig mat.Eigen
	if !eig.Factorize(E, mat.EigenRight) {
		t.Fatal("Dgeev failed")
	}
	vals := eig.Values(nil)
	var vecs mat.CDense
	eig.VectorsTo(&vecs)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return cmplx.Abs(vals[idx[a]]) > cmplx.Abs(vals[idx[b]]) })
	used := make([]bool, n)
	P := mat.NewDense(n, k, nil)
	kn := 0
	for _, i := range idx {
		if kn == k {
			break
		}
		if used[i] {
			continue
		}
		used[i] = true
		if imag(vals[i]) == 0 {
			for l := range n {
				P.Set(l, kn, real(vecs.At(l, i)))
			}
			kn++
			continue
		}
		partner := i + 1
		if imag(vals[i]) < 0 {
			partner = i - 1
		}
		used[partner] = true
		if kn+2 > k {
			break
		}
		for l := range n {
			P.Set(l, kn, real(vecs.At(l, i)))
			P.Set(l, kn+1, imag(vecs.At(l, i)))
		}
		kn += 2
	}
	return P, kn
}

// minCosine returns the cosine of the largest principal angle between the
// column spans of A and B (equal column counts): 1 when they coincide.
func minCosine(t *testing.T, A, B mat.Matrix) float64 {
	t.Helper()
	orth := func(M mat.Matrix) *mat.Dense {
		var qr mat.QR
		qr.Factorize(M)
		var Q mat.Dense
		qr.QTo(&Q)
		_, c := M.Dims()
		r, _ := M.Dims()
		return mat.DenseCopyOf(Q.Slice(0, r, 0, c))
	}
	qa, qb := orth(A), orth(B)
	var c mat.Dense
	c.Mul(qa.T(), qb)
	var svd mat.SVD
	if !svd.Factorize(&c, mat.SVDNone) {
		t.Fatal("SVD failed")
	}
	v := svd.Values(nil)
	return v[len(v)-1]
}

// largestEigvecs spans the same invariant subspaces as the full
// eigendecomposition on random nonsymmetric matrices (complex pairs
// included), on matrices with a graded spectrum and on the μ-matrices
// GCRO-DR builds.
func TestLargestEigvecs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	type tc struct {
		name string
		E    *mat.Dense
		k    int
	}
	var cases []tc
	for _, n := range []int{1, 2, 5, 12, 40} {
		E := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				E.Set(i, j, rng.NormFloat64())
			}
		}
		for _, k := range []int{1, n / 2, n} {
			if k > 0 {
				cases = append(cases, tc{fmt.Sprintf("random n=%d k=%d", n, k), E, k})
			}
		}
	}
	// Graded: eigenvalues 2^-i, badly scaled rows (balancing matters).
	n := 30
	D := mat.NewDense(n, n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			D.Set(i, j, rng.NormFloat64()*math.Pow(10, float64(i-j)/4))
		}
		D.Set(i, i, math.Pow(2, -float64(i)))
	}
	cases = append(cases, tc{"graded", D, 10})
	// The μ-problem of harmonicRitz on the benchmark's Ĝ and ŴᵀV̂.
	mm := 40
	G := mat.NewDense(mm+1, mm, nil)
	WV := mat.NewDense(mm+1, mm, nil)
	for i := 0; i <= mm; i++ {
		for j := 0; j < mm; j++ {
			if i <= j+1 {
				G.Set(i, j, rng.NormFloat64())
			}
			WV.Set(i, j, rng.NormFloat64()*0.1)
		}
		if i < mm {
			WV.Set(i, i, 1)
		}
	}
	var qr mat.QR
	qr.Factorize(G)
	var Emu mat.Dense
	if err := qr.SolveTo(&Emu, false, WV); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, tc{"gcrodr μ-problem", &Emu, 20})

	for _, c := range cases {
		P, kn := largestEigvecs(c.E.RawMatrix(), c.k, nil)
		R, kr := eigvecsRef(t, c.E, c.k)
		if kn != kr {
			t.Errorf("%s: %d vectors, Dgeev-based %d", c.name, kn, kr)
			continue
		}
		if kn == 0 { // k = 1 and the largest eigenvalue is a complex pair
			continue
		}
		r, _ := c.E.Dims()
		if cos := minCosine(t, P.Slice(0, r, 0, kn), R.Slice(0, r, 0, kn)); cos < 1-1e-8 {
			t.Errorf("%s: largest principal angle has cosine %v", c.name, cos)
		}
		// Each column pair is an invariant subspace: E·P = P·T for some T,
		// i.e. the residual of projecting E·P on span(P) is small.
		var EP mat.Dense
		EP.Mul(c.E, P.Slice(0, r, 0, kn))
		var qr mat.QR
		qr.Factorize(P.Slice(0, r, 0, kn))
		var Q mat.Dense
		qr.QTo(&Q)
		Qk := Q.Slice(0, r, 0, kn)
		var proj, res mat.Dense
		proj.Mul(Qk.T(), &EP)
		res.Mul(Qk, &proj)
		res.Sub(&EP, &res)
		if rn, en := mat.Norm(&res, 2), mat.Norm(&EP, 2); rn > 1e-9*en {
			t.Errorf("%s: ‖E·P − proj‖ = %g (‖E·P‖ = %g)", c.name, rn, en)
		}
	}
}

// A NaN or infinite entry gives no vectors, not a panic (gonum's
// balancing panics on NaN).
func TestLargestEigvecsNotFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		E := mat.NewDense(3, 3, []float64{1, 2, 0, 0, bad, 1, 1, 0, 3})
		if _, kn := largestEigvecs(E.RawMatrix(), 2, nil); kn != 0 {
			t.Errorf("entry %v: %d vectors, want 0", bad, kn)
		}
	}
}
