"""pde anchor: the SKR anchor's Gaussian random field (NumPy normals + scipy.fft.idctn) and
Darcy assembly, timed on the same permeability field that bench/pde drew in Go.

usage: anchor.py K.npy G REPS -> one JSON line of median seconds and checksums.

grf() and darcy_loop() are the project SKR anchor's functions (shared/anchors/darcy_ref.py);
darcy_vec() is the same matrix built the way a SciPy user would (diagonals + sp.diags, as
SKR's and FNO's own generators do), checked here to equal darcy_loop() exactly."""
import sys, time, json
import numpy as np, scipy.sparse as sp
from scipy.fft import idctn


def median_time(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def grf(s, alpha, tau, rng):
    k = np.arange(s)
    K1, K2 = np.meshgrid(k, k, indexing='ij')
    coef = tau**(alpha-1) * (np.pi**2 * (K1**2 + K2**2) + tau**2) ** (-alpha / 2)
    xi = rng.standard_normal((s, s))
    L = s * coef * xi; L[0, 0] = 0
    return idctn(L, norm='ortho')


def darcy_loop(K):
    s = K.shape[0]; g = s - 2; h = 1.0 / (g + 1)
    idx = lambda i, j: (i - 1) * g + (j - 1)
    rows, cols, vals = [], [], []
    for i in range(1, g + 1):
        for j in range(1, g + 1):
            diag = 0.0
            for (a, b) in ((i-1, j), (i+1, j), (i, j-1), (i, j+1)):
                kf = 0.5 * (K[i, j] + K[a, b]); diag += kf
                if 1 <= a <= g and 1 <= b <= g:
                    rows.append(idx(i, j)); cols.append(idx(a, b)); vals.append(-kf)
            rows.append(idx(i, j)); cols.append(idx(i, j)); vals.append(diag)
    A = sp.csr_matrix((vals, (rows, cols)), shape=(g*g, g*g))
    return A, np.full(g*g, h*h)


def darcy_vec(K):
    s = K.shape[0]; g = s - 2; h = 1.0 / (g + 1)
    c = K[1:-1, 1:-1]
    kS = 0.5 * (c + K[:-2, 1:-1]); kN = 0.5 * (c + K[2:, 1:-1])
    kW = 0.5 * (c + K[1:-1, :-2]); kE = 0.5 * (c + K[1:-1, 2:])
    diag = (((kS + kN) + kW) + kE).ravel()
    west = (-kW).copy(); west[:, 0] = 0      # no west neighbour in column 0
    east = (-kE).copy(); east[:, -1] = 0     # no east neighbour in column g-1
    A = sp.diags([(-kS).ravel()[g:], west.ravel()[1:], diag, east.ravel()[:-1], (-kN).ravel()[:-g]],
                 [-g, -1, 0, 1, g], shape=(g*g, g*g), format='csr')
    A.eliminate_zeros()  # the masked wrap-around entries
    return A, np.full(g*g, h*h)


path, g, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = g + 2
K = np.load(path).reshape(s, s)
A, b = darcy_vec(K)
Al, bl = darcy_loop(K); Al.sum_duplicates(); Al.sort_indices(); A.sort_indices()
same = bool(np.array_equal(A.indptr, Al.indptr) and np.array_equal(A.indices, Al.indices)
            and np.array_equal(A.data, Al.data) and np.array_equal(b, bl))
rng = np.random.default_rng(1)
out = dict(g=g, nnz=int(A.nnz), vec_equals_loop=same, abs_sum=float(np.abs(A.data).sum()), b_sum=float(b.sum()))
out['grf_s'] = median_time(lambda: grf(s, 2.5, 7.0, rng), reps)
out['field_s'] = median_time(lambda: np.exp(grf(s, 2.5, 7.0, rng)), reps)
out['assemble_vec_s'] = median_time(lambda: darcy_vec(K), reps)
out['assemble_loop_s'] = median_time(lambda: darcy_loop(K), max(3, reps // 10))
print(json.dumps(out))
