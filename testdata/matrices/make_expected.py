#!/usr/bin/python3
"""Record independent reference values for the Matrix Market test files.

Run from anywhere:  /usr/bin/python3 testdata/matrices/make_expected.py
Writes testdata/matrices/expected.json next to this script. Made with
SciPy 1.10.1 (scipy.io.mmread / mminfo); the Go tests in sparse/ and
cmd/subspace/ compare against it.

For each *.mtx file: the header (mminfo), and for the matrix as mmread
returns it converted to CSR (symmetric storage expanded, duplicates summed,
explicit zeros kept): rows, cols, nnz, sums of the values, of their
moduli and of their squares, the product A @ w with w_j = 1 + j/cols
(its sum and 2-norm), the 1-, inf- and Frobenius norms, the diagonal's
missing and explicitly zero entries, and exact value and pattern
symmetry. Complex quantities are stored as [real, imag].
"""
import glob
import json
import os

import numpy as np
import scipy.io
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))


def cplx(z):
    z = complex(z)
    return [z.real, z.imag]


def describe(path):
    rows, cols, entries, fmt, field, symm = scipy.io.mminfo(path)
    A = sp.csr_matrix(scipy.io.mmread(path))
    A.sum_duplicates()  # keeps explicit zeros; only merges repeated positions
    A.sort_indices()
    is_complex = np.iscomplexobj(A.data)
    w = 1.0 + np.arange(A.shape[1]) / max(A.shape[1], 1)
    y = A @ w
    absA = abs(A)
    diag_missing = diag_zero = 0
    for i in range(min(A.shape)):
        row = A.indices[A.indptr[i]:A.indptr[i + 1]]
        k = np.searchsorted(row, i)
        if k == len(row) or row[k] != i:
            diag_missing += 1
        elif A.data[A.indptr[i] + k] == 0:
            diag_zero += 1
    square = A.shape[0] == A.shape[1]
    pat = A.copy()
    pat.data = np.ones_like(pat.data, dtype=float)
    pattern_symmetric = bool(square and (pat != pat.T).nnz == 0)
    # Exact symmetry: A - A^T with stored zeros removed has no entries.
    symmetric = bool(square and abs(A - A.T).max() == 0) if A.nnz else square
    out = {
        "file": os.path.basename(path),
        "header": {"format": fmt, "field": field, "symmetry": symm,
                   "rows": rows, "cols": cols, "entries": entries},
        "rows": A.shape[0], "cols": A.shape[1], "nnz": int(A.nnz),
        "complex": bool(is_complex),
        "sum_abs": float(absA.sum()),
        "sum_sq": float((absA.multiply(absA)).sum()),
        "norm_1": float(abs(A).sum(axis=0).max()) if A.nnz else 0.0,
        "norm_inf": float(abs(A).sum(axis=1).max()) if A.nnz else 0.0,
        "norm_max": float(absA.max()) if A.nnz else 0.0,
        "diag_missing": diag_missing, "diag_zero": diag_zero,
        "symmetric": symmetric,
        "pattern_symmetric": pattern_symmetric,
    }
    if is_complex:
        out["sum"] = cplx(A.sum())
        out["aw_sum"] = cplx(y.sum())
        # Hermitian: A - A^H is empty.
        out["hermitian"] = bool(square and abs(A - A.conj().T).max() == 0)
    else:
        out["sum"] = float(A.sum())
        out["aw_sum"] = float(y.sum())
    out["aw_norm"] = float(np.linalg.norm(y))
    return out


def main():
    files = sorted(glob.glob(os.path.join(HERE, "*.mtx")))
    res = [describe(f) for f in files]
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", len(res), "entries")


if __name__ == "__main__":
    main()
