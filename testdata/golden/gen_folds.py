#!/usr/bin/python3
"""Writes folds.json: scikit-learn 1.2's unshuffled cross-validation folds (KFold,
StratifiedKFold, GroupKFold, TimeSeriesSplit), each as its list of test-index lists plus the
train indices, and the test-part sizes of ShuffleSplit / shuffled KFold (their members come
from NumPy's RNG, which Ember does not reproduce).

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_folds.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import Ridge
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.model_selection import GroupKFold, KFold, ShuffleSplit, StratifiedKFold, TimeSeriesSplit, cross_validate

here = os.path.dirname(os.path.abspath(__file__))


def folds(cv, n, y=None, groups=None):
    x = np.zeros((n, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [{"train": tr.tolist(), "test": te.tolist()} for tr, te in cv.split(x, y, groups)]


kfold = [{"n": n, "k": k, "folds": folds(KFold(k), n)} for n, k in [(10, 2), (10, 3), (11, 5), (7, 7), (23, 4), (100, 6)]]

rng = np.random.RandomState(0)
strat_cases = [
    ([0] * 6 + [1] * 4, 2),
    ([0] * 6 + [1] * 4, 3),
    ([2, 0, 1, 1, 0, 2, 2, 0, 1, 2, 0, 0, 1, 2, 2], 3),
    (list(rng.randint(0, 3, 50)), 5),
    (list(rng.randint(0, 4, 37)), 4),
    ([5] * 20 + [9] * 3 + [1] * 7, 3),
    ([1, 1, 1, 1, 1, 0, 0, 2, 2, 2, 2, 2, 2], 5),  # class 0 has 2 < 5 members: sklearn warns
]
stratified = [{"y": [int(v) for v in y], "k": k, "folds": folds(StratifiedKFold(k), len(y), y=np.array(y))} for y, k in strat_cases]

group_cases = [
    ([0, 0, 1, 1, 1, 2, 3, 3, 3, 3], 2),
    ([7, 3, 3, 9, 9, 9, 1, 7, 3, 5, 5, 2], 3),
    (list(rng.randint(0, 30, 120)), 5),   # many tied group sizes: NumPy's unstable argsort order
    (list(rng.randint(0, 80, 150)), 4),
    (list(np.repeat(np.arange(40), 2)), 3),  # all groups tied
    (list(rng.randint(0, 200, 500)), 7),
    (list(np.repeat(np.arange(300), np.arange(300) // 40 + 1)), 6),  # sizes ascending in id order
    (list(np.repeat(np.arange(300), 8 - np.arange(300) // 40)), 5),  # and descending
]
group = [{"groups": [int(v) for v in g], "k": k, "folds": folds(GroupKFold(k), len(g), groups=np.array(g))} for g, k in group_cases]

ts_cases = [
    (10, dict(n_splits=3)),
    (12, dict(n_splits=3, test_size=2, gap=2)),
    (20, dict(n_splits=4, max_train_size=5)),
    (17, dict(n_splits=5)),
    (30, dict(n_splits=2, test_size=7, gap=1, max_train_size=10)),
]
timeseries = [dict(n=n, **kw, folds=folds(TimeSeriesSplit(**kw), n)) for n, kw in ts_cases]

shuffle = []
for n, test_size, train_size in [(10, None, None), (10, 0.25, None), (33, 0.3, 0.5), (20, 5, None), (20, None, 0.6), (7, 2, 3)]:
    f = folds(ShuffleSplit(3, test_size=test_size, train_size=train_size, random_state=0), n)
    shuffle.append({"n": n, "test_size": test_size or 0, "train_size": train_size or 0,
                    "n_train": len(f[0]["train"]), "n_test": len(f[0]["test"])})

# cross_validate of Ridge(alpha=0.5) with 5 folds: R² and negated MAE per fold.
cx = np.round(rng.randn(37, 3), 3)
cy = np.round(cx @ np.array([1.5, -2.0, 0.3]) + 0.7 * rng.randn(37), 3)
cv = cross_validate(Ridge(alpha=0.5), cx, cy, cv=KFold(5), scoring={"r2": "r2", "neg_mae": make_scorer(mean_absolute_error, greater_is_better=False)})
crossval = {"x": cx.tolist(), "y": cy.tolist(), "alpha": 0.5, "k": 5, "r2": cv["test_r2"].tolist(), "neg_mae": cv["test_neg_mae"].tolist(),
            "r2_mean": float(cv["test_r2"].mean()), "r2_std": float(cv["test_r2"].std())}

with open(os.path.join(here, "folds.json"), "w") as f:
    json.dump({"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "kfold": kfold,
               "stratified": stratified, "group": group, "timeseries": timeseries, "shuffle": shuffle,
               "cross_validate": crossval}, f)
print("wrote folds.json")
