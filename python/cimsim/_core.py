"""Configs, runs and their results."""

import json
import os
import sys
import warnings

from . import _cimsim
from ._errors import CimsimWarning
from ._progress import Progress

_HERE = os.path.dirname(os.path.abspath(__file__))


def _yaml_text(data):
    """Python data as YAML text, plain scalars where YAML allows (they come back as written)."""
    try:
        import yaml
    except ImportError:  # python3-yaml is a dependency; JSON is YAML all the same
        return json.dumps(data, indent=1)
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def _override(key, value):
    """One override as the command line writes it: key=YAML value."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(value)  # JSON is YAML: maps and lists go through as they are
    elif isinstance(value, str):
        text = value  # YAML text, as after --set
    elif isinstance(value, os.PathLike):
        text = json.dumps(os.fspath(value))
    else:
        text = str(value)
    return "%s=%s" % (key, text)


def _overrides(sets):
    """sets: a dict {key: value} or a list of "key=value" strings (as --set takes them)."""
    if not sets:
        return []
    if isinstance(sets, dict):
        return [_override(k, v) for k, v in sets.items()]
    return [str(s) for s in sets]


class Config:
    """A validated configuration: every key checked, defaults filled, presets expanded.

    Make one with :func:`load`; :meth:`with_sets` gives a new one with more overrides.
    """

    def __init__(self, native, kind, source, sets, origin):
        self._native = native
        self._kind, self._source, self._sets, self._origin = kind, source, list(sets), origin
        self._dict = None

    @property
    def file(self):
        """The config file ("" for text or a dict)."""
        return self._native.source

    @property
    def overrides(self):
        return list(self._sets)

    @property
    def output_dir(self):
        """run.output_dir: where the command would write."""
        return self._native.output_dir

    def resolved_yaml(self):
        """The whole config, defaults filled and paths absolute: YAML that reproduces it."""
        return self._native.resolved_yaml()

    def to_dict(self):
        """The resolved config as nested dicts (needs python3-yaml)."""
        if self._dict is None:
            import yaml
            self._dict = yaml.safe_load(self.resolved_yaml())
        return self._dict

    def __getitem__(self, dotted):
        """A resolved value by its dotted key: config["adc.bits"]."""
        node = self.to_dict()
        for part in dotted.split("."):
            node = node[part]
        return node

    def with_sets(self, sets):
        """The same config with more overrides on top."""
        return _load(self._kind, self._source, self._sets + _overrides(sets), self._origin)

    def __repr__(self):
        where = self.file or self._origin
        return "<cimsim.Config %s%s>" % (where, "".join(" --set " + s for s in self._sets))


def _load(kind, source, sets, origin):
    if kind == "file":
        native = _cimsim.Config.from_file(source, sets)
    else:
        native = _cimsim.Config.from_text(source, origin, sets)
    return Config(native, kind, source, sets, origin)


def load(config, sets=None):
    """A validated config from a file path, YAML text, a dict (the YAML as Python data) or a Config,
    with overrides: sets={"adc.bits": 6, "cell": {"preset": "pcm_ibm"}} or ["adc.bits=6", ...].

    Relative paths in a file start from its folder; in text or a dict, from the working directory.
    A mistake raises ConfigError with file, line, column and key.
    """
    extra = _overrides(sets)
    if isinstance(config, Config):
        return config.with_sets(sets) if extra else config
    if isinstance(config, dict):
        return _load("text", _yaml_text(config), extra, "<dict>")
    if isinstance(config, os.PathLike):
        return _load("file", os.fspath(config), extra, "")
    if isinstance(config, str):
        if os.path.isfile(config):
            return _load("file", config, extra, "")
        if "\n" in config or ":" in config:
            return _load("text", config, extra, "<text>")
        raise FileNotFoundError("%s: no such config file" % config)
    raise TypeError("a config is a path, YAML text, a dict or a cimsim.Config, not %s" % type(config).__name__)


def _raise_warnings():
    """The library's warnings of the run that just ended, shown at the caller's line."""
    level, frame = 1, sys._getframe(0)
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _HERE:
        frame, level = frame.f_back, level + 1
    for message in _cimsim.drain_warnings():
        warnings.warn(message, CimsimWarning, stacklevel=level)


def _draws_own_bar(config):
    """Whether the library draws its progress line itself (run.progress, stderr a terminal)."""
    mode = config["run.progress"]
    return mode == "always" or (mode == "auto" and os.isatty(2))


def run(config, sets=None, *, outputs=False, input_codes=False, instance=0, progress=None, output_dir=None):
    """Runs a simulation in this process and returns its Result.

    outputs: keep every layer's outputs of chip instance `instance` (Result.outputs, .logits);
    input_codes: also the input codes of the layers on arrays. progress: None shows a bar where
    the library draws none itself (notebooks), True always, False never. output_dir: as the
    command's --output: sets run.output_dir and writes the command's files there (report.json,
    layers.csv, resolved.yaml, wallclock.json).

    The engines run without the GIL; Ctrl-C stops the run at its next check point and raises
    KeyboardInterrupt. Library warnings arrive as CimsimWarning.
    """
    cfg = load(config, sets)
    if output_dir is not None:  # as the command's --output: the resolved config says so too
        cfg = cfg.with_sets(["run.output_dir=%s" % json.dumps(os.fspath(output_dir))])
    show = progress if progress is not None else cfg["run.progress"] != "never"
    bar = Progress() if show and not _draws_own_bar(cfg) else None
    try:
        native = _cimsim.run(cfg._native, bool(outputs or input_codes), int(instance), bool(input_codes),
                             bar.update if bar else None)
    finally:
        if bar:
            bar.close()
        _raise_warnings()
    result = Result(native, cfg)
    if output_dir is not None:
        result.write(output_dir)
    return result


class LayerOutput:
    """One layer's outputs over the test samples (numpy arrays over the run's own memory, read-only).

    values      the output after the activation, as the next layer sees it: (samples, *shape)
    activation  what the layer applies last ("none", "relu", "clip" to clip): ONNX Relu and Clip
                nodes are folded into the layer before them
    On layers that run on the arrays (on_arrays):
    products    the products W.q the arrays delivered after conversion and shift-add, in integer
                units, before zero point, scales and bias: (samples, out) for a dense layer,
                (samples, out, height, width) for a convolution. int64; float64 when digital drift
                compensation scales the layer (integral is then False).
    input_codes with run(..., input_codes=True): the input codes q, (samples, vectors, in_features)
                (a convolution's vectors are its output pixels, row by row, inputs in im2col order)
    weights     the weight codes W, (out, in_features); weight_scale (per output), input_scale,
                input_zero_point, bias: values = act((weight_scale * input_scale) * (W.q - zp * sum(W)) + bias)
    """

    def __init__(self, d):
        self.name = d["name"]
        self.op = d["op"]
        self.on_arrays = d["on_arrays"]
        self.activation = d["activation"]  # folded into the layer: "none", "relu" or "clip" (to self.clip)
        self.clip = tuple(d["clip"])
        self.shape = tuple(d["shape"])
        self.values = d["values"]
        self.products_per_vector = d.get("products")
        self.integral = d.get("integral", True)
        self.input_codes = d.get("input_codes")
        self.weights = d.get("weights")
        self.weight_scale = d.get("weight_scale")
        self.input_scale = d.get("input_scale")
        self.input_zero_point = d.get("input_zero_point")
        self.bias = d.get("bias")

    @property
    def products(self):
        p = self.products_per_vector
        if p is None:
            return None
        if self.op == "conv":  # (samples, pixels, out) -> (samples, out, height, width), a view
            n, _, out = p.shape
            return p.reshape(n, self.shape[1], self.shape[2], out).transpose(0, 3, 1, 2)
        return p[:, 0, :]

    def __repr__(self):
        return "<cimsim.LayerOutput %s (%s) %s>" % (self.name, self.op, "x".join(map(str, self.values.shape)))


class Result:
    """What a run gives: the report (the command's report.json, number for number), its metrics,
    and with outputs=True every layer's outputs and the logits."""

    def __init__(self, native, config):
        self._native = native
        self.config = config
        self._report = None
        self._outputs = None

    @property
    def report_json(self):
        """report.json's text, byte for byte what `cimsim run` writes."""
        return self._native.report_json

    @property
    def report(self):
        """report.json as a dict (every number is {"value": ..., "unit": ...})."""
        if self._report is None:
            self._report = json.loads(self._native.report_json)
        return self._report

    @property
    def metrics(self):
        """Every number of the report by its dotted path, as sweep stores name their columns."""
        return _cimsim.report_metrics(self._native.report_json)

    @property
    def accuracy(self):
        """On-chip accuracy (mean over chip instances); None without labels."""
        return self.report["accuracy"]["chip"]["value"]

    @property
    def outputs(self):
        """Layer name -> LayerOutput, in network order (empty unless run with outputs=True)."""
        if self._outputs is None:
            self._outputs = {d["name"]: LayerOutput(d) for d in self._native.layers()}
        return self._outputs

    @property
    def logits(self):
        """The last layer's outputs, (samples, classes); None unless run with outputs=True."""
        if not self.outputs:
            return None
        return list(self.outputs.values())[-1].values

    @property
    def predictions(self):
        if self.logits is None:
            return None
        return self.logits.argmax(axis=1)

    @property
    def labels(self):
        """The test labels (empty without labels)."""
        return self._native.labels

    @property
    def outputs_instance(self):
        return self._native.outputs_instance

    @property
    def wall_seconds(self):
        return self._native.wall_seconds

    def layers_csv(self):
        return self._native.layers_csv()

    def wallclock(self):
        return json.loads(self._native.wallclock_json())

    def resolved_yaml(self):
        return self._native.resolved_yaml()

    def summary(self, output_dir=None):
        """The console summary the command prints."""
        return self._native.console_summary(output_dir if output_dir is not None else self.config.output_dir)

    def write(self, output_dir=None):
        """Writes the command's files (report.json, layers.csv, resolved.yaml, wallclock.json) into
        output_dir (default: the config's run.output_dir)."""
        directory = os.fspath(output_dir) if output_dir is not None else self.config.output_dir
        self._native.write(directory)
        return directory

    def __repr__(self):
        acc = self.accuracy
        return "<cimsim.Result %s accuracy %s>" % (self.config.file or "<text>",
                                                   "n/a" if acc is None else "%.4f" % acc)
