"""spmul anchor: SciPy's sparse products on the matrices bench/spmul wrote.

usage: anchor.py A.npz R.npz X.npy REPS -> one JSON line: median seconds of
A @ A, R @ R (csr_matmat, sparse times sparse) and A @ X (csr_matvecs,
sparse times a dense n×k array; also its kernel into a preallocated result,
ax_kernel_s), with the products' nnz and sums so that
bench/spmul can check both sides computed the same thing. SciPy's sparse
products come back with unsorted column indices (has_sorted_indices is
False); the *_sorted times add sort_indices(), the canonical form
sparse.Mul returns."""
import sys, time, json
import numpy as np, scipy, scipy.sparse as sp


def median_time(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))


A = sp.load_npz(sys.argv[1]).tocsr()
R = sp.load_npz(sys.argv[2]).tocsr()
X = np.load(sys.argv[3])
reps = int(sys.argv[4])
AA, RR, AX = A @ A, R @ R, A @ X
out = dict(scipy_version=scipy.__version__,
           aa_nnz=int(AA.nnz), aa_sum=float(AA.data.sum()),
           rr_nnz=int(RR.nnz), rr_sum=float(RR.data.sum()),
           ax_sum=float(AX.sum()))
def sorted_product(X, Y):
    C = X @ Y
    C.sort_indices()
    return C


out['aa_sorted_in'] = bool((A @ A).has_sorted_indices)
out['aa_s'] = median_time(lambda: A @ A, reps)
out['rr_s'] = median_time(lambda: R @ R, reps)
out['aa_sorted_s'] = median_time(lambda: sorted_product(A, A), reps)
out['rr_sorted_s'] = median_time(lambda: sorted_product(R, R), reps)
out['ax_s'] = median_time(lambda: A @ X, reps)
# The kernel A @ X calls (csr_matvecs) into a preallocated Y, as
# CSR.MulDenseTo writes: A @ X also allocates (and zeroes) a new n×k
# result every call. csr_matvecs accumulates; the time does not depend on
# the values.
try:
    from scipy.sparse import _sparsetools
    Y = np.zeros((A.shape[0], X.shape[1]))
    Xc = np.ascontiguousarray(X)
    out['ax_kernel_s'] = median_time(lambda: _sparsetools.csr_matvecs(A.shape[0], A.shape[1], X.shape[1], A.indptr, A.indices, A.data, Xc.ravel(), Y.ravel()), reps)
except (ImportError, AttributeError) as e:
    out['ax_kernel_error'] = str(e)
print(json.dumps(out))
