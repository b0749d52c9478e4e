#!/usr/bin/python3
"""Writes the ONNX seeds of fuzz/fuzz_onnx.cpp beside the shipped models: small networks whose
graphs hold the indexing and resampling idioms of recent torchvision models (Swin's rolled windows
and ScatterND masks, MaxViT's Einsum attention, shape arithmetic with Mod, F.interpolate), with
few weights so that a mutation lands in the graph more often than in a weight.

    /usr/bin/python3 fuzz/seeds/onnx/make_seeds.py
"""

import os

import torch
import torch.nn.functional as F


class Idioms(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Conv2d(2, 4, 1)
        self.qkv = torch.nn.Linear(4, 12)

    def forward(self, x):
        y = self.proj(x)                                   # [N, 4, 6, 6]
        pad = (4 - y.shape[-1] % 4) % 4                    # Mod on a shape
        y = F.pad(y, (0, pad, 0, pad))                     # [N, 4, 8, 8]
        y = torch.roll(y, shifts=(-2, -2), dims=(2, 3))    # open slices and Concat
        mask = y.new_zeros((8, 8))
        mask[0:4, 4:] = 1.0                                # ScatterND on a constant
        t = (y + mask).flatten(2).transpose(1, 2)          # [N, 64, 4]
        q, k, v = self.qkv(t).chunk(3, dim=-1)
        a = torch.einsum("bid,bjd->bij", q, k).softmax(-1)
        t = torch.einsum("bij,bjd->bid", a, v)             # [N, 64, 4]
        z = t.transpose(1, 2).reshape(-1, 4, 8, 8)
        z = F.interpolate(z, scale_factor=0.5, mode="bilinear", align_corners=False)
        return F.interpolate(z, size=(3, 5), mode="nearest").flatten(1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    model = Idioms().eval()
    x = torch.rand(1, 2, 6, 6)
    for opset in (13, 17):
        torch.onnx.export(model, x, os.path.join(here, "idioms_op%d.onnx" % opset), opset_version=opset,
                          input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})


if __name__ == "__main__":
    main()
