#!/usr/bin/python3
"""Writes neighbors.json: scikit-learn's KNeighborsClassifier and KNeighborsRegressor
(predictions, probabilities, scores, kneighbors distances and indices) for every metric,
weighting and algorithm, on blobs, on random data and on small-integer data full of
duplicate points and tied distances (integer coordinates keep every distance exact, so
ties are real ties on both sides).

On that grid scikit-learn's order among equal distances is arbitrary (its heap and
introsort are not stable), while Ember documents index order: for "grid" the expected
neighbours are therefore the index-stable order of the exact distances (np.lexsort), checked
here to give sklearn's distances and, below the k-th distance, sklearn's neighbour sets; the
expected predictions are computed from those neighbours with sklearn's own weighting and
voting helpers (_get_weights, weighted_mode). Cosine is left out of the grid: its "ties"
between parallel integer vectors are ties only up to rounding.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_neighbors.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from scipy.spatial.distance import cdist
from sklearn.metrics import r2_score
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neighbors._base import _get_weights
from sklearn.utils.extmath import weighted_mode

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))

Xb, yb = make_blobs(120, centers=3, n_features=2, cluster_std=2.0, random_state=1)
Xr = rng.randn(200, 20)
yr = rng.randint(0, 4, 200)
Xg = rng.randint(0, 4, size=(60, 2)).astype(float)  # a 4x4 grid: many duplicates and ties
yg = rng.randint(0, 3, 60)
datasets = {
    "blobs": (Xb[:90], yb[:90], Xb[90:]),
    "random20": (Xr[:150], yr[:150], Xr[150:170]),
    "grid": (Xg[:45], yg[:45], np.vstack([Xg[45:], [[0.5, 0.5], [1.5, 2.5], [9, 9]]])),
    "low3": (rng.randn(300, 3), rng.randint(0, 2, 300), rng.randn(20, 3)),
}
y_reg = {name: d[0][:, 0] * 2 - d[0][:, 1] + rng.randn(len(d[1])) for name, d in datasets.items()}



def stable(X, y, yreg, Xq, k, weights, metric, p, dist, ind):
    """Expectations from the index-stable neighbours (see the module comment)."""
    D = cdist(Xq, X, "minkowski", p=p) if metric == "minkowski" else cdist(Xq, X, {"manhattan": "cityblock"}.get(metric, metric))
    sind = np.array([np.lexsort((np.arange(len(X)), row))[:k] for row in D])
    sdist = np.take_along_axis(D, sind, 1)
    assert np.allclose(sdist, dist, rtol=0, atol=1e-12)
    for r in range(len(Xq)):  # same neighbours below the k-th distance
        assert set(sind[r][sdist[r] < sdist[r, -1]]) == set(ind[r][dist[r] < dist[r, -1]])
    classes, enc = np.unique(y, return_inverse=True)
    w = _get_weights(sdist, weights)
    w = np.ones_like(sdist) if w is None else w
    mode, _ = weighted_mode(enc[sind], w, axis=1)
    proba = np.zeros((len(Xq), len(classes)))
    for j in range(k):
        proba[np.arange(len(Xq)), enc[sind[:, j]]] += w[:, j]
    proba /= proba.sum(1, keepdims=True)
    reg = (yreg[sind] * w).sum(1) / w.sum(1)
    return sdist, sind, classes[mode.ravel().astype(int)], proba, reg


cases = []
for data in datasets:
    X, y, Xq = datasets[data]
    yreg = y_reg[data]
    for metric, p in [("minkowski", 2), ("euclidean", 2), ("manhattan", 2), ("minkowski", 3), ("cosine", 2)]:
        for algo in ["brute", "kd_tree", "auto"]:
            if metric == "cosine" and (algo == "kd_tree" or data == "grid"):
                continue
            for weights in ["uniform", "distance"]:
                for k in [1, 5, 12]:
                    params = dict(n_neighbors=k, weights=weights, algorithm=algo, metric=metric, p=p)
                    clf = KNeighborsClassifier(**params).fit(X, y)
                    reg = KNeighborsRegressor(**params).fit(X, yreg)
                    dist, ind = clf.kneighbors(Xq, k)
                    pred, proba, pred_reg = clf.predict(Xq), clf.predict_proba(Xq), reg.predict(Xq)
                    if data == "grid":
                        dist, ind, pred, proba, pred_reg = stable(X, y, yreg, Xq, k, weights, metric, p, dist, ind)
                        train = stable(X, y, yreg, X, k, weights, metric, p, *clf.kneighbors(X, k))[4]
                        score_reg = r2_score(yreg, train)
                    else:
                        score_reg = reg.score(X, yreg)
                    cases.append({
                        "data": data, "params": params, "fit_method": clf._fit_method,
                        "effective_metric": clf.effective_metric_,
                        "classes": clf.classes_.tolist(),
                        "predict": pred.tolist(), "predict_proba": proba.tolist(),
                        "score": float(np.mean(pred == pred[::-1])),
                        "predict_reg": pred_reg.tolist(),
                        "score_reg": score_reg,
                        "dist": dist.tolist(), "ind": ind.tolist(),
                    })

out = {"sklearn_version": sklearn.__version__,
       "datasets": {k: {"X": v[0].tolist(), "y": v[1].tolist(), "Xq": v[2].tolist(), "y_reg": y_reg[k].tolist()} for k, v in datasets.items()},
       "cases": cases}
with open(os.path.join(here, "neighbors.json"), "w") as f:
    json.dump(out, f)
print(len(cases), "cases")
