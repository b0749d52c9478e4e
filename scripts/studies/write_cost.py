#!/usr/bin/python3
"""Write-cost sensitivity: reprogramming energy and stall against pulses per level and pulse time.

Runs scripts/studies/write_cost.yaml (4 pulse counts x 3 pulse durations) through `cimsim sweep`,
prints the programming energy, the reprogramming stall and the latency per inference, and draws
docs/img/write_cost.png. Debian's /usr/bin/python3 with python3-matplotlib.
    scripts/studies/write_cost.py [--store FILE] [--out PNG] [--jobs N]
"""

import common

args = common.arguments(__doc__, "write_cost")
rows = common.run("write_cost", args)
rows.sort(key=lambda r: (r["cell.write_pulse_ns"], r["cell.write_pulses_level"]))
print("%8s %8s %14s %16s %18s" % ("pulses", "ns", "write all (nJ)", "stall/batch (us)", "latency/inf (us)"))
for r in rows:
    print("%8d %8.0f %14.1f %16.1f %18.2f" % (
        r["cell.write_pulses_level"], r["cell.write_pulse_ns"], r["programming.energy"] * 1e-3,
        r["programming.reprogram_time_per_batch"] * 1e-3, r["performance.latency_per_inference"] * 1e-3))

plt = common.pyplot()
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
for ns in sorted({r["cell.write_pulse_ns"] for r in rows}):
    mine = [r for r in rows if r["cell.write_pulse_ns"] == ns]
    pulses = [r["cell.write_pulses_level"] for r in mine]
    axes[0].plot(pulses, [r["performance.latency_per_inference"] * 1e-3 for r in mine], marker="o",
                 label="%g ns pulses" % ns)
axes[1].plot([r["cell.write_pulses_level"] for r in rows if r["cell.write_pulse_ns"] == 100],
             [r["programming.energy"] * 1e-3 for r in rows if r["cell.write_pulse_ns"] == 100], marker="o")
for ax in axes:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pulses per level (program-and-verify)")
axes[0].set_ylabel("latency per inference (us), 16-inference batches")
axes[0].legend(fontsize=8)
axes[1].set_ylabel("energy to write every weight once (nJ), 10 pJ/pulse")
fig.suptitle("PCM write-cost sensitivity: digits MLP reprogrammed in 2 rounds per batch", fontsize=10)
common.save(fig, args.out)
