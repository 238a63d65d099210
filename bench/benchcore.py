# SPDX-License-Identifier: ISC
# \summary: the running osprey (core and web worker) the web benchmarks time
#
# One place for what bench_web.py and bench_views.py both need: a scratch
# folder with the helpers, a config with a known login and one source
# named "big", the core started, its web port read from its log.

import base64
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

    def text(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout)
        shutil.rmtree(self.tmp, ignore_errors=True)
