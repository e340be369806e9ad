#!/usr/bin/python3
"""Writes rnn.json: PyTorch's RNN, LSTM and GRU (multi-layer, bidirectional, batch_first,
relu, without bias, with initial states): the state dict, input, output, final states, and
gradients of the input and every weight for sum(out·w) + sum(h_n·v) (+ sum(c_n·u)).

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_rnn.py
"""
import json
import os

import torch
import torch.nn as nn

from goldenutil import arr

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))
cases = []

CONFIGS = [
    ("rnn", nn.RNN, dict(input_size=3, hidden_size=4)),
    ("rnn_relu_2layer", nn.RNN, dict(input_size=3, hidden_size=4, num_layers=2, nonlinearity="relu")),
    ("lstm", nn.LSTM, dict(input_size=3, hidden_size=5)),
    ("lstm_bi_2layer_bf", nn.LSTM, dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True, batch_first=True)),
    ("gru", nn.GRU, dict(input_size=2, hidden_size=3)),
    ("gru_bi_nobias", nn.GRU, dict(input_size=3, hidden_size=2, bidirectional=True, bias=False)),
]
for name, cls, kw in CONFIGS:
    m = cls(**kw).double()
    L, N = 5, 2
    shape = (N, L, kw["input_size"]) if kw.get("batch_first") else (L, N, kw["input_size"])
    x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    D = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    h0 = torch.randn(layers * D, N, kw["hidden_size"], dtype=torch.float64)
    lstm = cls is nn.LSTM
    c0 = torch.randn(layers * D, N, kw["hidden_size"], dtype=torch.float64) if lstm else None
    if lstm:
        out, (hn, cn) = m(x, (h0, c0))
    else:
        out, hn = m(x, h0)
        cn = None
    w = torch.rand_like(out) + 0.5
    v = torch.rand_like(hn) + 0.5
    loss = (out * w).sum() + (hn * v).sum()
    u = None
    if lstm:
        u = torch.rand_like(cn) + 0.5
        loss = loss + (cn * u).sum()
    loss.backward()
    cases.append({
        "name": name, "repr": repr(m), "config": kw,
        "state": {k: arr(t) for k, t in m.state_dict().items()},
        "x": arr(x), "h0": arr(h0), "c0": arr(c0) if lstm else None,
        "out": arr(out), "hn": arr(hn), "cn": arr(cn) if lstm else None,
        "w": arr(w), "v": arr(v), "u": arr(u) if lstm else None,
        "x_grad": arr(x.grad), "grads": {k: arr(p.grad) for k, p in m.named_parameters()},
    })

cells = []
for name, cls, kw in [("rnn_cell", nn.RNNCell, dict(input_size=3, hidden_size=4)),
                      ("rnn_cell_relu", nn.RNNCell, dict(input_size=3, hidden_size=4, nonlinearity="relu")),
                      ("lstm_cell", nn.LSTMCell, dict(input_size=3, hidden_size=4)),
                      ("gru_cell", nn.GRUCell, dict(input_size=2, hidden_size=3, bias=False))]:
    m = cls(**kw).double()
    x = torch.randn(3, kw["input_size"], dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(3, kw["hidden_size"], dtype=torch.float64)
    if cls is nn.LSTMCell:
        c0 = torch.randn(3, kw["hidden_size"], dtype=torch.float64)
        h, c = m(x, (h0, c0))
    else:
        c0, c = None, None
        h = m(x, h0)
    w = torch.rand_like(h) + 0.5
    loss = (h * w).sum()
    if c is not None:
        loss = loss + (c * w).sum()
    loss.backward()
    cells.append({"name": name, "repr": repr(m), "config": kw, "state": {k: arr(t) for k, t in m.state_dict().items()},
                  "x": arr(x), "h0": arr(h0), "c0": arr(c0) if c0 is not None else None, "h": arr(h),
                  "c": arr(c) if c is not None else None, "w": arr(w), "x_grad": arr(x.grad),
                  "grads": {k: arr(p.grad) for k, p in m.named_parameters()}})

with open(os.path.join(here, "rnn.json"), "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases, "cells": cells}, f)
print(f"wrote {len(cases)} recurrent cases")
