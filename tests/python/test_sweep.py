"""A sweep from Python: checked in this process, run by the command's sweep machinery, results as
rows (a pandas DataFrame where pandas is installed) whose numbers are those of the same point run
alone in Python."""

import _thread
import os
import subprocess
import tempfile
import threading
import time
import unittest

import cimsim
import support
from cimsim import _sweep


class SweepTest(unittest.TestCase):
    def test_dict_sweep_gives_the_runs_numbers(self):
        spec = {"base": support.DEFAULT, "parameters": {"adc.bits": [4, 8]},
                "set": {"workload.samples": 50}, "repeat": {"seeds": 2}}
        rows = cimsim.sweep(spec, jobs=2, progress=False, frame=False)
        self.assertEqual(len(rows), 4)
        self.assertEqual([r["status"] for r in rows], ["done"] * 4)
        self.assertEqual(sorted({r["adc.bits"] for r in rows}), [4, 8])
        row = [r for r in rows if r["adc.bits"] == 4 and r["seed"] == 2][0]
        alone = cimsim.run(support.DEFAULT, {"workload.samples": 50, "adc.bits": 4, "run.seed": 2}, progress=False)
        for metric in ("accuracy.chip", "energy.per_inference", "performance.tops_per_w", "area.total"):
            self.assertEqual(row[metric], alone.metrics[metric], metric)

    def test_sweep_file_with_a_store_resumes_and_reads_as_a_frame(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas is not installed")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bits.yaml")
            with open(path, "w") as f:
                f.write("base: %s\nparameters:\n  adc.bits: [5, 6, 7]\nset:\n  workload.samples: 40\n" % support.DEFAULT)
            store = os.path.join(tmp, "bits.db")
            df = cimsim.sweep(path, store=store, progress=False)
            self.assertEqual(list(df["status"]), ["done"] * 3)
            self.assertEqual(list(df["adc.bits"]), [5, 6, 7])
            # A second call finds every point done in the store and runs nothing.
            again = cimsim.sweep(path, store=store, progress=False)
            self.assertTrue(df.equals(again))
            rows = cimsim.read_store(store, frame=False)
            self.assertEqual(df["accuracy.chip"].tolist(), [r["accuracy.chip"] for r in rows])
            self.assertEqual(df["energy.per_inference"].tolist(), [r["energy.per_inference"] for r in rows])

    def test_keyboard_interrupt_stops_the_points_and_the_store_resumes(self):
        with tempfile.TemporaryDirectory() as tmp:
            store = os.path.join(tmp, "slow.db")
            spec = {"base": support.DIGITS_CNN, "parameters": {"run.seed": [1, 2, 3, 4]},
                    "set": {"workload.samples": 200}}
            stop = threading.Event()

            def interrupt_after_the_first_point():
                while not stop.wait(0.05):
                    counts = _sweep._counts(store)
                    if counts and counts[0] >= 1:
                        _thread.interrupt_main()
                        return

            watcher = threading.Thread(target=interrupt_after_the_first_point)
            watcher.start()
            try:
                with self.assertRaises(KeyboardInterrupt):
                    cimsim.sweep(spec, store=store, jobs=1, progress=False, frame=False)
            finally:
                stop.set()
                watcher.join()
            time.sleep(0.2)
            # No point of it runs any more (each would name the store's work folder).
            running = subprocess.run(["pgrep", "-f", store], capture_output=True, text=True).stdout.split()
            self.assertEqual(running, [])
            rows = cimsim.read_store(store, frame=False)
            statuses = [r["status"] for r in rows]
            self.assertIn("pending", statuses)
            # Called again, it runs what is missing and keeps what was done.
            done_before = {r["point_id"]: r["accuracy.chip"] for r in rows if r["status"] == "done"}
            rows = cimsim.sweep(spec, store=store, jobs=2, progress=False, frame=False)
            self.assertEqual([r["status"] for r in rows], ["done"] * 4)
            for r in rows:
                if r["point_id"] in done_before:
                    self.assertEqual(r["accuracy.chip"], done_before[r["point_id"]])


if __name__ == "__main__":
    support.main()
