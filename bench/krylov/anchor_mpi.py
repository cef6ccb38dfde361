"""PETSc on several MPI ranks, for bench/krylov -mpi N: one solve of the
2-D Laplacian (G x G unknowns, b = A @ ones, x0 = 0) per launch, under
  mpiexec -n N python3 anchor_mpi.py G METHOD PRECOND RTOL MAXIT RESTART REPS
METHOD cg|gmres, PRECOND none|jacobi. PETSc's defaults otherwise (what a
PETSc user gets: left preconditioning, preconditioned norm for CG), as the
one-process anchor's "perf" mode. The solve runs REPS times from x0 = 0
(the first one is also the warm-up the Go side discards when REPS > 1).
Rank 0 prints one JSON line: ranks, iterations, seconds (a list:
KSPSolve only, the slowest rank, one entry per solve), relres (true
||b - A x|| / ||b|| of the last solve), converged.

Each rank assembles its own block of rows from NumPy arrays (no Python
loop over rows), so a launch costs the MPI start-up plus well under a
second of assembly at G = 1000.
"""
import json
import sys
import time

import numpy as np
from petsc4py import PETSc


def local_rows(g, rs, re):
    """CSR of rows rs..re-1 of the 5-point Laplacian, global columns in
    ascending order (SciPy's kron(I,T) + kron(T,I) numbering)."""
    r = np.arange(rs, re)
    i, j = np.divmod(r, g)
    cols = [np.where(i > 0, r - g, -1), np.where(j > 0, r - 1, -1), r,
            np.where(j < g - 1, r + 1, -1), np.where(i < g - 1, r + g, -1)]
    vals = [-1.0, -1.0, 4.0, -1.0, -1.0]
    C = np.stack(cols, axis=1)
    V = np.tile(np.array(vals), (len(r), 1))
    keep = C >= 0
    indptr = np.concatenate([[0], np.cumsum(keep.sum(axis=1))]).astype(PETSc.IntType)
    return indptr, C[keep].astype(PETSc.IntType), V[keep]


def main():
    g, method, prec = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rtol, maxit, restart = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    reps = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    comm = PETSc.COMM_WORLD
    n = g * g
    lay = PETSc.Vec().createMPI(n, comm=comm)
    rs, re = lay.getOwnershipRange()
    indptr, ind, val = local_rows(g, rs, re)
    A = PETSc.Mat().createAIJ(size=((re - rs, n), (re - rs, n)), csr=(indptr, ind, val), comm=comm)
    A.assemble()
    x, b = A.createVecs()
    x.set(1.0)
    A.mult(x, b)
    x.set(0.0)
    ksp = PETSc.KSP().create(comm=comm)
    ksp.setOperators(A)
    ksp.setType(method)
    if method == "gmres":
        ksp.setGMRESRestart(restart)
    ksp.getPC().setType(prec)
    ksp.setTolerances(rtol=rtol, atol=0.0, max_it=maxit)
    ksp.setUp()
    # The slowest rank's time: KSPSolve ends with a reduction, so the
    # ranks finish together up to scheduling noise.
    tv = PETSc.Vec().createMPI(comm.getSize(), comm=comm)
    secs = []
    for _ in range(reps):
        x.set(0.0)
        comm.barrier()
        t = time.perf_counter()
        ksp.solve(b, x)
        dt = time.perf_counter() - t
        tv.setValue(comm.getRank(), dt)
        tv.assemble()
        secs.append(tv.max()[1])
    r = b.duplicate()
    A.mult(x, r)
    r.aypx(-1.0, b)
    relres = r.norm() / b.norm()
    reason = int(ksp.getConvergedReason())
    if comm.getRank() == 0:
        print(json.dumps(dict(ranks=comm.getSize(), iterations=int(ksp.getIterationNumber()), seconds=secs,
                                     relres=relres, converged=reason > 0, reason=reason)), flush=True)


if __name__ == "__main__":
    main()
