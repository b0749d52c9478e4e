"""The exceptions and warnings of the cimsim package."""


class CimsimError(Exception):
    """Base of cimsim's own errors."""


class ConfigError(CimsimError, ValueError):
    """A mistake in a configuration (or a sweep file, or an override).

    ``str(error)`` is cimsim's whole message, as the command prints it; the parts are attributes:
    ``file`` (the config file, ``<text>``/``<dict>`` for configs given in Python, or the override),
    ``line`` and ``column`` (1-based; 0 where the place has no line of its own), ``key`` (the dotted
    key, e.g. ``adc.bits``) and ``message`` (what is wrong).
    """

    def __init__(self, text, file="", line=0, column=0, key="", message=""):
        super().__init__(text)
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message

    def __reduce__(self):
        return (type(self), (str(self), self.file, self.line, self.column, self.key, self.message))


class InputError(CimsimError, ValueError):
    """A bad input that is not a parameter: a network, a data set, a store of another sweep."""


class CommandError(CimsimError, RuntimeError):
    """The cimsim command (run by a sweep) failed; ``status`` is its exit status."""

    def __init__(self, text, status):
        super().__init__(text)
        self.status = status


class CimsimWarning(UserWarning):
    """Something the library warns about during a run (the command prints these on stderr)."""
