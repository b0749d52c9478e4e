"""docs/python.md runs as written: its Python blocks, in order, in one namespace, from a folder
that has the source tree's configs/ and traces/; where a block is followed by an output block,
what it prints must be that output (trailing spaces aside)."""

import contextlib
import io
import os
import re
import tempfile
import unittest

import support


def blocks(markdown):
    """(code, expected output or None) for every ```python block."""
    fences = list(re.finditer(r"```(\w*)\n(.*?)```", markdown, re.S))
    out = []
    for i, f in enumerate(fences):
        if f.group(1) != "python":
            continue
        expected = None
        if i + 1 < len(fences) and fences[i + 1].group(1) == "" and not markdown[f.end():fences[i + 1].start()].strip():
            expected = fences[i + 1].group(2)
        out.append((f.group(2), expected))
    return out


def lines(text):
    return [line.rstrip() for line in text.strip().splitlines()]


class DocsTest(unittest.TestCase):
    def test_python_md_runs_as_written(self):
        with open(os.path.join(support.SOURCE, "docs", "python.md")) as f:
            examples = blocks(f.read())
        self.assertGreater(len(examples), 5)
        os.environ["MPLBACKEND"] = "Agg"
        here = os.getcwd()
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("configs", "traces"):
                os.symlink(os.path.join(support.SOURCE, name), os.path.join(tmp, name))
            os.chdir(tmp)
            try:
                namespace = {}
                for number, (code, expected) in enumerate(examples, 1):
                    printed = io.StringIO()
                    with contextlib.redirect_stdout(printed):
                        exec(compile(code, "docs/python.md block %d" % number, "exec"), namespace)
                    if expected is not None:
                        self.assertEqual(lines(printed.getvalue()), lines(expected), "block %d" % number)
                self.assertTrue(os.path.getsize(os.path.join(tmp, "out", "adc_bits_python.png")) > 10000)
            finally:
                os.chdir(here)


if __name__ == "__main__":
    support.main("pandas", "matplotlib", "torch", "onnx")
