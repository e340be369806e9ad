#!/usr/bin/python3
"""Writes linear.json: scikit-learn's LinearRegression, Ridge, Lasso, ElasticNet,
LogisticRegression (lbfgs) and KernelRidge fits (coefficients, intercepts, iterations,
predictions, scores) on small random problems: well-posed, rank-deficient, wide (more
features than samples), multi-target, sparse solutions and non-separable classes.

LogisticRegression is run to a tight tolerance (tol 1e-10, max_iter 10000, and warm
restarts, since scipy's ftol test stops L-BFGS early) so that the coefficients are its
optimum rather than where L-BFGS happened to stop; the script checks that the largest
gradient entry of the loss there is below 1e-6.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_linear.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))

X = rng.randn(60, 5)
y = X @ np.array([1.5, -2.0, 0.0, 0.5, 3.0]) + 4 + 0.3 * rng.randn(60)
Y2 = np.column_stack([y, X @ rng.randn(5) - 1 + 0.1 * rng.randn(60)])
Xc = np.column_stack([X[:, :3], X[:, 0] * 2 - X[:, 1]])  # rank 3 of 4 columns
Xw = rng.randn(12, 20)
yw = rng.randn(12)
Xq = rng.randn(7, 5)
datasets = {
    "reg": (X, y, Xq), "reg2": (X, Y2, Xq), "collinear": (Xc, y, Xq[:, :4]), "wide": (Xw, yw, rng.randn(4, 20)),
    "big_scale": (X * 100, y * 10, Xq * 100),
}


def rec(name, data, params, m, Xq, **extra):
    out = {"name": name, "data": data, "params": params, "coef": np.asarray(m.coef_).tolist(),
           "intercept": np.asarray(m.intercept_).tolist(), "predict": m.predict(Xq).tolist()}
    out.update(extra)
    return out


regs = []
for data in ["reg", "reg2", "collinear", "wide", "big_scale"]:
    Xd, yd, Xqd = datasets[data]
    for fi in [True, False]:
        m = LinearRegression(fit_intercept=fi).fit(Xd, yd)
        regs.append(rec("ols", data, {"fit_intercept": fi}, m, Xqd, rank=int(m.rank_), score=m.score(Xd, yd)))
        for alpha in [0.0, 1.0, 25.0]:
            if alpha == 0 and data in ("collinear", "wide"):
                continue
            m = Ridge(alpha=alpha, fit_intercept=fi).fit(Xd, yd)
            regs.append(rec("ridge", data, {"alpha": alpha, "fit_intercept": fi}, m, Xqd, score=m.score(Xd, yd)))

enets = []
for data in ["reg", "collinear", "wide", "big_scale"]:
    Xd, yd, Xqd = datasets[data]
    for alpha, l1 in [(1.0, 1.0), (0.1, 1.0), (0.01, 1.0), (1.0, 0.5), (0.1, 0.5), (0.5, 0.0), (0.05, 0.9), (10.0, 0.5)]:
        for fi in [True, False]:
            cls = Lasso if l1 == 1.0 else ElasticNet
            kw = {"alpha": alpha, "fit_intercept": fi}
            if cls is ElasticNet:
                kw["l1_ratio"] = l1
            m = cls(**kw).fit(Xd, yd)
            enets.append(rec(cls.__name__.lower(), data, {"alpha": alpha, "l1_ratio": l1, "fit_intercept": fi}, m, Xqd,
                             n_iter=int(m.n_iter_), dual_gap=float(m.dual_gap_), score=m.score(Xd, yd)))


def logistic_grad(m, X, y, C, penalty):
    """Gradient of sklearn 1.2's lbfgs objective at the fitted coefficients."""
    classes = m.classes_
    W, b = m.coef_, m.intercept_
    S = X @ W.T + b
    if len(classes) == 2:
        t = (y == classes[1]).astype(float)
        r = (1 / (1 + np.exp(-S[:, 0])) - t)[:, None]
    else:
        P = np.exp(S - S.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        r = P - (y[:, None] == classes[None, :])
    gW = r.T @ X + (W / C if penalty == "l2" else 0)
    gb = r.sum(0) if m.fit_intercept else np.zeros(0)
    return max(np.abs(gW).max(), np.abs(gb).max() if gb.size else 0)


Xl, yl = make_classification(150, n_features=4, n_informative=3, n_redundant=0, n_classes=3, n_clusters_per_class=1,
                             flip_y=0.15, class_sep=0.8, random_state=3)
Xb, yb = make_classification(120, n_features=5, n_informative=3, flip_y=0.2, class_sep=0.7, random_state=4)
ylab = np.array([-1, 4, 7])[yl]  # arbitrary labels
Xlq = rng.randn(10, 4)
Xbq = rng.randn(10, 5)
datasets.update({"multi": (Xl, ylab, Xlq), "binary": (Xb, yb * 3 + 2, Xbq)})
logs = []
for data in ["binary", "multi"]:
    Xd, yd, Xqd = datasets[data]
    for penalty, C, fi in [("l2", 1.0, True), ("l2", 0.05, True), ("l2", 10.0, False), ("none", 1.0, True)]:
        m = LogisticRegression(penalty=penalty, C=C, fit_intercept=fi, tol=1e-10, max_iter=10000, warm_start=True)
        for _ in range(50):  # scipy's ftol stops early: warm restarts reach the optimum
            g = logistic_grad(m.fit(Xd, yd), Xd, yd, C, penalty)
            if g < 1e-8:
                break
        assert g < 1e-6, (data, penalty, C, g)
        logs.append(rec("logistic", data, {"penalty": penalty, "C": C, "fit_intercept": fi}, m, Xqd,
                        classes=m.classes_.tolist(), predict_proba=m.predict_proba(Xqd).tolist(),
                        predict_log_proba=m.predict_log_proba(Xqd).tolist(),
                        decision_function=m.decision_function(Xqd).tolist(), score=m.score(Xd, yd),
                        max_grad=g))

krs = []
for data in ["reg", "reg2", "wide"]:
    Xd, yd, Xqd = datasets[data]
    for kw in [{}, {"kernel": "rbf"}, {"kernel": "rbf", "gamma": 0.5, "alpha": 0.1}, {"kernel": "poly", "alpha": 2.0},
               {"kernel": "poly", "gamma": 0.2, "degree": 2, "coef0": 0.5}, {"kernel": "linear", "alpha": 0.0}]:
        # alpha 0 on "reg": the linear kernel of 5 features on 60 samples is singular, so
        # scikit-learn falls back to least squares (minimum norm)
        m = KernelRidge(**kw).fit(Xd, yd)
        krs.append({"name": "kernel_ridge", "data": data, "params": kw, "dual_coef": m.dual_coef_.tolist(),
                    "predict": m.predict(Xqd).tolist(), "score": m.score(Xd, yd)})

out = {"sklearn_version": sklearn.__version__,
       "datasets": {k: {"X": v[0].tolist(), "y": v[1].tolist(), "Xq": v[2].tolist()} for k, v in datasets.items()},
       "regression": regs, "enet": enets, "logistic": logs, "kernel_ridge": krs}
with open(os.path.join(here, "linear.json"), "w") as f:
    json.dump(out, f)
print(len(regs), len(enets), len(logs), len(krs), "cases; logistic max grad", max(c["max_grad"] for c in logs))
