# SPDX-License-Identifier: ISC
# \summary: what the Python end-to-end tests share: the core, HTTP, TAP
#
# Core runs the real osprey from a scratch folder: the helpers and the
# web worker it may start are linked into a folder of their own (the
# core finds them through OSPREY_HELPER_PATH), the config is written
# there with a known login and ports only on loopback, and the web
# worker's port is read from the core's log.  It then answers HTTP with
# that login.  run_tap() runs test functions and prints TAP.  The web,
# GPS and alert tests use it, so that a change in how the core is
# started or asked is made once.
#
# A test imports it with its folder on sys.path:
#   sys.path.insert(0, os.path.join(os.path.dirname(
#       os.path.abspath(__file__)), "..", "lib"))

import base64
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

# Ports chosen by the kernel, on loopback only: tests run side by side.
LOCAL = ("remote_capture_port=0", "httpd_port=0",
         "httpd_bind_address=127.0.0.1")


class Core:
    """osprey from a scratch folder with its helpers, config and home.

    bins maps a binary's name to its path: "osprey" is the core, every
    other entry is linked into the helpers' folder under its name (so
    that a test radio can stand in as osprey_cap_linux_wifi).  conf is
    the config's lines, "{tmp}" in them the scratch folder; sources
    become source= lines.  login is (user, password) or None for a core
    with no login (the web worker then makes one).  tmp is the scratch
    folder, made (and removed by stop()) when None; home the core's
    HOME, tmp/home when None.  timeout bounds each HTTP request.
    """

    def __init__(self, bins, conf=(), sources=(), login=None, tmp=None,
                 home=None, prefix="osprey-test-", start_timeout=120,
                 timeout=60):
        self.own_tmp = tmp is None
        self.tmp = tempfile.mkdtemp(prefix=prefix) if tmp is None else tmp
        self.home = home or os.path.join(self.tmp, "home")
        os.makedirs(self.home, exist_ok=True)
        self.login = login
        self.timeout = timeout
        bindir = os.path.join(self.tmp, "bin")
        os.makedirs(bindir)
        for name, path in bins.items():
            if name != "osprey":
                os.symlink(path, os.path.join(bindir, name))
        self.conf = os.path.join(self.tmp, "osprey.conf")
        with open(self.conf, "w") as f:
            for line in LOCAL:
                f.write(line + "\n")
            if login is not None:
                f.write("httpd_username=%s\nhttpd_password=%s\n" % login)
            for line in conf:
                f.write(line.replace("{tmp}", self.tmp) + "\n")
            for s in sources:
                f.write("source=%s\n" % s)
        self.log_path = os.path.join(self.tmp, "osprey.log")
        self.log = open(self.log_path, "w+")
        self.env = dict(os.environ, HOME=self.home,
                        OSPREY_HELPER_PATH=bindir)
        self.proc = subprocess.Popen([bins["osprey"], "--allow-root", "-f",
                                      self.conf], env=self.env,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.web_pid = None
        self.port = self.wait_port(timeout=start_timeout)

    @property
    def tok(self):
        """The Authorization header's value for the login."""
        return "Basic " + base64.b64encode(
            ("%s:%s" % self.login).encode()).decode()

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_port(self, after=0, timeout=120):
        """The port of the web worker that started after the first
        `after` ones (a restarted worker has a port of its own)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            ports = re.findall(r"web worker (\d+) listening on port (\d+)",
                               self.text())
            if len(ports) > after:
                self.web_pid = int(ports[-1][0])
                return int(ports[-1][1])
            if self.proc.poll() is not None:
                raise AssertionError("osprey exited:\n" + self.text())
            time.sleep(0.05)
        raise AssertionError("no web worker:\n" + self.text())

    def request(self, method, path, body=None, headers=None, auth=True,
                form=False, timeout=None):
        """One request on a connection of its own: (status, response,
        body).  A body that is not bytes or str is sent as JSON, or with
        form as the form field json (what the UI sends)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port,
                                       timeout=timeout or self.timeout)
        h = dict(headers or {})
        if auth:
            h["Authorization"] = self.tok
        if body is not None and not isinstance(body, (bytes, str)):
            if form:
                body = urllib.parse.urlencode({"json": json.dumps(body)})
                h["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(body)
                h["Content-Type"] = "application/json"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r, data

    def get_json(self, path, method="GET", body=None, expect=200, **kw):
        st, _, data = self.request(method, path, body, **kw)
        assert st == expect, (method, path, st, data[:300])
        return json.loads(data)

    def get(self, path, body=None, timeout=None):
        """GET path, or POST body as the form field json; the JSON."""
        return self.get_json(path, "GET" if body is None else "POST", body,
                             form=True, timeout=timeout)

    def raw(self, path, timeout=None):
        """GET path: the body's bytes."""
        st, _, data = self.request("GET", path, timeout=timeout)
        assert st == 200, (path, st, data[:300])
        return data

    def post(self, path, obj, form=False, expect=200):
        return self.get_json(path, "POST", obj, expect, form=form)

    def wait(self, pred, what, timeout=120):
        """Poll pred until it answers; the deadline is a safety net."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = pred()
            if v:
                return v
            if self.proc.poll() is not None:
                raise AssertionError("osprey exited waiting for %s:\n%s" %
                                     (what, self.text()))
            time.sleep(0.1)
        raise AssertionError("timed out waiting for %s:\n%s" %
                             (what, self.text()[-3000:]))

    def settled(self, timeout=240):
        """The status once every source has read its capture to the end:
        closed after its packets (the core closes a file source when its
        helper reports the end, after the last frame).  Not a pause in
        the packet count: on a loaded machine ingest can stall for
        seconds."""
        def finished():
            srcs = self.get("/datasource/all_sources.json")
            return srcs and all(
                s["kismet.datasource.state"] == "closed" and
                s["kismet.datasource.num_packets"] > 0 for s in srcs)
        self.wait(finished, "every source to finish", timeout)
        return self.get("/system/status.json")

    def source(self, name):
        for s in self.get("/datasource/all_sources.json"):
            if s["kismet.datasource.name"] == name:
                return s
        return None

    def stop(self, timeout=30, check=True):
        """SIGTERM, then SIGKILL after timeout; the log's text.  With
        check, a sanitizer's report in it fails."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        text = self.text()
        self.log.close()
        if self.own_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if check:
            assert "Sanitizer" not in text and \
                "runtime error" not in text, text
        return text


def status_field(pid, field):
    """A field of /proc/PID/status (VmRSS, ...) as its text, or None."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return line.split(":", 1)[1].strip()
    return None


def run_tap(tests, skip=None, setup=None, cleanup=None, places=2):
    """Run tests (functions) as TAP; 1 if any failed, else 0.

    skip is a reason to skip them all.  setup runs once after the plan;
    if it fails every test fails with it.  cleanup runs last, whatever
    happened: an AssertionError from it (a sanitizer's report found as
    the core stopped) is shown as TAP comments and fails the run.  Each
    line shows the test's time with places decimals.
    """
    rc = 1
    try:
        rc = _run(tests, skip, setup, places)
    finally:
        if cleanup is not None:
            try:
                cleanup()
            except AssertionError as e:
                print("# " + str(e)[-2000:].replace("\n", "\n# "))
                rc = 1
    return rc


def _run(tests, skip, setup, places):
    if skip:
        print("1..0 # SKIP " + skip)
        return 0
    print("1..%d" % len(tests))
    if setup is not None:
        try:
            setup()
        except Exception:
            for i, t in enumerate(tests, 1):
                print("not ok %d - %s (setup failed)" % (i, t.__name__))
            traceback.print_exc(file=sys.stdout)
            return 1
    failed = 0
    for i, t in enumerate(tests, 1):
        t0 = time.time()
        try:
            t()
            print("ok %d - %s (%.*fs)" % (i, t.__name__, places,
                                          time.time() - t0))
        except Exception:
            failed += 1
            print("not ok %d - %s" % (i, t.__name__))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        sys.stdout.flush()
    return 1 if failed else 0
