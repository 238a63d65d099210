#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the real processes as a real unprivileged user: osprey started
# by root with --user, its launcher, osprey_web and osprey_cap_pcapfile,
# each checked in /proc/PID/status against doc/privsep.md "Who holds what"
#
# The other privsep tests check probes that make the same calls as each
# role; this one runs the real programs on the demo capture.  Needs root
# (useradd, --user, setcap): skipped otherwise.  Creates the system user
# osprey-test if missing, as test_privileged does.
#
# The binaries and the capture are copied into a scratch folder the test
# user can read: the build tree may sit under a folder only root can
# enter, and setcap must not touch the build tree.
#
# Usage: test_real_processes.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE
#                               DEMO_CAPTURE SANDBOX
# SANDBOX is the meson option sandbox (seccomp or none).  Output is TAP.

import base64
import http.client
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

OSPREY, WEB, PCAPFILE, DEMO = [os.path.abspath(a) for a in sys.argv[1:5]]
SECCOMP = sys.argv[5] == "seccomp"
USER = "osprey-test"
LOGIN, PASSWORD = "tester", "Real-Processes-7"
CAP_NET_ADMIN, CAP_NET_RAW = 12, 13
INDEX = b"<html>osprey real-process test</html>\n"


def status(pid):
    """/proc/PID/status as a dict of its fields (strings)."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def stat_fields(pid):
    """(comm, state, ppid) from /proc/PID/stat; comm may hold spaces."""
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    return comm, rest[0], int(rest[1])


def children(ppid):
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if stat_fields(int(d))[2] == ppid:
                pids.append(int(d))
        except (OSError, ValueError):
            pass            # gone meanwhile
    return pids


def gone(pid):
    """Exited: no /proc entry, or a zombie left to a non-reaping init."""
    try:
        return stat_fields(pid)[1] == "Z"
    except OSError:
        return True


def figures(st):
    return ("uid %s gid %s groups [%s] CapEff %s CapPrm %s CapInh %s "
            "CapAmb %s CapBnd %s NoNewPrivs %s Seccomp %s" %
            (st["Uid"].replace("\t", "/"), st["Gid"].replace("\t", "/"),
             st["Groups"], st["CapEff"], st["CapPrm"], st["CapInh"],
             st["CapAmb"], st["CapBnd"], st["NoNewPrivs"], st["Seccomp"]))


class Env:
    """The test user and a scratch folder it can read."""

    def __init__(self):
        try:
            pwd.getpwnam(USER)
        except KeyError:
            r = subprocess.run(["useradd", "--system", "--no-create-home",
                                "--shell", "/usr/sbin/nologin", USER])
            # Another privsep test may have created it meanwhile.
            if r.returncode != 0:
                print("# useradd %s: status %d" % (USER, r.returncode))
        pw = pwd.getpwnam(USER)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.tmp = tempfile.mkdtemp(prefix="osprey-realproc-")
        os.chmod(self.tmp, 0o755)
        self.bin = self.mkdir("bin")
        self.copy(OSPREY, self.bin, 0o755)
        self.copy(WEB, self.bin, 0o755)
        self.copy(PCAPFILE, self.bin, 0o755)
        self.capture = self.copy(DEMO, self.tmp, 0o644)
        # The user's home: the web worker's %h, the core's --homedir.
        self.home = self.mkdir("home", 0o700)
        os.chown(self.home, self.uid, self.gid)
        www = self.mkdir("www")
        with open(os.path.join(www, "index.html"), "wb") as f:
            f.write(INDEX)
        os.chmod(os.path.join(www, "index.html"), 0o644)
        # Root's alone (0600, the mkstemp default): the core reads its
        # config before it drops and hands the web worker its login over
        # the bridge, so the user never needs to read this file.
        fd, self.conf = tempfile.mkstemp(dir=self.tmp, suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write("httpd_bind_address=127.0.0.1\nhttpd_port=0\n"
                    "httpd_home=%s\nhttpd_username=%s\n"
                    "httpd_password=%s\nremote_capture_port=0\n"
                    "channel_hop=false\n" % (www, LOGIN, PASSWORD))

    def mkdir(self, name, mode=0o755):
        path = os.path.join(self.tmp, name)
        os.mkdir(path)
        os.chmod(path, mode)
        return path

    @staticmethod
    def copy(src, folder, mode):
        dst = os.path.join(folder, os.path.basename(src))
        shutil.copyfile(src, dst)
        os.chmod(dst, mode)
        return dst

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class Core:
    """osprey started by root with --user, on the looping demo capture."""

    runs = 0

    def __init__(self, env, helper_path, web=True):
        Core.runs += 1
        self.log_path = os.path.join(env.tmp, "osprey-%d.log" % Core.runs)
        self.log = open(self.log_path, "w+")
        args = [os.path.join(env.bin, "osprey"), "--user", USER, "-n",
                "-f", env.conf, "--homedir",
                os.path.join(env.home, ".osprey"), "-c",
                env.capture + ":name=demo,realtime=true,loop=true"]
        if not web:
            args.append("--no-web")
        e = dict(os.environ, HOME=env.home, OSPREY_HELPER_PATH=helper_path)
        self.proc = subprocess.Popen(args, env=e, cwd=env.home,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        self.web_pid = self.port = None
        try:
            self.find(web)
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise

    def find(self, web):
        """Wait for the source and the web worker; name the processes."""
        m = self.wait_log(r"source 'demo': opened .*helper pid (\d+)\)")
        self.helper_pid = int(m.group(1))
        if web:
            m = self.wait_log(r"web worker (\d+) listening on port (\d+)")
            self.web_pid, self.port = int(m.group(1)), int(m.group(2))
        # The core's child is the launcher, whose children are the web
        # worker and the helper.  A sanitizer build adds one more child to
        # each process that enters a sandbox: the symbolizer the runtime
        # starts just before the filter (doc/privsep.md, "Sanitizer
        # builds"), a process of the same user that test_core checks too.
        kids = children(self.pid)
        self.launcher_pid = None
        self.others = []
        for k in kids:
            if stat_fields(k)[0] == "osprey":
                assert self.launcher_pid is None, ("core children", kids)
                self.launcher_pid = k
            else:
                self.others.append(k)
        assert self.launcher_pid is not None, ("core children", kids)
        for pid, comm in ((self.web_pid, "osprey_web"),
                          (self.helper_pid, "osprey_cap_pcap")):
            if pid is not None:
                c, _, ppid = stat_fields(pid)
                assert (c, ppid) == (comm, self.launcher_pid), \
                    (pid, c, ppid, self.launcher_pid)

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, pattern, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = re.search(pattern, self.text())
            if m:
                return m
            if self.proc.poll() is not None:
                raise AssertionError("osprey exited %d:\n%s" %
                                     (self.proc.returncode, self.text()))
            time.sleep(0.05)
        raise AssertionError("no /%s/ in:\n%s" % (pattern, self.text()))

    def get(self, path, auth):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = {}
        if auth:
            tok = base64.b64encode(("%s:%s" % (LOGIN, PASSWORD)).encode())
            h["Authorization"] = "Basic " + tok.decode()
        c.request("GET", path, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def stop(self):
        """SIGTERM; a clean exit (0) and every child gone."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("osprey ignored SIGTERM:\n" + self.text())
        self.log.close()
        rest = [p for p in [self.launcher_pid, self.web_pid,
                            self.helper_pid] + self.others if p is not None]
        deadline = time.time() + 5
        while time.time() < deadline and not all(gone(p) for p in rest):
            time.sleep(0.05)
        text = self.text()
        assert rc == 0, ("osprey exit status", rc, text)
        assert all(gone(p) for p in rest), ("left running", rest, text)
        for bad in ("sandbox violation", "SIGSYS", "Sanitizer",
                    "runtime error", "killed by"):
            assert bad not in text, (bad, text)


def check(env, name, pid, locked, launcher=False):
    """A process of the osprey user holding no capability; locked: with
    no_new_privs and a seccomp filter."""
    st = status(pid)
    print("# %s %d: %s" % (name, pid, figures(st)))
    ids = st["Uid"].split() + st["Gid"].split()
    assert ids == [str(env.uid)] * 4 + [str(env.gid)] * 4, (name, ids)
    assert st["Groups"] in ("", str(env.gid)), (name, st["Groups"])
    for k in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
        assert int(st[k], 16) == 0, (name, k, st[k])
    if not SECCOMP:
        return st       # -Dsandbox=none: neither is set anywhere
    if locked:
        assert (st["NoNewPrivs"], st["Seccomp"]) == ("1", "2"), (name, st)
    if launcher:
        # Never no_new_privs, no filter: it must exec file-capability
        # helpers (doc/privsep.md, "The launcher has no filter").
        assert (st["NoNewPrivs"], st["Seccomp"]) == ("0", "0"), (name, st)
    return st


ENV = None
CORE = None


def test_core_starts_as_user():
    global CORE
    CORE = Core(ENV, ENV.bin)
    assert "running as user %s" % USER in CORE.text()
    # After its lockdown the worker still reads its static files (public)
    # and asks the core (behind the login).
    assert CORE.get("/", False) == (200, INDEX)
    assert CORE.get("/system/status.json", False)[0] == 401
    st, data = CORE.get("/system/status.json", True)
    assert st == 200 and data.startswith(b"{"), (st, data[:200])


def test_core():
    check(ENV, "core", CORE.pid, True)
    # Sanitizer builds only: the symbolizer holds nothing either.
    for pid in CORE.others:
        check(ENV, stat_fields(pid)[0], pid, False)


def test_launcher():
    check(ENV, "launcher", CORE.launcher_pid, False, launcher=True)


def test_web_worker():
    check(ENV, "web", CORE.web_pid, True)


def test_pcapfile_helper():
    check(ENV, "pcapfile", CORE.helper_pid, True)


def test_clean_exit():
    CORE.stop()


def test_file_caps_helper():
    """A pcapfile helper installed with file capabilities: the launcher
    (no no_new_privs, both in its bounding set) lets exec grant them; the
    helper ends with none."""
    if shutil.which("setcap") is None:
        return "setcap not installed"
    fcaps = os.path.join(ENV.tmp, "fcaps")
    os.mkdir(fcaps)
    os.chmod(fcaps, 0o755)
    path = ENV.copy(PCAPFILE, fcaps, 0o755)
    subprocess.run(["setcap", "cap_net_admin,cap_net_raw+ep", path],
                   check=True)
    assert os.getxattr(path, "security.capability")
    core = Core(ENV, fcaps + ":" + ENV.bin, web=False)
    try:
        want = (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW)
        lst = check(ENV, "launcher", core.launcher_pid, False,
                    launcher=True)
        assert int(lst["CapBnd"], 16) & want == want, lst["CapBnd"]
        check(ENV, "pcapfile+fcaps", core.helper_pid, True)
        check(ENV, "core", core.pid, True)
    finally:
        core.stop()
    return None


TESTS = [test_core_starts_as_user, test_core, test_launcher,
         test_web_worker, test_pcapfile_helper, test_clean_exit,
         test_file_caps_helper]


def skip_reason():
    if os.geteuid() != 0:
        return "needs root (useradd, --user, setcap)"
    try:
        pwd.getpwnam(USER)
    except KeyError:
        if shutil.which("useradd") is None:
            return "no user %s and no useradd to create it" % USER
    if status(os.getpid())["NoNewPrivs"] != "0":
        return "no_new_privs is set above the tests"
    return None


def main():
    global ENV
    reason = skip_reason()
    if reason is not None:
        print("1..0 # SKIP " + reason)
        return 0
    print("1..%d" % len(TESTS))
    sys.stdout.flush()
    failed = 0
    try:
        ENV = Env()
        for i, t in enumerate(TESTS, 1):
            t0 = time.time()
            try:
                skip = t()
                print("ok %d - %s (%.2fs)%s" % (i, t.__name__,
                      time.time() - t0, " # SKIP " + skip if skip else ""))
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i, t.__name__))
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
            sys.stdout.flush()
    finally:
        if CORE is not None and CORE.proc.poll() is None:
            CORE.proc.kill()
            CORE.proc.wait()
        if ENV is not None:
            ENV.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
