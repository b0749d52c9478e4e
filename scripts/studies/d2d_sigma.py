#!/usr/bin/python3
"""Device-to-device sigma vs accuracy over chip instances: the mean and the worst chip.

Runs scripts/studies/d2d_sigma.yaml (8 values of cell.d2d_sigma, the standard deviation of
ln G between devices; 20 chip instances each) through `cimsim sweep` and draws
docs/img/d2d_sigma.png: mean accuracy with a one-standard-deviation band, and the worst chip.

Needs the RRAM cell preset configs/cells/rram_hfo2.yaml with its cell.d2d_sigma key.
Debian's /usr/bin/python3 with python3-matplotlib and python3-yaml (scripts/setup.sh --extras).
    scripts/studies/d2d_sigma.py [--store FILE] [--out PNG] [--jobs N]
"""

import common

args = common.arguments(__doc__, "d2d_sigma")
rows = sorted(common.run("d2d_sigma", args), key=lambda r: r["cell.d2d_sigma"])
plt = common.pyplot()
fig, ax = plt.subplots(figsize=(6.5, 4))
sigma = [r["cell.d2d_sigma"] for r in rows]
mean = [100 * r["accuracy.chip"] for r in rows]
std = [100 * r["accuracy.chip_std"] for r in rows]
line, = ax.plot(sigma, mean, marker="o", label="mean over %d chips" % rows[0]["accuracy.chip_instances"])
ax.fill_between(sigma, [m - s for m, s in zip(mean, std)], [m + s for m, s in zip(mean, std)],
                color=line.get_color(), alpha=0.2, label="mean ± 1 std")
ax.plot(sigma, [100 * r["accuracy.chip_min"] for r in rows], marker="v", linestyle="--", label="worst chip")
ax.axhline(100 * rows[0]["accuracy.quantized"], color="grey", linestyle=":", label="quantized network, exact")
ax.set_xlabel("device-to-device σ of ln G")
ax.set_ylabel("accuracy (%)")
ax.set_title("Device-to-device variation, HfO2 RRAM, digits MLP", fontsize=10)
ax.legend(fontsize=8)
common.save(fig, args.out)
