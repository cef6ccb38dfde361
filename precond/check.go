package precond

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/sparse"
)

// checkMatrix checks what every constructor needs: a non-nil (programming
// error: panic), square (error) matrix with finite entries (error naming
// the first bad entry). It returns the order n. O(nnz).
func checkMatrix(method string, A *sparse.CSR) (int, error) {
	r, err := checkSquare(method, A)
	if err != nil {
		return 0, err
	}
	if _, _, val := A.Raw(); !scanFinite(val) {
		if err := firstNonFinite(method, A); err != nil {
			return 0, err
		}
	}
	return r, nil
}

// checkSquare panics on a nil A and returns its order, or an ErrNotSquare
// error if it is not square.
func checkSquare(method string, A *sparse.CSR) (int, error) {
	if A == nil {
		panic("precond: " + method + ": nil matrix")
	}
	r, c := A.Dims()
	if r != c {
		return 0, fmt.Errorf("%w: %s needs a square matrix, got %d×%d", ErrNotSquare, method, r, c)
	}
	return r, nil
}

// firstNonFinite returns an ErrNotFinite error naming the first NaN or
// infinite entry of A in row order, or nil if there is none.
func firstNonFinite(method string, A *sparse.CSR) error {
	indptr, ind, val := A.Raw()
	r, _ := A.Dims()
	for i := 0; i < r; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if v := val[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: %s: entry (%d,%d) of A is %v", ErrNotFinite, method, i, ind[k], v)
			}
		}
	}
	return nil
}

// diagError is the ErrZeroDiagonal error for bad of n rows with a missing
// (or, with zeroIsBad, zero) diagonal entry, the first being row first.
func diagError(method string, zeroIsBad bool, bad, n, first int, firstMissing bool) error {
	what := "is zero"
	if firstMissing {
		what = "is not stored"
	}
	kind := "missing"
	if zeroIsBad {
		kind = "zero or missing"
	}
	return fmt.Errorf("%w: %s: %d of %d rows have a %s diagonal entry; the first is row %d, whose diagonal %s",
		ErrZeroDiagonal, method, bad, n, kind, first, what)
}

// finite reports whether v is neither NaN nor infinite, by a comparison:
// v − v != 0 is no test for a v just computed as a product, which the
// compiler may fuse with the subtraction into one FMA (arm64 does), and
// that yields the product's rounding error, not 0.
func finite(v float64) bool { return math.Abs(v) <= math.MaxFloat64 }

// allFinite reports whether no value is NaN or infinite. v − v is 0 for
// a finite v and NaN otherwise, and NaN propagates through the sums; four
// independent lanes keep the pipelines full.
func allFinite(val []float64) bool {
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(val); k += 4 {
		v := val[k : k+4 : k+4]
		s0 += v[0] - v[0]
		s1 += v[1] - v[1]
		s2 += v[2] - v[2]
		s3 += v[3] - v[3]
	}
	for ; k < len(val); k++ {
		s0 += val[k] - val[k]
	}
	return s0+s1+s2+s3 == 0
}
