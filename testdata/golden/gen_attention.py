#!/usr/bin/python3
"""Writes attention.json: PyTorch's MultiheadAttention (masks, cross-attention, batch_first)
and TransformerEncoderLayer/TransformerEncoder (post- and pre-norm, ReLU and GELU, dropout 0)
in float64: state dicts, inputs, outputs, attention weights, and gradients of the inputs and
parameters for sum(out·w).

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_attention.py
"""
import json
import os

import torch
import torch.nn as nn

from goldenutil import arr

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))
cases = []


def randomize(m):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn_like(p) * 0.5)


def mha_case(name, E, H, L, S, N, batch_first=False, key_padding=None, causal=False, bool_mask=None):
    m = nn.MultiheadAttention(E, H, batch_first=batch_first).double()
    randomize(m)
    shape = lambda n: (N, n, E) if batch_first else (n, N, E)  # noqa: E731
    q = torch.randn(*shape(L), dtype=torch.float64, requires_grad=True)
    k = torch.randn(*shape(S), dtype=torch.float64, requires_grad=True)
    v = torch.randn(*shape(S), dtype=torch.float64, requires_grad=True)
    attn_mask = None
    if causal:
        attn_mask = torch.triu(torch.full((L, S), float("-inf"), dtype=torch.float64), diagonal=1)
    if bool_mask is not None:
        attn_mask = bool_mask
    out, weights = m(q, k, v, key_padding_mask=key_padding, attn_mask=attn_mask)
    w = torch.rand_like(out) + 0.5
    (out * w).sum().backward()
    cases.append({"name": name, "kind": "mha", "E": E, "H": H, "batch_first": batch_first, "causal": causal,
                  "key_padding": arr(key_padding) if key_padding is not None else None,
                  "bool_mask": arr(bool_mask) if bool_mask is not None else None,
                  "state": {kk: arr(t) for kk, t in m.state_dict().items()},
                  "q": arr(q), "k": arr(k), "v": arr(v), "out": arr(out), "weights": arr(weights), "w": arr(w),
                  "q_grad": arr(q.grad), "k_grad": arr(k.grad), "v_grad": arr(v.grad),
                  "grads": {kk: arr(p.grad) for kk, p in m.named_parameters()}})


mha_case("self", 8, 2, 5, 5, 3)
mha_case("cross_masks", 6, 3, 4, 6, 2, key_padding=torch.tensor([[False, False, True, False, False, True], [False] * 6]))
mha_case("causal_batch_first", 8, 4, 5, 5, 2, batch_first=True, causal=True)
mha_case("bool_mask", 4, 1, 3, 4, 2, bool_mask=torch.tensor([[False, True, False, False], [False, False, True, False], [True, False, False, False]]))


def enc_case(name, layers, norm_first, activation, batch_first=False, final_norm=False, causal=False):
    E, H, F, S, N = 8, 2, 16, 5, 3
    layer = nn.TransformerEncoderLayer(E, H, dim_feedforward=F, dropout=0.0, activation=activation,
                                       batch_first=batch_first, norm_first=norm_first).double()
    if layers == 1:
        m = layer
    else:
        m = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(E).double() if final_norm else None,
                                  enable_nested_tensor=False)
    randomize(m)
    x = torch.randn(*((N, S, E) if batch_first else (S, N, E)), dtype=torch.float64, requires_grad=True)
    mask = torch.triu(torch.full((S, S), float("-inf"), dtype=torch.float64), diagonal=1) if causal else None
    m.train()
    out = m(x, mask) if layers == 1 else m(x, mask=mask)
    w = torch.rand_like(out) + 0.5
    (out * w).sum().backward()
    cases.append({"name": name, "kind": "encoder", "layers": layers, "norm_first": norm_first, "activation": activation,
                  "batch_first": batch_first, "final_norm": final_norm, "causal": causal, "E": E, "H": H, "F": F,
                  "state": {kk: arr(t) for kk, t in m.state_dict().items()},
                  "x": arr(x), "out": arr(out), "w": arr(w), "x_grad": arr(x.grad),
                  "grads": {kk: arr(p.grad) for kk, p in m.named_parameters()}})


enc_case("encoder_layer_post_relu", 1, False, "relu")
enc_case("encoder_layer_pre_gelu_bf", 1, True, "gelu", batch_first=True, causal=True)
enc_case("encoder_2_layers_norm", 2, False, "relu", final_norm=True)

def dec_case(name, norm_first, activation, batch_first=False):
    E, H, F, T, S, N = 8, 2, 16, 4, 6, 3
    m = nn.TransformerDecoderLayer(E, H, dim_feedforward=F, dropout=0.0, activation=activation,
                                   batch_first=batch_first, norm_first=norm_first).double()
    randomize(m)
    shape = lambda n: (N, n, E) if batch_first else (n, N, E)  # noqa: E731
    tgt = torch.randn(*shape(T), dtype=torch.float64, requires_grad=True)
    mem = torch.randn(*shape(S), dtype=torch.float64, requires_grad=True)
    tgt_mask = torch.triu(torch.full((T, T), float("-inf"), dtype=torch.float64), diagonal=1)
    mem_kpm = torch.zeros(N, S, dtype=torch.bool)
    mem_kpm[0, -2:] = True
    out = m(tgt, mem, tgt_mask=tgt_mask, memory_key_padding_mask=mem_kpm)
    w = torch.rand_like(out) + 0.5
    (out * w).sum().backward()
    cases.append({"name": name, "kind": "decoder", "norm_first": norm_first, "activation": activation, "batch_first": batch_first,
                  "E": E, "H": H, "F": F, "key_padding": arr(mem_kpm), "state": {kk: arr(t) for kk, t in m.state_dict().items()},
                  "x": arr(tgt), "q": arr(mem), "out": arr(out), "w": arr(w), "x_grad": arr(tgt.grad), "q_grad": arr(mem.grad),
                  "grads": {kk: arr(p.grad) for kk, p in m.named_parameters()}})


dec_case("decoder_post_relu", False, "relu")
dec_case("decoder_pre_gelu_bf", True, "gelu", batch_first=True)

with open(os.path.join(here, "attention.json"), "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} attention cases")
