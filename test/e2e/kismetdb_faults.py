#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the kismetdb log when things go wrong, through the real core,
# helpers, writer and web worker
#
#   kismetdb_faults.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE OSPREY_GEN
#
# A capture replayed in a loop at a fixed rate stands for a radio.  Each
# case runs its own core with log_types=kismet and the web worker on a
# free port, and reads /system/status.json with a real HTTP client:
#
#   crash       SIGKILL of the core's whole process group (core and
#               writer): the file opens in SQLite, passes its integrity
#               check and holds at least every packet the writer had
#               reported committed
#   core-kill   SIGKILL of the core alone: the writer commits what it had,
#               closes the file as one file and exits
#   disk-full   a file size limit (RLIMIT_FSIZE) the log runs into: one
#               error line, logging stops, capture and the web go on, the
#               packets not logged are counted in /system/status.json
#   no-space    the same on a full file system (a small tmpfs in a
#               mount namespace of the core's own; skipped without root)
#   deleted     the file deleted mid-run: the same, with its reason
#   reopen      kis_log_reopen=true: logging goes on in a new file
#   writer-kill the writer SIGKILLed: one line, capture and the web go on
#   backlog     a batch run over a capture the core reads faster than the
#               writer can write (osprey_gen's): the core holds the file
#               back instead of dropping, and every packet is logged;
#               and every device the tracker made has its row
#
# Output is TAP; a case skips when the host lacks what it needs.
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kismetdb_core  # noqa: E402
from kismetdb_core import DEADLINE  # noqa: E402

OSPREY, WEB, PCAPFILE, GEN = [os.path.abspath(a) for a in sys.argv[1:5]]
CAPS = os.environ.get("OSPREY_CAPTURES", "")
FEED = "ehn1225-airodump__80211-icmp.pcap"


def Core(extra=(), fsize=None, pps=2000, wrap=()):
    """A core whose one source replays FEED in a loop at pps."""
    return kismetdb_core.Core(
        OSPREY, WEB, PCAPFILE, ["%s:name=feed,pps=%d,loop=true" %
                                (os.path.join(CAPS, FEED), pps)],
        extra=extra, fsize=fsize, wrap=wrap)


def open_log(path):
    """The file as an operator's sqlite3 opens it (recovering a WAL)."""
    db = sqlite3.connect(path)
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    n = db.execute("SELECT count(*) FROM packets").fetchone()[0]
    v = db.execute("SELECT db_version FROM KISMET").fetchone()[0]
    db.close()
    return ok, n, v


def committed(c, at_least):
    return c.wait(lambda: (c.status()["osprey.kismetdb.packets_logged"]
                           >= at_least and
                           c.status()["osprey.kismetdb.packets_logged"]),
                  "%d packets committed" % at_least)


def test_crash():
    c = Core()
    try:
        n = committed(c, 2000)
        os.killpg(c.proc.pid, signal.SIGKILL)
        c.proc.wait()
        ok, rows, v = open_log(c.path)
        assert ok == "ok", ok
        assert v == 9
        assert rows >= n, "%d rows, %d were committed" % (rows, n)
        return "%d packets committed before the kill, %d in the file" % (
            n, rows)
    finally:
        c.stop()
        c.clean()


def test_core_kill():
    c = Core()
    try:
        n = committed(c, 1000)
        os.kill(c.proc.pid, signal.SIGKILL)
        c.proc.wait()
        # The writer sees its socket close, keeps what came, closes.
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            try:
                with open("/proc/%d/stat" % c.writer) as f:
                    if f.read().split(")")[1].split()[0] == "Z":
                        break
                time.sleep(0.1)
            except FileNotFoundError:
                break
        else:
            raise AssertionError("the writer did not exit")
        assert not os.path.exists(c.path + "-wal"), "WAL left behind"
        ok, rows, _ = open_log(c.path)
        assert ok == "ok" and rows >= n, (ok, rows, n)
        return "%d rows, one file" % rows
    finally:
        c.stop()
        c.clean()


def errors_about_log(text):
    return [line for line in text.splitlines()
            if "kismetdb log" in line and ("warning" in line or
                                           "error" in line)]


def stopped_and_going(c, why):
    """Logging stopped with why; capture and the web carry on."""
    st = c.wait(lambda: c.status()["osprey.kismetdb.state"] == "stopped"
                and c.status(), "logging to stop")
    assert why in st["osprey.kismetdb.error"], st["osprey.kismetdb.error"]
    before = c.source_packets("feed")
    lost = st["osprey.kismetdb.packets_not_logged"]
    c.wait(lambda: c.source_packets("feed") > before + 500, "capture to go on")
    st = c.wait(lambda: c.status()["osprey.kismetdb.packets_not_logged"] >
                lost + 500 and c.status(), "the not-logged count to grow")
    lines = errors_about_log(c.text())
    assert len(lines) == 1, lines
    # The line gives the same reason as the status.
    assert st["osprey.kismetdb.error"] in lines[0], (lines[0], st)
    return st, lines[0]


def test_disk_full():
    c = Core(fsize=2 * 1024 * 1024, pps=5000)
    try:
        st, line = stopped_and_going(c, "")
        assert c.proc.poll() is None
        # The rows the writer could not write raise one LOGLOSS alert.
        c.wait(lambda: "alert LOGLOSS" in c.text(), "a LOGLOSS alert")
        loss = [x for x in c.text().splitlines() if "alert LOGLOSS" in x]
        assert len(loss) == 1 and "did not log" in loss[0], loss
        return "%s; %d packets not logged so far" % (
            line.split(": ", 1)[1][:120],
            st["osprey.kismetdb.packets_not_logged"])
    finally:
        c.stop()
        c.clean()


def tmpfs_works():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    d = tempfile.mkdtemp(prefix="osprey-kdbfault-probe-")
    try:
        r = subprocess.run(["unshare", "-m", "--propagation", "private",
                            "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                            d], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        return r.returncode == 0
    finally:
        os.rmdir(d)


def test_no_space():
    # A 2 MiB tmpfs in a mount namespace of the core's own: ENOSPC.
    if not tmpfs_works():
        return "SKIP no root or no mount namespace here"
    c = Core(pps=5000, wrap=["unshare", "-m", "--propagation", "private",
                             "sh", "-c", 'mount -t tmpfs -o size=2m tmpfs '
                             'LOGDIR && exec "$@"', "sh"])
    try:
        st, line = stopped_and_going(c, "disk is full")
        return "%s; %d packets not logged so far" % (
            line.split(": ", 2)[2][:100],
            st["osprey.kismetdb.packets_not_logged"])
    finally:
        c.stop()
        c.clean()


def test_deleted():
    c = Core()
    try:
        committed(c, 500)
        os.unlink(c.path)
        st, line = stopped_and_going(c, "deleted or moved")
        return line.split(": ", 1)[1][:120]
    finally:
        c.stop()
        c.clean()


def test_reopen():
    c = Core(extra=["kis_log_reopen=true"])
    try:
        committed(c, 500)
        first = c.path
        os.unlink(first)
        st = c.wait(lambda: c.status()["osprey.kismetdb.path"] != first and
                    c.status(), "a new file")
        second = st["osprey.kismetdb.path"]
        assert st["osprey.kismetdb.state"] == "logging"
        c.wait(lambda: os.path.exists(second) and open_log(second)[1] > 100,
               "packets in the new file")
        text = c.stop()
        assert "logging goes on in " + second in text
        return "went on in %s" % os.path.basename(second)
    finally:
        c.stop()
        c.clean()


def test_writer_kill():
    c = Core()
    try:
        committed(c, 500)
        os.kill(c.writer, signal.SIGKILL)
        st, line = stopped_and_going(c, "writer was killed by signal 9")
        assert "killed by signal 9" in line, line
        return line.split(": ", 1)[1][:120]
    finally:
        c.stop()
        c.clean()


def test_backlog():
    # A batch run whose writer stops for 2 s (SIGSTOP) while the core
    # reads a capture: past the 1 MiB queue the core must hold the file
    # back, not drop packets (a file is held at most 5 s at once).
    tmp = tempfile.mkdtemp(prefix="osprey-kdbfault-")
    try:
        cap = os.path.join(tmp, "big.pcapng")
        subprocess.run([GEN, "--aps", "200", "--clients", "2000",
                        "--frames", "250000", "--seed", "3", "-o", cap],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        os.mkdir(os.path.join(tmp, "bin"))
        os.symlink(PCAPFILE, os.path.join(tmp, "bin", "osprey_cap_pcapfile"))
        conf = os.path.join(tmp, "osprey.conf")
        with open(conf, "w") as f:
            f.write("log_types=kismet\nlog_prefix=%s\n"
                    "remote_capture_enabled=false\nkis_log_queue_mb=1\n" %
                    tmp)
        errpath = os.path.join(tmp, "err")
        with open(errpath, "w") as err:
            p = subprocess.Popen([OSPREY, "-f", conf, "--allow-root",
                                  "--no-web", "--exit-when-done", "-c", cap],
                                 stdout=subprocess.DEVNULL, stderr=err,
                                 env=dict(os.environ, OSPREY_HELPER_PATH=
                                          os.path.join(tmp, "bin")))
            deadline = time.time() + DEADLINE
            m = None
            while m is None and time.time() < deadline and p.poll() is None:
                with open(errpath) as f:
                    m = re.search(r"writer pid (\d+)", f.read())
                time.sleep(0.01)
            assert m is not None, "no writer pid"
            os.kill(int(m.group(1)), signal.SIGSTOP)
            time.sleep(2)
            os.kill(int(m.group(1)), signal.SIGCONT)
            assert p.wait(600) == 0
        with open(errpath) as f:
            text = f.read()
        line = [x for x in text.splitlines() if "kismetdb log " in x and
                "packets not logged" in x][0]
        log = [f for f in os.listdir(tmp) if f.endswith(".kismet")][0]
        ok, rows, _ = open_log(os.path.join(tmp, log))
        assert ok == "ok" and rows == 250000, (ok, rows, line)
        assert "; 0 packets not logged" in line, line
        held = int(re.search(r"held (\d+) times", line).group(1))
        assert held > 0, line
        # Every device the tracker made has its row: the exit pass packs
        # them a slice at a time while the queue is short (some MiB of
        # JSON here, over several rounds).
        tracked = int(re.search(r"(\d+) devices tracked", text).group(1))
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(tmp, log),
                             uri=True)
        try:
            n, keys = db.execute("SELECT count(*), count(DISTINCT devkey) "
                                 "FROM devices").fetchone()
        finally:
            db.close()
        assert tracked > 1000 and n == tracked and keys == n, \
            (tracked, n, keys)
        return line.split(": ", 2)[2]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    tests = [test_crash, test_core_kill, test_disk_full, test_no_space,
             test_deleted, test_reopen, test_writer_kill, test_backlog]
    print("1..%d" % len(tests))
    if not os.path.exists(os.path.join(CAPS, FEED)):
        for i, t in enumerate(tests):
            print("ok %d - %s # SKIP no captures at OSPREY_CAPTURES" %
                  (i + 1, t.__name__))
        return 0
    failed = 0
    for i, t in enumerate(tests):
        try:
            what = t()
            if what.startswith("SKIP "):
                print("ok %d - %s # %s" % (i + 1, t.__name__, what))
            else:
                print("ok %d - %s: %s" % (i + 1, t.__name__, what))
        except Exception:
            failed += 1
            print("not ok %d - %s" % (i + 1, t.__name__))
            for line in traceback.format_exc().splitlines()[-40:]:
                print("# " + line)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
