// Package precond builds preconditioners for the Krylov solvers from a
// sparse matrix: Jacobi, SSOR(ω), ILU(0), ILU(k), IC(0), IC(k), and restricted
// additive Schwarz (ASM; block Jacobi without overlap) with ILU(0) or
// ILU(k) subdomains.
//
// # What Apply computes
//
// A preconditioner is a matrix M ≈ A that is cheap to invert. Every type in
// this package implements linop.Operator with
//
//	Apply(dst, x)  sets  dst = M⁻¹·x
//
// which is what a Krylov solver calls "applying the preconditioner" (the
// field krylov.Options.Precond holds exactly this operator: it approximates
// A⁻¹). Apply never forms M or M⁻¹; it does a diagonal scaling (Jacobi) or
// a forward and a backward triangular solve (SSOR, ILU(0), ILU(k), IC(0),
// IC(k)).
// ApplyT sets dst = M⁻ᵀ·x (transposed triangular solves, the same cost), for
// solvers that need the transpose (BiCG, QMR, LSQR-type methods).
//
// # Methods and the choices the references leave open
//
//   - Jacobi: M = diag(A). A zero, missing, NaN or infinite diagonal entry is
//     an error at construction (SciPy-style code divides and returns Inf/NaN).
//   - SSOR(ω), 0 < ω < 2: M = ω/(2−ω)·(D/ω + L)·D⁻¹·(D/ω + U) with A = L + D + U
//     (strictly lower, diagonal, strictly upper). This is the splitting
//     matrix of the symmetric SOR iteration (Saad, Iterative Methods for
//     Sparse Linear Systems, 2nd ed., §4.1.2, where it is written
//     1/(ω(2−ω))·(D − ωE)D⁻¹(D − ωF) with E = −L, F = −U), so M⁻¹·x is exactly
//     one forward SOR sweep followed by one backward sweep started from a zero
//     guess. It is also what PETSc's PCSOR applies with its defaults
//     (SOR_LOCAL_SYMMETRIC_SWEEP, one iteration, ω = 1) and with any
//     -pc_sor_omega: testdata/precond/make_petsc_ref.py checks this to
//     rounding. (Except that PETSc's AIJ "inode" variant, used when
//     consecutive rows share a column pattern, does block SOR at ω = 1:
//     on [[1, 2], [2, 1]] it returns A⁻¹x; -mat_no_inode gives the point
//     sweeps above.) The Templates book (Barrett et al. 1994, §3.5.2) and Saad
//     §10.2 drop the constant and write (D + ωL)D⁻¹(D + ωU), which is
//     ω(2−ω) times ours; a variant with (D/ω)⁻¹ in the middle is ω times
//     ours. ω = 1 is symmetric Gauss–Seidel, M = (D + L)D⁻¹(D + U), the
//     same in every convention.
//   - ILU(0): incomplete LU with zero fill (Saad Algorithm 10.4, the IKJ
//     variant), no pivoting, on A's stored pattern, explicit zeros
//     included. L is unit lower triangular, U upper triangular, and
//     (L·U)ᵢⱼ = aᵢⱼ for every stored (i, j). A pivot with
//     |uᵢᵢ| ≤ PivotTol·max_j |aᵢⱼ| (PivotTol = 1e-14, about 100 units of
//     rounding relative to the row) is reported as an error rather than
//     producing a preconditioner that amplifies rounding by 10¹⁴ or more.
//   - ILU(k): ILU(0)'s elimination on A's pattern plus the fill of level
//     ≤ k (Saad §10.3.3; PETSc's PCILU with -pc_factor_levels k): the
//     same pattern, values and Apply as PETSc's factor on every matrix of
//     testdata/precond (bit for bit there), and the dense textbook
//     algorithm's on random ones.
//   - IC(0): incomplete Cholesky with zero fill on the pattern of A's lower
//     triangle (row-oriented, the symmetric counterpart of the IKJ variant):
//     M = L·Lᵀ with (L·Lᵀ)ᵢⱼ = aᵢⱼ on the lower pattern. A must be symmetric
//     to 1e-10·max|aᵢⱼ| (its pattern need not be: an explicit or tiny entry
//     stored on one side only counts in the lower triangle's pattern,
//     where PETSc's ICC takes the upper's, so the two differ there). A pivot dᵢ = aᵢᵢ − Σ_{j<i} lᵢⱼ² ≤ PivotTol·aᵢᵢ is an
//     error (IC(0) exists for M-matrices and H-matrices with positive
//     diagonal, not for every SPD matrix). IC0Options.Shift factors
//     A + Shift·diag(A) instead (Manteuffel's shift, relative to the
//     diagonal; PETSc's -pc_factor_shift_amount is absolute).
//   - IC(k): IC(0)'s factorisation on the lower part of ILU(k)'s pattern
//     (PETSc's PCICC with -pc_factor_levels k); its Apply agrees with
//     PETSc's to rounding (below 3e-15 relative) on the symmetric
//     matrices of testdata/precond at k = 1, 2.
//   - ASM: the rows are cut into Blocks contiguous ranges (PETSc's split),
//     each grown by Overlap levels of neighbours through A's pattern, and
//     M⁻¹ = Σ_i R̃_iᵀ B_i⁻¹ R_i with B_i the ILU(0) of the subdomain matrix
//     (ILU(k) with Levels k) and R̃_i keeping the owned range only (PETSc's
//     default "restrict" variant, RAS). The subdomain solves run in
//     parallel, which makes it the package's only factorisation-based
//     preconditioner whose Apply uses more than one core; bjacobi is ASM
//     with Overlap 0.
//
// # Scaling of M
//
// Multiplying M by a constant c > 0 changes nothing in exact arithmetic for
// CG, MINRES, GMRES, FGMRES and BiCGStab: their iterates are invariant under
// M → cM (the Krylov space is the same and their optimality or
// Petrov–Galerkin conditions are homogeneous), and relative stopping tests
// are unchanged. The scale does matter for stationary iterations (Richardson
// x ← x + M⁻¹r), for Chebyshev iteration (its eigenvalue bounds), and for
// an absolute tolerance on a preconditioned residual norm. This is why the
// SSOR factor ω/(2−ω) is kept: with it, Apply is one true SSOR step.
//
// # Cost and concurrency
//
// SSOR, ILU(0) and IC(0) store their factors as a unit lower triangle and
// an upper triangle in separate CSR arrays with the inverted diagonal kept
// apart, so that both solves stream memory front to back (or back to front)
// once: Apply costs about 2·nnz flops and moves about 12·nnz + 44·n bytes
// (12 per off-diagonal entry of the two triangles, 8 per row for each of
// the two row-pointer arrays, the inverted diagonal, reading x, and writing,
// re-reading and rewriting dst; the earlier unknowns a row refers to are
// usually still in cache).
// Triangular solves are sequential; Jacobi's Apply is parallel for long
// vectors. Apply and ApplyT allocate nothing (once warm) and share no
// mutable state between calls (ASM takes its per-call scratch from a
// sync.Pool), so one preconditioner may be applied from several goroutines
// at once.
//
// A preconditioner is a snapshot: it copies what it needs from A, and later
// changes to A's values do not affect it.
//
// # Failure modes
//
// Constructors return an error, never panic, for anything that depends on
// the data: a non-square matrix (ErrNotSquare), a NaN or infinite entry
// (ErrNotFinite), a zero or missing diagonal entry (ErrZeroDiagonal), a tiny
// ILU(0) or ILU(k) pivot (ErrZeroPivot), a non-positive IC(0) or IC(k) pivot
// (ErrNotSPD), a non-symmetric matrix given to them (ErrNotSymmetric), an
// option out of
// range (ErrOption). Each message names the row, entry or value at fault.
// A nil matrix, vectors of the wrong length, and applying the zero value of
// ILU0, ILUK, SSOR, IC0 or ICK (made without its constructor, it has no factors) are
// programming errors and panic with a "precond:" message.
package precond
