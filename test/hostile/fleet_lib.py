# SPDX-License-Identifier: ISC
# \summary: what the fleet tests share: a core, sensors, namespaces, TAP
#
# Real processes only: the osprey core with its web worker (REST through
# a real HTTP client), osprey_cap_pcapfile sensors dialling the remote
# capture port, network namespaces the test makes and removes itself.
# Every wait is for a state, with a deadline that is only a safety net.

import base64
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

USER, PASSWORD = "fleet", "Fleet-Password-42"
CAPS = os.environ.get("OSPREY_CAPTURES", "")


def cap(name):
    return os.path.join(CAPS, name)


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_for(pred, what, timeout=60, step=0.1):
    """Poll pred until it is true; the deadline is only a safety net."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(step)


class Tap:
    """TAP output: one line per check, a plan at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, text, detail=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, text))
        if not cond:
            self.failed += 1
            for line in str(detail).splitlines()[-20:]:
                print("#   " + line)
        return cond

    def note(self, text):
        for line in text.splitlines():
            print("# " + line)

    def skip_all(self, why):
        print("1..0 # SKIP " + why)

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


class Netns:
    """A network namespace of the test's own, removed on close."""

    def __init__(self, name):
        self.name = name
        subprocess.run(["ip", "netns", "add", name], check=True,
                       capture_output=True)
        self.run("ip", "link", "set", "lo", "up")

    def run(self, *args):
        return subprocess.run(["ip", "netns", "exec", self.name] +
                              list(args), check=True, capture_output=True,
                              text=True)

    def prefix(self):
        return ["ip", "netns", "exec", self.name]

    def close(self):
        subprocess.run(["ip", "netns", "del", self.name],
                       capture_output=True)


def netns_probe():
    """None when namespaces can be made here, else why not."""
    if shutil.which("ip") is None:
        return "no ip(8)"
    name = "ospprobe%d" % os.getpid()
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return "cannot create a network namespace: " + r.stderr.strip()
    r = subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set",
                        "lo", "up"], capture_output=True, text=True)
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    if r.returncode != 0:
        return "cannot enter a network namespace: " + r.stderr.strip()
    return None


def unique_tag():
    """Short and unique, so two copies of the suite never collide."""
    return "%x%03x" % (os.getpid() & 0xfffff, random.randrange(4096))


class Core:
    """osprey with its web worker, a scratch config, helpers and home."""

    def __init__(self, bins, sources=(), extra=(), netns=None,
                 listen="127.0.0.1", port=0, logging=False, tmp=None,
                 devices_json=None, links=None):
        self.bins = bins
        self.netns = netns
        self.own_tmp = tmp is None
        self.tmp = tmp or tempfile.mkdtemp(prefix="osprey-fleet-")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home, exist_ok=True)
        bindir = os.path.join(self.tmp, "bin")
        os.makedirs(bindir, exist_ok=True)
        want = {"osprey_cap_pcapfile": bins["osprey_cap_pcapfile"],
                "osprey_web": bins["osprey_web"]}
        want.update(links or {})
        for name, target in want.items():
            link = os.path.join(bindir, name)
            if not os.path.lexists(link):
                os.symlink(target, link)
        self.conf = os.path.join(self.tmp, "osprey-%d.conf" %
                                 random.randrange(1 << 30))
        with open(self.conf, "w") as f:
            f.write("log_prefix=%s\nenable_logging=%s\n"
                    "remote_capture_listen=%s\nremote_capture_port=%d\n"
                    "httpd_port=0\nhttpd_bind_address=127.0.0.1\n"
                    "httpd_username=%s\nhttpd_password=%s\n" %
                    (self.tmp, "true" if logging else "false", listen,
                     port, USER, PASSWORD))
            for line in extra:
                f.write(line + "\n")
            for s in sources:
                f.write("source=%s\n" % s)
        self.log_path = os.path.join(self.tmp, "osprey-%d.log" %
                                     random.randrange(1 << 30))
        self.log = open(self.log_path, "w+")
        env = dict(os.environ, HOME=self.home, OSPREY_HELPER_PATH=bindir)
        cmd = [bins["osprey"], "--allow-root", "-f", self.conf]
        if devices_json is not None:
            cmd += ["--devices-json", devices_json]
        if netns is not None:
            cmd = netns.prefix() + cmd
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid       # ip netns exec execs osprey
        m = self.wait_log(r"remote capture listening on (\S+):(\d+)")
        self.remote_port = int(m.group(2))
        m = self.wait_log(r"web worker (\d+) listening on port (\d+)")
        self.web_port = int(m.group(2))

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, timeout=60):
        def found():
            if self.proc.poll() is not None:
                raise AssertionError("osprey exited:\n" + self.text()[-3000:])
            return re.search(pattern, self.text())
        return wait_for(found, pattern, timeout)

    def request(self, method, path, body=None, ctype=None, timeout=60):
        if self.netns is not None:
            return self.request_in_netns(method, path, body, ctype, timeout)
        c = http.client.HTTPConnection("127.0.0.1", self.web_port,
                                       timeout=timeout)
        tok = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode())
        h = {"Authorization": "Basic " + tok.decode()}
        if ctype:
            h["Content-Type"] = ctype
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def request_in_netns(self, method, path, body, ctype, timeout):
        """The web worker listens inside the namespace: curl from there."""
        cmd = self.netns.prefix() + [
            "curl", "-s", "-m", str(timeout), "-u", "%s:%s" % (USER,
                                                                PASSWORD),
            "-X", method, "-o", "-", "-w", "\n%{http_code}",
            "http://127.0.0.1:%d%s" % (self.web_port, path)]
        if body is not None:
            cmd += ["-H", "Content-Type: " + (ctype or "application/json"),
                    "--data-binary", body]
        r = subprocess.run(cmd, capture_output=True, timeout=timeout + 10)
        data, _, status = r.stdout.rpartition(b"\n")
        return int(status or 0), data

    def get_json(self, path):
        st, data = self.request("GET", path)
        assert st == 200, (path, st, data[:300])
        return json.loads(data)

    def sources(self):
        return self.get_json("/datasource/all_sources.json")

    def by_name(self):
        return {s["kismet.datasource.name"]: s for s in self.sources()}

    def rss_kb(self):
        return rss_kb(self.pid)

    def kill(self):
        """SIGKILL, as a crash: no flush, no goodbye."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stop(self, keep_tmp=False):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        text = self.text()
        self.log.close()
        if self.own_tmp and not keep_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return text


def sanitizer_clean(text):
    return "Sanitizer" not in text and "runtime error" not in text


class Sensor:
    """osprey_cap_pcapfile --connect: a remote sensor replaying a file."""

    def __init__(self, helper, host, port, definition, netns=None,
                 logdir=None, extra=()):
        self.definition = definition
        self.logdir = logdir or tempfile.mkdtemp(prefix="osprey-sensor-")
        self.log_path = os.path.join(self.logdir, "sensor-%d.log" %
                                     random.randrange(1 << 30))
        self.log = open(self.log_path, "w+")
        cmd = [helper, "--connect", "%s:%d" % (host, port),
               "--source=" + definition] + list(extra)
        if netns is not None:
            cmd = netns.prefix() + cmd
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def sent(self):
        """Frames the helper read from its file, once it said so: at the
        end of the file, or at a record it could not read (a file cut
        short), which ends the source."""
        text = self.text()
        m = re.search(r"end of file after (\d+) packets", text)
        if m is not None:
            return int(m.group(1))
        # "record N: ..." names the record it failed on, from 1.
        m = re.search(r"pcapfile: .*: record (\d+): ", text)
        return int(m.group(1)) - 1 if m else None

    def signal(self, sig):
        os.kill(self.pid, sig)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.text()


def pcapng_counts(path):
    """Frames per interface name in a pcapng log, as tshark reads it."""
    r = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e",
                        "frame.interface_name"], capture_output=True,
                       text=True, timeout=300)
    counts = {}
    for name in r.stdout.split("\n"):
        if name:
            counts[name] = counts.get(name, 0) + 1
    return counts, r.stderr


# The datasource protocol, written here from doc/protocol.md (not from
# osprey's proto/), for the test's own peers: silent or throwaway sensors.

def pb_varint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v])


def pb_bytes(num, data):
    if isinstance(data, str):
        data = data.encode()
    return pb_varint(num << 3 | 2) + pb_varint(len(data)) + data


def pb_uint(num, v):
    return pb_varint(num << 3) + pb_varint(v)


def pb_parse(data):
    """{field: [values]}: varints as ints, length-delimited as bytes."""
    out, i = {}, 0
    while i < len(data):
        tag, i = _pb_read_varint(data, i)
        if tag & 7 == 0:
            v, i = _pb_read_varint(data, i)
        elif tag & 7 == 2:
            n, i = _pb_read_varint(data, i)
            v, i = data[i:i + n], i + n
        elif tag & 7 == 1:
            v, i = data[i:i + 8], i + 8
        else:
            v, i = data[i:i + 4], i + 4
        out.setdefault(tag >> 3, []).append(v)
    return out


def _pb_read_varint(data, i):
    v = shift = 0
    while True:
        b = data[i]
        i += 1
        v |= (b & 0x7f) << shift
        shift += 7
        if not b & 0x80:
            return v, i


def v2_frame(cmd, seqno, payload=b""):
    return (struct.pack(">IHHI", 0xDECAFBAD, 0xABCD, 2, len(payload)) +
            cmd.encode().ljust(32, b"\0") + struct.pack(">I", seqno) +
            payload)


class FakeSensor:
    """A peer on the remote capture port, from a loopback address."""

    def __init__(self, port, src="127.0.0.1", timeout=30):
        self.sock = socket.socket()
        self.sock.settimeout(timeout)
        self.sock.bind((src, 0))
        self.sock.connect(("127.0.0.1", port))
        self.buf = b""
        self.seq = 0

    def send(self, cmd, payload=b""):
        self.seq += 1
        self.sock.sendall(v2_frame(cmd, self.seq, payload))
        return self.seq

    def announce(self, uuid, definition):
        return self.send("KDSNEWSOURCE", pb_bytes(1, definition) +
                         pb_bytes(2, "linuxwifi") + pb_bytes(3, uuid))

    def read(self):
        """(command, seqno, payload), or None at the end of the stream."""
        while True:
            if len(self.buf) >= 48:
                n = struct.unpack(">I", self.buf[8:12])[0]
                if len(self.buf) >= 48 + n:
                    cmd = self.buf[12:44].rstrip(b"\0").decode()
                    seq = struct.unpack(">I", self.buf[44:48])[0]
                    payload = self.buf[48:48 + n]
                    self.buf = self.buf[48 + n:]
                    return cmd, seq, payload
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk

    def answer_open(self, extra=b""):
        """Wait for KDSOPENSOURCE and report it open (extra: more fields
        of the report); its seqno."""
        while True:
            f = self.read()
            if f is None:
                return None
            cmd, seq, _ = f
            if cmd == "KDSOPENSOURCE":
                self.send("KDSOPENSOURCEREPORT",
                          pb_bytes(1, pb_uint(1, 1) + pb_uint(2, seq)) +
                          pb_uint(2, 127) + extra)
                return seq
            if cmd == "PING":
                self.send("PONG", pb_uint(1, seq))

    def close(self):
        self.sock.close()
