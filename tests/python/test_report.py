"""A run from Python gives the command's numbers bit for bit: report.json's text and every value."""

import json
import os
import tempfile
import unittest

import cimsim
import support

SETS = {"workload.samples": 120, "adc.bits": 6, "run.chip_instances": 2, "cell.sigma_us": 0.8}


class ReportTest(unittest.TestCase):
    def test_report_equals_the_command_line_bit_for_bit(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = []
            for k, v in SETS.items():
                args += ["--set", "%s=%s" % (k, v)]
            done = support.cli("run", support.DEFAULT, "--output", tmp, "--quiet", *args)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(tmp, "report.json")) as f:
                cli_text = f.read()
            with open(os.path.join(tmp, "layers.csv")) as f:
                cli_csv = f.read()

        result = cimsim.run(support.DEFAULT, sets=SETS, progress=False)
        self.assertEqual(result.report_json, cli_text)
        self.assertEqual(result.report, json.loads(cli_text))
        self.assertEqual(result.layers_csv(), cli_csv)
        # Not a trivial report: accuracy over two chips and a positive energy.
        self.assertEqual(result.report["accuracy"]["chip_instances"]["value"], 2)
        self.assertGreater(result.accuracy, 0.5)
        self.assertGreater(result.metrics["energy.per_inference"], 0)
        self.assertEqual(result.metrics["accuracy.chip"], result.accuracy)

    def test_written_files_match_the_command(self):
        names = ("report.json", "layers.csv", "resolved.yaml")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out")  # the same folder for both: resolved.yaml names it
            done = support.cli("run", support.DEFAULT, "--output", out, "--quiet", "--set", "workload.samples=50")
            self.assertEqual(done.returncode, 0, done.stderr)
            cli = {}
            for name in names:
                with open(os.path.join(out, name)) as f:
                    cli[name] = f.read()
                os.remove(os.path.join(out, name))
            cimsim.run(support.DEFAULT, sets=["workload.samples=50"], progress=False, output_dir=out)
            for name in names:
                with open(os.path.join(out, name)) as f:
                    self.assertEqual(f.read(), cli[name], name)

    def test_config_from_a_dict_or_text_gives_the_same_numbers(self):
        config = cimsim.load(support.DEFAULT, {"workload.samples": 60})
        text = config.resolved_yaml()
        from_text = cimsim.run(text, progress=False)
        from_dict = cimsim.run(config.to_dict(), progress=False)
        from_file = cimsim.run(config, progress=False)
        # The reports differ only in where the config came from.
        for r in (from_text, from_dict):
            a, b = dict(r.report), dict(from_file.report)
            a.pop("config")
            b.pop("config")
            self.assertEqual(a, b)
        self.assertEqual(config["workload.samples"], 60)
        self.assertEqual(from_file.report["config"], os.path.abspath(support.DEFAULT))

    def test_threads_do_not_change_the_report(self):
        one = cimsim.run(support.DEFAULT, {"workload.samples": 100, "run.threads": 1, "run.batch_size": 16},
                         progress=False)
        two = cimsim.run(support.DEFAULT, {"workload.samples": 100, "run.threads": 2, "run.batch_size": 16},
                         progress=False)
        self.assertEqual(one.report_json, two.report_json)


if __name__ == "__main__":
    support.main()
