#!/usr/bin/python3
"""Optuna's TPE on examples/tune's benchmark, to compare with Ember's TPE (issue 20).

Optuna 3.1's TPESampler(seed=s) with its defaults (10 random startup trials, 24 EI
candidates, independent per parameter; Ember's TPE has the same) searches examples/tune's
space -- lr 1e-4..1e-1 (log), hidden 16..64 (int, log), layers 1..3 (int), dropout 0..0.5 --
for 40 trials per seed, maximizing the validation accuracy. Every trial is evaluated by the
Go benchmark binary itself, so both samplers optimise the very same function: trial n of
seed s trains its network with the seed that an Ember study with seed s gives its trial n
(examples/tune -eval ... -seed s -trial n).

    go build -o /tmp/tunebench ./examples/tune
    /usr/bin/python3 scripts/optuna_tune.py [--seeds 1,2,3,4,5] [--trials 40] [--per-process]

By default one `tunebench -serve` process answers all trials (one JSON line per trial), so
Fashion-MNIST is read once; --per-process starts `tunebench -eval` for every trial instead
(the same values, plus about 3 s per trial to reload the data). It prints one JSON line per
seed and a summary line, and writes them to --out (examples/tune/optuna_results.jsonl).
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import optuna


class Evaluator:
    """Runs the Go objective: one -serve process, or one -eval process per trial."""

    def __init__(self, binary, per_process):
        self.binary = binary
        self.proc = None
        if not per_process:
            self.proc = subprocess.Popen([binary, "-serve"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, bufsize=1)

    def __call__(self, seed, trial, params):
        if self.proc is None:
            out = subprocess.run([self.binary, "-eval", json.dumps(params), "-seed", str(seed),
                                  "-trial", str(trial)], check=True, capture_output=True,
                                 text=True).stdout
        else:
            self.proc.stdin.write(json.dumps({"seed": seed, "trial": trial, "params": params}) + "\n")
            out = self.proc.stdout.readline()
            if not out:
                raise RuntimeError("tunebench -serve exited")
        r = json.loads(out)
        if "error" in r:
            raise RuntimeError(r["error"])
        return r

    def close(self):
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait()


def run_seed(evaluate, seed, n_trials):
    eval_s, train_s = [], []

    def objective(trial):
        params = {
            "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
            "hidden": trial.suggest_int("hidden", 16, 64, log=True),
            "layers": trial.suggest_int("layers", 1, 3),
            "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        }
        start = time.perf_counter()
        r = evaluate(seed, trial.number, params)
        eval_s.append(time.perf_counter() - start)
        train_s.append(r["seconds"])
        return r["value"]

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    wall = time.perf_counter() - start
    best = study.best_trial
    return {
        "seed": seed, "sampler": "optuna.TPESampler", "optuna": optuna.__version__,
        "trials": n_trials, "best": best.value, "best_trial": best.number, "best_params": best.params,
        "wall_s": round(wall, 2), "eval_s_per_trial": round(statistics.mean(eval_s), 3),
        "train_s_per_trial": round(statistics.mean(train_s), 3),
        "sampler_s_per_trial": round((wall - sum(eval_s)) / n_trials, 4),
        "values": [t.value for t in study.trials],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="/tmp/tunebench", help="examples/tune built with go build")
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--per-process", action="store_true", help="start the binary with -eval for every trial")
    ap.add_argument("--out", default="examples/tune/optuna_results.jsonl", help="'' to write no file")
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    seeds = [int(s) for s in args.seeds.split(",")]
    evaluate = Evaluator(args.bin, args.per_process)
    lines = []
    try:
        for seed in seeds:
            r = run_seed(evaluate, seed, args.trials)
            lines.append(r)
            print(json.dumps(r), flush=True)
    finally:
        evaluate.close()
    bests = [r["best"] for r in lines]
    summary = {
        "summary": "optuna.TPESampler", "optuna": optuna.__version__, "seeds": seeds, "trials": args.trials,
        "bests": bests, "mean_best": round(statistics.mean(bests), 5),
        "wall_s": round(sum(r["wall_s"] for r in lines), 1),
        "eval_s_per_trial": round(statistics.mean(r["eval_s_per_trial"] for r in lines), 3),
        "train_s_per_trial": round(statistics.mean(r["train_s_per_trial"] for r in lines), 3),
        "sampler_s_per_trial": round(statistics.mean(r["sampler_s_per_trial"] for r in lines), 4),
        "mode": "per-process -eval" if args.per_process else "-serve",
    }
    lines.append(summary)
    print(json.dumps(summary), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            for r in lines:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    sys.exit(main())
