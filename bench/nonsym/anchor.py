"""nonsym anchor: SciPy's and PETSc's (petsc4py, one process) nonsymmetric
Krylov solvers on the matrix bench/nonsym wrote, without a preconditioner.

usage: anchor.py A.npz RTOL MAXIT REPS [PRECOND [BLOCKS]] -> one JSON line: for each solver
the median seconds of REPS solves (the solve call only), its iterations
and products with A, and the true relative residual ||b - A x||/||b||,
with b = A @ ones (as on the Go side). SciPy 1.10: bicgstab, gmres
(restart 30), tfqmr, gcrotmk(m=20, k=20) (its iterations are outer
cycles: SciPy calls the callback once per cycle), with tol=RTOL, atol=0. PETSc: KSP bcgs, gmres
(restart 30), tfqmr with rtol=RTOL, atol=0 and PC none (so its residual
norm is the true one). PRECOND ilu0 or ilukK: PETSc's PCILU (zero fill,
or -pc_factor_levels K), preconditioned on the right and stopping on the
unpreconditioned residual as subspace's solvers do (ksp.make_ksp), timed
with its set-up; SciPy has no ILU(0) or ILU(k) and is skipped."""
import sys, time, json
import numpy as np
import scipy, scipy.sparse as sp, scipy.sparse.linalg as sla

A = sp.load_npz(sys.argv[1]).tocsr()
A.sort_indices()
rtol, maxit, reps = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
prec = sys.argv[5] if len(sys.argv) > 5 else "none"
blocks = int(sys.argv[6]) if len(sys.argv) > 6 else 0
n = A.shape[0]
b = A @ np.ones(n)
bnorm = np.linalg.norm(b)
out = {"scipy_version": scipy.__version__, "n": n, "nnz": int(A.nnz), "solvers": {}}


def record(name, run, count):
    ts, res = [], None
    for _ in range(reps):
        t = time.perf_counter()
        res = run()
        ts.append(time.perf_counter() - t)
    x, its = res
    out["solvers"][name] = {"seconds": float(np.median(ts)), "iterations": its, "matvecs": count(),
                            "relres": float(np.linalg.norm(b - A @ x) / bnorm)}


class Counting(sla.LinearOperator):
    """A with a product counter, for one untimed run of each SciPy solver."""
    def __init__(self):
        super().__init__(A.dtype, A.shape)
        self.count = 0

    def _matvec(self, x):
        self.count += 1
        return A @ x


def scipy_solver(f, **kw):
    def solve(op):
        its = [0]

        def cb(*_):
            its[0] += 1
        x, info = f(op, b, tol=rtol, atol=0.0, maxiter=maxit, callback=cb, **kw)
        return x, its[0]

    def count():
        op = Counting()
        solve(op)
        return op.count
    return (lambda: solve(A)), count


for name, f, kw in [("scipy bicgstab", sla.bicgstab, {}),
                    ("scipy gmres(30)", sla.gmres, {"restart": 30, "callback_type": "pr_norm"}),
                    ("scipy tfqmr", sla.tfqmr, {}),
                    ("scipy gcrotmk(20,20)", sla.gcrotmk, {"m": 20, "k": 20})]:
    if prec == "none":
        record(name, *scipy_solver(f, **kw))

try:
    from petsc4py import PETSc
    from ksp import make_ksp
    M = PETSc.Mat().createAIJ(size=A.shape, csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data))
    M.assemble()
    bb = M.createVecLeft()
    bb.setArray(b)

    PETSc.Log.begin()
    matmult = PETSc.Log.Event("MatMult")

    def petsc_solver(kind):
        products = [0]

        def run():
            ksp = make_ksp(M, kind, prec, rtol, maxit, blocks)
            x = M.createVecRight()
            c0 = matmult.getPerfInfo()["count"]
            ksp.solve(bb, x)
            products[0] = matmult.getPerfInfo()["count"] - c0
            return x.getArray().copy(), ksp.getIterationNumber()
        return run, lambda: products[0]
    for kind in ["bcgs", "gmres", "tfqmr"]:
        record("petsc " + kind + ("(30)" if kind == "gmres" else ""), *petsc_solver(kind))
except ImportError as e:
    out["petsc_error"] = str(e)
print(json.dumps(out))
