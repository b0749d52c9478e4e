"""Shared by the Python tests: where things are, and running the cimsim command.

The tests run from CTest with PYTHONPATH pointing at the build's python/ folder, CIMSIM_BINARY at
its cimsim command and CIMSIM_SOURCE_DIR at the source tree (tests/CMakeLists.txt)."""

import os
import subprocess
import sys
import unittest

SOURCE = os.environ.get("CIMSIM_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BINARY = os.environ.get("CIMSIM_BINARY", os.path.join(SOURCE, "build", "cimsim"))
DEFAULT = os.path.join(SOURCE, "configs", "default.yaml")
DIGITS_CNN = os.path.join(SOURCE, "configs", "digits_cnn.yaml")
SKIP = 77  # CTest's SKIP_RETURN_CODE for these tests


def cli(*args, cwd=None):
    """Runs the cimsim command; returns the CompletedProcess (text)."""
    return subprocess.run([BINARY] + [str(a) for a in args], capture_output=True, text=True, cwd=cwd)


def main(*needed):
    """unittest.main(), or exit with SKIP when a module the tests need is not installed."""
    for module in needed:
        try:
            __import__(module)
        except ImportError:
            print("skipped: Python module %s is not installed (scripts/setup.sh --extras)" % module)
            sys.exit(SKIP)
    unittest.main(verbosity=2)
