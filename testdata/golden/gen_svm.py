#!/usr/bin/python3
"""Writes svm.json: scikit-learn's SVC (libsvm) fits on blobs, moons and a 3-class set with
several kernels and C values: support indices, n_support, dual_coef_, intercept_, decision
values and predictions on the training set. tol is 1e-6 so the goldens are libsvm's optimum
rather than where it stopped.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_svm.py
"""
import json
import os

import numpy as np
from sklearn.datasets import make_blobs, make_moons
from sklearn.svm import SVC

from goldenutil import arr

here = os.path.dirname(os.path.abspath(__file__))
Xb, yb = make_blobs(60, 2, centers=2, cluster_std=2.0, random_state=0)
Xm, ym = make_moons(80, noise=0.2, random_state=1)
X3, y3 = make_blobs(90, 3, centers=3, cluster_std=2.5, random_state=2)
cases = [
    ("blobs_rbf", Xb, yb, dict(kernel="rbf", C=1.0, gamma="scale")),
    ("blobs_linear", Xb, yb, dict(kernel="linear", C=0.1)),
    ("moons_rbf_c10", Xm, ym, dict(kernel="rbf", C=10.0, gamma="scale")),
    ("moons_poly", Xm, ym, dict(kernel="poly", C=1.0, degree=3, coef0=1.0, gamma="auto")),
    ("moons_sigmoid", Xm, ym, dict(kernel="sigmoid", C=0.5, gamma=0.3, coef0=0.0)),
    ("three_rbf", X3, y3, dict(kernel="rbf", C=1.0, gamma="scale")),
    ("three_linear", X3, y3, dict(kernel="linear", C=0.05)),
]
out = {}
for name, X, y, kw in cases:
    m = SVC(tol=1e-6, **kw).fit(X, y)
    p = {k: (str(v) if k == "gamma" else v) for k, v in kw.items()}
    out[name] = {
        "params": p,
        "X": arr(np.asarray(X, dtype=np.float64)),
        "y": arr(np.asarray(y, dtype=np.int64)),
        "support": arr(m.support_.astype(np.int64)),
        "n_support": arr(m.n_support_.astype(np.int64)),
        "dual_coef": arr(m.dual_coef_),
        "intercept": arr(m.intercept_),
        "decision": arr(m.decision_function(X)),
        "predict": arr(m.predict(X).astype(np.int64)),
    }
with open(os.path.join(here, "svm.json"), "w") as f:
    json.dump(out, f)
