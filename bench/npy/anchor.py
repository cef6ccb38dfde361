"""npy anchor: NumPy's np.save / np.load and np.savez / np.load on a float64
vector of N elements, in the directory bench/npy uses, and a check that
NumPy reads the file subspace wrote to the same values.
usage: anchor.py DIR N REPS -> one JSON line of median seconds."""
import json, os, sys, time
import numpy as np

def median_time(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))

d, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = np.arange(n, dtype=np.float64) * 0.5 - 3.0
labels = np.arange(n, dtype=np.int64) % 10
out = {"numpy": np.__version__}
p = os.path.join(d, "np_x.npy")
out["save_s"] = median_time(lambda: np.save(p, x), reps)
out["load_s"] = median_time(lambda: np.load(p), reps)
pz = os.path.join(d, "np_d.npz")
out["savez_s"] = median_time(lambda: np.savez(pz, x=x, labels=labels), reps)
def loadz():
    with np.load(pz) as z:
        z["x"]; z["labels"]
out["npz_load_s"] = median_time(loadz, reps)
# The file subspace wrote holds the same vector, and its .npz the same arrays.
g = np.load(os.path.join(d, "go_x.npy"))
with np.load(os.path.join(d, "go_d.npz")) as z:
    out["go_files_equal"] = bool(np.array_equal(g, x) and np.array_equal(z["x"], x) and np.array_equal(z["labels"], labels) and z["labels"].dtype == np.int64)
print(json.dumps(out))
