#!/usr/bin/python3
"""Writes features.json: scikit-learn's PolynomialFeatures (outputs and feature names),
rbf_kernel against centres, OneHotEncoder (categories, handle_unknown, drop, feature
names), LabelEncoder and SimpleImputer (every strategy, all-missing columns).

RBFSampler's random features cannot be replayed (Ember's generator is not NumPy's); Go
tests them statistically against the exact kernel.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_features.py
"""
import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, PolynomialFeatures

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))


def nums(a):
    """Nested lists with NaN written as the string "nan"."""
    return [[("nan" if math.isnan(v) else float(v)) for v in row] for row in np.asarray(a, dtype=float)]


X_poly = rng.randn(5, 3)
poly = []
for kw in [dict(), dict(degree=3), dict(interaction_only=True), dict(degree=3, interaction_only=True),
           dict(include_bias=False), dict(degree=(2, 3)), dict(degree=(0, 2), include_bias=False),
           dict(degree=1), dict(degree=0)]:
    p = PolynomialFeatures(**kw).fit(X_poly)
    deg = kw.get("degree", 2)
    lo, hi = deg if isinstance(deg, tuple) else (0, deg)
    poly.append({"min_degree": lo, "degree": hi, "interaction_only": kw.get("interaction_only", False),
                 "include_bias": kw.get("include_bias", True), "output": p.transform(X_poly).tolist(),
                 "names": p.get_feature_names_out().tolist(),
                 "names_abc": p.get_feature_names_out(["a", "b", "c"]).tolist(),
                 "powers": p.powers_.tolist()})

X_rbf = rng.randn(7, 4)
C_rbf = rng.randn(3, 4)
rbf = [{"gamma": g, "output": rbf_kernel(X_rbf, C_rbf, gamma=g).tolist()} for g in (None, 0.1, 2.0)]

X_cat = np.array([[0, 3, 10], [1, 3, 20], [2, 5, 10], [1, 4, 10], [0, 5, 20]])
X_cat_new = np.array([[2, 4, 20], [0, 3, 10], [1, 5, 20]])
X_cat_unknown = np.array([[3, 4, 10], [0, 6, 30]])
X_catf = np.array([[0.5, -1.0], [1.5, 2.0], [0.5, 2.0], [1e-5, 2.0]])
onehot = []
for name, X, Xnew, kw in [
    ("int_default", X_cat, X_cat_new, dict()),
    ("int_drop_first", X_cat, X_cat_new, dict(drop="first")),
    ("int_drop_if_binary", X_cat, X_cat_new, dict(drop="if_binary")),
    ("int_ignore", X_cat, X_cat_unknown, dict(handle_unknown="ignore")),
    ("int_ignore_drop_first", X_cat, X_cat_unknown, dict(handle_unknown="ignore", drop="first")),
    ("float", X_catf, X_catf, dict()),
]:
    e = OneHotEncoder(sparse_output=False, **kw).fit(X)
    onehot.append({"name": name, "X": X.tolist(), "is_int": X.dtype.kind == "i", "params": kw,
                   "categories": [c.tolist() for c in e.categories_], "X_new": Xnew.tolist(),
                   "transform": e.transform(Xnew).tolist(), "names": e.get_feature_names_out().tolist()})
unknown_error = None
try:
    OneHotEncoder(sparse_output=False).fit(X_cat).transform(X_cat_unknown)
except ValueError as e:
    unknown_error = str(e)

labels_str = ["paris", "paris", "tokyo", "amsterdam", "tokyo", "berlin"]
labels_int = [10, 2, 2, 6, -1, 10]
label = []
for y in (labels_str, labels_int):
    le = LabelEncoder().fit(y)
    label.append({"y": y, "classes": le.classes_.tolist(), "codes": le.transform(y).tolist(),
                  "inverse": le.inverse_transform([0, 1, 1]).tolist()})

nan = float("nan")
X_imp = np.array([[1.0, nan, 3.0, nan, 5.0], [4.0, 2.0, nan, nan, 1.0], [nan, 2.0, 3.0, nan, 5.0],
                  [7.0, 5.0, 1.0, nan, 1.0], [4.0, nan, 8.0, nan, nan], [4.0, 6.0, 3.0, nan, 9.0]])
X_imp_new = np.array([[nan, nan, nan, nan, nan], [1.0, nan, 2.0, 7.0, 3.0]])
impute = []
for kw in [dict(strategy="mean"), dict(strategy="median"), dict(strategy="most_frequent"),
           dict(strategy="constant"), dict(strategy="constant", fill_value=-1.5),
           dict(strategy="mean", keep_empty_features=True),
           dict(strategy="most_frequent", keep_empty_features=True)]:
    imp = SimpleImputer(**kw).fit(X_imp)
    impute.append({"params": kw, "statistics": nums([imp.statistics_])[0],
                   "fit_transform": imp.transform(X_imp).tolist(), "transform": imp.transform(X_imp_new).tolist()})

out = {"sklearn_version": sklearn.__version__, "poly_X": X_poly.tolist(), "poly": poly,
       "rbf_X": X_rbf.tolist(), "rbf_centers": C_rbf.tolist(), "rbf": rbf, "onehot": onehot,
       "onehot_unknown_error": unknown_error, "label": label,
       "impute_X": nums(X_imp), "impute_X_new": nums(X_imp_new), "impute": impute}
with open(os.path.join(here, "features.json"), "w") as f:
    json.dump(out, f)
