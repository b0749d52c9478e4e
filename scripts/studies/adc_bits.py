#!/usr/bin/python3
"""ADC bits vs accuracy and TOPS/W on the digits MLP.

Runs scripts/studies/adc_bits.yaml (14 points x 3 seeds; a few seconds) through `cimsim sweep`,
resuming its store if it exists, and draws docs/img/adc_bits.png: accuracy (mean over the
seeds, band from the worst to the best) and TOPS/W against the ADC resolution, for a full scale
at the column maximum and a calibrated one.

Debian's /usr/bin/python3 with python3-matplotlib and python3-yaml (scripts/setup.sh --extras).
    scripts/studies/adc_bits.py [--store FILE] [--out PNG] [--jobs N]
"""

import common

args = common.arguments(__doc__, "adc_bits")
rows = common.run("adc_bits", args)
plt = common.pyplot()
fig, (acc_ax, eff_ax) = plt.subplots(1, 2, figsize=(10, 4))
labels = {"max": "full scale at column maximum", "calibrated": "calibrated full scale (99.9th pct.)"}
for mode, label in labels.items():
    mine = [r for r in rows if r["adc.full_scale"] == mode]
    acc = common.grouped(mine, ["adc.bits"], "accuracy.chip")
    eff = common.grouped(mine, ["adc.bits"], "performance.tops_per_w")
    bits = sorted(b for (b,) in acc)
    line, = acc_ax.plot(bits, [100 * common.mean(acc[(b,)]) for b in bits], marker="o", label=label)
    acc_ax.fill_between(bits, [100 * min(acc[(b,)]) for b in bits], [100 * max(acc[(b,)]) for b in bits],
                        color=line.get_color(), alpha=0.2)
    eff_ax.plot(bits, [common.mean(eff[(b,)]) for b in bits], marker="o", label=label)
quantized = rows[0]["accuracy.quantized"]
acc_ax.axhline(100 * quantized, color="grey", linestyle="--", label="quantized network, exact arithmetic")
acc_ax.set_xlabel("ADC resolution (bit)")
acc_ax.set_ylabel("accuracy (%)")
acc_ax.set_title("Accuracy (3 programmed chips: mean, worst..best)")
acc_ax.legend(fontsize=8)
eff_ax.set_xlabel("ADC resolution (bit)")
eff_ax.set_ylabel("TOPS/W")
eff_ax.set_title("Energy efficiency")
eff_ax.legend(fontsize=8)
fig.suptitle("digits MLP on configs/default.yaml: ADC resolution sweep", fontsize=10)
common.save(fig, args.out)
