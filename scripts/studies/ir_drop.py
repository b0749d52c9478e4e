#!/usr/bin/python3
"""IR drop: accuracy against the array size and the wire resistance per cell.

Runs scripts/studies/ir_drop.yaml (4 array sizes x 5 wire resistances) through `cimsim sweep`,
prints the accuracy table and draws docs/img/ir_drop.png. Debian's /usr/bin/python3 with
python3-matplotlib.
    scripts/studies/ir_drop.py [--store FILE] [--out PNG] [--jobs N]
"""

import common


def ohms(row):
    text = str(row["ir_drop"])
    if "none" in text:
        return 0.0
    return float(text.split("word_line_ohm:")[1].split(",")[0])


args = common.arguments(__doc__, "ir_drop")
rows = common.run("ir_drop", args)
table = {}
for r in rows:
    size = int(str(r["array"]).split("rows:")[1].split(",")[0])
    table[(size, ohms(r))] = 100 * r["accuracy.chip"]
sizes = sorted({k[0] for k in table})
resistances = sorted({k[1] for k in table})
print("rows=cols  " + "  ".join("%6.2f Ohm" % r for r in resistances))
for s in sizes:
    print("%9d  " % s + "  ".join("%9.2f %%" % table.get((s, r), float("nan")) for r in resistances))

plt = common.pyplot()
fig, ax = plt.subplots(figsize=(6.5, 4))
for r in resistances:
    ax.plot(sizes, [table.get((s, r), float("nan")) for s in sizes], marker="o",
            label="ideal wires" if r == 0 else "%.2f Ohm per cell" % r)
ax.set_xscale("log", base=2)
ax.set_xticks(sizes)
ax.set_xticklabels([str(s) for s in sizes])
ax.set_xlabel("array rows = columns")
ax.set_ylabel("accuracy (%)")
ax.set_title("IR drop on the digits MLP (default chip, 100 uS cells)", fontsize=10)
ax.legend(fontsize=8)
common.save(fig, args.out)
