"""What the study scripts share: their command line, running their sweep through scripts/cimsim.py,
grouping points over seeds, and writing the figure. Debian's python3 with python3-matplotlib."""

import argparse
import os
import statistics
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
sys.path.insert(0, os.path.dirname(_HERE))
import cimsim  # noqa: E402  (scripts/cimsim.py)


def arguments(doc, name):
    """--store, --out and --jobs, with this study's defaults."""
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument("--store", default=os.path.join("out", "sweeps", name + ".db"),
                        help="the sweep's store (default: %(default)s); an existing one is resumed")
    parser.add_argument("--out", default=os.path.join(_ROOT, "docs", "img", name + ".png"),
                        help="the figure (default: docs/img/%s.png)" % name)
    parser.add_argument("--jobs", type=int, default=None, help="points at once (default: every CPU)")
    return parser.parse_args()


def run(name, args):
    """Runs (or resumes) scripts/studies/NAME.yaml; returns the rows of its finished points."""
    try:
        rows = cimsim.sweep(os.path.join(_HERE, name + ".yaml"), store=args.store, jobs=args.jobs)
    except cimsim.CimsimError as e:
        sys.exit("%s: the sweep did not run: %s" % (name, e))
    failed = [r for r in rows if r["status"] != "done"]
    for r in failed:
        print("%s: point %d failed: %s" % (name, r["point_index"], (r["error"] or "").splitlines()[-1:]),
              file=sys.stderr)
    return [r for r in rows if r["status"] == "done"]


def grouped(rows, keys, value):
    """{(row[k] for k in keys): [row[value], ...]} in the order the points came."""
    out = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r[value])
    return out


def mean(values):
    return statistics.fmean(values)


def pyplot():
    import matplotlib
    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt
    return plt


def save(fig, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print("wrote", path)
