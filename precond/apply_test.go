package precond_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// buildAll returns the four preconditioners of A by name.
func buildAll(t testing.TB, A *sparse.CSR) map[string]linop.Transposer {
	t.Helper()
	out := map[string]linop.Transposer{}
	for _, k := range precond.Kinds() {
		if k == "none" {
			continue
		}
		p, err := precond.New(k, A, &precond.Options{Omega: 1.2})
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		tp, ok := p.(linop.Transposer)
		if !ok {
			t.Fatalf("%s: %T does not implement linop.Transposer", k, p)
		}
		out[k] = tp
	}
	return out
}

// Apply and ApplyT allocate nothing, on the serial and (for Jacobi) the
// parallel path.
func TestApplyAllocs(t *testing.T) {
	for _, grid := range []int{10, 200} { // 100 and 40000 unknowns
		A := sparse.Laplacian2D(grid, grid)
		n, _ := A.Dims()
		x := randVec(1, n)
		dst := make([]float64, n)
		for name, p := range buildAll(t, A) {
			if raceEnabled && (name == "asm" || name == "bjacobi") {
				continue // pooled scratch: see race_test.go
			}
			p.Apply(dst, x) // warm pools
			if a := testing.AllocsPerRun(20, func() { p.Apply(dst, x) }); a != 0 {
				t.Errorf("%s n=%d: Apply allocates %v times", name, n, a)
			}
			if a := testing.AllocsPerRun(20, func() { p.ApplyT(dst, x) }); a != 0 {
				t.Errorf("%s n=%d: ApplyT allocates %v times", name, n, a)
			}
		}
	}
}

// The 0×0 matrix gives working 0×0 preconditioners; New("none") gives nil.
func TestEmpty(t *testing.T) {
	A := sparse.Identity(0)
	for name, p := range buildAll(t, A) {
		if r, c := p.Dims(); r != 0 || c != 0 {
			t.Errorf("%s: Dims = %d×%d", name, r, c)
		}
		p.Apply(nil, nil)
		p.ApplyT([]float64{}, []float64{})
	}
	ilu, err := precond.NewILU0(A)
	if err != nil {
		t.Fatal(err)
	}
	L, U := ilu.Factors()
	ic, err := precond.NewIC0(A, nil)
	if err != nil {
		t.Fatal(err)
	}
	if L.NNZ()+U.NNZ()+ic.Factor().NNZ() != 0 {
		t.Error("factors of the 0×0 matrix are not empty")
	}
	p, err := precond.New(" None ", A, nil)
	if p != nil || err != nil {
		t.Errorf("New(none) = (%v, %v), want (nil, nil)", p, err)
	}
}

// Kind names are case-insensitive; each name builds its own type.
func TestNewKinds(t *testing.T) {
	A := sparse.Laplacian2D(5, 4)
	want := map[string]string{
		"JACOBI": "*precond.Jacobi", "Ssor": "*precond.SSOR", "ilu0": "*precond.ILU0", " IC0 ": "*precond.IC0", "ick": "*precond.ICK", "iluk": "*precond.ILUK",
	}
	for kind, typ := range want {
		p, err := precond.New(kind, A, nil)
		if err != nil {
			t.Fatalf("%q: %v", kind, err)
		}
		if got := fmt.Sprintf("%T", p); got != typ {
			t.Errorf("%q: %s, want %s", kind, got, typ)
		}
	}
	p, _ := precond.New("ssor", A, nil)
	if w := p.(*precond.SSOR).Omega(); w != 1 {
		t.Errorf("default ω = %v, want 1", w)
	}
	p, _ = precond.New("ic0", A, &precond.Options{Shift: 0.25})
	if s := p.(*precond.IC0).Shift(); s != 0.25 {
		t.Errorf("shift = %v, want 0.25", s)
	}
	if got := strings.Join(precond.Kinds(), ","); got != "none,jacobi,ssor,ilu0,iluk,ic0,ick,asm,bjacobi" {
		t.Errorf("Kinds() = %s", got)
	}
}

// Apply keeps no scratch state: concurrent applications of one
// preconditioner give the serial result (run with -race to check).
func TestConcurrentApply(t *testing.T) {
	A := sparse.Laplacian2D(30, 20)
	n, _ := A.Dims()
	for name, p := range buildAll(t, A) {
		const workers = 4
		want := make([][]float64, workers)
		for w := range workers {
			want[w] = make([]float64, n)
			p.Apply(want[w], randVec(uint64(w), n))
		}
		var wg sync.WaitGroup
		got := make([][]float64, workers)
		for w := range workers {
			got[w] = make([]float64, n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := randVec(uint64(w), n)
				for range 20 {
					p.Apply(got[w], x)
				}
			}()
		}
		wg.Wait()
		for w := range workers {
			for i := range n {
				if got[w][i] != want[w][i] {
					t.Fatalf("%s worker %d: entry %d = %v, want %v", name, w, i, got[w][i], want[w][i])
				}
			}
		}
	}
}

// A preconditioner is a snapshot: changing A afterwards does not change it.
func TestSnapshot(t *testing.T) {
	A := sparse.Laplacian2D(6, 6)
	n, _ := A.Dims()
	x := randVec(2, n)
	ps := buildAll(t, A)
	before := map[string][]float64{}
	for name, p := range ps {
		before[name] = make([]float64, n)
		p.Apply(before[name], x)
	}
	_, _, val := A.Raw()
	for k := range val {
		val[k] *= 3
	}
	for name, p := range ps {
		got := make([]float64, n)
		p.Apply(got, x)
		checkClose(t, name, got, before[name], 0)
	}
}

// Every preconditioner's Apply and ApplyT may work in place (dst = x),
// giving what they give out of place, on the serial and parallel paths;
// the SPD Laplacian serves IC(0) and IC(k) and a nonsymmetric matrix the
// others.
func TestApplyInPlace(t *testing.T) {
	for _, grid := range []int{10, 200} {
		mats := map[string]*sparse.CSR{"laplacian": sparse.Laplacian2D(grid, grid), "nonsymmetric": nonsymmetric(t, grid)}
		for mname, A := range mats {
			n, _ := A.Dims()
			for _, name := range precond.Kinds() {
				if name == "none" || ((name == "ic0" || name == "ick") && mname != "laplacian") {
					continue
				}
				pc, err := precond.New(name, A, &precond.Options{Omega: 1.2})
				if err != nil {
					t.Fatalf("%s %s: %v", mname, name, err)
				}
				checkInPlace(t, fmt.Sprintf("%s %s n=%d", mname, name, n), pc.(linop.Transposer), n)
			}
		}
	}
}

// checkInPlace fails unless p's Apply(x, x) and ApplyT(x, x) give, bit for
// bit, what they give into another vector.
func checkInPlace(t *testing.T, label string, p linop.Transposer, n int) {
	t.Helper()
	for _, m := range []struct {
		op    string
		apply func(dst, x []float64)
	}{{"Apply", p.Apply}, {"ApplyT", p.ApplyT}} {
		x := randVec(3, n)
		want := make([]float64, n)
		m.apply(want, x)
		m.apply(x, x)
		for i := range x {
			if x[i] != want[i] {
				t.Fatalf("%s: %s(x, x)[%d] = %v, out of place %v", label, m.op, i, x[i], want[i])
			}
		}
	}
}
