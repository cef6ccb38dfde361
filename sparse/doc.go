// Package sparse holds sparse matrices, their products and their files:
// the data structures every solver of subspace reads.
//
// # Types
//
//   - COO: a builder. Append entries in any order; ToCSR and ToCSC sum
//     duplicates and sort the columns of each row (rows of each column) in
//     O(nnz + rows + cols) by counting sort.
//   - CSR and CSC: compressed sparse rows and columns, validated on
//     construction (NewCSR, NewCSC: pointers non-decreasing, indices in
//     range and sorted without duplicates within a row or column) and
//     immutable in shape afterwards; values may be changed in place (Raw,
//     Scale, ScaleRows, ScaleCols). Conversions both ways, to and from
//     gonum's *mat.Dense (ToDense, FromDense), transpose (T), diagonal,
//     A+B (Add), Diagonal and DiagonalInfo, symmetry of values and
//     pattern, norms, CheckFinite.
//   - ZCOO and ZCSR: the complex counterparts, for Matrix Market files
//     with a complex field.
//
// # Index widths
//
// Column indices (row indices in CSC) are int32 and pointers int: the
// matrix-vector product streams one index and one value per stored entry,
// so 32-bit indices move 12 bytes per entry instead of 16, a quarter less
// traffic in a bandwidth-bound kernel, at the price of MaxDim = 2³¹−1 rows
// or columns (a vector that long is already 16 GiB). Pointers stay 64-bit,
// so the number of stored entries is not capped.
//
// # Products
//
// CSR.MulVecTo and MulVecTransTo (y = A·x, y = Aᵀ·x) split the rows into
// GOMAXPROCS blocks of equal numbers of stored entries and run them on a
// persistent worker pool; they allocate nothing, and MulVecTo's result does
// not depend on GOMAXPROCS (each row is summed in the same order, four
// partial sums, whatever the split; the last bits differ between the FMA
// kernel and the purego one). Below
// ParallelMinNNZ entries (MulVecTo: below 16 384) they run on the calling
// goroutine. On amd64 with
// AVX and FMA the row kernel is in assembly (scalar fused multiply-adds;
// the purego build tag selects the Go kernel). CSR.MulDenseTo multiplies by
// a dense block (k columns), Mul forms the sparse product A·B (Gustavson's
// algorithm in two parallel passes, sorted output). A CSR is a
// linop.Operator (and Transposer), so every solver takes it directly.
//
// # Files
//
//   - Matrix Market (ReadMM, ReadMMFile, LoadMM, ReadMMDense; WriteMM,
//     SaveMM, WriteMMDense, WriteMMComplex): coordinate and array formats;
//     real, integer, pattern and complex fields; general, symmetric,
//     skew-symmetric and hermitian storage; comments and blank lines where
//     the format allows them; explicit zeros kept as stored entries (SciPy
//     and the header count them; ILU(0) needs the pattern). Malformed input
//     — a bad or missing header, wrong counts, indices out of range,
//     unparsable, NaN or infinite values, truncated files — is an *MMError
//     naming the file, the line and the problem.
//   - SciPy's save_npz archives (LoadNPZ, ReadNPZ; SaveNPZ, WriteNPZ): csr,
//     csc, coo, bsr and dia read, csr written; int32 or int64 indices;
//     stored or deflated members. Errors name the file and the array.
//   - Load picks the reader by extension (.npz, else Matrix Market).
//
// A file whose header declares more than the process may hold (its RAM,
// ulimit or cgroup limit) is refused before the allocation, which in Go
// would be a fatal error rather than an error value.
//
// # Errors and panics
//
// Bad data are errors: malformed files, NaN/Inf values in files (the
// readers and writers refuse them; for matrices built in memory, call
// CheckFinite), and invalid CSR arrays given to NewCSR. Mismatched
// dimensions in products and sums, nil matrices, and a product's dst that
// shares memory with its x are programming errors and panic with a message
// that starts with "sparse:".
package sparse
