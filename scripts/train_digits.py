#!/usr/bin/python3
"""Train networks on the UCI handwritten digits and export them as cimsim workloads.

Runs with Debian's python3 (python3-torch, python3-sklearn, python3-numpy, python3-onnx):
    /usr/bin/python3 scripts/train_digits.py [--model mlp|cnn|all]

The digits (1797 images of 8x8 pixels, values 0..16) ship inside scikit-learn, so nothing is
downloaded. Pixels are scaled to [0, 1]. A stratified 80/20 split gives 1437 training and 360
test images. Training is seeded and single-threaded, so the exported files are reproducible.

traces/digits_mlp/  a 64-128-10 MLP:
    network.yaml (layer list) with fc*.weight.npy / fc*.bias.npy, model.onnx (float),
    model_qdq.onnx (8-bit QDQ), test_inputs.npy [N, 64], test_labels.npy, calib_inputs.npy
traces/digits_cnn/  a small residual CNN (conv-BN-ReLU, a residual block, max pooling, global
    average pooling, a dense classifier):
    model.onnx (float, batch norm kept as its own node), model_qdq.onnx (8-bit QDQ, batch norm
    folded), test_inputs.npy [N, 1, 8, 8], test_labels.npy, calib_inputs.npy

The QDQ models quantize every Conv/Gemm weight per output channel to int8 codes in [-127, 127]
(symmetric) and every Conv/Gemm input to uint8 (zero point 0, scale = max over the calibration
images / 255), with QuantizeLinear/DequantizeLinear pairs, as ONNX's QDQ format prescribes.
"""
import argparse
import os

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
TRACES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "traces")


def load_split():
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.2, random_state=SEED, stratify=y)


class Mlp(torch.nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.fc1 = torch.nn.Linear(64, hidden)
        self.fc2 = torch.nn.Linear(hidden, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class ResCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        conv = torch.nn.Conv2d
        bn = torch.nn.BatchNorm2d
        self.c1, self.b1 = conv(1, 16, 3, padding=1), bn(16)
        self.c2a, self.b2a = conv(16, 16, 3, padding=1), bn(16)
        self.c2b, self.b2b = conv(16, 16, 3, padding=1), bn(16)
        self.c3, self.b3 = conv(16, 32, 3, padding=1), bn(32)
        self.fc = torch.nn.Linear(32, 10)

    def forward(self, x):
        r = torch.relu(self.b1(self.c1(x)))
        y = torch.relu(self.b2a(self.c2a(r)))
        y = torch.relu(self.b2b(self.c2b(y)) + r)
        y = torch.nn.functional.max_pool2d(y, 2)
        y = torch.relu(self.b3(self.c3(y)))
        y = torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return self.fc(y)


def train(model, x_train, y_train, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        for start in range(0, len(xt), 64):
            idx = order[start:start + 64]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    return model.eval()


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(dim=1).numpy() == y).mean())


def export_onnx(model, example, path, keep_batchnorm, name):
    # PRESERVE keeps BatchNormalization as a node of its own; EVAL lets the exporter fold it.
    mode = torch.onnx.TrainingMode.PRESERVE if keep_batchnorm else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, example, path, opset_version=13, training=mode, do_constant_folding=not keep_batchnorm,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    exported = onnx.load(path)
    exported.graph.name = name
    onnx.save(exported, path)


def matrix_input_ranges(model, x_calib):
    """Largest input value of every Conv/Linear, in forward order (the order of the ONNX nodes)."""
    ranges = []
    hooks = [m.register_forward_pre_hook(lambda _m, inp: ranges.append(float(inp[0].abs().max())))
             for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        model(torch.from_numpy(x_calib))
    for h in hooks:
        h.remove()
    return ranges


def to_qdq(float_path, qdq_path, input_ranges):
    """Rewrites a float ONNX model (batch norm folded) into the QDQ format."""
    model = onnx.load(float_path)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    nodes = []
    matrix = 0
    for node in graph.node:
        if node.op_type in ("Conv", "Gemm"):
            name = f"q{matrix}"
            # Weight: int8 codes per output channel, symmetric.
            w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float64)
            flat = w.reshape(w.shape[0], -1)
            scale = np.maximum(np.abs(flat).max(axis=1), 1e-12) / 127.0
            codes = np.clip(np.round(flat / scale[:, None]), -127, 127).astype(np.int8).reshape(w.shape)
            graph.initializer.extend([
                numpy_helper.from_array(codes, f"{name}_w_q"),
                numpy_helper.from_array(scale.astype(np.float32), f"{name}_w_scale"),
                numpy_helper.from_array(np.zeros(w.shape[0], np.int8), f"{name}_w_zero"),
            ])
            nodes.append(helper.make_node("DequantizeLinear", [f"{name}_w_q", f"{name}_w_scale", f"{name}_w_zero"],
                                          [f"{name}_w"], name=f"{name}_w_dq", axis=0))
            # Input: uint8, zero point 0, scale from the calibration images.
            x_scale = np.float32(max(input_ranges[matrix], 1e-12) / 255.0)
            graph.initializer.extend([
                numpy_helper.from_array(np.array(x_scale, np.float32), f"{name}_x_scale"),
                numpy_helper.from_array(np.array(0, np.uint8), f"{name}_x_zero"),
            ])
            nodes.append(helper.make_node("QuantizeLinear", [node.input[0], f"{name}_x_scale", f"{name}_x_zero"],
                                          [f"{name}_x_q"], name=f"{name}_x_quant"))
            nodes.append(helper.make_node("DequantizeLinear", [f"{name}_x_q", f"{name}_x_scale", f"{name}_x_zero"],
                                          [f"{name}_x"], name=f"{name}_x_dequant"))
            node.input[0] = f"{name}_x"
            node.input[1] = f"{name}_w"
            matrix += 1
        nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    keep = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
    onnx.checker.check_model(model)
    onnx.save(model, qdq_path)


def write_layer_list(model, out, acc):
    lines = [
        "# UCI handwritten digits MLP, written by scripts/train_digits.py; do not edit by hand.",
        f"# Software (float32) accuracy on the 360-image test split: {acc * 100:.2f} %",
        "name: digits_mlp",
        "input_shape: [64]",
        "layers:",
    ]
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    for i, lin in enumerate(linears):
        name = f"fc{i + 1}"
        np.save(os.path.join(out, f"{name}.weight.npy"), lin.weight.detach().numpy().astype(np.float32))
        np.save(os.path.join(out, f"{name}.bias.npy"), lin.bias.detach().numpy().astype(np.float32))
        act = "relu" if i + 1 < len(linears) else "none"
        lines += [f"  - name: {name}", "    type: dense", f"    weights: {name}.weight.npy",
                  f"    bias: {name}.bias.npy", f"    activation: {act}"]
    with open(os.path.join(out, "network.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def export_workload(kind, epochs):
    x_train, x_test, y_train, y_test = load_split()
    if kind == "cnn":
        x_train, x_test = x_train.reshape(-1, 1, 8, 8), x_test.reshape(-1, 1, 8, 8)
    torch.manual_seed(SEED)  # weight initialisation
    model = train(Mlp() if kind == "mlp" else ResCnn(), x_train, y_train, epochs)
    acc = accuracy(model, x_test, y_test)
    out = os.path.join(TRACES, f"digits_{kind}")
    os.makedirs(out, exist_ok=True)
    x_calib = x_train[:256]
    np.save(os.path.join(out, "test_inputs.npy"), x_test)
    np.save(os.path.join(out, "test_labels.npy"), y_test)
    np.save(os.path.join(out, "calib_inputs.npy"), x_calib)
    if kind == "mlp":
        write_layer_list(model, out, acc)
    example = torch.from_numpy(x_test[:1])
    export_onnx(model, example, os.path.join(out, "model.onnx"), True, f"digits_{kind}")
    folded = os.path.join(out, "model_folded.tmp.onnx")
    export_onnx(model, example, folded, False, f"digits_{kind}_qdq")
    to_qdq(folded, os.path.join(out, "model_qdq.onnx"), matrix_input_ranges(model, x_calib))
    os.remove(folded)
    print(f"{kind}: train {len(x_train)}  test {len(x_test)}  software accuracy {acc * 100:.2f} %  -> {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["mlp", "cnn", "all"], default="all")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for kind, epochs in (("mlp", 100), ("cnn", 30)):
        if args.model in (kind, "all"):
            export_workload(kind, epochs)


if __name__ == "__main__":
    main()
