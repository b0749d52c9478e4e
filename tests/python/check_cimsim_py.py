"""Checks scripts/cimsim.py against the cimsim executable: a run's report and metrics, a sweep's
rows as dicts (and as a DataFrame where pandas is installed), a bad sweep file as an exception.
Run by tests/test_sweep_python.cpp: /usr/bin/python3 check_cimsim_py.py SOURCE_DIR TMP_DIR
(CIMSIM_BINARY set). Debian's python3 only; pandas optional."""

import os
import sys

source, tmp = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source, "scripts"))
import cimsim  # noqa: E402

base = os.path.join(source, "configs", "default.yaml")

# One run: the nested report and its flat metrics agree.
report = cimsim.run(base, sets={"adc.bits": 5, "workload.samples": 30}, threads=1)
flat = cimsim.metrics(report)
assert report["mapping"]["adc_bits"]["value"] == 5, report["mapping"]["adc_bits"]
assert flat["accuracy.chip"] == report["accuracy"]["chip"]["value"]
assert flat["network.layers"] == 2
assert "layers" not in flat and not any(k.startswith("layers.") for k in flat)

# A sweep: one dict per point, in sweep order, with parameters and the same metrics as the run.
sweep_file = os.path.join(tmp, "py.yaml")
with open(sweep_file, "w") as f:
    f.write("base: %s\nparameters:\n  adc.bits: [5, 7]\nset: {workload.samples: 30}\n" % base)
store = os.path.join(tmp, "py.db")
rows = cimsim.sweep(sweep_file, store=store, jobs=2, quiet=True)
assert [r["adc.bits"] for r in rows] == [5, 7], rows
assert all(r["status"] == "done" for r in rows)
for key, value in flat.items():
    assert rows[0][key] == value, (key, rows[0][key], value)
assert rows[0]["seed"] == 1 and rows[0]["error"] is None
units = {name: unit for name, kind, unit in cimsim.columns(store)}
assert units["energy.per_inference"] == "pJ" and units["adc.bits"] == ""
detailed = cimsim.load(store, details=True)
assert detailed[1]["report"]["mapping"]["adc_bits"]["value"] == 7
assert detailed[1]["command"].endswith("--set adc.bits=7")

# The file's own store: key is where the results go without store=.
with open(sweep_file, "a") as f:
    f.write("store: %s\n" % os.path.join(tmp, "own.db"))
assert cimsim.default_store(sweep_file) == os.path.join(tmp, "own.db")

# A bad sweep file is an exception that names the line.
bad = os.path.join(tmp, "bad.yaml")
with open(bad, "w") as f:
    f.write("base: %s\nparameters:\n  adc.bitz: [5]\n" % base)
try:
    cimsim.sweep(bad, store=os.path.join(tmp, "bad.db"), quiet=True)
    raise AssertionError("a bad sweep file did not raise")
except cimsim.CimsimError as e:
    assert e.status == 2 and "bad.yaml:3:3" in str(e) and "adc.bitz" in str(e), str(e)

try:
    import pandas  # noqa: F401
except ImportError:
    print("pandas is not installed: DataFrame checks skipped (dicts checked)")
else:
    import io
    import subprocess
    df = cimsim.frame(store)
    assert list(df["adc.bits"]) == [5, 7]
    assert df["accuracy.chip"].dtype.kind == "f"
    assert df.equals(cimsim.frame(rows))
    # The CSV export loads as it is, with the store's columns and values.
    csv = subprocess.run([cimsim.binary(), "sweep", "export", store], capture_output=True, text=True, check=True)
    from_csv = pandas.read_csv(io.StringIO(csv.stdout), float_precision="round_trip")
    assert list(from_csv.columns) == list(df.columns), (list(from_csv.columns), list(df.columns))
    for column in ["adc.bits", "accuracy.chip", "energy.per_inference", "area.total", "performance.tops_per_w"]:
        assert list(from_csv[column]) == list(df[column]), column
print("ok")
