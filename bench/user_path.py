#!/usr/bin/python3
"""The user's path, measured: whole `cimsim run` processes on networks exported from torchvision
(random weights, one synthetic sample, no data: a hardware estimate), each run several times.

    /usr/bin/python3 bench/user_path.py --cimsim build/cimsim [--networks resnet18 vgg16] [--repeats 3]

For each network it prints the wall time (median of the repeats), the peak resident memory of the
process, the MACs per inference from report.json and the time per GMAC, and the engines' shares
from wallclock.json, as a Markdown table. Exports are cached in --cache (made with
torch.onnx.export, opset 13, dynamic batch). The config is configs/default.yaml with the network
swapped in, so every size the network needs comes from `auto`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

DEFAULT_NETWORKS = ["resnet18", "mobilenet_v2", "resnet50", "vgg16"]


def export(name, path):
    import torch
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, name)().eval()
    x = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, x, path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})


def run_once(cimsim, config, out):
    """(wall seconds, peak RSS in MB) of one whole process."""
    start = time.monotonic()
    proc = subprocess.Popen([cimsim, "run", config, "--output", out, "--quiet"], stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if status != 0:
        sys.exit("cimsim run %s failed (status %d):\n%s" % (config, status, err))
    return wall, usage.ru_maxrss / 1024.0


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cimsim", default=os.path.join(here, "build", "cimsim"))
    ap.add_argument("--networks", nargs="+", default=DEFAULT_NETWORKS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "cimsim-user-path"))
    args = ap.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    rows = []
    for name in args.networks:
        onnx = os.path.join(args.cache, name + ".onnx")
        if not os.path.exists(onnx):
            print("exporting %s ..." % name, file=sys.stderr)
            export(name, onnx)
        config = os.path.join(args.cache, name + ".yaml")
        with open(config, "w") as f:
            f.write("include: %s\n" % os.path.join(here, "configs", "default.yaml"))
            f.write("workload: {network: %s, inputs: '', labels: '', calibration_inputs: '', synthetic_samples: 1}\n" % onnx)
        out = os.path.join(args.cache, "out_" + name)
        walls, peaks = [], []
        for _ in range(args.repeats):
            wall, peak = run_once(args.cimsim, config, out)
            walls.append(wall)
            peaks.append(peak)
        with open(os.path.join(out, "report.json")) as f:
            macs = json.load(f)["network"]["macs_per_inference"]["value"]
        with open(os.path.join(out, "wallclock.json")) as f:
            clock = json.load(f)
        wall = statistics.median(walls)
        rows.append((name, macs / 1e9, wall, wall / (macs / 1e9), clock["timing"]["value"], max(peaks)))
        print("%s: %.2f s" % (name, wall), file=sys.stderr)
    print("| network | GMAC | `cimsim run` wall (s, median of %d) | s per GMAC | timing engine (s) | peak memory (MB) |" % args.repeats)
    print("|---|---|---|---|---|---|")
    for name, gmac, wall, per, timing, peak in rows:
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.0f |" % (name, gmac, wall, per, timing, peak))


if __name__ == "__main__":
    main()
