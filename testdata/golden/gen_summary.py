#!/usr/bin/python3
"""Writes summary.json: what torchinfo.summary shows for LeNet-5 (internal/bench's LeNet) and
the Transformer example's Sorter (examples/transformer), computed with PyTorch's own forward
hooks (torchinfo itself is not installed): for every module of named_modules, in that order,
its output shape in the first call, its own parameter count (recurse=False, torchinfo's
figure for a row whose children are listed) and its recursive count, and the model's total
and trainable parameters.

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_summary.py
"""
import json
import math
import os

import torch
import torch.nn as nn

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


class Sorter(nn.Module):
    """examples/transformer's model: 10 digits, d_model 64, 4 heads, feed-forward 128, 2 layers."""

    def __init__(self, seq_len=8, vocab=10, d_model=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        layer = nn.TransformerEncoderLayer(d_model, 4, dim_feedforward=128, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, vocab)
        self.pos = torch.zeros(seq_len, d_model)  # a plain attribute, as in the example

    def forward(self, x):
        return self.head(self.encoder(self.embed(x) * 8 + self.pos))


def summarize(name, model, x):
    model.train()
    rows = []
    shapes = {}

    def hook(mod, inp, out):
        if id(mod) not in shapes:
            o = out[0] if isinstance(out, tuple) else out
            shapes[id(mod)] = list(o.shape)

    mods = list(model.named_modules())
    handles = [m.register_forward_hook(hook) for _, m in mods]
    y = model(x)
    y.sum().backward()
    for h in handles:
        h.remove()
    for n, m in mods:
        rows.append({
            "name": n,
            "type": type(m).__name__,
            "output_shape": shapes.get(id(m)),
            "params": sum(p.numel() for p in m.parameters(recurse=False)),
            "total_params": sum(p.numel() for p in m.parameters()),
        })
    return {
        "name": name,
        "input_shape": list(x.shape),
        "input_dtype": str(x.dtype).replace("torch.", ""),
        "rows": rows,
        "total_params": sum(p.numel() for p in model.parameters()),
        "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "output_shape": list(y.shape),
    }


models = [
    summarize("lenet", lenet(), torch.zeros(1, 1, 28, 28)),
    summarize("transformer", Sorter(), torch.zeros(2, 8, dtype=torch.int64)),
]
with open(os.path.join(here, "summary.json"), "w") as f:
    json.dump({"torch": torch.__version__, "models": models}, f, indent=1)
