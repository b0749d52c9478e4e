"""Sweeps from Python: the command's sweep machinery (sim/sweep; docs/sweeps.md), results as a
pandas DataFrame.

The sweep file (or dict) is checked in this process first, so a mistake raises ConfigError with
its file, line and key before anything runs. The points then run as `cimsim sweep run` does them,
in parallel child processes recording into an SQLite store, resumable; progress comes from the
store. Ctrl-C stops the sweep (its finished points stay in the store) and raises KeyboardInterrupt.
"""

import csv
import io
import os
import sqlite3
import subprocess
import tempfile

from . import _build, _cimsim
from ._core import _yaml_text
from ._errors import CommandError
from ._progress import Progress


def binary():
    """The cimsim command sweeps run: $CIMSIM_BINARY, else the one built or installed with this module."""
    path = os.environ.get("CIMSIM_BINARY") or _build.BINARY
    if not os.access(path, os.X_OK):
        raise FileNotFoundError("%s: the cimsim command is not there (set CIMSIM_BINARY)" % path)
    return path


def _counts(store):
    """(done, failed, total) as the store says now; None while it is not readable."""
    if not os.path.exists(store):
        return None
    try:
        db = sqlite3.connect("file:%s?mode=ro" % store, uri=True, timeout=0.5)
        try:
            rows = dict(db.execute("SELECT status, COUNT(*) FROM points GROUP BY status").fetchall())
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return rows.get("done", 0), rows.get("failed", 0), sum(rows.values())


def _number(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_store(store, frame=True):
    """A sweep's store as a DataFrame (frame=True, needs pandas) or a list of dicts: one row per
    point with its parameters, every metric of its report, its status and error. Numbers come back
    exactly as stored."""
    text = _cimsim.store_csv(os.fspath(store))
    if frame:
        import pandas  # python3-pandas; only needed here
        return pandas.read_csv(io.StringIO(text), float_precision="round_trip")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append({k: (None if v == "" else _number(v)) for k, v in row.items()})
    return rows


def _write_sweep_file(spec, folder):
    """A dict sweep as a file; its base config, when relative, is taken from the working directory."""
    spec = dict(spec)
    base = spec.get("base")
    if isinstance(base, (str, os.PathLike)) and not os.path.isabs(base):
        spec["base"] = os.path.abspath(base)
    path = os.path.join(folder, "sweep.yaml")
    with open(path, "w") as f:
        f.write(_yaml_text(spec))
    return path


def sweep(spec, *, store=None, jobs=None, threads=1, retry_failed=False, progress=True, frame=True):
    """Runs (or resumes) a sweep and returns its results, one row per point.

    spec: a sweep file, or the same as a dict ({"base": "configs/default.yaml", "parameters":
    {"adc.bits": [4, 6, 8]}, "repeat": {"seeds": 3}}; a relative base starts from the working
    directory, other relative paths from a temporary folder, so give those absolute).
    store: the SQLite store (default: the file's `store:` or out/sweeps/NAME.db; for a dict, a
    temporary store removed afterwards). jobs: points at once (default: the CPUs this process may
    use); threads: engine threads per point. frame: a pandas DataFrame, else a list of dicts.
    Failed points are rows with status "failed" and their error.
    """
    with tempfile.TemporaryDirectory(prefix="cimsim-sweep-") as tmp:
        path = _write_sweep_file(spec, tmp) if isinstance(spec, dict) else os.fspath(spec)
        _, _, default_store = _cimsim.check_sweep(path)
        if store is None:
            store = os.path.join(tmp, "store.db") if isinstance(spec, dict) else default_store
        store = os.fspath(store)
        command = [binary(), "sweep", "run", path, "--store", store, "--threads", str(threads), "--quiet"]
        if jobs:
            command += ["--jobs", str(jobs)]
        if retry_failed:
            command.append("--retry-failed")
        bar = Progress("cimsim sweep") if progress else None
        with open(os.path.join(tmp, "stderr.txt"), "w+") as err:
            # Its own session: Ctrl-C in a terminal reaches this process, which stops the sweep.
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
            try:
                while True:
                    try:
                        proc.wait(timeout=0.2)
                        break
                    except subprocess.TimeoutExpired:
                        pass
                    counts = _counts(store) if bar else None
                    if counts:
                        bar.update("points", counts[0] + counts[1], counts[2])
            except BaseException:
                proc.terminate()  # its points die with it (they are killed when the sweep process dies)
                proc.wait()
                raise
            finally:
                if bar:
                    counts = _counts(store)
                    if counts:
                        bar.update("points", counts[0] + counts[1], counts[2])
                    bar.close()
            err.seek(0)
            message = err.read().strip()
        # 0: every point done; 1: some failed (they are rows with their error); else the sweep failed.
        if proc.returncode not in (0, 1):
            raise CommandError(message or "cimsim sweep run exited with status %d" % proc.returncode, proc.returncode)
        return read_store(store, frame=frame)
