"""mmread anchor: SciPy's scipy.io.mmread on the Matrix Market file bench/mmread wrote,
alone (it returns a COO matrix) and followed by .tocsr() (what subspace's reader returns).

usage: anchor.py FILE REPS -> one JSON line of median seconds, nnz and a checksum."""
import sys, time, json
import numpy as np, scipy, scipy.io


def median_time(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))


path, reps = sys.argv[1], int(sys.argv[2])
A = scipy.io.mmread(path).tocsr()
out = dict(scipy_version=scipy.__version__, nnz=int(A.nnz), rows=A.shape[0], cols=A.shape[1],
           sum=float(A.sum()))
out['mmread_s'] = median_time(lambda: scipy.io.mmread(path), reps)
out['mmread_tocsr_s'] = median_time(lambda: scipy.io.mmread(path).tocsr(), reps)
print(json.dumps(out))
