"""Krylov anchor: SciPy and PETSc (petsc4py, one process) solving the same
systems as bench/krylov, driven line by line from stdin so that the Go
program can interleave its own runs with the reference runs.

Each request is one JSON object on a line:
  {"tool": "scipy"|"petsc", "matrix": {"lap": G} | {"file": PATH},
   "method": "cg"|"minres"|"gmres"|"fgmres"|"bicgstab", "precond": "none"|"jacobi"|"ilu0"|"iluk2"|"ic0"|"ick2",
   "rtol": R, "maxit": N, "restart": M, "mode": "perf"|"iters"}
and each answer one line "@@" + a JSON object: iterations, seconds (solve only), relres
(true ||b - A x||/||b||), converged, or error. b = A @ ones.

mode "perf" uses each tool's defaults (what a user gets: PETSc's default
norm and preconditioning side); mode "iters" configures PETSc to test the
unpreconditioned residual with right preconditioning for GMRES/BiCGStab,
the rule subspace uses, so that iteration counts are comparable.

ILU(0)/IC(0): SciPy has neither (spilu is threshold ILU), so SciPy runs use
a zero-fill ILU(0) written here with NumPy (for symmetric positive definite
A it is the same preconditioner as IC(0)). PETSc uses PCILU / PCICC with
zero levels (its defaults).
"""
import sys, json, time
import numpy as np
import scipy.io
import scipy.sparse as sp
import scipy.sparse.linalg as sla

try:
    from petsc4py import PETSc
except ImportError as e:  # reported per request
    PETSc = None
    PETSC_ERR = str(e)

_cache = {}


def matrix(spec):
    key = json.dumps(spec, sort_keys=True)
    if key not in _cache:
        if "lap" in spec:
            g = spec["lap"]
            T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(g, g))
            I = sp.identity(g)
            A = (sp.kron(I, T) + sp.kron(T, I)).tocsr()
        else:
            A = sp.csr_matrix(scipy.io.mmread(spec["file"])).astype(float)
        A.sort_indices()
        b = A @ np.ones(A.shape[1])
        _cache[key] = (A, b, {})
    return _cache[key]


def ilu0(A):
    """Zero-fill incomplete LU on the pattern of A (IKJ variant); returns a
    function applying (LU)^-1."""
    A = A.tocsr().copy()
    A.sort_indices()
    n = A.shape[0]
    ip, ind, val = A.indptr, A.indices, A.data.copy()
    diag = np.full(n, -1)
    for i in range(n):
        for k in range(ip[i], ip[i + 1]):
            if ind[k] == i:
                diag[i] = k
    if (diag < 0).any():
        raise ValueError("ilu0: missing diagonal entry")
    for i in range(1, n):
        pos = {ind[k]: k for k in range(ip[i], ip[i + 1])}
        for kk in range(ip[i], ip[i + 1]):
            k = ind[kk]
            if k >= i:
                break
            if val[diag[k]] == 0:
                raise ValueError("ilu0: zero pivot in row %d" % k)
            val[kk] /= val[diag[k]]
            lik = val[kk]
            for jj in range(diag[k] + 1, ip[k + 1]):
                j = ind[jj]
                if j in pos:
                    val[pos[j]] -= lik * val[jj]
    F = sp.csr_matrix((val, ind, ip), shape=A.shape)
    L = (sp.tril(F, -1) + sp.identity(n)).tocsc()
    U = sp.triu(F, 0).tocsc()
    # SuperLU on a triangular matrix with the natural ordering and no
    # pivoting reproduces it without fill: compiled triangular solves
    # (spsolve_triangular is a Python loop in SciPy 1.10).
    opts = dict(permc_spec="NATURAL", diag_pivot_thresh=0.0, options=dict(SymmetricMode=True))
    lu_l, lu_u = sla.splu(L, **opts), sla.splu(U, **opts)
    return lambda r: lu_u.solve(lu_l.solve(r))


def scipy_run(req):
    A, b, pcache = matrix(req["matrix"])
    prec, method = req["precond"], req["method"]
    M = None
    if prec == "jacobi":
        d = A.diagonal()
        M = sla.LinearOperator(A.shape, matvec=lambda r: r / d)
    elif prec in ("ilu0", "ic0"):
        if "ilu0" not in pcache:
            pcache["ilu0"] = ilu0(A)
        M = sla.LinearOperator(A.shape, matvec=pcache["ilu0"])
    elif prec != "none":
        return dict(error="SciPy has no %s preconditioner" % prec)
    its = [0]

    def cb(*a):
        its[0] += 1

    rtol, maxit = req["rtol"], req["maxit"]
    t = time.perf_counter()
    if method == "cg":
        x, info = sla.cg(A, b, tol=rtol, atol=0.0, M=M, maxiter=maxit, callback=cb)
    elif method == "minres":
        x, info = sla.minres(A, b, tol=rtol, M=M, maxiter=maxit, callback=cb)
    elif method == "bicgstab":
        x, info = sla.bicgstab(A, b, tol=rtol, atol=0.0, M=M, maxiter=maxit, callback=cb)
    elif method == "fgmres":
        return dict(error="SciPy has no FGMRES")
    elif method == "gmres":
        m = req.get("restart", 30)
        # SciPy 1.10 counts maxiter in restart cycles; the pr_norm callback
        # runs once per inner iteration.
        x, info = sla.gmres(A, b, tol=rtol, atol=0.0, M=M, restart=m, maxiter=max(1, -(-maxit // m)),
                            callback=cb, callback_type="pr_norm")
    else:
        return dict(error="unknown method " + method)
    dt = time.perf_counter() - t
    relres = float(np.linalg.norm(b - A @ x) / np.linalg.norm(b))
    return dict(iterations=its[0], seconds=dt, relres=relres, converged=bool(info == 0), info=int(info))


def petsc_run(req):
    if PETSc is None:
        return dict(error="petsc4py: " + PETSC_ERR)
    A, b, pcache = matrix(req["matrix"])
    if "petsc" not in pcache:
        pcache["petsc"] = PETSc.Mat().createAIJ(
            size=A.shape, csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data))
    P = pcache["petsc"]
    method, prec = req["method"], req["precond"]
    ksp = PETSc.KSP().create()
    ksp.setOperators(P)
    ksp.setType({"cg": "cg", "minres": "minres", "bicgstab": "bcgs", "gmres": "gmres", "fgmres": "fgmres"}[method])
    if method in ("gmres", "fgmres"):
        ksp.setGMRESRestart(req.get("restart", 30))
    pc = ksp.getPC()
    pc.setType({"none": "none", "jacobi": "jacobi", "ilu0": "ilu", "iluk2": "ilu", "ic0": "icc", "ick2": "icc", "ssor": "sor"}[prec])
    if prec in ("iluk2", "ick2"):
        pc.setFactorLevels(2)
    ksp.setTolerances(rtol=req["rtol"], atol=0.0, max_it=req["maxit"])
    # MINRES supports only the preconditioned norm (left preconditioning).
    if req.get("mode") == "iters" and method != "minres":
        if method in ("gmres", "fgmres", "bicgstab"):
            ksp.setPCSide(PETSc.PC.Side.RIGHT)
        ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    bb = P.createVecRight()
    bb.setArray(b)
    x = P.createVecRight()
    ksp.setUp()
    t = time.perf_counter()
    ksp.solve(bb, x)
    dt = time.perf_counter() - t
    xa = x.getArray()
    relres = float(np.linalg.norm(b - A @ xa) / np.linalg.norm(b))
    reason = int(ksp.getConvergedReason())
    out = dict(iterations=int(ksp.getIterationNumber()), seconds=dt, relres=relres, converged=reason > 0,
               reason=reason, norm_type=int(ksp.getNormType()), pc_side=int(ksp.getPCSide()))
    ksp.destroy()
    return out


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            out = (petsc_run if req["tool"] == "petsc" else scipy_run)(req)
        except Exception as e:  # one bad request must not end the session
            out = dict(error="%s: %s" % (type(e).__name__, e))
        # JSON has no Infinity/NaN: a residual that is not finite is null.
        for k, v in out.items():
            if isinstance(v, float) and not np.isfinite(v):
                out[k] = None
        # PETSc may print its own messages on stdout: mark our answers.
        print("@@" + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
