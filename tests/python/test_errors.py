"""Mistakes arrive as Python exceptions that carry the file, line, column and key."""

import os
import subprocess
import tempfile
import textwrap
import unittest

import cimsim
import support


class ErrorsTest(unittest.TestCase):
    def test_config_file_error_names_file_line_and_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bad.yaml")
            with open(path, "w") as f:
                f.write(textwrap.dedent("""\
                    include: %s
                    adc:
                      bitz: 6
                    """ % support.DEFAULT))
            with self.assertRaises(cimsim.ConfigError) as caught:
                cimsim.load(path)
            e = caught.exception
            self.assertEqual(e.file, path)
            self.assertEqual(e.line, 3)
            self.assertEqual(e.column, 3)
            self.assertEqual(e.key, "adc.bitz")
            self.assertIn("did you mean 'bits'", e.message)
            self.assertTrue(str(e).startswith("%s:3:3: error: 'adc.bitz'" % path), str(e))
            self.assertIsInstance(e, ValueError)

    def test_out_of_range_override(self):
        with self.assertRaises(cimsim.ConfigError) as caught:
            cimsim.run(support.DEFAULT, {"adc.bits": 0})
        self.assertEqual(caught.exception.key, "adc.bits")
        self.assertIn("adc.bits=0", caught.exception.file)

    def test_dict_config_error(self):
        with self.assertRaises(cimsim.ConfigError) as caught:
            cimsim.load({"workload": {"network": support.DEFAULT}, "cel": {"model": "ideal"}})
        self.assertEqual(caught.exception.file, "<dict>")
        self.assertEqual(caught.exception.key, "cel")
        self.assertGreater(caught.exception.line, 0)

    def test_bad_input_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            broken = os.path.join(tmp, "broken.onnx")
            with open(broken, "wb") as f:
                f.write(b"not a model")
            with self.assertRaises(cimsim.InputError) as caught:
                cimsim.run(support.DEFAULT, {"workload.network": broken}, progress=False)
            self.assertIn("broken.onnx", str(caught.exception))

    def test_missing_config_file(self):
        with self.assertRaises(FileNotFoundError):
            cimsim.load("no_such_config.yaml")

    def test_bad_sweep_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "sweep.yaml")
            with open(path, "w") as f:
                f.write("base: %s\nparameters:\n  adc.bitss: [4, 6]\n" % support.DEFAULT)
            with self.assertRaises(cimsim.ConfigError) as caught:
                cimsim.sweep(path, progress=False)
            self.assertEqual(caught.exception.file, path)
            self.assertEqual(caught.exception.line, 3)
            self.assertIn("adc.bitss", caught.exception.key)

    def test_a_cpu_without_the_builds_features_gets_a_message(self):
        # The command checks before any library code runs; a test cannot borrow an older CPU, so
        # it tells the check to treat AVX2 as missing.
        env = dict(os.environ, CIMSIM_TEST_CPU_LACKS="avx2")
        done = subprocess.run([support.BINARY, "--version"], capture_output=True, text=True, env=env)
        from cimsim import _build
        if "avx2" not in _build.CPU_FLAGS:
            self.assertEqual(done.returncode, 0)  # a build that does not use AVX2 does not care
            return
        self.assertEqual(done.returncode, 1)
        self.assertIn("this cimsim was built for CPUs with avx2", done.stderr)
        self.assertIn("-DCIMSIM_ARCH=x86-64-v2", done.stderr)
        self.assertEqual(done.stdout, "")
        # The module checks /proc/cpuinfo's flags the same way before loading the library.
        from cimsim import _cpu
        with self.assertRaises(ImportError) as caught:
            _cpu.require(_build.CPU_FLAGS + ["no_such_feature"], _build.ARCH)
        self.assertIn("lacks: no_such_feature", str(caught.exception))
        _cpu.require(_build.CPU_FLAGS, _build.ARCH)  # this machine runs the build


if __name__ == "__main__":
    support.main()
