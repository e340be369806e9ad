#!/usr/bin/python3
"""Writes layers.json: PyTorch's LayerNorm, BatchNorm1d/2d and Embedding with random weights:
inputs, outputs in training and evaluation mode, gradients of the input and parameters for
sum(out * w), running statistics after the training step, and print(layer).

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_layers.py
"""
import json
import os

import torch
import torch.nn as nn

from goldenutil import arr

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))
cases = []


def case(name, layer, x, params, buffers=()):
    with torch.no_grad():
        for p in params:
            getattr(layer, p).copy_(torch.randn_like(getattr(layer, p)))
    rec = {"name": name, "repr": repr(layer), "params": {p: arr(getattr(layer, p)) for p in params}}
    layer.train()
    xin = x.clone().requires_grad_(x.dtype.is_floating_point)
    out = layer(xin)
    w = torch.rand(out.shape, dtype=out.dtype) + 0.5
    (out * w).sum().backward()
    rec.update({"input": arr(x), "train_output": arr(out), "weights": arr(w),
                "input_grad": arr(xin.grad) if xin.grad is not None else None,
                "param_grads": {p: arr(getattr(layer, p).grad) for p in params},
                "buffers": {b: arr(getattr(layer, b)) for b in buffers}})
    layer.eval()
    with torch.no_grad():
        rec["eval_output"] = arr(layer(x))
    cases.append(rec)


case("layer_norm", nn.LayerNorm([4, 5]), torch.randn(3, 2, 4, 5), ["weight", "bias"])
case("layer_norm_no_affine", nn.LayerNorm(6, eps=1e-3, elementwise_affine=False), torch.randn(4, 6), [])
for name, layer, x in [("batch_norm1d", nn.BatchNorm1d(4), torch.randn(8, 4)),
                       ("batch_norm1d_3d", nn.BatchNorm1d(3, momentum=0.3), torch.randn(5, 3, 7)),
                       ("batch_norm2d", nn.BatchNorm2d(3, eps=1e-3), torch.randn(4, 3, 5, 6))]:
    case(name, layer, x, ["weight", "bias"], ["running_mean", "running_var", "num_batches_tracked"])
case("batch_norm2d_no_affine", nn.BatchNorm2d(2, affine=False), torch.randn(3, 2, 4, 4), [], ["running_mean", "running_var", "num_batches_tracked"])
case("group_norm", nn.GroupNorm(2, 6), torch.randn(3, 6, 4, 2), ["weight", "bias"])
case("group_norm_1d_no_affine", nn.GroupNorm(3, 3, eps=1e-3, affine=False), torch.randn(2, 3, 5), [])
case("embedding", nn.Embedding(6, 3), torch.tensor([[0, 5, 2], [2, 2, 1]]), ["weight"])
emb = nn.Embedding(5, 4, padding_idx=1)
case("embedding_padding", emb, torch.tensor([1, 3, 1, 0, 4]), ["weight"])

with open(os.path.join(here, "layers.json"), "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=None)
print(f"wrote {len(cases)} layer cases")
