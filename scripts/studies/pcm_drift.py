#!/usr/bin/python3
"""PCM time since programming (1 s ... 1 year) vs accuracy, with and without drift compensation.

Runs scripts/studies/pcm_drift.yaml (3 compensation modes x 9 times, 3 chip instances each)
through `cimsim sweep` and draws docs/img/pcm_drift.png: accuracy against the time since
programming, mean over the chip instances with a band down to the worst chip.

Needs the PCM cell preset configs/cells/pcm_ibm.yaml and the drift_compensation section.
Debian's /usr/bin/python3 with python3-matplotlib and python3-yaml (scripts/setup.sh --extras).
    scripts/studies/pcm_drift.py [--store FILE] [--out PNG] [--jobs N]
"""

import common

args = common.arguments(__doc__, "pcm_drift")
rows = common.run("pcm_drift", args)
plt = common.pyplot()
fig, ax = plt.subplots(figsize=(6.5, 4))
labels = {"none": "no compensation", "global": "global gain", "per_column": "per-column gain"}
for mode, label in labels.items():
    mine = sorted((r for r in rows if r["drift_compensation.mode"] == mode), key=lambda r: r["run.t_inference_s"])
    if not mine:
        continue
    t = [r["run.t_inference_s"] for r in mine]
    line, = ax.plot(t, [100 * r["accuracy.chip"] for r in mine], marker="o", label=label)
    ax.fill_between(t, [100 * r["accuracy.chip_min"] for r in mine], [100 * r["accuracy.chip"] for r in mine],
                    color=line.get_color(), alpha=0.2)
ax.axhline(100 * rows[0]["accuracy.quantized"], color="grey", linestyle="--", label="quantized network, exact")
ax.set_xscale("log")
for seconds, name in [(60, "1 min"), (3600, "1 h"), (86400, "1 day"), (2592000, "1 month"), (31536000, "1 year")]:
    ax.axvline(seconds, color="lightgrey", linewidth=0.8, zorder=0)
    ax.text(seconds, ax.get_ylim()[0], " " + name, rotation=90, va="bottom", fontsize=7, color="grey")
ax.set_xlabel("time since programming (s)")
ax.set_ylabel("accuracy (%): mean, band to the worst chip")
ax.set_title("PCM drift on the digits CNN (3 chips per point)", fontsize=10)
ax.legend(fontsize=8)
common.save(fig, args.out)
