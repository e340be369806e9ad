#!/usr/bin/python3
"""Writes print.json: PyTorch's str() of assorted tensors, for Ember's printing test.

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_print.py
Each case stores the tensor (dtype, shape, values), whether it is a requires-grad leaf or the
result of multiplying such a leaf by 1 (grad_fn=<MulBackward0>), and the expected string.
"""
import json
import math
import os

import torch

torch.manual_seed(1)


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


cases = []


def case(name, t, mode="plain"):
    dtype = str(t.dtype)[6:]
    data = [num(v) for v in t.reshape(-1).tolist()]
    shown = t
    if mode in ("leaf", "mul"):
        shown = t.clone().requires_grad_(True)
        if mode == "mul":
            shown = shown * 1
    cases.append({"name": name, "dtype": dtype, "shape": list(t.shape), "data": data, "mode": mode, "str": str(shown)})


case("matrix", torch.randn(3, 4))
case("scalar", torch.tensor(3.14159))
case("int_scalar", torch.tensor(7))
case("vector_ints_as_floats", torch.tensor([1.0, 2.0, -3.0]))
case("int64", torch.tensor([[1, -20], [300, 4]]))
case("bool", torch.tensor([True, False, True]))
case("float64", torch.randn(2, 3, dtype=torch.float64))
case("sci_small", torch.tensor([1e-5, 1.0, 2.5]))
case("sci_large", torch.tensor([1e9, 1.0]))
case("int_sci", torch.tensor([1.0, 5000.0]))
case("nonfinite", torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5]))
case("nonfinite_ints", torch.tensor([float("nan"), 2.0, -float("inf")]))
case("zeros", torch.zeros(2, 2))
case("3d", torch.randn(2, 3, 2))
case("long_vector", torch.randn(30))
case("summarized_vector", torch.arange(2000.0))
case("summarized_matrix", torch.randn(50, 40))
case("summarized_3d", torch.randn(10, 10, 11))
case("empty", torch.zeros(0))
case("empty_2d", torch.zeros(0, 3))
case("leaf", torch.randn(2, 2), "leaf")
case("grad_fn", torch.randn(2, 3), "mul")
case("grad_fn_wrap", torch.randn(8), "mul")
case("float64_grad", torch.randn(4, dtype=torch.float64), "mul")
case("negative_zero_width", torch.tensor([-0.5, 10.25, 100.125]))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "print.json")
with open(out, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} cases to {out}")
