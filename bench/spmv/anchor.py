"""SpMV anchor: SciPy's CSR product (A @ x, single-threaded) and PETSc's MatMult
(one process) on the 2-D 5-point Laplacian with G x G unknowns, the same matrix
bench/spmv builds in Go; also SciPy's kernel (csr_matvec) into a preallocated
y, without the allocation A @ x makes. usage: anchor.py G REPS -> one JSON line of median seconds."""
import sys, time, json
import numpy as np, scipy.sparse as sp

def median_time(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))

g, reps = int(sys.argv[1]), int(sys.argv[2])
T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(g, g)); I = sp.identity(g)
A = (sp.kron(I, T) + sp.kron(T, I)).tocsr()
A.sort_indices()
n = A.shape[0]
x = np.ones(n)
out = dict(n=n, nnz=int(A.nnz), index_bytes=A.indices.dtype.itemsize)
out['scipy_s'] = median_time(lambda: A @ x, reps)
# The same C++ kernel A @ x calls, into a preallocated y (as subspace and
# PETSc write): A @ x also allocates and zeroes a new y every call.
# csr_matvec accumulates into y; the sums growing does not change the time.
try:
    from scipy.sparse import _sparsetools
    y = np.zeros(n)
    out['scipy_kernel_s'] = median_time(lambda: _sparsetools.csr_matvec(n, n, A.indptr, A.indices, A.data, x, y), reps)
except (ImportError, AttributeError) as e:
    out['scipy_kernel_error'] = str(e)
try:
    from petsc4py import PETSc
    P = PETSc.Mat().createAIJ(size=A.shape, csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data))
    xv, yv = P.createVecs(); xv.set(1.0)
    out['petsc_s'] = median_time(lambda: P.mult(xv, yv), reps)
except ImportError as e:
    out['petsc_error'] = str(e)
print(json.dumps(out))
