#!/usr/bin/python3
"""Writes neighbors_float32.json: scikit-learn's KNeighborsClassifier(5).kneighbors on float32
data (brute force, euclidean: scikit-learn's float32 GEMM path), for Ember's float32 brute
force: 1,200 × 50 uniform [0, 1) training rows and 400 queries (more than one of Ember's
query and training blocks), plus 2,000 × 8 rows on a coarse grid of 1/8 steps (many near
ties). Every value is an integer multiple of 2⁻²⁰, exact in float32, stored as that integer
("X" · 2²⁰).

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_neighbors_float32.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(3)
cases = []
for name, (n, d, q, grid) in {"uniform50": (1200, 50, 400, False), "grid8": (2000, 8, 300, True)}.items():
    X = rng.randint(0, 2**20, (n, d))
    Q = rng.randint(0, 2**20, (q, d))
    if grid:
        X, Q = X // 2**17 * 2**17, Q // 2**17 * 2**17 + 2**14
    xi, qi = X, Q
    X, Q = (X / 2**20).astype(np.float32), (Q / 2**20).astype(np.float32)
    y = rng.randint(0, 3, n)
    c = KNeighborsClassifier(5, algorithm="brute").fit(X, y)
    dist, ind = c.kneighbors(Q)
    assert c._fit_method == "brute" and X.dtype == np.float32
    cases.append({"name": name, "X": xi.tolist(), "y": y.tolist(), "Xq": qi.tolist(),
                  "dist": dist.astype(float).tolist(), "ind": ind.tolist(), "dist_dtype": str(dist.dtype)})
with open(os.path.join(here, "neighbors_float32.json"), "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, separators=(",", ":"))
