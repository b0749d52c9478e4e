#!/usr/bin/python3
"""Export networks people bring to cimsim, with PyTorch's own ONNX exporter, and record PyTorch's
outputs on a few seeded random inputs so that a test can compare cimsim's float path with them.

Runs with Debian's python3-torch and python3-torchvision:
    /usr/bin/python3 scripts/export_torch_models.py --out DIR [--models a b ...] [--opsets 13 17]

For each network NAME and opset K it writes DIR/NAME_opK.onnx (dynamic batch: the batch axis is
named, not fixed), and once per network DIR/NAME_inputs.npy and DIR/NAME_outputs.npy (float32,
batch first). Weights are PyTorch's default initialisation with a fixed seed; batch norm gets
non-trivial running statistics so that folding it matters. Input resolutions are small (the
architectures allow it) to keep the export and the comparison quick.

Exit status 3 when torch or torchvision cannot be imported (the test then skips with that
message), 2 for an unknown network name.
"""
import argparse
import os
import sys

try:
    import numpy as np
    import torch
    import torchvision
except ImportError as e:  # the caller skips with this message
    print("cannot import %s: install python3-torch and python3-torchvision (scripts/setup.sh --extras)" % e.name,
          file=sys.stderr)
    sys.exit(3)

SEED = 0
BATCH = 3


class TinyLeNet(torch.nn.Module):
    """The idioms of issue reports: x.view(x.size(0), -1) under a dynamic batch, Conv1d and 1-D
    pooling with ceil_mode, average pooling with ceil_mode and padding, reflect padding, x.mean((2, 3))
    and x.sum, GELU (erf and tanh forms), LeakyReLU, PReLU, ELU, HardSwish, SiLU, Tanh, a softmax
    mid-network."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = torch.nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2)
        self.c3 = torch.nn.Conv1d(8, 6, 3, padding=1)
        self.p3 = torch.nn.MaxPool1d(2, ceil_mode=True)
        self.prelu = torch.nn.PReLU(8)
        self.fc1 = torch.nn.Linear(6 * 4 + 8 + 8, 16)
        self.fc2 = torch.nn.Linear(16, 10)

    def forward(self, x):
        x = torch.nn.functional.pad(x, (1, 0, 1, 0), mode="reflect")
        x = torch.nn.functional.leaky_relu(self.c1(x), 0.1)
        x = torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)
        x = self.prelu(self.c2(x))
        g = x.mean((2, 3))
        total = x.sum((2, 3))
        s = x.flatten(2)[:, :, :8]
        s = torch.nn.functional.elu(self.c3(s))
        s = s * torch.softmax(s, dim=-1)
        s = self.p3(torch.nn.functional.hardswish(s))
        h = torch.cat([s.view(s.size(0), -1), torch.nn.functional.silu(g), torch.tanh(total)], 1)
        h = torch.nn.functional.gelu(self.fc1(h), approximate="tanh")
        return self.fc2(torch.nn.functional.gelu(h))


class Encoder(torch.nn.Module):
    """One transformer encoder layer (GELU, batch first) and a classifier on the mean token."""

    def __init__(self):
        super().__init__()
        self.layer = torch.nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, activation="gelu", batch_first=True)
        self.head = torch.nn.Linear(32, 10)

    def forward(self, x):
        return self.head(self.layer(x).mean(1))


class Recurrent(torch.nn.Module):
    """A two-layer LSTM and a GRU (reverse of the sequence is its own test) read at the last step."""

    def __init__(self, kind):
        super().__init__()
        if kind == "lstm":
            self.rnn = torch.nn.LSTM(8, 16, num_layers=2, batch_first=True)
        elif kind == "bilstm":
            self.rnn = torch.nn.LSTM(8, 12, batch_first=True, bidirectional=True)
        else:
            self.rnn = torch.nn.GRU(8, 16, batch_first=True)
        self.head = torch.nn.Linear(self.rnn.hidden_size * (2 if self.rnn.bidirectional else 1), 10)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1])


class Upsampling(torch.nn.Module):
    """The resampling a decoder or a feature pyramid exports (Resize): nearest and bilinear, by a
    scale factor and to sizes, corners aligned or not, one size taken from the input's shape."""

    def __init__(self):
        super().__init__()
        self.enc = torch.nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.dec = torch.nn.Conv2d(16, 2, 3, padding=1)

    def forward(self, x):
        f = torch.nn.functional
        y = torch.relu(self.enc(x))
        a = f.interpolate(y, scale_factor=2, mode="nearest")
        b = f.interpolate(y, scale_factor=2, mode="bilinear", align_corners=False)
        c = f.interpolate(y, size=(8, 8), mode="bilinear", align_corners=True)
        d = f.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)
        z = self.dec(torch.cat([a, b, c, d], 1))
        return f.interpolate(z, size=(5, 7), mode="nearest").flatten(1)


def vision(name, **kw):
    return getattr(torchvision.models, name)(weights=None, num_classes=10, **kw)


# name -> (constructor, input shape without the batch)
NETWORKS = {
    "resnet18": (lambda: vision("resnet18"), (3, 32, 32)),
    "mobilenet_v2": (lambda: vision("mobilenet_v2"), (3, 32, 32)),
    "mobilenet_v3_small": (lambda: vision("mobilenet_v3_small"), (3, 32, 32)),
    "efficientnet_b0": (lambda: vision("efficientnet_b0"), (3, 32, 32)),
    "squeezenet1_0": (lambda: vision("squeezenet1_0"), (3, 64, 64)),
    "shufflenet_v2_x0_5": (lambda: vision("shufflenet_v2_x0_5"), (3, 32, 32)),
    "densenet121": (lambda: vision("densenet121"), (3, 32, 32)),
    "convnext_tiny": (lambda: vision("convnext_tiny"), (3, 32, 32)),
    # vit_b_16's operators (patch convolution, class token, position embedding, multi-head
    # attention, LayerNorm, GELU MLP) at a size a test can run.
    "vit_small": (lambda: torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2,
                                                                hidden_dim=32, mlp_dim=64, num_classes=10), (3, 32, 32)),
    # swin_t's operators (shifted windows: torch.roll as slices, the attention mask built with
    # ScatterND and Mod on constants, relative position bias) at a size a test can run: the first
    # stage's 8 × 8 patches in 4 × 4 windows, shifted by 2.
    "swin_small": (lambda: torchvision.models.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2],
                                                               num_heads=[2, 2], window_size=[4, 4], num_classes=10),
                   (3, 32, 32)),
    # maxvit_t's operators (MBConv with squeeze-excite, block and grid attention written as Einsum,
    # relative position bias) at a size a test can run: two stages of one layer, 4 × 4 partitions.
    "maxvit_small": (lambda: torchvision.models.MaxVit(input_size=(32, 32), stem_channels=8, partition_size=4,
                                                        block_channels=[16, 32], block_layers=[1, 1], head_dim=8,
                                                        stochastic_depth_prob=0.0, num_classes=10), (3, 32, 32)),
    "transformer_encoder": (Encoder, (6, 32)),
    "lstm": (lambda: Recurrent("lstm"), (5, 8)),
    "bilstm": (lambda: Recurrent("bilstm"), (5, 8)),
    "gru": (lambda: Recurrent("gru"), (5, 8)),
    "lenet_idioms": (TinyLeNet, (3, 8, 8)),
    "upsampling": (Upsampling, (3, 8, 8)),
}


def randomise_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.rand(n, generator=gen) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.rand(n, generator=gen) * 0.2 - 0.1)


def export(name, opsets, out):
    make, shape = NETWORKS[name]
    torch.manual_seed(SEED)
    model = make().eval()
    gen = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        randomise_batchnorm(model, gen)
    x = torch.rand((BATCH,) + shape, generator=gen)
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(out, name + "_inputs.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(out, name + "_outputs.npy"), y.numpy().astype(np.float32))
    for opset in opsets:
        path = os.path.join(out, "%s_op%d.onnx" % (name, opset))
        torch.onnx.export(model, x[:1], path, opset_version=opset, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, do_constant_folding=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--models", nargs="*", default=sorted(NETWORKS))
    parser.add_argument("--opsets", nargs="*", type=int, default=[13, 17])
    args = parser.parse_args()
    for m in args.models:
        if m not in NETWORKS:
            print("unknown network '%s'; known: %s" % (m, ", ".join(sorted(NETWORKS))), file=sys.stderr)
            sys.exit(2)
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    import warnings
    warnings.filterwarnings("ignore")
    for m in args.models:
        export(m, args.opsets, args.out)


if __name__ == "__main__":
    main()
