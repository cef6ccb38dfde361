package precond_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// IC(0)'s symmetry check (a transpose-free cursor walk) agrees with
// sparse.CSR.IsSymmetric (binary searches) on random matrices with
// one-sided entries, one-sided explicit zeros and small and large value
// differences.
func TestSymmetryCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	agree, nonsym := 0, 0
	for trial := range 400 {
		n := 1 + rng.IntN(12)
		coo := sparse.NewCOO(n, n, 0)
		for i := range n {
			coo.Append(i, i, 10) // diagonal: IC(0) runs after the check
		}
		for range rng.IntN(3 * n) {
			i, j := rng.IntN(n), rng.IntN(n)
			if i == j {
				continue
			}
			v := float64(rng.IntN(5)) - 2
			coo.Append(i, j, v)
			switch rng.IntN(6) {
			case 0: // one-sided
			case 1:
				coo.Append(j, i, v+1e-13) // within tolerance
			case 2:
				coo.Append(j, i, v+1e-6) // beyond it
			case 3:
				coo.Append(j, i, 0) // explicit zero partner
			default:
				coo.Append(j, i, v)
			}
		}
		A := coo.ToCSR()
		want := A.IsSymmetric(precond.SymmetryTol)
		_, err := precond.NewIC0(A, &precond.IC0Options{Shift: 10})
		got := !errors.Is(err, precond.ErrNotSymmetric)
		if got != want {
			t.Fatalf("trial %d: symmetric = %v, IsSymmetric = %v (err %v)\n%v", trial, got, want, err, fmt.Sprint(A.ToDense()))
		}
		agree++
		if !want {
			nonsym++
		}
	}
	if nonsym < 50 || nonsym > 350 {
		t.Errorf("%d of %d random matrices non-symmetric: the generator does not exercise both outcomes", nonsym, agree)
	}
}
