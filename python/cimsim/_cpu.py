"""Refuses to load a build of cimsim on a CPU that lacks what the build was compiled for, with a
message that says so (loading it anyway would die of an illegal instruction)."""


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def require(flags, arch):
    have = _cpu_flags()
    if have is None:
        return  # nothing to check against: let the loader try
    missing = [f for f in flags if f not in have]
    if missing:
        raise ImportError(
            "this cimsim was built for -march=%s, which needs CPU features this CPU lacks: %s. Rebuild it "
            "for this machine (e.g. cmake -DCIMSIM_ARCH=x86-64-v2; docs/library.md, portable builds)"
            % (arch, " ".join(missing)))
