#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a sensor keeps the frames it queued when its link breaks
#
# A server of the test's own (v2 frames written here) opens the real
# osprey_cap_pcapfile's source and then reads nothing: the sensor reads
# its whole file into its queue (it says "end of file" when it has) and
# waits.  The server then drops the link with all of that unread.  When
# the sensor dials back and the source is opened again, the frames it
# still held must come, in order, after the open report; only what sat in
# the kernel's buffers when the link went is gone.  (Before, the queue
# was thrown away with the link: nothing came back.)
# Output is TAP.  Usage: fleet_requeue.py OSPREY_CAP_PCAPFILE

import hashlib
import os
import re
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleet_lib import (Tap, cap, pb_bytes, pb_parse, pb_uint,  # noqa: E402
                       v2_frame, wait_for)

HELPER = os.path.abspath(sys.argv[1])
# 1273 frames, 382 KB: more than the kernel's socket buffers take, and
# less than they and the sensor's 512 KiB queue hold together.
CAPTURE = "angryoxide__allframes.pcapng"


class Link:
    def __init__(self, conn):
        self.conn = conn
        self.conn.settimeout(60)
        self.buf = b""
        self.seq = 0

    def read(self):
        while True:
            if len(self.buf) >= 48:
                n = struct.unpack(">I", self.buf[8:12])[0]
                if len(self.buf) >= 48 + n:
                    cmd = self.buf[12:44].rstrip(b"\0").decode()
                    body = self.buf[48:48 + n]
                    self.buf = self.buf[48 + n:]
                    return cmd, body
            chunk = self.conn.recv(1 << 16)
            if not chunk:
                return None
            self.buf += chunk

    def send(self, cmd, payload=b""):
        self.seq += 1
        self.conn.sendall(v2_frame(cmd, self.seq, payload))
        return self.seq


def expected():
    r = subprocess.run(["tshark", "-r", cap(CAPTURE), "-o",
                        "frame.generate_md5_hash:TRUE", "-T", "fields",
                        "-e", "frame.md5_hash"], capture_output=True,
                       text=True, timeout=120)
    return r.stdout.split()


def open_source(link, definition):
    cmd, _ = link.read()
    assert cmd == "KDSNEWSOURCE", cmd
    seq = link.send("KDSOPENSOURCE", pb_bytes(1, definition))
    cmd, body = link.read()
    assert cmd == "KDSOPENSOURCEREPORT", cmd
    ok = pb_parse(pb_parse(body)[1][0])
    assert ok[1][0] == 1 and ok[2][0] == seq, ok


def main():
    t = Tap()
    if not os.access(HELPER, os.X_OK) or not os.path.exists(cap(CAPTURE)):
        t.skip_all("osprey_cap_pcapfile or the captures are missing")
        return 0
    want = expected()
    srv = socket.socket()
    # A small window (set before listen, so that accepted sockets have
    # it): most of the file must wait in the sensor, not in the kernel.
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(60)
    definition = cap(CAPTURE)
    err = open(os.path.join("/tmp" if not os.environ.get("TMPDIR") else
                            os.environ["TMPDIR"],
                            "fleet-requeue-%d.log" % os.getpid()), "w+")
    helper = subprocess.Popen([HELPER, "--connect", "127.0.0.1:%d" %
                               srv.getsockname()[1], "--source=" +
                               definition], stderr=err)
    try:
        conn, _ = srv.accept()
        link = Link(conn)
        open_source(link, definition)

        def said_eof():
            with open(err.name) as f:
                return "end of file after" in f.read()
        wait_for(said_eof, "the sensor to read its whole file", 60)
        conn.close()
        t.ok(True, "the server opened the source, read nothing more, and "
             "dropped the link once the sensor held its whole file")

        conn, _ = srv.accept()
        link = Link(conn)
        open_source(link, definition)
        got = []
        while True:
            f = link.read()
            assert f is not None, "link closed"
            cmd, body = f
            if cmd == "KDSDATAREPORT":
                p = pb_parse(body)
                if 3 in p:
                    got.append(hashlib.md5(pb_parse(p[3][0])[5][0])
                               .hexdigest())
                if 2 in p and b"end of file" in pb_parse(p[2][0])[2][0]:
                    break
            elif cmd == "MESSAGE":
                if b"end of file" in pb_parse(body)[2][0]:
                    break
            elif cmd == "PING":
                continue
        # The frames that came are the file's last ones, in order: what
        # the sensor's queue held (what the kernel's socket buffers held
        # went with the link; with a 512 KiB queue they hold more).
        tail = want[len(want) - len(got):] if got else []
        t.ok(len(got) > 0 and got == tail,
             "after the reconnect %d of %d frames came, in order, the "
             "file's last ones; %d were lost with the link" % (
                 len(got), len(want), len(want) - len(got)))
        with open(err.name) as f:
            kept = re.search(r"(\d+) bytes of frames kept", f.read())
        t.ok(kept is not None and int(kept.group(1)) > 0,
             "the sensor said what it kept: %s bytes" % (
                 kept.group(1) if kept else "nothing"))
        link.send("KDSCLOSEDATASOURCE")
        t.ok(helper.wait(60) == 0, "closed: the sensor exits 0")
    except Exception as e:
        t.ok(False, "requeue: %s" % e)
    finally:
        if helper.poll() is None:
            helper.kill()
            helper.wait()
        err.close()
        os.unlink(err.name)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
