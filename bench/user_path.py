#!/usr/bin/python3
"""The user's path, measured: whole `cimsim run` processes on networks exported from torchvision
(random weights, one synthetic sample, no data: a hardware estimate), each run several times.
Classification networks by their torchvision.models name, segmentation ones (fcn_resnet50,
lraspp_mobilenet_v3_large, ...) by their torchvision.models.segmentation name, and networks
quantized by PyTorch itself as quantized_NAME (NAME one of torchvision.models.quantization's:
resnet50, mobilenet_v2, mobilenet_v3_large, googlenet, inception_v3, ...): fused, then eager
post-training quantization with torch.ao.quantization's default qconfig for the onednn engine,
calibrated on two random batches, exported at a fixed batch of one (QuantizeLinear, Cast and
DequantizeLinear around float operators, int8 weights in Constant nodes).

    /usr/bin/python3 bench/user_path.py --cimsim build/cimsim [--networks resnet18 vgg16] [--repeats 3]

For each network it prints the wall time (median of the repeats), the peak resident memory of the
process, the MACs per inference from report.json and the time per GMAC, the engines' shares
from wallclock.json, and the wall time of `cimsim check` on the same config (which maps the
network and plans the schedule, running nothing), as a Markdown table. Exports are cached in --cache (made with
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
    """Exports in a child process: a process's peak memory, as the kernel reports it, starts from the
    resident size of the process that forked it, so a parent holding torch (about 575 MB) would raise
    every cimsim figure measured after it to that."""
    subprocess.run([sys.executable, os.path.abspath(__file__), "--export-one", name, path], check=True)


def export_quantized(name, path):
    import torch
    import torch.ao.quantization as tq
    from torchvision.models import quantization

    torch.backends.quantized.engine = "onednn"  # the quantized engine Debian's torch has
    kw = {"weights": None, "quantize": False}
    if name in ("googlenet", "inception_v3"):
        kw.update(aux_logits=False, init_weights=True)
    model = getattr(quantization, name)(**kw).eval()
    size = 299 if name == "inception_v3" else 224
    # Fused: PyTorch 1.13 exports no quantized batch norm, and the fused conv-bn-relu modules have none.
    model.fuse_model()
    model.qconfig = tq.get_default_qconfig("onednn")
    tq.prepare(model, inplace=True)
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(2, 3, size, size))
    tq.convert(model, inplace=True)
    torch.onnx.export(model, torch.randn(1, 3, size, size), path, opset_version=13, input_names=["x"],
                      output_names=["y"])


def export_here(name, path):
    import torch
    import torchvision

    torch.manual_seed(0)
    if name.startswith("quantized_"):
        return export_quantized(name[len("quantized_"):], path)
    if hasattr(torchvision.models.segmentation, name):
        # Random backbone too (the default would download ImageNet weights); the "out" map only.
        class Segmentation(torch.nn.Module):
            def __init__(self, net):
                super().__init__()
                self.net = net

            def forward(self, x):
                return self.net(x)["out"]

        model = Segmentation(getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None)).eval()
    else:
        model = getattr(torchvision.models, name)().eval()
    x = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, x, path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})


def run_once(cimsim, command, config, out=None):
    """(wall seconds, peak RSS in MB) of one whole `cimsim run` or `cimsim check` process."""
    argv = [cimsim, command, config] + (["--output", out, "--quiet"] if command == "run" else [])
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if status != 0:
        sys.exit("cimsim %s %s failed (status %d):\n%s" % (command, config, status, err))
    return wall, usage.ru_maxrss / 1024.0


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cimsim", default=os.path.join(here, "build", "cimsim"))
    ap.add_argument("--networks", nargs="+", default=DEFAULT_NETWORKS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "cimsim-user-path"))
    ap.add_argument("--export-one", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.export_one:
        return export_here(*args.export_one)
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
        walls, peaks, checks = [], [], []
        for _ in range(args.repeats):
            wall, peak = run_once(args.cimsim, "run", config, out)
            walls.append(wall)
            peaks.append(peak)
            checks.append(run_once(args.cimsim, "check", config)[0])
        with open(os.path.join(out, "report.json")) as f:
            macs = json.load(f)["network"]["macs_per_inference"]["value"]
        with open(os.path.join(out, "wallclock.json")) as f:
            clock = json.load(f)
        wall = statistics.median(walls)
        rows.append((name, macs / 1e9, wall, wall / (macs / 1e9), clock["timing"]["value"], max(peaks),
                     statistics.median(checks)))
        print("%s: %.2f s" % (name, wall), file=sys.stderr)
    print("| network | GMAC | `cimsim run` wall (s, median of %d) | s per GMAC | timing engine (s) | peak memory (MB) "
          "| `cimsim check` wall (s) |" % args.repeats)
    print("|---|---|---|---|---|---|---|")
    for name, gmac, wall, per, timing, peak, check in rows:
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.0f | %.2f |" % (name, gmac, wall, per, timing, peak, check))


if __name__ == "__main__":
    main()
