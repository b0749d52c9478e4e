#!/usr/bin/python3
"""A straightforward numpy/OpenBLAS implementation of the bit-sliced crossbar computation that
bench/bench_functional times, run on the same shape-only network with the same settings, and the
ratio of the two per image, both measured in this run (docs/performance.md, "Functional engine").

The computation, per matrix layer and image: inputs quantized to 8-bit codes and cut into 8
one-bit slices (1-bit DACs); 8-bit weights cut into four 2-bit digits per sign, each weight a
differential pair of cells whose conductances are programmed once with a Gaussian error and read
as one analog difference; 128-row arrays, so each row block of 128 inputs is one product per input
slice (all outputs and weight slices in one matrix); read noise drawn on every read with the
variance the driven cells add up to; an 8-bit ADC over the largest difference a read of the block
can give; shift-add of the codes. Digital layers (residual add, pooling) run in numpy too. Nothing here is vectorised
beyond what a plain implementation would do: one BLAS product per (row block, input slice).

  /usr/bin/python3 bench/numpy_bitsliced.py                 # ResNet-18 CIFAR-10, 4 images
  /usr/bin/python3 bench/numpy_bitsliced.py --images 2 --network traces/vgg8_cifar10/network.yaml
  /usr/bin/python3 bench/numpy_bitsliced.py --rounds 5          # alternately, five times: median ratio

numpy must run on OpenBLAS (Debian: apt-get install libopenblas0-pthread), not the reference BLAS
it falls back to (one image took 129 s on it, on a loaded machine); the script prints the BLAS it
found.
Needs build/bench/bench_functional (the Release build).
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The settings bench_functional uses (its header and its default cell).
WEIGHT_BITS, ACT_BITS, CELL_BITS, ROWS, ADC_BITS = 8, 8, 2, 128, 8
G_MAX_US = 25.0                     # gaussian cell: G_min 0, G_max 25 µS
DELTA_G_US = G_MAX_US / (2 ** CELL_BITS - 1)
SIGMA_PROG_US = 0.5                 # programming error, drawn once
READ_RELATIVE = 0.02                # read noise: 2 % of G on every read


class Layer:
    def __init__(self, spec, in_shape, rng):
        self.spec = spec
        self.kind = spec["type"]
        self.in_shape = in_shape
        c, h, w = in_shape
        if self.kind == "conv":
            k, s, p = spec["kernel"], spec.get("stride", 1), spec.get("padding", 0)
            self.k, self.s, self.p = k, s, p
            oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            self.out_shape = (spec["out_channels"], oh, ow)
            self.program(c * k * k, spec["out_channels"], rng)
        elif self.kind == "dense":
            self.out_shape = (spec["out_features"], 1, 1)
            self.program(c * h * w, spec["out_features"], rng)
        elif self.kind in ("avgpool", "maxpool"):
            k = spec["kernel"]
            self.k = k
            self.out_shape = (c, h // k, w // k)
        else:  # add
            self.out_shape = in_shape

    def program(self, n_in, n_out, rng):
        """Weight codes, their digits per sign, and the programmed conductance differences."""
        wmax = 2 ** (WEIGHT_BITS - 1) - 1
        codes = rng.integers(-wmax, wmax + 1, size=(n_out, n_in))
        slices = (WEIGHT_BITS - 1 + CELL_BITS - 1) // CELL_BITS
        mask = 2 ** CELL_BITS - 1
        g, var = [], []
        for k in range(slices):
            plus = (np.maximum(codes, 0) >> (CELL_BITS * k)) & mask
            minus = (np.maximum(-codes, 0) >> (CELL_BITS * k)) & mask
            g_plus = plus * DELTA_G_US + rng.normal(0, SIGMA_PROG_US, plus.shape)
            g_minus = minus * DELTA_G_US + rng.normal(0, SIGMA_PROG_US, minus.shape)
            g.append((g_plus - g_minus) / DELTA_G_US)
            var.append(((READ_RELATIVE * g_plus) ** 2 + (READ_RELATIVE * g_minus) ** 2) / DELTA_G_US ** 2)
        # Readouts (output, weight slice) down the rows, inputs across: one matrix per row block.
        self.g = np.concatenate(g, axis=0).astype(np.float32)
        self.var = np.concatenate(var, axis=0).astype(np.float32)
        self.digit_weight = np.repeat(2.0 ** (CELL_BITS * np.arange(slices)), n_out)
        self.n_out = n_out
        self.n_in = n_in

    def lower(self, x):
        """im2col: one column of k·k·c inputs per output pixel."""
        c, h, w = self.in_shape
        k, s, p = self.k, self.s, self.p
        xp = np.pad(x.reshape(c, h, w), ((0, 0), (p, p), (p, p)))
        _, oh, ow = self.out_shape
        cols = np.empty((c, k, k, oh, ow), dtype=x.dtype)
        for i in range(k):
            for j in range(k):
                cols[:, i, j] = xp[:, i:i + s * oh:s, j:j + s * ow:s]
        return cols.reshape(c * k * k, oh * ow)

    def crossbar(self, u, input_weight, rng):
        """The bit-sliced product of input codes u (inputs × vectors, ACT_BITS-bit patterns)."""
        acc = np.zeros((self.g.shape[0], u.shape[1]))
        for r0 in range(0, self.n_in, ROWS):
            g, var = self.g[:, r0:r0 + ROWS], self.var[:, r0:r0 + ROWS]
            # The ADC spans the largest difference a read of these rows can give.
            lsb = g.shape[1] * (2 ** CELL_BITS - 1) / (2 ** (ADC_BITS - 1) - 1)
            for s in range(ACT_BITS):
                bits = ((u[r0:r0 + ROWS] >> s) & 1).astype(np.float32)
                i = g @ bits
                i += np.sqrt(var @ bits) * rng.standard_normal(i.shape, dtype=np.float32)
                code = np.clip(np.rint(i / lsb), -(2 ** (ADC_BITS - 1)), 2 ** (ADC_BITS - 1) - 1)
                acc += input_weight[s] * code * lsb
        return (self.digit_weight[:, None] * acc).reshape(-1, self.n_out, u.shape[1]).sum(axis=0)

    def run(self, inputs, rng):
        x = inputs[0]
        if self.kind in ("conv", "dense"):
            # Unsigned codes when the input is never negative, two's complement otherwise (the top
            # slice then weighs −2^(ab−1)).
            signed = bool((x < 0).any())
            top = 2 ** (ACT_BITS - 1) - 1 if signed else 2 ** ACT_BITS - 1
            scale = max(float(np.abs(x).max()), 1e-12) / top
            codes = np.rint(x / scale).astype(np.int64) & (2 ** ACT_BITS - 1)
            u = self.lower(codes) if self.kind == "conv" else codes.reshape(-1, 1)
            input_weight = [2.0 ** s for s in range(ACT_BITS)]
            if signed:
                input_weight[-1] = -input_weight[-1]
            y = self.crossbar(u, input_weight, rng) * scale
        elif self.kind == "add":
            y = inputs[0] + inputs[1]
        else:
            c, h, w = self.in_shape
            k = self.k
            v = x.reshape(c, h // k, k, w // k, k)
            y = v.mean(axis=(2, 4)) if self.kind == "avgpool" else v.max(axis=(2, 4))
        y = y.reshape(-1)
        if self.spec.get("activation") == "relu":
            y = np.maximum(y, 0)
        return y


def build(network_path, rng):
    net = yaml.safe_load(open(network_path))
    shapes, layers = {}, []
    prev = None
    for spec in net["layers"]:
        srcs = spec.get("input", prev)
        srcs = [srcs] if isinstance(srcs, str) or srcs is None else srcs
        in_shape = tuple(net["input_shape"]) if srcs == [None] else shapes[srcs[0]]
        layer = Layer(spec, in_shape, rng)
        layers.append((spec["name"], srcs, layer))
        shapes[spec["name"]] = layer.out_shape
        prev = spec["name"]
    return net, layers


def forward(layers, image, rng):
    outs = {}
    for name, srcs, layer in layers:
        inputs = [image if s is None else outs[s] for s in srcs]
        outs[name] = layer.run(inputs, rng)
    return outs[layers[-1][0]]


def blas_library():
    """The BLAS shared object numpy has loaded (after a product has run)."""
    np.ones((64, 64)) @ np.ones((64, 64))
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower() and line.split()[-1].startswith("/")}
    return ", ".join(sorted(libs)) or "unknown"


def bench_functional(network, images):
    exe = os.path.join(ROOT, "build", "bench", "bench_functional")
    out = subprocess.run([exe, network, str(images), "0"], check=True, capture_output=True, text=True).stdout
    per_image = float(re.search(r"\(([\d.]+) s per image\)", out).group(1))
    threads = int(re.search(r"threads\s+(\d+)", out).group(1))
    return per_image, threads


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--network", default=os.path.join(ROOT, "traces", "resnet18_cifar10", "network.yaml"))
    ap.add_argument("--images", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=1,
                    help="numpy and cimsim timed alternately this many times; the ratio of each round and "
                         "their median are printed (the machine's speed drifts between minutes)")
    args = ap.parse_args()
    if args.images < 1 or args.rounds < 1:
        ap.error("--images and --rounds must be at least 1")
    rng = np.random.default_rng(1)
    net, layers = build(args.network, rng)
    image_shape = tuple(net["input_shape"])
    print(f"network               {net['name']}")
    print(f"numpy {np.__version__} on       {blas_library()}")
    ratios = []
    for r in range(args.rounds):
        t0 = time.perf_counter()
        for _ in range(args.images):
            forward(layers, rng.random(int(np.prod(image_shape)), dtype=np.float32), rng)
        numpy_s = (time.perf_counter() - t0) / args.images
        cimsim_s, threads = bench_functional(args.network, args.images)
        ratios.append(numpy_s / cimsim_s)
        label = f"round {r + 1}: " if args.rounds > 1 else ""
        print(f"{label}numpy {numpy_s:.3f} s per image, cimsim {cimsim_s:.3f} s per image "
              f"(bench_functional, {threads} threads): {ratios[-1]:.2f}x")
    print(f"cimsim / numpy speed  {float(np.median(ratios)):.2f}x"
          + (f" (median of {args.rounds} rounds, {min(ratios):.2f}-{max(ratios):.2f}x)" if args.rounds > 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
