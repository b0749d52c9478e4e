#!/usr/bin/python3
"""Write traces/golden_tiny: a 16-input, 4-output dense layer with integer weights, for the golden
cycle and energy checks worked out by hand in docs/timing.md and docs/golden.md.

Runs with Debian's python3-numpy:  /usr/bin/python3 scripts/make_golden_trace.py

Weights are W[o][i] = ((5·o + 3·i) mod 15) − 7, so max |W| = 7 and 4-bit quantization keeps them
exactly. The calibration sample is all 15s, so 4-bit activations have scale 1 and the test sample
x[i] = (7·i) mod 16 quantizes to itself.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "traces", "golden_tiny")


def main():
    os.makedirs(OUT, exist_ok=True)
    w = np.array([[((5 * o + 3 * i) % 15) - 7 for i in range(16)] for o in range(4)], dtype=np.float32)
    x = np.array([[(7 * i) % 16 for i in range(16)]], dtype=np.float32)
    np.save(os.path.join(OUT, "dense.weight.npy"), w)
    np.save(os.path.join(OUT, "dense.bias.npy"), np.zeros(4, dtype=np.float32))
    np.save(os.path.join(OUT, "inputs.npy"), x)
    np.save(os.path.join(OUT, "labels.npy"), np.array([int(np.argmax(w @ x[0]))], dtype=np.int64))
    np.save(os.path.join(OUT, "calib.npy"), np.full((1, 16), 15, dtype=np.float32))
    with open(os.path.join(OUT, "network.yaml"), "w") as f:
        f.write("# Golden network, written by scripts/make_golden_trace.py; see docs/golden.md.\n"
                "name: golden_tiny\ninput_shape: [16]\nlayers:\n"
                "  - {name: dense, type: dense, weights: dense.weight.npy, bias: dense.bias.npy, activation: none}\n")
    print("W =\n", w.astype(int), "\nx =", x[0].astype(int), "\nW.x =", (w @ x[0]).astype(int))


if __name__ == "__main__":
    main()
