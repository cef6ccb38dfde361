"""Preconditioner anchor: PETSc (petsc4py, one process) PCJACOBI, PCSOR, PCILU
(levels 0, 1 and 2) and PCICC (levels 0), and SciPy's spilu(fill_factor=1) and the NumPy
diagonal scaling that is Jacobi, timed on the 2-D 5-point Laplacian with G x G
unknowns, the same matrix bench/precond builds in Go.

usage: anchor.py G SETUP_REPS APPLY_REPS -> one JSON line of median seconds.

setup = from the assembled matrix to the first result: building the
preconditioner and applying it once (PCSetUp + first PCApply on a fresh PC;
spilu + first solve). PETSc's Jacobi and SOR do their work lazily in the
first PCApply (PCSetUp alone takes microseconds), so setup alone would not
compare like with like. apply = one further PCApply / solve / multiply
(median, warm). Natural ordering and no shift for ILU/ICC (PETSc's ICC
default would add a positive-definite shift loop). spilu is slow (tens of
seconds at G = 1000), so its setup is timed once.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def median_time(f, reps, warm=True):
    if warm:
        f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


g, setup_reps, apply_reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(g, g))
I = sp.identity(g)
A = (sp.kron(I, T) + sp.kron(T, I)).tocsr()
A.eliminate_zeros()  # kron of small DIA matrices can store zeros; ILU(0) would see them
A.sort_indices()
n = A.shape[0]
assert A.nnz == 5 * g * g - 4 * g, A.nnz
rng = np.random.default_rng(1)
x = rng.standard_normal(n)
out = {"n": n, "nnz": int(A.nnz)}

# NumPy Jacobi: y = x * (1/diag), what any Python code does for Jacobi.
dinv = 1.0 / A.diagonal()
y = np.empty(n)
out["numpy_jacobi_setup_s"] = median_time(lambda: np.multiply(x, 1.0 / A.diagonal(), out=y), setup_reps)
out["numpy_jacobi_apply_s"] = median_time(lambda: np.multiply(x, dinv, out=y), apply_reps)

# SciPy spilu with fill_factor=1: SuperLU's threshold ILU capped at nnz(A)
# fill. It is not ILU(0) (different pattern) but it is SciPy's closest tool.
Acsc = A.tocsc()
opts = dict(fill_factor=1, drop_tol=0, permc_spec="NATURAL", diag_pivot_thresh=0)
t = time.perf_counter()
B = spla.spilu(Acsc, **opts)
B.solve(x)
out["scipy_spilu_setup_s"] = time.perf_counter() - t
out["scipy_spilu_nnz"] = int(B.L.nnz + B.U.nnz - n)
out["scipy_spilu_apply_s"] = median_time(lambda: B.solve(x), apply_reps)

try:
    from petsc4py import PETSc

    P = PETSc.Mat().createAIJ(
        size=A.shape, csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data)
    )
    xv, yv = P.createVecs()
    xv.setArray(x)
    kinds = {
        "jacobi": ("jacobi", {}),
        "sor": ("sor", {}),
        "ilu": ("ilu", {"pc_factor_levels": 0, "pc_factor_mat_ordering_type": "natural", "pc_factor_shift_type": "none"}),
        "ilu1": ("ilu", {"pc_factor_levels": 1, "pc_factor_mat_ordering_type": "natural", "pc_factor_shift_type": "none"}),
        "ilu2": ("ilu", {"pc_factor_levels": 2, "pc_factor_mat_ordering_type": "natural", "pc_factor_shift_type": "none"}),
        "icc": ("icc", {"pc_factor_levels": 0, "pc_factor_mat_ordering_type": "natural", "pc_factor_shift_type": "none"}),
        "icc1": ("icc", {"pc_factor_levels": 1, "pc_factor_mat_ordering_type": "natural", "pc_factor_shift_type": "none"}),
        "icc2": ("icc", {"pc_factor_levels": 2, "pc_factor_mat_ordering_type": "natural", "pc_factor_shift_type": "none"}),
        # Restricted additive Schwarz, 2 contiguous blocks, overlap 1, ILU(0)
        # subdomain solves (PETSc's defaults but for the block count).
        "asm": ("asm", {"pc_asm_blocks": 2, "pc_asm_overlap": 1, "pc_asm_type": "restrict", "sub_pc_type": "ilu",
                        "sub_pc_factor_levels": 0, "sub_pc_factor_mat_ordering_type": "natural",
                        "sub_pc_factor_shift_type": "none"}),
    }
    o = PETSc.Options()
    for name, (typ, opt) in kinds.items():
        for k, v in opt.items():
            o.setValue(k, v)

        def make():
            pc = PETSc.PC().create()
            pc.setType(typ)
            pc.setOperators(P)
            pc.setFromOptions()
            return pc

        def setup():
            # Destroying the PC (freeing its factors) is not timed, as
            # bench/precond does not time the Go collector freeing ours.
            pc = make()
            t = time.perf_counter()
            pc.setUp()
            pc.apply(xv, yv)
            dt = time.perf_counter() - t
            pc.destroy()
            return dt

        setup()  # warm-up
        out["petsc_%s_setup_s" % name] = float(np.median([setup() for _ in range(setup_reps)]))
        pc = make()
        pc.setUp()
        pc.apply(xv, yv)
        out["petsc_%s_apply_s" % name] = median_time(lambda: pc.apply(xv, yv), apply_reps)
        pc.destroy()
        for k in opt:
            o.delValue(k)
except ImportError as e:
    out["petsc_error"] = str(e)
print(json.dumps(out))
