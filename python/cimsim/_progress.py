"""Progress of a run or a sweep where Python users look: a tqdm bar when tqdm is installed (a widget
in notebooks with ipywidgets, text otherwise), else a plain line on sys.stderr."""

import sys
import time

try:
    from tqdm.auto import tqdm as _tqdm
except ImportError:  # python3-tqdm is optional
    _tqdm = None


class _TextBar:
    def __init__(self, desc, total):
        self.desc, self.total, self.n = desc, total, 0
        self._start = time.monotonic()
        self._draw()

    def update_to(self, n):
        self.n = n
        self._draw()

    def _draw(self, end=""):
        frac = self.n / self.total if self.total else 1.0
        filled = int(frac * 30)
        elapsed = time.monotonic() - self._start
        sys.stderr.write("\r%s [%s%s] %d/%d  %.1f s%s" % (self.desc, "#" * filled, "." * (30 - filled), self.n,
                                                         self.total, elapsed, end))
        sys.stderr.flush()

    def close(self):
        self._draw("\n")


class Progress:
    """Draws one bar per stage; update(label, done, total) is what the extension calls."""

    def __init__(self, prefix="cimsim"):
        self.prefix = prefix
        self._label = None
        self._bar = None

    def update(self, label, done, total):
        if not label or not total:
            return
        if label != self._label:
            self.close()
            self._label = label
            desc = "%s %s" % (self.prefix, label)
            self._bar = _tqdm(desc=desc, total=total, file=sys.stderr, leave=True) if _tqdm else _TextBar(desc, total)
        if _tqdm:
            self._bar.total = total
            self._bar.update(done - self._bar.n)
        elif done != self._bar.n:
            self._bar.update_to(done)

    def close(self):
        if self._bar is not None:
            self._bar.close()
        self._bar = None
        self._label = None
