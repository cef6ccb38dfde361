package ot

import (
	"context"
	"math"
)

// simplex is the network simplex state for the transportation problem on
// the reduced problem: nodes 0..n−1 are sources (supply a_i), n..n+m−1
// sinks (demand b_j), n+m the artificial root. Arc e < n·m is the real
// arc i → n+j with e = i·m + j and cost C_ij; arc n·m + v is node v's
// artificial arc to the root (source, cost 0) or from it (sink, cost
// bigM), as LEMON and POT do: a path through the root still costs bigM,
// and the potentials of an optimal tree stay of the size of the costs
// instead of ±bigM, whose rounding would hide reduced costs. All arcs are
// uncapacitated, so a non-tree arc always has zero flow.
//
// The basis is a spanning tree rooted at the root, stored with parent
// links, the tree arc to the parent (pred, predUp = oriented child →
// parent), subtree sizes (which change only along the pivot cycle, and
// let a pivot shift the potentials of the smaller of the two parts the
// leaving arc separates) and the preorder as a doubly linked cyclic list
// (thread, revThread) with the last node of each subtree (lastSucc), so
// that a subtree is the contiguous run x … lastSucc[x] of the list.
// Shifting the potentials of a subtree is then a walk along thread, with
// no branches on the tree's shape; a walk through child and sibling links
// took 3 dependent loads and a mispredicted branch per node. Potentials pi
// make every tree arc's reduced cost c_e + pi[src] − pi[tgt] zero.
type simplex struct {
	p         *problem
	n, m, nm  int
	root      int
	bigM      float64
	eps       float64
	flow      []float64 // per arc (n·m + n + m)
	inTree    []bool    // real arcs only
	parent    []int32
	pred      []int32
	predUp    []bool
	size      []int32 // subtree sizes
	mark      []int32 // findJoin's stamps
	stamp     int32
	thread    []int32 // next node in preorder (the last node's is the root)
	revThread []int32 // previous node in preorder
	lastSucc  []int32 // last node of the subtree in preorder
	pi        []float64
	next      int // where the next block search starts
	block     int
	pivots    int
	path      []int32
	pathPred  []int32
	pathUp    []bool
	pathSize  []int32
	pathLast  []int32 // lastSucc of path[t] before the pivot
	pathPrev  []int32 // revThread of path[t] before the pivot
	pathNext  []int32 // thread of lastSucc[path[t]] before the pivot
}

func newSimplex(p *problem) *simplex {
	n, m := p.n, p.m
	N := n + m + 1
	s := &simplex{p: p, n: n, m: m, nm: n * m, root: n + m}
	s.bigM = (math.Max(p.cmax, 1e-300)) * float64(N)
	// Reduced costs are differences of potentials; values above −eps
	// count as non-negative (rounding). eps follows the potentials' size
	// (refreshPotentials): bigM at first, the costs' scale at the end.
	s.eps = simplexEpsRel * s.bigM
	s.flow = make([]float64, s.nm+n+m)
	s.inTree = make([]bool, s.nm)
	s.parent = make([]int32, N)
	s.pred = make([]int32, N)
	s.predUp = make([]bool, N)
	s.mark = make([]int32, N)
	s.size = make([]int32, N)
	for v := range s.size {
		s.size[v] = 1
	}
	s.size[s.root] = int32(N)
	s.thread = make([]int32, N)
	s.revThread = make([]int32, N)
	s.lastSucc = make([]int32, N)
	s.pi = make([]float64, N)
	s.block = max(int(blockFactor*math.Sqrt(float64(s.nm))), 10)
	s.parent[s.root] = -1
	s.pred[s.root] = -1
	for v := 0; v < n+m; v++ {
		art := int32(s.nm + v)
		s.parent[v] = int32(s.root)
		s.pred[v] = art
		if v < n { // source: supply flows v → root
			s.predUp[v] = true
			s.flow[art] = p.a[v]
			s.pi[v] = 0
		} else { // sink: demand flows root → v
			s.predUp[v] = false
			s.flow[art] = p.b[v-n]
			s.pi[v] = s.bigM
		}
		s.lastSucc[v] = int32(v)
	}
	// Preorder: the root (node N−1), then every node (all leaves) in
	// index order, back to the root.
	for x := 0; x < N; x++ {
		s.link(int32(x), int32((x+1)%N))
	}
	s.lastSucc[s.root] = int32(N - 2)
	return s
}

// link makes b the successor of a in preorder.
func (s *simplex) link(a, b int32) {
	s.thread[a] = b
	s.revThread[b] = a
}

// arcCost returns the cost of arc e.
func (s *simplex) arcCost(e int) float64 {
	if e < s.nm {
		i, j := e/s.m, e%s.m
		return s.p.c[i*s.p.ld+j]
	}
	if e < s.nm+s.n {
		return 0 // source → root
	}
	return s.bigM
}

// simplexEpsRel is the reduced-cost tolerance relative to the largest
// potential (about 450 ulps).
const simplexEpsRel = 1e-13

// findEntering runs block search: it scans real non-tree arcs cyclically
// from s.next in blocks of s.block arcs and returns the arc with the most
// negative reduced cost in the first block (or blocks) that has one, or
// −1 if a full sweep finds none below −eps.
func (s *simplex) findEntering() (int, float64) {
	n, m := s.n, s.m
	c, ld := s.p.c, s.p.ld
	piT := s.pi[n : n+m]
	best, minRC := -1, -s.eps
	i, j := s.next/m, s.next%m
	cnt, left := s.block, s.nm
	for left > 0 {
		take := min(m-j, cnt, left)
		row := c[i*ld+j : i*ld+j+take]
		pt := piT[j : j+take]
		pii := s.pi[i]
		base := i*m + j
		// The chunk's smallest reduced cost over all arcs; a tree arc
		// (reduced cost 0 up to rounding) can be it only by rounding, and
		// then the chunk is scanned again skipping tree arcs. Either way
		// best is the first non-tree arc of the running minimum.
		if k, rc := argminShift(row, pt, pii); rc < minRC {
			if !s.inTree[base+k] {
				minRC, best = rc, base+k
			} else {
				for k, cv := range row {
					if rc := cv + pii - pt[k]; rc < minRC && !s.inTree[base+k] {
						minRC, best = rc, base+k
					}
				}
			}
		}
		j += take
		cnt -= take
		left -= take
		if j == m {
			j = 0
			if i++; i == n {
				i = 0
			}
		}
		if cnt == 0 {
			if best >= 0 {
				break
			}
			cnt = s.block
		}
	}
	s.next = i*m + j
	return best, minRC
}

// pivot brings arc e (i → n+j, negative reduced cost rc) into the tree.
func (s *simplex) pivot(e int, rc float64) {
	u := int32(e / s.m)
	v := int32(s.n + e%s.m)
	join := s.findJoin(u, v)
	// Leaving arc (Cunningham's rule keeps the tree strongly feasible):
	// on the join→u side flow runs down, so arcs oriented up block;
	// on the v→join side flow runs up, so arcs oriented down block. Ties
	// go to the last blocking arc in cycle order.
	delta := math.Inf(1)
	leave, onU := int32(-1), false
	for x := u; x != join; x = s.parent[x] {
		if s.predUp[x] {
			if f := s.flow[s.pred[x]]; f < delta {
				delta, leave, onU = f, x, true
			}
		}
	}
	for x := v; x != join; x = s.parent[x] {
		if !s.predUp[x] {
			if f := s.flow[s.pred[x]]; f <= delta {
				delta, leave, onU = f, x, false
			}
		}
	}
	if leave < 0 {
		panic("ot: emd: unbounded pivot (internal error)")
	}
	if delta > 0 {
		s.flow[e] += delta
		for x := u; x != join; x = s.parent[x] {
			if s.predUp[x] {
				s.flow[s.pred[x]] -= delta
			} else {
				s.flow[s.pred[x]] += delta
			}
		}
		for x := v; x != join; x = s.parent[x] {
			if s.predUp[x] {
				s.flow[s.pred[x]] += delta
			} else {
				s.flow[s.pred[x]] -= delta
			}
		}
	}
	out := s.pred[leave]
	s.flow[out] = 0
	if int(out) < s.nm {
		s.inTree[out] = false
	}
	s.inTree[e] = true
	// Re-hang the subtree of leave from the entering arc: q is the
	// entering arc's end inside that subtree, att the end outside.
	q, att := v, u
	if onU {
		q, att = u, v
	}
	// Subtree sizes change only on the cycle: the old ancestors of leave
	// below the join lose its subtree, those of att gain it.
	S := s.size[leave]
	for y := s.parent[leave]; y != join; y = s.parent[y] {
		s.size[y] -= S
	}
	for y := att; y != join; y = s.parent[y] {
		s.size[y] += S
	}
	s.path = s.path[:0]
	s.pathPred = s.pathPred[:0]
	s.pathUp = s.pathUp[:0]
	s.pathSize = s.pathSize[:0]
	s.pathLast = s.pathLast[:0]
	s.pathPrev = s.pathPrev[:0]
	s.pathNext = s.pathNext[:0]
	for x := q; ; x = s.parent[x] {
		s.path = append(s.path, x)
		s.pathPred = append(s.pathPred, s.pred[x])
		s.pathUp = append(s.pathUp, s.predUp[x])
		s.pathSize = append(s.pathSize, s.size[x])
		s.pathLast = append(s.pathLast, s.lastSucc[x])
		s.pathPrev = append(s.pathPrev, s.revThread[x])
		s.pathNext = append(s.pathNext, s.thread[s.lastSucc[x]])
		if x == leave {
			break
		}
	}
	// Re-rooted at q, x_t's subtree is the cut subtree minus x_(t−1)'s old one.
	s.size[q] = S
	for t := 1; t < len(s.path); t++ {
		s.size[s.path[t]] = S - s.pathSize[t-1]
	}
	k := len(s.path) - 1
	last := s.rethread(att, k)
	for t := 0; t < k; t++ {
		x := s.path[t+1]
		s.parent[x] = s.path[t]
		s.pred[x] = s.pathPred[t]
		s.predUp[x] = !s.pathUp[t]
	}
	s.parent[q] = att
	s.pred[q] = int32(e)
	s.predUp[q] = q == u
	// Potentials of the re-hung subtree shift by d so that the entering
	// arc has zero reduced cost. Only differences of potentials matter, so
	// when the subtree is the larger part of the tree the rest shifts by −d
	// instead.
	d := rc
	if onU {
		d = -rc
	}
	if 2*int(S) <= len(s.pi) {
		for x := q; ; x = s.thread[x] {
			s.pi[x] += d
			if x == last {
				break
			}
		}
	} else {
		for x := s.thread[last]; x != q; x = s.thread[x] {
			s.pi[x] -= d
		}
	}
	s.pivots++
}

// rethread updates the preorder list and lastSucc for a pivot that cuts
// the subtree of leave = path[k] (parents not yet changed) and hangs it,
// re-rooted at q = path[0], below att; it returns the last node of the
// re-hung subtree. Re-rooted at q, the subtree's preorder is S_0, S_1, …,
// S_k, where S_0 is q's old subtree in its old order and S_t (t ≥ 1) is
// path[t]'s old run with path[t−1]'s run cut out: the part A_t before the
// hole and the part B_t after it (possibly empty). The new run goes right
// after att. Ancestors whose run ended with the cut run now end at the
// node before it; ancestors whose run ended at att now end with the new
// run. O(k + the two ancestor chains whose last node changes).
func (s *simplex) rethread(att int32, k int) (last int32) {
	path, lastOf, prev, next := s.path, s.pathLast, s.pathPrev, s.pathNext
	leave := path[k]
	before, after := prev[k], next[k]
	for y := s.parent[leave]; y >= 0 && s.lastSucc[y] == lastOf[k]; y = s.parent[y] {
		s.lastSucc[y] = before
	}
	s.link(before, after)
	last = lastOf[0]
	for t := 1; t <= k; t++ {
		s.link(last, path[t])
		last = prev[t-1] // A_t ends just before path[t−1]
		if lastOf[t-1] != lastOf[t] {
			s.link(last, next[t-1]) // B_t
			last = lastOf[t]
		}
	}
	for t := 0; t <= k; t++ {
		s.lastSucc[path[t]] = last
	}
	s.link(last, s.thread[att])
	s.link(att, path[0])
	for y := att; y >= 0 && s.lastSucc[y] == att; y = s.parent[y] {
		s.lastSucc[y] = last
	}
	return last
}

// findJoin returns the lowest common ancestor of u and v. It climbs from
// both alternately, stamping the nodes it visits, until one side steps on
// a node stamped by the other: the cost is proportional to the length of
// the pivot cycle, with no depth labels to maintain.
func (s *simplex) findJoin(u, v int32) int32 {
	if u == v {
		return u
	}
	s.stamp += 2
	if s.stamp < 0 { // wrapped: clear the marks
		clear(s.mark)
		s.stamp = 2
	}
	ma, mb := s.stamp, s.stamp+1
	s.mark[u], s.mark[v] = ma, mb
	a, b := u, v
	root := int32(s.root)
	for {
		if a != root {
			a = s.parent[a]
			if s.mark[a] == mb {
				return a
			}
			s.mark[a] = ma
		}
		if b != root {
			b = s.parent[b]
			if s.mark[b] == ma {
				return b
			}
			s.mark[b] = mb
		}
	}
}

// refreshPotentials recomputes every potential from the tree in
// preorder, parents before children, removing the rounding that
// incremental updates accumulate, and sets the reduced-cost tolerance
// from their size.
func (s *simplex) refreshPotentials() {
	root := int32(s.root)
	// Only differences of potentials along real arcs matter. When every
	// node hangs from the root through a sink's artificial arc (cost
	// bigM), a root potential of −bigM keeps the potentials of the size
	// of the costs instead of bigM + cost, whose rounding would hide
	// reduced costs.
	s.pi[root] = -s.bigM
	for x := s.thread[root]; x != root; x = s.thread[s.lastSucc[x]] {
		if e := int(s.pred[x]); e < s.nm+s.n {
			s.pi[root] = 0 // some node hangs by a source arc (cost 0)
			break
		}
	}
	big := 0.0
	for x := s.thread[root]; x != root; x = s.thread[x] {
		c := s.arcCost(int(s.pred[x]))
		if s.predUp[x] {
			s.pi[x] = s.pi[s.parent[x]] - c
		} else {
			s.pi[x] = s.pi[s.parent[x]] + c
		}
		big = max(big, math.Abs(s.pi[x]))
	}
	s.eps = simplexEpsRel * big
}

// transportCost returns Σ C_e·flow_e over real tree arcs, in units of
// the caller's C (the solved cost is C − shift).
func (s *simplex) transportCost() float64 {
	t := 0.0
	for x := 0; x < s.n+s.m; x++ {
		if e := int(s.pred[x]); e < s.nm {
			t += (s.arcCost(e) + s.p.shift) * s.flow[e]
		}
	}
	return t
}

// solve pivots until no real arc has a negative reduced cost (checked
// again after a fresh potential computation) or maxIter pivots.
func (s *simplex) solve(ctx context.Context, maxIter int, progress func(int, float64)) (bool, error) {
	const refresh = 4096
	for {
		e, rc := s.findEntering()
		if e < 0 {
			s.refreshPotentials()
			if e, rc = s.findEntering(); e < 0 {
				return true, nil
			}
		}
		if s.pivots >= maxIter {
			return false, nil
		}
		s.pivot(e, rc)
		if s.pivots%refresh == 0 {
			s.refreshPotentials()
			if progress != nil && s.pivots%(refresh*3) == 0 {
				progress(s.pivots, s.transportCost())
			}
			if ctx != nil && ctx.Err() != nil {
				return false, errorf("emd: cancelled after %d pivots: %w", s.pivots, ctx.Err())
			}
		}
	}
}

// result builds the EMD result in original indices.
func (s *simplex) result() *EMDResult {
	p := s.p
	s.refreshPotentials()
	plan := s.flow[:s.nm:s.nm]
	res := &EMDResult{Iterations: s.pivots}
	// Row and column sums, cost.
	rs := make([]float64, p.n)
	cs := make([]float64, p.m)
	cost := 0.0
	for i := 0; i < p.n; i++ {
		row := plan[i*p.m : (i+1)*p.m]
		crow := p.row(i)
		for j, f := range row {
			if f != 0 {
				rs[i] += f
				cs[j] += f
				cost += f * (crow[j] + p.shift) // C_ij to rounding
			}
		}
	}
	res.Cost = cost
	res.MarginalError = dist(rs, p.a) + dist(cs, p.b)
	res.Plan = p.expandPlan(plan)
	// Duals u_i = −pi_i + shift, v_j = pi_{n+j} satisfy u_i + v_j ≤ C_ij
	// (the simplex solved for C − shift).
	u := make([]float64, p.n)
	v := make([]float64, p.m)
	for i := range u {
		u[i] = -s.pi[i] + p.shift
	}
	for j := range v {
		v[j] = s.pi[p.n+j]
	}
	// Centre as POT: u + c, v − c with c = (b·v − a·u)/(Σa + Σb).
	sa, sb, au, bv := 0.0, 0.0, 0.0, 0.0
	for i, w := range p.a {
		sa += w
		au += w * u[i]
	}
	for j, w := range p.b {
		sb += w
		bv += w * v[j]
	}
	sh := (bv - au) / (sa + sb)
	for i := range u {
		u[i] += sh
	}
	for j := range v {
		v[j] -= sh
	}
	res.U, res.V = u, v
	if p.rows != nil {
		res.U, res.V = nullDuals(p, u, v)
	}
	return res
}

// nullDuals expands the duals to the original indices, giving zero-mass
// bins the largest values that keep the duals feasible:
// U_i = min_j (C_ij − V_j) over support columns, then
// V_j = min_i (C_ij − U_i) over all rows.
func nullDuals(p *problem, u, v []float64) ([]float64, []float64) {
	U := expandVec(u, p.rows, p.nn, math.NaN())
	V := expandVec(v, p.cols, p.mm, math.NaN())
	// Original cost access: the reduced problem copied its support, so
	// rebuild the original index maps.
	inRow := make([]bool, p.nn)
	for _, i := range p.rows {
		inRow[i] = true
	}
	inCol := make([]bool, p.mm)
	for _, j := range p.cols {
		inCol[j] = true
	}
	at := func(i, j int) float64 { return p.orig.At(i, j) }
	for i := 0; i < p.nn; i++ {
		if inRow[i] {
			continue
		}
		mn := math.Inf(1)
		for _, j := range p.cols {
			mn = math.Min(mn, at(i, j)-V[j])
		}
		U[i] = mn
	}
	for j := 0; j < p.mm; j++ {
		if inCol[j] {
			continue
		}
		mn := math.Inf(1)
		for i := 0; i < p.nn; i++ {
			mn = math.Min(mn, at(i, j)-U[i])
		}
		V[j] = mn
	}
	return U, V
}

// blockFactor scales the block-search block size √(n·m) (LEMON's
// BLOCK_SIZE_FACTOR is 1 too).
const blockFactor = 1.0
