# SPDX-License-Identifier: ISC
# \summary: the running osprey (core and web worker) the web benchmarks time
#
# One place for what bench_web.py, bench_views.py and bench_gap.py need: a
# scratch folder with the helpers, a config with a known login and one
# source named "big", the core started, its web port read from its log;
# timed requests, the status, and the wait until the capture is in.

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

USER, PASSWORD = "bench", "Bench-Password-1"


class BenchCore:
    def __init__(self, osprey, web, pcapfile, big, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        bindir = os.path.join(self.tmp, "bin")
        os.makedirs(bindir)
        os.symlink(pcapfile, os.path.join(bindir, "osprey_cap_pcapfile"))
        os.symlink(web, os.path.join(bindir, "osprey_web"))
        conf = os.path.join(self.tmp, "osprey.conf")
        with open(conf, "w") as f:
            f.write("enable_logging=false\nremote_capture_port=0\n"
                    "httpd_port=0\nhttpd_bind_address=127.0.0.1\n"
                    "httpd_username=%s\nhttpd_password=%s\n"
                    "source=%s:name=big\n" % (USER, PASSWORD, big))
        self.log = open(os.path.join(self.tmp, "osprey.log"), "w+")
        env = dict(os.environ, HOME=self.tmp, OSPREY_HELPER_PATH=bindir)
        self.proc = subprocess.Popen([osprey, "--allow-root", "-f", conf],
                                     env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.tok = "Basic " + base64.b64encode(
            ("%s:%s" % (USER, PASSWORD)).encode()).decode()
        self.port = None
        while self.port is None:
            m = re.search(r"listening on port (\d+)", self.text())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                sys.exit("osprey exited:\n" + self.text())
            time.sleep(0.05)

    def get(self, path, body=None):
        """GET (POST with body) path: (seconds, body); exits unless 200."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        t = time.time()
        c.request("POST" if body else "GET", path, body=body,
                  headers={"Authorization": self.tok,
                           "Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        c.close()
        if r.status != 200:
            sys.exit("%s: %d %s" % (path, r.status, data[:200]))
        return time.time() - t, data

    def status(self):
        return json.loads(self.get("/system/status.json")[1])

    def web_pid(self):
        return int(re.search(r"web worker (\d+) listening",
                             self.text()).group(1))

    def wait_read(self):
        """Wait until the packet count stops moving: (status, seconds).

        The count is read once a second; the last second, in which it did
        not move, is not counted in the time."""
        t0 = time.time()
        last = -1
        while True:
            s = self.status()
            n = s["osprey.system.packets.total"]
            if n == last and n > 0:
                return s, time.time() - t0 - 1
            last = n
            time.sleep(1)

    def text(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout)
        shutil.rmtree(self.tmp, ignore_errors=True)


def rss_kib(pid, what="VmRSS"):
    """A process's resident set (or what=VmHWM, its peak) in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(what + ":"):
                return int(line.split()[1])
    return 0
