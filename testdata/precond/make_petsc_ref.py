#!/usr/bin/python3
"""Reference values for the precond package, computed once with PETSc.

Run from anywhere with the Debian python3 (SciPy 1.10, petsc4py 3.18):

  PYTHONPATH=/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib/python3/dist-packages \
      /usr/bin/python3 testdata/precond/make_petsc_ref.py

It reads real matrices from testdata/matrices, applies PETSc's PCILU
(levels 0, and levels 1-3 for ILU(k)), PCICC (levels 0, and 1-2 for IC(k)), PCASM (3 blocks,
overlap 1, restricted, ILU(0), ILU(1) and ILU(2) subdomains) and PCSOR (symmetric sweep, one iteration) to a
fixed random vector, and writes petsc_ref.json beside this script: for each
matrix its CSR arrays, the vector x, and M^{-1} x for each preconditioner.
Natural ordering and no shift everywhere (PCICC's default shift type is
positive_definite, which would change the factor).

It also checks whether SciPy's spilu(fill_factor=1, drop_tol=0,
permc_spec='NATURAL', diag_pivot_thresh=0) reproduces ILU(0): it does not
(SuperLU's ILUTP limits fill by a count, not by the pattern of A, so its L
and U have other patterns), which is why the ILU(0) reference is PETSc's.
The script prints that comparison.
"""
import json
import os
import sys

import numpy as np
import scipy.io as sio
import scipy.sparse.linalg as spla

from petsc4py import PETSc

HERE = os.path.dirname(os.path.abspath(__file__))
MATRICES = os.path.join(HERE, "..", "matrices")


def petsc_mat(A):
    return PETSc.Mat().createAIJ(
        size=A.shape,
        csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data),
    )


def apply_pc(A, x, kind, opts):
    o = PETSc.Options()
    for k, v in opts.items():
        o.setValue(k, v)
    pc = PETSc.PC().create()
    pc.setType(kind)
    pc.setOperators(petsc_mat(A))
    pc.setFromOptions()
    pc.setUp()
    xv = PETSc.Vec().createWithArray(x.copy())
    yv = xv.duplicate()
    pc.apply(xv, yv)
    for k in opts:
        o.delValue(k)
    return yv.getArray().copy()


def ilu0_dense(A):
    """Textbook IKJ ILU(0) on a small matrix, to compare with spilu."""
    n = A.shape[0]
    P = np.zeros((n, n), bool)
    for i in range(n):
        P[i, A.indices[A.indptr[i]:A.indptr[i + 1]]] = True
    a = A.toarray()
    for i in range(1, n):
        for k in range(i):
            if P[i, k]:
                a[i, k] /= a[k, k]
                for j in range(k + 1, n):
                    if P[i, j] and P[k, j]:
                        a[i, j] -= a[i, k] * a[k, j]
    return np.tril(a, -1) * P + np.eye(n), np.triu(a) * P


def main():
    rng = np.random.default_rng(20240611)
    out = {"source": "testdata/precond/make_petsc_ref.py, PETSc %d.%d.%d" % PETSc.Sys.getVersion(), "cases": []}
    for name, sym in [("cage5", False), ("pts5ldd03", True), ("494_bus", True)]:
        A = sio.mmread(os.path.join(MATRICES, name + ".mtx")).tocsr()
        A.sort_indices()
        n = A.shape[0]
        x = rng.standard_normal(n)
        case = {
            "name": name,
            "n": n,
            "indptr": A.indptr.tolist(),
            "indices": A.indices.tolist(),
            "data": A.data.tolist(),
            "x": x.tolist(),
            "apply": {},
        }
        nat = {"pc_factor_mat_ordering_type": "natural", "pc_factor_shift_type": "none", "pc_factor_levels": 0}
        if name != "494_bus":
            case["apply"]["ilu0"] = apply_pc(A, x, "ilu", nat).tolist()
            for w in (1.0, 1.5, 0.6):
                case["apply"]["ssor%g" % w] = apply_pc(A, x, "sor", {"pc_sor_omega": w}).tolist()
            # Restricted additive Schwarz: 3 contiguous blocks, overlap 1,
            # ILU(0) subdomain solves.
            asm = {"pc_asm_blocks": 3, "pc_asm_overlap": 1, "pc_asm_type": "restrict", "sub_pc_type": "ilu",
                   "sub_pc_factor_levels": 0, "sub_pc_factor_mat_ordering_type": "natural",
                   "sub_pc_factor_shift_type": "none"}
            case["apply"]["asm3"] = apply_pc(A, x, "asm", asm).tolist()
            # The same with ILU(1) and ILU(2) subdomain solves.
            for k in (1, 2):
                case["apply"]["asm3k%d" % k] = apply_pc(A, x, "asm", dict(asm, sub_pc_factor_levels=k)).tolist()
            L, U = ilu0_dense(A)
            B = spla.spilu(A.tocsc(), fill_factor=1, drop_tol=0, permc_spec="NATURAL", diag_pivot_thresh=0)
            print("%s: spilu nnz(L)=%d nnz(U)=%d, ILU(0) nnz(L)=%d nnz(U)=%d, max|L-L0|=%.3g max|U-U0|=%.3g"
                  % (name, B.L.nnz, B.U.nnz, np.count_nonzero(L), np.count_nonzero(U),
                     abs(B.L.toarray() - L).max(), abs(B.U.toarray() - U).max()))
        for k in (1, 2, 3):
            case["apply"]["iluk%d" % k] = apply_pc(A, x, "ilu", dict(nat, pc_factor_levels=k)).tolist()
        if sym:
            case["apply"]["ic0"] = apply_pc(A, x, "icc", nat).tolist()
            for k in (1, 2):
                case["apply"]["ick%d" % k] = apply_pc(A, x, "icc", dict(nat, pc_factor_levels=k)).tolist()
        out["cases"].append(case)
    path = os.path.join(HERE, "petsc_ref.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    sys.exit(main())
