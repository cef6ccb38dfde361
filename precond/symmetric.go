package precond

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/sparse"
)

// checkSymmetric returns an error wrapping ErrNotSymmetric naming an
// entry with |aᵢⱼ − aⱼᵢ| > SymmetryTol·maxAbs (an entry stored on one side
// only is compared with zero), maxAbs = max|a|. A must be square.
//
// It needs no transpose: rows are visited in increasing order, and the
// partner of a lower entry (i, j), j < i, is the next unvisited entry of
// row j's upper part, because row j's upper entries are sorted by column
// and are reached by rows in that same order. cur[j] is that cursor; an
// upper entry skipped over, or left at the end, has no lower partner.
// O(nnz) time, 8·n bytes of work space.
func checkSymmetric(method string, A *sparse.CSR, maxAbs float64) error {
	n, _ := A.Dims()
	ap, ai, av := A.Raw()
	lim := SymmetryTol * maxAbs
	cur := make([]int, n)
	for i := range n { // first entry of row i with column > i
		k := ap[i]
		for k < ap[i+1] && int(ai[k]) <= i {
			k++
		}
		cur[i] = k
	}
	bad := func(i, j int, a, b float64, sa, sb bool) error {
		return fmt.Errorf("%w: %s needs a symmetric matrix, but %s and %s differ by more than %g·max|a|",
			ErrNotSymmetric, method, entry(i, j, a, sa), entry(j, i, b, sb), SymmetryTol)
	}
	for i := range n {
		for k := ap[i]; k < ap[i+1] && int(ai[k]) < i; k++ {
			j := int(ai[k])
			c, e := cur[j], ap[j+1]
			for c < e && int(ai[c]) < i { // (j, ai[c]) has no partner in row ai[c] < i
				if !(math.Abs(av[c]) <= lim) {
					return bad(j, int(ai[c]), av[c], 0, true, false)
				}
				c++
			}
			if c < e && int(ai[c]) == i {
				if !(math.Abs(av[k]-av[c]) <= lim) {
					return bad(i, j, av[k], av[c], true, true)
				}
				c++
			} else if !(math.Abs(av[k]) <= lim) {
				return bad(i, j, av[k], 0, true, false)
			}
			cur[j] = c
		}
	}
	for j := range n { // upper entries never reached
		for c := cur[j]; c < ap[j+1]; c++ {
			if !(math.Abs(av[c]) <= lim) {
				return bad(j, int(ai[c]), av[c], 0, true, false)
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
