"""The PETSc solver set-up anchor.py and anchor_mpi.py share."""
from petsc4py import PETSc


def make_ksp(M, kind, prec, rtol, maxit, blocks=0):
    """KSP of type kind (bcgs, gmres with restart 30, tfqmr) on M, rtol
    relative, atol 0, maxit iterations. prec ilu0 is PCILU on one rank and
    PETSc's parallel default, block Jacobi with ILU(0) blocks, on several
    (PCILU is sequential); ilukK the same with K levels of fill
    (-pc_factor_levels K, -sub_pc_factor_levels K); anything else is no
    preconditioner. blocks > 0: block Jacobi with that many blocks in all
    (-pc_bjacobi_blocks) of that ILU, on one rank too.

    With a preconditioner the KSP is preconditioned on the right and tests
    the unpreconditioned residual ||b - A x|| (-ksp_pc_side right
    -ksp_norm_type unpreconditioned), the rule subspace's solvers use:
    with PETSc's default (left, preconditioned norm) its bcgs diverges
    with ILU(k) where the right-preconditioned one converges in our
    BiCGStab's iteration count, and its tfqmr stops on a preconditioned
    norm far from the true residual, so the fastest converged PETSc solver
    was its GMRES for want of a like-for-like setting."""
    comm = M.getComm()
    ksp = PETSc.KSP().create(comm=comm)
    ksp.setOperators(M)
    ksp.setType(kind)
    if kind == "gmres":
        ksp.setGMRESRestart(30)
    if prec == "ilu0" or prec.startswith("iluk"):
        levels = int(prec[4:]) if prec.startswith("iluk") else 0
        if comm.getSize() == 1 and blocks == 0:
            ksp.getPC().setType("ilu")
            ksp.getPC().setFactorLevels(levels)
        else:
            if blocks > 0:
                PETSc.Options().setValue("pc_bjacobi_blocks", blocks)
            # The blocks' ILU reads its level from the options database
            # when the block Jacobi sets up its sub-solvers, which it does
            # only after PCSetFromOptions on the outer PC.
            PETSc.Options().setValue("sub_pc_factor_levels", levels)
            ksp.getPC().setType("bjacobi")
            ksp.getPC().setFromOptions()
        ksp.setPCSide(PETSc.PC.Side.RIGHT)
        ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    else:
        ksp.getPC().setType("none")
    ksp.setTolerances(rtol=rtol, atol=0.0, max_it=maxit)
    return ksp
