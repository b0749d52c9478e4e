#!/usr/bin/python3
"""Write docs/accuracy.md: the digits MLP's accuracy on PCM against time since programming (with and
without drift compensation) and against ADC resolution, from sweeps anyone can rerun.

Runs with Debian's python3 (standard library only; the sweeps run through build/cimsim):
    /usr/bin/python3 scripts/accuracy_tables.py [--jobs N]

The sweep files are in scripts/tables/; their stores go to out/sweeps/ and are resumed when they
exist. Each table cell is the mean accuracy over the chips of its point, with the worst chip.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import cimsim  # noqa: E402  (scripts/cimsim.py)


def run(name, jobs):
    path = os.path.join(HERE, "tables", name + ".yaml")
    store = os.path.join(ROOT, "out", "sweeps", "table_" + name + ".db")
    os.makedirs(os.path.dirname(store), exist_ok=True)
    rows = cimsim.sweep(path, store=store, jobs=jobs, quiet=True)
    bad = [r for r in rows if r["status"] != "done"]
    if bad:
        sys.exit("%s: %d points failed, first: %s" % (name, len(bad), bad[0]["error"]))
    return rows


def cell(row):
    return "%.2f (%.2f)" % (100 * row["accuracy.chip"], 100 * row["accuracy.chip_min"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args()

    drift = run("pcm_drift", args.jobs)
    drift_cnn = run("pcm_drift_cnn", args.jobs)
    times = [(1, "1 s"), (3600, "1 h"), (86400, "1 day"), (31536000, "1 year")]
    modes = [("none", "none"), ("global", "global"), ("per_column", "per column")]
    lines = [
        "# Accuracy under device and circuit non-idealities",
        "",
        "Written by `scripts/accuracy_tables.py` from the sweeps in `scripts/tables/` (rerun it to",
        "reproduce); do not edit by hand. Networks: the digits MLP (`traces/digits_mlp`, float",
        "%.2f %%, 8-bit quantized and computed exactly %.2f %%) and the digits CNN"
        % (100 * drift[0]["accuracy.float"], 100 * drift[0]["accuracy.quantized"]),
        "(`traces/digits_cnn`, float %.2f %%, quantized %.2f %%), on the default chip"
        % (100 * drift_cnn[0]["accuracy.float"], 100 * drift_cnn[0]["accuracy.quantized"]),
        "(`configs/default.yaml`: 2-bit cells, differential pairs, bit-serial inputs, 8-bit SAR ADCs",
        "whose full scales are calibrated 1 s after programming and then stay fixed). Each entry:",
        "mean accuracy in % over the programmed chips of its point, the worst chip in parentheses.",
        "",
        "## PCM drift",
        "",
        "IBM PCM fit (`configs/cells/pcm_ibm.yaml`: programming error, drift exponent per device,",
        "accumulated 1/f read noise); 10 chips per MLP entry, 5 per CNN entry. Compensation reads",
        "the first 64 calibration images 1 s after programming and again at the inference time, and",
        "rescales each layer's outputs (`global`) or each output column (`per column`) by the ratio.",
        "The MLP barely needs it: its outputs scale with the conductances and its biases are small.",
        "The CNN's folded batch norm puts large biases behind every convolution, which drifted",
        "outputs no longer match: uncompensated, it collapses within a day.",
        "",
        "| time since programming | " + " | ".join("MLP, " + label for _, label in modes) + " | " +
        " | ".join("CNN, " + label for _, label in modes) + " |",
        "|---|" + "---|" * (2 * len(modes)),
    ]
    for t, name in times:
        row = []
        for rows in (drift, drift_cnn):
            row += [cell(next(r for r in rows if r["drift_compensation.mode"] == m and r["run.t_inference_s"] == t))
                    for m, _ in modes]
        lines.append("| %s | %s |" % (name, " | ".join(row)))

    series = [("adc_bits_ideal", "ideal cells, `max` full scale"),
              ("adc_bits_gaussian", "default cells, calibrated"),
              ("adc_bits_pcm", "PCM at 1 day, global compensation, calibrated")]
    results = {name: run(name, args.jobs) for name, _ in series}
    lines += [
        "",
        "## ADC resolution",
        "",
        "Ideal cells (one chip: nothing varies); the default chip's Gaussian programming error",
        "(0.5 uS, calibrated full scales at the 99.9th percentile of a calibration batch); and the",
        "IBM PCM one day after programming with global drift compensation; 5 chips per entry",
        "otherwise. With 1-bit inputs, 2-bit cells and 128 rows, 10 bits convert every difference",
        "exactly (`mapping.lossless_adc_bits` in the report).",
        "",
        "| ADC bits | " + " | ".join(label for _, label in series) + " |",
        "|---|" + "---|" * len(series),
    ]
    for bits in range(3, 11):
        row = [cell(next(r for r in results[name] if r["adc.bits"] == bits)) for name, _ in series]
        lines.append("| %d | %s |" % (bits, " | ".join(row)))
    lines += ["", "Reproduce: `/usr/bin/python3 scripts/accuracy_tables.py` (after `scripts/build.sh`)."]
    out = os.path.join(ROOT, "docs", "accuracy.md")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
