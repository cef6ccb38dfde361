package precond

import "errors"

// Sentinel errors. Constructors wrap them with %w and say where the
// problem is (row, entry, pivot value); test with errors.Is.
var (
	// ErrNotSquare: the matrix is not square.
	ErrNotSquare = errors.New("precond: matrix is not square")
	// ErrNotFinite: a stored entry, or a computed factor, is NaN or infinite.
	ErrNotFinite = errors.New("precond: NaN or infinite value")
	// ErrZeroDiagonal: a diagonal entry is zero or not stored.
	ErrZeroDiagonal = errors.New("precond: zero or missing diagonal entry")
	// ErrZeroPivot: an ILU(0) or ILU(k) pivot is zero or tiny relative to
	// its row.
	ErrZeroPivot = errors.New("precond: zero pivot")
	// ErrNotSPD: an IC(0) or IC(k) pivot (or a diagonal entry) is not
	// positive, so the incomplete Cholesky factor does not exist.
	ErrNotSPD = errors.New("precond: matrix not positive definite enough for incomplete Cholesky")
	// ErrNotSymmetric: IC(0) or IC(k) was given a non-symmetric matrix.
	ErrNotSymmetric = errors.New("precond: matrix is not symmetric")
	// ErrOption: an option is out of range or a kind name is unknown.
	ErrOption = errors.New("precond: invalid option")
)

// PivotTol is the relative size below which a pivot counts as zero:
// ILU(0) rejects |uᵢᵢ| ≤ PivotTol·max_j |aᵢⱼ| and IC(0) rejects
// dᵢ ≤ PivotTol·aᵢᵢ. 1e-14 is about 100 units of rounding: a smaller pivot
// is dominated by cancellation error and its inverse would amplify rounding
// in every application of the preconditioner. ILU(0)'s test is relative to
// the row, so it depends on the scaling of A: a row whose off-diagonal
// entries exceed its diagonal by 1e14 or more is refused even without
// cancellation (row 0 of [[9e-5, −4e14], [−5e14, 4e34]], which PETSc's
// ILU accepts). Equilibrate such matrices (scale rows and columns) first.
// IC(0)'s test is relative to the diagonal entry and does not have this
// dependence.
const PivotTol = 1e-14

// SymmetryTol is the tolerance of IC(0)'s symmetry check: |aᵢⱼ − aⱼᵢ| must
// not exceed SymmetryTol·max|a|. It accepts the rounding of assembled
// matrices and rejects genuinely non-symmetric input.
const SymmetryTol = 1e-10
