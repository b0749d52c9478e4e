"""PyTorch in one call: export a module to ONNX in memory, run it on a simulated chip, get accuracy,
every layer's outputs and the hardware report back. Needs python3-torch and python3-onnx (Debian's);
neither is imported until evaluate() is called."""

import io
import pathlib
import tempfile

from ._core import _overrides, load, run


def _numpy(x):
    import numpy as np
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _collect(data, example_input):
    """(inputs, labels or None) as numpy arrays, the sample axis first."""
    import numpy as np
    if data is None:
        return _numpy(example_input).astype(np.float32), None
    if isinstance(data, (tuple, list)) and len(data) == 2 and not hasattr(data[0], "__next__"):
        x, y = data
        return _numpy(x).astype(np.float32), None if y is None else _numpy(y).astype(np.int64)
    # A DataLoader, a Dataset or any iterable of (inputs, labels) batches or samples.
    xs, ys = [], []
    for x, y in data:
        x, y = _numpy(x), _numpy(y)
        batched = x.ndim == _numpy(example_input).ndim
        xs.append(x if batched else x[None])
        ys.append(y.reshape(-1) if batched else y.reshape(1))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)


def export_onnx(model, example_input, opset=13):
    """The module as ONNX bytes (evaluation mode, batch axis dynamic), made in memory."""
    import torch
    buffer = io.BytesIO()
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            torch.onnx.export(model, example_input, buffer, input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=opset)
    finally:
        model.train(was_training)
    return buffer.getvalue()


class Evaluation:
    """What evaluate() gives: the run's Result (its attributes are the Evaluation's: report,
    metrics, accuracy, outputs, logits, predictions, labels) and the ONNX it ran.

    accuracy, float_accuracy, quantized_accuracy: on the chip (mean over chip instances), of the
    float network and of the ideal-quantized one; None without labels.
    """

    def __init__(self, result, onnx):
        self.result = result
        self.onnx = onnx

    def __getattr__(self, name):
        # report, outputs, logits, predictions, labels, metrics, ...: the run's Result.
        if name == "result":  # not set yet (copying, unpickling)
            raise AttributeError(name)
        return getattr(self.result, name)

    @property
    def float_accuracy(self):
        return self.report["accuracy"]["float"]["value"]

    @property
    def quantized_accuracy(self):
        return self.report["accuracy"]["quantized"]["value"]

    @staticmethod
    def module_of(layer_name):
        """The PyTorch module a layer came from: ONNX nodes exported by PyTorch are named by the
        module path, "/layer1/layer1.0/conv1/Conv" -> "layer1.0.conv1" ("" when not named so)."""
        parts = [p for p in layer_name.split("/") if p]
        return parts[-2] if len(parts) >= 2 else ""

    def __repr__(self):
        return "<cimsim.Evaluation accuracy %s>" % self.accuracy


def evaluate(model, example_input, config, data=None, *, calibration=None, sets=None, outputs=True,
             samples=None, progress=None, opset=13):
    """Runs a PyTorch module on the chip `config` describes (a path, YAML text, a dict or a Config).

    The module is exported to ONNX in memory (evaluation mode; example_input fixes the shapes, its
    first axis is the batch); cimsim quantizes it as the config's quantization section says (or keeps
    the scales of a QDQ export). data: (inputs, labels) as arrays or tensors (labels may be None),
    or a DataLoader / iterable of (inputs, labels); default: example_input alone, without labels.
    calibration: inputs that set activation ranges and calibrated ADC full scales (default: the
    first test inputs). sets: more overrides. samples: use only the first N test samples.
    Returns an Evaluation: accuracy, every layer's outputs, the logits and the hardware report.
    """
    import numpy as np
    onnx = export_onnx(model, example_input, opset)
    inputs, labels = _collect(data, example_input)
    with tempfile.TemporaryDirectory(prefix="cimsim-torch-") as tmp:
        folder = pathlib.Path(tmp)
        # The workload loaders read files; these live only as long as the run.
        (folder / "network.onnx").write_bytes(onnx)
        np.save(folder / "inputs.npy", inputs)
        workload = {"workload.network": folder / "network.onnx", "workload.inputs": folder / "inputs.npy",
                    "workload.labels": '""', "workload.calibration_inputs": '""', "workload.synthetic_samples": 0}
        if labels is not None:
            np.save(folder / "labels.npy", labels)
            workload["workload.labels"] = folder / "labels.npy"
        if calibration is not None:
            np.save(folder / "calibration.npy", _numpy(calibration).astype(np.float32))
            workload["workload.calibration_inputs"] = folder / "calibration.npy"
        if samples is not None:
            workload["workload.samples"] = int(samples)
        cfg = load(config, _overrides(workload) + _overrides(sets))
        result = run(cfg, outputs=outputs, progress=progress)
    return Evaluation(result, onnx)

