#!/usr/bin/python3
"""Runs Ember's and PyTorch's reference workloads interleaved on this machine and prints a
Markdown table of medians and ratios (the table in BENCHMARKS.md).

usage: /usr/bin/python3 scripts/bench_compare.py [--reps 3] [--threads 1,2] [--workloads circles,...] [--torch PATH]
Needs Debian's python3-torch (and dataset-fashion-mnist for fashion-mlp). Ember is built
once with `go build` and run as `ember bench WORKLOAD --threads N`; PyTorch as
`torch_bench.py wK --threads N`. Each (workload, threads) pair alternates the two systems
`--reps` times and reports the median of each figure.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = [("circles", "w1"), ("fashion-mlp", "w2"), ("fashion-cnn", "w3"), ("gemm", "w4"), ("latency", "w5")]


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def med(rs, key):
    return statistics.median(r[key] for r in rs)


def gemm_rows(rs, lib):
    by_n = {}
    for r in rs:
        for row in r["rows"]:
            if row["lib"] == lib:
                by_n.setdefault(row["n"], []).append(row["gflops"])
    return {n: statistics.median(v) for n, v in by_n.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--torch", default=os.path.join(ROOT, "..", "shared", "bench", "torch_bench.py"))
    p.add_argument("--json", help="also write every raw result line to this file")
    p.add_argument("--workloads", default=",".join(n for n, _ in WORKLOADS),
                   help="comma-separated Ember workload names to run (default: all)")
    a = p.parse_args()
    exe = os.path.join(tempfile.mkdtemp(), "ember")
    subprocess.run(["go", "build", "-o", exe, "./cmd/ember"], check=True, cwd=ROOT)
    raw = []
    lines = ["| workload | figure | threads | Ember | PyTorch | Ember / PyTorch |", "|---|---|---|---|---|---|"]
    for threads in [int(t) for t in a.threads.split(",")]:
        for name, w in WORKLOADS:
            if name not in a.workloads.split(","):
                continue
            ember, torch = [], []
            for _ in range(a.reps):
                ember.append(run([exe, "bench", name, "--threads", str(threads)]))
                torch.append(run(["/usr/bin/python3", a.torch, w, "--threads", str(threads)]))
            raw += ember + torch
            row = lambda fig, e, t, better="higher": lines.append(
                f"| {name} | {fig} | {threads} | {e:,.4g} | {t:,.4g} | {(e / t if better == 'higher' else t / e):.2f}× |")
            if name == "circles":
                row("steps/s", med(ember, "steps_per_s"), med(torch, "steps_per_s"))
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
            print(lines[-1], file=sys.stderr, flush=True)
    print("\n".join(lines))
    if a.json:
        with open(a.json, "w") as f:
            for r in raw:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
