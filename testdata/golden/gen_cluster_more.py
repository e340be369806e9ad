#!/usr/bin/python3
"""Writes cluster_more.json: scikit-learn's SpectralClustering, MeanShift (with
estimate_bandwidth) and GaussianMixture results.

Spectral clustering: labels on well-separated data (compared up to renaming) and the spectral
embedding of a small affinity matrix (compared up to the sign of each column). MeanShift is
deterministic: centres, labels and bandwidths are compared directly. GaussianMixture starts
from explicit weights, means and precisions, so that EM can be replayed exactly.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_cluster_more.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import cluster as C
from sklearn import mixture
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.manifold import spectral_embedding
from sklearn.metrics.pairwise import rbf_kernel

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))

# Spectral clustering on separable data: circles with an rbf affinity, moons with a k-NN graph.
X_circ, y_circ = make_circles(300, noise=0.05, factor=0.5, random_state=0)
X_moon, y_moon = make_moons(300, noise=0.05, random_state=0)
X_sblob, y_sblob = make_blobs(150, centers=3, cluster_std=0.5, random_state=2)
spectral = []
for name, X, y, k, aff, gamma, nn in (("circles_rbf", X_circ, y_circ, 2, "rbf", 50.0, 10),
                                      ("moons_knn", X_moon, y_moon, 2, "nearest_neighbors", 1.0, 10),
                                      ("blobs_rbf", X_sblob, y_sblob, 3, "rbf", 1.0, 10)):
    sc = C.SpectralClustering(k, affinity=aff, gamma=gamma, n_neighbors=nn, random_state=0).fit(X)
    spectral.append({"name": name, "X": X.tolist(), "y": y.tolist(), "k": k, "affinity": aff,
                     "gamma": gamma, "n_neighbors": nn, "labels": sc.labels_.tolist(),
                     "affinity_matrix": np.asarray(sc.affinity_matrix_.todense() if hasattr(
                         sc.affinity_matrix_, "todense") else sc.affinity_matrix_)[:10, :10].tolist()})

# The embedding of a small rbf affinity (distinct eigenvalues: comparable up to sign).
X_emb = rng.randn(40, 3)
A_emb = rbf_kernel(X_emb, gamma=0.5)
emb = spectral_embedding(A_emb, n_components=4, drop_first=False, random_state=0)
emb_drop = spectral_embedding(A_emb, n_components=4, drop_first=True, random_state=0)
embedding = {"affinity": A_emb.tolist(), "k": 4, "embedding": emb.tolist(), "embedding_drop": emb_drop.tolist()}

# MeanShift and estimate_bandwidth.
X_ms, _ = make_blobs(300, centers=4, cluster_std=0.7, random_state=4)
X_ms3, _ = make_blobs(200, centers=3, n_features=3, cluster_std=1.0, random_state=9)
X_msr = rng.randn(150, 2)
meanshift = []
for name, X, bw, bins, cluster_all, freq in (("blobs", X_ms, None, False, True, 1),
                                             ("blobs_bins", X_ms, None, True, True, 1),
                                             ("blobs_bw1", X_ms, 1.0, True, True, 1),
                                             ("blobs_bins_freq5", X_ms, 1.0, True, True, 5),
                                             ("blobs3d", X_ms3, None, False, True, 1),
                                             ("random_not_all", X_msr, 0.5, False, False, 1),
                                             ("random_bins", X_msr, 0.6, True, True, 1),
                                             ("random_bins_freq3", X_msr, 0.4, True, False, 3)):
    ms = C.MeanShift(bandwidth=bw, bin_seeding=bins, cluster_all=cluster_all, min_bin_freq=freq).fit(X)
    meanshift.append({"name": name, "X": X.tolist(), "bandwidth": 0.0 if bw is None else bw,
                      "bin_seeding": bins, "cluster_all": cluster_all, "min_bin_freq": freq,
                      "centers": ms.cluster_centers_.tolist(), "labels": ms.labels_.tolist(),
                      "n_iter": int(ms.n_iter_), "predict_X": (X[:20] + 0.3).tolist(),
                      "predict": ms.predict(X[:20] + 0.3).tolist()})
bandwidth = []
for name, X, q in (("blobs", X_ms, 0.3), ("blobs_q01", X_ms, 0.1), ("blobs3d", X_ms3, 0.3),
                   ("random_q05", X_msr, 0.5), ("tiny", X_msr[:3], 0.2)):
    bandwidth.append({"name": name, "X": X.tolist(), "quantile": q,
                      "bandwidth": C.estimate_bandwidth(X, quantile=q)})

# GaussianMixture from explicit initial parameters.
X_g, y_g = make_blobs(250, centers=3, n_features=2, cluster_std=[1.0, 2.0, 0.6], random_state=11)
X_g = X_g @ np.array([[1.0, 0.4], [-0.3, 0.8]])
X_g4, _ = make_blobs(200, centers=2, n_features=4, random_state=5)
gmm = []
gmm_data = {"blobs2d": X_g.tolist(), "blobs4d": X_g4.tolist()}
for name, X, k in (("blobs2d", X_g, 3), ("blobs4d", X_g4, 2), ("blobs2d_k4", X_g, 4)):
    d = X.shape[1]
    means0 = X[rng.choice(len(X), k, replace=False)] + rng.randn(k, d) * 0.1
    weights0 = rng.uniform(0.5, 1.5, k)
    weights0 /= weights0.sum()
    for cov_type in ("full", "diag", "spherical", "tied"):
        for max_iter in (1, 5, 100):
            if cov_type == "full":
                prec0 = np.array([np.eye(d) * rng.uniform(0.3, 1.0) for _ in range(k)])
            elif cov_type == "tied":
                prec0 = np.eye(d) * rng.uniform(0.3, 1.0)
            elif cov_type == "diag":
                prec0 = rng.uniform(0.3, 1.0, (k, d))
            else:
                prec0 = rng.uniform(0.3, 1.0, k)
            gm = mixture.GaussianMixture(k, covariance_type=cov_type, max_iter=max_iter, weights_init=weights0,
                                         means_init=means0, precisions_init=prec0, random_state=0).fit(X)
            gmm.append({"name": name, "data": name.split("_")[0], "k": k, "covariance_type": cov_type,
                        "max_iter": max_iter, "weights_init": weights0.tolist(), "means_init": means0.tolist(),
                        "precisions_init": prec0.tolist(), "weights": gm.weights_.tolist(),
                        "means": gm.means_.tolist(), "covariances": np.ravel(gm.covariances_).tolist(),
                        "precisions_cholesky": np.ravel(gm.precisions_cholesky_).tolist(),
                        "precisions": np.ravel(gm.precisions_).tolist(),
                        "converged": bool(gm.converged_), "n_iter": int(gm.n_iter_),
                        "lower_bound": gm.lower_bound_, "predict": gm.predict(X).tolist(),
                        "predict_proba": gm.predict_proba(X).tolist(),
                        "score_samples": gm.score_samples(X).tolist(), "score": gm.score(X),
                        "bic": gm.bic(X), "aic": gm.aic(X)})

out = {
    "sklearn_version": sklearn.__version__,
    "spectral": spectral,
    "spectral_embedding": embedding,
    "meanshift": meanshift,
    "estimate_bandwidth": bandwidth,
    "gmm_data": gmm_data,
    "gmm": gmm,
}
with open(os.path.join(here, "cluster_more.json"), "w") as f:
    json.dump(out, f)
