#!/usr/bin/python3
"""Reference results for package ot, computed once with POT 0.8.2.

Run from this directory:  /usr/bin/python3 make_ref.py  (writes ref.json)

Each case stores the inputs (a, b, C row-major, reg, reg_m) and POT's
outputs: the plan of ot.sinkhorn(method='sinkhorn_log', stopThr=1e-13),
ot.emd's plan, cost and (centered) duals, ot.sinkhorn_unbalanced's
plan (stopThr=1e-13), and log['err'] of ot.sinkhorn (methods 'sinkhorn_log'
and 'sinkhorn', stopThr=1e-9, numItermax=1000). Inputs are generated with a fixed NumPy seed.
"""
import json
import numpy as np
import ot

rng = np.random.default_rng(20240501)
cases = []


def add(name, a, b, C, reg, reg_m):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    C = np.asarray(C, float)
    # POT's log-domain Sinkhorn takes log(0) on zero-mass bins, so the
    # entropic references are computed on the support and expanded with
    # zeros (the exact solution has zero rows/columns there).
    ia, ib = a > 0, b > 0
    Cs = C[np.ix_(ia, ib)]
    P_log = np.zeros_like(C)
    P_log[np.ix_(ia, ib)] = ot.sinkhorn(a[ia], b[ib], Cs, reg, method='sinkhorn_log',
                                        numItermax=200000, stopThr=1e-13)
    P_unb = np.zeros_like(C)
    P_unb[np.ix_(ia, ib)] = ot.sinkhorn_unbalanced(a[ia], b[ib], Cs, reg, reg_m,
                                                   numItermax=200000, stopThr=1e-13)
    # The stopping-rule history (log['err']) at POT's defaults for the
    # check interval, to compare with Options.History.
    _, log_l = ot.sinkhorn(a[ia], b[ib], Cs, reg, method='sinkhorn_log',
                           numItermax=1000, stopThr=1e-9, log=True)
    _, log_s = ot.sinkhorn(a[ia], b[ib], Cs, reg, method='sinkhorn',
                           numItermax=1000, stopThr=1e-9, log=True)
    G, log = ot.emd(a, b, C, numItermax=10**7, log=True)
    cases.append(dict(
        name=name, n=C.shape[0], m=C.shape[1], a=a.tolist(), b=b.tolist(),
        C=C.ravel().tolist(), reg=reg, reg_m=reg_m,
        sinkhorn_log_plan=P_log.ravel().tolist(),
        sinkhorn_log_cost=float(np.sum(P_log * C)),
        emd_plan=G.ravel().tolist(), emd_cost=float(log['cost']),
        emd_u=log['u'].tolist(), emd_v=log['v'].tolist(),
        unbalanced_plan=P_unb.ravel().tolist(),
        unbalanced_cost=float(np.sum(P_unb * C)),
        sinkhorn_log_err=[float(e) for e in log_l['err']],
        sinkhorn_err=[float(e) for e in log_s['err']],
    ))


# Square, uniform weights, squared Euclidean cost between 2-D points.
x = rng.normal(size=(8, 2))
y = rng.normal(size=(8, 2)) + 1
add("square_uniform", ot.unif(8), ot.unif(8), ot.dist(x, y), 1.0, 1.0)

# Rectangular, non-uniform weights, Euclidean cost.
x = rng.normal(size=(9, 3))
y = rng.normal(size=(6, 3))
a = rng.random(9) + 0.1
a /= a.sum()
b = rng.random(6) + 0.1
b /= b.sum()
add("rect_nonuniform", a, b, ot.dist(x, y, metric='euclidean'), 0.05, 0.5)

# Zero-mass bins and a cityblock cost.
x = rng.normal(size=(7, 2))
y = rng.normal(size=(5, 2))
a = np.array([0.2, 0.0, 0.3, 0.1, 0.0, 0.25, 0.15])
b = np.array([0.3, 0.2, 0.0, 0.4, 0.1])
add("zero_bins", a, b, ot.dist(x, y, metric='cityblock'), 0.2, 2.0)

# Uniform random costs (the random assignment problem), moderate reg.
C = rng.random((12, 12))
add("random_assignment", ot.unif(12), ot.unif(12), C, 0.02, 1.0)

# Larger rectangular case for EMD (40 x 30), non-uniform weights.
x = rng.normal(size=(40, 2))
y = rng.normal(size=(30, 2))
a = rng.random(40)
a /= a.sum()
b = rng.random(30)
b /= b.sum()
add("emd_40x30", a, b, ot.dist(x, y), 0.05, 1.0)

with open("ref.json", "w") as f:
    json.dump(dict(generator="POT %s, numpy %s" % (ot.__version__, np.__version__), cases=cases), f)
print("wrote %d cases" % len(cases))
