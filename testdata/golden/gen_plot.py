#!/usr/bin/python3
"""Writes plot.json: scikit-learn 1.2's roc_curve (drop_intermediate=True),
precision_recall_curve, roc_auc_score and average_precision_score on score sets with ties,
confusion_matrix's normalize modes (with a class never true and one never predicted), and
the first 600 of load_digits' 8×8 images, which plot's tests and sample figures draw.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_plot.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import datasets
from sklearn import metrics as M

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))

score_sets = {
    "doc_example": (np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])),
    "ties": (rng.randint(0, 2, 60), np.round(rng.rand(60), 1)),
    "separable": (np.array([0] * 10 + [1] * 10), np.r_[rng.rand(10), 1 + rng.rand(10)]),
    "imbalanced_noisy": None,
    "all_tied": (np.array([0, 1, 0, 1, 1]), np.full(5, 0.5)),
    "negative_scores": (rng.randint(0, 2, 30), rng.randn(30) * 3),
}
y = (rng.rand(200) < 0.15).astype(int)
score_sets["imbalanced_noisy"] = (y, y * 0.8 + rng.randn(200))

curves = []
for name, (yt, s) in score_sets.items():
    fpr, tpr, thr = M.roc_curve(yt, s)
    p, r, pthr = M.precision_recall_curve(yt, s)
    curves.append({"name": name, "y_true": yt.tolist(), "scores": s.tolist(),
                   "fpr": fpr.tolist(), "tpr": tpr.tolist(), "roc_thresholds": thr.tolist(),
                   "precision": p.tolist(), "recall": r.tolist(), "pr_thresholds": pthr.tolist(),
                   "roc_auc": M.roc_auc_score(yt, s), "average_precision": M.average_precision_score(yt, s)})

yt = np.array([0, 0, 1, 1, 1, 2, 2, 0, 1, 2, 1, 1])
yp = np.array([0, 1, 1, 1, 2, 2, 0, 0, 1, 1, 1, 3])
matrices = {"counts": M.confusion_matrix(yt, yp, labels=[0, 1, 2, 3]).tolist()}
for mode in ["true", "pred", "all"]:
    matrices[mode] = M.confusion_matrix(yt, yp, labels=[0, 1, 2, 3], normalize=mode).tolist()

digits = datasets.load_digits()
out = {"sklearn_version": sklearn.__version__, "curves": curves, "confusion": matrices,
       "digits": {"images": digits.images[:600].astype(int).reshape(600, -1).tolist(),
                  "target": digits.target[:600].tolist()}}
with open(os.path.join(here, "plot.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {len(curves)} curve cases, {len(matrices)} matrices, 600 digits")
