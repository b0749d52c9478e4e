"""A sweep from Python: checked in this process, run by the command's sweep machinery, results as a
pandas DataFrame whose numbers are those of the same point run alone in Python."""

import os
import tempfile
import unittest

import cimsim
import support


class SweepTest(unittest.TestCase):
    def test_dict_sweep_gives_a_frame_with_the_runs_numbers(self):
        spec = {"base": support.DEFAULT, "parameters": {"adc.bits": [4, 8]},
                "set": {"workload.samples": 50}, "repeat": {"seeds": 2}}
        df = cimsim.sweep(spec, jobs=2, progress=False)
        self.assertEqual(len(df), 4)
        self.assertEqual(list(df["status"]), ["done"] * 4)
        self.assertEqual(sorted(set(df["adc.bits"])), [4, 8])
        row = df[(df["adc.bits"] == 4) & (df["seed"] == 2)].iloc[0]
        alone = cimsim.run(support.DEFAULT, {"workload.samples": 50, "adc.bits": 4, "run.seed": 2}, progress=False)
        for metric in ("accuracy.chip", "energy.per_inference", "performance.tops_per_w", "area.total"):
            self.assertEqual(row[metric], alone.metrics[metric], metric)

    def test_sweep_file_with_a_store_resumes_and_reads_without_pandas(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bits.yaml")
            with open(path, "w") as f:
                f.write("base: %s\nparameters:\n  adc.bits: [5, 6, 7]\nset:\n  workload.samples: 40\n" % support.DEFAULT)
            store = os.path.join(tmp, "bits.db")
            first = cimsim.sweep(path, store=store, progress=False, frame=False)
            self.assertEqual([r["status"] for r in first], ["done"] * 3)
            again = cimsim.read_store(store, frame=False)
            self.assertEqual(first, again)
            self.assertEqual(cimsim.read_store(store)["accuracy.chip"].tolist(), [r["accuracy.chip"] for r in first])


if __name__ == "__main__":
    support.main("pandas")
