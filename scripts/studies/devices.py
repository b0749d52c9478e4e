#!/usr/bin/python3
"""PCM vs RRAM vs MRAM vs FeFET on the same network: accuracy, energy, area and latency.

Runs scripts/studies/devices.yaml (eight cell presets, zipped with their bits per cell; 5 chip
instances each) through `cimsim sweep` and draws docs/img/devices.png: one bar chart per figure
of merit, with the worst chip marked on the accuracy bars.

Needs the cell presets configs/cells/{pcm_ibm,pcm_hermes,rram_hfo2,rram_neurram,rram_hfox,stt_mram,sot_mram,
fefet_mlc}.yaml.
Debian's /usr/bin/python3 with python3-matplotlib and python3-yaml (scripts/setup.sh --extras).
    scripts/studies/devices.py [--store FILE] [--out PNG] [--jobs N]
"""

import yaml  # Debian's python3-yaml: the cell column holds each point's section as YAML text

import common

args = common.arguments(__doc__, "devices")
rows = common.run("devices", args)
names = ["%s\n%d bit/cell" % (yaml.safe_load(r["cell"])["preset"], r["mapping.bits_per_cell"]) for r in rows]
panels = [("accuracy.chip", 100, "accuracy (%)"), ("energy.per_inference", 1e-3, "energy per inference (nJ)"),
          ("area.total", 1, "area (mm²)"), ("performance.latency_per_inference", 1e-3, "latency per inference (µs)")]
plt = common.pyplot()
fig, axes = plt.subplots(1, 4, figsize=(14, 4))
for ax, (column, scale, label) in zip(axes, panels):
    ax.bar(range(len(rows)), [scale * r[column] for r in rows], color="tab:blue")
    if column == "accuracy.chip":
        ax.scatter(range(len(rows)), [scale * r["accuracy.chip_min"] for r in rows], marker="v", color="tab:red",
                   zorder=3, label="worst chip")
        ax.legend(fontsize=8)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=7)
    ax.set_title(label, fontsize=9)
fig.suptitle("Device technologies on the digits MLP (4 tiles of 8 arrays, 8-bit SAR ADCs)", fontsize=10)
common.save(fig, args.out)
