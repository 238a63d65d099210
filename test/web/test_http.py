#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: HTTP-level tests of the real osprey_web process, without a core
#
# Each test starts osprey_web on a free loopback port in a temporary HOME
# and talks to it with http.client or raw sockets.  The device and
# datasource endpoints need the core and are tested end to end with it.
# Output is TAP.  Usage: test_http.py PATH/TO/osprey_web

import base64
import http.client
import json
import os
import re
import select
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

import msgpack

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import harness  # noqa: E402

WEB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("OSPREY_BUILD_ROOT", "build"), "web", "osprey_web")


class Web:
    """One osprey_web process in its own temporary home."""

    def __init__(self, *settings, home=None, files=None, pass_fds=(),
                 args=()):
        self.tmp = tempfile.mkdtemp(prefix="osprey-web-test-")
        self.home = home or os.path.join(self.tmp, "home")
        os.makedirs(self.home, exist_ok=True)
        self.www = os.path.join(self.tmp, "www")
        os.makedirs(self.www)
        with open(os.path.join(self.www, "index.html"), "w") as f:
            f.write("<html>osprey ui</html>\n")
        for name, text in (files or {}).items():
            path = os.path.join(self.tmp, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        cmd = [WEB, "-o", "httpd_port=0", "-o",
               "httpd_bind_address=127.0.0.1", "-o",
               "httpd_home=" + self.www]
        for s in settings:
            cmd += ["-o", s]
        cmd += list(args)
        # Tests may run as root; the web worker refuses it unless told.
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        env = dict(os.environ, HOME=self.home)
        self.log_path = os.path.join(self.tmp, "web.log")
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     pass_fds=pass_fds)
        self.port = None
        if not pass_fds:
            self.wait_listening()

    def wait_listening(self):
        deadline = time.time() + 5
        while time.time() < deadline:
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise AssertionError("osprey_web exited: " + self.text())
            time.sleep(0.02)
        raise AssertionError("osprey_web did not listen: " + self.text())

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def auth_file(self):
        return os.path.join(self.home, ".osprey", "osprey_httpd.conf")

    def password(self):
        with open(self.auth_file()) as f:
            return re.search(r"^httpd_password=(.*)$", f.read(),
                             re.M).group(1)

    def request(self, method, path, body=None, headers=None, user=None,
                password=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = dict(headers or {})
        if user is not None:
            tok = base64.b64encode(("%s:%s" % (user, password)).encode())
            h["Authorization"] = "Basic " + tok.decode()
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r, data

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def login(self):
        return {"user": "osprey", "password": self.password()}

    def alive(self):
        st, _, _ = self.get("/")
        return st == 200 and self.proc.poll() is None

    def stop(self):
        clean = True
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                clean = self.proc.wait(10) == 0
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                clean = False
        text = self.text()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        # libevent's own complaints mean we misused it; a sanitizer
        # report or an unclean exit on SIGTERM is a bug.
        assert "[warn]" not in text and "[err]" not in text, text
        assert "Sanitizer" not in text and "runtime error" not in text, text
        assert clean, "osprey_web did not exit 0 on SIGTERM:\n" + text


def raw(port, data, timeout=5.0, read=True):
    """Send raw bytes, return what comes back until the server closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    out = b""
    if read:
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    s.close()
    return out


def status_of(resp):
    m = re.match(rb"HTTP/1\.[01] (\d+)", resp)
    return int(m.group(1)) if m else None


# Tests

def test_generated_password_file():
    w = Web()
    try:
        path = w.auth_file()
        st = os.stat(path)
        assert stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == \
            0o700
        with open(path) as f:
            text = f.read()
        assert "httpd_username=osprey\n" in text
        pw = w.password()
        assert len(pw) >= 16 and pw.isalnum(), pw
        log = w.text()
        # Not on a terminal: a notice, never the password.
        assert "generated" in log and path in log, log
        assert pw not in log
        st, _, _ = w.get("/system/timestamp.json", user="osprey",
                         password=pw)
        assert st == 200
    finally:
        w.stop()


def test_restart_reads_edited_file():
    w = Web()
    home = w.home
    pw = w.password()
    path = w.auth_file()
    w.proc.terminate()
    w.proc.wait()
    with open(path, "w") as f:
        f.write("httpd_username=alice\nhttpd_password=Edited-Password-1\n")
    w2 = Web(home=home)
    try:
        assert w2.get("/system/timestamp.json", user="osprey",
                      password=pw)[0] == 401
        assert w2.get("/system/timestamp.json", user="alice",
                      password="Edited-Password-1")[0] == 200
        assert "generated" not in w2.text()
    finally:
        w2.stop()
        w.stop()


def test_global_login_wins():
    w = Web("httpd_username=admin", "httpd_password=Global-Secret-99")
    try:
        assert not os.path.exists(w.auth_file())
        assert w.get("/system/timestamp.json", user="admin",
                     password="Global-Secret-99")[0] == 200
        assert w.get("/system/timestamp.json", user="admin",
                     password="nope")[0] == 401
        assert "Global-Secret-99" not in w.text()
    finally:
        w.stop()


def test_401_and_open_paths():
    w = Web()
    try:
        for p in ["/system/timestamp.json", "/system/status.json",
                  "/devices/all_devices.json",
                  "/devices/last-time/0/devices.json",
                  "/datasource/all_sources.json",
                  "/plugins/all_plugins.json", "/streams/all_streams.json",
                  "/pcap/all_packets.pcapng",
                  "/messagebus/last-time/0/messages.json",
                  "/channels/channels.json", "/gps/location.json"]:
            st, r, body = w.get(p)
            assert st == 401, (p, st)
            assert r.getheader("WWW-Authenticate", "").startswith("Basic")
            assert json.loads(body)["status"] == 401
            assert "no-cache" in r.getheader("Cache-Control")
        st, _, body = w.request("POST", "/datasource/add_source.cmd",
                                body=b'{"definition": "x"}')
        assert st == 401
        # Open without a login.
        st, r, body = w.get("/")
        assert st == 200 and b"osprey ui" in body
        assert r.getheader("Content-Type").startswith("text/html")
        assert "no-cache" in r.getheader("Cache-Control")
        st, r, body = w.get("/dynamic.js")
        assert st == 200 and b"osprey_plugins" in body
        st, _, body = w.get("/system/user_status.json")
        assert st == 200
        assert json.loads(body)["osprey.session.logged_in"] is False
        assert w.get("/session/check_login")[0] == 401
        assert w.get("/session/check_login", **w.login())[0] == 200
        st, _, body = w.get("/system/user_status.json", **w.login())
        assert json.loads(body)["osprey.session.logged_in"] is True
    finally:
        w.stop()


def test_basic_cookie_and_formats():
    w = Web()
    try:
        st, r, body = w.get("/system/timestamp.json", **w.login())
        assert st == 200
        assert r.getheader("Content-Type") == "application/json"
        ts = json.loads(body)
        assert abs(ts["kismet.system.timestamp.sec"] - time.time()) < 5
        assert 0 <= ts["kismet.system.timestamp.usec"] < 1000000
        cookie = r.getheader("Set-Cookie")
        m = re.match(r"OSPREY=([0-9a-f]{64}); Path=/; HttpOnly", cookie)
        assert m, cookie
        # The cookie alone logs in; a wrong one does not.
        st, r, body = w.get("/system/timestamp.msgpack",
                            headers={"Cookie": "a=b; OSPREY=" +
                                     m.group(1)})
        assert st == 200
        assert r.getheader("Content-Type") == "application/x-msgpack"
        ts = msgpack.unpackb(body)
        assert set(ts) == {"kismet.system.timestamp.sec",
                           "kismet.system.timestamp.usec"}
        assert w.get("/system/timestamp.json",
                     headers={"Cookie": "OSPREY=" + "0" * 64})[0] == 401
        # Without a core the data endpoints say so, as JSON.
        st, _, body = w.get("/devices/all_devices.json", **w.login())
        assert st == 503 and "core" in json.loads(body)["error"]
        st, _, body = w.request("POST", "/datasource/by-uuid/"
                                "5FE308BD-0000-0000-0000-00C0CAFE0001/"
                                "set_channel.cmd",
                                body=b'{"channel": "6"}', **w.login())
        assert st == 503
        st, _, body = w.get("/streams/all_streams.json", **w.login())
        assert st == 200 and json.loads(body) == []
    finally:
        w.stop()


def test_failed_logins_slow_down():
    w = Web()
    try:
        bad = {"user": "osprey", "password": "wrong"}
        times = []
        for i in range(7):
            t = time.time()
            assert w.get("/system/timestamp.json", **bad)[0] == 401
            times.append(time.time() - t)
        # Three free attempts, then waits of 250 ms, 500 ms and 1 s:
        # the ceiling, however many more fail.
        assert max(times[:3]) < 0.2, times
        assert times[3] >= 0.2 and times[4] >= 0.45, times
        assert times[5] >= 0.9 and times[6] >= 0.9, times
        # Attempts do not queue behind each other: ten at once all end
        # about a second later, not ten seconds.
        t = time.time()
        socks = []
        for i in range(10):
            s = socket.create_connection(("127.0.0.1", w.port), timeout=10)
            s.sendall(b"GET /system/timestamp.json HTTP/1.1\r\nHost: a\r\n"
                      b"Authorization: Basic b3NwcmV5Ondyb25n\r\n"
                      b"Connection: close\r\n\r\n")
            socks.append(s)
        for s in socks:
            assert status_of(s.recv(4096)) == 401
            s.close()
        assert time.time() - t < 5, time.time() - t
        # The right password waits the ceiling at most, and resets.
        t = time.time()
        assert w.get("/system/timestamp.json", **w.login())[0] == 200
        assert time.time() - t < 1.5, time.time() - t
        t = time.time()
        assert w.get("/system/timestamp.json", **bad)[0] == 401
        assert time.time() - t < 0.2
        assert "wrong" not in w.text()
    finally:
        w.stop()


def test_header_body_and_connection_caps():
    w = Web("httpd_max_header_bytes=2048", "httpd_max_body_bytes=4096",
            "httpd_max_connections=4")
    try:
        big = "x" * 3000
        resp = raw(w.port, ("GET / HTTP/1.1\r\nHost: a\r\nX-Big: %s\r\n"
                            "\r\n" % big).encode())
        assert status_of(resp) == 431, resp[:100]
        # Headers that never end are cut off at the cap too.
        resp = raw(w.port, b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 1000)
        assert status_of(resp) == 431, resp[:100]
        body = b'{"definition": "' + b"x" * 10000 + b'"}'
        st, _, _ = w.request("POST", "/datasource/add_source.cmd",
                             body=body, **w.login())
        assert st == 413, st
        # Four idle connections fill the cap; the fifth takes the place
        # of the one idle longest, which is closed.
        socks = [socket.create_connection(("127.0.0.1", w.port))
                 for _ in range(4)]
        time.sleep(0.1)
        resp = raw(w.port, b"GET / HTTP/1.1\r\nHost: a\r\n"
                   b"Connection: close\r\n\r\n")
        assert status_of(resp) == 200, resp[:100]
        socks[0].settimeout(5)
        assert socks[0].recv(100) == b""
        for s in socks:
            s.close()
        time.sleep(0.2)
        assert w.alive()
    finally:
        w.stop()


def test_connections_per_address():
    w = Web("httpd_max_connections_per_address=2")
    try:
        # Idle from one address: its third pushes out its first; another
        # address is left alone.
        other = socket.socket()
        other.bind(("127.0.0.2", 0))
        other.connect(("127.0.0.1", w.port))
        a = [socket.create_connection(("127.0.0.1", w.port))
             for _ in range(2)]
        time.sleep(0.1)
        b = socket.create_connection(("127.0.0.1", w.port))
        a[0].settimeout(5)
        assert a[0].recv(10) == b""
        other.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n"
                      b"Connection: close\r\n\r\n")
        other.settimeout(5)
        assert status_of(other.recv(4096)) == 200
        for s in a + [b, other]:
            s.close()
    finally:
        w.stop()


def test_full_of_logged_in_work_refuses():
    # Two logged-in requests the core never answers fill a table of two:
    # nothing may be evicted, so a newcomer gets 503.
    core, web = socket.socketpair()
    cfg = {"httpd_port": "0", "httpd_bind_address": "127.0.0.1",
           "httpd_username": "u", "httpd_password": "p",
           "httpd_max_connections": "2"}
    core.sendall(bridge_frame(0x0101, 1, msgpack.packb(cfg)))
    w = Web(pass_fds=(web.fileno(),),
            args=["--bridge-fd=%d" % web.fileno()])
    web.close()
    try:
        kind, _, body = bridge_read(core)
        w.port = msgpack.unpackb(body)["port"]
        busy = []
        for i in range(2):
            s = socket.create_connection(("127.0.0.1", w.port), timeout=5)
            s.sendall(b"GET /system/status.json HTTP/1.1\r\nHost: a\r\n"
                      b"Authorization: Basic dTpw\r\n\r\n")
            assert bridge_read(core)[0] == 0x0501
            busy.append(s)
        resp = raw(w.port, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert status_of(resp) == 503, resp[:100]
        assert b"Service Unavailable" in resp
        for s in busy:
            s.close()
    finally:
        core.close()
        w.stop()


def test_slow_loris():
    w = Web("httpd_request_timeout_ms=1000")
    try:
        s = socket.create_connection(("127.0.0.1", w.port), timeout=5)
        t = time.time()
        s.sendall(b"GET / HTTP/1.1\r\n")
        got = b""
        # A byte every 100 ms keeps libevent's idle timer happy, not ours.
        for ch in b"X-Slow: abcdefghijklmnopqrstuvwxyz":
            r, _, _ = select.select([s], [], [], 0.1)
            if r:
                got = s.recv(4096)
                break
            try:
                s.sendall(bytes([ch]))
            except OSError:
                break
        if not got:
            s.settimeout(3)
            try:
                got = s.recv(4096)
            except OSError:
                got = b""
        elapsed = time.time() - t
        assert status_of(got) == 408, got
        assert 0.9 <= elapsed < 2.5, elapsed
        s.close()
        # A connection that sends nothing is closed quietly.
        s = socket.create_connection(("127.0.0.1", w.port), timeout=5)
        t = time.time()
        assert s.recv(100) == b""
        assert time.time() - t < 2.5
        s.close()
        assert w.alive()
    finally:
        w.stop()


def test_garbage_requests():
    w = Web()
    try:
        for junk in [b"\x00\xff\xfe garbage\r\n\r\n",
                     b"GET\r\n\r\n",
                     b"GET / HTTP/9.9\r\n\r\n",
                     b"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                     b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
                     os.urandom(3000) + b"\r\n\r\n"]:
            resp = raw(w.port, junk, timeout=3)
            st = status_of(resp)
            assert st in (None, 400, 404, 405, 431, 505), (junk[:20], resp)
        st, _, body = w.get("/system/%00x.json", **w.login())
        assert st == 400
        st, _, body = w.request("PUT", "/", **w.login())
        assert st == 405
        assert w.get("/no/such/endpoint.json", **w.login())[0] == 404
        assert w.get("/system/timestamp.xml", **w.login())[0] == 404
        # Bad commands: wrong JSON, nested too deep, wrong shape.
        for body in [b"{not json", b"[" * 200 + b"]" * 200, b"[1, 2]",
                     b'{"definition": 5}']:
            st, _, text = w.request("POST", "/datasource/add_source.cmd",
                                    body=body,
                                    headers={"Content-Type":
                                             "application/json"},
                                    **w.login())
            assert st == 400, (body[:20], st, text)
            assert json.loads(text)["error"]
        st, _, text = w.request(
            "POST", "/devices/summary/devices.json",
            body=b"json=%7B%22fields%22%3A%205%7D",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            **w.login())
        assert st == 400 and "fields" in json.loads(text)["error"], text
        assert w.alive()
    finally:
        w.stop()


def test_regex_nested_repetition_refused():
    # glibc took 15-35 s and gigabytes to compile this; PCRE2 refuses it
    # at once, and the worker answers others meanwhile.
    w = Web()
    try:
        body = json.dumps({"fields": ["kismet.device.base.name"],
                           "regex": [["kismet.device.base.name",
                                      "((a{0,64}){0,64}){0,64}"]]})
        t = time.time()
        st, _, text = w.request("POST", "/devices/summary/devices.json",
                                body=body, headers={
                                    "Content-Type": "application/json"},
                                **w.login())
        assert time.time() - t < 2, time.time() - t
        assert st == 400 and "too complex" in json.loads(text)["error"], \
            (st, text)
        st, _, text = w.request("POST", "/devices/summary/devices.json",
                                body=json.dumps({"regex": [["a", "x" * 300]]}),
                                headers={"Content-Type": "application/json"},
                                **w.login())
        assert st == 400 and "over 256 bytes" in json.loads(text)["error"]
        assert w.alive()
    finally:
        w.stop()


def test_view_paging_numbers():
    # A start of 2^70 used to be dropped silently (yajl reads it as a
    # double); it is a 400 like its query-string form.
    w = Web()
    try:
        hdr = {"Content-Type": "application/json"}
        for cmd in ['{"start": 1180591620717411303424}', '{"start": 2.5}',
                    '{"length": -1}', '{"start": "12x"}', '{"start": []}',
                    '{"length": 1e3}']:
            st, _, text = w.request("POST", "/devices/views/all/devices.json",
                                    body=cmd, headers=hdr, **w.login())
            assert st == 400 and b"start and length" in text, (cmd, st, text)
        st, _, _ = w.get("/devices/views/all/devices.json?start=%d" %
                         2 ** 70, **w.login())
        assert st == 400
        # Well-formed ones get past the check (to the missing core).
        st, _, _ = w.request("POST", "/devices/views/all/devices.json",
                             body='{"start": 5, "length": "10"}',
                             headers=hdr, **w.login())
        assert st == 503, st
        for ts in ["1e3", "0x10", "%205", "nan", "1.2.3", "-",
                   "99999999999999"]:
            st, _, _ = w.get("/devices/last-time/%s/devices.json" % ts,
                             **w.login())
            assert st == 400, (ts, st)
    finally:
        w.stop()


def test_static_files_and_traversal():
    files = {"secret.txt": "TOP SECRET\n",
             "www/css/site.css": "body {}\n",
             "www/img/a.svg": "<svg/>\n"}
    w = Web(files=files)
    try:
        os.symlink(os.path.join(w.tmp, "secret.txt"),
                   os.path.join(w.www, "leak.txt"))
        st, r, body = w.get("/css/site.css")
        assert st == 200 and r.getheader("Content-Type") == "text/css"
        st, r, body = w.get("/img/a.svg")
        assert r.getheader("Content-Type") == "image/svg+xml"
        assert w.get("/missing.html")[0] == 404
        for p in [b"/../secret.txt", b"/%2e%2e/secret.txt",
                  b"/css/%2E%2E/%2e%2e/secret.txt", b"/leak.txt",
                  b"/css/..%2f..%2fsecret.txt", b"/./index.html"]:
            resp = raw(w.port, b"GET " + p + b" HTTP/1.1\r\nHost: a\r\n"
                       b"Connection: close\r\n\r\n")
            assert status_of(resp) in (400, 403, 404), (p, resp[:60])
            assert b"TOP SECRET" not in resp, p
    finally:
        w.stop()


PLUGIN = {
    "home/.osprey/plugins/demo/manifest.conf":
        "name=demo\nversion=1.2\ndescription=Demo plugin\nauthor=Test\n"
        "js=osprey_demo,/plugin/demo/js/demo.js\n",
    "home/.osprey/plugins/demo/secret.conf": "api_key=do-not-serve\n",
    "home/.osprey/plugins/demo/httpd/js/demo.js": "var demo = 1;\n",
    "home/.osprey/plugins/demo/httpd/css/demo.css": "p {}\n",
    "home/.osprey/plugins/broken/manifest.conf": "name=broken\n",
    "home/.osprey/plugins/broken/httpd/x.js": "x\n",
}


def test_plugins():
    tmp = tempfile.mkdtemp(prefix="osprey-web-plugins-")
    for name, text in PLUGIN.items():
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    os.symlink("../secret.conf", os.path.join(
        tmp, "home/.osprey/plugins/demo/httpd/link.conf"))
    w = Web(home=os.path.join(tmp, "home"))
    try:
        log = w.text()
        assert "1 web plugin loaded" in log, log
        assert "broken skipped: version= missing" in log, log
        st, r, body = w.get("/plugin/demo/js/demo.js")
        assert st == 200 and body == b"var demo = 1;\n"
        assert r.getheader("Content-Type") == "application/javascript"
        st, r, body = w.get("/plugin/demo/css/demo.css")
        assert r.getheader("Content-Type") == "text/css"
        assert w.get("/plugin/broken/x.js")[0] == 404
        assert w.get("/plugin/demo/nothing.js")[0] == 404
        for p in [b"/plugin/demo/../secret.conf",
                  b"/plugin/demo/%2e%2e/secret.conf",
                  b"/plugin/demo/js/%2e%2e/%2E%2E/secret.conf",
                  b"/plugin/demo/%2e%2e%2fsecret.conf",
                  b"/plugin/demo/link.conf",
                  b"/plugin/demo/%2e%2e/manifest.conf",
                  b"/plugin/%2e%2e/demo/secret.conf"]:
            resp = raw(w.port, b"GET " + p + b" HTTP/1.1\r\nHost: a\r\n"
                       b"Connection: close\r\n\r\n")
            assert status_of(resp) in (400, 403, 404), (p, resp[:80])
            assert b"do-not-serve" not in resp and b"name=demo" not in resp
        st, _, body = w.get("/plugins/all_plugins.json", **w.login())
        lst = json.loads(body)
        assert [p["kismet.plugin.name"] for p in lst] == ["demo"]
        assert lst[0]["kismet.plugin.jsmodule"] == "osprey_demo"
        assert lst[0]["kismet.plugin.js"] == "/plugin/demo/js/demo.js"
        assert lst[0]["kismet.plugin.version"] == "1.2"
        st, _, body = w.get("/plugins/all_plugins.msgpack", **w.login())
        assert msgpack.unpackb(body) == lst
        st, _, js = w.get("/dynamic.js")
        assert b'"module": "osprey_demo"' in js
        assert b'"js": "\\/plugin\\/demo\\/js\\/demo.js"' in js
    finally:
        w.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_plugin_folder_serves_index():
    tmp = tempfile.mkdtemp(prefix="osprey-web-plugins-")
    files = dict(PLUGIN)
    files["home/.osprey/plugins/demo/httpd/index.html"] = "<p>demo</p>\n"
    for name, text in files.items():
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    w = Web(home=os.path.join(tmp, "home"))
    try:
        st, r, body = w.get("/plugin/demo/")
        assert st == 200 and body == b"<p>demo</p>\n", (st, body)
        assert r.getheader("Content-Type").startswith("text/html")
        assert w.get("/plugin/demo/js/")[0] == 404
        assert w.get("/plugin/nosuch/")[0] == 404
    finally:
        w.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_user_status_hides_the_user():
    w = Web()
    try:
        st, _, body = w.get("/system/user_status.json")
        assert st == 200
        anon = json.loads(body)
        assert anon == {"osprey.session.logged_in": False}, anon
        st, _, body = w.get("/system/user_status.json", **w.login())
        mine = json.loads(body)
        assert mine["kismet.system.uid"] == os.getuid(), mine
        assert mine["osprey.session.logged_in"] is True
    finally:
        w.stop()


def test_reason_phrases():
    w = Web()
    try:
        resp = raw(w.port, b"GET /" + b"a/" * 3000 + b" HTTP/1.1\r\n"
                   b"Host: a\r\nConnection: close\r\n\r\n")
        assert resp.startswith(b"HTTP/1.1 414 URI Too Long\r\n"), \
            resp[:60]
    finally:
        w.stop()


def test_sigterm_with_open_keepalive():
    # A keep-alive connection still open when the worker stops: the
    # server's memory must outlive libevent's last look at it (the ASan
    # build reported a use-after-free here; stop() checks the log).
    w = Web()
    try:
        s = socket.create_connection(("127.0.0.1", w.port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 200")
        s2 = socket.create_connection(("127.0.0.1", w.port), timeout=5)
        s2.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n")
        time.sleep(0.2)
    finally:
        w.stop()
    s.close()
    s2.close()


def test_plugins_disallowed():
    tmp = tempfile.mkdtemp(prefix="osprey-web-plugins-")
    for name, text in PLUGIN.items():
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    w = Web("allowplugins=false", home=os.path.join(tmp, "home"))
    try:
        assert w.get("/plugin/demo/js/demo.js")[0] == 404
        st, _, body = w.get("/plugins/all_plugins.json", **w.login())
        assert json.loads(body) == []
    finally:
        w.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def bridge_frame(kind, seq, payload):
    return struct.pack(">IHHII", 0x4F535742, 1, kind, len(payload),
                       seq) + payload


def bridge_read(sock, timeout=5):
    sock.settimeout(timeout)
    hdr = b""
    while len(hdr) < 16:
        hdr += sock.recv(16 - len(hdr))
    magic, ver, kind, length, seq = struct.unpack(">IHHII", hdr)
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    assert magic == 0x4F535742 and ver == 1
    return kind, seq, body


def test_bridge_session():
    # The session part of the bridge only: settings in, HELLO out, exit
    # when the core's end closes.  No device or source data.
    core, web = socket.socketpair()
    cfg = {"httpd_port": "0", "httpd_bind_address": "127.0.0.1",
           "httpd_username": "bridged", "httpd_password": "Bridge-Pass-7"}
    core.sendall(bridge_frame(0x0101, 1, msgpack.packb(cfg)))
    w = Web(pass_fds=(web.fileno(),),
            args=["--bridge-fd=%d" % web.fileno()])
    web.close()
    try:
        kind, seq, body = bridge_read(core)
        assert kind == 0x0102, hex(kind)
        hello = msgpack.unpackb(body)
        assert hello["version"] == 1 and hello["pid"] == w.proc.pid
        w.port = hello["port"]
        assert w.get("/system/timestamp.json", user="bridged",
                     password="Bridge-Pass-7")[0] == 200
        assert not os.path.exists(w.auth_file())
        core.close()
        assert w.proc.wait(5) == 0
        assert "bridge to the core lost" in w.text()
    finally:
        w.stop()


def test_bridge_garbage_from_core():
    core, web = socket.socketpair()
    cfg = {"httpd_port": "0", "httpd_bind_address": "127.0.0.1"}
    core.sendall(bridge_frame(0x0101, 1, msgpack.packb(cfg)))
    w = Web(pass_fds=(web.fileno(),),
            args=["--bridge-fd=%d" % web.fileno()])
    web.close()
    try:
        bridge_read(core)
        core.sendall(b"NOT A BRIDGE FRAME AT ALL")
        assert w.proc.wait(5) == 0
        assert "bad frame header" in w.text(), w.text()
    finally:
        core.close()
        w.stop()


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def main():
    if not os.access(WEB, os.X_OK):
        return harness.run_tap(TESTS, "osprey_web not built at " + WEB)
    return harness.run_tap(TESTS)


if __name__ == "__main__":
    sys.exit(main())
