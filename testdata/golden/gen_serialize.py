#!/usr/bin/python3
"""Writes the serialisation fixtures (Debian's python3-torch and numpy):

- torch_mlp.safetensors: the state dict of PyTorch's Sequential(Linear(3, 5), ReLU(),
  Linear(5, 2)) in the safetensors layout (written here by hand: 8-byte header length,
  JSON header, little-endian data), plus x and PyTorch's output for it;
- ember_file_torch_output: ember_mlp.safetensors (written by Ember:
  go test ./checkpoint -update) loaded into the same PyTorch model, and its output for x;
- npy/*.npy and npz/*.npz: arrays numpy saved, with their expected values.

Run after updating ember_mlp.safetensors:  /usr/bin/python3 testdata/golden/gen_serialize.py
"""
import json
import os
import struct

import numpy as np
import torch

from goldenutil import arr, num  # noqa: F401  (shared helpers, beside this script)

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)




def write_safetensors(path, tensors, metadata):
    header, data, pos = {}, b"", 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        raw = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [pos, pos + len(raw)]}
        data += raw
        pos += len(raw)
    hb = json.dumps(header).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb + data)


def read_safetensors(path):
    with open(path, "rb") as f:
        b = f.read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    data = b[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32"
        lo, hi = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[lo:hi], dtype="<f4").reshape(e["shape"]).copy())
    return out, header.get("__metadata__", {})


model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
x = torch.randn(4, 3)
write_safetensors(os.path.join(here, "torch_mlp.safetensors"), model.state_dict(), {"format": "pt"})
out = {"x": arr(x), "torch_output": arr(model(x))}

state, meta = read_safetensors(os.path.join(here, "ember_mlp.safetensors"))
model.load_state_dict(state, strict=True)
out["ember_file_torch_output"] = arr(model(x))
out["ember_file_metadata"] = meta

os.makedirs(os.path.join(here, "npy"), exist_ok=True)
rng = np.random.RandomState(0)
arrays = {
    "f4": rng.randn(2, 3).astype("<f4"),
    "f8": rng.randn(4).astype("<f8"),
    "i8": np.array([[-3, 4], [5, 1234567890123]], dtype="<i8"),  # exact in the JSON's float64
    "b1": np.array([True, False, True]),
    "i4": np.array([1, -2, 3], dtype="<i4"),
    "u1": np.array([0, 200, 255], dtype="u1"),
    "f4_big_endian": rng.randn(3).astype(">f4"),
    "f2": np.array([0.5, -2.0, 65504.0], dtype="<f2"),
    "fortran": np.asfortranarray(rng.randn(2, 3, 2)),
    "scalar": np.array(3.25),
    "empty": np.zeros((0, 4), dtype="<f4"),
}
out["npy"] = {}
for name, a in arrays.items():
    fn = f"npy/{name}.npy"
    np.save(os.path.join(here, fn), a)
    # Ember reads floats of any width as float32/float64 and integers as int64.
    if a.dtype.kind == "f":
        want = a.astype("<f8" if a.dtype.itemsize == 8 else "<f4")
    elif a.dtype.kind in "iu":
        want = a.astype("<i8")
    else:
        want = a
    t = torch.from_numpy(np.ascontiguousarray(want).reshape(a.shape))
    out["npy"][name] = {"file": fn, "want": arr(t)}
np.savez(os.path.join(here, "npy/plain.npz"), a=arrays["f4"], b=arrays["i8"])
np.savez_compressed(os.path.join(here, "npy/compressed.npz"), a=arrays["f8"], flags=arrays["b1"])
out["npz"] = {
    "npy/plain.npz": {"a": arr(torch.from_numpy(arrays["f4"].astype(np.float64))), "b": arr(torch.from_numpy(arrays["i8"]))},
    "npy/compressed.npz": {"a": arr(torch.from_numpy(arrays["f8"])), "flags": arr(torch.from_numpy(arrays["b1"]))},
}
with open(os.path.join(here, "serialize.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote serialize fixtures")
