"""Helpers shared by the golden-file scripts: JSON-safe numbers and tensors as
{"dtype", "shape", "data"} records (the layout tensortest.Array reads)."""
import math

import torch

DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}


def num(v):
    """A float for JSON; NaN and infinities become the strings Go's loader expects."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def arr(t):
    t = torch.as_tensor(t).detach()
    return {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data": [num(v) for v in t.reshape(-1).tolist()]}
