package precond_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// crossMatrix builds a random n×n matrix through a COO builder, the way
// user code assembles one: entries appended in random order, every
// off-diagonal value split into two duplicates that the conversion sums,
// about a quarter of the stored entries explicit zeros, about a fifth of
// the rows with no off-diagonal entry, and a diagonal of dom times the row's
// off-diagonal sum plus a margin (negated in a third of the rows unless
// sym). It returns A, its stored pattern and its dense values.
func crossMatrix(t *testing.T, seed uint64, n int, density float64, sym bool, dom float64) (*sparse.CSR, [][]bool, *mat.Dense) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	type entry struct {
		i, j int
		v    float64
	}
	var es []entry
	D := mat.NewDense(n, n, nil)
	for i := range n {
		if rng.IntN(5) == 0 {
			continue
		}
		for j := range n {
			if i == j || rng.Float64() >= density || (sym && j < i) {
				continue
			}
			v := 2*rng.Float64() - 1
			if rng.IntN(4) == 0 {
				v = 0
			}
			a := rng.Float64() * v
			es = append(es, entry{i, j, a}, entry{i, j, v - a})
			D.Set(i, j, v)
			if sym {
				es = append(es, entry{j, i, v})
				D.Set(j, i, v)
			}
		}
	}
	for i := range n {
		s := 0.0
		for j := range n {
			if j != i {
				s += math.Abs(D.At(i, j))
			}
		}
		d := dom*s + 0.3 + rng.Float64()
		if !sym && rng.IntN(3) == 0 {
			d = -d
		}
		es = append(es, entry{i, i, d})
	}
	rng.Shuffle(len(es), func(a, b int) { es[a], es[b] = es[b], es[a] })
	c := sparse.NewCOO(n, n, len(es))
	for _, e := range es {
		c.Append(e.i, e.j, e.v)
	}
	A := c.ToCSR()
	stored := make([][]bool, n)
	for i := range stored {
		stored[i] = make([]bool, n)
	}
	for _, e := range es {
		stored[e.i][e.j] = true
	}
	if got, want := A.NNZ(), countTrue(stored); got != want {
		t.Fatalf("COO conversion kept %d entries, want %d", got, want)
	}
	return A, stored, A.ToDense()
}

func countTrue(p [][]bool) int {
	k := 0
	for _, row := range p {
		for _, b := range row {
			if b {
				k++
			}
		}
	}
	return k
}

// denseILU0 is ILU(0) straight from its definition (IKJ elimination on a
// dense copy, updating only stored positions): M = L·U.
func denseILU0(D *mat.Dense, stored [][]bool) *mat.Dense {
	n, _ := D.Dims()
	a := mat.DenseCopyOf(D)
	for i := range n {
		for k := range i {
			if !stored[i][k] {
				continue
			}
			a.Set(i, k, a.At(i, k)/a.At(k, k))
			for j := k + 1; j < n; j++ {
				if stored[i][j] && stored[k][j] {
					a.Set(i, j, a.At(i, j)-a.At(i, k)*a.At(k, j))
				}
			}
		}
	}
	L, U := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := range n {
		L.Set(i, i, 1)
		for j := range n {
			if j < i {
				L.Set(i, j, a.At(i, j))
			} else {
				U.Set(i, j, a.At(i, j))
			}
		}
	}
	var M mat.Dense
	M.Mul(L, U)
	return &M
}

// denseIC0 is the Cholesky-style IC(0) factor on the lower pattern of
// stored (its upper part ignored), of A + shift·diag(A), read from D's
// lower triangle.
func denseIC0(D *mat.Dense, stored [][]bool, shift float64) *mat.Dense {
	n, _ := D.Dims()
	L := mat.NewDense(n, n, nil)
	for i := range n {
		for k := range i {
			if !stored[i][k] {
				continue
			}
			s := D.At(i, k)
			for j := range k {
				s -= L.At(i, j) * L.At(k, j)
			}
			L.Set(i, k, s/L.At(k, k))
		}
		s := D.At(i, i) * (1 + shift)
		for j := range i {
			s -= L.At(i, j) * L.At(i, j)
		}
		L.Set(i, i, math.Sqrt(s))
	}
	return L
}

// denseRAS applies restricted additive Schwarz from its definition:
// contiguous ranges (par.Split, PETSc's split), grown by overlap levels
// of A's row pattern, each subdomain matrix factored densely by ILU(0);
// Apply keeps each solve's owned rows, ApplyT (trans) solves with Bᵢᵀ on
// the owned part of x and adds whole subdomain results.
func denseRAS(t *testing.T, D *mat.Dense, stored [][]bool, blocks, overlap int, x []float64, trans bool) []float64 {
	t.Helper()
	n, _ := D.Dims()
	out := make([]float64, n)
	for b := range blocks {
		lo, hi := par.Split(n, blocks, b)
		in := make([]bool, n)
		for i := lo; i < hi; i++ {
			in[i] = true
		}
		for range overlap {
			next := slices.Clone(in)
			for i := range n {
				for j := range n {
					if in[i] && stored[i][j] {
						next[j] = true
					}
				}
			}
			in = next
		}
		var idx []int
		for i, ok := range in {
			if ok {
				idx = append(idx, i)
			}
		}
		m := len(idx)
		S := mat.NewDense(m, m, nil)
		sp := make([][]bool, m)
		for a, i := range idx {
			sp[a] = make([]bool, m)
			for c, j := range idx {
				S.Set(a, c, D.At(i, j))
				sp[a][c] = stored[i][j]
			}
		}
		r := make([]float64, m)
		for a, i := range idx {
			if !trans || (i >= lo && i < hi) {
				r[a] = x[i]
			}
		}
		z := denseSolve(t, denseILU0(S, sp), r, trans)
		for a, i := range idx {
			switch {
			case trans:
				out[i] += z[a]
			case i >= lo && i < hi:
				out[i] = z[a]
			}
		}
	}
	return out
}

// checkAgainstM compares Apply and ApplyT with dense solves with M and
// Mᵀ, and the in-place calls with the out-of-place ones (bitwise).
func checkAgainstM(t *testing.T, name string, p interface {
	Apply(dst, x []float64)
	ApplyT(dst, x []float64)
}, M *mat.Dense, seed uint64, tol float64) {
	t.Helper()
	n, _ := M.Dims()
	x := randVec(seed, n)
	got := make([]float64, n)
	for _, tr := range []bool{false, true} {
		apply := p.Apply
		if tr {
			apply = p.ApplyT
		}
		apply(got, x)
		checkClose(t, fmt.Sprintf("%s (transposed %t)", name, tr), got, denseSolve(t, M, x, tr), tol)
		y := slices.Clone(x)
		apply(y, y)
		if !slices.Equal(y, got) {
			t.Errorf("%s (transposed %t): in place differs from out of place", name, tr)
		}
	}
}

// Apply and ApplyT of every preconditioner agree with M⁻¹ and M⁻ᵀ formed
// densely from the definitions in the package doc, on random matrices
// assembled through COO (duplicates summed, explicit zeros in the pattern,
// rows without off-diagonal entries, negative diagonals, n = 1 included).
func TestPreconditionersAgainstDenseDefinitions(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		n := 1 + rng.IntN(30)
		if seed == 1 {
			n = 1
		}
		density := 0.4 * rng.Float64()
		A, stored, D := crossMatrix(t, seed, n, density, false, 0.8+rng.Float64())
		name := fmt.Sprintf("seed %d n %d", seed, n)

		ilu, err := precond.NewILU0(A)
		if err != nil {
			t.Fatalf("%s: ILU0: %v", name, err)
		}
		checkAgainstM(t, name+" ILU0", ilu, denseILU0(D, stored), seed, 1e-10)

		for _, w := range []float64{1, 0.3, 1.7} {
			s, err := precond.NewSSOR(A, w)
			if err != nil {
				t.Fatalf("%s: SSOR(%g): %v", name, w, err)
			}
			checkAgainstM(t, fmt.Sprintf("%s SSOR(%g)", name, w), s, ssorDense(A, w), seed, 1e-10)
		}

		jac, err := precond.NewJacobi(A)
		if err != nil {
			t.Fatalf("%s: Jacobi: %v", name, err)
		}
		diag := make([]float64, n)
		for i := range diag {
			diag[i] = D.At(i, i)
		}
		checkAgainstM(t, name+" Jacobi", jac, mat.DenseCopyOf(mat.NewDiagDense(n, diag)), seed, 1e-15)

		// Blocks up to n, overlaps up to past the graph's diameter.
		for _, o := range []precond.ASMOptions{{Blocks: 1}, {Blocks: 2}, {Blocks: 3, Overlap: 1}, {Blocks: n},
			{Blocks: n, Overlap: 1}, {Blocks: max(1, n/2), Overlap: 2}, {Blocks: 4, Overlap: 1000}} {
			if o.Blocks > n {
				continue
			}
			p, err := precond.NewASM(A, &o)
			if err != nil {
				t.Fatalf("%s: ASM %+v: %v", name, o, err)
			}
			x := randVec(seed+7, n)
			got := make([]float64, n)
			p.Apply(got, x)
			checkClose(t, fmt.Sprintf("%s ASM %+v", name, o), got, denseRAS(t, D, stored, o.Blocks, o.Overlap, x, false), 1e-10)
			p.ApplyT(got, x)
			checkClose(t, fmt.Sprintf("%s ASM %+v ApplyT", name, o), got, denseRAS(t, D, stored, o.Blocks, o.Overlap, x, true), 1e-10)
		}
	}
}

// IC(0) agrees with the dense incomplete Cholesky factor on the lower
// pattern, with and without shift, also when entries within SymmetryTol
// are stored on one side only (tiny values and explicit zeros, in either
// triangle): the doc says the lower triangle's pattern counts.
func TestIC0AgainstDenseDefinition(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		rng := rand.New(rand.NewPCG(seed, 5))
		n := 1 + rng.IntN(30)
		A, stored, D := crossMatrix(t, seed+500, n, 0.4*rng.Float64(), true, 0.9+rng.Float64())
		if seed%2 == 0 { // one-sided entries
			c := sparse.NewCOO(n, n, A.NNZ()+2*n)
			ip, ind, val := A.Raw()
			for i := range n {
				for k := ip[i]; k < ip[i+1]; k++ {
					c.Append(i, int(ind[k]), val[k])
				}
			}
			for range 2 * n {
				i, j := rng.IntN(n), rng.IntN(n)
				if i == j || stored[i][j] || stored[j][i] {
					continue
				}
				v := 0.0
				if rng.IntN(2) == 0 {
					v = 1e-12 * (2*rng.Float64() - 1)
				}
				c.Append(i, j, v)
				stored[i][j] = true
				D.Set(i, j, v)
			}
			A = c.ToCSR()
		}
		for _, shift := range []float64{0, 0.1} {
			name := fmt.Sprintf("seed %d n %d shift %g", seed, n, shift)
			ic, err := precond.NewIC0(A, &precond.IC0Options{Shift: shift})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			L := denseIC0(D, stored, shift)
			var M mat.Dense
			M.Mul(L, L.T())
			checkAgainstM(t, name, ic, &M, seed, 1e-10)
			var diff mat.Dense
			diff.Sub(ic.Factor().ToDense(), L)
			if d := mat.Norm(&diff, math.Inf(1)); d > 1e-13*mat.Norm(L, math.Inf(1)) {
				t.Errorf("%s: Factor differs from the dense factor by %.3g", name, d)
			}
		}
	}
}
