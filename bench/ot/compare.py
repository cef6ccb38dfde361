#!/usr/bin/python3
"""Correctness comparison of `subspace ot` with POT 0.8.2 on the same inputs.

Builds the CLI (go build ./cmd/subspace) unless --subspace names a binary,
generates each case with a fixed NumPy seed, runs every method through the
CLI (--plan, --json) and POT's counterpart, and prints max |P - P_POT|,
the costs and their relative difference. Entropic methods are compared
with ot.sinkhorn(method='sinkhorn_log') run to stopThr 1e-12; emd with
ot.emd; unbalanced with ot.sinkhorn_unbalanced. Run from the repository
root: /usr/bin/python3 bench/ot/compare.py
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import ot

p = argparse.ArgumentParser()
p.add_argument("--subspace", default="")
args = p.parse_args()

tmp = tempfile.mkdtemp(prefix="ot-compare-")
exe = args.subspace
if not exe:
    exe = os.path.join(tmp, "subspace")
    subprocess.run(["go", "build", "-o", exe, "./cmd/subspace"], check=True)

rng = np.random.default_rng(12345)


def case_points(n, m, d, uniform, zeros=0):
    x = rng.normal(size=(n, d))
    y = rng.normal(size=(m, d)) + 0.5
    if uniform:
        a, b = ot.unif(n), ot.unif(m)
    else:
        a, b = rng.random(n) + 0.1, rng.random(m) + 0.1
        a[:zeros] = 0
        b[:zeros] = 0
        a, b = a / a.sum(), b / b.sum()
    return x, y, a, b


cases = [
    # name, points (x, y, a, b), metric, reg, reg_m
    ("square uniform sqeuclidean", case_points(100, 100, 2, True), "sqeuclidean", 0.5, 1.0),
    ("rect nonuniform euclidean", case_points(150, 80, 3, False), "euclidean", 0.1, 0.5),
    ("zero bins cityblock", case_points(60, 70, 2, False, zeros=5), "cityblock", 0.2, 1.0),
    ("small reg (1e-3 of max C)", case_points(80, 80, 2, False), "sqeuclidean", None, 1.0),
]

methods = ["sinkhorn", "sinkhorn-log", "stabilized", "eps-scaling", "sns", "emd", "unbalanced"]
print("POT %s, numpy %s" % (ot.__version__, np.__version__))
print("%-28s %-13s %9s %12s %12s %10s %s" % ("case", "method", "iters", "max|dP|", "cost", "rel dcost", "note"))
for name, (x, y, a, b), metric, reg, reg_m in cases:
    np.save(tmp + "/x.npy", x)
    np.save(tmp + "/y.npy", y)
    np.save(tmp + "/a.npy", a)
    np.save(tmp + "/b.npy", b)
    C = ot.dist(x, y, metric=metric)
    if reg is None:
        reg = 1e-3 * C.max()
    ia, ib = a > 0, b > 0
    sub = np.ix_(ia, ib)

    def on_support(f):
        P = np.zeros_like(C)
        P[sub] = f(a[ia], b[ib], C[sub])
        return P

    ref = {
        "entropic": on_support(lambda aa, bb, cc: ot.sinkhorn(aa, bb, cc, reg, method="sinkhorn_log",
                                                              numItermax=10**6, stopThr=1e-12)),
        "emd": ot.emd(a, b, C, numItermax=10**8),
        "unbalanced": on_support(lambda aa, bb, cc: ot.sinkhorn_unbalanced(aa, bb, cc, reg, reg_m,
                                                                           numItermax=10**6, stopThr=1e-12)),
    }
    for meth in methods:
        plan = tmp + "/P.npy"  # rewritten for every case and method (--force)
        cmd = [exe, "ot", "--x", tmp + "/x.npy", "--y", tmp + "/y.npy", "--a", tmp + "/a.npy", "--b", tmp + "/b.npy",
               "--metric", metric, "--method", meth, "--tol", "1e-12", "--maxiter", "1000000", "--plan", plan, "--force", "--json"]
        if meth != "emd":
            cmd += ["--reg", repr(reg)]
        if meth == "unbalanced":
            cmd += ["--reg-m", repr(reg_m)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode not in (0, 3):
            print("%-28s %-13s %s" % (name, meth, r.stderr.strip()))
            continue
        out = json.loads(r.stdout)
        P = np.load(plan)
        R = ref["emd" if meth == "emd" else "unbalanced" if meth == "unbalanced" else "entropic"]
        rc = float(np.sum(R * C))
        note = "" if out["converged"] else "NOT CONVERGED"
        print("%-28s %-13s %9d %12.2e %12.8g %10.1e %s" % (
            name, meth, out["iterations"], np.abs(P - R).max(), out["cost"], abs(out["cost"] - rc) / abs(rc), note))
