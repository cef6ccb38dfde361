"""spnpz anchor: scipy.sparse.save_npz and load_npz on the matrix bench/spnpz wrote.

usage: anchor.py STORED.npz COMPRESSED.npz OUTDIR REPS -> one JSON line of
median seconds per operation, and the matrix's nnz and value sum (a check
that SciPy read what subspace wrote). SciPy writes OUTDIR/scipy.npz
(compressed=False) and OUTDIR/scipy_c.npz (compressed=True, its default)
and times load_npz on those, its own files; bench/spnpz then times
subspace's reader on the same two files."""
import os, sys, time, json
import numpy as np, scipy, scipy.sparse as sp


def median_time(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))


stored, compressed, outdir, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
A = sp.load_npz(stored)
out = dict(scipy_version=scipy.__version__, nnz=int(A.nnz), rows=A.shape[0], cols=A.shape[1],
           sum=float(A.data.sum()))
B = sp.load_npz(compressed)
assert B.nnz == A.nnz and (A != B).nnz == 0, "the stored and compressed files differ"
own, own_c = os.path.join(outdir, 'scipy.npz'), os.path.join(outdir, 'scipy_c.npz')
out['save_stored_s'] = median_time(lambda: sp.save_npz(own, A, compressed=False), reps)
out['save_compressed_s'] = median_time(lambda: sp.save_npz(own_c, A, compressed=True), max(1, reps // 2))
out['load_stored_s'] = median_time(lambda: sp.load_npz(own), reps)
out['load_compressed_s'] = median_time(lambda: sp.load_npz(own_c), reps)
out['load_ours_stored_s'] = median_time(lambda: sp.load_npz(stored), reps)
out['load_ours_compressed_s'] = median_time(lambda: sp.load_npz(compressed), reps)
print(json.dumps(out))
