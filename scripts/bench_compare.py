#!/usr/bin/python3
"""Runs Ember's and PyTorch's reference workloads on this machine and writes the raw output of
every figure in BENCHMARKS.md; scripts/bench_render.py turns that output into BENCHMARKS.md
(scripts/bench_all.sh runs both).

usage: /usr/bin/python3 scripts/bench_compare.py [--reps 3] [--threads 1,2] [--out testdata/bench]
           [--sections compare,seeds,float64,avx2,allocs,torch-threads,sklearn] [--workloads circles,...]
           [--seeds 0-7] [--sklearn-workloads kmeans,pca,dbscan,knn,svc,forest,hgb]

Needs Debian's python3-torch and python3-sklearn (and dataset-fashion-mnist for fashion-mlp,
fashion-cnn and pca).
Ember is built once with `go build` and run as `ember bench WORKLOAD --threads N`; PyTorch as
`scripts/torch_bench.py wK --threads N`; scikit-learn as `scripts/sklearn_bench.py WORKLOAD --threads N`.
Every run is a fresh process, every raw line records
the command that produced it ("cmd") and its environment overrides ("env"), and every run
starts with thread-pool and runtime settings (OMP_*, OPENBLAS_*, GOMAXPROCS, GOGC,
EMBER_GEMM, ...) cleared from the environment.

Sections, each written to its own file under --out (which it replaces; the files of sections
not run are left as they were):
  machine.json         CPU, kernel, Go, PyTorch and OpenBLAS versions, date
  compare.jsonl        the main table: each (threads, workload) alternates Ember and PyTorch
                       --reps times (rep 0 Ember first, rep 1 PyTorch first, ...)
  seeds.jsonl          circles with --threads 1 for each of --seeds, both systems (test accuracy)
  float64.jsonl        gemm with --dtype float64, both systems, each of --threads, --reps times
  avx2.jsonl           Ember's fashion-cnn and gemm with EMBER_GEMM=avx2 (the AVX2 kernels on
                       an AVX-512 machine), each of --threads, --reps times
  allocs.txt           `go test ./internal/bench -bench 'CirclesStep|CirclesForward1$' -benchmem`
  torch_threads.jsonl  PyTorch's fashion-mlp (w2) with 2 threads under thread-pool variants,
                       --reps times: why its 2-thread figure falls below its 1-thread one
  sklearn.jsonl        Ember against scikit-learn on kmeans, pca, dbscan, knn, svc, forest, hgb (seconds): each
                       (threads, workload) alternates `ember bench WORKLOAD` and
                       scripts/sklearn_bench.py --reps times, as compare does

The Markdown table of the compare section is printed on stdout as it goes.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORCH = os.path.join(ROOT, "scripts", "torch_bench.py")
SKLEARN = os.path.join(ROOT, "scripts", "sklearn_bench.py")
PY = "/usr/bin/python3"
WORKLOADS = [("circles", "w1"), ("fashion-mlp", "w2"), ("fashion-cnn", "w3"), ("gemm", "w4"), ("latency", "w5")]
SECTIONS = ["compare", "seeds", "float64", "avx2", "allocs", "torch-threads", "sklearn"]
# Workloads of the sklearn section: Ember's `ember bench NAME` against scripts/sklearn_bench.py NAME.
SKLEARN_WORKLOADS = ["kmeans", "pca", "dbscan", "knn", "svc", "forest", "hgb"]
# PyTorch's w2 with 2 threads under variants of its two thread pools (OpenMP for torch's own
# ops, OpenBLAS's pthreads for matrix products): (name, extra arguments, environment).
TORCH_THREAD_VARIANTS = [
    ("1 thread", ["--threads", "1"], {}),
    ("2 threads", ["--threads", "2"], {}),
    ("2 threads, OMP_WAIT_POLICY=PASSIVE", ["--threads", "2"], {"OMP_WAIT_POLICY": "PASSIVE"}),
    ("2 threads, OpenBLAS 1 thread", ["--threads", "2", "--blas-threads", "1"], {}),
    ("2 threads, OMP_WAIT_POLICY=PASSIVE, OpenBLAS 1 thread", ["--threads", "2", "--blas-threads", "1"],
     {"OMP_WAIT_POLICY": "PASSIVE"}),
    ("1 thread, OpenBLAS 2 threads", ["--threads", "1", "--blas-threads", "2"], {}),
]


# Settings that would change what is measured; every run starts without them (the variants set
# theirs explicitly).
CLEARED_ENV = ("OMP_", "GOMP_", "KMP_", "OPENBLAS_", "GOTO", "MKL_", "GOMAXPROCS", "GOGC", "GOMEMLIMIT", "GODEBUG",
               "EMBER_")
EXE = os.path.join(tempfile.mkdtemp(), "ember")  # built by main with `go build ./cmd/ember`


def clean_env(extra=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED_ENV)}
    e.update(extra or {})
    return e


def run(cmd, env=None, **extra):
    """Runs cmd (a fresh process) and returns its last stdout line as JSON, with the command
    (as it would be typed in the repository root), its environment overrides and extra fields."""
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=clean_env(env)).stdout
    r = json.loads(out.strip().splitlines()[-1])
    shown = ["go run ./cmd/ember" if c == EXE else os.path.relpath(c, ROOT) if c.startswith(ROOT + os.sep) else c
             for c in cmd]
    r["cmd"] = " ".join(f"{k}={v}" for k, v in (env or {}).items()) + (" " if env else "") + " ".join(shown)
    r["env"] = env or {}
    r.update(extra)
    return r


def med(rs, key):
    return statistics.median(r[key] for r in rs)


def gemm_rows(rs, lib):
    by_n = {}
    for r in rs:
        for row in r["rows"]:
            if row["lib"] == lib:
                by_n.setdefault(row["n"], []).append(row["gflops"])
    return {n: statistics.median(v) for n, v in by_n.items()}


def machine():
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return ""
    model, flags = "", ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and not model:
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line.split(":", 1)[1].split()
    torch_info = json.loads(sh([PY, "-c", "import json, torch, numpy, threadpoolctl; print(json.dumps("
                                "{'torch': torch.__version__, 'numpy': numpy.__version__, "
                                "'threadpools': threadpoolctl.threadpool_info()}))"]) or "{}")
    torch_info["sklearn"] = sh([PY, "-c", "import sklearn; print(sklearn.__version__)"]) or None
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "cpu_model": model,
        "cpus": os.cpu_count(),
        "avx512f": "avx512f" in flags,
        "avx2": "avx2" in flags,
        "hypervisor": "hypervisor" in flags,
        "virt": sh(["systemd-detect-virt", "--vm"]) or None,
        "container": sh(["systemd-detect-virt", "--container"]) or None,
        "kernel": platform.release(),
        "go": sh(["go", "version"]),
        "git_commit": sh(["git", "rev-parse", "--short", "HEAD"]),
        "git_dirty": bool(sh(["git", "status", "--porcelain", "--untracked-files=no"])),
        "python": platform.python_version(),
        **torch_info,
    }


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


def compare(a, exe):
    raw = []
    lines = ["| workload | figure | threads | Ember | PyTorch | Ember / PyTorch |", "|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for threads in a.threads:
        for name, w in WORKLOADS:
            if name not in a.workloads:
                continue
            ember, torch = [], []
            for rep in range(a.reps):
                e = lambda: ember.append(run([exe, "bench", name, "--threads", str(threads)], rep=rep))  # noqa: E731
                t = lambda: torch.append(run([PY, TORCH, w, "--threads", str(threads)], rep=rep))  # noqa: E731
                # alternate which system goes first, so neither always runs on a just-used machine
                for f in ((e, t) if rep % 2 == 0 else (t, e)):
                    f()
            raw += ember + torch
            n0 = len(lines)
            row = lambda fig, e, t, better="higher": lines.append(  # noqa: E731
                f"| {name} | {fig} | {threads} | {e:,.4g} | {t:,.4g} | {(e / t if better == 'higher' else t / e):.2f}× |")
            if name == "circles":
                row("steps/s", med(ember, "steps_per_s"), med(torch, "steps_per_s"))
                row("steps/s, warm-up run", med(ember, "warmup_steps_per_s"), med(torch, "warmup_steps_per_s"))
                row("test accuracy", med(ember, "test_acc"), med(torch, "test_acc"))
            elif name in ("fashion-mlp", "fashion-cnn"):
                row("samples/s", med(ember, "samples_per_s"), med(torch, "samples_per_s"))
                row("test accuracy", med(ember, "test_acc"), med(torch, "test_acc"))
            elif name == "gemm":
                e, t = gemm_rows(ember, "ember"), gemm_rows(torch, "torch.mm")
                for n in sorted(e):
                    row(f"GFLOP/s n={n}", e[n], t[n])
            else:
                row("1 sample, µs (lower is better)", med(ember, "single_us"), med(torch, "single_us"), "lower")
                row("1000 samples, µs (lower is better)", med(ember, "batch1000_us"), med(torch, "batch1000_us"), "lower")
            print("\n".join(lines[n0:]), flush=True)
    return raw


def seeds(a, exe):
    raw = []
    for seed in a.seeds:
        raw.append(run([exe, "bench", "circles", "--threads", "1", "--seed", str(seed)], rep=0))
        raw.append(run([PY, TORCH, "w1", "--threads", "1", "--seed", str(seed)], rep=0))
        print(f"seed {seed}: Ember {raw[-2]['test_acc']}, PyTorch {raw[-1]['test_acc']}", file=sys.stderr, flush=True)
    return raw


def float64(a, exe):
    raw = []
    for threads in a.threads:
        for rep in range(a.reps):
            raw.append(run([exe, "bench", "gemm", "--dtype", "float64", "--threads", str(threads)], rep=rep))
            raw.append(run([PY, TORCH, "w4", "--dtype", "float64", "--threads", str(threads)], rep=rep))
        print(f"float64 gemm, {threads} threads: done", file=sys.stderr, flush=True)
    return raw


def avx2(a, exe):
    raw = []
    for threads in a.threads:
        for rep in range(a.reps):
            for name in ("fashion-cnn", "gemm"):
                raw.append(run([exe, "bench", name, "--threads", str(threads)], env={"EMBER_GEMM": "avx2"}, rep=rep))
        print(f"AVX2 kernels, {threads} threads: done", file=sys.stderr, flush=True)
    return raw


def torch_threads(a, exe):
    raw = []
    for rep in range(a.reps):
        for variant, args, env in TORCH_THREAD_VARIANTS:
            raw.append(run([PY, TORCH, "w2"] + args, env=env, rep=rep, variant=variant))
            print(f"w2 {variant}: {raw[-1]['samples_per_s']:.0f} samples/s", file=sys.stderr, flush=True)
    return raw


def sklearn(a, exe):
    """Ember against scikit-learn: fit seconds (lower is better) and each side's iterations or
    clusters, alternating the two systems as compare does."""
    raw = []
    lines = ["| workload | threads | Ember fit, s | scikit-learn fit, s | sklearn / Ember |", "|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for threads in a.threads:
        for name in a.sklearn_workloads:
            ember, sk = [], []
            for rep in range(a.reps):
                e = lambda: ember.append(run([exe, "bench", name, "--threads", str(threads)], rep=rep))  # noqa: E731
                k = lambda: sk.append(run([PY, SKLEARN, name, "--threads", str(threads)], rep=rep))  # noqa: E731
                for f in ((e, k) if rep % 2 == 0 else (k, e)):
                    f()
            raw += ember + sk
            key = "query_s" if name == "knn" else "fit_s"
            fe, fk = med(ember, key), med(sk, key)
            print(f"| {name} | {threads} | {fe:.4g} | {fk:.4g} | {fk / fe:.2f}× |", flush=True)
    return raw


def allocs(a):
    cmd = ["go", "test", "./internal/bench", "-run", "^$", "-bench", "CirclesStep|CirclesForward1$", "-benchmem", "-count", str(a.reps)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=clean_env()).stdout
    return "$ " + " ".join(cmd) + "\n" + out


def parse_seeds(s):
    out = []
    for part in s.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out += range(int(lo), int(hi) + 1)
        else:
            out.append(int(part))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=3, help="runs of each system per row (the median is reported)")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--out", default=os.path.join(ROOT, "testdata", "bench"), help="folder for the raw output")
    p.add_argument("--sections", default=",".join(SECTIONS))
    p.add_argument("--workloads", default=",".join(n for n, _ in WORKLOADS),
                   help="comma-separated workloads of the compare section (default: all)")
    p.add_argument("--seeds", default="0-7", help="seeds of the seeds section, e.g. 0-7 or 0,3")
    p.add_argument("--sklearn-workloads", default=",".join(SKLEARN_WORKLOADS),
                   help="comma-separated workloads of the sklearn section (default: all)")
    a = p.parse_args()
    a.threads = [int(t) for t in a.threads.split(",")]
    a.workloads = a.workloads.split(",")
    a.seeds = parse_seeds(a.seeds)
    a.sklearn_workloads = a.sklearn_workloads.split(",")
    for w in a.sklearn_workloads:
        if w not in SKLEARN_WORKLOADS:
            p.error(f"unknown sklearn workload {w!r} (want some of {','.join(SKLEARN_WORKLOADS)})")
    sections = a.sections.split(",")
    for s in sections:
        if s not in SECTIONS:
            p.error(f"unknown section {s!r} (want some of {','.join(SECTIONS)})")
    os.makedirs(a.out, exist_ok=True)
    subprocess.run(["go", "build", "-o", EXE, "./cmd/ember"], check=True, cwd=ROOT)
    with open(os.path.join(a.out, "machine.json"), "w") as f:
        json.dump(machine(), f, indent=1)
        f.write("\n")
    for s in sections:
        t0 = time.monotonic()
        print(f"bench_compare: section {s} ...", file=sys.stderr, flush=True)
        if s == "allocs":
            with open(os.path.join(a.out, "allocs.txt"), "w") as f:
                f.write(allocs(a))
            print(f"bench_compare: section {s} took {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
            continue
        fn = {"compare": compare, "seeds": seeds, "float64": float64, "avx2": avx2, "torch-threads": torch_threads,
              "sklearn": sklearn}[s]
        write_jsonl(os.path.join(a.out, s.replace("-", "_") + ".jsonl"), fn(a, EXE))
        print(f"bench_compare: section {s} took {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
