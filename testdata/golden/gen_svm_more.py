#!/usr/bin/python3
"""Writes svm_more.json: scikit-learn 1.2's SVR (libsvm epsilon-SVR), LinearSVC (liblinear
dual coordinate descent), SVC(probability=True) and Platt's sigmoid fit.

- svr: support indices, dual_coef_, intercept_ and training-set predictions, tol 1e-6.
- linearsvc: coef_, intercept_ and decision values, tol 1e-8 and max_iter 100000 so the
  result is the optimum rather than where liblinear's random order stopped.
- proba: predict_proba of SVC(probability=True, random_state=0) on well-separated blobs
  (the CV folds depend on libsvm's own rand, so only approximate agreement is expected).
- sigmoid: Platt's A, B for fixed decision values and labels from a line-by-line port of
  libsvm's sigmoid_train (below), and from sklearn's _sigmoid_calibration (BFGS on the
  same objective) as an independent check of the optimum.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_svm_more.py
"""
import json
import math
import os

import numpy as np
from sklearn.calibration import _sigmoid_calibration
from sklearn.datasets import make_blobs, make_classification, make_regression
from sklearn.svm import SVC, SVR, LinearSVC

from goldenutil import arr

here = os.path.dirname(os.path.abspath(__file__))


def sigmoid_train(dec, labels):
    """libsvm 3.x sigmoid_train (Lin, Lin & Weng 2007), transcribed."""
    prior1 = float(np.sum(labels > 0))
    prior0 = float(len(labels) - prior1)
    max_iter, min_step, sigma, eps = 100, 1e-10, 1e-12, 1e-5
    hi, lo = (prior1 + 1.0) / (prior1 + 2.0), 1 / (prior0 + 2.0)
    t = [hi if y > 0 else lo for y in labels]
    A, B = 0.0, math.log((prior0 + 1.0) / (prior1 + 1.0))

    def obj(a, b):
        f = 0.0
        for i, d in enumerate(dec):
            fApB = d * a + b
            if fApB >= 0:
                f += t[i] * fApB + math.log(1 + math.exp(-fApB))
            else:
                f += (t[i] - 1) * fApB + math.log(1 + math.exp(fApB))
        return f

    fval = obj(A, B)
    for _ in range(max_iter):
        h11, h22, h21, g1, g2 = sigma, sigma, 0.0, 0.0, 0.0
        for i, d in enumerate(dec):
            fApB = d * A + B
            if fApB >= 0:
                p = math.exp(-fApB) / (1.0 + math.exp(-fApB))
                q = 1.0 / (1.0 + math.exp(-fApB))
            else:
                p = 1.0 / (1.0 + math.exp(fApB))
                q = math.exp(fApB) / (1.0 + math.exp(fApB))
            d2 = p * q
            h11 += d * d * d2
            h22 += d2
            h21 += d * d2
            d1 = t[i] - p
            g1 += d * d1
            g2 += d1
        if abs(g1) < eps and abs(g2) < eps:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        step = 1.0
        while step >= min_step:
            nA, nB = A + step * dA, B + step * dB
            nf = obj(nA, nB)
            if nf < fval + 0.0001 * step * gd:
                A, B, fval = nA, nB, nf
                break
            step /= 2.0
        if step < min_step:
            break
    return A, B


out = {"svr": {}, "linearsvc": {}, "proba": {}, "sigmoid": {}}

Xr, yr = make_regression(80, 3, noise=10.0, random_state=0)
yr = yr / 50.0
Xs, ys = make_regression(60, 2, noise=5.0, random_state=3)
ys = ys / 40.0
for name, X, y, kw in [
    ("rbf", Xr, yr, dict(kernel="rbf", C=1.0, epsilon=0.1)),
    ("rbf_c10_eps02", Xr, yr, dict(kernel="rbf", C=10.0, epsilon=0.2, gamma="auto")),
    ("linear", Xs, ys, dict(kernel="linear", C=0.5, epsilon=0.05)),
    ("poly", Xs, ys, dict(kernel="poly", C=1.0, degree=2, coef0=1.0, epsilon=0.1, gamma=0.3)),
    ("sigmoid", Xs, ys, dict(kernel="sigmoid", C=0.5, coef0=0.0, epsilon=0.1, gamma=0.2)),
]:
    m = SVR(tol=1e-6, **kw).fit(X, y)
    p = {k: (str(v) if k == "gamma" else v) for k, v in kw.items()}
    out["svr"][name] = {
        "params": p, "X": arr(X), "y": arr(y),
        "support": arr(m.support_.astype(np.int64)), "dual_coef": arr(m.dual_coef_),
        "intercept": arr(m.intercept_), "predict": arr(m.predict(X)),
    }

Xb, yb = make_classification(200, 5, n_informative=3, n_redundant=0, random_state=0)
X3, y3 = make_blobs(150, 4, centers=3, cluster_std=2.0, random_state=1)
for name, X, y, kw in [
    ("binary", Xb, yb, dict(C=1.0)),
    ("binary_c01_hinge", Xb, yb, dict(C=0.1, loss="hinge")),
    ("three", X3, y3, dict(C=0.5)),
    ("three_no_intercept", X3, y3, dict(C=1.0, fit_intercept=False)),
    ("three_scaling", X3, y3, dict(C=1.0, intercept_scaling=5.0)),
]:
    m = LinearSVC(tol=1e-8, max_iter=100000, random_state=0, **kw).fit(X, y)
    out["linearsvc"][name] = {
        "params": kw, "X": arr(X), "y": arr(y.astype(np.int64)),
        "coef": arr(m.coef_),
        "intercept": arr(np.broadcast_to(np.asarray(m.intercept_, dtype=np.float64), (m.coef_.shape[0],)).copy()),
        "decision": arr(m.decision_function(X)), "predict": arr(m.predict(X).astype(np.int64)),
    }

Xp, yp = make_blobs(120, 2, centers=[[-2, -2], [2, 2]], cluster_std=1.2, random_state=4)
Xq, yq = make_blobs(150, 2, centers=[[-4, 0], [4, 0], [0, 6]], cluster_std=1.2, random_state=5)
for name, X, y in [("binary", Xp, yp), ("three", Xq, yq)]:
    m = SVC(probability=True, random_state=0).fit(X, y)
    out["proba"][name] = {
        "X": arr(X), "y": arr(y.astype(np.int64)), "proba": arr(m.predict_proba(X)),
        "prob_a": arr(m.probA_), "prob_b": arr(m.probB_),
    }

rng = np.random.RandomState(0)
for name, n, shift in [("balanced", 60, 1.5), ("skewed", 45, 0.7)]:
    lab = np.where(rng.rand(n) < (0.5 if name == "balanced" else 0.3), 1.0, -1.0)
    dec = lab * shift + rng.randn(n)
    A, B = sigmoid_train(list(dec), lab)
    a2, b2 = _sigmoid_calibration(dec, (lab > 0).astype(int))
    out["sigmoid"][name] = {"dec": arr(dec), "labels": arr(lab), "a": A, "b": B,
                            "sklearn_a": float(a2), "sklearn_b": float(b2)}

with open(os.path.join(here, "svm_more.json"), "w") as f:
    json.dump(out, f)
