"""SciPy side of bench/skr: the same sequence of systems, in the same order,
solved independently with scipy.sparse.linalg.gmres(restart=40) and with
scipy.sparse.linalg.gcrotmk(m=40, k=20) carrying its recycled space CU from
one system to the next (discard_C=True: C is recomputed from U for each new
matrix, as GCRO-DR does), and gcrotmk(m=20, k=20) the same way. SciPy's m
counts the new Arnoldi vectors of a cycle beside the k carried ones, so
gcrotmk(20, 20) searches the same 40-dimensional space per cycle as
GCRO-DR(40, 20), and gcrotmk(40, 20) (the setting the SKR issue names) a
60-dimensional one; which is faster depends on the problem, and callers
compare against the faster.

usage: anchor.py DIR RTOL PRECOND MAXITER REPS
DIR holds A_%05d.mtx and b_%05d.npy in solve order (written by main.go).
PRECOND: none | jacobi | ssor | ilu0, built from each system's matrix as
subspace's package precond defines them (ssor: omega 1, the symmetric
Gauss-Seidel splitting (D+L) D^-1 (D+U); ilu0: zero-fill ILU, IKJ variant,
written below because SciPy has none - spilu is threshold ILU). Building it
is timed separately and not included in the reported seconds (SciPy has no
SSOR or ILU(0); the ILU(0) here is a slow Python loop, not a library one).
The three solvers run interleaved system by system (the order rotated
from one system to the next); REPS repeats the whole sequence and the median of each
per-system mean time (wall, and process CPU time) is reported. Products with A are counted with a
LinearOperator wrapper; "iterations" are gmres' inner iterations
(callback_type='pr_norm') and gcrotmk's outer iterations. Prints one JSON
object.
"""
import json
import os
import sys
import time

import numpy as np
import scipy.io
import scipy.sparse as sp
import scipy.sparse.linalg as sla


def ilu0(A):
    """Zero-fill incomplete LU on A's pattern (IKJ variant, no pivoting)."""
    A = sp.csr_matrix(A, copy=True)
    A.sort_indices()
    n = A.shape[0]
    ip, ind, val = A.indptr, A.indices, A.data
    diag = np.empty(n, dtype=np.int64)
    for i in range(n):
        row = ind[ip[i]:ip[i + 1]]
        k = np.searchsorted(row, i)
        diag[i] = ip[i] + k
    for i in range(1, n):
        lo, hi = ip[i], ip[i + 1]
        cols = ind[lo:hi]
        pos = {c: lo + t for t, c in enumerate(cols)}
        for t in range(lo, diag[i]):
            k = ind[t]
            val[t] /= val[diag[k]]
            f = val[t]
            for s in range(diag[k] + 1, ip[k + 1]):
                j = ind[s]
                q = pos.get(j)
                if q is not None:
                    val[q] -= f * val[s]
    L = sp.tril(A, -1, format="csr") + sp.identity(n, format="csr")
    U = sp.triu(A, 0, format="csr")
    return L, U


def tri_solver(T):
    """Fast solves with a sparse triangular T: SuperLU with the natural
    ordering and diagonal pivots factors T into itself (no fill), and its
    solve runs in C (spsolve_triangular loops in Python in SciPy 1.10)."""
    f = sla.splu(sp.csc_matrix(T), permc_spec="NATURAL", diag_pivot_thresh=0.0,
                 options={"SymmetricMode": True})
    return f.solve


def build_precond(kind, A):
    n = A.shape[0]
    if kind == "none":
        return None
    if kind == "jacobi":
        inv = 1.0 / A.diagonal()
        return sla.LinearOperator(A.shape, matvec=lambda x: inv * x.ravel())
    if kind == "ssor":
        d = A.diagonal()
        lo, up = tri_solver(sp.tril(A, 0)), tri_solver(sp.triu(A, 0))  # D + L, D + U

        def apply(x):
            return up(d * lo(x.ravel()))
        return sla.LinearOperator(A.shape, matvec=apply)
    if kind == "ilu0":
        L, U = ilu0(A)
        lo, up = tri_solver(L), tri_solver(U)

        def apply(x):
            return up(lo(x.ravel()))
        return sla.LinearOperator(A.shape, matvec=apply)
    raise SystemExit("unknown preconditioner " + kind)


class Counted(sla.LinearOperator):
    def __init__(self, A):
        super().__init__(A.dtype, A.shape)
        self.A = A
        self.count = 0

    def _matvec(self, x):
        self.count += 1
        return self.A @ x


def main():
    d, rtol, prec, maxiter, reps = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    names = sorted(f for f in os.listdir(d) if f.startswith("A_"))
    systems = []
    for f in names:
        A = sp.csr_matrix(scipy.io.mmread(os.path.join(d, f)))
        b = np.load(os.path.join(d, "b_" + f[2:-4] + ".npy"))
        systems.append((A, b))
    N = len(systems)
    # solver name -> gcrotmk's m (None: gmres)
    solvers = {"gmres": None, "gcrotmk": 40, "gcrotmk_m20": 20}
    names_ = list(solvers)
    runs = {s: [] for s in solvers}
    for rep in range(reps):
        tot = {s: dict(mv=0, it=0, sec=0.0, cpu=0.0, setup=0.0, maxrel=0.0, notconv=0) for s in runs}
        CUs = {s: [] for s in solvers}
        for t, (A, b) in enumerate(systems):
            k = t % len(names_)
            order = names_[k:] + names_[:k]
            for s in order:
                t0 = time.perf_counter()
                M = build_precond(prec, A)
                t1 = time.perf_counter()
                c1 = time.process_time()
                op = Counted(A)
                its = [0]

                def cb(*a):
                    its[0] += 1
                if solvers[s] is None:
                    x, info = sla.gmres(op, b, tol=rtol, atol=0, restart=40, maxiter=maxiter // 40 + 1, M=M,
                                        callback=cb, callback_type="pr_norm")
                else:
                    m = solvers[s]
                    x, info = sla.gcrotmk(op, b, tol=rtol, atol=0, m=m, k=20, CU=CUs[s], discard_C=True,
                                          maxiter=maxiter // m + 1, M=M, callback=cb)
                t2 = time.perf_counter()
                c2 = time.process_time()
                rel = np.linalg.norm(b - A @ x) / np.linalg.norm(b)
                r = tot[s]
                r["mv"] += op.count
                r["it"] += its[0]
                r["sec"] += t2 - t1
                r["cpu"] += c2 - c1
                r["setup"] += t1 - t0
                r["maxrel"] = max(r["maxrel"], rel)
                r["notconv"] += int(info != 0 or not rel <= rtol * (1 + 1e-9))
        for s in runs:
            runs[s].append(tot[s])
    out = {"count": N, "rtol": rtol, "precond": prec}
    for s, rs in runs.items():
        secs = sorted(r["sec"] / N for r in rs)
        cpus = sorted(r["cpu"] / N for r in rs)
        setups = sorted(r["setup"] / N for r in rs)
        r0 = rs[0]
        out[s] = dict(matvecs=r0["mv"] / N, iterations=r0["it"] / N, seconds=secs[len(secs) // 2], cpu_seconds=cpus[len(cpus) // 2],
                      setup_seconds=setups[len(setups) // 2], max_relres=r0["maxrel"], not_converged=r0["notconv"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
