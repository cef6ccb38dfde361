"""Fixtures for sparse.ReadNPZ: scipy.sparse.save_npz files in every format.

Run with /usr/bin/python3 (SciPy 1.10.1, NumPy 1.24.2) from the repository
root: /usr/bin/python3 testdata/scipy/make_fixtures.py
Each fixture's dense values go to expected.json; the Go tests compare the
matrices they read against them.
"""
import json, os
import numpy as np
import scipy.sparse as sp

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)

# A 7x5 nonsymmetric matrix with an explicit zero at (1, 3), an empty row
# (row 4) and an empty column (column 2).
dense = np.zeros((7, 5))
for (i, j, v) in [(0, 0, 4.0), (0, 4, -1.5), (1, 1, 2.0), (1, 3, 0.0), (2, 0, 1e-300),
                  (3, 4, 7.25), (5, 1, -3.0), (5, 3, 0.5), (6, 0, 2.0), (6, 4, 1e300)]:
    dense[i, j] = v
rows = np.array([0, 0, 1, 1, 2, 3, 5, 5, 6, 6])
cols = np.array([0, 4, 1, 3, 0, 4, 1, 3, 0, 4])
vals = dense[rows, cols]
coo = sp.coo_matrix((vals, (rows, cols)), shape=(7, 5))

expected = {}
def save(name, m, compressed=True, pattern=None):
    sp.save_npz(os.path.join(here, name), m, compressed=compressed)
    d = m.toarray().astype(float)
    expected[name] = {"rows": d.shape[0], "cols": d.shape[1], "dense": d.tolist(),
                      "nnz": int(m.tocsr().nnz) if pattern is None else pattern}

save("csr.npz", coo.tocsr())
save("csr_stored.npz", coo.tocsr(), compressed=False)
save("csc.npz", coo.tocsc())
save("coo.npz", coo)
save("csr_array.npz", sp.csr_array(coo))  # sparray: adds _is_array
# int64 indices and float32 / int / bool data
m = coo.tocsr(); m.indices = m.indices.astype(np.int64); m.indptr = m.indptr.astype(np.int64)
save("csr_i8.npz", m)
save("csr_f4.npz", sp.csr_matrix(np.array([[1.5, 0], [0, -2.25]], dtype=np.float32)))
save("csr_int.npz", sp.csr_matrix(np.array([[3, 0, -1], [0, 0, 2]], dtype=np.int64)))
save("csr_bool.npz", sp.csr_matrix(np.array([[True, False], [True, True]])))
# Unsorted column indices and duplicates (not canonical): summed on read.
u = sp.csr_matrix((np.array([1.0, 2.0, 3.0, 4.0]), np.array([2, 0, 2, 1]), np.array([0, 3, 4])), shape=(2, 3))
assert not u.has_canonical_format
expected_u = u.toarray()
sp.save_npz(os.path.join(here, "csr_unsorted.npz"), u)
expected["csr_unsorted.npz"] = {"rows": 2, "cols": 3, "dense": expected_u.tolist(), "nnz": 3}
c = sp.coo_matrix((np.array([1.0, 2.0, -1.0]), (np.array([1, 0, 1]), np.array([1, 2, 1]))), shape=(2, 3))
sp.save_npz(os.path.join(here, "coo_dup.npz"), c)
expected["coo_dup.npz"] = {"rows": 2, "cols": 3, "dense": c.toarray().tolist(), "nnz": 2}
# Block sparse row and diagonal storage.
b = sp.bsr_matrix(np.array([[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 0, 5], [0, 0, 6, 0]], dtype=float), blocksize=(2, 2))
sp.save_npz(os.path.join(here, "bsr.npz"), b)
expected["bsr.npz"] = {"rows": 4, "cols": 4, "dense": b.toarray().tolist(), "nnz": 8}
dg = sp.dia_matrix((np.array([[1.0, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]), np.array([0, -1, 2])), shape=(4, 5))
sp.save_npz(os.path.join(here, "dia.npz"), dg)
expected["dia.npz"] = {"rows": 4, "cols": 5, "dense": dg.toarray().tolist(), "nnz": int(dg.tocsr().nnz)}
# Empty and degenerate shapes.
save("empty.npz", sp.csr_matrix((3, 4)))
save("zero_rows.npz", sp.csr_matrix((0, 4)))
# Inputs the reader must refuse.
sp.save_npz(os.path.join(here, "bad_complex.npz"), sp.csr_matrix(np.array([[1 + 2j, 0], [0, 1]])))
bad = coo.tocsr().copy(); bad.data[3] = np.nan
sp.save_npz(os.path.join(here, "bad_nan.npz"), bad)
np.savez(os.path.join(here, "bad_noformat.npz"), data=np.ones(2), indices=np.array([0, 1]), indptr=np.array([0, 1, 2]), shape=np.array([2, 2]))
np.savez(os.path.join(here, "bad_format.npz"), format=b"lil", data=np.ones(2), shape=np.array([2, 2]))
np.savez(os.path.join(here, "bad_indptr.npz"), format=b"csr", data=np.ones(2), indices=np.array([0, 1]), indptr=np.array([0, 3, 2]), shape=np.array([2, 2]))
np.savez(os.path.join(here, "bad_index.npz"), format=b"csr", data=np.ones(2), indices=np.array([0, 2]), indptr=np.array([0, 1, 2]), shape=np.array([2, 2]))
np.savez(os.path.join(here, "bad_shape.npz"), format=b"csr", data=np.ones(2), indices=np.array([0, 1]), indptr=np.array([0, 1, 2]), shape=np.array([2, 2, 2]))
np.savez(os.path.join(here, "bad_lengths.npz"), format=b"coo", data=np.ones(3), row=np.array([0, 1]), col=np.array([0, 1]), shape=np.array([2, 2]))
np.savez(os.path.join(here, "bad_negative.npz"), format=b"coo", data=np.ones(2), row=np.array([0, -1]), col=np.array([0, 1]), shape=np.array([2, 2]))
np.savez(os.path.join(here, "format_unicode.npz"), format="csr", data=np.ones(2), indices=np.array([0, 1], dtype=np.int32), indptr=np.array([0, 1, 2], dtype=np.int32), shape=np.array([2, 2]))
expected["format_unicode.npz"] = {"rows": 2, "cols": 2, "dense": [[1.0, 0.0], [0.0, 1.0]], "nnz": 2}
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
