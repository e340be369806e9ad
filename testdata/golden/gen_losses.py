#!/usr/bin/python3
"""Writes losses.json: PyTorch's values and input gradients for every loss and option.

Run with Debian's python3-torch:  /usr/bin/python3 testdata/golden/gen_losses.py
Each case stores input, target, options (reduction, weight, pos_weight, ignore_index,
label_smoothing, beta, log_target), the loss, and d(sum(loss * w))/d(input) for stored w.
Also writes model_repr.json: print(model) for models built from the standard layers.
"""
import json
import math
import os

import torch

from goldenutil import arr, num  # noqa: F401  (shared helpers, beside this script)
import torch.nn as nn

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))






cases = []


def case(name, loss, x, y, **opts):
    kw = dict(opts)
    for k in ("weight", "pos_weight"):
        if k in kw:
            kw[k] = kw[k].to(x.dtype)
    if loss in ("SmoothL1Loss",) and "beta" in kw:
        pass
    if loss == "HuberLoss" and "beta" in kw:
        kw["delta"] = kw.pop("beta")
    fn = getattr(nn, loss)(**kw)
    x = x.clone().requires_grad_(True)
    out = fn(x, y)
    w = torch.rand(out.shape, dtype=x.dtype) + 0.5
    (out * w).sum().backward()
    o = {k: (arr(v) if torch.is_tensor(v) else v) for k, v in opts.items()}
    cases.append({"name": name, "loss": loss, "options": o, "input": arr(x), "target": arr(y),
                  "output": arr(out), "weights": arr(w), "grad": arr(x.grad)})


for dt in (torch.float32, torch.float64):
    tag = str(dt)[6:]
    r = lambda *s: torch.randn(*s, dtype=dt)
    for red in ("mean", "sum", "none"):
        case(f"mse/{red}/{tag}", "MSELoss", r(4, 3), r(4, 3), reduction=red)
        case(f"l1/{red}/{tag}", "L1Loss", r(4, 3), r(4, 3), reduction=red)
        case(f"smooth_l1/{red}/{tag}", "SmoothL1Loss", r(4, 3) * 2, r(4, 3), reduction=red)
        case(f"huber/{red}/{tag}", "HuberLoss", r(4, 3) * 2, r(4, 3), reduction=red)
        p = torch.rand(6, 2, dtype=dt) * 0.98 + 0.01
        yb = (torch.rand(6, 2) > 0.5).to(dt)
        case(f"bce/{red}/{tag}", "BCELoss", p, yb, reduction=red)
        case(f"bce_logits/{red}/{tag}", "BCEWithLogitsLoss", r(6, 2) * 3, yb, reduction=red)
        logits = r(5, 4) * 2
        yc = torch.tensor([0, 3, 1, 3, 2])
        case(f"ce/{red}/{tag}", "CrossEntropyLoss", logits, yc, reduction=red)
        case(f"ce/weight/{red}/{tag}", "CrossEntropyLoss", logits, yc, reduction=red, weight=torch.tensor([1.0, 2.0, 0.5, 3.0]))
        case(f"ce/ignore/{red}/{tag}", "CrossEntropyLoss", logits, torch.tensor([0, -100, 1, 3, -100]), reduction=red)
        case(f"ce/smooth/{red}/{tag}", "CrossEntropyLoss", logits, yc, reduction=red, label_smoothing=0.1)
        case(f"ce/smooth_weight_ignore/{red}/{tag}", "CrossEntropyLoss", logits, torch.tensor([0, 2, 1, 3, 2]), reduction=red,
             label_smoothing=0.2, weight=torch.tensor([1.0, 2.0, 0.5, 3.0]), ignore_index=2)
        probs = torch.softmax(r(5, 4), 1)
        case(f"ce/probs/{red}/{tag}", "CrossEntropyLoss", logits, probs, reduction=red)
        case(f"ce/probs_weight_smooth/{red}/{tag}", "CrossEntropyLoss", logits, probs, reduction=red,
             weight=torch.tensor([1.0, 2.0, 0.5, 3.0]), label_smoothing=0.1)
        case(f"ce/spatial/{red}/{tag}", "CrossEntropyLoss", r(2, 3, 4), torch.tensor([[0, 1, 2, 2], [1, 1, 0, 2]]), reduction=red)
        logp = torch.log_softmax(r(5, 4), 1)
        case(f"nll/{red}/{tag}", "NLLLoss", logp, yc, reduction=red)
        case(f"nll/weight/{red}/{tag}", "NLLLoss", logp, yc, reduction=red, weight=torch.tensor([1.0, 2.0, 0.5, 3.0]))
        tprob = torch.softmax(r(3, 4), 1)
        tprob[0, 1] = 0.0
        case(f"kl/{red}/{tag}", "KLDivLoss", torch.log_softmax(r(3, 4), 1), tprob, reduction=red)
    case(f"kl/batchmean/{tag}", "KLDivLoss", torch.log_softmax(r(3, 4), 1), torch.softmax(r(3, 4), 1), reduction="batchmean")
    case(f"kl/log_target/{tag}", "KLDivLoss", torch.log_softmax(r(3, 4), 1), torch.log_softmax(r(3, 4), 1), reduction="sum", log_target=True)
    case(f"smooth_l1/beta/{tag}", "SmoothL1Loss", r(4, 3) * 2, r(4, 3), beta=0.5)
    case(f"smooth_l1/beta0/{tag}", "SmoothL1Loss", r(4, 3) * 2, r(4, 3), beta=0.0)
    case(f"huber/delta/{tag}", "HuberLoss", r(4, 3) * 2, r(4, 3), beta=0.7)
    case(f"bce/weight/{tag}", "BCELoss", torch.rand(4, 3, dtype=dt) * 0.9 + 0.05, (torch.rand(4, 3) > 0.5).to(dt), weight=torch.rand(3))
    case(f"bce/clamped/{tag}", "BCELoss", torch.tensor([0.0, 1.0, 0.5, 1.0], dtype=dt), torch.tensor([1.0, 0.0, 1.0, 1.0], dtype=dt))
    case(f"bce_logits/pos_weight/{tag}", "BCEWithLogitsLoss", r(5, 3) * 3, (torch.rand(5, 3) > 0.5).to(dt), pos_weight=torch.tensor([1.0, 3.0, 0.5]))
    case(f"bce_logits/weight/{tag}", "BCEWithLogitsLoss", r(5, 3) * 3, (torch.rand(5, 3) > 0.5).to(dt), weight=torch.rand(3))
    case(f"bce_logits/extreme/{tag}", "BCEWithLogitsLoss", torch.tensor([100.0, -100.0, 50.0, -50.0, 0.0], dtype=dt), torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype=dt))
    case(f"ce/extreme/{tag}", "CrossEntropyLoss", torch.tensor([[1000.0, 0.0, -1000.0], [0.0, 0.0, 500.0]], dtype=dt), torch.tensor([1, 2]))
    case(f"ce/1d/{tag}", "CrossEntropyLoss", r(4), torch.tensor(2))

# Ignored rows are never read: −inf logits there leave the loss finite; with every target
# ignored the mean is NaN but the gradient is zero.
for dt in (torch.float32, torch.float64):
    tag = str(dt)[6:]
    inf_logits = torch.tensor([[-math.inf, 0.0, 1.0], [0.5, 2.0, -1.0], [-math.inf, -math.inf, -math.inf]], dtype=dt)
    for red in ("mean", "sum"):
        case(f"ce/ignored_inf/{red}/{tag}", "CrossEntropyLoss", inf_logits[:2], torch.tensor([-100, 1]), reduction=red)
        case(f"ce/all_ignored/{red}/{tag}", "CrossEntropyLoss", torch.tensor([[0.3, -1.0], [2.0, 0.1]], dtype=dt), torch.tensor([-100, -100]), reduction=red)
        case(f"nll/all_ignored/{red}/{tag}", "NLLLoss", torch.tensor([[-0.3, -1.0], [-2.0, -0.1]], dtype=dt), torch.tensor([-100, -100]), reduction=red)
    case(f"ce/all_ignored_smooth/{tag}", "CrossEntropyLoss", torch.tensor([[0.3, -1.0], [2.0, 0.1]], dtype=dt), torch.tensor([-100, -100]), label_smoothing=0.1)

with open(os.path.join(here, "losses.json"), "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} loss cases")

reprs = {
    "circles_mlp": repr(nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))),
    "mixed": repr(nn.Sequential(nn.Flatten(), nn.Linear(784, 256, bias=False), nn.LeakyReLU(0.2), nn.Dropout(0.25), nn.Linear(256, 10), nn.LogSoftmax(dim=1))),
    "lenet": repr(nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                                nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))),
    "conv_options": repr(nn.Sequential(nn.Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 0), dilation=2, groups=2, bias=False),
                                       nn.AvgPool2d(3, stride=1, padding=1), nn.MaxPool2d((2, 3), stride=(1, 2)))),
    "conv1d_stack": repr(nn.Sequential(nn.Conv1d(2, 8, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2), nn.Conv1d(8, 8, 3, stride=2, dilation=2, groups=2, bias=False),
                                       nn.AvgPool1d(3), nn.AdaptiveAvgPool1d(4), nn.AdaptiveAvgPool2d((2, 3)), nn.AdaptiveAvgPool2d(5))),
    "decoder": repr(nn.Sequential(nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.Upsample(size=(6, 9), mode="nearest"),
                                  nn.ConvTranspose2d(4, 2, (2, 3), dilation=2, groups=2, bias=False), nn.Upsample(size=(7, 8), mode="bilinear"))),
    "decoder1d": repr(nn.Sequential(nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), nn.ConvTranspose1d(6, 2, 2, dilation=2, bias=False),
                                    nn.Upsample(scale_factor=2, mode="nearest"), nn.Upsample(scale_factor=(1.5, 2.0), mode="bilinear"))),
    "nested": repr(nn.Sequential(nn.Sequential(nn.Linear(3, 4), nn.Tanh()), nn.GELU(), nn.ELU(), nn.Softplus(), nn.Sigmoid(), nn.Identity(), nn.SiLU(), nn.Softmax(dim=-1))),
}
with open(os.path.join(here, "model_repr.json"), "w") as f:
    json.dump(reprs, f, indent=1)
print("wrote model_repr.json")
