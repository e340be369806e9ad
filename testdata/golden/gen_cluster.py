#!/usr/bin/python3
"""Writes cluster.json: scikit-learn's clustering metrics (ARI, NMI, silhouette,
Davies-Bouldin, Calinski-Harabasz) and its KMeans, MiniBatchKMeans, DBSCAN and
AgglomerativeClustering results on blobs and on harder random data.

KMeans runs start from given centres (random initialisation cannot be replayed: Ember's
generator is not NumPy's); k-means++ is summarised by inertias for statistical tests.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_cluster.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import cluster as C
from sklearn import metrics as M
from sklearn.datasets import make_blobs

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))


def score_or_error(f, *args):
    try:
        return {"value": float(f(*args))}
    except ValueError as e:
        return {"error": str(e)}


# Label pairs for ARI and NMI: awkward cases included.
label_pairs = {
    "random": (rng.randint(0, 4, 80), rng.randint(0, 5, 80)),
    "permuted_perfect": (np.array([0, 0, 1, 1, 2, 2]), np.array([5, 5, -1, -1, 3, 3])),
    "both_single": (np.array([3, 3, 3, 3]), np.array([1, 1, 1, 1])),
    "single_vs_split": (np.array([0, 0, 0, 0]), np.array([0, 1, 2, 3])),
    "all_singletons": (np.array([0, 1, 2, 3, 4]), np.array([4, 3, 2, 1, 0])),
    "singletons_vs_pairs": (np.array([0, 1, 2, 3, 4, 5]), np.array([0, 0, 1, 1, 2, 2])),
    "independent": (np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])),
    "large": (rng.randint(0, 10, 5000), rng.randint(0, 3, 5000)),
    "one_sample": (np.array([7]), np.array([2])),
}
pairs = []
for name, (a, b) in label_pairs.items():
    pairs.append({"name": name, "a": a.tolist(), "b": b.tolist(),
                  "ari": M.adjusted_rand_score(a, b), "nmi": M.normalized_mutual_info_score(a, b)})

# Point sets for the internal scores.
Xb, yb = make_blobs(60, centers=4, n_features=3, random_state=0)
Xr = rng.randn(40, 2)
dup = np.array([[0.0, 0], [0, 0], [1, 1], [1, 1], [2, 2], [2, 2]])
point_sets = {
    "blobs": (Xb, yb),
    "random_labels": (Xr, rng.randint(0, 3, 40)),
    "with_singleton": (Xr[:10], np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 9])),
    "duplicates": (dup, np.array([0, 0, 1, 1, 2, 2])),
    "same_centroids": (np.array([[0.0], [1], [1], [0]]), np.array([0, 0, 1, 1])),
    "one_label": (Xr[:5], np.zeros(5, dtype=int)),
    "all_singletons": (Xr[:5], np.arange(5)),
}
internal = []
for name, (X, y) in point_sets.items():
    internal.append({"name": name, "X": X.tolist(), "labels": y.tolist(),
                     "silhouette": score_or_error(M.silhouette_score, X, y),
                     "davies_bouldin": score_or_error(M.davies_bouldin_score, X, y),
                     "calinski_harabasz": score_or_error(M.calinski_harabasz_score, X, y)})

# KMeans from given centres.
X_blobs, y_blobs = make_blobs(300, centers=4, n_features=3, cluster_std=1.5, random_state=1)
X_hard = rng.randn(500, 5)
X_hard[:, 0] *= 3
far = X_blobs[:4].copy()
far[3] = [100.0, 100.0, 100.0]  # a centre no sample is nearest to: relocated
kmeans_cases = [
    ("blobs", X_blobs, X_blobs[rng.choice(300, 4, replace=False)], 300, 1e-4),
    ("hard", X_hard, X_hard[rng.choice(500, 7, replace=False)], 300, 1e-4),
    ("hard_maxiter3", X_hard, X_hard[rng.choice(500, 7, replace=False)], 3, 1e-4),
    ("hard_tol", X_hard, X_hard[rng.choice(500, 7, replace=False)], 300, 1e-2),
    ("empty_cluster", X_blobs, far, 300, 1e-4),
]
kmeans = []
for name, X, init, max_iter, tol in kmeans_cases:
    for algo in ("lloyd", "elkan"):
        km = C.KMeans(len(init), init=init, n_init=1, max_iter=max_iter, tol=tol, algorithm=algo).fit(X)
        kmeans.append({"name": name, "algorithm": algo, "X": X.tolist(), "init": init.tolist(),
                       "max_iter": max_iter, "tol": tol, "labels": km.labels_.tolist(),
                       "centers": km.cluster_centers_.tolist(), "inertia": km.inertia_,
                       "n_iter": int(km.n_iter_), "predict_X": X[:5].tolist(),
                       "transform": km.transform(X[:5]).tolist()})

# k-means++ statistics: best inertia of n_init=10, and the mean and standard deviation of the
# inertia of single runs (k-means++ and random initialisation).
plusplus = []
for name, X, k in (("blobs", X_blobs, 4), ("hard", X_hard, 7)):
    best = [C.KMeans(k, n_init=10, random_state=s).fit(X).inertia_ for s in range(5)]
    single = [C.KMeans(k, n_init=1, random_state=s).fit(X).inertia_ for s in range(100)]
    rand = [C.KMeans(k, init="random", n_init=1, random_state=s).fit(X).inertia_ for s in range(100)]
    plusplus.append({"name": name, "k": k, "best_of_10": min(best), "mean_single": float(np.mean(single)),
                     "mean_single_random": float(np.mean(rand)), "std_single": float(np.std(single)),
                     "std_single_random": float(np.std(rand))})

# MiniBatchKMeans: partial_fit from given centres is deterministic (no reassignment happens:
# ratio 0, or every cluster well fed), so the per-centre learning rate is replayed exactly.
minibatch_partial = []
for name, X, init, ratio in (("blobs", X_blobs, X_blobs[[0, 1, 2, 5]], 0.01),
                             ("hard", X_hard, X_hard[:7], 0.0)):
    mb = C.MiniBatchKMeans(len(init), init=init, n_init=1, reassignment_ratio=ratio)
    steps = []
    for lo in range(0, 200, 40):
        mb.partial_fit(X[lo:lo + 40])
        steps.append({"centers": mb.cluster_centers_.tolist(), "labels": mb.labels_.tolist(),
                      "inertia": mb.inertia_, "counts": mb._counts.tolist()})
    minibatch_partial.append({"name": name, "X": X[:200].tolist(), "init": init.tolist(), "ratio": ratio,
                              "steps": steps})

# MiniBatchKMeans.fit statistics over seeds (batch 64 on 2000 blob samples).
X_mb, y_mb = make_blobs(2000, centers=5, n_features=4, cluster_std=2.0, random_state=7)
mb_inertia = [C.MiniBatchKMeans(5, batch_size=64, n_init=3, random_state=s).fit(X_mb).inertia_ for s in range(30)]
minibatch_fit = {"X": X_mb.tolist(), "y": y_mb.tolist(), "k": 5, "batch_size": 64,
                 "mean_inertia": float(np.mean(mb_inertia)), "std_inertia": float(np.std(mb_inertia)),
                 "kmeans_inertia": C.KMeans(5, n_init=10, random_state=0).fit(X_mb).inertia_}

# DBSCAN: labels and core samples are deterministic given the order of samples.
X_db, _ = make_blobs(500, centers=3, cluster_std=0.6, random_state=3)
dbscan_cases = [
    ("blobs", X_db, 0.5, 5),
    ("uniform", rng.uniform(0, 10, (400, 2)), 0.6, 4),
    ("uniform3d", rng.uniform(0, 4, (300, 3)), 0.7, 6),
    ("all_noise", rng.uniform(0, 100, (50, 2)), 0.5, 5),
    ("min_samples_1", rng.uniform(0, 5, (60, 2)), 0.4, 1),
]
dbscan = []
for name, X, eps, ms in dbscan_cases:
    db = C.DBSCAN(eps=eps, min_samples=ms).fit(X)
    dbscan.append({"name": name, "X": X.tolist(), "eps": eps, "min_samples": ms,
                   "labels": db.labels_.tolist(), "core": db.core_sample_indices_.tolist()})

# AgglomerativeClustering: labels (up to renaming), the merge tree and its distances.
X_ag, _ = make_blobs(120, centers=4, n_features=3, cluster_std=2.5, random_state=5)
X_ag_hard = rng.randn(150, 4)
agglomerative = []
for name, X, k in (("blobs", X_ag, 4), ("hard", X_ag_hard, 6)):
    for linkage in ("ward", "complete", "average", "single"):
        ag = C.AgglomerativeClustering(k, linkage=linkage, compute_distances=True).fit(X)
        agglomerative.append({"name": name, "X": X.tolist(), "k": k, "linkage": linkage,
                              "labels": ag.labels_.tolist(), "children": ag.children_.tolist(),
                              "distances": ag.distances_.tolist()})

out = {
    "sklearn_version": sklearn.__version__,
    "label_pairs": pairs,
    "internal": internal,
    "kmeans": kmeans,
    "kmeans_plusplus": plusplus,
    "minibatch_partial": minibatch_partial,
    "minibatch_fit": minibatch_fit,
    "dbscan": dbscan,
    "agglomerative": agglomerative,
}
with open(os.path.join(here, "cluster.json"), "w") as f:
    json.dump(out, f)
