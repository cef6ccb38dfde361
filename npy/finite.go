package npy

import (
	"fmt"
	"math"

	"github.com/subspace-lab/subspace/internal/vec"
)

// CheckFinite returns nil if x holds no NaN and no ±Inf, and otherwise an
// *Error wrapping ErrNonFinite that names the first offending index, e.g.
// "element 17 is NaN". O(len(x)).
func CheckFinite(x []float64) error {
	if i, bad := vec.HasNaNInf(x); bad {
		return &Error{Err: fmt.Errorf("%w: element %d is %v", ErrNonFinite, i, x[i])}
	}
	return nil
}

// checkFiniteShaped is CheckFinite for an array of the given shape; it names
// the offending element by its multi-index.
func checkFiniteShaped(x []float64, shape []int) error {
	i, bad := vec.HasNaNInf(x)
	if !bad {
		return nil
	}
	what := "NaN"
	if math.IsInf(x[i], 0) {
		what = fmt.Sprint(x[i])
	}
	if len(shape) <= 1 {
		return fmt.Errorf("%w: element %d is %s; NaN and Inf are refused unless explicitly allowed", ErrNonFinite, i, what)
	}
	return fmt.Errorf("%w: element %s of shape %s is %s; NaN and Inf are refused unless explicitly allowed", ErrNonFinite, shapeRepr(unravel(i, shape)), shapeRepr(shape), what)
}
