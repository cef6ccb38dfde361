"""Generate the pde package's reference fixtures (run once; outputs are committed).

usage: /usr/bin/python3 testdata/pde/make_fixtures.py   (from the repository root; SciPy 1.10, NumPy)

Writes, next to this script:
  dct.json    random arrays and scipy.fft.idctn / dctn (norm='ortho') of them, several sizes.
  grf.json    KL coefficients xi and the Gaussian random field the SKR anchor's grf() makes from them.
  darcy.json  a permeability K = exp(grf) on an 8x8 node grid (g = 6) and the CSR matrix and
              right-hand side that the SKR anchor's darcy(K) assembles from it.
  grf_periodic.json  real and imaginary normals and FNO's periodic GaussianRF field
              (zongyi-li/fourier_neural_operator, as the SKR code uses it) made from them.
  helmholtz_skr.json  a medium a on a 9x9 node grid, a wavenumber k, and what build_helmholtz
              of the SKR authors' code assembles from them.
  darcy_skr.json  a K on a 9x9 node grid (g = 7) and the CSR matrix and right-hand side that
              build_darcy of the SKR authors' code assembles from it.

grf() and darcy() below are copies of the functions in the project's SKR anchor script
(shared/anchors/darcy_ref.py), except that grf takes xi as an argument instead of drawing it,
so that the Go test can feed the same xi.
"""
import json, os
import numpy as np
import scipy.sparse as sp
from scipy.fft import idctn, dctn

HERE = os.path.dirname(os.path.abspath(__file__))


def grf_from_xi(xi, alpha, tau):
    s = xi.shape[0]
    k = np.arange(s)
    K1, K2 = np.meshgrid(k, k, indexing='ij')
    coef = tau**(alpha-1) * (np.pi**2 * (K1**2 + K2**2) + tau**2) ** (-alpha / 2)
    L = s * coef * xi; L[0, 0] = 0
    return idctn(L, norm='ortho')


def darcy(K):
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


def build_darcy(coef, f):
    """build_darcy of wanghong1700/NO-DataGen-SKR, code_dracy/exp_generate_mpi_82_sort.py
    lines 182-202 (comments dropped); it zeroes the left and right boundary columns of coef
    in place, so callers pass a copy."""
    s = coef.shape[0] - 2
    h = 1.0 / (s - 1)
    f = f[1:-1, 1:-1]
    coef_pos = coef[1:-1, 2:]
    coef_pos[:, -1] = 0
    coef_neg = coef[1:-1, :-2]
    coef_neg[:, 0] = 0
    diagonals = [-coef_neg.flatten()[1:], -coef[:-2, 1:-1].flatten()[s - 2:], 4 * coef[1:-1, 1:-1].flatten(),
                 -coef[2:, 1:-1].flatten()[:-(s - 2)], -coef_pos.flatten()[:-1]]
    offsets = [-1, -s, 0, s, 1]
    A = sp.diags(diagonals, offsets, shape=(s * s, s * s))
    b = h ** 2 * f.flatten()
    return A, b


def periodic_grf(xi, eta, alpha, tau):
    """FNO's GaussianRF(2, s, alpha, tau).sample with torch.randn(cfloat) replaced by
    (xi + 1j*eta)/sqrt(2); wavenumbers in FFT order (FNO's order for even s)."""
    s = xi.shape[0]
    sigma = tau ** (0.5 * (2 * alpha - 2))
    k = np.fft.fftfreq(s, 1.0 / s)
    k_x, k_y = np.meshgrid(k, k, indexing='ij')
    sqrt_eig = (s ** 2) * np.sqrt(2.0) * sigma * ((4 * np.pi ** 2 * (k_x ** 2 + k_y ** 2) + tau ** 2) ** (-alpha / 2.0))
    sqrt_eig[0, 0] = 0.0
    return np.real(np.fft.ifft2(sqrt_eig * (xi + 1j * eta) / np.sqrt(2.0)))


def build_helmholtz(coef, f, k):
    """build_helmholtz of wanghong1700/NO-DataGen-SKR, code_hmh/exp_generate_mpi_hmhz102_sort.py
    lines 206-225 (comments dropped); like build_darcy it modifies coef in place."""
    s = coef.shape[0] - 2
    h = 1.0 / (s - 1)
    f = f[1:-1, 1:-1]
    coef_pos = coef[1:-1, 2:]
    coef_pos[:, -1] = 0
    coef_neg = coef[1:-1, :-2]
    coef_neg[:, 0] = 0
    diagonals = [-coef_neg.flatten()[1:], -coef[:-2, 1:-1].flatten()[s - 2:], 4 * coef[1:-1, 1:-1].flatten() - h**2*k**2,
                 -coef[2:, 1:-1].flatten()[:-(s - 2)], -coef_pos.flatten()[:-1]]
    offsets = [-1, -s, 0, s, 1]
    A = sp.diags(diagonals, offsets, shape=(s * s, s * s))
    b = h ** 2 * f.flatten()
    return A, b


def flat(a):
    return [float(v) for v in np.asarray(a).ravel()]


def main():
    rng = np.random.default_rng(20240117)
    cases = []
    for n in (1, 2, 3, 5, 8, 13, 17, 24):
        x = rng.standard_normal((n, n))
        cases.append(dict(n=n, x=flat(x), idctn=flat(idctn(x, norm='ortho')), dctn=flat(dctn(x, norm='ortho'))))
    with open(os.path.join(HERE, 'dct.json'), 'w') as f:
        json.dump(dict(source='scipy.fft ' + __import__('scipy').__version__, cases=cases), f)

    grfs = []
    for s, alpha, tau in ((8, 2.5, 7.0), (11, 2.0, 3.0)):
        xi = rng.standard_normal((s, s))
        grfs.append(dict(s=s, alpha=alpha, tau=tau, xi=flat(xi), u=flat(grf_from_xi(xi, alpha, tau))))
    with open(os.path.join(HERE, 'grf.json'), 'w') as f:
        json.dump(dict(cases=grfs), f)

    xi = rng.standard_normal((8, 8))
    K = np.exp(grf_from_xi(xi, 2.5, 7.0))
    A, b = darcy(K)
    A.sum_duplicates(); A.sort_indices()
    with open(os.path.join(HERE, 'darcy.json'), 'w') as f:
        json.dump(dict(g=6, K=flat(K), indptr=[int(v) for v in A.indptr], indices=[int(v) for v in A.indices],
                       data=flat(A.data), b=flat(b)), f)

    rng = np.random.default_rng(20261126)
    per = []
    for s_, alpha, tau in ((6, 2.5, 7.0), (7, 2.0, 3.0), (10, 2.5, 7.0)):
        xi, eta = rng.standard_normal((s_, s_)), rng.standard_normal((s_, s_))
        per.append(dict(s=s_, alpha=alpha, tau=tau, xi=flat(xi), eta=flat(eta), u=flat(periodic_grf(xi, eta, alpha, tau))))
    with open(os.path.join(HERE, 'grf_periodic.json'), 'w') as f:
        json.dump(dict(cases=per), f)
    K = np.exp(grf_from_xi(rng.standard_normal((9, 9)), 2.5, 7.0))
    A, b = build_darcy(K.copy(), np.ones((9, 9)))
    A = A.tocsr(); A.eliminate_zeros(); A.sum_duplicates(); A.sort_indices()
    with open(os.path.join(HERE, 'darcy_skr.json'), 'w') as f:
        json.dump(dict(g=7, K=flat(K), indptr=[int(v) for v in A.indptr], indices=[int(v) for v in A.indices],
                       data=flat(A.data), b=flat(b)), f)

    a = np.exp(grf_from_xi(rng.standard_normal((9, 9)), 2.5, 7.0))
    k = float(rng.uniform(0, 1))
    A, b = build_helmholtz(a.copy(), np.ones((9, 9)), k)
    A = A.tocsr(); A.eliminate_zeros(); A.sum_duplicates(); A.sort_indices()
    with open(os.path.join(HERE, 'helmholtz_skr.json'), 'w') as f:
        json.dump(dict(g=7, field=flat(a) + [k], indptr=[int(v) for v in A.indptr], indices=[int(v) for v in A.indices],
                       data=flat(A.data), b=flat(b)), f)


if __name__ == '__main__':
    main()
