#!/usr/bin/python3
"""Writes data.json: scikit-learn's per-class row counts of stratified train_test_split, and
StandardScaler / MinMaxScaler results on (nearly) constant features.

sklearn breaks ties between classes with equal remainders at random, so each split case lists
every outcome seen over 200 random states; the Go test checks Ember's counts are among them.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_data.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, StandardScaler

here = os.path.dirname(os.path.abspath(__file__))

split_cases = [
    ([2, 2, 5], 0.3),
    ([2, 2, 5], 3),
    ([80, 20], 0.2),
    ([10, 3], 0.25),
    ([5, 3, 2], 0.3),
    ([7, 7, 7], 0.5),
    ([4, 2], 0.5),
    ([3, 3, 3, 3], 0.5),
    ([50, 30, 20], 0.33),
    ([13, 7, 5, 2], 0.4),
    ([6, 6, 2], 0.3),
    ([100, 10, 3], 0.1),
]
splits = []
for sizes, test_size in split_cases:
    y = np.repeat(np.arange(len(sizes)), sizes)
    x = np.arange(len(y)).reshape(-1, 1)
    outcomes = set()
    n_test = None
    for seed in range(200):
        _, _, _, yte = train_test_split(x, y, test_size=test_size, stratify=y, random_state=seed)
        outcomes.add(tuple(int((yte == c).sum()) for c in range(len(sizes))))
        n_test = len(yte)
    splits.append({"sizes": sizes, "test_size": test_size, "n_test": n_test, "test_counts": sorted(list(o) for o in outcomes)})


def standard(x):
    s = StandardScaler().fit(x)
    return {"x": x.tolist(), "dtype": str(x.dtype), "mean": s.mean_.tolist(), "scale": s.scale_.tolist(), "z": s.transform(x).tolist()}


def minmax(x):
    s = MinMaxScaler().fit(x)
    return {"x": x.tolist(), "dtype": str(x.dtype), "scale": s.scale_.tolist(), "min": s.min_.tolist(), "z": s.transform(x).tolist()}


rng = np.random.RandomState(0)
tenths = np.column_stack([np.full(7, 0.1), rng.randn(7), np.full(7, 100.0) + np.array([0, 1e-13, 0, 0, 2e-14, 0, 0]), np.full(7, -3.0)])
tiny_var = np.column_stack([np.array([1.0, 1.0 + 1e-7, 1.0, 1.0 - 1e-7]), np.array([0.0, 1e-160, 0.0, 0.0])])
standard_cases = [standard(tenths), standard(tenths.astype(np.float32)), standard(tiny_var)]
ranges = np.column_stack([np.array([1.0, 1.0 + 1e-15, 1.0]), np.array([0.0, 3e-15, 1e-15]), np.array([2.0, 5.0, -1.0])])
ranges32 = np.column_stack([np.array([1.0, 1.0 + 2e-7, 1.0]), np.array([0.0, 2e-6, 1e-6]), np.array([2.0, 5.0, -1.0])]).astype(np.float32)
minmax_cases = [minmax(ranges), minmax(ranges32)]

with open(os.path.join(here, "data.json"), "w") as f:
    json.dump({"sklearn_version": sklearn.__version__, "splits": splits, "standard_scaler": standard_cases, "minmax_scaler": minmax_cases}, f, indent=1)
print(f"wrote {len(splits)} split cases")
