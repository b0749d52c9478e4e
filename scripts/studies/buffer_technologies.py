#!/usr/bin/python3
"""SRAM vs STT-, SOT- and VGSOT-MRAM buffers on ResNet-18 and VGG-8, at iso-capacity and iso-area.

Runs scripts/studies/buffer_technologies.yaml (2 networks x 3 scenarios x 4 technologies) through
`cimsim sweep`, prints per point the energy, latency, area and energy-delay product per inference
(whole chip, and the buffers' share: their accesses, their leakage and the DRAM traffic), each as
a ratio to SRAM in the same scenario, and draws docs/img/buffer_technologies.png. Compare with
DeepNVM++ (docs/memories.md). Debian's /usr/bin/python3 with python3-matplotlib.
    scripts/studies/buffer_technologies.py [--store FILE] [--out PNG] [--jobs N]
"""

import os

import common

TECHNOLOGIES = ["sram", "stt_mram", "sot_mram", "vgsot_mram"]
SCENARIOS = ["iso_capacity", "iso_area", "iso_capacity_hp"]
LABELS = {"sram": "SRAM", "stt_mram": "STT-MRAM", "sot_mram": "SOT-MRAM", "vgsot_mram": "VGSOT-MRAM"}


def technology(row):
    """The technology of a point, from the tile buffer's section as the store records it."""
    for name in ["vgsot_mram", "sot_mram", "stt_mram", "sram"]:
        if name in str(row["tile_buffer"]):
            return name
    raise ValueError("unknown technology in %r" % row["tile_buffer"])


def figures(row):
    energy = row["energy.per_inference"]
    latency = row["performance.latency_per_inference"]
    buffers = sum(row["energy.components." + k] for k in ("tile_buffers", "global_buffer", "leakage", "dram"))
    return {
        "energy": energy,
        "latency": latency,
        "area": row["area.total"],
        "edp": energy * latency,
        "buffer_energy": buffers,
        "buffer_edp": buffers * latency,
        "buffer_area": row["area.components.tile_buffers"] + row["area.components.global_buffer"],
        "dram_bits": row["memories.dram.read"] + row["memories.dram.write"],
    }


args = common.arguments(__doc__, "buffer_technologies")
rows = common.run("buffer_technologies", args)
points = {}
for r in rows:
    network = os.path.basename(os.path.dirname(r["workload.network"]))
    if r["chip.global_buffer_kib"] < 4096:
        scenario = "iso_area"
    else:
        scenario = "iso_capacity_hp" if r["tech.sram_leakage_pw_per_bit"] > 100 else "iso_capacity"
    points[(network, scenario, technology(r))] = figures(r)

networks = sorted({k[0] for k in points})
print("%-18s %-15s %-11s %9s %9s %9s %9s %11s %11s %9s %12s" % (
    "network", "scenario", "technology", "energy", "latency", "area", "EDP", "buffer E", "buffer EDP",
    "buf area", "DRAM bit"))
for network in networks:
    for scenario in SCENARIOS:
        base = points.get((network, scenario, "sram"))
        if not base:
            continue
        for tech in TECHNOLOGIES:
            p = points.get((network, scenario, tech))
            if not p:
                continue
            print("%-18s %-15s %-11s %8.3fx %8.3fx %8.3fx %8.3fx %10.3fx %10.3fx %8.3fx %12.0f" % (
                network, scenario, tech, p["energy"] / base["energy"], p["latency"] / base["latency"],
                p["area"] / base["area"], p["edp"] / base["edp"], p["buffer_energy"] / base["buffer_energy"],
                p["buffer_edp"] / base["buffer_edp"], p["buffer_area"] / base["buffer_area"], p["dram_bits"]))

plt = common.pyplot()
metrics = [("buffer_area", "buffer area"), ("buffer_energy", "buffer energy"), ("latency", "latency"),
           ("buffer_edp", "buffer EDP")]
fig, axes = plt.subplots(len(SCENARIOS), len(metrics), figsize=(12, 8), sharey="col")
width = 0.8 / len(TECHNOLOGIES)
for row_i, scenario in enumerate(SCENARIOS):
    for col_i, (key, title) in enumerate(metrics):
        ax = axes[row_i][col_i]
        for t_i, tech in enumerate(TECHNOLOGIES):
            values = []
            for network in networks:
                base, p = points.get((network, scenario, "sram")), points.get((network, scenario, tech))
                values.append(p[key] / base[key] if base and p else float("nan"))
            ax.bar([n + (t_i - 1.5) * width for n in range(len(networks))], values, width, label=LABELS[tech])
        ax.axhline(1, color="grey", linewidth=0.8)
        ax.set_yscale("log")
        ax.set_xticks(range(len(networks)))
        ax.set_xticklabels([n.replace("_cifar10", "") for n in networks], fontsize=8)
        ax.set_title("%s, %s" % (title, scenario.replace("_hp", ", HP leakage").replace("_", "-")), fontsize=9)
        if col_i == 0:
            ax.set_ylabel("ratio to SRAM")
axes[0][0].legend(fontsize=7)
fig.suptitle("Buffer technologies per inference (32 nm, 1024 tiles, DDR4 behind the global buffer)", fontsize=10)
common.save(fig, args.out)
