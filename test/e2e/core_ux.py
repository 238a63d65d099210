#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the core as a user meets it: start-up, batch runs, the web
# worker's supervision, the demo (doc/core.md)
#
# Every case runs the real osprey with its real helpers and web worker,
# as a user would type it, and reads what the user reads: the exit
# status, the log lines, the files written, the HTTP answers (Python's
# http.client and json).  Cases that need a port a fixed configuration
# names (the built-in defaults' 2501 and 3501, the demo's) or a host
# without IPv4 run in a network namespace of their own, so that they
# neither need those ports free nor touch the host's network; they skip,
# saying why, where no namespace can be made.  Cases that need root
# (--user) skip without it.  Output is TAP.
#
# Usage: core_ux.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE LINUX_WIFI_OR_-
#                   DEMO_CAPTURE SYSCONFDIR
# With the environment of meson's test_env (OSPREY_SOURCE_ROOT,
# OSPREY_BUILD_ROOT).

import base64
import gzip
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

OSPREY, WEB, PCAPFILE = [os.path.abspath(a) for a in sys.argv[1:4]]
LINUXWIFI = os.path.abspath(sys.argv[4]) if sys.argv[4] != "-" else ""
DEMO = os.path.abspath(sys.argv[5])
SYSCONFDIR = sys.argv[6]
SOURCE_ROOT = os.environ.get("OSPREY_SOURCE_ROOT", "")
BUILD_ROOT = os.environ.get("OSPREY_BUILD_ROOT", "")
USER = "osprey-test"
LOGIN, PASSWORD = "tester", "Core-UX-Test-5"
# Safety nets only: each wait ends as soon as its state is reached.
DEADLINE = 60


class Skip(Exception):
    pass


def wait_until(pred, what, timeout=DEADLINE, proc=None, text=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        if proc is not None and proc.poll() is not None:
            v = pred()
            if v:
                return v
            raise AssertionError("exited %s while waiting for %s:\n%s" %
                                 (proc.returncode, what,
                                  text() if text else ""))
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s:\n%s" %
                         (what, text() if text else ""))


class Scratch:
    """A scratch folder with the helpers (and the web worker) in bin/."""

    def __init__(self, web=True, wifi=False, readable_by=None):
        self.tmp = tempfile.mkdtemp(prefix="osprey-ux-")
        os.chmod(self.tmp, 0o755)
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        os.chmod(self.bin, 0o755)
        progs = [(PCAPFILE, "osprey_cap_pcapfile")]
        if web:
            progs.append((WEB, "osprey_web"))
        if wifi and LINUXWIFI:
            progs.append((LINUXWIFI, "osprey_cap_linux_wifi"))
        self.osprey = OSPREY
        for src, name in progs:
            self.place(src, name, readable_by)
        if readable_by is not None:
            # Copies: the build tree may sit where the user cannot go.
            self.osprey = self.place(OSPREY, "osprey", readable_by)

    def place(self, src, name, copy):
        dst = os.path.join(self.bin, name)
        if copy:
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o755)
        else:
            os.symlink(src, dst)
        return dst

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def conf(self, lines, name="osprey.conf"):
        p = self.path(name)
        with open(p, "w") as f:
            f.write("remote_capture_port=0\nhttpd_bind_address=127.0.0.1\n"
                    "httpd_port=0\n")
            for line in lines:
                f.write(line + "\n")
        os.chmod(p, 0o644)
        return p

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class Core:
    """osprey running in the background, its log in a file."""

    runs = 0

    def __init__(self, scratch, args, env=None, cwd=None, prefix=()):
        Core.runs += 1
        self.log_path = scratch.path("osprey-%d.log" % Core.runs)
        self.log = open(self.log_path, "w+")
        e = dict(os.environ, OSPREY_HELPER_PATH=scratch.bin)
        if env is not None:
            e.update(env)
        for k in [k for k, v in e.items() if v is None]:
            del e[k]
        self.proc = subprocess.Popen(list(prefix) + [scratch.osprey] + args,
                                     env=e, cwd=cwd or scratch.tmp,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, what=None, count=1, timeout=DEADLINE):
        def found():
            m = list(re.finditer(pattern, self.text()))
            return m[count - 1] if len(m) >= count else None
        return wait_until(found, what or pattern, timeout, self.proc,
                          self.text)

    def wait_exit(self, timeout=DEADLINE):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("still running after %d s:\n%s" %
                                 (timeout, self.text()))
        for bad in ("Sanitizer", "runtime error"):
            assert bad not in self.text(), self.text()
        return rc

    def web(self, count=1):
        m = self.wait_log(r"web worker (\d+) listening on port (\d+)",
                          "the web worker", count)
        return int(m.group(1)), int(m.group(2))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        rc = self.wait_exit(20)
        self.log.close()
        return rc


def get(port, path, login=(LOGIN, PASSWORD), method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = {}
    if login is not None:
        tok = base64.b64encode(("%s:%s" % login).encode()).decode()
        h["Authorization"] = "Basic " + tok
    c.request(method, path, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def read_login(path):
    kv = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            kv[k] = v
    return kv.get("httpd_username"), kv.get("httpd_password")


# --- network namespaces -------------------------------------------------

def netns_prefix():
    """A command prefix that runs a program in a new network namespace
    with lo up, or Skip: as root unshare -n, else with a user namespace
    (unshare -rn) where the host allows one."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        raise Skip("no unshare(1) or ip(8)")
    for pre in (["unshare", "-n"], ["unshare", "-rn"]):
        r = subprocess.run(pre + ["ip", "link", "set", "lo", "up"],
                           capture_output=True)
        if r.returncode == 0:
            return pre
    raise Skip("cannot make a network namespace here (%s)" %
               r.stderr.decode(errors="replace").strip())


def in_netns(script, args, timeout=240):
    """Run this file's inner case `script` in a fresh network namespace;
    it prints TAP comments and exits 0 (pass), 77 (skip) or 1."""
    pre = netns_prefix()
    r = subprocess.run(pre + [sys.executable, os.path.abspath(__file__)] +
                       sys.argv[1:7] + ["--inner", script] + args,
                       capture_output=True, text=True, timeout=timeout)
    for line in (r.stdout + r.stderr).splitlines():
        print("# " + line)
    if r.returncode == 77:
        raise Skip(r.stdout.strip().splitlines()[-1] if r.stdout.strip()
                   else "inner skip")
    assert r.returncode == 0, "inner case %s failed (%d)" % (script,
                                                             r.returncode)


def lo_up():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


# --- 1. --homedir and --user: the web worker's login and plugins -------

PLUGIN = "name=uxplug\nversion=1.0\ndescription=test\nauthor=t\n"


def homedir_case(env):
    s = Scratch()
    try:
        state = s.path("state")
        home = s.path("home")
        os.mkdir(home)
        plug = os.path.join(state, "plugins", "uxplug")
        os.makedirs(os.path.join(plug, "httpd"))
        with open(os.path.join(plug, "manifest.conf"), "w") as f:
            f.write(PLUGIN)
        conf = s.conf(["enable_logging=false"])
        e = {"HOME": home} if env == "other" else {"HOME": None}
        c = Core(s, ["--allow-root", "-f", conf, "--homedir", state], e)
        try:
            _, port = c.web()
            auth = os.path.join(state, "osprey_httpd.conf")
            wait_until(lambda: os.path.exists(auth), auth)
            login = read_login(auth)
            assert get(port, "/session/check_login", login)[0] == 200
            st, data = get(port, "/plugins/all_plugins.json", login)
            names = [p.get("kismet.plugin.name") for p in json.loads(data)]
            assert st == 200 and "uxplug" in names, (st, data[:300])
            assert not os.path.exists(os.path.join(home, ".osprey")), \
                "the login went to $HOME/.osprey"
        finally:
            assert c.stop() == 0
    finally:
        s.cleanup()


def test_homedir_with_another_home():
    """--homedir DIR holds the generated login and the user's plugins,
    whatever $HOME says."""
    homedir_case("other")


def test_homedir_without_home():
    """--homedir DIR with $HOME unset."""
    homedir_case("unset")


def test_user_home_from_root():
    """--user NAME from root's shell: the web worker uses NAME's home
    (or --homedir), never root's $HOME, and it comes up."""
    if os.geteuid() != 0:
        raise Skip("needs root (--user)")
    try:
        pw = pwd.getpwnam(USER)
    except KeyError:
        if shutil.which("useradd") is None:
            raise Skip("no user %s and no useradd" % USER)
        # The privsep tests create the same user; one of us may lose.
        subprocess.run(["useradd", "--system", "--no-create-home",
                        "--shell", "/usr/sbin/nologin", USER],
                       capture_output=True)
        pw = pwd.getpwnam(USER)
    s = Scratch(readable_by=USER)
    try:
        roothome = s.path("roothome")
        os.mkdir(roothome, 0o700)
        state = s.path("state")
        os.mkdir(state, 0o700)
        os.chown(state, pw.pw_uid, pw.pw_gid)
        conf = s.conf(["enable_logging=false"])
        # With --homedir: the worker comes up, its login there.
        c = Core(s, ["--user", USER, "-f", conf, "--homedir", state],
                 {"HOME": roothome})
        try:
            _, port = c.web()
            auth = os.path.join(state, "osprey_httpd.conf")
            wait_until(lambda: os.path.exists(auth), auth)
            assert get(port, "/session/check_login",
                        read_login(auth))[0] == 200
        finally:
            assert c.stop() == 0
        # Without: the user's own home, from the passwd entry.
        want = os.path.join(pw.pw_dir, ".osprey")
        c = Core(s, ["--user", USER, "-f", conf], {"HOME": roothome})
        try:
            m = c.wait_log(r"web\[\d+\] (?:\w+): .*?(/\S*\.osprey)\b",
                           "the web worker naming its login file")
            assert m.group(1) == want, (m.group(1), want, c.text())
        finally:
            c.stop()
        assert os.listdir(roothome) == [], "root's home was written"
    finally:
        s.cleanup()


# --- 2. a build tree that was never installed ---------------------------

def test_builtin_defaults():
    """Without the default config file the core runs on the built-in
    defaults and says so; a missing -f file is still an error."""
    if os.path.exists(os.path.join(SYSCONFDIR, "osprey.conf")):
        raise Skip("%s/osprey.conf is installed here" % SYSCONFDIR)
    in_netns("builtin", [])


def inner_builtin():
    lo_up()
    s = Scratch(web=False)
    try:
        c = Core(s, ["--allow-root", "--no-web", "-n", "--exit-when-done",
                     "-c", DEMO])
        rc = c.wait_exit()
        text = c.text()
        print(text)
        assert rc == 0, rc
        assert len(re.findall("running on the built-in defaults",
                              text)) == 1
        # The defaults' own remote capture port: etc/osprey.conf's.
        assert "remote capture listening on 127.0.0.1:3501" in text
        assert "finished" in text
        c = Core(s, ["--allow-root", "--no-web", "-n", "-f",
                     s.path("nosuch.conf"), "-c", DEMO])
        rc = c.wait_exit()
        print(c.text())
        assert rc == 1 and "nosuch.conf: No such file" in c.text()
    finally:
        s.cleanup()


# --- 3, 4. batch runs end, and end honestly -------------------------------

def batch(s, sources, extra=(), user=False):
    conf = s.conf(["enable_logging=false"] + list(extra))
    args = ["-f", conf, "--no-web", "--exit-when-done"]
    args += ["--user", USER] if user else ["--allow-root"]
    for src in sources:
        args += ["-c", src]
    c = Core(s, args)
    rc = c.wait_exit()
    return rc, c.text()


def failed_line(text, name, reason):
    pat = r"warning: source '%s': .*%s" % (re.escape(name), reason)
    assert re.search(pat, text), (pat, text)
    assert re.search(r"every source is done, 1 of \d+ failed", text), text


def test_batch_bad_inputs():
    """A missing, garbage, gzip-compressed file, or a bad option value,
    ends the batch promptly with status 1 and one line naming the source
    and the reason."""
    s = Scratch(web=False)
    try:
        garbage = s.path("garbage.pcap")
        with open(garbage, "wb") as f:
            f.write(b"this is not a capture file\n" * 100)
        gz = s.path("demo.pcapng.gz")
        with open(DEMO, "rb") as f, gzip.open(gz, "wb") as g:
            g.write(f.read())
        cases = [
            (s.path("nosuch.pcap"), "cannot open: No such file"),
            (garbage, "not a pcap or pcapng capture file"),
            (gz, "gzip-compressed; decompress it first"),
            (DEMO + ":realtime=maybe", "option 'realtime': 'maybe'"),
        ]
        for src, reason in cases:
            t0 = time.time()
            rc, text = batch(s, [src])
            name = src.split(":")[0]
            assert rc == 1, (src, rc, text)
            failed_line(text, name, re.escape(reason))
            print("# %s: status 1 in %.1f s" % (os.path.basename(src),
                                                time.time() - t0))
        # A good file beside a missing one: all of it, then status 1.
        rc, text = batch(s, [DEMO, s.path("gone.pcap")])
        assert rc == 1, (rc, text)
        assert re.search(r"source '%s': finished" % re.escape(DEMO), text)
        failed_line(text, s.path("gone.pcap"), "No such file")
    finally:
        s.cleanup()


def test_batch_unreadable():
    """An unreadable file fails its source with the reason (as root, the
    run drops to --user so that the file is unreadable to it)."""
    user = os.geteuid() == 0
    if user:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            raise Skip("root, and no user %s to read as" % USER)
    s = Scratch(web=False, readable_by=USER if user else None)
    try:
        p = s.path("secret.pcap")
        shutil.copyfile(DEMO, p)
        os.chmod(p, 0)
        rc, text = batch(s, [p], user=user)
        assert rc == 1, (rc, text)
        failed_line(text, p, "cannot open: Permission denied")
    finally:
        s.cleanup()


def test_unknown_option_warns():
    """bogus=1 is named in a warning that lists the options a pcapfile
    source takes; the source runs."""
    s = Scratch(web=False)
    try:
        rc, text = batch(s, [DEMO + ":bogus=1"])
        assert rc == 0, (rc, text)
        assert re.search(r"osprey\[\d+\] warning: source '%s': helper "
                         r"warning: .*unknown option 'bogus' ignored; a "
                         r"pcapfile source takes realtime, pps, loop" %
                         re.escape(DEMO), text), text
        # Once: the local helper leaves the line to the core, which
        # names the source (the helper's own copy is debug).
        assert text.count("unknown option 'bogus'") == 1, text
        assert text.count("end of file after") == 1, text
    finally:
        s.cleanup()


def test_refusal_that_matters():
    """A name that is no file fails with the Wi-Fi helper's reason (no
    such interface, or no nl80211), not the file helper's."""
    if not LINUXWIFI:
        raise Skip("osprey_cap_linux_wifi is not built")
    s = Scratch(web=False, wifi=True)
    try:
        rc, text = batch(s, ["uxnosuch0"])
        assert rc == 1, (rc, text)
        m = re.search(r"warning: source 'uxnosuch0': no helper accepted "
                      r"'uxnosuch0': (.*)", text)
        assert m and m.group(1).startswith("linuxwifi: "), text
        assert "No such file" not in m.group(1), m.group(1)
    finally:
        s.cleanup()


# --- 10. what the log says ---------------------------------------------

def test_log_is_quiet_and_consistent():
    """A capture file: no Wi-Fi helper, no signal lines from helpers let
    go, one uuid from the first line (and in the devices' seen-by), the
    log path without '//'; --override names where it looked."""
    s = Scratch(web=False, wifi=True)
    try:
        logdir = s.path("logs") + "/"
        os.mkdir(logdir)
        out = s.path("devices.json")
        conf = s.conf([])
        c = Core(s, ["--allow-root", "-f", conf, "--no-web",
                     "--exit-when-done", "-p", logdir, "--devices-json",
                     out, "-c", DEMO + ":name=demo"])
        rc = c.wait_exit()
        text = c.text()
        assert rc == 0, (rc, text)
        assert "osprey_cap_linux_wifi" not in text, text
        assert "nl80211" not in text, text
        assert not re.search(r"signal \d+: shutting down", text), text
        uuids = set(re.findall(r"uuid ([0-9a-f-]{36})", text))
        assert len(uuids) == 1, (uuids, text)
        m = re.search(r"logging packets to (\S+)", text)
        assert m and "//" not in m.group(1), text
        with open(out) as f:
            devs = json.load(f)
        seen = {e["kismet.common.seenby.uuid"] for d in devs
                for e in d["kismet.device.base.seenby"]}
        assert seen == uuids, (seen, uuids)
        c = Core(s, ["--allow-root", "-f", conf, "--override", "nosuch"])
        rc = c.wait_exit()
        want = os.path.join(s.tmp, "osprey_nosuch.conf")
        assert rc == 1 and want in c.text(), c.text()
    finally:
        s.cleanup()


# --- 5, 8. the web worker: a busy port, a hung worker -------------------

def status(port):
    st, data = get(port, "/system/status.json")
    assert st == 200, (st, data[:200])
    return json.loads(data)


def messages(port):
    st, data = get(port, "/messagebus/last-time/0/messages.json")
    assert st == 200, (st, data[:200])
    return [m["kismet.messagebus.message_string"]
            for m in json.loads(data)["kismet.messagebus.list"]]


def test_web_port_in_use():
    """The worker says which address is taken; the core backs off, then
    (the port free again) reports it in /system/status and the bus."""
    s = Scratch()
    busy = socket.socket()
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        conf = s.conf(["enable_logging=false", "httpd_port=%d" % port,
                       "httpd_username=" + LOGIN,
                       "httpd_password=" + PASSWORD])
        c = Core(s, ["--allow-root", "-f", conf])
        try:
            where = "127.0.0.1:%d" % port
            c.wait_log(r"web\[\d+\] error: cannot listen on %s: Address "
                       r"already in use" % re.escape(where))
            c.wait_log(r"starting it again in 2000 ms", "a longer wait")
            assert "starting it again in 1000 ms" in c.text()
            busy.close()
            c.web()
            st = status(port)
            assert st["osprey.system.web.restarts"] >= 2, st
            assert where in st["osprey.system.web.last_error"], st
            assert "Address already in use" in \
                st["osprey.system.web.last_error"], st
            assert any("web worker ended: cannot listen on %s: Address "
                       "already in use" % where in m
                       for m in messages(port)), messages(port)
        finally:
            assert c.stop() == 0
    finally:
        busy.close()
        s.cleanup()


def test_hung_web_worker_replaced():
    """A stopped web worker misses the core's PINGs: it is killed and
    replaced, and the API answers again."""
    s = Scratch()
    try:
        conf = s.conf(["enable_logging=false", "web_ping_interval=0.3",
                       "web_pong_timeout=2", "httpd_username=" + LOGIN,
                       "httpd_password=" + PASSWORD])
        c = Core(s, ["--allow-root", "-f", conf])
        try:
            pid, port = c.web()
            assert status(port)["osprey.system.web.restarts"] == 0
            os.kill(pid, signal.SIGSTOP)
            c.wait_log(r"web worker %d: no answer to PING for 2000 ms" % pid)
            pid2, port2 = c.web(2)
            assert pid2 != pid
            wait_until(lambda: gone(pid), "the stopped worker to go")
            st = status(port2)
            assert st["osprey.system.web.restarts"] == 1, st
            assert "no answer to PING" in \
                st["osprey.system.web.last_error"], st
        finally:
            assert c.stop() == 0
    finally:
        s.cleanup()


# --- 6. a host with no IPv4 address but loopback ------------------------

def test_web_without_ipv4_network():
    """In a network namespace with lo up and a veth pair up (IPv6
    link-local addresses only), the web worker listens on 127.0.0.1;
    an address the host lacks fails with the real reason."""
    in_netns("noipv4", [])


def inner_noipv4():
    lo_up()
    r = subprocess.run(["ip", "link", "add", "uxveth0", "type", "veth",
                        "peer", "name", "uxveth1"], capture_output=True)
    if r.returncode == 0:
        subprocess.run(["ip", "link", "set", "uxveth0", "up"], check=True)
        subprocess.run(["ip", "link", "set", "uxveth1", "up"], check=True)
    else:
        print("no veth here (%s): lo alone" % r.stderr.strip())
    s = Scratch()
    try:
        conf = s.conf(["enable_logging=false", "httpd_username=" + LOGIN,
                       "httpd_password=" + PASSWORD])
        c = Core(s, ["--allow-root", "-f", conf])
        try:
            _, port = c.web()
            st, _ = get(port, "/system/status.json")
            assert st == 200, st
        finally:
            print(c.text())
            assert c.stop() == 0
        conf = s.conf(["enable_logging=false", "httpd_username=u",
                       "httpd_password=p",
                       "httpd_bind_address=192.0.2.1"], "other.conf")
        c = Core(s, ["--allow-root", "-f", conf])
        try:
            c.wait_log(r"cannot listen on 192\.0\.2\.1:0: Cannot assign "
                       r"requested address")
            assert "Success" not in c.text(), c.text()
        finally:
            print(c.text())
            c.stop()
    finally:
        s.cleanup()


# --- 9. the demo --------------------------------------------------------

def test_replay_stamped_now():
    """A looped realtime replay carries the time it is replayed; with
    timestamp=false the capture's own."""
    s = Scratch(web=False)
    try:
        for opt, live in (("", True), (",timestamp=false", False)):
            out = s.path("devices.json")
            conf = s.conf(["enable_logging=false"])
            c = Core(s, ["--allow-root", "-f", conf, "--no-web",
                         "--devices-json", out, "-c",
                         DEMO + ":realtime=true,loop=true" + opt])
            c.wait_log(r"opened \(pcapfile")
            t0 = time.time()
            wait_until(lambda: time.time() - t0 > 2, "two seconds of it")
            assert c.stop() == 0
            with open(out) as f:
                devs = json.load(f)
            assert devs, c.text()
            last = max(d["kismet.device.base.last_time"] for d in devs)
            first = min(d["kismet.device.base.first_time"] for d in devs)
            now = time.time()
            if live:
                assert now - 30 < first <= last <= now + 1, (first, now)
            else:
                assert last < now - 86400, (last, now)
    finally:
        s.cleanup()


def test_demo():
    """scripts/demo: prints the UI's address and a login that works, and
    the devices look live; with the port taken it says what to do."""
    if not SOURCE_ROOT or not BUILD_ROOT:
        raise Skip("OSPREY_SOURCE_ROOT/OSPREY_BUILD_ROOT not set")
    in_netns("demo", [])


def inner_demo():
    lo_up()
    tmp = tempfile.mkdtemp(prefix="osprey-ux-demo-")
    env = dict(os.environ, HOME=tmp, OSPREY_DEMO_NO_INSTALL="1",
               OSPREY_BUILD_DIR=BUILD_ROOT, OSPREY_DEMO_SECONDS="120")
    demo = os.path.join(SOURCE_ROOT, "scripts", "demo")
    try:
        out = open(os.path.join(tmp, "out"), "w+")
        # Its own process group, so that ^C can be sent as a terminal
        # sends it: to the script and to what it runs.
        p = subprocess.Popen([demo], env=env, stdout=out,
                             stderr=subprocess.STDOUT,
                             start_new_session=True)

        def said():
            with open(out.name) as f:
                return re.search(r"web UI on http://localhost:(\d+)/\n"
                                 r"login: user (\S+), password (\S+) ",
                                 f.read())
        try:
            m = wait_until(said, "the demo's login line", proc=p)
            port, login = int(m.group(1)), (m.group(2), m.group(3))
            assert port == 2501
            assert get(port, "/session/check_login", login)[0] == 200

            def devices():
                st, data = get(port, "/devices/all_devices.json", login)
                return st == 200 and json.loads(data)
            devs = wait_until(devices, "devices")
            now = time.time()
            ages = [now - d["kismet.device.base.last_time"] for d in devs]
            print("%d devices, last seen %.1f to %.1f s ago" %
                  (len(devs), min(ages), max(ages)))
            assert max(ages) < 60 and min(ages) > -2, ages
        finally:
            os.killpg(p.pid, signal.SIGINT)
            p.wait(30)
            with open(out.name) as f:
                print(f.read()[-3000:])
        # The port taken by another server: told what to do, no login.
        busy = socket.socket()
        # (The demo's connections may linger in TIME_WAIT.)
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

        def taken():
            try:
                busy.bind(("127.0.0.1", 2501))
                return True
            except OSError:
                return False
        # Until the first demo's web worker has gone.
        wait_until(taken, "port 2501 to be free")
        busy.listen(1)
        try:
            r = subprocess.run([demo], env=env, capture_output=True,
                               text=True, timeout=DEADLINE)
        finally:
            busy.close()
        print(r.stdout[-2000:] + r.stderr[-2000:])
        assert r.returncode == 1, r.returncode
        assert "port 2501 is taken by another program" in r.stderr
        assert "OSPREY_DEMO_PORT=" in r.stderr
        assert "osprey is running" not in r.stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


TESTS = [test_homedir_with_another_home, test_homedir_without_home,
         test_user_home_from_root, test_builtin_defaults,
         test_batch_bad_inputs, test_batch_unreadable,
         test_unknown_option_warns, test_refusal_that_matters,
         test_log_is_quiet_and_consistent, test_web_port_in_use,
         test_hung_web_worker_replaced, test_web_without_ipv4_network,
         test_replay_stamped_now, test_demo]
INNER = {"builtin": inner_builtin, "noipv4": inner_noipv4,
         "demo": inner_demo}


def main():
    if len(sys.argv) > 8 and sys.argv[7] == "--inner":
        try:
            INNER[sys.argv[8]]()
        except Skip as e:
            print(str(e))
            return 77
        except Exception:
            traceback.print_exc(file=sys.stdout)
            return 1
        return 0
    print("1..%d" % len(TESTS))
    sys.stdout.flush()
    failed = 0
    for i, t in enumerate(TESTS, 1):
        t0 = time.time()
        try:
            t()
            print("ok %d - %s (%.1f s)" % (i, t.__name__, time.time() - t0))
        except Skip as e:
            print("ok %d - %s # SKIP %s" % (i, t.__name__, e))
        except Exception:
            failed += 1
            print("not ok %d - %s" % (i, t.__name__))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
