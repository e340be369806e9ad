#!/usr/bin/python3
"""Writes explain.json: a fixed small CNN (its float64 weights as a state dict), two input
images, and PyTorch's saliency, integrated gradients and Grad-CAM of them. Grad-CAM is the
usual hook-based implementation: a forward hook keeps the layer's output and its gradient,
the channel weights are the gradient's spatial means, the map is ReLU of the weighted sum,
upsampled with F.interpolate(bilinear, align_corners=False) and scaled to [0, 1] per image.

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_explain.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from goldenutil import arr

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))

model = nn.Sequential(
    nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 0 1 2: [N, 4, 5, 5]
    nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(),                     # 3 4:   [N, 6, 5, 5]
    nn.Flatten(), nn.Linear(6 * 5 * 5, 3),                        # 5 6:   [N, 3]
).double().eval()
x = torch.randn(2, 3, 10, 10, dtype=torch.float64)
baseline = torch.rand(2, 3, 10, 10, dtype=torch.float64) * 0.1


def pick(out, cls):
    idx = out.argmax(1, keepdim=True) if cls == -1 else torch.full((out.shape[0], 1), cls)
    return out.gather(1, idx).sum()


def input_grad(inp, cls):
    inp = inp.clone().requires_grad_(True)
    pick(model(inp), cls).backward()
    model.zero_grad()
    return inp.grad


def saliency(cls):
    return input_grad(x, cls).abs().amax(1)


def integrated_gradients(base, cls, steps):
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        total += input_grad(base + (k / steps) * (x - base), cls)
    return (x - base) * total / steps


def gradcam(layer, cls):
    kept = {}

    def hook(module, inputs, output):
        output.retain_grad()
        kept["a"] = output

    h = model[layer].register_forward_hook(hook)
    out = model(x)
    h.remove()
    pick(out, cls).backward()
    model.zero_grad()
    a, g = kept["a"].detach(), kept["a"].grad
    w = g.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((w * a).sum(1, keepdim=True))
    cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)[:, 0]
    lo, hi = cam.amin((1, 2), keepdim=True), cam.amax((1, 2), keepdim=True)
    span = hi - lo
    return (cam - lo) / torch.where(span > 0, span, torch.ones_like(span))


with torch.no_grad():
    scores = model(x)
cases = []
for cls in [0, 2, -1]:
    cases.append({"kind": "saliency", "class": cls, "want": arr(saliency(cls))})
    for layer in [3, 4]:
        cases.append({"kind": "gradcam", "layer": layer, "class": cls, "want": arr(gradcam(layer, cls))})
cases.append({"kind": "ig", "class": 1, "steps": 16, "baseline": None, "want": arr(integrated_gradients(torch.zeros_like(x), 1, 16))})
cases.append({"kind": "ig", "class": -1, "steps": 8, "baseline": arr(baseline), "want": arr(integrated_gradients(baseline, -1, 8))})

out = {"torch_version": torch.__version__, "state": {k: arr(v) for k, v in model.state_dict().items()},
       "x": arr(x), "scores": arr(scores), "cases": cases}
with open(os.path.join(here, "explain.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases")
