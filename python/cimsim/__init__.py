"""cimsim in Python: the simulator's library in this process.

    import cimsim

    result = cimsim.run("configs/default.yaml", sets={"adc.bits": 6}, outputs=True)
    result.report["accuracy"]["chip"]["value"]   # report.json as a dict, the command's numbers
    result.metrics["energy.per_inference"]       # flat, named as sweep stores name their columns
    result.outputs["fc1"].values                 # a layer's outputs, numpy, (samples, ...)
    result.outputs["fc1"].products               # the integer products W.q the arrays delivered
    result.logits                                # the last layer's outputs

    df = cimsim.sweep("scripts/studies/adc_bits.yaml")           # a pandas DataFrame, one row per point
    ev = cimsim.evaluate(torch_model, example, "configs/default.yaml", data=(x, y))   # PyTorch in one call

Configs are a file, YAML text or a dict, with overrides as on the command line. Mistakes raise
cimsim.ConfigError (file, line, column, key, message); Ctrl-C stops a run cleanly
(KeyboardInterrupt). docs/python.md has the whole story.
"""

from . import _build, _cpu

_cpu.require(_build.CPU_FLAGS, _build.ARCH)

from . import _cimsim  # noqa: E402  (after the CPU check)
from ._core import Config, LayerOutput, Result, load, run  # noqa: E402
from ._errors import CimsimError, CimsimWarning, CommandError, ConfigError, InputError  # noqa: E402
from ._sweep import read_store, sweep  # noqa: E402
from ._torch import Evaluation, evaluate  # noqa: E402

__version__ = _cimsim.version()
__all__ = ["Config", "LayerOutput", "Result", "load", "run", "sweep", "read_store", "evaluate", "Evaluation",
           "CimsimError", "ConfigError", "InputError", "CommandError", "CimsimWarning", "__version__"]
