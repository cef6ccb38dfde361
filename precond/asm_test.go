package precond_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// asmReference applies restricted additive Schwarz on the 5-point g×g
// Laplacian the long way: for a contiguous row block [lo, hi) one level of
// neighbours is exactly the rows [lo−g, hi+g) (clipped), each subdomain
// matrix is cut from the dense matrix, factored by ILU(0) and solved, and
// only the owned rows are kept.
func asmReference(t *testing.T, A *sparse.CSR, g, blocks, overlap int, x []float64) []float64 {
	t.Helper()
	n := g * g
	D := A.ToDense()
	out := make([]float64, n)
	for b := 0; b < blocks; b++ {
		lo, hi := par.Split(n, blocks, b)
		s0, s1 := max(0, lo-overlap*g), min(n, hi+overlap*g)
		sub := sparse.FromDense(D.Slice(s0, s1, s0, s1).(*mat.Dense), 0)
		ilu, err := precond.NewILU0(sub)
		if err != nil {
			t.Fatal(err)
		}
		z := make([]float64, s1-s0)
		ilu.Apply(z, x[s0:s1])
		copy(out[lo:hi], z[lo-s0:hi-s0])
	}
	return out
}

func TestASMAgainstReference(t *testing.T) {
	const g = 9
	A := sparse.Laplacian2D(g, g)
	x := randVec(4, g*g)
	for _, tc := range []struct{ blocks, overlap int }{{1, 0}, {1, 1}, {2, 0}, {3, 1}, {4, 1}, {5, 0}} {
		p, err := precond.NewASM(A, &precond.ASMOptions{Blocks: tc.blocks, Overlap: tc.overlap})
		if err != nil {
			t.Fatal(err)
		}
		if p.Blocks() != tc.blocks {
			t.Errorf("Blocks() = %d, want %d", p.Blocks(), tc.blocks)
		}
		got := make([]float64, g*g)
		p.Apply(got, x)
		checkClose(t, "asm", got, asmReference(t, A, g, tc.blocks, tc.overlap, x), 1e-14)
	}
}

// One block is ILU(0); one block per row without overlap is Jacobi.
func TestASMLimits(t *testing.T) {
	A := sparse.Laplacian2D(7, 6)
	n, _ := A.Dims()
	x := randVec(2, n)
	got, want := make([]float64, n), make([]float64, n)
	one, _ := precond.NewASM(A, &precond.ASMOptions{Blocks: 1, Overlap: 2})
	ilu, _ := precond.NewILU0(A)
	one.Apply(got, x)
	ilu.Apply(want, x)
	checkClose(t, "1 block vs ILU(0)", got, want, 0)
	one.ApplyT(got, x)
	ilu.ApplyT(want, x)
	checkClose(t, "1 block vs ILU(0), transposed", got, want, 0)
	each, _ := precond.NewASM(A, &precond.ASMOptions{Blocks: n})
	jac, _ := precond.NewJacobi(A)
	each.Apply(got, x)
	jac.Apply(want, x)
	checkClose(t, "n blocks vs Jacobi", got, want, 1e-16)
}

// ApplyT is the adjoint of Apply: yᵀ(M⁻¹x) = (M⁻ᵀy)ᵀx, on a nonsymmetric
// matrix with overlap.
func TestASMApplyTAdjoint(t *testing.T) {
	A := nonsymmetric(t, 12)
	n, _ := A.Dims()
	p, err := precond.NewASM(A, &precond.ASMOptions{Blocks: 3, Overlap: 2})
	if err != nil {
		t.Fatal(err)
	}
	x, y := randVec(5, n), randVec(6, n)
	mx, mty := make([]float64, n), make([]float64, n)
	p.Apply(mx, x)
	p.ApplyT(mty, y)
	var a, b float64
	for i := range x {
		a += y[i] * mx[i]
		b += mty[i] * x[i]
	}
	if d := (a - b) / max(1, abs(a)); abs(d) > 1e-13 {
		t.Errorf("yᵀM⁻¹x = %v, (M⁻ᵀy)ᵀx = %v", a, b)
	}
}

// Apply and ApplyT, like every other preconditioner's, may overwrite
// their input: ApplyT cleared dst before reading x, and with overlap
// Apply's blocks read their neighbours' owned rows while those were
// written (wrong values and a data race, before its gather pass).
func TestASMInPlace(t *testing.T) {
	A := nonsymmetric(t, 12)
	n, _ := A.Dims()
	for _, o := range []precond.ASMOptions{{Blocks: 1, Overlap: 1}, {Blocks: 4, Overlap: 1}, {Blocks: 5, Overlap: 3}} {
		p, err := precond.NewASM(A, &o)
		if err != nil {
			t.Fatal(err)
		}
		checkInPlace(t, fmt.Sprintf("%+v", o), p, n)
		for _, m := range []struct {
			name  string
			apply func(dst, x []float64)
		}{{"Apply", p.Apply}, {"ApplyT", p.ApplyT}} {
			want := make([]float64, n)
			y := randVec(10, n) // out of place again after an in-place call
			m.apply(want, y)
			got := make([]float64, n)
			m.apply(got, y)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%+v: %s after an in-place call differs at %d", o, m.name, i)
				}
			}
		}
	}
}

// nonsymmetric returns a convection–diffusion matrix on a g×g grid.
func nonsymmetric(t *testing.T, g int) *sparse.CSR {
	t.Helper()
	L := sparse.Laplacian2D(g, g)
	n := g * g
	c := sparse.NewCOO(n, n, 2*n)
	for i := 0; i < n; i++ {
		if i+1 < n {
			c.Append(i, i+1, 0.3)
		}
		if i >= g {
			c.Append(i, i-g, -0.2)
		}
	}
	return sparse.Add(1, L, 1, c.ToCSR())
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// GMRES with ASM converges in fewer iterations than with block Jacobi, and
// both beat no preconditioner, on a nonsymmetric problem.
func TestASMWithGMRES(t *testing.T) {
	A := nonsymmetric(t, 40)
	n, _ := A.Dims()
	b := randVec(9, n)
	its := map[string]int{}
	for _, kind := range []string{"none", "bjacobi", "asm"} {
		M, err := precond.New(kind, A, &precond.Options{Blocks: 4})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, n)
		res, err := krylov.GMRES(context.Background(), A, b, x, &krylov.Options{RTol: 1e-8, Restart: 30, MaxIter: 5000, Precond: M})
		if err != nil || !res.Converged {
			t.Fatalf("%s: %v %+v", kind, err, res)
		}
		its[kind] = res.Iterations
	}
	if !(its["asm"] < its["bjacobi"] && its["bjacobi"] < its["none"]) {
		t.Errorf("iterations %v: want asm < bjacobi < none", its)
	}
}

func TestASMErrors(t *testing.T) {
	A := sparse.Laplacian2D(4, 4)
	for _, tc := range []struct {
		o   precond.ASMOptions
		msg string
	}{
		{precond.ASMOptions{Blocks: 17}, "17 blocks for 16 rows"},
		{precond.ASMOptions{Blocks: -1}, "-1 blocks"},
		{precond.ASMOptions{Blocks: 2, Overlap: -1}, "overlap -1"},
	} {
		if _, err := precond.NewASM(A, &tc.o); !errors.Is(err, precond.ErrOption) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: %v", tc.o, err)
		}
	}
	// A zero diagonal in the second subdomain is named with its rows.
	D := A.ToDense()
	D.Set(8, 8, 0) // the first row of subdomain 1: its first pivot
	Z := sparse.FromDense(D, -1)
	if _, err := precond.NewASM(Z, &precond.ASMOptions{Blocks: 2, Overlap: 0}); !errors.Is(err, precond.ErrZeroPivot) || !strings.Contains(err.Error(), "subdomain 1 of 2 (rows 8..15") {
		t.Errorf("zero pivot: %v", err)
	}
	if _, err := precond.New("asm", sparse.Laplacian2D(1, 3), &precond.Options{Blocks: 4}); err == nil {
		t.Error("4 blocks for 3 rows accepted")
	}
}

// TestASMSubdomainLevels: ILU(k) subdomains. One block is ILU(k) of the
// whole matrix bit for bit, block Jacobi with k = 0 is unchanged, more
// levels give fewer GMRES iterations at a fixed block count, and a
// negative level is an option error. (PETSc's PCASM with
// -sub_pc_factor_levels 1 and 2 is in petsc_ref.json, asm3k1 and asm3k2.)
func TestASMSubdomainLevels(t *testing.T) {
	A := randCSR(t, 3, 60, 0.08, "nonsym")
	x := randVec(4, 60)
	for _, k := range []int{0, 1, 2, 5} {
		one, err := precond.NewASM(A, &precond.ASMOptions{Blocks: 1, Overlap: 1, Levels: k})
		if err != nil {
			t.Fatal(err)
		}
		ilu, err := precond.NewILUK(A, k)
		if err != nil {
			t.Fatal(err)
		}
		y1, y2 := make([]float64, 60), make([]float64, 60)
		one.Apply(y1, x)
		ilu.Apply(y2, x)
		if !slices.Equal(y1, y2) {
			t.Errorf("one block with Levels %d differs from ILU(%d) (%.3g)", k, k, relDiff(y1, y2))
		}
	}
	if _, err := precond.NewASM(A, &precond.ASMOptions{Blocks: 2, Levels: -1}); !errors.Is(err, precond.ErrOption) {
		t.Errorf("Levels -1: err = %v, want ErrOption", err)
	}
	L := sparse.ConvectionDiffusion2D(40, 40, 0.1)
	nL, _ := L.Dims()
	checkFewerIterations(t, L, randVec(5, nL), []int{0, 1, 2}, krylov.Options{RTol: 1e-10, Restart: 30}, krylov.GMRES,
		func(k int) string { return fmt.Sprintf("bjacobi with ILU(%d) blocks", k) },
		func(k int) (linop.Operator, error) {
			return precond.New("bjacobi", L, &precond.Options{Blocks: 4, Levels: k})
		})
}
