#!/usr/bin/python3
"""Chip-aware training vs plain 4-bit training: on-chip accuracy against device spread and ADC bits.

Runs scripts/studies/noise_aware_training.yaml (three MNIST MLPs trained at 4 bits: plainly, with
ADC quantization and noise in the loop, with device-to-device variation in the loop; 6 values of
cell.sigma_us x 5 ADC resolutions; 10 programmed chips per point) through `cimsim sweep` and draws
docs/img/noise_aware_training.png: mean (solid) and worst chip (dashed) against the programming
error at 8-bit and at 4-bit ADCs, and against the ADC resolution at the default chip's 0.5 uS.
It also prints the whole grid as a Markdown table (mean, worst chip in parentheses).

The models come from scripts/train_mnist.py (model_qat4.onnx) and scripts/train_mnist_chip.py.
Debian's /usr/bin/python3 with python3-matplotlib and python3-yaml (scripts/setup.sh --extras).
    scripts/studies/noise_aware_training.py [--store FILE] [--out PNG] [--jobs N]
"""

import os

import common

MODELS = {"model_qat4.onnx": "plain 4-bit QAT", "model_qat4_adc.onnx": "ADC quantization + noise in the loop",
          "model_qat4_d2d.onnx": "device variation in the loop"}

args = common.arguments(__doc__, "noise_aware_training")
rows = common.run("noise_aware_training", args)
for r in rows:
    r["model"] = MODELS[os.path.basename(r["workload.network"])]
by_point = {(r["model"], r["cell.sigma_us"], r["adc.bits"]): r for r in rows}
sigmas = sorted({r["cell.sigma_us"] for r in rows})
bits = sorted({r["adc.bits"] for r in rows})

plt = common.pyplot()
fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
panels = [("cell.sigma_us", sigmas, {"adc.bits": 8}, "programming error σ (µS), 8-bit ADC"),
          ("cell.sigma_us", sigmas, {"adc.bits": 4}, "programming error σ (µS), 4-bit ADC"),
          ("adc.bits", bits, {"cell.sigma_us": 0.5}, "ADC resolution (bit), σ = 0.5 µS")]
for ax, (key, xs, fixed, xlabel) in zip(axes, panels):
    for model in MODELS.values():
        points = []
        for x in xs:
            at = dict(fixed, **{key: x})
            r = by_point.get((model, at["cell.sigma_us"], at["adc.bits"]))
            if r:
                points.append((x, 100 * r["accuracy.chip"], 100 * r["accuracy.chip_min"]))
        if not points:
            continue
        line, = ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=model + ", mean")
        ax.plot([p[0] for p in points], [p[2] for p in points], marker="v", linestyle="--",
                color=line.get_color(), label=model + ", worst chip")
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
axes[0].set_ylabel("accuracy on 2,000 MNIST test digits (%)")
axes[0].legend(fontsize=7)
fig.suptitle("MNIST MLP at 4 bits on the default chip, %d chips per point" % rows[0]["accuracy.chip_instances"],
             fontsize=10)
common.save(fig, args.out)

print("| model | ADC bits | " + " | ".join("σ = %g µS" % s for s in sigmas) + " |")
print("|---|---|" + "---|" * len(sigmas))
for model in MODELS.values():
    for b in bits:
        cells = []
        for s in sigmas:
            r = by_point.get((model, s, b))
            cells.append("%.2f (%.2f)" % (100 * r["accuracy.chip"], 100 * r["accuracy.chip_min"]) if r else "—")
        print("| %s | %d | %s |" % (model, b, " | ".join(cells)))
