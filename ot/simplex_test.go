package ot

import (
	"math"
	"testing"
)

// TestSimplexInvariants pivots random problems step by step and checks the
// spanning-tree invariants after every pivot: the preorder thread and lastSucc agree with the parent links,
// subtree sizes match a recount, every tree arc has zero reduced cost
// with the incrementally updated potentials (to rounding), flows are
// non-negative and conserve mass at every node, and the tree stays
// strongly feasible (zero-flow tree arcs point away from the root).
func TestSimplexInvariants(t *testing.T) {
	for _, tc := range []struct {
		n, m  int
		ties  bool
		seedA uint64
	}{{7, 5, false, 1}, {12, 12, true, 2}, {20, 9, false, 3}, {3, 15, true, 4}, {60, 45, true, 5}, {50, 70, false, 6}} {
		C := randomCost(tc.seedA, tc.n, tc.m)
		if tc.ties {
			for i := 0; i < tc.n; i++ {
				for j := 0; j < tc.m; j++ {
					C.Set(i, j, math.Floor(3*C.At(i, j)))
				}
			}
		}
		p, err := newProblem("test", randomHist(tc.seedA, tc.n), randomHist(tc.seedA+9, tc.m), C, 1, true, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		s := newSimplex(p)
		for step := 0; ; step++ {
			checkTree(t, s)
			e, rc := s.findEntering()
			if e < 0 {
				break
			}
			s.pivot(e, rc)
			if step > 10000 {
				t.Fatal("no convergence")
			}
		}
	}
}

func checkTree(t *testing.T, s *simplex) {
	t.Helper()
	N := len(s.parent)
	// Subtree sizes recounted from the parent links.
	count := make([]int32, N)
	for x := 0; x < N; x++ {
		for y := int32(x); y >= 0; y = s.parent[y] {
			count[y]++
			if count[y] > int32(N) {
				t.Fatalf("parent links of node %d form a cycle", x)
			}
		}
	}
	if count[s.root] != int32(N) {
		t.Fatalf("tree does not span the %d nodes", N)
	}
	for x := 0; x < N; x++ {
		if count[x] != s.size[x] {
			t.Fatalf("size[%d] = %d, recount %d", x, s.size[x], count[x])
		}
	}
	// The thread is a preorder: from the root it visits every node once,
	// revThread inverts it, and each subtree is the run x … lastSucc[x]
	// of size[x] nodes, all descendants of x.
	isAnc := func(a, x int32) bool {
		for y := x; y >= 0; y = s.parent[y] {
			if y == a {
				return true
			}
		}
		return false
	}
	seen := make([]bool, N)
	x := int32(s.root)
	for i := 0; i < N; i++ {
		if seen[x] {
			t.Fatalf("thread visits node %d twice", x)
		}
		seen[x] = true
		if s.revThread[s.thread[x]] != x {
			t.Fatalf("revThread[thread[%d]] = %d", x, s.revThread[s.thread[x]])
		}
		x = s.thread[x]
	}
	if x != int32(s.root) {
		t.Fatalf("thread does not return to the root after %d nodes", N)
	}
	for v := int32(0); v < int32(N); v++ {
		y := v
		for i := int32(1); i < s.size[v]; i++ {
			y = s.thread[y]
			if !isAnc(v, y) {
				t.Fatalf("run of node %d holds %d, not a descendant", v, y)
			}
		}
		if y != s.lastSucc[v] {
			t.Fatalf("lastSucc[%d] = %d, the run ends at %d", v, s.lastSucc[v], y)
		}
		if nx := s.thread[y]; v != int32(s.root) && isAnc(v, nx) {
			t.Fatalf("node %d after the run of %d is its descendant", nx, v)
		}
	}
	net := make([]float64, N) // outflow − inflow
	for x := 0; x < N; x++ {
		if x == s.root {
			continue
		}
		e := int(s.pred[x])
		f := s.flow[e]
		if f < 0 {
			t.Fatalf("negative flow %g on tree arc of node %d", f, x)
		}
		par := int(s.parent[x])
		c := s.arcCost(e)
		var rc float64
		if s.predUp[x] { // x → parent
			rc = c + s.pi[x] - s.pi[par]
			net[x] += f
			net[par] -= f
			if f == 0 && par != s.root {
				t.Fatalf("zero-flow arc %d→%d points to the root (not strongly feasible)", x, par)
			}
		} else {
			rc = c + s.pi[par] - s.pi[x]
			net[par] += f
			net[x] -= f
		}
		if math.Abs(rc) > 1e-9*s.bigM {
			t.Fatalf("tree arc of node %d has reduced cost %g", x, rc)
		}
	}
	for i := 0; i < s.n; i++ {
		if math.Abs(net[i]-s.p.a[i]) > 1e-12 {
			t.Fatalf("source %d ships %g, supply %g", i, net[i], s.p.a[i])
		}
	}
	for j := 0; j < s.m; j++ {
		if math.Abs(-net[s.n+j]-s.p.b[j]) > 1e-12 {
			t.Fatalf("sink %d receives %g, demand %g", j, -net[s.n+j], s.p.b[j])
		}
	}
}
