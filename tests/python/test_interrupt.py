"""Ctrl-C during a long run: the run stops at its next check point, KeyboardInterrupt comes up
promptly, and the next run in the same process works and gives the usual numbers. The engines run
without the GIL, so Python threads go on meanwhile."""

import _thread
import os
import tempfile
import threading
import time
import unittest

import cimsim
import support

# About 40 s uninterrupted on the 2-core build machine: 100 chips of the digits CNN.
LONG = {"run.chip_instances": 100, "run.threads": 1}


class InterruptTest(unittest.TestCase):
    def test_keyboard_interrupt_stops_a_long_run(self):
        ticks = []
        stop = threading.Event()

        def count():  # runs only if the run gives up the GIL
            while not stop.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.01)

        counter = threading.Thread(target=count)
        counter.start()
        timer = threading.Timer(1.5, _thread.interrupt_main)
        start = time.monotonic()
        timer.start()
        try:
            with self.assertRaises(KeyboardInterrupt):
                cimsim.run(support.DIGITS_CNN, LONG, progress=False)
        finally:
            stop.set()
            counter.join()
            timer.cancel()
        elapsed = time.monotonic() - start
        self.assertLess(elapsed, 8.0, "the run did not stop promptly")
        self.assertGreater(len([t for t in ticks if t - start < 1.4]), 50, "the GIL was held during the run")

        # The process is fine afterwards: the next run gives the command's report, bit for bit.
        after = cimsim.run(support.DEFAULT, {"workload.samples": 30}, progress=False)
        with tempfile.TemporaryDirectory() as tmp:
            done = support.cli("run", support.DEFAULT, "--output", tmp, "--quiet", "--set", "workload.samples=30")
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(tmp, "report.json")) as f:
                self.assertEqual(after.report_json, f.read())

    def test_progress_reports_the_chip_pass(self):
        seen = []
        from cimsim import _cimsim  # the callback interface the package's progress bar uses
        config = cimsim.load(support.DIGITS_CNN, {"run.chip_instances": 3})
        _cimsim.run(config._native, False, 0, False, lambda label, done, total: seen.append((label, done, total)))
        chip = [s for s in seen if s[0] == "chip"]
        self.assertTrue(chip, seen)
        self.assertEqual(chip[-1][2], 3 * 360)
        self.assertTrue(all(a[1] <= b[1] for a, b in zip(chip, chip[1:])))


if __name__ == "__main__":
    support.main()
