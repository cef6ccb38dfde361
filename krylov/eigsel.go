package krylov

import (
	"cmp"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// largestEigvecs returns, as the first kn ≤ k columns of P (n×k), real
// vectors spanning the eigenvectors of the n×n matrix E for its k
// eigenvalues of largest modulus: a real eigenvalue gives its eigenvector,
// a complex pair the real and imaginary parts of one of its eigenvectors
// (the pair is dropped if only one column is left). kn = 0 if E has a
// NaN or infinite entry or the QR algorithm does not converge.
//
// This is what GCRO-DR's harmonic-Ritz step needs, for about half the
// cost of a full eigendecomposition (gonum's Dgeev): E is balanced and
// reduced to Hessenberg form H = QᵀEQ, the QR algorithm computes the
// eigenvalues only (no Schur vectors: the most expensive part of Dgeev
// at n = 40), and each selected eigenvector comes from two steps of
// inverse iteration on H − λI (O(n²) each, in complex arithmetic for a
// complex λ), mapped back through Q and the balancing. For an eigenvalue
// of a well-separated cluster inverse iteration converges in one step to
// working accuracy; close eigenvalues give nearly parallel vectors, which
// GCRO-DR's QR of Ĝ·P then drops as dependent (as it would Dgeev's).
//
// E is read, not modified; w (nil: allocated) holds the scratch and the
// returned P, which is valid until w's next use: with a workspace sized
// once for the largest n and k, repeated calls allocate nothing.
func largestEigvecs(E blas64.General, k int, w *eigWork) (P *mat.Dense, kn int) {
	n := E.Rows
	if n == 0 || k <= 0 {
		return mat.NewDense(max(n, 1), max(k, 1), nil), 0
	}
	if w == nil {
		w = new(eigWork)
	}
	w.size(n)
	P = reuse(&w.p, n, k)
	if n == 1 {
		if E.Data[0] != 0 {
			P.Set(0, 0, 1)
			kn = 1
		}
		return P, kn
	}
	var impl gonum.Implementation
	a := w.a
	for i := range n {
		copy(a[i*n:(i+1)*n], E.Data[i*E.Stride:i*E.Stride+n])
	}
	for _, v := range a {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return P, 0 // (gonum's balancing panics on NaN)
		}
	}
	scale, tau := w.scale, w.tau[:n-1] // (gonum wants exactly n−1)
	ilo, ihi := impl.Dgebal(lapack.PermuteScale, n, a, n, scale)
	impl.Dgehrd(n, ilo, ihi, a, n, tau, w.query[:], -1)
	lwork := int(w.query[0])
	impl.Dorghr(n, ilo, ihi, a, n, tau, w.query[:], -1)
	lwork = max(lwork, int(w.query[0]), n)
	if cap(w.work) < lwork {
		w.work = make([]float64, lwork)
	}
	work := w.work[:lwork]
	impl.Dgehrd(n, ilo, ihi, a, n, tau, work, lwork)

	// H (the reduced matrix; Dgehrd leaves the reflectors below the
	// subdiagonal) and Q (from the reflectors).
	h := w.h
	clear(h)
	for i := range n {
		for j := max(i-1, 0); j < n; j++ {
			h[i*n+j] = a[i*n+j]
		}
	}
	impl.Dorghr(n, ilo, ihi, a, n, tau, work, lwork)
	q := a

	ht := w.ht
	copy(ht, h)
	wr, wi := w.wr, w.wi
	if unconverged := impl.Dhseqr(lapack.EigenvaluesOnly, lapack.SchurNone, n, ilo, ihi, ht, n, wr, wi, nil, 1, work, lwork); unconverged > 0 {
		return P, 0
	}

	// Select the k eigenvalues of largest modulus, a conjugate pair
	// together (LAPACK stores it consecutively, positive imaginary part
	// first).
	idx, mod := w.idx, w.mod
	for i := range idx {
		idx[i] = i
		mod[i] = math.Hypot(wr[i], wi[i])
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(mod[y], mod[x]) })
	hnorm := 0.0
	for _, v := range h {
		hnorm = max(hnorm, math.Abs(v))
	}
	inv := &w.inv
	inv.reset(h, n, hnorm)
	re, im := w.re, w.im // the vector's parts, back-transformed
	used := w.used
	clear(used)
	for _, i := range idx {
		if kn == k || (wr[i] == 0 && wi[i] == 0) {
			break
		}
		if used[i] {
			continue
		}
		used[i] = true
		lam := complex(wr[i], wi[i])
		if wi[i] != 0 {
			partner := i + 1
			if wi[i] < 0 {
				partner = i - 1
				lam = cmplx.Conj(lam) // the positive-imaginary member
			}
			if partner >= 0 && partner < n {
				used[partner] = true
			}
			if kn+2 > k {
				break
			}
		}
		x := inv.vector(lam)
		// v = Q x, then undo the balancing.
		for r := range n {
			var sr, si float64
			row := q[r*n : r*n+n]
			for c, qv := range row {
				sr += qv * real(x[c])
				si += qv * imag(x[c])
			}
			re[r], im[r] = sr, si
		}
		impl.Dgebak(lapack.PermuteScale, lapack.EVRight, n, ilo, ihi, scale, 1, re, 1)
		P.SetCol(kn, re)
		kn++
		if wi[i] != 0 {
			impl.Dgebak(lapack.PermuteScale, lapack.EVRight, n, ilo, ihi, scale, 1, im, 1)
			P.SetCol(kn, im)
			kn++
		}
	}
	return P, kn
}

// eigWork is largestEigvecs's scratch and result; its slices grow to the
// largest n seen and are then reused.
type eigWork struct {
	a, h, ht                        []float64 // n×n
	scale, tau, wr, wi, mod, re, im []float64 // n
	work                            []float64 // LAPACK workspace
	query                           [1]float64
	idx                             []int
	used                            []bool
	inv                             hessInverse
	p                               mat.Dense // the result, n×k
}

// init sizes w for n×n matrices and k vectors, LAPACK's workspace
// included, so that later calls with smaller sizes allocate nothing.
func (w *eigWork) init(n, k int) {
	if n < 2 || k < 1 {
		return
	}
	w.size(n)
	reuse(&w.p, n, k)
	w.inv.reset(w.h, n, 0)
	var impl gonum.Implementation
	impl.Dgehrd(n, 0, n-1, w.a, n, w.tau[:n-1], w.query[:], -1)
	lwork := int(w.query[0])
	impl.Dorghr(n, 0, n-1, w.a, n, w.tau[:n-1], w.query[:], -1)
	w.work = make([]float64, max(lwork, int(w.query[0]), n))
}

// size slices w's buffers to n, growing them if they are too short.
func (w *eigWork) size(n int) {
	grow := func(b []float64, l int) []float64 {
		if cap(b) < l {
			return make([]float64, l)
		}
		return b[:l]
	}
	w.a, w.h, w.ht = grow(w.a, n*n), grow(w.h, n*n), grow(w.ht, n*n)
	w.scale, w.tau, w.wr, w.wi = grow(w.scale, n), grow(w.tau, n), grow(w.wr, n), grow(w.wi, n)
	w.mod, w.re, w.im = grow(w.mod, n), grow(w.re, n), grow(w.im, n)
	if cap(w.idx) < n {
		w.idx, w.used = make([]int, n), make([]bool, n)
	}
	w.idx, w.used = w.idx[:n], w.used[:n]
}

// hessInverse does inverse iteration on an upper Hessenberg matrix.
type hessInverse struct {
	h    []float64 // n×n row-major, zero below the subdiagonal
	n    int
	tiny float64 // replaces a zero pivot: ε·‖H‖
	perm []bool
	m    []complex128
	x    []complex128
	mr   []float64 // real λ: the same in real arithmetic
	xr   []float64
}

// reset points v at the n×n Hessenberg h (row-major, ‖h‖_max = hnorm),
// growing its buffers if they are too short.
func (v *hessInverse) reset(h []float64, n int, hnorm float64) {
	// ε·‖H‖, relative: an absolute floor (max(‖H‖, 1)·ε) is no longer
	// tiny when ‖H‖ ≪ 1 (the harmonic Ritz matrix of GCRO-DR is ~1/‖A‖),
	// and the vectors stop being eigenvectors.
	v.h, v.n, v.tiny = h, n, hnorm*0x1p-52
	if v.tiny == 0 {
		v.tiny = math.SmallestNonzeroFloat64
	}
	if cap(v.perm) < n {
		v.perm, v.x, v.xr = make([]bool, n), make([]complex128, n), make([]float64, n)
	}
	if cap(v.m) < n*n {
		v.m, v.mr = make([]complex128, n*n), make([]float64, n*n)
	}
	v.perm, v.x, v.xr = v.perm[:n], v.x[:n], v.xr[:n]
	v.m, v.mr = v.m[:n*n], v.mr[:n*n]
}

// vector returns a unit eigenvector estimate of H for the eigenvalue λ
// (see invIter), in real arithmetic when λ is real. The returned slice is
// reused by the next call.
func (v *hessInverse) vector(lam complex128) []complex128 {
	n := v.n
	if imag(lam) == 0 {
		copy(v.mr, v.h)
		for i := range n {
			v.mr[i*n+i] -= real(lam)
		}
		invIter(v.mr, v.xr, v.perm, v.tiny,
			func(f float64) float64 { return f }, math.Abs)
		for i, c := range v.xr {
			v.x[i] = complex(c, 0)
		}
		return v.x
	}
	for i, h := range v.h {
		v.m[i] = complex(h, 0)
	}
	for i := range n {
		v.m[i*n+i] -= lam
	}
	invIter(v.m, v.x, v.perm, v.tiny,
		func(f float64) complex128 { return complex(f, 0) },
		func(c complex128) float64 { return math.Abs(real(c)) + math.Abs(imag(c)) })
	return v.x
}

// invIter sets x to an eigenvector estimate of a Hessenberg matrix whose
// shifted form H − λI is m (n×n row-major, overwritten by its LU
// factors): two solves from a fixed start, each followed by a rescaling
// so that the largest component (in the norm abs) is 1. The LU uses
// partial pivoting, which on a Hessenberg matrix only swaps neighbouring
// rows (perm[i]: rows i and i+1 swapped), so a solve is O(n²); a zero
// pivot is replaced by tiny. of converts a real to the scalar type.
func invIter[T float64 | complex128](m, x []T, perm []bool, tiny float64, of func(float64) T, abs func(T) float64) {
	n := len(x)
	for i := 0; i < n-1; i++ {
		perm[i] = abs(m[(i+1)*n+i]) > abs(m[i*n+i])
		if perm[i] {
			for j := i; j < n; j++ {
				m[i*n+j], m[(i+1)*n+j] = m[(i+1)*n+j], m[i*n+j]
			}
		}
		if m[i*n+i] == 0 {
			m[i*n+i] = of(tiny)
		}
		l := m[(i+1)*n+i] / m[i*n+i]
		m[(i+1)*n+i] = l
		for j := i + 1; j < n; j++ {
			m[(i+1)*n+j] -= l * m[i*n+j]
		}
	}
	if m[(n-1)*n+n-1] == 0 {
		m[(n-1)*n+n-1] = of(tiny)
	}
	for i := range x {
		x[i] = of(1 + float64(i%7)*0.125) // a start with no special structure
	}
	for range 2 {
		// Forward: the row swaps and eliminations; then back substitution.
		for i := 0; i < n-1; i++ {
			if perm[i] {
				x[i], x[i+1] = x[i+1], x[i]
			}
			x[i+1] -= m[(i+1)*n+i] * x[i]
		}
		for i := n - 1; i >= 0; i-- {
			s := x[i]
			for j := i + 1; j < n; j++ {
				s -= m[i*n+j] * x[j]
			}
			x[i] = s / m[i*n+i]
		}
		// Rescale (no overflow: a solve grows x by about 1/tiny at most).
		big := 0.0
		for _, c := range x {
			big = max(big, abs(c))
		}
		if !(big > 0) || math.IsInf(big, 0) {
			return
		}
		f := of(1 / big)
		for i := range x {
			x[i] *= f
		}
	}
}
