#!/usr/bin/python3
"""Writes sort_ops.json: torch.sort (stable), argsort, topk and cdist on random inputs, computed by PyTorch.

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_sort.py
The records have the layout of tensor_ops.json (see gen_tensor_ops.py): base inputs, a chain of
views applied before the op (so non-contiguous inputs are covered), scalar arguments, outputs, and
for float inputs the gradient of sum_k sum(out_k * w_k) with respect to each base input.
Float cases are written in float32 and in float64; int64 cases once.
topk is only given tie-free data (PyTorch does not specify the order of ties); with sorted=False
the stored outputs are PyTorch's reordered by value, since Ember always returns them in order.
"""
import json
import math
import os

import torch

from goldenutil import arr, num

torch.manual_seed(0)


def apply_views(t, views):
    for v in views:
        kind, a = v[0], v[1:]
        if kind == "transpose":
            t = t.transpose(a[0], a[1])
        elif kind == "permute":
            t = t.permute(*a[0])
        elif kind == "slice":
            dim, start, end, step = a
            idx = [slice(None)] * t.dim()
            idx[dim] = slice(start, end, step)
            t = t[tuple(idx)]
        elif kind == "unsqueeze":
            t = t.unsqueeze(a[0])
        elif kind == "expand":
            t = t.expand(*a[0])
        else:
            raise ValueError(kind)
    return t


def topk(x, a):
    v, i = torch.topk(x, a["k"], dim=a["dim"], largest=a["largest"], sorted=a["sorted"])
    if not a["sorted"]:  # put PyTorch's unspecified order in value order (ties are absent)
        order = v.detach().argsort(dim=a["dim"], descending=a["largest"], stable=True)
        v, i = v.gather(a["dim"], order), i.gather(a["dim"], order)
    return v, i


OPS = {
    "sort": lambda x, a: tuple(torch.sort(x, dim=a["dim"], descending=a["descending"], stable=True)),
    "argsort": lambda x, a: torch.argsort(x, dim=a["dim"], descending=a["descending"], stable=True),
    "topk": topk,
    "cdist": lambda x, y, a: torch.cdist(x, y, p=a["p"]),
}

cases = []


def case(name, op, inputs, args, dtypes=(torch.float32, torch.float64)):
    """inputs: list of (base tensor, views); float bases are cast to each dtype and require grad."""
    for dtype in dtypes:
        leaves, ins = [], []
        for base, views in inputs:
            b = base.to(dtype) if base.dtype.is_floating_point else base.clone()
            rg = b.dtype.is_floating_point
            b = b.detach().requires_grad_(rg)
            leaves.append((b, views, rg))
            ins.append(apply_views(b, views))
        out = OPS[op](*ins, args)
        outs = list(out) if isinstance(out, tuple) else [out]
        tag = str(leaves[0][0].dtype)[6:]
        safe = {k: (num(v) if isinstance(v, float) else v) for k, v in args.items()}
        rec = {"name": f"{name}/{tag}", "op": op, "args": safe,
               "inputs": [dict(arr(b), views=v, requires_grad=rg) for b, v, rg in leaves],
               "outputs": [arr(o) for o in outs], "weights": [], "grads": []}
        if any(o.requires_grad for o in outs):
            loss = 0
            for o in outs:
                if o.requires_grad:
                    w = torch.rand(o.shape, dtype=torch.float64).to(o.dtype) + 0.5
                    rec["weights"].append(arr(w))
                    loss = loss + (o * w).sum()
                else:
                    rec["weights"].append(None)
            loss.backward()
            rec["grads"] = [arr(b.grad) if rg else None for b, _, rg in leaves]
        cases.append(rec)


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def distinct_ints(*shape):
    """Tie-free int64 values in [-500, 500)."""
    n = math.prod(shape)
    return (torch.randperm(1000)[:n] - 500).reshape(shape)


INT = (None,)

# Sort and argsort: shapes, dims, descending, non-contiguous inputs, ties and NaN (stable).
for desc in (False, True):
    d = "desc" if desc else "asc"
    case(f"sort/1d/{d}", "sort", [(randn(9), [])], {"dim": 0, "descending": desc})
    case(f"sort/2d_dim1/{d}", "sort", [(randn(3, 7), [])], {"dim": 1, "descending": desc})
    case(f"sort/2d_dim0/{d}", "sort", [(randn(6, 4), [])], {"dim": 0, "descending": desc})
    case(f"sort/3d_dim1/{d}", "sort", [(randn(2, 5, 3), [])], {"dim": -2, "descending": desc})
    case(f"sort/transposed/{d}", "sort", [(randn(5, 4), [["transpose", 0, 1]])], {"dim": 1, "descending": desc})
    case(f"sort/strided/{d}", "sort", [(randn(4, 10), [["slice", 1, 1, 10, 2]])], {"dim": 1, "descending": desc})
    case(f"sort/long_row/{d}", "sort", [(randn(2, 200), [])], {"dim": 1, "descending": desc})
    ties = torch.tensor([[1.0, -0.0, 2.0, 1.0, float("nan"), 0.0, 2.0, float("nan"), -1.0],
                         [3.0, 3.0, 3.0, float("inf"), -float("inf"), 3.0, 0.0, -0.0, 0.0]], dtype=torch.float64)
    case(f"sort/ties_nan/{d}", "sort", [(ties, [])], {"dim": 1, "descending": desc})
    case(f"sort/int64/{d}", "sort", [(torch.randint(-5, 5, (3, 8)), [])], {"dim": 1, "descending": desc}, INT)
    case(f"sort/int64_dim0/{d}", "sort", [(torch.randint(-5, 5, (6, 3)), [["transpose", 0, 1]])], {"dim": 0, "descending": desc}, INT)
    case(f"argsort/{d}", "argsort", [(randn(4, 6), [])], {"dim": -1, "descending": desc})
    case(f"argsort/int64/{d}", "argsort", [(torch.randint(0, 4, (10,)), [])], {"dim": 0, "descending": desc}, INT)

# topk: tie-free data, largest and smallest, every selection path (heap, quickselect, full sort).
for largest in (True, False):
    l = "largest" if largest else "smallest"
    for k in (1, 3, 7):
        case(f"topk/2d_k{k}/{l}", "topk", [(randn(4, 7), [])], {"k": k, "dim": 1, "largest": largest, "sorted": True})
    case(f"topk/dim0/{l}", "topk", [(randn(6, 3, 2), [])], {"k": 2, "dim": 0, "largest": largest, "sorted": True})
    case(f"topk/transposed/{l}", "topk", [(randn(5, 4), [["transpose", 0, 1]])], {"k": 3, "dim": -1, "largest": largest, "sorted": True})
    case(f"topk/unsorted/{l}", "topk", [(randn(3, 9), [])], {"k": 4, "dim": 1, "largest": largest, "sorted": False})
    for k in (10, 70, 120, 200):
        case(f"topk/long_k{k}/{l}", "topk", [(randn(2, 200), [])], {"k": k, "dim": 1, "largest": largest, "sorted": True})
    case(f"topk/int64/{l}", "topk", [(distinct_ints(3, 12), [])], {"k": 5, "dim": 1, "largest": largest, "sorted": True}, INT)
    case(f"topk/k0/{l}", "topk", [(randn(2, 3), [])], {"k": 0, "dim": 1, "largest": largest, "sorted": True})

# cdist: every p, the direct form (≤ 25 rows) and the matrix-product form (p = 2, > 25 rows),
# broadcast batch dims, non-contiguous inputs, and coincident rows (distance 0, gradient 0).
for p in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")):
    t = "inf" if math.isinf(p) else str(p)
    case(f"cdist/p{t}", "cdist", [(randn(4, 3), []), (randn(5, 3), [])], {"p": p})
    case(f"cdist/batch_p{t}", "cdist", [(randn(2, 1, 3, 4), []), (randn(3, 6, 4), [])], {"p": p})
    case(f"cdist/transposed_p{t}", "cdist", [(randn(3, 5), [["transpose", 0, 1]]), (randn(2, 6, 3), [["slice", 1, 0, 6, 2]])], {"p": p})
    if p >= 1:
        x1 = randn(3, 4)
        x2 = torch.cat([x1[1:2], randn(2, 4), x1[0:1]])
        case(f"cdist/coincident_p{t}", "cdist", [(x1, []), (x2, [])], {"p": p})
    case(f"cdist/rows30_p{t}", "cdist", [(randn(30, 5), []), (randn(7, 5), [])], {"p": p})
# Small integers keep |a|² + |b|² − 2a·b exact, so coincident rows give exactly 0 in both libraries.
x1 = torch.randint(-3, 4, (40, 6)).double()
case("cdist/mm_coincident", "cdist", [(x1, []), (torch.cat([x1[:3], torch.randint(-3, 4, (4, 6)).double()]), [])], {"p": 2.0})
case("cdist/mm_batch", "cdist", [(randn(2, 27, 3), []), (randn(1, 4, 3), [])], {"p": 2.0})
case("cdist/mm_transposed", "cdist", [(randn(4, 30), [["transpose", 0, 1]]), (randn(26, 4), [])], {"p": 2.0})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sort_ops.json")
with open(out, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {out}")
