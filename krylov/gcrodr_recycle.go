package krylov

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// Deflation thresholds of the recycled space.
const (
	// rebuildDropTol: when C = A·M·U is rebuilt, a column whose norm after
	// orthogonalisation against the previous ones falls below this
	// fraction of ‖A·M·u‖ is dropped (√ε: keeping it would scale u by
	// more than 1/√ε).
	rebuildDropTol = 1.5e-8
	// updateDropTol: in the thin QR of Ĝ·P, a column reduced below this
	// fraction of its norm is dropped as dependent.
	updateDropTol = 1e-10
	// updateGainTol: a new recycled vector u (‖c‖ = 1 for c = A·M·u)
	// whose gain 1/‖u‖ is below this fraction of the largest gain among
	// the cycle's basis vectors is dropped (√ε, as rebuildDropTol): C =
	// A·M·U holds for it only to about ε/gain relative to ‖c‖.
	updateGainTol = 1.5e-8
	// rankTol: the update is skipped (U and C kept) when Ĝ's triangular
	// factor R has a diagonal entry below rankTol times its largest one.
	rankTol = 1e-13
	// ctuRefresh: CᵀU is carried from update to update by small products
	// and recomputed from the vectors every ctuRefresh updates.
	ctuRefresh = 16
)

// rebuild recomputes C = A·M·U for a new operator or preconditioner:
// column by column, c_q = A·M·u_j orthogonalised against c_0..c_{q−1}
// (CGS+DGKS), then u_q ← (u_j − Σ h_i u_i)/‖c_q‖ so that C = A·M·U still
// holds with C orthonormal (this is QR(A·M·U) = Q·R, C ← Q, U ← U·R⁻¹).
// Columns whose image is numerically dependent are dropped, and so are
// columns that A·M (nearly) annihilates: gain ‖A·M·u‖/‖u‖ below rankTol
// times this operator's scale, the largest gain of its columns. Such a u
// would be scaled by ~1/ε, its c would be round-off, and the update would
// refuse every Ĝ holding it. When every column's gain is below rankTol
// times the previous operator's (amNorm: all of them annihilated, or an
// operator ~1e13 times smaller), or no operator was seen before (a space
// imported into a fresh solver, where a single annihilated column would
// otherwise be its own reference), one more product, A·M·b, measures this
// operator's scale; the previous operator's is never the reference (a
// sequence whose operators change scale would lose good columns).
func (s *GCRODR) rebuild(A, M linop.Operator, b []float64) {
	cur := 0.0 // this operator's largest gain
	for j := 0; j < s.kk; j++ {
		s.applyAM(s.c[j], A, M, s.u[j])
		s.lastStat.RebuildMatVecs++
		if g := vec.Norm(s.c[j]) / vec.Norm(s.u[j]); g > cur && !math.IsInf(g, 0) {
			cur = g
		}
	}
	ref := cur
	if nb := vec.Norm(b); s.kk > 0 && (s.amNorm == 0 || cur <= rankTol*s.amNorm) && nb > 0 {
		s.applyAM(s.v[0], A, M, b)
		s.lastStat.RebuildMatVecs++
		if g := vec.Norm(s.v[0]) / nb; g > ref && !math.IsInf(g, 0) {
			ref = g
		}
	}
	q := 0
	for j := 0; j < s.kk && q < s.n-1; j++ { // at most n − 1: see updateRecycled
		if q != j {
			copy(s.u[q], s.u[j])
			copy(s.c[q], s.c[j])
		}
		cq := s.c[q]
		before := vec.Norm(cq)
		hn := orthogonalize(s.c[:q], cq, s.hcol, s.tmp, OrthogAuto)
		if !(hn > rebuildDropTol*before) {
			s.lastStat.Deflated++
			continue
		}
		for i := 0; i < q; i++ {
			s.tmp[i] = -s.hcol[i]
		}
		vec.MultiAxpy(s.u[q], s.tmp[:q], s.u[:q])
		if !(hn > rankTol*ref*vec.Norm(s.u[q])) {
			s.lastStat.Deflated++
			continue
		}
		scaleVec(1/hn, s.u[q])
		scaleVec(1/hn, cq)
		q++
	}
	s.kk = q
	s.amNorm = cur
	s.ctuOK, s.usqOK = false, false
}

// updateRecycled replaces U and C by the harmonic Ritz vectors of the
// cycle just finished (jj Arnoldi steps): see the GCRODR doc for the
// eigenproblem and its reduction. If the small problem is numerically
// rank deficient or the eigensolver fails, U and C are kept (they remain
// valid: C = A·M·U is unchanged) and it returns false.
func (s *GCRODR) updateRecycled(jj int) bool {
	kk, m, n := s.kk, s.m, s.n
	mm := kk + jj
	if mm == 0 || n == 0 {
		return false
	}
	// D = diag(1/‖u_i‖): the norms come with U from the last update's
	// combine, or are computed here after a rebuild or an import.
	for i := 0; i < kk; i++ {
		if nrm := math.Sqrt(s.usq[i]); s.usqOK && nrm > 0 && !math.IsInf(nrm, 0) {
			s.dnorm[i] = 1 / nrm
		} else {
			s.dnorm[i] = 1 / vec.Norm(s.u[i])
		}
	}
	// Ĝ = [D B; 0 H̄], (mm+1)×mm.
	w := &s.upd
	G := reuse(&w.g, mm+1, mm)
	for i := 0; i < kk; i++ {
		G.Set(i, i, s.dnorm[i])
		for j := 0; j < jj; j++ {
			G.Set(i, kk+j, s.bk[i*m+j])
		}
	}
	for i := 0; i <= jj; i++ {
		for j := max(i-1, 0); j < jj; j++ {
			G.Set(kk+i, kk+j, s.hess[i*m+j])
		}
	}
	// ŴᵀV̂ = [CᵀUD 0; V_{jj+1}ᵀUD I_{(jj+1)×jj}]. CᵀU is kept up to date
	// from small matrices (see below); V_{jj+1}ᵀU is new each cycle.
	WV := reuse(&w.wv, mm+1, mm)
	if kk > 0 {
		if !s.ctuOK {
			gram(s.ctu, s.k, s.c[:kk], s.u[:kk])
			s.ctuOK = true
		}
		vtu := s.vtu[:(jj+1)*kk]
		gram(vtu, kk, s.v[:jj+1], s.u[:kk])
		for l := 0; l < kk; l++ {
			for i := 0; i < kk; i++ {
				WV.Set(i, l, s.ctu[i*s.k+l]*s.dnorm[l])
			}
			for i := 0; i <= jj; i++ {
				WV.Set(kk+i, l, vtu[i*kk+l]*s.dnorm[l])
			}
		}
	}
	for i := 0; i < jj; i++ {
		WV.Set(kk+i, kk+i, 1)
	}

	// At most n − 1 vectors: a C spanning all of Rⁿ leaves the next cycle
	// nothing to search, and its starting residual, r − C·Cᵀr, is then
	// rounding noise that is not orthogonal to C, so the update after it
	// put more columns than n into a C that was no longer orthonormal
	// (13 for n = 5 on four systems, GCRO-DR(40, 20)).
	P, kn := harmonicRitz(G, WV, min(s.k, n-1), w)
	if kn == 0 {
		return false
	}

	// Thin QR of Ĝ·P by Gram–Schmidt with reorthogonalisation, dropping
	// dependent columns.
	// (P's columns past kn are zero, and so are GP's.)
	GP := &w.gp
	GP.Reset()
	GP.Mul(G, P)
	Q := reuse(&w.q, mm+1, kn)
	Rt := reuse(&w.rt, kn, kn)
	keep := w.keep[:0]
	col := w.col[:mm+1]
	for j := 0; j < kn; j++ {
		mat.Col(col, j, GP)
		orig := smallNorm(col)
		q := len(keep)
		for pass := 0; pass < 2; pass++ {
			for t := 0; t < q; t++ {
				h := 0.0
				for l := 0; l <= mm; l++ {
					h += Q.At(l, t) * col[l]
				}
				for l := 0; l <= mm; l++ {
					col[l] -= h * Q.At(l, t)
				}
				Rt.Set(t, q, Rt.At(t, q)+h)
			}
		}
		nrm := smallNorm(col)
		if !(nrm > updateDropTol*orig) {
			for t := 0; t < q; t++ {
				Rt.Set(t, q, 0)
			}
			s.lastStat.Deflated++
			continue
		}
		for l := 0; l <= mm; l++ {
			Q.Set(l, q, col[l]/nrm)
		}
		Rt.Set(q, q, nrm)
		keep = append(keep, j)
	}
	kq := len(keep)
	if kq == 0 {
		return false
	}
	// Pu = P_keep · R⁻¹ (row-wise forward substitution x·R = p).
	Pu := reuse(&w.pu, mm, kq)
	for l := 0; l < mm; l++ {
		for j := 0; j < kq; j++ {
			t := P.At(l, keep[j])
			for i := 0; i < j; i++ {
				t -= Pu.At(l, i) * Rt.At(i, j)
			}
			Pu.Set(l, j, t/Rt.At(j, j))
		}
	}

	// U₂ = V̂·Pu and C₂ = Ŵ·Q.
	cu := s.cu[:kq*mm] // row i: coefficients of new u_i on [U, V_jj]
	cc := s.cc[:kq*(mm+1)]
	for i := 0; i < kq; i++ {
		for l := 0; l < mm; l++ {
			f := Pu.At(l, i)
			if l < kk {
				f *= s.dnorm[l]
			}
			cu[i*mm+l] = f
		}
		for l := 0; l <= mm; l++ {
			cc[i*(mm+1)+l] = Q.At(l, i)
		}
	}
	wu, wc := s.basis[:mm], s.basis2[:mm+1]
	copy(wu, s.u[:kk])
	copy(wu[kk:], s.v[:jj])
	copy(wc, s.c[:kk])
	copy(wc[kk:], s.v[:jj+1])
	combineSets(combineSet{out: s.u2[:kq], basis: wu, coef: cu, ld: mm, sq: s.usq[:kq]},
		combineSet{out: s.c2[:kq], basis: wc, coef: cc, ld: mm + 1})

	// Gain test: drop new columns that A·M nearly annihilates.
	kept := s.dropAnnihilated(G, kq)
	if kept == 0 {
		// U and C are kept, but combine overwrote usq with U₂'s norms.
		s.usqOK = false
		return false
	}
	dropped := kept < kq
	kq = kept

	// New CᵀU = Qᵀ (ŴᵀV̂) Pu, exact in exact arithmetic; recomputed from
	// the vectors every ctuRefresh updates to bound the drift, and when
	// the gain test dropped columns (Q and Pu no longer match U₂, C₂).
	s.updates++
	if dropped || s.updates%ctuRefresh == 0 {
		s.ctuOK = false
	} else {
		t, ctu := &w.t, reuse(&w.ctu, kq, kq)
		t.Reset()
		t.Mul(WV, Pu)
		// ctu = Q[:, :kq]ᵀt (Q's first kq columns are the kept ones) by
		// BLAS directly: mat's Mul(Q.T(), t) would box the transpose on
		// the heap.
		qk := Q.RawMatrix()
		qk.Cols = kq
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, qk, t.RawMatrix(), 0, ctu.RawMatrix())
		for i := 0; i < kq; i++ {
			for l := 0; l < kq; l++ {
				s.ctu[i*s.k+l] = ctu.At(i, l)
			}
		}
		s.ctuOK = true
	}
	s.u, s.u2 = s.u2, s.u
	s.c, s.c2 = s.c2, s.c
	s.kk = kq
	s.usqOK = true
	return true
}

// harmonicRitz returns, as the first kn ≤ k columns of P (mm×k), real
// vectors spanning the harmonic Ritz vectors of the pencil
// (ĜᵀĜ, ĜᵀŴᵀV̂) with the kn smallest |θ|, G = Ĝ ((mm+1)×mm, full column
// rank, upper Hessenberg: [D B; 0 H̄] is) and WV = ŴᵀV̂ ((mm+1)×mm): with
// μ = 1/θ the problem is Ĝ⁺ŴᵀV̂ z = μ z. Ĝ = QR by mm Givens rotations,
// applied to ŴᵀV̂ as they are made (O(mm²) each for Ĝ and ŴᵀV̂, where a
// Householder QR and the application of its Qᵀ cost O(mm³) with
// allocations), then Ĝ⁺ŴᵀV̂ = R⁻¹(QᵀŴᵀV̂)[:mm] by back substitution, and
// largestEigvecs keeps the eigenvalues of largest |μ| (nonzero), a complex
// pair as the real and imaginary parts of its eigenvector (dropped if only
// one slot is left), at about half the cost of a full eigendecomposition.
// Entries of G below its subdiagonal are not read. kn = 0 when Ĝ is
// numerically rank deficient or the eigensolver fails. G and WV are not
// modified; w (nil: allocated) holds the rotated copies and the
// eigensolver's scratch, and P, which is valid until w's next use.
func harmonicRitz(G, WV *mat.Dense, k int, w *updateWork) (P *mat.Dense, kn int) {
	_, mm := G.Dims()
	if w == nil {
		w = new(updateWork)
	}
	gm, wm := reuse(&w.gr, mm+1, mm), reuse(&w.wr, mm+1, mm)
	gm.Copy(G)
	wm.Copy(WV)
	g, wt := gm.RawMatrix(), wm.RawMatrix()
	for j := 0; j < mm; j++ {
		gj, gj1 := g.Data[j*g.Stride:j*g.Stride+mm], g.Data[(j+1)*g.Stride:(j+1)*g.Stride+mm]
		c, sn, r := rotg(gj[j], gj1[j])
		gj[j], gj1[j] = r, 0
		if sn == 0 && c == 1 {
			continue
		}
		for l := j + 1; l < mm; l++ {
			x, y := gj[l], gj1[l]
			gj[l], gj1[l] = c*x+sn*y, c*y-sn*x
		}
		wj, wj1 := wt.Data[j*wt.Stride:j*wt.Stride+mm], wt.Data[(j+1)*wt.Stride:(j+1)*wt.Stride+mm]
		for l := range wj {
			x, y := wj[l], wj1[l]
			wj[l], wj1[l] = c*x+sn*y, c*y-sn*x
		}
	}
	dmax, dmin := 0.0, math.Inf(1)
	for i := 0; i < mm; i++ {
		d := math.Abs(g.Data[i*g.Stride+i])
		dmax = max(dmax, d)
		dmin = min(dmin, d)
	}
	if !(dmin > rankTol*dmax) {
		return nil, 0
	}
	// E = R⁻¹ (QᵀŴᵀV̂)[:mm], row by row from the bottom.
	for i := mm - 1; i >= 0; i-- {
		ei := wt.Data[i*wt.Stride : i*wt.Stride+mm]
		gi := g.Data[i*g.Stride : i*g.Stride+mm]
		for t := i + 1; t < mm; t++ {
			if f := gi[t]; f != 0 {
				et := wt.Data[t*wt.Stride : t*wt.Stride+mm]
				for l := range ei {
					ei[l] -= f * et[l]
				}
			}
		}
		inv := 1 / gi[i]
		for l := range ei {
			ei[l] *= inv
		}
	}
	return largestEigvecs(blas64.General{Rows: mm, Cols: mm, Stride: wt.Stride, Data: wt.Data}, k, &w.eig)
}

// updateWork is the small dense scratch of updateRecycled and
// harmonicRitz (all of size O(m²)). NewGCRODR sizes it once for mm ≤ m,
// so that the updates, run every cycle, allocate nothing of their own
// (gonum's Dlahqr, inside the eigensolver, still makes a few small
// objects).
type updateWork struct {
	g, wv  mat.Dense // Ĝ and ŴᵀV̂, (mm+1)×mm
	gr, wr mat.Dense // harmonicRitz's rotated copies of them
	eig    eigWork
	gp     mat.Dense // Ĝ·P, (mm+1)×k
	q, rt  mat.Dense // its thin QR: (mm+1)×kn and kn×kn
	pu     mat.Dense // P·R⁻¹, mm×kq
	t, ctu mat.Dense // ŴᵀV̂·Pu and Qᵀ(ŴᵀV̂·Pu)
	col    []float64 // m+1
	keep   []int     // ≤ k
}

// init sizes w for GCRO-DR(m, k): every later use with mm ≤ m reuses
// this storage. With k = 0 there are no updates and nothing is allocated.
func (w *updateWork) init(m, k int) {
	if k < 1 || m < 1 {
		return
	}
	for _, d := range []struct {
		m    *mat.Dense
		r, c int
	}{
		{&w.g, m + 1, m}, {&w.wv, m + 1, m}, {&w.gr, m + 1, m}, {&w.wr, m + 1, m},
		{&w.gp, m + 1, k}, {&w.q, m + 1, k}, {&w.rt, k, k}, {&w.pu, m, k}, {&w.t, m + 1, k}, {&w.ctu, k, k},
	} {
		reuse(d.m, d.r, d.c)
	}
	w.col, w.keep = make([]float64, m+1), make([]int, 0, k)
	w.eig.init(m, k)
}

// reuse returns d resized to a zero r×c matrix, in its own storage when
// that is large enough (gonum's Reset keeps the backing slice).
func reuse(d *mat.Dense, r, c int) *mat.Dense {
	d.Reset()
	d.ReuseAs(r, c)
	return d
}

// dropAnnihilated applies the gain test to the kq new columns of an
// update, U₂ and C₂ = A·M·U₂ with ‖c_i‖ = 1, so that the gain
// ‖A·M·u_i‖/‖u_i‖ is 1/‖u_i‖ (‖u_i‖² is in usq). A column whose gain is
// below updateGainTol times the cycle's scale, the largest column norm of
// Ĝ (the largest gain among the basis vectors V̂ of the cycle), is
// dropped; the others are moved to the front of U₂, C₂ and usq, in
// order. It returns the number kept.
//
// Such a u is nearly a null vector of A·M: a harmonic Ritz vector of a
// singular A·M with b outside its range. Its column of U would be scaled
// by the reciprocal of a round-off gain, and C = A·M·U would hold only
// to the rounding error times that factor: on A = diag(1, …, 49, 0), b = 1,
// GCRO-DR(30, 10) kept a column of gain 1e-21 relative, ‖c − A·u‖ = 32,
// and the residual estimate fell to 1e-4 (the least-squares minimum is 1)
// while the true residual grew to 2e5.
func (s *GCRODR) dropAnnihilated(G *mat.Dense, kq int) int {
	_, mm := G.Dims()
	col := s.upd.col[:mm+1]
	scale := 0.0
	for j := 0; j < mm; j++ {
		mat.Col(col, j, G)
		scale = max(scale, smallNorm(col[:min(j+2, mm+1)]))
	}
	q := 0
	for i := 0; i < kq; i++ {
		nrm := math.Sqrt(s.usq[i])
		if !(nrm > 0) || math.IsInf(nrm, 0) {
			nrm = vec.Norm(s.u2[i]) // the sum of squares left the range
		}
		if !(1/nrm/scale >= updateGainTol) {
			s.lastStat.Deflated++
			continue
		}
		if q != i {
			s.u2[q], s.u2[i] = s.u2[i], s.u2[q]
			s.c2[q], s.c2[i] = s.c2[i], s.c2[q]
			s.usq[q] = s.usq[i]
		}
		q++
	}
	return q
}
