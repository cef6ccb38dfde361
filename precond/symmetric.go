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
			switch {
			case q >= qe || (p < pe && ai[p] < ti[q]):
				j, a = ai[p], av[p]
				p++
			case p >= pe || ti[q] < ai[p]:
				j, b = ti[q], tv[q]
				q++
			default:
				j, a, b = ai[p], av[p], tv[q]
				p++
				q++
			}
			if !(math.Abs(a-b) <= lim) {
				return fmt.Errorf("%w: %s needs a symmetric matrix, but A(%d,%d) = %.17g and A(%d,%d) = %.17g differ by more than %g·max|a|",
					ErrNotSymmetric, method, i, j, a, j, i, b, SymmetryTol)
			}
		}
	}
	return nil
}
