"""nonsym MPI anchor: PETSc's nonsymmetric Krylov solvers on several MPI
ranks, on the matrix bench/nonsym wrote (bench/nonsym -mpi N).

usage: mpiexec -n N python3 anchor_mpi.py A.npz RTOL MAXIT REPS [PRECOND [BLOCKS]]
-> one JSON line on rank 0: ranks, and for each of KSP bcgs, gmres
(restart 30) and tfqmr (named "petsc-mpi ...") the median seconds of REPS
solves (KSPSolve of the slowest rank; with PRECOND ilu0 the set-up of
PETSc's default parallel ILU, block Jacobi with ILU(0) blocks, included;
right preconditioning and the unpreconditioned residual norm, as
ksp.make_ksp sets for every preconditioned run),
iterations, products with A (MatMult calls) and the true relative
residual ||b - A x|| / ||b||, b = A @ ones. Same settings as anchor.py's
one-process PETSc otherwise. Every rank reads the file and keeps its own
block of rows (PETSc's default layout).
"""
import sys
import time
import json

import numpy as np
import scipy.sparse as sp
from petsc4py import PETSc
from ksp import make_ksp

comm = PETSc.COMM_WORLD
A = sp.load_npz(sys.argv[1]).tocsr()
A.sort_indices()
rtol, maxit, reps = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
prec = sys.argv[5] if len(sys.argv) > 5 else "none"
blocks = int(sys.argv[6]) if len(sys.argv) > 6 else 0
n = A.shape[0]

lay = PETSc.Vec().createMPI(n, comm=comm)
rs, re = lay.getOwnershipRange()
loc = A[rs:re]
M = PETSc.Mat().createAIJ(size=((re - rs, n), (re - rs, n)), comm=comm,
                          csr=(loc.indptr.astype(PETSc.IntType), loc.indices.astype(PETSc.IntType), loc.data))
M.assemble()
ones = M.createVecRight()
ones.set(1.0)
bb = M.createVecLeft()
M.mult(ones, bb)
bnorm = bb.norm()
tv = PETSc.Vec().createMPI(comm.getSize(), comm=comm)

PETSc.Log.begin()
matmult = PETSc.Log.Event("MatMult")
out = {"ranks": comm.getSize(), "solvers": {}}
for kind in ["bcgs", "gmres", "tfqmr"]:
    secs, its, products, x = [], 0, 0, None
    for _ in range(reps):
        comm.barrier()
        t = time.perf_counter()
        ksp = make_ksp(M, kind, prec, rtol, maxit, blocks)
        x = M.createVecRight()
        c0 = matmult.getPerfInfo()["count"]
        ksp.solve(bb, x)
        dt = time.perf_counter() - t
        products = matmult.getPerfInfo()["count"] - c0
        its = ksp.getIterationNumber()
        tv.setValue(comm.getRank(), dt)
        tv.assemble()
        secs.append(tv.max()[1])
        ksp.destroy()
    r = bb.duplicate()
    M.mult(x, r)
    r.aypx(-1.0, bb)
    name = "petsc-mpi " + kind + ("(30)" if kind == "gmres" else "")
    relres = r.norm() / bnorm
    out["solvers"][name] = {"seconds": float(np.median(secs)), "iterations": int(its), "matvecs": int(products),
                            "relres": relres if np.isfinite(relres) else 1e300}
if comm.getRank() == 0:
    print(json.dumps(out))
