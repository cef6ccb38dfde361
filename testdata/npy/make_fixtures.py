#!/usr/bin/python3
"""Write the .npy/.npz fixtures that npy/fixtures_test.go reads, and
expected.json describing each one.

Run from anywhere with /usr/bin/python3 (NumPy 1.24.2 made the committed
files); it rewrites the files next to this script. Values are small and
chosen to be exact in every dtype used, so the Go test compares exactly.
"""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
expected = {}


def base(shape):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float64) * 0.5 - 1.25).reshape(shape)


def save(name, a, *, version=None, note=""):
    if version is None:
        np.save(name, a)
    else:
        with open(name, "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    b = np.load(name, allow_pickle=False)
    assert b.dtype == a.dtype and b.shape == a.shape
    expected[name] = {
        "dtype": a.dtype.str,
        "shape": list(a.shape),
        "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
        # row-major values, as the Go reader returns them
        "values": [float(v) for v in np.ascontiguousarray(a).ravel()],
    }
    if note:
        expected[name]["note"] = note


# Vectors in the dtypes users actually save.
v = base((5,))
save("vec_f8.npy", v)
save("vec_f4.npy", v.astype("<f4"))
save("vec_f2.npy", v.astype("<f2"))
save("vec_f8_be.npy", v.astype(">f8"))
save("vec_i8.npy", np.array([-3, 0, 7, 2**40, -(2**53)], dtype="<i8"))
save("vec_i4_be.npy", np.array([-3, 0, 7, 2**30, -(2**31)], dtype=">i4"))
save("vec_u1.npy", np.array([0, 1, 128, 255], dtype="u1"))
save("vec_bool.npy", np.array([True, False, True]))
save("col_f8.npy", base((4, 1)))
save("row_f8.npy", base((1, 4)))
save("scalar_f8.npy", np.float64(2.5) * np.ones(()))
save("empty_f8.npy", np.zeros((0,)))
save("empty_2d_f8.npy", np.zeros((0, 3)))
save("vec_f8_v2.npy", v, version=(2, 0), note="format version 2.0")

# Matrices and 3-d arrays in C and Fortran order.
m = base((2, 3))
save("mat_f8_c.npy", m)
save("mat_f8_f.npy", np.asfortranarray(m))
save("mat_f4_f.npy", np.asfortranarray(base((3, 2)).astype("<f4")))
save("mat_f8_be_f.npy", np.asfortranarray(m.astype(">f8")))
t = base((2, 3, 4))
save("arr3_f8_c.npy", t)
save("arr3_f8_f.npy", np.asfortranarray(t))
save("arr3_i8_f.npy", np.asfortranarray(np.arange(24, dtype="<i8").reshape(2, 3, 4) - 5))

# Inputs the reader must refuse, with the reason recorded.
bad = {}


def refuse(name, a, why, **kw):
    np.save(name, a, **kw)
    bad[name] = why


refuse("bad_nan.npy", np.array([1.0, 2.0, np.nan, 4.0]), "ErrNonFinite at element 2")
refuse("bad_inf_2d.npy", np.array([[1.0, 2.0], [3.0, -np.inf]]), "ErrNonFinite at element (1, 1)")
refuse("bad_i8_inexact.npy", np.array([1, 2**53 + 1], dtype="<i8"), "ErrRange at element 1")
refuse("bad_c16.npy", np.array([1 + 2j, 3 - 1j]), "ErrDType complex")
refuse("bad_object.npy", np.array([1.0, "a"], dtype=object), "ErrDType object", allow_pickle=True)
refuse("bad_str.npy", np.array(["ab", "c"]), "ErrDType string")
refuse("bad_struct.npy", np.zeros(2, dtype=[("x", "<f8"), ("y", "<i4")]), "ErrDType structured")
refuse("bad_datetime.npy", np.array(["2024-01-01"], dtype="datetime64[D]"), "ErrDType datetime")
refuse("bad_f16.npy", np.array([1.0], dtype=np.longdouble), "ErrDType long double")

# Archives: np.savez (stored) and np.savez_compressed (deflated).
arrs = {
    "X": base((3, 2)),
    "labels": np.array([0, 2, 1, 1], dtype="<i8"),
    "w": base((3,)).astype("<f4"),
}
np.savez("arrays.npz", **arrs)
np.savez_compressed("arrays_compressed.npz", **arrs)
for name in ("arrays.npz", "arrays_compressed.npz"):
    z = np.load(name)
    expected[name] = {
        k: {
            "dtype": z[k].dtype.str,
            "shape": list(z[k].shape),
            "fortran": False,
            "values": [float(x) for x in z[k].ravel()],
        }
        for k in z.files
    }
    expected[name]["_order"] = list(z.files)

# One line per file keeps the JSON small and its diffs readable.
def line(k, v):
    return "  " + json.dumps(k) + ": " + json.dumps(v, sort_keys=True)


with open("expected.json", "w") as f:
    f.write('{\n "numpy": %s,\n "arrays": {\n' % json.dumps(np.__version__))
    f.write(",\n".join(line(k, expected[k]) for k in sorted(expected)))
    f.write('\n },\n "refused": {\n')
    f.write(",\n".join(line(k, bad[k]) for k in sorted(bad)))
    f.write("\n }\n}\n")
