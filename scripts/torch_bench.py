#!/usr/bin/python3
"""PyTorch's side of Ember's reference workloads (Ember's side is `ember bench`, internal/bench).

usage: /usr/bin/python3 scripts/torch_bench.py WORKLOAD [--threads N] [--seed S] [--dtype float64]
  WORKLOAD: w1 (circles), w2 (Fashion-MNIST MLP), w3 (Fashion-MNIST LeNet-5), w4 (GEMM),
            w5 (inference latency of the circles model)

Prints ONE JSON line with the results on stdout.  Only the work itself is timed
(data loading, model construction and the test evaluation are outside the
training clock; they are reported separately where useful).

Warm-up, the same on both sides: w1 (circles, a 0.03-1 s run) trains once untimed, with the
same model, data, batches and length as the timed run, then re-seeds and trains again, timed;
its rate is reported as warmup_steps_per_s ("cold": the first training run in the process).
w2 and w3 (seconds-long runs) are timed from the first step, with no warm-up, on both sides.
w4 and w5 call the function twice untimed before timing blocks of calls (time_calls).

w1 reads its rows from internal/bench/testdata/circles.csv (the file `ember bench` embeds;
scripts/make_circles.py wrote it); w2 and w3 read Debian's dataset-fashion-mnist.

Threads: --threads N sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS *before*
torch is imported (Debian's torch calls OpenBLAS for matmul, and OpenBLAS keeps
its own thread pool that torch.set_num_threads does not resize), then calls
torch.set_num_threads(N) and torch.set_num_interop_threads(1).
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CIRCLES_CSV = os.path.join(ROOT, "internal", "bench", "testdata", "circles.csv")
FASHION_DIR = "/usr/share/datasets/fashion-mnist"


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("workload", choices=["w1", "w2", "w3", "w4", "w5"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--blas-threads", type=int, default=0,
                   help="OpenBLAS's own thread count (default: same as --threads)")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                   help="w4: element type of the products")
    p.add_argument("--circles", default=CIRCLES_CSV, help="w1's rows (split,x0,x1,y)")
    p.add_argument("--dataloader", action="store_true",
                   help="w1/w2/w3: batch with torch.utils.data.DataLoader(TensorDataset, shuffle=True) "
                        "instead of randperm + tensor indexing")
    return p.parse_args()


ARGS = parse_args()
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.blas_threads or ARGS.threads)
os.environ["MKL_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(ARGS.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass
torch.manual_seed(ARGS.seed)
np.random.seed(ARGS.seed)


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                for d in threadpool_info()]
    except Exception as e:  # pragma: no cover
        return str(e)


def base_result(workload):
    return {
        "system": "pytorch",
        "version": torch.__version__,
        "workload": workload,
        "threads": ARGS.threads,
        "blas_threads": ARGS.blas_threads or ARGS.threads,
        "torch_num_threads": torch.get_num_threads(),
        "seed": ARGS.seed,
        "batching": "DataLoader" if ARGS.dataloader else "randperm+index",
    }


# ---------------------------------------------------------------- data
def load_circles():
    rows = {"train": ([], []), "test": ([], [])}
    with open(ARGS.circles) as f:
        next(f)
        for line in f:
            split, a, b, c = line.strip().split(",")
            rows[split][0].append((float(a), float(b)))
            rows[split][1].append(float(c))
    t = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
    return t(rows["train"][0]), t(rows["train"][1]), t(rows["test"][0]), t(rows["test"][1])


def load_fashion(kind):
    with gzip.open(os.path.join(FASHION_DIR, f"{kind}-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    with gzip.open(os.path.join(FASHION_DIR, f"{kind}-images-idx3-ubyte.gz"), "rb") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(len(labels), 784)
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0))
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


# ---------------------------------------------------------------- models
def circles_model():
    # input_size=2, n_layers=2 hidden Linear(10,10), hidden=10, 1 logit out
    return nn.Sequential(
        nn.Linear(2, 10), nn.ReLU(),
        nn.Linear(10, 10), nn.ReLU(),
        nn.Linear(10, 10), nn.ReLU(),
        nn.Linear(10, 1),
    )


def mlp_model():
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )


def lenet_model():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


# ---------------------------------------------------------------- training loop
def train(model, loss_fn, opt, X, Y, batch, epochs, drop_last):
    """Shuffled mini-batch training; returns (seconds, per-epoch seconds, per-epoch mean loss, steps)."""
    n = X.shape[0]
    nb = n // batch if drop_last else (n + batch - 1) // batch
    epoch_secs, epoch_loss = [], []
    steps = 0
    model.train()
    if ARGS.dataloader:
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=batch,
                                             shuffle=True, drop_last=drop_last)
    t0 = time.perf_counter()
    for _ in range(epochs):
        te = time.perf_counter()
        if ARGS.dataloader:
            batches = iter(loader)
        else:
            perm = torch.randperm(n)
            batches = ((X[perm[b * batch:(b + 1) * batch]], Y[perm[b * batch:(b + 1) * batch]])
                       for b in range(nb))
        total = torch.zeros(())
        for xb, yb in batches:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.detach()
            steps += 1
        epoch_loss.append(total.item() / nb)
        epoch_secs.append(time.perf_counter() - te)
    return time.perf_counter() - t0, epoch_secs, epoch_loss, steps


@torch.inference_mode()
def accuracy(model, X, Y, binary=False, batch=1000):
    model.eval()
    correct = 0
    for i in range(0, X.shape[0], batch):
        out = model(X[i:i + batch])
        if binary:
            pred = (out.squeeze(1) > 0).to(Y.dtype)
        else:
            pred = out.argmax(1)
        correct += (pred == Y[i:i + batch]).sum().item()
    return correct / X.shape[0]


# ---------------------------------------------------------------- workloads
def w1():
    Xtr, Ytr, Xte, Yte = load_circles()
    bce = nn.BCEWithLogitsLoss()
    loss_fn = lambda out, y: bce(out.squeeze(1), y)  # noqa: E731

    def run():
        torch.manual_seed(ARGS.seed)
        model = circles_model()
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        return model, train(model, loss_fn, opt, Xtr, Ytr, 32, 100, drop_last=False)

    # Warm-up, as `ember bench circles` does: one untimed run of the same length, then the
    # timed run from the same seed (so the warm-up changes no figure but the time).
    _, (warm_secs, _, _, warm_steps) = run()
    model, (secs, ep, losses, steps) = run()
    r = base_result("w1")
    r.update({
        "train_s": secs,
        "epoch_ms": 1000 * secs / 100,
        "steps": steps,
        "steps_per_s": steps / secs,
        "warmup_steps_per_s": warm_steps / warm_secs,
        "test_acc": accuracy(model, Xte, Yte, binary=True),
        "loss_first_epoch": losses[0],
        "loss_last_epoch": losses[-1],
    })
    return r


def fashion(workload, model, epochs, image):
    t = time.perf_counter()
    Xtr, Ytr = load_fashion("train")
    Xte, Yte = load_fashion("t10k")
    if image:
        Xtr, Xte = Xtr.reshape(-1, 1, 28, 28), Xte.reshape(-1, 1, 28, 28)
    load_s = time.perf_counter() - t
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    secs, ep, losses, steps = train(model, nn.CrossEntropyLoss(), opt, Xtr, Ytr, 128, epochs, drop_last=True)
    samples = steps * 128
    t = time.perf_counter()
    acc = accuracy(model, Xte, Yte)
    eval_s = time.perf_counter() - t
    r = base_result(workload)
    r.update({
        "epochs": epochs,
        "train_s": secs,
        "epoch_s": secs / epochs,
        "epoch_s_each": ep,
        "steps": steps,
        "samples": samples,
        "samples_per_s": samples / secs,
        "test_acc": acc,
        "loss_first_epoch": losses[0],
        "loss_last_epoch": losses[-1],
        "data_load_s": load_s,
        "eval_s": eval_s,
    })
    return r


def w2():
    return fashion("w2", mlp_model(), 3, image=False)


def w3():
    return fashion("w3", lenet_model(), 1, image=True)


def time_calls(fn, min_time=0.3, min_calls=5, max_calls=200000, block=1):
    """Median seconds per call of fn, measured in blocks of `block` calls."""
    fn()
    fn()
    times = []
    spent = 0.0
    while (spent < min_time or len(times) < min_calls) and len(times) * block < max_calls:
        t = time.perf_counter()
        for _ in range(block):
            fn()
        dt = time.perf_counter() - t
        times.append(dt / block)
        spent += dt
    return statistics.median(times), min(times), len(times) * block


def cpu_mhz():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                return float(line.split(":")[1])
    return float("nan")


def w4():
    from threadpoolctl import threadpool_limits
    rows = []
    for n in (64, 256, 1024, 2048):
        flop = 2.0 * n ** 3
        dt = torch.float64 if ARGS.dtype == "float64" else torch.float32
        a = torch.randn(n, n, dtype=dt)
        b = torch.randn(n, n, dtype=dt)
        c = torch.empty(n, n, dtype=dt)
        block = max(1, int(2e8 // flop))  # group tiny matmuls so the timer is not the measurement
        med, best, calls = time_calls(lambda: torch.mm(a, b, out=c), min_time=0.5, block=block)
        rows.append({"lib": "torch.mm", "n": n, "median_s": med, "gflops": flop / med / 1e9,
                     "best_gflops": flop / best / 1e9, "calls": calls})
        an, bn = a.numpy(), b.numpy()
        cn = np.empty((n, n), dtype=an.dtype)
        with threadpool_limits(limits=ARGS.blas_threads or ARGS.threads, user_api="blas"):
            med, best, calls = time_calls(lambda: np.matmul(an, bn, out=cn), min_time=0.5, block=block)
        rows.append({"lib": "numpy.matmul", "n": n, "median_s": med, "gflops": flop / med / 1e9,
                     "best_gflops": flop / best / 1e9, "calls": calls})
    mhz = cpu_mhz()
    lanes = 8 if ARGS.dtype == "float64" else 16
    r = base_result("w4")
    r.update({
        "dtype": ARGS.dtype,
        "numpy_version": np.__version__,
        "blas": blas_info(),
        "cpu_mhz": mhz,
        # 2 FMA ports x 16 fp32 (8 fp64) lanes (AVX-512) x 2 flops per FMA x clock, per core
        "peak_gflops_per_core": 2 * lanes * 2 * mhz / 1000,
        "peak_gflops_2_cores": 2 * 2 * lanes * 2 * mhz / 1000,
        "rows": rows,
    })
    return r


def w5():
    model = circles_model().eval()
    x1 = torch.randn(1, 2)
    x1000 = torch.randn(1000, 2)
    with torch.inference_mode():
        m1, b1, n1 = time_calls(lambda: model(x1), min_time=1.0, block=1000)
        m2, b2, n2 = time_calls(lambda: model(x1000), min_time=1.0, block=100)
    r = base_result("w5")
    r.update({
        "mode": "torch.inference_mode, model.eval()",
        "single_us": m1 * 1e6, "single_best_us": b1 * 1e6, "single_calls": n1,
        "batch1000_us": m2 * 1e6, "batch1000_best_us": b2 * 1e6, "batch1000_calls": n2,
        "batch1000_samples_per_s": 1000 / m2,
    })
    return r


if __name__ == "__main__":
    res = {"w1": w1, "w2": w2, "w3": w3, "w4": w4, "w5": w5}[ARGS.workload]()
    if ARGS.workload != "w4":
        res["blas"] = blas_info()
    print(json.dumps(res), flush=True)
