# SPDX-License-Identifier: ISC
# \summary: run tshark once per capture and arguments, cached on disk
#
# The comparison tests (decode, tracker) ask tshark for fields of every
# shared capture; tshark takes about 0.35 s just to start.  A result depends
# only on the capture's bytes, the arguments and tshark's version, so it is
# kept in $OSPREY_TSHARK_CACHE (scripts/test points both of its builds at
# one folder) or else in the build tree, and reused.
import collections
import hashlib
import os
import subprocess
import tempfile

Result = collections.namedtuple("Result", "returncode stdout stderr")

_version = None


def _tshark_version():
    global _version
    if _version is None:
        r = subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, universal_newlines=True)
        _version = r.stdout.splitlines()[0] if r.stdout else "?"
    return _version


def _cache_dir():
    d = os.environ.get("OSPREY_TSHARK_CACHE")
    if not d:
        d = os.path.join(os.environ.get("OSPREY_BUILD_ROOT",
                                        tempfile.gettempdir()),
                         "tshark-cache")
    os.makedirs(d, exist_ok=True)
    return d


def _digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tshark(path, args):
    """tshark -n -r PATH ARGS..., as a Result; cached when it succeeded."""
    key = hashlib.sha256(repr((_digest(path), list(args),
                               _tshark_version())).encode()).hexdigest()
    entry = os.path.join(_cache_dir(), key)
    try:
        with open(entry, encoding="utf-8", errors="replace") as f:
            return Result(0, f.read(), "")
    except FileNotFoundError:
        pass
    r = subprocess.run(["tshark", "-n", "-r", path] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, errors="replace")
    # A capture cut short makes tshark exit non-zero after printing every
    # frame it read: that output is the answer too.
    if r.returncode == 0 or r.stdout:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(entry))
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(r.stdout)
        os.replace(tmp, entry)
    return Result(r.returncode, r.stdout, r.stderr)
