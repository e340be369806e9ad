#!/usr/bin/python3
"""Writes metrics.json: scikit-learn's classification and regression metrics on awkward label
sets (multi-class, imbalanced, a class never predicted, a single class present).

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_metrics.py
"""
import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    return v


label_sets = {
    "binary": (rng.randint(0, 2, 40), rng.randint(0, 2, 40)),
    "multiclass": (rng.randint(0, 4, 60), rng.randint(0, 4, 60)),
    "imbalanced": (np.array([0] * 45 + [1] * 4 + [2] * 1), np.array([0] * 40 + [1] * 5 + [0] * 2 + [1] * 2 + [0])),
    "never_predicted": (np.array([0, 1, 2, 2, 1, 0, 2, 1]), np.array([0, 1, 1, 1, 1, 0, 0, 1])),
    "single_class": (np.array([1, 1, 1, 1]), np.array([1, 1, 0, 1])),
    "single_class_all_right": (np.array([2, 2, 2]), np.array([2, 2, 2])),
    "perfect": (np.array([0, 1, 2, 0, 1, 2]), np.array([0, 1, 2, 0, 1, 2])),
    "pred_only_label": (np.array([0, 0, 1, 1]), np.array([0, 3, 1, 3])),
}

cases = []
for name, (yt, yp) in label_sets.items():
    c = {"name": name, "y_true": yt.tolist(), "y_pred": yp.tolist(), "accuracy": M.accuracy_score(yt, yp), "scores": [], "reports": []}
    c["confusion_matrix"] = M.confusion_matrix(yt, yp).tolist()
    c["confusion_labels"] = sorted(set(yt.tolist()) | set(yp.tolist()))
    for average in ("binary", "micro", "macro", "weighted", None):
        for zd in (0, 1):
            for beta in (1.0, 0.5, 2.0):
                try:
                    p, r, f, s = M.precision_recall_fscore_support(yt, yp, beta=beta, average=average, zero_division=zd)
                except ValueError as e:
                    c["scores"].append({"average": average or "none", "zero_division": zd, "beta": beta, "error": str(e)})
                    continue
                as_list = lambda v: [num(x) for x in np.atleast_1d(v)]
                c["scores"].append({"average": average or "none", "zero_division": zd, "beta": beta,
                                    "precision": as_list(p), "recall": as_list(r), "fscore": as_list(f),
                                    "support": None if s is None else [int(x) for x in s]})
    for digits in (2, 4):
        c["reports"].append({"digits": digits, "text": M.classification_report(yt, yp, digits=digits)})
    cases.append(c)

# Report with target names and with a label subset (micro avg instead of accuracy).
named = {"y_true": [0, 1, 2, 2, 0, 1], "y_pred": [0, 2, 2, 2, 0, 0],
         "names": ["setosa", "versicolor", "virginica"],
         "text": M.classification_report([0, 1, 2, 2, 0, 1], [0, 2, 2, 2, 0, 0], target_names=["setosa", "versicolor", "virginica"])}
subset = {"y_true": [0, 1, 2, 2, 0, 1], "y_pred": [0, 2, 2, 2, 0, 0], "labels": [0, 2],
          "text": M.classification_report([0, 1, 2, 2, 0, 1], [0, 2, 2, 2, 0, 0], labels=[0, 2])}

yb = rng.randint(0, 2, 50)
scores = rng.rand(50)
scores[:10] = 0.5  # ties
probs = rng.dirichlet([1, 1, 1], 40)
y3 = rng.randint(0, 3, 40)
y3[:3] = [0, 1, 2]
pb = rng.rand(30)
yb2 = rng.randint(0, 2, 30)
pb[0] = 0.0
pb[1] = 1.0
yr = rng.randn(25)
pr = yr + 0.3 * rng.randn(25)
out = {
    "sklearn_version": sklearn.__version__,
    "cases": cases,
    "named_report": named,
    "subset_report": subset,
    "roc_auc": {"y": yb.tolist(), "scores": scores.tolist(), "auc": M.roc_auc_score(yb, scores)},
    "roc_auc_ovr": {"y": y3.tolist(), "probs": probs.tolist(), "macro": M.roc_auc_score(y3, probs, multi_class="ovr"),
                    "weighted": M.roc_auc_score(y3, probs, multi_class="ovr", average="weighted")},
    "log_loss": {"y": yb2.tolist(), "p": pb.tolist(), "binary": M.log_loss(yb2, pb),
                 "y3": y3.tolist(), "probs": probs.tolist(), "multi": M.log_loss(y3, probs)},
    "regression": {"y": yr.tolist(), "p": pr.tolist(), "mse": M.mean_squared_error(yr, pr),
                   "mae": M.mean_absolute_error(yr, pr), "r2": M.r2_score(yr, pr),
                   "r2_const_perfect": M.r2_score([2.0, 2.0], [2.0, 2.0]), "r2_const_wrong": M.r2_score([2.0, 2.0], [1.0, 2.0])},
}
with open(os.path.join(here, "metrics.json"), "w") as f:
    json.dump(out, f, indent=None)
print(f"wrote {len(cases)} label sets")
