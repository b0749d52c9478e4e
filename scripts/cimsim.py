"""Run cimsim from Python: one config, or a whole sweep, with the results as dicts or a pandas
DataFrame.

Runs with Debian's /usr/bin/python3 and its standard library (json, sqlite3, subprocess);
python3-yaml reads a sweep file's `store:`, and python3-pandas is needed only for the DataFrame
functions (scripts/setup.sh --extras installs both). Nothing else, nothing from pip.

    import sys; sys.path.insert(0, "scripts")
    import cimsim

    report = cimsim.run("configs/default.yaml", sets={"adc.bits": 6})
    report["accuracy"]["chip"]["value"]              # the nested report.json
    cimsim.metrics(report)["energy.per_inference"]   # flat, named as the store's columns

    rows = cimsim.sweep("scripts/studies/adc_bits.yaml")  # runs (or resumes) it; one dict per point
    df = cimsim.frame(rows)                                # the same as a DataFrame
    df = cimsim.frame("out/sweeps/adc_bits.db")            # any store, without running anything

The executable is $CIMSIM_BINARY, else build/cimsim of this checkout, else `cimsim` on PATH.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Store columns that are not parameters or metrics, in the order the store keeps them.
_LEADING = ["point_id", "point_index", "status", "seed"]
_TRAILING = ["error", "wall_s", "host", "finished_utc"]
_DETAILS = ["overrides", "command", "report"]


class CimsimError(RuntimeError):
    """cimsim refused the input (status 2) or failed; the message is what it printed."""

    def __init__(self, status, message):
        super().__init__(message.strip() or "cimsim exited with status %d" % status)
        self.status = status


def binary():
    """The cimsim executable this module runs."""
    for candidate in (os.environ.get("CIMSIM_BINARY"), os.path.join(_ROOT, "build", "cimsim"), shutil.which("cimsim")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError("no cimsim executable: build it (scripts/build.sh) or set CIMSIM_BINARY")


def _set_args(sets):
    args = []
    for key, value in (sets or {}).items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            text = json.dumps(value)  # JSON is YAML: maps and lists go through as they are
        else:
            text = str(value)
        args += ["--set", "%s=%s" % (key, text)]
    return args


def run(config, sets=None, threads=None, output=None):
    """Runs one simulation; returns report.json as a dict. `sets` maps config keys to values
    (as --set); `output` keeps the run's files in that folder (else a temporary one)."""
    with tempfile.TemporaryDirectory(prefix="cimsim-") as tmp:
        out = output or tmp
        cmd = [binary(), "run", config, "--output", out, "--quiet"] + _set_args(sets)
        if threads is not None:
            cmd += ["--threads", str(threads)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise CimsimError(proc.returncode, proc.stderr)
        with open(os.path.join(out, "report.json")) as f:
            return json.load(f)


def metrics(report):
    """Every number of a report by its dotted path, as the sweep store names its columns:
    {"accuracy.chip": 0.97, "energy.per_inference": 13543.6, ...}. Lists are left out."""
    flat = {}

    def walk(node, path):
        if isinstance(node, dict):
            if set(node) == {"value", "unit"}:
                flat[path] = node["value"]
                return
            for key, value in node.items():
                walk(value, path + "." + key if path else key)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            flat[path] = node

    walk(report, "")
    return flat


def default_store(sweep_file):
    """Where `cimsim sweep run` puts a sweep's results without --store: the file's `store:`,
    else out/sweeps/NAME.db (both relative to the working directory)."""
    try:
        import yaml  # Debian's python3-yaml
        with open(sweep_file) as f:
            written = (yaml.safe_load(f) or {}).get("store")
        if written:
            return str(written)
    except ImportError:
        pass
    return os.path.join("out", "sweeps", os.path.splitext(os.path.basename(sweep_file))[0] + ".db")


def sweep(sweep_file, store=None, jobs=None, threads=None, retry_failed=False, quiet=False, details=False):
    """Runs a sweep (only its unfinished points when the store exists) and returns its rows as
    load() does. A point that fails is a row with status "failed" and its error, not an
    exception; a bad sweep file raises CimsimError naming the line."""
    store = store or default_store(sweep_file)
    cmd = [binary(), "sweep", "run", sweep_file, "--store", store]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    if retry_failed:
        cmd.append("--retry-failed")
    if quiet:
        cmd.append("--quiet")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None if not quiet else subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        raise CimsimError(proc.returncode, proc.stderr if quiet else
                          "cimsim sweep run exited with status %d; its message is above" % proc.returncode)
    return load(store, details=details)


def columns(store):
    """The store's parameter and metric columns: [(name, kind, unit)], in store order."""
    with sqlite3.connect("file:%s?mode=ro" % store, uri=True) as db:
        return db.execute("SELECT name, kind, unit FROM columns ORDER BY kind DESC, position").fetchall()


def load(store, details=False):
    """The points of a store, in sweep order, one dict each: point_id, point_index, status,
    seed, every varied parameter, every metric, error, wall_s, host, finished_utc; with
    `details`, also overrides, command and the report (parsed)."""
    if not os.path.isfile(store):
        raise FileNotFoundError("no sweep store at %s" % store)
    names = _LEADING + [name for name, _, _ in columns(store)] + _TRAILING + (_DETAILS if details else [])
    quoted = ", ".join('"%s"' % n.replace('"', '""') for n in names)
    with sqlite3.connect("file:%s?mode=ro" % store, uri=True) as db:
        rows = [dict(zip(names, r)) for r in db.execute("SELECT %s FROM points ORDER BY point_index" % quoted)]
    if details:
        for row in rows:
            row["report"] = json.loads(row["report"]) if row["report"] else None
    return rows


def frame(rows_or_store, details=False):
    """A pandas DataFrame of a store's points (a path), or of rows from sweep() or load()."""
    try:
        import pandas  # Debian's python3-pandas
    except ImportError as e:
        raise ImportError("cimsim.frame needs pandas: apt-get install python3-pandas "
                          "(or scripts/setup.sh --extras); cimsim.load gives the same rows as dicts") from e
    rows = load(rows_or_store, details) if isinstance(rows_or_store, str) else rows_or_store
    return pandas.DataFrame(rows)
