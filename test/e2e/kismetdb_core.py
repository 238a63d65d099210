#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a real core with log_types=kismet and its web worker, for the
# kismetdb end-to-end tests (kismetdb_faults.py, kismetdb_export.py)
#
# The core runs in a session of its own (so that it and its writer form
# one process group), with osprey_web on a free port of 127.0.0.1 and a
# login, the real osprey_cap_pcapfile, and the sources it is given.
import base64
import http.client
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time

USER, PASSWORD = "tester", "Test-Password-42"
# Generous: only a safety net under ASan on a loaded machine.
DEADLINE = 90


class Core:
    def __init__(self, osprey, web, pcapfile, sources, extra=(),
                 fsize=None, wrap=(), wait_log=True):
        self.tmp = tempfile.mkdtemp(prefix="osprey-kdbfault-")
        self.logdir = os.path.join(self.tmp, "log")
        os.makedirs(self.logdir)
        bindir = os.path.join(self.tmp, "bin")
        os.makedirs(bindir)
        os.symlink(pcapfile, os.path.join(bindir, "osprey_cap_pcapfile"))
        os.symlink(web, os.path.join(bindir, "osprey_web"))
        conf = os.path.join(self.tmp, "osprey.conf")
        with open(conf, "w") as f:
            f.write("log_prefix=%s\nlog_types=kismet\nlog_title=fault\n"
                    "remote_capture_enabled=false\nhttpd_port=0\n"
                    "httpd_bind_address=127.0.0.1\n"
                    "httpd_username=%s\nhttpd_password=%s\n"
                    "kis_log_device_rate=1\n" %
                    (self.logdir, USER, PASSWORD))
            for line in extra:
                f.write(line + "\n")
            for s in sources:
                f.write("source=%s\n" % s)
        self.out_path = os.path.join(self.tmp, "osprey.out")
        self.out = open(self.out_path, "w+")
        env = dict(os.environ, HOME=self.tmp, OSPREY_HELPER_PATH=bindir)

        def limits():
            if fsize is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        # A session of its own: the core and its writer are one group.
        self.proc = subprocess.Popen([a.replace("LOGDIR", self.logdir)
                                      for a in wrap] +
                                     [osprey, "--allow-root", "-f", conf],
                                     env=env, stdout=self.out,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True,
                                     preexec_fn=limits)
        self.port = int(self.wait(lambda: re.search(
            r"listening on port (\d+)", self.text()), "the web worker"
        ).group(1))
        self.path = self.writer = None
        if not wait_log:
            return
        m = self.wait(lambda: re.search(
            r"logging to kismetdb (\S+) \(writer pid (\d+)\)",
            self.text()), "the log")
        self.path, self.writer = m.group(1), int(m.group(2))

    def text(self):
        with open(self.out_path, errors="replace") as f:
            return f.read()

    def wait(self, pred, what, timeout=DEADLINE):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = pred()
            if v:
                return v
            if self.proc.poll() is not None:
                raise AssertionError("osprey exited while waiting for "
                                     "%s:\n%s" % (what, self.text()[-3000:]))
            time.sleep(0.1)
        raise AssertionError("timed out waiting for %s:\n%s" %
                             (what, self.text()[-3000:]))

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body) of one request with the login."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        tok = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode())
        h = {"Authorization": "Basic " + tok.decode()}
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r, data

    def get(self, path):
        st, _, data = self.request("GET", path)
        assert st == 200, (path, st, data[:300])
        return json.loads(data)

    def status(self):
        return self.get("/system/status.json")

    def source_packets(self, name):
        for s in self.get("/datasource/all_sources.json"):
            if s["kismet.datasource.name"] == name:
                return s["kismet.datasource.num_packets"]
        return 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        text = self.text()
        self.out.close()
        return text

    def clean(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
