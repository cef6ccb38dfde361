package precond

import (
	"fmt"
	"slices"
	"sync"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/sparse"
)

// DefaultASMOverlap is ASM's overlap when none is given: one level of
// neighbours, PETSc's -pc_asm_overlap default.
const DefaultASMOverlap = 1

// ASMOptions sets the subdomains of an additive Schwarz preconditioner.
//
// Unlike the package's other option structs, a nil pointer and the zero
// value differ: NewASM(A, nil) uses overlap DefaultASMOverlap, but
// &ASMOptions{} and any literal that leaves Overlap out (such as
// &ASMOptions{Blocks: 8}) mean Overlap 0, block Jacobi. Set Overlap
// explicitly (DefaultASMOverlap for PETSc's PCASM default).
type ASMOptions struct {
	// Blocks is the number of subdomains: the rows are cut into this many
	// contiguous ranges of nearly equal size (PETSc's -pc_asm_blocks
	// split). 0 means GOMAXPROCS (at most n), one per processor, so that
	// Apply runs every subdomain solve in parallel; the preconditioner, and with it
	// iteration counts, then depend on the machine. Set it for results
	// that do not.
	Blocks int
	// Overlap is the number of levels of graph neighbours (through A's
	// pattern) added to each range. 0 gives block Jacobi, also when the
	// field is simply left out (see above; precond.New's Options.Overlap
	// 0 means DefaultASMOverlap instead). Negative is an error.
	Overlap int
	// Levels is the level of fill of the subdomain factorisations,
	// ILU(Levels) (PETSc's -sub_pc_factor_levels); 0, the default, is
	// ILU(0). Negative is an error.
	Levels int
}

// ASM is the restricted additive Schwarz preconditioner (PETSc's PCASM
// with its default -pc_asm_type restrict and ILU(0) subdomain solves):
//
//	M⁻¹ = Σ_i R̃_iᵀ B_i⁻¹ R_i,
//
// where R_i restricts a vector to subdomain i (a contiguous range of rows
// grown by Overlap levels of neighbours), B_i is the ILU(0) factorisation
// (ILU(k) with Levels k, PETSc's -sub_pc_factor_levels) of the subdomain
// matrix A[S_i, S_i], and R̃_i keeps only the rows the
// subdomain owns (its original range), so the owned ranges partition the
// unknowns and M⁻¹ is applied without summing overlaps. With Overlap 0 it
// is block Jacobi with ILU(0) blocks; with one block it is ILU(0) (ILU(k)
// with Levels k).
//
// Apply solves the subdomains in parallel and allocates nothing; ApplyT
// (M⁻ᵀ = Σ_i R_iᵀ B_i⁻ᵀ R̃_i, whose overlapping parts add up) runs the
// subdomains one after the other. Setup costs one ILU(k) per subdomain on
// at most n + (overlap rows) rows in total. M is not symmetric even for
// symmetric A (the restriction breaks symmetry), so it is meant for
// GMRES, FGMRES and BiCGStab, not CG or MINRES.
type ASM struct {
	n      int
	blocks []asmBlock
	parts  int
	work   sync.Pool // *asmWork
}

// asmWork is the scratch of one Apply or ApplyT call: the gathered and
// solved subdomain vectors. Pooled, so that concurrent calls are safe and
// steady-state calls allocate nothing.
type asmWork struct {
	p        *ASM
	x, dst   []float64
	r, z     [][]float64
	gathered bool // every block's r already holds its part of x (Apply in place)
}

// asmBlock is one subdomain: its sorted global rows, the position of its
// owned range inside them and its ILU(k) factors (work vectors are in
// asmWork).
type asmBlock struct {
	idx    []int32 // global rows of the subdomain, increasing
	lo, hi int     // owned global rows [lo, hi)
	p0     int     // position of row lo in idx
	ilu    *ILUK
}

// NewASM builds the restricted additive Schwarz preconditioner of A (square,
// finite) with the given subdomains; o may be nil (GOMAXPROCS blocks, at
// most n, and overlap DefaultASMOverlap). It returns an error wrapping ErrOption for
// Blocks < 0, Blocks > n, Overlap < 0 or Levels < 0, and the ILU error of the first
// subdomain whose factorisation breaks down, naming the subdomain and its
// rows (row numbers inside the message are local to the subdomain).
func NewASM(A *sparse.CSR, o *ASMOptions) (*ASM, error) {
	n, err := checkMatrix("ASM", A)
	if err != nil {
		return nil, err
	}
	opt := ASMOptions{Overlap: DefaultASMOverlap}
	if o != nil {
		opt = *o
	}
	if opt.Overlap < 0 {
		return nil, fmt.Errorf("%w: asm: overlap %d, must be ≥ 0", ErrOption, opt.Overlap)
	}
	if opt.Blocks < 0 {
		return nil, fmt.Errorf("%w: asm: %d blocks, must be ≥ 1 (0: one per processor)", ErrOption, opt.Blocks)
	}
	if opt.Levels < 0 {
		return nil, fmt.Errorf("%w: asm: subdomain level of fill %d, must be ≥ 0", ErrOption, opt.Levels)
	}
	if opt.Blocks == 0 {
		opt.Blocks = min(par.Procs(), max(n, 1))
	}
	if n > 0 && opt.Blocks > n {
		return nil, fmt.Errorf("%w: asm: %d blocks for %d rows (at most one block per row)", ErrOption, opt.Blocks, n)
	}
	p := &ASM{n: n}
	p.work.New = func() any { return p.newWork() }
	if n == 0 {
		return p, nil
	}
	p.blocks = make([]asmBlock, opt.Blocks)
	nb := len(p.blocks)
	parts := min(par.Procs(), nb)
	errs := make([]error, nb)
	par.Run(parts, asmSetup{A: A, p: p, overlap: opt.Overlap, levels: opt.Levels, parts: parts, errs: errs})
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	p.parts = parts
	return p, nil
}

// asmSetup builds the subdomains of one part of the blocks.
type asmSetup struct {
	A       *sparse.CSR
	p       *ASM
	overlap int
	levels  int // of the subdomains' ILU
	parts   int
	errs    []error
}

func (s asmSetup) Run(part int) {
	nb := len(s.p.blocks)
	b0, b1 := par.Split(nb, s.parts, part)
	mark := make([]int32, s.p.n) // local position + 1 of a row in the current subdomain
	for b := b0; b < b1; b++ {
		s.errs[b] = s.p.blocks[b].build(s.A, b, nb, s.overlap, s.levels, mark)
	}
}

// build sets up subdomain b of nb; mark must be all zero and is left so.
func (blk *asmBlock) build(A *sparse.CSR, b, nb, overlap, levels int, mark []int32) error {
	n := len(mark)
	blk.lo, blk.hi = par.Split(n, nb, b)
	indptr, ind, val := A.Raw()
	idx := make([]int32, 0, blk.hi-blk.lo)
	for i := blk.lo; i < blk.hi; i++ {
		idx = append(idx, int32(i))
		mark[i] = 1
	}
	// Grow by breadth-first levels through the pattern.
	front := 0
	for level := 0; level < overlap; level++ {
		end := len(idx)
		for _, i := range idx[front:end] {
			for _, j := range ind[indptr[i]:indptr[i+1]] {
				if mark[j] == 0 {
					mark[j] = 1
					idx = append(idx, j)
				}
			}
		}
		if len(idx) == end {
			break
		}
		front = end
	}
	slices.Sort(idx)
	for k, i := range idx {
		mark[i] = int32(k + 1)
	}
	blk.idx = idx
	blk.p0 = int(mark[blk.lo]) - 1
	// The subdomain matrix A[S, S], columns in increasing order.
	m := len(idx)
	sp := make([]int, m+1)
	var sc []int32
	var sv []float64
	for k, i := range idx {
		for t := indptr[i]; t < indptr[i+1]; t++ {
			if q := mark[ind[t]]; q > 0 {
				sc = append(sc, q-1)
				sv = append(sv, val[t])
			}
		}
		sp[k+1] = len(sc)
	}
	for _, i := range idx {
		mark[i] = 0
	}
	sub, err := sparse.NewCSR(m, m, sp, sc, sv)
	if err != nil {
		return fmt.Errorf("precond: asm: internal error in subdomain %d: %v", b, err)
	}
	if blk.ilu, err = NewILUK(sub, levels); err != nil {
		return fmt.Errorf("precond: asm: subdomain %d of %d (rows %d..%d, %d with overlap; row numbers below are local): %w", b, nb, blk.lo, blk.hi-1, m, err)
	}
	return nil
}

func (p *ASM) newWork() *asmWork {
	w := &asmWork{p: p, r: make([][]float64, len(p.blocks)), z: make([][]float64, len(p.blocks))}
	for b := range p.blocks {
		m := len(p.blocks[b].idx)
		w.r[b], w.z[b] = make([]float64, m), make([]float64, m)
	}
	return w
}

// Dims returns (n, n).
func (p *ASM) Dims() (r, c int) { return p.n, p.n }

// Blocks returns the number of subdomains.
func (p *ASM) Blocks() int { return len(p.blocks) }

// Apply sets dst = M⁻¹·x, the subdomain solves in parallel. dst and x must
// have length n; dst may be x (every block's part of x, overlap
// included, is then gathered before any is written, in one serial pass).
// Concurrent calls are safe.
func (p *ASM) Apply(dst, x []float64) {
	p.check("Apply", dst, x)
	if p.n == 0 {
		return
	}
	w := p.work.Get().(*asmWork)
	w.x, w.dst = x, dst
	if vec.Overlap(dst, x) {
		// A block writes its owned rows while its neighbours read them
		// as their overlap: gather first.
		for b := range p.blocks {
			r := w.r[b]
			for k, i := range p.blocks[b].idx {
				r[k] = x[i]
			}
		}
		w.gathered = true
	}
	par.Run(p.parts, w)
	w.x, w.dst, w.gathered = nil, nil, false
	p.work.Put(w)
}

// Run implements par.Body for Apply: the blocks of one part.
func (w *asmWork) Run(part int) {
	p := w.p
	b0, b1 := par.Split(len(p.blocks), p.parts, part)
	for b := b0; b < b1; b++ {
		blk := &p.blocks[b]
		if !w.gathered && len(blk.idx) == blk.hi-blk.lo {
			// No overlap (block Jacobi, or a block the overlap did not
			// grow): the subdomain is the owned range itself, solved
			// straight from x into dst, which do not overlap here.
			blk.ilu.Apply(w.dst[blk.lo:blk.hi], w.x[blk.lo:blk.hi])
			continue
		}
		r, z := w.r[b], w.z[b]
		if !w.gathered {
			for k, i := range blk.idx {
				r[k] = w.x[i]
			}
		}
		blk.ilu.Apply(z, r)
		copy(w.dst[blk.lo:blk.hi], z[blk.p0:blk.p0+blk.hi-blk.lo])
	}
}

// ApplyT sets dst = M⁻ᵀ·x: for each subdomain, its owned part of x, a
// transposed ILU(0) (ILU(k)) solve, and the whole result added into dst.
// Serial.
func (p *ASM) ApplyT(dst, x []float64) {
	p.check("ApplyT", dst, x)
	if p.n == 0 {
		return
	}
	w := p.work.Get().(*asmWork)
	// Gather every owned part of x before dst is cleared: dst may be x.
	for b := range p.blocks {
		blk := &p.blocks[b]
		r := w.r[b]
		clear(r)
		copy(r[blk.p0:blk.p0+blk.hi-blk.lo], x[blk.lo:blk.hi])
	}
	clear(dst)
	for b := range p.blocks {
		blk := &p.blocks[b]
		r, z := w.r[b], w.z[b]
		blk.ilu.ApplyT(z, r)
		for k, i := range blk.idx {
			dst[i] += z[k]
		}
	}
	p.work.Put(w)
}

func (p *ASM) check(name string, dst, x []float64) {
	if len(dst) != p.n || len(x) != p.n {
		panic(fmt.Sprintf("precond: ASM.%s: len(dst) = %d, len(x) = %d, want %d", name, len(dst), len(x), p.n))
	}
}
