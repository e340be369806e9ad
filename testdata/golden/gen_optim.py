#!/usr/bin/python3
"""Writes optim.json: parameter trajectories of PyTorch's optimizers and learning rates of its
schedulers.

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_optim.py
Optimizers minimise loss(W, b) = sum((X @ W.T + b - Y)^2) + 0.1 * sum(sin(3 W)) for 8 steps
from stored W0, b0 (X, Y stored too); every case records W and b after each step.
Parameter groups: b is in a second group with its own lr when "group_lr" is set.
Schedulers record every group's lr at construction and after each of 25 steps.
"""
import json
import math
import os

import torch

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


X = torch.randn(6, 3)
Y = torch.randn(6, 2)
W0 = torch.randn(2, 3)
b0 = torch.randn(2)

CONFIGS = [
    ("sgd", "SGD", {"lr": 0.05}),
    ("sgd_momentum", "SGD", {"lr": 0.02, "momentum": 0.9}),
    ("sgd_dampening_wd", "SGD", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1}),
    ("sgd_nesterov", "SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    ("adam", "Adam", {"lr": 0.05}),
    ("adam_wd", "Adam", {"lr": 0.05, "weight_decay": 0.1, "betas": [0.8, 0.99]}),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}),
    ("adamw", "AdamW", {"lr": 0.05}),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}),
    ("rmsprop", "RMSprop", {"lr": 0.01}),
    ("rmsprop_centered_momentum", "RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.05}),
    ("adagrad", "Adagrad", {"lr": 0.1}),
    ("adagrad_decay", "Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.2, "weight_decay": 0.01}),
    ("adam_groups", "Adam", {"lr": 0.05, "group_lr": 0.2}),
]

cases = []
for name, cls, kw in CONFIGS:
    for dt in (torch.float32, torch.float64):
        kw2 = dict(kw)
        group_lr = kw2.pop("group_lr", None)
        if "betas" in kw2:
            kw2["betas"] = tuple(kw2["betas"])
        W = W0.clone().to(dt).requires_grad_(True)
        b = b0.clone().to(dt).requires_grad_(True)
        if group_lr is None:
            opt = getattr(torch.optim, cls)([W, b], **kw2)
        else:
            opt = getattr(torch.optim, cls)([{"params": [W]}, {"params": [b], "lr": group_lr}], **kw2)
        traj = []
        for _ in range(8):
            opt.zero_grad()
            loss = ((X.to(dt) @ W.T + b - Y.to(dt)) ** 2).sum() + 0.1 * torch.sin(3 * W).sum()
            loss.backward()
            opt.step()
            traj.append({"W": flat(W), "b": flat(b)})
        cases.append({"name": f"{name}/{str(dt)[6:]}", "optimizer": cls, "options": kw, "dtype": str(dt)[6:], "trajectory": traj})

S = torch.optim.lr_scheduler
SCHEDULERS = [
    ("step", lambda o: S.StepLR(o, step_size=3, gamma=0.5), {"step_size": 3, "gamma": 0.5}),
    ("multistep", lambda o: S.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.3), {"milestones": [2, 5, 9], "gamma": 0.3}),
    ("exponential", lambda o: S.ExponentialLR(o, gamma=0.9), {"gamma": 0.9}),
    ("cosine", lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), {"T_max": 10, "eta_min": 0.001}),
    ("linear", lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5), {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 5}),
    ("onecycle", lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=25), {"max_lr": 0.5, "total_steps": 25}),
]
sched = []
for name, make, kw in SCHEDULERS:
    for optname in ("SGD", "Adam"):
        p1 = torch.zeros(1, requires_grad=True)
        p2 = torch.zeros(1, requires_grad=True)
        extra = {"momentum": 0.9} if optname == "SGD" else {}
        opt = getattr(torch.optim, optname)([{"params": [p1]}, {"params": [p2], "lr": 0.05}], lr=0.1, **extra)
        s = make(opt)
        lrs, moms = [], []
        for i in range(25 if name != "onecycle" else 24):
            lrs.append([g["lr"] for g in opt.param_groups])
            moms.append([g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups])
            opt.step()
            s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups])
        sched.append({"name": f"{name}/{optname}", "scheduler": name, "optimizer": optname, "options": kw, "lrs": lrs, "momenta": moms})

# ReduceLROnPlateau with a scripted metric.
metrics = [1.0, 0.9, 0.95, 0.94, 0.96, 0.97, 0.5, 0.6, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66]
plateau = []
for kw in ({"patience": 2}, {"patience": 1, "cooldown": 2, "factor": 0.5, "min_lr": 0.004}, {"mode": "max", "patience": 0, "threshold": 0.05, "threshold_mode": "abs"}):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    s = S.ReduceLROnPlateau(opt, **kw)
    lrs = []
    for m in metrics:
        opt.step()
        s.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    plateau.append({"options": kw, "metrics": metrics, "lrs": lrs})

with open(os.path.join(here, "optim.json"), "w") as f:
    json.dump({"torch_version": torch.__version__, "X": flat(X), "Y": flat(Y), "W0": flat(W0), "b0": flat(b0),
               "optimizers": cases, "schedulers": sched, "plateau": plateau}, f, separators=(",", ":"))
print(f"wrote {len(cases)} optimizer cases, {len(sched)} scheduler cases, {len(plateau)} plateau cases")
