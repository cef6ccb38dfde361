package precond

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/sparse"
)

// checkSymmetric returns an error wrapping ErrNotSymmetric naming the
// first entry with |aᵢⱼ − aⱼᵢ| > SymmetryTol·max|a| (an entry stored on one
// side only is compared with zero). A must be square. O(nnz) time; it
// allocates a transpose of A.
func checkSymmetric(method string, A *sparse.CSR) error {
	n, _ := A.Dims()
	ap, ai, av := A.Raw()
	T := A.T()
	tp, ti, tv := T.Raw()
	lim := SymmetryTol * A.MaxAbs()
	for i := range n {
		p, pe := ap[i], ap[i+1]
		q, qe := tp[i], tp[i+1]
		for p < pe || q < qe {
			var j int32
			var a, b float64 // a = A(i,j), b = A(j,i)
			stored := 0      // bit 0: A(i,j) stored, bit 1: A(j,i) stored
			switch {
			case q >= qe || (p < pe && ai[p] < ti[q]):
				j, a, stored = ai[p], av[p], 1
				p++
			case p >= pe || ti[q] < ai[p]:
				j, b, stored = ti[q], tv[q], 2
				q++
			default:
				j, a, b, stored = ai[p], av[p], tv[q], 3
				p++
				q++
			}
			if !(math.Abs(a-b) <= lim) {
				return fmt.Errorf("%w: %s needs a symmetric matrix, but %s and %s differ by more than %g·max|a|",
					ErrNotSymmetric, method, entry(i, int(j), a, stored&1 != 0), entry(int(j), i, b, stored&2 != 0), SymmetryTol)
			}
		}
	}
	return nil
}

// entry describes A(i,j) for an error message.
func entry(i, j int, v float64, stored bool) string {
	if !stored {
		return fmt.Sprintf("A(%d,%d) is not stored", i, j)
	}
	return fmt.Sprintf("A(%d,%d) = %.17g", i, j, v)
}
