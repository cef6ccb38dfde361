package ot

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
)

// passes runs the O(n·m) sweeps of the entropic solvers over the reduced
// problem, in parallel over blocks of rows (row sweeps) or of columns
// (column sweeps). Every output entry is computed by one worker in a
// fixed order, so results are bit-identical whatever GOMAXPROCS is. A
// passes value is reused for all iterations of a solve: sweeps allocate
// nothing.
type passes struct {
	p     *problem
	inv   float64 // 1/reg
	parts int

	// Log-domain state: potentials divided by reg.
	F, G []float64

	// Scaling-form state: K (n×m, row-major) and scalings u, v.
	K    []float64
	u, v []float64

	rowsum, colsum []float64
	rowcost        []float64
	plan           []float64

	op  passOp
	cur int     // parts of the sweep in progress
	reg float64 // for opBuildK: K = exp(F_i + G_j − C_ij/reg) with F, G scaled by this reg

	// Fused scaling pass (opFused): row blocks, their partial Kᵀu sums,
	// and the row update rule.
	nb      int
	partial []float64 // nb × m
	trouble []bool    // per block: a row sum was 0 or Inf
	unbal   bool      // unbalanced row update
	phi     float64
	t       []float64 // unbalanced: log u (the exponent of the row update)
	la, lb  []float64 // unbalanced: log a, log b
}

// fusedBlocks is the number of row blocks of the fused scaling pass. It is
// fixed (not tied to GOMAXPROCS) so that the partial column sums, and so
// every result, are the same on any machine.
const fusedBlocks = 16

type passOp int

const (
	opColExp   passOp = iota // colsum_j = Σ_i exp(F_i + G_j − C_ij/reg)
	opRowExp                 // rowsum_i = Σ_j exp(F_i + G_j − C_ij/reg)
	opPlan                   // plan = exp(F_i + G_j − C_ij/reg); rowsum, rowcost
	opPlanCols               // colsum_j = Σ_i plan_ij
	opBuildK                 // K = exp(F_i + G_j − C_ij/reg)
	opKtu                    // colsum = Kᵀu
	opKv                     // rowsum = K v
	opPlanUKV                // plan = u_i K_ij v_j; rowsum, rowcost
	opFused                  // rowsum = K v, u from rowsum, partial Kᵀu per row block
	opReduce                 // colsum = Σ_blocks partial
)

// parallelMin is the number of matrix entries below which sweeps with
// exponentials run serially: waking the workers costs more than the
// sweep. Sweeps without exponentials (a multiply-add per entry) are ~10×
// cheaper per entry and run serially below parallelMinCheap.
const (
	partsPerProc     = 4
	parallelMin      = 1 << 14
	parallelMinCheap = 1 << 18
)

func newPasses(p *problem) *passes {
	w := &passes{p: p, inv: 1 / p.reg, reg: p.reg}
	w.F = make([]float64, p.n)
	w.G = make([]float64, p.m)
	w.rowsum = make([]float64, p.n)
	w.colsum = make([]float64, p.m)
	w.rowcost = make([]float64, p.n)
	w.parts = 1
	if p.n*p.m >= parallelMin {
		// More parts than cores, claimed dynamically: a worker that
		// wakes late (tens of microseconds on a virtual machine) still
		// finds work, instead of the caller running every part alone.
		// Each part writes only its own outputs, so results do not
		// depend on the split.
		w.parts = partsPerProc * par.Procs()
	}
	return w
}

func (w *passes) run(op passOp) {
	w.op = op
	parts := w.parts
	switch op {
	case opPlanCols, opKtu, opKv, opFused, opReduce, opPlanUKV:
		if w.p.n*w.p.m < parallelMinCheap {
			parts = 1
		}
	}
	switch op {
	case opColExp, opPlanCols, opKtu, opReduce:
		parts = min(parts, w.p.m)
	case opFused:
		if parts > 1 {
			parts = w.nb // one fixed row block per part
		}
	default:
		parts = min(parts, w.p.n)
	}
	w.cur = parts
	par.Run(parts, w)
}

// Run does part p of the current sweep.
func (w *passes) Run(part int) {
	p := w.p
	n, m := p.n, p.m
	switch w.op {
	case opColExp:
		lo, hi := par.Split(m, w.cur, part)
		acc := w.colsum[lo:hi]
		clear(acc)
		g := w.G[lo:hi]
		for i := 0; i < n; i++ {
			axpyExpShift(acc, p.c[i*p.ld+lo:i*p.ld+hi], g, w.F[i], w.inv)
		}
	case opRowExp:
		lo, hi := par.Split(n, w.cur, part)
		for i := lo; i < hi; i++ {
			w.rowsum[i] = sumExpShift(p.row(i), w.G, w.F[i], w.inv)
		}
	case opPlan:
		lo, hi := par.Split(n, w.cur, part)
		for i := lo; i < hi; i++ {
			dst := w.plan[i*m : (i+1)*m]
			w.rowsum[i] = writeExpShift(dst, p.row(i), w.G, w.F[i], w.inv)
			w.rowcost[i] = floats.Dot(dst, p.row(i))
		}
	case opPlanCols:
		lo, hi := par.Split(m, w.cur, part)
		acc := w.colsum[lo:hi]
		clear(acc)
		for i := 0; i < n; i++ {
			row := w.plan[i*m+lo : i*m+hi]
			for j, v := range row {
				acc[j] += v
			}
		}
	case opBuildK:
		lo, hi := par.Split(n, w.cur, part)
		inv := 1 / w.reg
		for i := lo; i < hi; i++ {
			writeExpShift(w.K[i*m:(i+1)*m], p.row(i), w.G, w.F[i], inv)
		}
	case opKtu:
		lo, hi := par.Split(m, w.cur, part)
		acc := w.colsum[lo:hi]
		clear(acc)
		for i := 0; i < n; i++ {
			if ui := w.u[i]; ui != 0 {
				floats.AddScaled(acc, ui, w.K[i*m+lo:i*m+hi])
			}
		}
	case opKv:
		lo, hi := par.Split(n, w.cur, part)
		for i := lo; i < hi; i++ {
			w.rowsum[i] = floats.Dot(w.K[i*m:(i+1)*m], w.v)
		}
	case opFused:
		for blk := part; blk < w.nb; blk += w.cur {
			lo, hi := split4(n, w.nb, blk)
			acc := w.partial[blk*m : (blk+1)*m]
			clear(acc)
			w.trouble[blk] = false
			// Four rows at a time: their dot products with v in one pass
			// and their contributions to Kᵀu in another, each reading
			// the accumulator or v once for four rows (vec.Dot4, Axpy4:
			// AVX2/FMA on amd64). K is often cache-resident here, which
			// makes the sweep bound by arithmetic, not memory.
			i := lo
			for ; i+4 <= hi; i += 4 {
				k0, k1, k2, k3 := w.K[i*m:(i+1)*m], w.K[(i+1)*m:(i+2)*m], w.K[(i+2)*m:(i+3)*m], w.K[(i+3)*m:(i+4)*m]
				s0, s1, s2, s3 := vec.Dot4(k0, k1, k2, k3, w.v)
				if bad(s0) || bad(s1) || bad(s2) || bad(s3) {
					for r := i; r < i+4; r++ {
						w.fusedRow(blk, r, acc)
					}
					continue
				}
				u0, u1, u2, u3 := w.rowScaling(i, s0), w.rowScaling(i+1, s1), w.rowScaling(i+2, s2), w.rowScaling(i+3, s3)
				w.rowsum[i], w.rowsum[i+1], w.rowsum[i+2], w.rowsum[i+3] = s0, s1, s2, s3
				vec.Axpy4(acc, u0, u1, u2, u3, k0, k1, k2, k3)
			}
			for ; i < hi; i++ {
				w.fusedRow(blk, i, acc)
			}
		}
	case opReduce:
		lo, hi := par.Split(m, w.cur, part)
		acc := w.colsum[lo:hi]
		copy(acc, w.partial[lo:hi])
		for blk := 1; blk < w.nb; blk++ {
			floats.Add(acc, w.partial[blk*m+lo:blk*m+hi])
		}
	case opPlanUKV:
		lo, hi := par.Split(n, w.cur, part)
		for i := lo; i < hi; i++ {
			dst := w.plan[i*m : (i+1)*m]
			ui := w.u[i]
			k := w.K[i*m : (i+1)*m]
			s := 0.0
			for j, kj := range k {
				v := ui * kj * w.v[j]
				dst[j] = v
				s += v
			}
			w.rowsum[i] = s
			w.rowcost[i] = floats.Dot(dst, p.row(i))
		}
	}
}

// split4 is par.Split with every boundary but the last rounded down to a
// multiple of 4, so that the fused sweep's blocks run whole groups of
// four rows through the vector kernels and leave the single-row path to
// the last block's last n mod 4 rows.
func split4(n, parts, p int) (lo, hi int) {
	lo, hi = par.Split(n, parts, p)
	if lo < n {
		lo &^= 3
	}
	if hi < n {
		hi &^= 3
	}
	return lo, hi
}

// fusedRow is the fused sweep for row i alone: rowsum[i] = K_i·v, u[i]
// from it, acc += u[i]·K_i; a row sum of 0 or Inf marks block blk as in
// trouble and leaves u[i] unchanged.
func (w *passes) fusedRow(blk, i int, acc []float64) {
	k := w.K[i*w.p.m : (i+1)*w.p.m]
	s := floats.Dot(k, w.v)
	w.rowsum[i] = s
	if bad(s) {
		w.trouble[blk] = true
		return
	}
	floats.AddScaled(acc, w.rowScaling(i, s), k)
}

// rowScaling sets and returns the new row scaling u[i] from the row sum
// s = (K v)ᵢ > 0: a[i]/s, or for unbalanced OT exp(φ(log a[i] − log s) +
// (φ−1)F[i]), recording the exponent in t[i].
func (w *passes) rowScaling(i int, s float64) float64 {
	var ui float64
	if w.unbal {
		t := w.phi*(w.la[i]-math.Log(s)) + (w.phi-1)*w.F[i]
		w.t[i] = t
		ui = fexp(t)
	} else {
		ui = w.p.a[i] / s
	}
	w.u[i] = ui
	return ui
}

// fused runs one sweep over K: rowsum = K v, the row scaling u from it
// (a/rowsum, or the unbalanced rule), and colsum = Kᵀu with the new u. It
// reports whether some row sum was 0 or infinite (those rows keep their
// old u). One pass over K instead of two halves the memory traffic of the
// scaling iterations.
func (w *passes) fused() (trouble bool) {
	p := w.p
	if w.partial == nil {
		w.nb = min(fusedBlocks, p.n)
		w.partial = make([]float64, w.nb*p.m)
		w.trouble = make([]bool, w.nb)
	}
	w.run(opFused)
	w.run(opReduce)
	for _, t := range w.trouble {
		trouble = trouble || t
	}
	return trouble
}

// dot is a serial dot product with two accumulators.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1 float64
	j := 0
	for ; j+1 < len(x); j += 2 {
		s0 += x[j] * y[j]
		s1 += x[j+1] * y[j+1]
	}
	if j < len(x) {
		s0 += x[j] * y[j]
	}
	return s0 + s1
}

// bad reports whether a plan marginal cannot be used in a log update.
func bad(s float64) bool { return !(s > 0) || math.IsInf(s, 1) }

// exactRowLSE returns log Σ_j exp(G_j − C_ij/reg), max-shifted with
// math.Exp: the fallback when the shifted sweep under- or overflowed.
func (w *passes) exactRowLSE(i int) float64 {
	row := w.p.row(i)
	mx := math.Inf(-1)
	for j, c := range row {
		mx = math.Max(mx, w.G[j]-c*w.inv)
	}
	if math.IsInf(mx, 0) {
		return mx
	}
	s := 0.0
	for j, c := range row {
		s += math.Exp(w.G[j] - c*w.inv - mx)
	}
	return mx + math.Log(s)
}

// exactColLSE returns log Σ_i exp(F_i − C_ij/reg), max-shifted.
func (w *passes) exactColLSE(j int) float64 {
	p := w.p
	mx := math.Inf(-1)
	for i := 0; i < p.n; i++ {
		mx = math.Max(mx, w.F[i]-p.c[i*p.ld+j]*w.inv)
	}
	if math.IsInf(mx, 0) {
		return mx
	}
	s := 0.0
	for i := 0; i < p.n; i++ {
		s += math.Exp(w.F[i] - p.c[i*p.ld+j]*w.inv - mx)
	}
	return mx + math.Log(s)
}

// updateG sets G_j = log b_j − log Σ_i exp(F_i − C_ij/reg) from the
// column sums of the current plan (colsum, computed by opColExp with the
// current F and G): G_j += log b_j − log colsum_j, or the exact
// log-sum-exp when colsum_j is zero or infinite. phi < 1 damps the update
// for the unbalanced problem (G = phi·(log b − LSE)).
func (w *passes) updateG(phi float64) {
	lb := w.p.b
	for j, s := range w.colsum {
		var lse float64
		if bad(s) {
			lse = w.exactColLSE(j)
		} else {
			lse = math.Log(s) - w.G[j]
		}
		w.G[j] = phi * (math.Log(lb[j]) - lse)
	}
}

// updateF is updateG for the rows (uses rowsum from opRowExp).
func (w *passes) updateF(phi float64) {
	la := w.p.a
	for i, s := range w.rowsum {
		var lse float64
		if bad(s) {
			lse = w.exactRowLSE(i)
		} else {
			lse = math.Log(s) - w.F[i]
		}
		w.F[i] = phi * (math.Log(la[i]) - lse)
	}
}

// colErr returns ‖colsum − b‖₂, POT's marginal violation.
func (w *passes) colErr() float64 { return dist(w.colsum, w.p.b) }

func dist(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		d := v - y[i]
		s += d * d
	}
	if !badSumSq(s) {
		return math.Sqrt(s)
	}
	// The squares over- or underflowed: a difference above ~1e154
	// (weights of that size) or all of them below ~1e-135 (weights of
	// mass ~1e-150 and less, where a plan 30% off its marginals had a
	// sum of squares of 0).
	return scaledNorm(len(x), func(i int) float64 { return x[i] - y[i] })
}

// norm returns ‖x‖₂ without under- or overflow, as dist does.
func norm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	if !badSumSq(s) {
		return math.Sqrt(s)
	}
	return scaledNorm(len(x), func(i int) float64 { return x[i] })
}

// scaledNorm returns the 2-norm of (d(0), …, d(n−1)) with the terms
// scaled by the largest one: the rare second pass of a norm whose plain
// sum of squares over- or underflowed (badSumSq).
func scaledNorm(n int, d func(int) float64) float64 {
	big := 0.0
	for i := range n {
		big = math.Max(big, math.Abs(d(i)))
	}
	if big == 0 || math.IsInf(big, 1) {
		return big
	}
	s := 0.0
	for i := range n {
		t := d(i) / big
		s += t * t
	}
	return big * math.Sqrt(s)
}

// badSumSq reports whether a sum of squares s may have lost its value to
// overflow (+Inf) or underflow (below 2^−900, where squares under 2^−1022
// are flushed or subnormal and may be all of s): the 2-norm must then be
// recomputed with the terms scaled by the largest one. Above 2^−900 the
// flushed squares change the norm by less than 2^−60 relative.
func badSumSq(s float64) bool { return s < 0x1p-900 || math.IsInf(s, 1) }
