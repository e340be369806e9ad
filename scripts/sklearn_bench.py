#!/usr/bin/python3
"""scikit-learn's side of Ember's kmeans, pca, dbscan, knn, svc, forest and hgb workloads
(`ember bench NAME`, internal/bench/sklearn.go and supervised.go): the same data, bit for bit, the same estimator settings and the same
timing (one untimed fit, then --repeat timed fits; the median is fit_s, in seconds). Prints one
JSON line with the field names of Ember's.

usage: /usr/bin/python3 scripts/sklearn_bench.py kmeans|pca|dbscan|knn|svc|forest|hgb [--threads 1] [--repeat 1]
           [--seed 0] [--fashion-dir /usr/share/datasets/fashion-mnist]

--threads limits OpenBLAS and OpenMP with threadpoolctl (and OMP_NUM_THREADS /
OPENBLAS_NUM_THREADS, set before NumPy loads).

  kmeans  KMeans(8, init=X[:8], n_init=1, max_iter=50, tol=0, algorithm="lloyd") on 100,000 × 50
          float32 uniform [0, 1) values: element e is the top 24 bits of SplitMix64(seed, e) / 2**24
  pca     PCA(50) (svd_solver "auto": randomized here) of Fashion-MNIST's 60,000 training images,
          float32 pixels / 255
  dbscan  DBSCAN(eps=0.3, min_samples=5) on 20,000 float32 2-D blobs around (-5,-5), (5,5),
          (-5,5), (5,-5) in turn, from Box–Muller on SplitMix64 uniforms
  knn     KNeighborsClassifier(5) fitted on 100,000 × 50 labelled uniform rows; kneighbors of
          10,000 × 50 uniform queries (seed+1) is timed (query_s)
  svc     SVC() (rbf, gamma "scale") fitted on 10,000 × 20 labelled uniform rows
  forest  RandomForestClassifier(100, n_jobs=threads, random_state=0) on 100,000 × 20
  hgb     HistGradientBoostingClassifier(max_iter=100, early_stopping=False) on 100,000 × 20
Labels: y_i = [x0 + x1 + x2·x3 − x4 > 1] (float64), flipped where uniform01(seed+1, i) < 0.1.
svc, forest and hgb also report test_accuracy on 20,000 rows of seed+2 (not timed).
"""
import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workload", choices=["kmeans", "pca", "dbscan", "knn", "svc", "forest", "hgb"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fashion-dir", default="/usr/share/datasets/fashion-mnist")
    return p.parse_args()


a = parse()
os.environ["OMP_NUM_THREADS"] = str(a.threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import DBSCAN, KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix64(seed, i):
    """SplitMix64's i-th outputs (i a uint64 array), as internal/bench's splitmix64."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + (i + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def uniform01(seed, i):
    return ((splitmix64(seed, i) >> np.uint64(40)).astype(np.float32) / np.float32(1 << 24)).astype(np.float32)


def uniform_data(n, d, seed):
    return uniform01(seed, np.arange(n * d, dtype=np.uint64)).reshape(n, d)


def blob_data(n, seed):
    idx = np.arange(n, dtype=np.uint64)
    u1 = 1 - uniform01(seed, 2 * idx).astype(np.float64)
    u2 = uniform01(seed, 2 * idx + np.uint64(1)).astype(np.float64)
    r = np.sqrt(-2 * np.log(u1))
    centres = np.array([[-5, -5], [5, 5], [-5, 5], [5, -5]], dtype=np.float64)[np.arange(n) % 4]
    x = np.empty((n, 2), dtype=np.float32)
    x[:, 0] = centres[:, 0] + r * np.cos(2 * np.pi * u2)
    x[:, 1] = centres[:, 1] + r * np.sin(2 * np.pi * u2)
    return x


def classif_data(n, d, seed):
    """UniformData with ClassifData's labels (internal/bench/supervised.go)."""
    X = uniform_data(n, d, seed)
    x = X[:, :5].astype(np.float64)
    y = (x[:, 0] + x[:, 1] + x[:, 2] * x[:, 3] - x[:, 4]) > 1
    flip = uniform01(seed + 1, np.arange(n, dtype=np.uint64)) < np.float32(0.1)
    return X, (y ^ flip).astype(np.int64)


def fit_bench(n, d, make):
    X, y = classif_data(n, d, a.seed)
    s, m = time_fits(a.repeat, lambda: make().fit(X, y))
    Xt, yt = classif_data(20000, d, a.seed + 2)
    return {"samples": n, "features": d, "fit_s": s, "test_accuracy": float(m.score(Xt, yt))}


def fashion(d):
    with gzip.open(os.path.join(d, "train-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    return (np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / np.float32(255))


def time_fits(repeat, fit):
    fit()
    secs = []
    for _ in range(repeat):
        t = time.perf_counter()
        est = fit()
        secs.append(time.perf_counter() - t)
    return statistics.median(secs), est


def main():
    r = {}
    with threadpool_limits(limits=a.threads):
        if a.workload == "kmeans":
            X = uniform_data(100000, 50, a.seed)
            s, km = time_fits(a.repeat, lambda: KMeans(8, init=X[:8], n_init=1, max_iter=50, tol=0,
                                                       algorithm="lloyd").fit(X))
            r = {"samples": 100000, "features": 50, "clusters": 8, "max_iter": 50, "fit_s": s, "n_iter": int(km.n_iter_),
                 "ms_per_iter": 1000 * s / km.n_iter_, "inertia": float(km.inertia_)}
        elif a.workload == "pca":
            t0 = time.perf_counter()
            X = fashion(a.fashion_dir)
            load = time.perf_counter() - t0
            s, p = time_fits(a.repeat, lambda: PCA(50, random_state=a.seed).fit(X))
            r = {"samples": X.shape[0], "features": X.shape[1], "components": 50, "fit_s": s, "data_load_s": load,
                 "explained_variance_ratio_sum": float(p.explained_variance_ratio_.sum()), "solver": p._fit_svd_solver}
        elif a.workload == "knn":
            X, y = classif_data(100000, 50, a.seed)
            Q = uniform_data(10000, 50, a.seed + 1)
            c = KNeighborsClassifier(5).fit(X, y)
            c.kneighbors(Q)
            secs = []
            for _ in range(a.repeat):
                t = time.perf_counter()
                _, idx = c.kneighbors(Q)
                secs.append(time.perf_counter() - t)
            r = {"samples": 100000, "queries": 10000, "features": 50, "k": 5, "query_s": statistics.median(secs),
                 "nearest_index_sum": int(idx[:, 0].sum())}
        elif a.workload == "svc":
            r = fit_bench(10000, 20, lambda: SVC())
        elif a.workload == "forest":
            r = fit_bench(100000, 20, lambda: RandomForestClassifier(100, n_jobs=a.threads, random_state=0))
        elif a.workload == "hgb":
            r = fit_bench(100000, 20, lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False,
                                                                             random_state=0))
        else:
            X = blob_data(20000, a.seed)
            s, db = time_fits(a.repeat, lambda: DBSCAN(eps=0.3, min_samples=5).fit(X))
            labels = db.labels_
            r = {"samples": 20000, "features": 2, "eps": 0.3, "min_samples": 5, "fit_s": s,
                 "n_clusters": int(labels.max() + 1), "n_noise": int((labels < 0).sum()),
                 "n_core": int(len(db.core_sample_indices_))}
    r.update({"system": "sklearn", "workload": a.workload, "threads": a.threads, "repeats": a.repeat, "seed": a.seed,
              "sklearn": sklearn.__version__, "numpy": np.__version__, "python": platform.python_version()})
    print(json.dumps(r))


if __name__ == "__main__":
    sys.exit(main())
