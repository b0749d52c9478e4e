#!/usr/bin/python3
"""Capacities at which MRAM buffers take the area of an SRAM buffer (iso-area).

For each MRAM technology, finds by bisection (in log capacity) the capacity whose buffer area, as
cimsim's array model builds it on the shipped default chip's node and port width, equals the SRAM
buffer's at the reference capacity; prints the capacities scripts/studies/buffer_technologies.yaml
uses. Debian's /usr/bin/python3.
    scripts/studies/iso_area.py [--global-kib 128] [--tile-kib 64]
"""

import argparse
import math
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
sys.path.insert(0, os.path.dirname(_HERE))
import cimsim  # noqa: E402  (scripts/cimsim.py)

CONFIG = os.path.join(_ROOT, "configs", "default.yaml")
TECHNOLOGIES = {"stt_mram": {"model": "stt_mram"}, "sot_mram": {"model": "sot_mram"},
                "vgsot_mram": {"preset": "vgsot_mram"}}


def area(section, key, kib, technology):
    """mm^2 of one buffer of `kib` (global: section global_buffer; tile: the input buffer)."""
    sets = {section: technology, "workload.samples": 1}
    sets["chip.global_buffer_kib" if key == "global_buffer" else "tile.input_buffer_kib"] = kib
    report = cimsim.run(CONFIG, sets)
    entry = report["memories"]["global_buffer" if key == "global_buffer" else "tile_input_buffer"]
    return entry["area"]["value"] / entry["instances"]["value"]


def iso_area(section, key, reference_kib, technology, steps=14):
    target = area(section, key, reference_kib, {"model": "sram"})
    lo, hi = math.log(reference_kib), math.log(reference_kib * 8)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if area(section, key, math.exp(mid), technology) > target:
            hi = mid
        else:
            lo = mid
    return math.exp(lo), target


def main():
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("--global-kib", type=float, default=128)
    p.add_argument("--tile-kib", type=float, default=64)
    a = p.parse_args()
    for name, tech in TECHNOLOGIES.items():
        g, g_area = iso_area("global_buffer", "global_buffer", a.global_kib, tech)
        t, t_area = iso_area("tile_buffer", "tile", a.tile_kib, tech)
        print("%-10s global %.1f KiB (%.2fx, %.4f mm^2)  tile %.1f KiB (%.2fx, %.4f mm^2)"
              % (name, g, g / a.global_kib, g_area, t, t / a.tile_kib, t_area))


if __name__ == "__main__":
    main()
