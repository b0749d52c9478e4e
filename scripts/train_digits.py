#!/usr/bin/python3
"""Train a small MLP on the UCI handwritten digits and export it as a cimsim workload.

Runs with Debian's python3 (python3-torch, python3-sklearn, python3-numpy, python3-yaml):
    /usr/bin/python3 scripts/train_digits.py [--out traces/digits_mlp]

The digits (1797 images of 8x8 pixels, values 0..16) ship inside scikit-learn, so nothing is
downloaded. Pixels are scaled to [0, 1]. A stratified 80/20 split gives 1437 training and 360
test images. Training is seeded and single-threaded, so the exported files are reproducible.

Writes into --out: network.yaml (the layer list), <layer>.weight.npy / <layer>.bias.npy
(float32, weight shape [out, in]), test_inputs.npy (float32 [N, 64]), test_labels.npy (int64 [N]),
calib_inputs.npy (float32, 256 training images for activation and ADC calibration).
"""
import argparse
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0


def load_split():
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.2, random_state=SEED, stratify=y)


def train_mlp(x_train, y_train, hidden, epochs):
    torch.manual_seed(SEED)
    model = torch.nn.Sequential(
        torch.nn.Linear(x_train.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, 10),
    )
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=gen)
        for start in range(0, len(xt), 64):
            idx = order[start:start + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return model


def accuracy(model, x, y):
    with torch.no_grad():
        pred = model(torch.from_numpy(x)).argmax(dim=1).numpy()
    return float((pred == y).mean())


def export(model, out, x_test, y_test, x_calib, acc):
    os.makedirs(out, exist_ok=True)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    lines = [
        "# UCI handwritten digits MLP, written by scripts/train_digits.py; do not edit by hand.",
        f"# Software (float32) accuracy on the 360-image test split: {acc * 100:.2f} %",
        "name: digits_mlp",
        "input_shape: [64]",
        "layers:",
    ]
    for i, lin in enumerate(linears):
        name = f"fc{i + 1}"
        np.save(os.path.join(out, f"{name}.weight.npy"), lin.weight.detach().numpy().astype(np.float32))
        np.save(os.path.join(out, f"{name}.bias.npy"), lin.bias.detach().numpy().astype(np.float32))
        act = "relu" if i + 1 < len(linears) else "none"
        lines += [
            f"  - name: {name}",
            "    type: dense",
            f"    weights: {name}.weight.npy",
            f"    bias: {name}.bias.npy",
            f"    activation: {act}",
        ]
    with open(os.path.join(out, "network.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.save(os.path.join(out, "test_inputs.npy"), x_test)
    np.save(os.path.join(out, "test_labels.npy"), y_test)
    np.save(os.path.join(out, "calib_inputs.npy"), x_calib)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "traces", "digits_mlp"))
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=100)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    x_train, x_test, y_train, y_test = load_split()
    model = train_mlp(x_train, y_train, args.hidden, args.epochs)
    acc = accuracy(model, x_test, y_test)
    export(model, args.out, x_test, y_test, x_train[:256], acc)
    print(f"train {len(x_train)}  test {len(x_test)}  software accuracy {acc * 100:.2f} %  -> {args.out}")


if __name__ == "__main__":
    main()
