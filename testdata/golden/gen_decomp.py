#!/usr/bin/python3
"""Writes decomp.json: scikit-learn's PCA (full and randomized solvers, fractions,
whitening), TruncatedSVD (arpack and randomized), FastICA (from a given w_init, every
contrast, both algorithms, both whitenings) and KernelPCA (linear, rbf, poly, sigmoid).

Randomized solvers cannot be replayed (Ember's generator is not NumPy's): their data have
well-separated spectra, so both converge to the exact singular vectors; Go compares them up
to sign. Long outputs are stored as their first rows (*_head). FastICA runs start from a given w_init and are replayed exactly.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_decomp.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.decomposition import PCA, FastICA, KernelPCA, TruncatedSVD

warnings.filterwarnings("ignore")
rng = np.random.RandomState(0)
here = os.path.dirname(os.path.abspath(__file__))


def low_rank(n, d, spectrum, noise):
    """n×d data with the given singular spectrum plus small Gaussian noise."""
    u, _ = np.linalg.qr(rng.randn(n, len(spectrum)))
    v, _ = np.linalg.qr(rng.randn(d, len(spectrum)))
    return (u * spectrum) @ v.T + noise * rng.randn(n, d) + rng.randn(d)


X_small = rng.randn(30, 5) * [3.0, 2.0, 1.0, 0.5, 0.1] + [1.0, -2.0, 0.0, 3.0, 5.0]
X_wide = rng.randn(8, 12)
X_big = low_rank(510, 20, [400.0, 200.0, 100.0, 50.0, 25.0], 0.01)
X_wider = low_rank(30, 300, [300.0, 150.0, 80.0, 40.0], 0.01)

datasets = {"small": X_small, "wide": X_wide, "big": X_big, "wider": X_wider}
pca_cases = [
    ("full_k3", "small", dict(n_components=3, svd_solver="full")),
    ("full_all_whiten", "small", dict(svd_solver="full", whiten=True)),
    ("fraction_0.9", "small", dict(n_components=0.9, svd_solver="full")),
    ("fraction_0.999", "small", dict(n_components=0.999)),
    ("wide_k5", "wide", dict(n_components=5)),
    ("wide_k7_of_rank7", "wide", dict(n_components=7)),
    ("randomized_tall", "big", dict(n_components=5, svd_solver="randomized", random_state=0)),
    ("auto_tall", "big", dict(n_components=3, random_state=0)),
    ("randomized_wide_whiten", "wider", dict(n_components=4, svd_solver="randomized", whiten=True, random_state=0)),
]
pca = []
for name, data, kw in pca_cases:
    X = datasets[data]
    p = PCA(**kw)
    Z = p.fit_transform(X)
    Xnew = rng.randn(4, X.shape[1]) + X.mean(0)
    pca.append({
        "name": name, "data": data, "params": {k: v for k, v in kw.items() if k != "random_state"},
        "solver": p._fit_svd_solver, "n_components": int(p.n_components_),
        "components": p.components_.tolist(), "explained_variance": p.explained_variance_.tolist(),
        "explained_variance_ratio": p.explained_variance_ratio_.tolist(),
        "singular_values": p.singular_values_.tolist(), "mean": p.mean_.tolist(),
        "noise_variance": float(p.noise_variance_), "fit_transform_head": Z[:20].tolist(),
        "X_new": Xnew.tolist(), "transform": p.transform(Xnew).tolist(),
        "inverse_transform": p.inverse_transform(Z[:3]).tolist(),
    })

X_svd = np.abs(rng.randn(20, 6)) + 1
X_svd_big = low_rank(200, 30, [300.0, 120.0, 60.0, 30.0], 0.01)
datasets.update(svd=X_svd, svd_big=X_svd_big)
tsvd = []
for name, data, kw in [
    ("arpack_k3", "svd", dict(n_components=3, algorithm="arpack", random_state=0)),
    ("arpack_k5", "svd", dict(n_components=5, algorithm="arpack", random_state=0)),
    ("randomized_k4", "svd_big", dict(n_components=4, random_state=0)),
]:
    X = datasets[data]
    t = TruncatedSVD(**kw)
    Z = t.fit_transform(X)
    tsvd.append({
        "name": name, "data": data, "params": {k: v for k, v in kw.items() if k != "random_state"},
        "components": t.components_.tolist(), "explained_variance": t.explained_variance_.tolist(),
        "explained_variance_ratio": t.explained_variance_ratio_.tolist(),
        "singular_values": t.singular_values_.tolist(), "fit_transform_head": Z[:20].tolist(),
        "inverse_transform": t.inverse_transform(Z[:3]).tolist(),
    })

# The cocktail party: three sources mixed by a fixed matrix.
time = np.linspace(0, 8, 500)
S_true = np.c_[np.sin(2 * time), np.sign(np.sin(3 * time)), 2 * ((time * 0.7) % 1) - 1]
S_true += 0.02 * rng.randn(*S_true.shape)
A = np.array([[1.0, 1.0, 1.0], [0.5, 2.0, 1.0], [1.5, 1.0, 2.0]])
X_ica = S_true @ A.T + [0.5, -1.0, 2.0]
w_init = rng.randn(3, 3)
X_ica4 = np.c_[X_ica, X_ica @ [0.3, -0.2, 0.5] + 0.01 * rng.randn(500)]
w_init2 = rng.randn(2, 2)
datasets.update(ica=X_ica, ica4=X_ica4)
ica = []
for name, data, kw in [
    ("parallel_logcosh", "ica", dict(w_init=w_init)),
    ("parallel_exp", "ica", dict(fun="exp", w_init=w_init)),
    ("parallel_cube", "ica", dict(fun="cube", w_init=w_init)),
    ("deflation_logcosh", "ica", dict(algorithm="deflation", w_init=w_init)),
    ("deflation_exp_arbitrary", "ica", dict(algorithm="deflation", fun="exp", whiten="arbitrary-variance", w_init=w_init)),
    ("parallel_logcosh_alpha", "ica", dict(fun_args={"alpha": 1.5}, w_init=w_init)),
    ("parallel_arbitrary", "ica", dict(whiten="arbitrary-variance", w_init=w_init)),
    ("four_features_k2", "ica4", dict(n_components=2, w_init=w_init2, max_iter=400)),
]:
    X = datasets[data]
    kw.setdefault("whiten", "unit-variance")
    f = FastICA(**kw)
    S = f.fit_transform(X)
    params = {k: v for k, v in kw.items() if k not in ("w_init", "fun_args")}
    params["alpha"] = kw.get("fun_args", {}).get("alpha", 1.0)
    ica.append({
        "name": name, "data": data, "params": params, "w_init": np.asarray(kw["w_init"]).tolist(),
        "components": f.components_.tolist(), "mixing": f.mixing_.tolist(), "mean": f.mean_.tolist(),
        "whitening": f.whitening_.tolist(), "n_iter": int(f.n_iter_), "sources_head": S[:40].tolist(),
        "inverse_transform": f.inverse_transform(S[:5]).tolist(),
    })

X_k = rng.randn(40, 3)
X_k_new = rng.randn(6, 3)
datasets["kpca"] = X_k
kpca = []
for name, kw in [
    ("linear", dict(n_components=3, kernel="linear")),
    ("rbf_default_gamma", dict(n_components=4, kernel="rbf")),
    ("rbf_all", dict(kernel="rbf", gamma=0.5)),
    ("poly", dict(n_components=3, kernel="poly", gamma=0.5, degree=3, coef0=1.0)),
    ("sigmoid", dict(n_components=2, kernel="sigmoid", gamma=0.05, coef0=0.1)),
]:
    k = KernelPCA(eigen_solver="dense", **kw)
    Z = k.fit_transform(X_k)
    kpca.append({
        "name": name, "data": "kpca", "params": kw, "eigenvalues": k.eigenvalues_.tolist(),
        "eigenvectors": k.eigenvectors_.tolist(), "fit_transform": Z.tolist(),
        "X_new": X_k_new.tolist(), "transform": k.transform(X_k_new).tolist(),
    })

out = {"sklearn_version": sklearn.__version__, "datasets": {k: v.tolist() for k, v in datasets.items()}, "pca": pca, "truncated_svd": tsvd,
       "fastica": ica, "ica_true_sources": S_true.tolist(), "kernel_pca": kpca}
with open(os.path.join(here, "decomp.json"), "w") as f:
    json.dump(out, f)
