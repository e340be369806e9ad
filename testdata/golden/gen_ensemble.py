#!/usr/bin/python3
"""Writes ensemble.json: scikit-learn 1.2.1's decision trees (node by node) and the test
scores of its random forests and histogram gradient boosting on shared synthetic data sets.

Trees: data are float32-representable (scikit-learn rounds X to float32) and each case is
checked to give the same tree for ten random_states, so that no tied split gain lets the
feature order decide: Ember must then build the identical tree.

Forests and HistGradientBoosting cannot replay NumPy's random numbers: the data sets (rounded
to 4 decimals) are stored with scikit-learn's test accuracy or R², averaged over 5 seeds for
the randomised estimators.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_ensemble.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_classification, make_friedman1, make_moons, make_regression
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

warnings.filterwarnings("ignore")
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(0)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def tree_record(t, classifier):
    tr = t.tree_
    value = tr.value[:, 0, :]
    if classifier:
        value = value / value.sum(axis=1, keepdims=True)
    return {"left": tr.children_left.tolist(), "right": tr.children_right.tolist(),
            "feature": tr.feature.tolist(), "threshold": tr.threshold.tolist(),
            "impurity": tr.impurity.tolist(), "n_samples": tr.n_node_samples.tolist(),
            "value": value.tolist(), "depth": int(t.get_depth()), "n_leaves": int(t.get_n_leaves()),
            "importances": t.feature_importances_.tolist()}


def same_tree(a, b):
    return all(np.array_equal(getattr(a.tree_, k), getattr(b.tree_, k))
               for k in ("children_left", "feature", "threshold"))


def tree_case(name, cls, data, **params):
    """The tree of the first data seed whose fit is the same for ten random_states."""
    for seed in range(20):
        X, y, Xt = data(seed)
        fits = [cls(random_state=s, **params).fit(X, y) for s in range(10)]
        if all(same_tree(fits[0], f) for f in fits[1:]):
            break
    else:
        raise AssertionError(name + ": tied splits for every data seed")
    t = fits[0]
    classifier = cls is DecisionTreeClassifier
    rec = {"name": name, "classifier": classifier, "params": params, "X": X.tolist(), "y": y.tolist(),
           "X_test": Xt.tolist(), "tree": tree_record(t, classifier), "predict": t.predict(Xt).tolist(),
           "apply": t.apply(Xt).tolist()}
    if classifier:
        rec["proba"] = t.predict_proba(Xt).tolist()
        rec["classes"] = t.classes_.tolist()
    return rec


def reg_data(seed):
    r = np.random.RandomState(seed)
    X = f32(r.randn(200, 5))
    return X, f32(X[:, 0] * 3 + np.sin(2 * X[:, 1]) + 0.3 * r.randn(200)), f32(r.randn(60, 5))


def binary_data(seed):
    r = np.random.RandomState(seed)
    X = f32(r.randn(300, 4))
    return X, (X[:, 0] + X[:, 1] ** 2 + 0.5 * r.randn(300) > 1).astype(np.int64), f32(r.randn(60, 4))


def three_class_data(seed):
    r = np.random.RandomState(seed)
    X = f32(r.randn(240, 3))
    y = np.digitize(X[:, 0] + 0.7 * X[:, 2] + 0.3 * r.randn(240), [-0.5, 0.5]) * 10 + 5
    return X, y, f32(r.randn(60, 3))


trees = [
    tree_case("reg_depth6_leaf3", DecisionTreeRegressor, reg_data, max_depth=6, min_samples_leaf=3),
    tree_case("reg_depth4", DecisionTreeRegressor, reg_data, max_depth=4),
    tree_case("reg_leaf5", DecisionTreeRegressor, reg_data, min_samples_leaf=5, min_samples_split=12),
    tree_case("reg_decrease", DecisionTreeRegressor, reg_data, min_impurity_decrease=0.01),
    tree_case("gini_depth3", DecisionTreeClassifier, binary_data, max_depth=3),
    tree_case("entropy_depth3", DecisionTreeClassifier, binary_data, max_depth=3, criterion="entropy"),
    tree_case("gini_3class_depth4", DecisionTreeClassifier, three_class_data, max_depth=4),
    tree_case("log_loss_3class_leaf10", DecisionTreeClassifier, three_class_data, criterion="log_loss",
              min_samples_leaf=10),
]


def rounded(X, y, n_train):
    X = np.round(X, 4)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


Xm, ym = make_moons(3000, noise=0.3, random_state=1)
Xk, yk = make_classification(3000, n_features=10, n_informative=5, n_redundant=2, random_state=2)
Xk3, yk3 = make_classification(3000, n_features=8, n_informative=5, n_classes=3, n_clusters_per_class=1,
                               random_state=3)
Xg, yg = make_regression(2000, n_features=8, n_informative=5, noise=10, random_state=4)
Xf, yf = make_friedman1(2000, noise=1.0, random_state=5)
datasets = {
    "moons": (True, *rounded(Xm, ym, 1500)),
    "classification": (True, *rounded(Xk, yk, 1500)),
    "classification3": (True, *rounded(Xk3, yk3, 1500)),
    "regression": (False, *rounded(Xg, np.round(yg, 3), 1000)),
    "friedman1": (False, *rounded(Xf, np.round(yf, 4), 1000)),
}


def mean_score(make, X, y, Xt, yt, seeds=5):
    """The mean test score of make(seed) over the seeds."""
    return float(np.mean([make(s).fit(X, y).score(Xt, yt) for s in range(seeds)]))


sets = []
for name, (classifier, X, y, Xt, yt) in datasets.items():
    if classifier:
        forest = lambda s: RandomForestClassifier(random_state=s)
        hgb = lambda s: HistGradientBoostingClassifier(random_state=s)
    else:
        forest = lambda s: RandomForestRegressor(random_state=s)
        hgb = lambda s: HistGradientBoostingRegressor(random_state=s)
    oob = RandomForestClassifier if classifier else RandomForestRegressor
    sets.append({"name": name, "classifier": classifier, "X": X.tolist(), "y": y.tolist(),
                 "X_test": Xt.tolist(), "y_test": yt.tolist(),
                 "forest_score": mean_score(forest, X, y, Xt, yt),
                 "forest_oob": float(np.mean([oob(oob_score=True, random_state=s).fit(X, y).oob_score_
                                              for s in range(5)])),
                 # HistGradientBoosting is deterministic here (no early stopping below 10,000
                 # samples, no binning subsample below 200,000): one fit, and its predictions.
                 "hgb_score": mean_score(hgb, X, y, Xt, yt, 1),
                 "hgb_predict": (hgb(0).fit(X, y).predict(Xt) if not classifier else
                                 hgb(0).fit(X, y).predict_proba(Xt)[:, 1]).tolist(),
                 "tree_score": mean_score(lambda s: (DecisionTreeClassifier if classifier else
                                                     DecisionTreeRegressor)(random_state=s), X, y, Xt, yt)})



def nan_safe(X):
    return [[("nan" if np.isnan(v) else v) for v in row] for row in X.tolist()]


# HistGradientBoosting on data with missing values (15% of the entries of two features).
Xn, yn = make_classification(3000, n_features=6, n_informative=4, random_state=6)
Xn = np.round(Xn, 4)
holes = np.random.RandomState(7).rand(*Xn.shape) < 0.15
holes[:, 2:] = False
Xn[holes] = np.nan
hgb_nan = {"X": nan_safe(Xn[:1500]), "y": yn[:1500].tolist(), "X_test": nan_safe(Xn[1500:]),
           "y_test": yn[1500:].tolist(),
           "score": HistGradientBoostingClassifier().fit(Xn[:1500], yn[:1500]).score(Xn[1500:], yn[1500:])}

# HistGradientBoosting with early stopping ("auto": more than 10,000 samples). The data come
# from a Weyl sequence that Go recomputes bit for bit: x[i, j] = frac((i + 1) * sqrt(p_j)).
n_es = 12000
primes = np.array([2.0, 3, 5, 7, 11, 13])
W = np.modf(np.arange(1, n_es + 1, dtype=np.float64)[:, None] * np.sqrt(primes)[None, :])[0]
Xw, noise = W[:, :5], W[:, 5] - 0.5
yw_reg = 10 * Xw[:, 0] * Xw[:, 1] + 5 * (Xw[:, 2] - 0.5) ** 2 + Xw[:, 3] + 4 * noise
yw_cls = (10 * Xw[:, 0] * Xw[:, 1] + 3 * noise > 2.5).astype(np.int64)
early = []
for name, est, yw in (("regressor", HistGradientBoostingRegressor, yw_reg),
                      ("classifier", HistGradientBoostingClassifier, yw_cls)):
    fits = [est(max_iter=500, random_state=s).fit(Xw[:10500], yw[:10500]) for s in range(10)]
    n_iter = [f.n_iter_ for f in fits]
    early.append({"name": name, "n_train": 10500, "n_iter": float(np.mean(n_iter)),
                  "n_iter_min": int(min(n_iter)), "n_iter_max": int(max(n_iter)),
                  "score": float(np.mean([f.score(Xw[10500:], yw[10500:]) for f in fits]))})

out = {"sklearn_version": sklearn.__version__, "trees": trees, "datasets": sets, "hgb_nan": hgb_nan,
       "hgb_early_stopping": early}
with open(os.path.join(here, "ensemble.json"), "w") as f:
    json.dump(out, f)
