package krylov

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/sparse"
)

// ByName returns the solver each name stands for (it solves, and takes
// the iterations the function itself takes), accepts any case, and
// refuses an unknown name with ErrOption listing the valid ones.
func TestByName(t *testing.T) {
	A := sparse.Laplacian2D(8, 8)
	b := ktOnesRHS(A)
	direct := map[string]SolveFunc{"cg": CG, "minres": MINRES, "gmres": GMRES, "fgmres": FGMRES, "bicgstab": BiCGStab, "idrs": IDRS, "tfqmr": TFQMR}
	if len(Methods()) != len(direct) {
		t.Fatalf("Methods() = %v", Methods())
	}
	for _, name := range Methods() {
		f, err := ByName(strings.ToUpper(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		x, y := make([]float64, len(b)), make([]float64, len(b))
		r1, err1 := f(context.Background(), A, b, x, nil)
		r2, _ := direct[name](context.Background(), A, b, y, nil)
		if err1 != nil || r1.Iterations != r2.Iterations {
			t.Errorf("%s: %d iterations (%v), the function itself %d", name, r1.Iterations, err1, r2.Iterations)
		}
	}
	if _, err := ByName("gcrodr"); !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), "cg, minres") {
		t.Errorf("unknown name: %v", err)
	}
}

// A linop.Diag preconditioner has the inverse diagonal CG fuses into its
// vector passes, and gives Jacobi's iterations.
func TestCGWithDiagPreconditioner(t *testing.T) {
	A := sparse.Laplacian2D(10, 10)
	b := ktOnesRHS(A)
	d := make([]float64, len(b))
	A.Diagonal(d)
	for i, v := range d {
		d[i] = 1 / (v * (1 + float64(i%3)))
	}
	M := linop.Diag(d)
	if _, ok := M.(interface{ InvDiag() []float64 }); !ok {
		t.Fatal("linop.Diag has no InvDiag")
	}
	x, y := make([]float64, len(b)), make([]float64, len(b))
	r1, err := CG(context.Background(), A, b, x, &Options{Precond: M})
	if err != nil {
		t.Fatal(err)
	}
	// The same operator without the method: the unfused path.
	plain := linop.Func(len(d), len(d), func(dst, v []float64) { M.Apply(dst, v) }, nil)
	r2, err := CG(context.Background(), A, b, y, &Options{Precond: plain})
	if err != nil || r1.Iterations != r2.Iterations {
		t.Errorf("fused %d iterations, unfused %d (%v)", r1.Iterations, r2.Iterations, err)
	}
}
