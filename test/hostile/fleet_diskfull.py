#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the packet log on a full disk: readable to its end, counted
#
# The real core replays a capture (osprey_cap_pcapfile, --exit-when-done)
# into its pcapng log while the disk fills: once under a file size limit
# (RLIMIT_FSIZE, which needs no privilege: EFBIG, SIGXFSZ), once on a
# small tmpfs in a mount namespace of its own (ENOSPC; skipped, with the
# reason, where one cannot be made).  Each time the core must go on to
# the end of the replay, say once why the log stopped (with the errno),
# and leave a file that tshark reads to its end without complaint,
# holding exactly the packets the core says it logged.
# Output is TAP.  Usage: fleet_diskfull.py OSPREY OSPREY_CAP_PCAPFILE

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleet_lib import Tap, cap, sanitizer_clean  # noqa: E402

OSPREY, PCAPFILE = [os.path.abspath(a) for a in sys.argv[1:3]]
CAPTURE = "angryoxide__test_output.pcapng"     # 2.2 MB, 8207 frames
LIMIT = 600 * 1024


def setup(tmp):
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    os.symlink(PCAPFILE, os.path.join(bindir, "osprey_cap_pcapfile"))
    conf = os.path.join(tmp, "osprey.conf")
    with open(conf, "w") as f:
        f.write("remote_capture_enabled=false\nenable_logging=true\n")
    env = dict(os.environ, OSPREY_HELPER_PATH=bindir, HOME=tmp)
    return conf, env


def core_cmd(conf, logdir):
    return [OSPREY, "--allow-root", "--no-web", "-f", conf,
            "--exit-when-done", "-p", logdir, "-c", cap(CAPTURE)]


def check(t, what, rc, err, path, want_errno):
    t.ok(rc == 0, "%s: the core replays to the end and exits 0" % what,
         err[-1500:])
    stopped = re.findall(r"packet log .*: (.*); logging stopped after "
                         r"(\d+) packets", err)
    t.ok(len(stopped) == 1 and want_errno in stopped[0][0],
         "%s: one line says why the log stopped: %s" % (
             what, stopped[0][0] if stopped else "none"), err[-1500:])
    said = re.findall(r"packet log .*: (\d+) packets$", err, re.M)
    r = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e",
                        "frame.number"], capture_output=True, text=True,
                       timeout=120)
    frames = len(r.stdout.split())
    # As root tshark warns that it runs as root; anything else is a
    # complaint about the file ("cut short in the middle of a packet").
    complaints = [ln for ln in r.stderr.splitlines()
                  if ln.strip() and "Running as user" not in ln]
    t.ok(r.returncode == 0 and not complaints,
         "%s: tshark reads the %d-byte file to its end" % (
             what, os.path.getsize(path)), r.stderr)

    t.ok(stopped and said and frames == int(stopped[0][1]) ==
         int(said[-1]) and frames > 0,
         "%s: it holds the %d packets the core counted" % (what, frames),
         (stopped, said, frames))
    t.ok(sanitizer_clean(err), "%s: the core ran clean" % what,
         err[-1500:])


def size_limit(t, tmp):
    conf, env = setup(os.path.join(tmp, "a"))
    logdir = os.path.join(tmp, "a", "log")
    os.makedirs(logdir)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
    r = subprocess.run(core_cmd(conf, logdir), env=env, preexec_fn=limit,
                       capture_output=True, text=True, timeout=300)
    logs = os.listdir(logdir)
    if not logs:
        t.ok(False, "file size limit: a log was written", r.stderr[-1500:])
        return
    check(t, "file size limit", r.returncode, r.stderr,
          os.path.join(logdir, logs[0]), "File too large")


def full_tmpfs(t, tmp):
    if shutil.which("unshare") is None:
        t.note("SKIP full tmpfs: no unshare(1)")
        return
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs "
                            "-o size=64k tmpfs \"$1\"", "-", tmp],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        t.note("SKIP full tmpfs: cannot mount one in a mount namespace "
               "here: %s" % probe.stderr.strip())
        return
    conf, env = setup(os.path.join(tmp, "b"))
    mnt = os.path.join(tmp, "b", "mnt")
    out = os.path.join(tmp, "b", "out")
    os.makedirs(mnt)
    os.makedirs(out)
    # The tmpfs lives as long as the namespace: copy the log out of it.
    script = ('mount -t tmpfs -o size=%d tmpfs "$1" && "$@" ; rc=$?; '
              'cp "$1"/*.pcapng "$2"/ ; exit $rc' % LIMIT)
    cmd = core_cmd(conf, mnt)
    r = subprocess.run(["unshare", "-m", "sh", "-c",
                        script.replace('"$@"', " ".join(
                            "'%s'" % a for a in cmd)), "-", mnt, out],
                       env=env, capture_output=True, text=True,
                       timeout=300)
    logs = os.listdir(out)
    if not logs:
        t.ok(False, "full tmpfs: a log was written", r.stderr[-1500:])
        return
    check(t, "full tmpfs", r.returncode, r.stderr,
          os.path.join(out, logs[0]), "No space left on device")


def main():
    t = Tap()
    for b in (OSPREY, PCAPFILE):
        if not os.access(b, os.X_OK):
            t.skip_all("%s is not built" % b)
            return 0
    if not os.path.exists(cap(CAPTURE)):
        t.skip_all("no captures at OSPREY_CAPTURES")
        return 0
    if shutil.which("tshark") is None:
        t.skip_all("no tshark to read the log back")
        return 0
    tmp = tempfile.mkdtemp(prefix="osprey-diskfull-")
    try:
        size_limit(t, tmp)
        full_tmpfs(t, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
