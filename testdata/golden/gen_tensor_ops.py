#!/usr/bin/python3
"""Writes tensor_ops.json: inputs, outputs and gradients of Ember's tensor ops, computed by PyTorch.

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_tensor_ops.py
Each case names an op (the Go test maps the name to Ember's call), its inputs (base arrays plus
a chain of view ops applied before the op, so non-contiguous inputs are covered), scalar
arguments, the outputs, and, for float inputs that require grad, the gradient of
sum_k sum(out_k * w_k) with respect to each base input, where w_k are stored weights.
Every case is written in float32 and in float64.
"""
import json
import math
import os

import torch

from goldenutil import arr, num  # noqa: F401  (shared helpers, beside this script)

torch.manual_seed(0)






def apply_views(t, views):
    for v in views:
        kind, a = v[0], v[1:]
        if kind == "permute":
            t = t.permute(*a[0])
        elif kind == "transpose":
            t = t.transpose(a[0], a[1])
        elif kind == "slice":
            dim, start, end, step = a
            idx = [slice(None)] * t.dim()
            idx[dim] = slice(start, end, step)
            t = t[tuple(idx)]
        elif kind == "select":
            t = t.select(a[0], a[1])
        elif kind == "expand":
            t = t.expand(*a[0])
        elif kind == "unsqueeze":
            t = t.unsqueeze(a[0])
        elif kind == "squeeze":
            t = t.squeeze(a[0]) if a else t.squeeze()
        elif kind == "reshape":
            t = t.reshape(*a[0])
        elif kind == "view":
            t = t.view(*a[0])
        elif kind == "flatten":
            t = t.flatten(a[0], a[1])
        elif kind == "narrow":
            t = t.narrow(a[0], a[1], a[2])
        else:
            raise ValueError(kind)
    return t


F = torch.nn.functional

OPS = {
    "neg": lambda x, a: x.neg(),
    "exp": lambda x, a: x.exp(),
    "log": lambda x, a: x.log(),
    "log1p": lambda x, a: x.log1p(),
    "sqrt": lambda x, a: x.sqrt(),
    "rsqrt": lambda x, a: x.rsqrt(),
    "abs": lambda x, a: x.abs(),
    "sign": lambda x, a: x.sign(),
    "sin": lambda x, a: x.sin(),
    "cos": lambda x, a: x.cos(),
    "tanh": lambda x, a: x.tanh(),
    "sigmoid": lambda x, a: x.sigmoid(),
    "relu": lambda x, a: x.relu(),
    "leaky_relu": lambda x, a: F.leaky_relu(x, a["slope"]),
    "elu": lambda x, a: F.elu(x, a["alpha"]),
    "gelu": lambda x, a: F.gelu(x),
    "gelu_tanh": lambda x, a: F.gelu(x, approximate="tanh"),
    "silu": lambda x, a: F.silu(x),
    "softplus": lambda x, a: F.softplus(x, a["beta"], a["threshold"]),
    "clamp": lambda x, a: x.clamp(a["min"], a["max"]),
    "erf": lambda x, a: x.erf(),
    "pow_scalar": lambda x, a: x.pow(a["e"]),
    "add": lambda x, y, a: x + y,
    "sub": lambda x, y, a: x - y,
    "mul": lambda x, y, a: x * y,
    "div": lambda x, y, a: x / y,
    "pow": lambda x, y, a: x.pow(y),
    "maximum": lambda x, y, a: torch.maximum(x, y),
    "minimum": lambda x, y, a: torch.minimum(x, y),
    "eq": lambda x, y, a: x == y,
    "ne": lambda x, y, a: x != y,
    "lt": lambda x, y, a: x < y,
    "le": lambda x, y, a: x <= y,
    "gt": lambda x, y, a: x > y,
    "ge": lambda x, y, a: x >= y,
    "where": lambda c, x, y, a: torch.where(c, x, y),
    "masked_fill": lambda x, m, a: x.masked_fill(m, a["value"]),
    "sum": lambda x, a: x.sum(),
    "sum_dims": lambda x, a: x.sum(dim=a["dims"], keepdim=a["keepdim"]),
    "mean": lambda x, a: x.mean(),
    "mean_dims": lambda x, a: x.mean(dim=a["dims"], keepdim=a["keepdim"]),
    "prod": lambda x, a: x.prod(),
    "prod_dim": lambda x, a: x.prod(dim=a["dim"], keepdim=a["keepdim"]),
    "max": lambda x, a: x.max(),
    "min": lambda x, a: x.min(),
    "max_dim": lambda x, a: tuple(x.max(dim=a["dim"], keepdim=a["keepdim"])),
    "min_dim": lambda x, a: tuple(x.min(dim=a["dim"], keepdim=a["keepdim"])),
    "amax": lambda x, a: x.amax(dim=a["dims"], keepdim=a["keepdim"]),
    "amin": lambda x, a: x.amin(dim=a["dims"], keepdim=a["keepdim"]),
    "argmax": lambda x, a: x.argmax(),
    "argmin": lambda x, a: x.argmin(),
    "argmax_dim": lambda x, a: x.argmax(dim=a["dim"], keepdim=a["keepdim"]),
    "var": lambda x, a: x.var(dim=a["dims"], unbiased=a["unbiased"], keepdim=a["keepdim"]),
    "std": lambda x, a: x.std(dim=a["dims"], unbiased=a["unbiased"], keepdim=a["keepdim"]),
    "logsumexp": lambda x, a: x.logsumexp(dim=a["dims"], keepdim=a["keepdim"]),
    "norm": lambda x, a: torch.linalg.vector_norm(x, ord=a["p"], dim=a["dims"], keepdim=a["keepdim"]),
    "all": lambda x, a: x.all(),
    "any": lambda x, a: x.any(),
    "matmul": lambda x, y, a: x @ y,
    "softmax": lambda x, a: x.softmax(a["dim"]),
    "log_softmax": lambda x, a: x.log_softmax(a["dim"]),
    "round": lambda x, a: torch.round(x),
    "cat": lambda *xs: torch.cat(xs[:-1], dim=xs[-1]["dim"]),
    "stack": lambda *xs: torch.stack(xs[:-1], dim=xs[-1]["dim"]),
    "split": lambda x, a: tuple(x.split(a["size"], dim=a["dim"])),
    "chunk": lambda x, a: tuple(x.chunk(a["n"], dim=a["dim"])),
    "gather": lambda x, i, a: x.gather(a["dim"], i),
    "index_select": lambda x, i, a: x.index_select(a["dim"], i),
    "scatter_add": lambda x, i, s, a: x.scatter_add(a["dim"], i, s),
    "one_hot": lambda i, a: F.one_hot(i, a["num_classes"]),
    "pad": lambda x, a: F.pad(x, a["pads"], value=a["value"]),
    "cumsum": lambda x, a: x.cumsum(a["dim"]),
    "identity": lambda x, a: x * 1,
    "unfold": lambda x, a: F.unfold(x, a["kernel"], dilation=a["dilation"], padding=a["padding"], stride=a["stride"]),
    "conv2d": lambda *xs: F.conv2d(xs[0], xs[1], xs[2] if len(xs) == 4 else None, stride=xs[-1]["stride"], padding=xs[-1]["padding"],
                                   dilation=xs[-1]["dilation"], groups=xs[-1]["groups"]),
    "max_pool2d": lambda x, a: F.max_pool2d(x, a["kernel"], a["stride"], a["padding"], a["dilation"]),
    "max_pool2d_indices": lambda x, a: tuple(F.max_pool2d(x, a["kernel"], a["stride"], a["padding"], a["dilation"], return_indices=True)),
    "avg_pool2d": lambda x, a: F.avg_pool2d(x, a["kernel"], a["stride"], a["padding"]),
    "conv1d": lambda *xs: F.conv1d(xs[0], xs[1], xs[2] if len(xs) == 4 else None, stride=xs[-1]["stride"], padding=xs[-1]["padding"],
                                   dilation=xs[-1]["dilation"], groups=xs[-1]["groups"]),
    "max_pool1d": lambda x, a: F.max_pool1d(x, a["kernel"], a["stride"], a["padding"], a["dilation"]),
    "avg_pool1d": lambda x, a: F.avg_pool1d(x, a["kernel"], a["stride"], a["padding"]),
    "adaptive_avg_pool2d": lambda x, a: F.adaptive_avg_pool2d(x, a["size"]),
    "adaptive_avg_pool1d": lambda x, a: F.adaptive_avg_pool1d(x, a["size"]),
    "fold": lambda x, a: F.fold(x, a["out"], a["kernel"], dilation=a["dilation"], padding=a["padding"], stride=a["stride"]),
    "conv_transpose2d": lambda *xs: F.conv_transpose2d(xs[0], xs[1], xs[2] if len(xs) == 4 else None, stride=xs[-1]["stride"], padding=xs[-1]["padding"],
                                                       output_padding=xs[-1]["output_padding"], groups=xs[-1]["groups"], dilation=xs[-1]["dilation"]),
    "conv_transpose1d": lambda *xs: F.conv_transpose1d(xs[0], xs[1], xs[2] if len(xs) == 4 else None, stride=xs[-1]["stride"], padding=xs[-1]["padding"],
                                                       output_padding=xs[-1]["output_padding"], groups=xs[-1]["groups"], dilation=xs[-1]["dilation"]),
    "upsample": lambda x, a: F.interpolate(x, size=a["size"], mode=a["mode"], **({"align_corners": False} if a["mode"] == "bilinear" else {})),
    "clone": lambda x, a: x.clone(),
    "upsample_scale": lambda x, a: F.interpolate(x, scale_factor=tuple(a["scale"]), mode=a["mode"],
                                                 **({"align_corners": False} if a["mode"] == "bilinear" else {})),
}

cases = []


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def case(name, op, inputs, args=None, grads=True):
    """inputs: list of (base tensor, views, requires_grad)."""
    args = args or {}
    for dtype in (torch.float32, torch.float64):
        leaves, views_in, ins = [], [], []
        for base, views, rg in inputs:
            b = base.to(dtype) if base.dtype.is_floating_point else base.clone()
            rg = rg and grads and b.dtype.is_floating_point
            b = b.detach().requires_grad_(rg)
            leaves.append((b, views, rg))
            ins.append(apply_views(b, views))
        out = OPS[op](*ins, args)
        outs = list(out) if isinstance(out, tuple) else [out]
        safe = {k: (num(v) if isinstance(v, float) else v) for k, v in args.items()}
        rec = {"name": f"{name}/{str(dtype)[6:]}", "op": op, "args": safe,
               "inputs": [dict(arr(b), views=v, requires_grad=rg) for b, v, rg in leaves],
               "outputs": [arr(o) for o in outs], "weights": [], "grads": []}
        if any(rg for _, _, rg in leaves):
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


def x(*shape, views=(), rg=True, base=None):
    return (randn(*shape) if base is None else base, list(views), rg)


# Unary ops on ordinary values, on a transposed view, and at edges.
pos = lambda *s: randn(*s).abs() + 0.1
for op in ["neg", "exp", "abs", "sign", "sin", "cos", "tanh", "sigmoid", "relu", "gelu", "gelu_tanh", "silu", "erf"]:
    case(op, op, [x(3, 4)])
    case(op + "/transposed", op, [x(4, 3, views=[["transpose", 0, 1]])])
for op in ["log", "log1p", "sqrt", "rsqrt"]:
    case(op, op, [x(3, 4, base=pos(3, 4))])
    case(op + "/strided", op, [x(4, 6, base=pos(4, 6), views=[["slice", 1, 0, 6, 2]])])
case("log/edges", "log", [x(5, base=torch.tensor([0.0, -1.0, 1.0, float("inf"), 1e-30], dtype=torch.float64))], grads=False)
case("sqrt/zero", "sqrt", [x(3, base=torch.tensor([0.0, 4.0, 2.0], dtype=torch.float64))])
case("log/zero", "log", [x(2, base=torch.tensor([0.0, 2.0], dtype=torch.float64))])
case("sigmoid/extreme", "sigmoid", [x(4, base=torch.tensor([-100.0, 100.0, -30.0, 0.0], dtype=torch.float64))])
case("leaky_relu", "leaky_relu", [x(3, 4)], {"slope": 0.01})
case("leaky_relu/slope", "leaky_relu", [x(3, 4)], {"slope": 0.2})
case("elu", "elu", [x(3, 4)], {"alpha": 1.0})
case("elu/alpha", "elu", [x(3, 4)], {"alpha": 0.5})
case("softplus", "softplus", [x(3, 4)], {"beta": 1.0, "threshold": 20.0})
case("softplus/beta", "softplus", [x(3, 4, base=randn(3, 4) * 10)], {"beta": 2.0, "threshold": 5.0})
case("clamp", "clamp", [x(3, 4)], {"min": -0.5, "max": 0.5})
case("pow_scalar", "pow_scalar", [x(3, 4, base=pos(3, 4))], {"e": 2.5})
case("pow_scalar/square", "pow_scalar", [x(3, 4)], {"e": 2.0})
case("pow_scalar/zero", "pow_scalar", [x(3, 4)], {"e": 0.0})

# Binary ops with broadcasting and non-contiguous inputs.
for op in ["add", "sub", "mul", "div", "maximum", "minimum"]:
    case(op, op, [x(3, 4), x(3, 4)])
    case(op + "/broadcast", op, [x(2, 1, 4), x(3, 1)])
    case(op + "/scalar", op, [x(3, 4), x(base=randn(()))])
    case(op + "/views", op, [x(4, 3, views=[["transpose", 0, 1]]), x(4, views=[["unsqueeze", 0], ["expand", [3, 4]]])])
case("pow", "pow", [x(3, 4, base=pos(3, 4)), x(3, 4)])
case("pow/broadcast", "pow", [x(2, 3, base=pos(2, 3)), x(3)])
tie = randn(3, 4)
case("maximum/ties", "maximum", [x(base=tie.clone()), x(base=torch.where(torch.rand(3, 4) > 0.5, tie, randn(3, 4)))])
case("minimum/ties", "minimum", [x(base=tie.clone()), x(base=torch.where(torch.rand(3, 4) > 0.5, tie, randn(3, 4)))])
for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64)
    case(op, op, [x(base=a), x(base=torch.tensor([2.0, 2.0, 7.0], dtype=torch.float64))], grads=False)
cond = torch.rand(3, 4) > 0.5
case("where", "where", [(cond, [], False), x(3, 4), x(4)])
case("masked_fill", "masked_fill", [x(3, 4), (torch.rand(4) > 0.5, [], False)], {"value": -2.5})

# Reductions over one, several and all dims.
case("sum", "sum", [x(3, 4)])
case("sum/transposed", "sum", [x(4, 3, views=[["transpose", 0, 1]])])
for dims, keep in [([0], False), ([1], True), ([0, 2], False), ([-1, 0], True)]:
    tag = "_".join(map(str, dims)) + ("k" if keep else "")
    case("sum_dims/" + tag, "sum_dims", [x(2, 3, 4)], {"dims": dims, "keepdim": keep})
    case("mean_dims/" + tag, "mean_dims", [x(2, 3, 4)], {"dims": dims, "keepdim": keep})
    case("amax/" + tag, "amax", [x(2, 3, 4)], {"dims": dims, "keepdim": keep})
    case("amin/" + tag, "amin", [x(2, 3, 4)], {"dims": dims, "keepdim": keep})
    case("var/" + tag, "var", [x(2, 3, 4)], {"dims": dims, "unbiased": True, "keepdim": keep})
    case("std/" + tag, "std", [x(2, 3, 4)], {"dims": dims, "unbiased": False, "keepdim": keep})
    case("logsumexp/" + tag, "logsumexp", [x(2, 3, 4)], {"dims": dims, "keepdim": keep})
    case("norm/" + tag, "norm", [x(2, 3, 4)], {"p": 2, "dims": dims, "keepdim": keep})
case("mean", "mean", [x(3, 4)])
case("prod", "prod", [x(3, 4)])
case("prod/zero", "prod", [x(4, base=torch.tensor([2.0, 0.0, 3.0, -1.0], dtype=torch.float64))])
case("prod_dim", "prod_dim", [x(3, 4)], {"dim": 1, "keepdim": False})
case("prod_dim/zeros", "prod_dim", [x(base=torch.tensor([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0], [2.0, 3.0, 4.0]], dtype=torch.float64))], {"dim": 1, "keepdim": True})
case("max", "max", [x(3, 4)])
case("min", "min", [x(3, 4)])
case("max/ties", "max", [x(base=torch.tensor([1.0, 3.0, 3.0, 2.0], dtype=torch.float64))])
case("max_dim", "max_dim", [x(3, 4)], {"dim": 1, "keepdim": False})
case("max_dim/keep", "max_dim", [x(3, 4, 2)], {"dim": 0, "keepdim": True})
case("min_dim", "min_dim", [x(3, 4)], {"dim": -1, "keepdim": False})
case("argmax", "argmax", [x(3, 4)], grads=False)
case("argmin", "argmin", [x(3, 4)], grads=False)
case("argmax_dim", "argmax_dim", [x(3, 4, 5)], {"dim": 1, "keepdim": False}, grads=False)
case("argmax/nan", "argmax", [x(base=torch.tensor([1.0, float("nan"), 5.0], dtype=torch.float64))], grads=False)
case("var/all", "var", [x(5)], {"dims": [0], "unbiased": True, "keepdim": False})
case("norm/p1", "norm", [x(3, 4)], {"p": 1, "dims": [1], "keepdim": False})
case("norm/p3", "norm", [x(3, 4)], {"p": 3, "dims": [0], "keepdim": False})
case("norm/inf", "norm", [x(3, 4)], {"p": float("inf"), "dims": [1], "keepdim": False})
case("norm/zero", "norm", [x(2, 3, base=torch.zeros(2, 3, dtype=torch.float64))], {"p": 2, "dims": [1], "keepdim": False})
case("logsumexp/large", "logsumexp", [x(base=torch.tensor([[1000.0, 1000.0, -1000.0], [-50.0, 3.0, 88.0]], dtype=torch.float64))], {"dims": [1], "keepdim": False})
case("logsumexp/-inf", "logsumexp", [x(base=torch.tensor([[-math.inf, -math.inf], [0.0, -math.inf]], dtype=torch.float64))], {"dims": [1], "keepdim": False}, grads=False)
case("all", "all", [x(base=torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64))], grads=False)
case("any", "any", [x(base=torch.tensor([0.0, 0.0, 2.0], dtype=torch.float64))], grads=False)

# Matrix products: every torch.matmul case, batched broadcasting and transposed operands.
for tag, sa, sb in [("dot", (4,), (4,)), ("mv", (3, 4), (4,)), ("vm", (4,), (4, 5)), ("mm", (3, 4), (4, 5)),
                    ("bmm", (2, 3, 4), (2, 4, 5)), ("broadcast", (2, 1, 3, 4), (3, 4, 5)), ("batch_vec", (2, 3, 4), (4,)),
                    ("vec_batch", (4,), (2, 4, 3)), ("batch_mat", (2, 3, 4), (4, 2))]:
    case("matmul/" + tag, "matmul", [x(*sa), x(*sb)])
case("matmul/transposed", "matmul", [x(4, 3, views=[["transpose", 0, 1]]), x(5, 4, views=[["transpose", 0, 1]])])

# Softmax family, including large logits.
for dim in [0, 1, -1]:
    case(f"softmax/{dim}", "softmax", [x(3, 4)], {"dim": dim})
    case(f"log_softmax/{dim}", "log_softmax", [x(3, 4)], {"dim": dim})
big = torch.tensor([[1000.0, 0.0, -1000.0], [88.0, 89.0, 90.0]], dtype=torch.float64)
case("softmax/large", "softmax", [x(base=big)], {"dim": 1})
case("log_softmax/large", "log_softmax", [x(base=big)], {"dim": 1})

# Joining, splitting and indexing.
case("cat/0", "cat", [x(2, 3), x(1, 3), x(3, 3)], {"dim": 0})
case("cat/1", "cat", [x(2, 3), x(2, 1, views=[]), x(3, 2, views=[["transpose", 0, 1]])], {"dim": 1})
case("stack/0", "stack", [x(2, 3), x(2, 3)], {"dim": 0})
case("stack/-1", "stack", [x(2, 3), x(2, 3), x(2, 3)], {"dim": -1})
case("split", "split", [x(5, 3)], {"size": 2, "dim": 0})
case("chunk", "chunk", [x(3, 7)], {"n": 3, "dim": 1})
case("gather", "gather", [x(3, 4), (torch.tensor([[0, 3], [1, 1], [2, 0]]), [], False)], {"dim": 1})
case("gather/dim0", "gather", [x(3, 4), (torch.tensor([[0, 2, 2, 1], [1, 0, 0, 0]]), [], False)], {"dim": 0})
case("index_select", "index_select", [x(4, 3), (torch.tensor([3, 0, 3]), [], False)], {"dim": 0})
case("index_select/1", "index_select", [x(2, 4), (torch.tensor([1, 1, 2]), [], False)], {"dim": 1})
case("scatter_add", "scatter_add", [x(3, 5), (torch.tensor([[0, 1, 4], [2, 2, 0], [4, 4, 4]]), [], False), x(3, 3)], {"dim": 1})
case("scatter_add/dim0", "scatter_add", [x(3, 4), (torch.tensor([[0, 1, 2, 0], [0, 0, 2, 1]]), [], False), x(2, 4)], {"dim": 0})
case("one_hot", "one_hot", [(torch.tensor([0, 2, 1, 2]), [], False)], {"num_classes": 4}, grads=False)
case("one_hot/infer", "one_hot", [(torch.tensor([[0, 2], [1, 3]]), [], False)], {"num_classes": -1}, grads=False)
case("pad/1d", "pad", [x(2, 3)], {"pads": [1, 2], "value": 0.0})
case("pad/2d", "pad", [x(2, 3, 4)], {"pads": [1, 0, 2, 1], "value": -1.5})
case("pad/crop", "pad", [x(3, 5)], {"pads": [-1, 2], "value": 0.0})
case("cumsum", "cumsum", [x(3, 4)], {"dim": 1})
case("cumsum/0", "cumsum", [x(3, 4, views=[["transpose", 0, 1]])], {"dim": 0})
case("clone", "clone", [x(3, 4, views=[["transpose", 0, 1]])])

# Gradients through view chains.
for tag, views in [
    ("reshape", [["reshape", [4, 3]]]),
    ("view", [["view", [2, 6]]]),
    ("permute", [["permute", [1, 0]]]),
    ("slice_step", [["slice", 1, 1, 4, 2]]),
    ("slice_neg", [["slice", 0, -2, 3, 1]]),
    ("select", [["select", 1, 2]]),
    ("narrow", [["narrow", 1, 1, 2]]),
    ("unsqueeze_expand", [["unsqueeze", 1], ["expand", [3, 2, 4]]]),
    ("squeeze", [["unsqueeze", 0], ["squeeze", 0]]),
    ("flatten", [["unsqueeze", 2], ["flatten", 0, 2]]),
    ("transpose_reshape", [["transpose", 0, 1], ["reshape", [-1]]]),
]:
    case("views/" + tag, "identity", [x(3, 4, views=views)])
case("views/3d_permute_slice", "identity", [x(2, 3, 4, views=[["permute", [2, 0, 1]], ["slice", 0, 0, 4, 3], ["select", 2, 1]])])

# Convolution and pooling (im2col-based in Ember).
case("unfold", "unfold", [x(2, 3, 5, 6)], {"kernel": [2, 3], "dilation": [1, 1], "padding": [0, 1], "stride": [1, 2]})
case("unfold/dilated", "unfold", [x(1, 2, 6, 6)], {"kernel": [2, 2], "dilation": [2, 1], "padding": [1, 0], "stride": [2, 1]})
for tag, cin, cout, k, st, pad, dil, g, bias in [("basic", 3, 4, 3, 1, 0, 1, 1, True), ("stride_pad", 2, 5, 3, 2, 1, 1, 1, True),
                                                  ("dilated", 2, 3, 2, 1, 2, 2, 1, False), ("groups", 4, 6, 3, 1, 1, 1, 2, True),
                                                  ("rect", 1, 2, 1, 1, 0, 1, 1, True)]:
    ins = [x(2, cin, 7, 6), x(cout, cin // g, k, k if tag != "rect" else 3)]
    if bias:
        ins.append(x(cout))
    case("conv2d/" + tag, "conv2d", ins, {"stride": st, "padding": pad if tag != "rect" else [0, 1], "dilation": dil, "groups": g})
for tag, k, st, pad, dil in [("2x2", 2, 2, 0, 1), ("3x3_s1_p1", 3, 1, 1, 1), ("dilated", 2, 1, 0, 2), ("odd", 3, 2, 1, 1)]:
    case("max_pool2d/" + tag, "max_pool2d", [x(2, 3, 7, 6)], {"kernel": k, "stride": st, "padding": pad, "dilation": dil})
    case("avg_pool2d/" + tag, "avg_pool2d", [x(2, 3, 7, 6)], {"kernel": k, "stride": st, "padding": pad})
for tag, cin, cout, k, st, pad, dil, g in [("basic", 3, 4, 3, 1, 1, 1, 1), ("strided_dilated", 4, 6, 2, 2, 0, 2, 2)]:
    case("conv1d/" + tag, "conv1d", [x(2, cin, 9), x(cout, cin // g, k), x(cout)], {"stride": st, "padding": pad, "dilation": dil, "groups": g})
case("max_pool1d", "max_pool1d", [x(2, 3, 9)], {"kernel": 3, "stride": 2, "padding": 1, "dilation": 1})
case("avg_pool1d", "avg_pool1d", [x(2, 3, 9)], {"kernel": 2, "stride": 2, "padding": 0})
case("adaptive_avg_pool2d/divisible", "adaptive_avg_pool2d", [x(2, 3, 6, 4)], {"size": [3, 2]})
case("adaptive_avg_pool2d/uneven", "adaptive_avg_pool2d", [x(2, 3, 7, 5)], {"size": [3, 2]})
case("adaptive_avg_pool1d", "adaptive_avg_pool1d", [x(2, 3, 10)], {"size": 4})
case("fold", "fold", [x(2, 3 * 2 * 2, 8)], {"out": [5, 7], "kernel": [2, 2], "dilation": [1, 1], "padding": [0, 1], "stride": [2, 2]})
for tag, cin, cout, k, st, pad, opad, dil, g, bias in [("basic", 3, 4, 3, 1, 0, 0, 1, 1, True), ("strided", 2, 3, 3, 2, 1, 1, 1, 1, True),
                                                       ("groups_dilated", 4, 2, 2, 2, 0, 0, 2, 2, False)]:
    ins = [x(2, cin, 4, 5), x(cin, cout // g if g > 1 else cout, k, k)]
    if bias:
        ins.append(x(cout))
    case("conv_transpose2d/" + tag, "conv_transpose2d", ins, {"stride": st, "padding": pad, "output_padding": opad, "dilation": dil, "groups": g})
case("conv_transpose1d", "conv_transpose1d", [x(2, 4, 6), x(4, 3, 3), x(6)], {"stride": 2, "padding": 1, "output_padding": 1, "dilation": 1, "groups": 2})
for tag, size, mode in [("nearest_up", [6, 9], "nearest"), ("nearest_down", [2, 2], "nearest"), ("bilinear_up", [7, 8], "bilinear"), ("bilinear_down", [2, 3], "bilinear")]:
    case("upsample/" + tag, "upsample", [x(2, 3, 4, 5)], {"size": size, "mode": mode})
case("max_pool2d_indices", "max_pool2d_indices", [x(1, 2, 6, 5)], {"kernel": 3, "stride": 2, "padding": 1, "dilation": 1})
for tag, scale, mode in [("nearest_int", [2.0, 3.0], "nearest"), ("nearest_frac", [1.5, 0.7], "nearest"),
                         ("bilinear_frac", [1.7, 2.5], "bilinear"), ("bilinear_down", [0.6, 1.3], "bilinear")]:
    case("upsample_scale/" + tag, "upsample_scale", [x(2, 3, 4, 5)], {"scale": scale, "mode": mode})

# Large logits keep float32 precision: (x − m) − log Σ exp(x − m), not x − logsumexp(x).
case("log_softmax/precision", "log_softmax", [x(base=torch.tensor([[10000.0, 9999.0, 9998.0], [-5000.0, -5001.0, 3.0]], dtype=torch.float64))], {"dim": 1})
case("round", "round", [x(base=torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 0.49, -2.7, 3.2], dtype=torch.float64))], grads=False)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tensor_ops.json")
with open(out, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {out}")
