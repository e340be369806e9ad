#!/usr/bin/python3
"""Renders BENCHMARKS.md from scripts/BENCHMARKS.md.in and the raw output that
scripts/bench_compare.py wrote (testdata/bench/), so that no figure in it is typed by hand.

usage: /usr/bin/python3 scripts/bench_render.py [--raw testdata/bench] [--template scripts/BENCHMARKS.md.in]
           [-o BENCHMARKS.md] [--strict]

The template is Markdown with placeholders {{NAME ARGS...}} (arguments split like a shell's):

  {{meta KEY}}                  machine.json's KEY; also: openblas, gemm_kernel, isa, virt, git,
                                reps, runs ("3 runs"), threads
  {{table}}                     the main table (compare.jsonl): medians, ratio, each run's range
  {{ember|torch|ratio|pct WORKLOAD "FIGURE" THREADS}}   one cell of the main table
  {{range ember|torch WORKLOAD "FIGURE" THREADS}}      its runs' min–max
  {{target WORKLOAD "FIGURE" MIN [pct]}}               the ratio at each thread count, and
                                                       whether it reaches MIN
  {{than ember|torch WORKLOAD "FIGURE" T1 T2}}         "slower" or "faster" with T1 threads than T2
  {{warmup ember|torch THREADS}}  how much slower the circles warm-up run is than the timed run
  {{seeds}}, {{seeds_acc ember|torch}}   the seeds of seeds.jsonl and the test accuracies' range
  {{float64_table}}, {{avx2_table}}, {{torch_threads_table}}
  {{sklearn_table}}             sklearn.jsonl: Ember against scikit-learn, fit seconds and ratios
  {{sklearn_target WORKLOAD MIN}}   scikit-learn's fit time over Ember's at each thread count, and
                                whether it reaches MIN
  {{sklearn_fit ember|sklearn WORKLOAD THREADS}}   one side's median fit seconds
  {{torch_threads VARIANT}}      median samples/s of one variant of torch_threads.jsonl
  {{allocs BENCH allocs|bytes}}  allocs/op or B/op of a benchmark in allocs.txt

A placeholder whose raw output is missing renders as "n/a" (with a warning; --strict fails).
"""
import argparse
import json
import os
import re
import shlex
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = {"w1": "circles", "w2": "fashion-mlp", "w3": "fashion-cnn", "w4": "gemm", "w5": "latency"}
ORDER = ["circles", "fashion-mlp", "fashion-cnn", "gemm", "latency"]


class Missing(Exception):
    pass


def num(v):
    """A figure with about four significant digits, thousands separated."""
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 10:
        return f"{v:.2f}"
    return f"{v:.4g}"


def secs(r):
    """A sklearn.jsonl result's timed seconds: query_s for knn, fit_s for the others."""
    return r["query_s"] if "query_s" in r else r["fit_s"]


def span(vs):
    lo, hi = min(vs), max(vs)
    return num(lo) if num(lo) == num(hi) else f"{num(lo)}–{num(hi)}"


def load_jsonl(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def workload(r):
    return NAMES.get(r["workload"], r["workload"])


def system(r):
    return "ember" if r["system"] == "ember" else "torch"


def figures(r):
    """(figure, value, better) of one raw result, in table order."""
    w = workload(r)
    if w == "circles":
        return [("steps/s", r["steps_per_s"], "higher"),
                ("steps/s, warm-up run", r.get("warmup_steps_per_s"), "higher"),
                ("test accuracy", r["test_acc"], "higher")]
    if w in ("fashion-mlp", "fashion-cnn"):
        return [("samples/s", r["samples_per_s"], "higher"), ("test accuracy", r["test_acc"], "higher")]
    if w == "gemm":
        return [(f"GFLOP/s n={row['n']}", row["gflops"], "higher") for row in r["rows"]
                if row["lib"] in ("ember", "torch.mm")]
    return [("1 sample, µs (lower is better)", r["single_us"], "lower"),
            ("1000 samples, µs (lower is better)", r["batch1000_us"], "lower")]


def cells(raw):
    """{(workload, figure, threads): {"ember": [...], "torch": [...], "better": ...}} in order."""
    out = {}
    for r in raw:
        for fig, v, better in figures(r):
            if v is None:
                continue
            c = out.setdefault((workload(r), fig, r["threads"]), {"ember": [], "torch": [], "better": better})
            c[system(r)].append(v)
    return out


def ratio(c):
    e, t = statistics.median(c["ember"]), statistics.median(c["torch"])
    return e / t if c["better"] == "higher" else t / e


class Renderer:
    def __init__(self, raw_dir):
        self.dir = raw_dir
        self.missing = []
        self.machine = None
        p = os.path.join(raw_dir, "machine.json")
        if os.path.exists(p):
            with open(p) as f:
                self.machine = json.load(f)
        self.compare = load_jsonl(os.path.join(raw_dir, "compare.jsonl"))
        self.cells = cells(self.compare or [])
        self.threads = sorted({k[2] for k in self.cells})
        self.seeds_raw = load_jsonl(os.path.join(raw_dir, "seeds.jsonl"))
        self.float64 = load_jsonl(os.path.join(raw_dir, "float64.jsonl"))
        self.avx2 = load_jsonl(os.path.join(raw_dir, "avx2.jsonl"))
        self.torch_threads_raw = load_jsonl(os.path.join(raw_dir, "torch_threads.jsonl"))
        self.sklearn_raw = load_jsonl(os.path.join(raw_dir, "sklearn.jsonl"))
        p = os.path.join(raw_dir, "allocs.txt")
        self.allocs_txt = open(p).read() if os.path.exists(p) else None

    def need(self, v, what):
        if not v:
            raise Missing(what)
        return v

    def cell(self, w, fig, threads):
        c = self.cells.get((w, fig, int(threads)))
        if not c or not c["ember"] or not c["torch"]:
            raise Missing(f"compare.jsonl: {w} / {fig} / {threads} threads")
        return c

    # ---------------------------------------------------------------- placeholders
    def p_meta(self, key):
        m = self.need(self.machine, "machine.json")
        if key == "openblas":
            for d in m.get("threadpools", []):
                if d.get("internal_api") == "openblas":
                    return f"OpenBLAS {d.get('version')} ({d.get('threading_layer')}, {d.get('architecture')} kernels)"
            raise Missing("machine.json: OpenBLAS")
        if key == "gemm_kernel":
            ks = sorted({r["gemm_kernel"] for r in self.need(self.compare, "compare.jsonl") if r.get("gemm_kernel")})
            return ", ".join(ks)
        if key == "reps":
            reps = {len(c["ember"]) for c in self.cells.values()} | {len(c["torch"]) for c in self.cells.values()}
            return "/".join(str(r) for r in sorted(self.need(reps, "compare.jsonl")))
        if key == "runs":
            reps = {len(c["ember"]) for c in self.cells.values()} | {len(c["torch"]) for c in self.cells.values()}
            n = "/".join(str(r) for r in sorted(self.need(reps, "compare.jsonl")))
            return f"{n} run" + ("" if n == "1" else "s")
        if key == "threads":
            return " and ".join(str(t) for t in self.need(self.threads, "compare.jsonl"))
        if key == "virt":
            v = m.get("virt")
            if v and v != "none":
                return f"a virtual machine; systemd-detect-virt: {v}"
            return "a virtual machine" if m.get("hypervisor") else "no hypervisor detected"
        if key == "isa":
            return "AVX-512" if m.get("avx512f") else "AVX2" if m.get("avx2") else "neither AVX2 nor AVX-512"
        if key == "git":
            return m.get("git_commit", "?") + (" with uncommitted changes" if m.get("git_dirty") else "")
        if key not in m:
            raise Missing(f"machine.json: {key}")
        return str(m[key])

    def p_table(self):
        if not self.cells:
            raise Missing("compare.jsonl")
        lines = ["| workload | figure | threads | Ember | PyTorch | Ember / PyTorch | Ember's runs | PyTorch's runs |",
                 "|---|---|---|---|---|---|---|---|"]
        keys = sorted(self.cells, key=lambda k: (k[2], ORDER.index(k[0]) if k[0] in ORDER else 99))
        for w, fig, t in keys:
            c = self.cells[(w, fig, t)]
            if not c["ember"] or not c["torch"]:
                continue
            lines.append(f"| {w} | {fig} | {t} | {num(statistics.median(c['ember']))} | "
                         f"{num(statistics.median(c['torch']))} | {ratio(c):.2f}× | {span(c['ember'])} | {span(c['torch'])} |")
        return "\n".join(lines)

    def p_ember(self, w, fig, t):
        return num(statistics.median(self.cell(w, fig, t)["ember"]))

    def p_torch(self, w, fig, t):
        return num(statistics.median(self.cell(w, fig, t)["torch"]))

    def p_ratio(self, w, fig, t):
        return f"{ratio(self.cell(w, fig, t)):.2f}×"

    def p_pct(self, w, fig, t):
        return f"{100 * ratio(self.cell(w, fig, t)):.0f}%"

    def p_range(self, sys_, w, fig, t):
        return span(self.cell(w, fig, t)[sys_])

    def p_target(self, w, fig, lo, style="x"):
        parts, met = [], True
        for t in self.need(self.threads, "compare.jsonl"):
            r = ratio(self.cell(w, fig, t))
            met = met and r >= float(lo)
            shown = f"{100 * r:.0f}%" if style == "pct" else f"{r:.2f}×"
            parts.append(f"**{shown}** with {t} thread{'s' if t > 1 else ''}")
        return ", ".join(parts) + (" — met" if met else " — **not met**")

    def p_than(self, sys_, w, fig, ta, tb):
        """"slower" or "faster": sys_'s figure with ta threads against tb threads."""
        a = statistics.median(self.cell(w, fig, ta)[sys_])
        b = statistics.median(self.cell(w, fig, tb)[sys_])
        higher = self.cell(w, fig, ta)["better"] == "higher"
        return "slower" if (a < b) == higher else "faster"

    def p_warmup(self, sys_, t):
        c = self.cell("circles", "steps/s", t)
        w = self.cell("circles", "steps/s, warm-up run", t)
        slower = 1 - statistics.median(w[sys_]) / statistics.median(c[sys_])
        return f"{100 * slower:.0f}% slower" if slower >= 0 else f"{-100 * slower:.0f}% faster"

    def p_seeds(self):
        rs = self.need(self.seeds_raw, "seeds.jsonl")
        s = sorted({r["seed"] for r in rs})
        return f"{s[0]}–{s[-1]}" if s == list(range(s[0], s[-1] + 1)) and len(s) > 1 else ", ".join(map(str, s))

    def p_seeds_acc(self, sys_):
        rs = [r for r in self.need(self.seeds_raw, "seeds.jsonl") if system(r) == sys_]
        return span([r["test_acc"] for r in self.need(rs, f"seeds.jsonl: {sys_}")])

    def gemm_table(self, raw, dtype_label, extra=None):
        by = {}
        for r in raw:
            for row in r["rows"]:
                if row["lib"] in ("ember", "torch.mm"):
                    by.setdefault((r["threads"], row["n"]), {"ember": [], "torch": []})[system(r)].append(row["gflops"])
        lines = [f"| {dtype_label} | threads | Ember | PyTorch (`torch.mm`) | Ember / PyTorch | Ember's runs | PyTorch's runs |",
                 "|---|---|---|---|---|---|---|"]
        for (t, n), c in sorted(by.items()):
            if not c["ember"] or not c["torch"]:
                continue
            e, p = statistics.median(c["ember"]), statistics.median(c["torch"])
            lines.append(f"| n={n} | {t} | {num(e)} | {num(p)} | {e / p:.2f}× | {span(c['ember'])} | {span(c['torch'])} |")
        return "\n".join(lines)

    def p_float64_table(self):
        return self.gemm_table(self.need(self.float64, "float64.jsonl"), "float64 GFLOP/s")

    def p_avx2_table(self):
        raw = self.need(self.avx2, "avx2.jsonl")
        lines = ["| workload | figure | threads | Ember, AVX2 kernels | Ember, default kernels | PyTorch | AVX2 / default | AVX2 / PyTorch | AVX2 runs |",
                 "|---|---|---|---|---|---|---|---|---|"]
        got = cells(raw)
        for (w, fig, t), c in sorted(got.items(), key=lambda kv: kv[0][2]):
            if fig == "test accuracy" or not c["ember"]:
                continue
            a = statistics.median(c["ember"])
            d = self.cells.get((w, fig, t))
            de = statistics.median(d["ember"]) if d and d["ember"] else None
            dt = statistics.median(d["torch"]) if d and d["torch"] else None
            f = lambda v: num(v) if v else "n/a"  # noqa: E731
            lines.append(f"| {w} | {fig} | {t} | {num(a)} | {f(de)} | {f(dt)} | "
                         f"{f'{a / de:.2f}×' if de else 'n/a'} | {f'{a / dt:.2f}×' if dt else 'n/a'} | {span(c['ember'])} |")
        return "\n".join(lines)

    def torch_variants(self):
        by = {}
        for r in self.need(self.torch_threads_raw, "torch_threads.jsonl"):
            by.setdefault(r["variant"], []).append(r)
        return by

    def p_torch_threads_table(self):
        by = self.torch_variants()
        base = by.get("1 thread")
        b = statistics.median(r["samples_per_s"] for r in base) if base else None
        lines = ["| PyTorch fashion-mlp (w2) | command | samples/s | vs 1 thread | runs |", "|---|---|---|---|---|"]
        for v, rs in by.items():
            s = [r["samples_per_s"] for r in rs]
            m = statistics.median(s)
            cmd = rs[0]["cmd"].replace("/usr/bin/python3 ", "")
            lines.append(f"| {v} | `{cmd}` | {num(m)} | {f'{m / b:.2f}×' if b else 'n/a'} | {span(s)} |")
        return "\n".join(lines)

    def p_torch_threads(self, variant):
        rs = self.need(self.torch_variants().get(variant), f"torch_threads.jsonl: {variant}")
        return num(statistics.median(r["samples_per_s"] for r in rs))

    def p_allocs(self, bench, what):
        txt = self.need(self.allocs_txt, "allocs.txt")
        unit = {"allocs": "allocs/op", "bytes": "B/op"}[what]
        vs = [float(m.group(1)) for m in re.finditer(
            rf"^Benchmark{re.escape(bench)}(?:-\d+)?\s.*?\s([\d.]+) {re.escape(unit)}", txt, re.M)]
        v = statistics.median(self.need(vs, f"allocs.txt: {bench} {unit}"))
        if what == "bytes":
            return f"{v / 1000:.1f} kB" if v >= 1000 else f"{v:.0f} B"
        return f"{v:.0f}"

    def sklearn_cells(self):
        """{(workload, threads): {"ember": [results], "sklearn": [results]}} of sklearn.jsonl."""
        out = {}
        for r in self.need(self.sklearn_raw, "sklearn.jsonl"):
            c = out.setdefault((r["workload"], r["threads"]), {"ember": [], "sklearn": []})
            c["ember" if r["system"] == "ember" else "sklearn"].append(r)
        return out

    def sklearn_cell(self, w, t):
        c = self.sklearn_cells().get((w, int(t)))
        if not c or not c["ember"] or not c["sklearn"]:
            raise Missing(f"sklearn.jsonl: {w} / {t} threads")
        return c

    def p_sklearn_table(self):
        order = ["kmeans", "pca", "dbscan", "knn", "svc", "forest", "hgb"]
        lines = ["| workload | threads | Ember fit, s | scikit-learn fit, s | Ember speed-up | Ember's runs | "
                 "scikit-learn's runs | result (Ember / scikit-learn) |", "|---|---|---|---|---|---|---|---|"]
        cs = self.sklearn_cells()
        for (w, t) in sorted(cs, key=lambda k: (k[1], order.index(k[0]) if k[0] in order else 99)):
            c = cs[(w, t)]
            if not c["ember"] or not c["sklearn"]:
                continue
            fe = [secs(r) for r in c["ember"]]
            fk = [secs(r) for r in c["sklearn"]]
            e, k = c["ember"][0], c["sklearn"][0]
            if w == "kmeans":
                res = f"{e['n_iter']} / {k['n_iter']} iterations, {num(statistics.median(r['ms_per_iter'] for r in c['ember']))} / " \
                      f"{num(statistics.median(r['ms_per_iter'] for r in c['sklearn']))} ms each"
            elif w == "pca":
                res = f"explained variance ratio {e['explained_variance_ratio_sum']:.4f} / {k['explained_variance_ratio_sum']:.4f}"
            elif w == "dbscan":
                res = f"{e['n_clusters']} / {k['n_clusters']} clusters, {e['n_core']} / {k['n_core']} core samples"
            elif w == "knn":
                res = "same nearest neighbours" if e["nearest_index_sum"] == k["nearest_index_sum"] else \
                      f"nearest-index sums differ: {e['nearest_index_sum']} / {k['nearest_index_sum']}"
            else:
                res = f"test accuracy {e['test_accuracy']:.4f} / {k['test_accuracy']:.4f}"
            lines.append(f"| {w} | {t} | {num(statistics.median(fe))} | {num(statistics.median(fk))} | "
                         f"{statistics.median(fk) / statistics.median(fe):.2f}× | {span(fe)} | {span(fk)} | {res} |")
        return "\n".join(lines)

    def p_sklearn_fit(self, sys_, w, t):
        return num(statistics.median(secs(r) for r in self.sklearn_cell(w, t)[sys_]))

    def p_sklearn_target(self, w, lo):
        parts, met = [], True
        for t in sorted({k[1] for k in self.sklearn_cells() if k[0] == w}) or [1]:
            c = self.sklearn_cell(w, t)
            r = statistics.median(secs(x) for x in c["sklearn"]) / statistics.median(secs(x) for x in c["ember"])
            met = met and r >= float(lo)
            parts.append(f"**{r:.2f}×** with {t} thread{'s' if t > 1 else ''}")
        return ", ".join(parts) + (" — met" if met else " — **not met**")

    def render(self, template):
        def sub(m):
            args = shlex.split(m.group(1))
            fn = getattr(self, "p_" + args[0], None)
            if fn is None:
                raise SystemExit(f"unknown placeholder {{{{{m.group(1)}}}}}")
            try:
                return fn(*args[1:])
            except Missing as e:
                self.missing.append(f"{{{{{m.group(1)}}}}}: {e}")
                return "n/a"
        return re.sub(r"\{\{(.+?)\}\}", sub, template)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--raw", default=os.path.join(ROOT, "testdata", "bench"))
    p.add_argument("--template", default=os.path.join(ROOT, "scripts", "BENCHMARKS.md.in"))
    p.add_argument("-o", "--output", default=os.path.join(ROOT, "BENCHMARKS.md"), help="'-' for stdout")
    p.add_argument("--strict", action="store_true", help="fail if any figure's raw output is missing")
    a = p.parse_args()
    r = Renderer(a.raw)
    with open(a.template) as f:
        out = r.render(f.read())
    for m in r.missing:
        print("bench_render: not measured:", m, file=sys.stderr)
    if r.missing:
        note = (f"> **{len(r.missing)} figures of this page have no raw output in `testdata/bench/` and read "
                "\"n/a\": run `scripts/bench_all.sh` to measure them.**\n\n")
        i = out.find("\n# ")
        i = out.find("\n", i + 1) + 1 if i >= 0 else 0
        out = out[:i] + "\n" + note + out[i:].lstrip("\n")
    if r.missing and a.strict:
        sys.exit(1)
    if a.output == "-":
        sys.stdout.write(out)
    else:
        with open(a.output, "w") as f:
            f.write(out)


if __name__ == "__main__":
    main()
