#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a real osprey helper feeding a Kismet-style v1 server
#
# A Kismet 2023-07 server answers a remote helper's v2 KDSNEWSOURCE in
# the v1 framing (doc/protocol.md, "Version 1").  This test is such a
# server, written here with its own protobuf and checksum code (nothing
# from osprey's proto/): it reads the real osprey_cap_pcapfile's v2
# announce, answers KDSOPENSOURCE in v1, pings in v1, and checks that
# everything the helper sends back is v1 with a valid checksum: the open
# report echoing the request's seqno, a pong per ping, and one data
# report per frame of the capture, its bytes equal to what tshark reads.
# Output is TAP.  Usage: fleet_v1_server.py OSPREY_CAP_PCAPFILE

import hashlib
import os
import socket
import struct
import subprocess
import sys
import time

HELPER = os.path.abspath(sys.argv[1])
CAPS = os.environ.get("OSPREY_CAPTURES", "")
CAPTURE = os.path.join(CAPS, "aircrack-ng__wpa2-psk-linksys.cap")
DEADLINE = 60          # a safety net; every wait is for a state


def kismet_checksum(payload):
    """Kismet's v1 sum: Adler-like, without the modulo 65521."""
    s1 = s2 = 0
    for b in payload:
        s1 = (s1 + b) & 0xffffffff
        s2 = (s2 + s1) & 0xffffffff
    return ((s1 & 0xffff) + (s2 << 16)) & 0xffffffff


def varint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v])


def field(num, data):
    """A length-delimited protobuf field."""
    return varint(num << 3 | 2) + varint(len(data)) + data


def parse(data):
    """Protobuf fields as {number: [values]} (varints and bytes)."""
    out, i = {}, 0
    while i < len(data):
        tag, i = read_varint(data, i)
        wt = tag & 7
        if wt == 0:
            v, i = read_varint(data, i)
        elif wt == 2:
            n, i = read_varint(data, i)
            v = data[i:i + n]
            assert len(v) == n, "field past the end"
            i += n
        elif wt == 1:
            v, i = data[i:i + 8], i + 8
        elif wt == 5:
            v, i = data[i:i + 4], i + 4
        else:
            raise AssertionError("wire type %d" % wt)
        out.setdefault(tag >> 3, []).append(v)
    return out


def read_varint(data, i):
    v = shift = 0
    while True:
        b = data[i]
        i += 1
        v |= (b & 0x7f) << shift
        shift += 7
        if not b & 0x80:
            return v, i


class Link:
    def __init__(self, conn):
        self.conn = conn
        self.buf = b""
        self.seq = 0

    def fill(self, n):
        self.conn.settimeout(DEADLINE)
        while len(self.buf) < n:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise AssertionError("helper closed the link")
            self.buf += chunk

    def take(self, n):
        self.fill(n)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_v2(self):
        hdr = self.take(48)
        sig, sentinel, version, length = struct.unpack(">IHHI", hdr[:12])
        assert (sig, sentinel, version) == (0xDECAFBAD, 0xABCD, 2), \
            "not a v2 frame: %s" % hdr[:12].hex()
        cmd = hdr[12:44].rstrip(b"\0").decode()
        seqno = struct.unpack(">I", hdr[44:48])[0]
        return cmd, seqno, self.take(length)

    def read_v1(self):
        """(command, seqno, content); the checksum must hold."""
        sig, checksum, length = struct.unpack(">III", self.take(12))
        assert sig == 0xDECAFBAD, "signature %08x" % sig
        payload = self.take(length)
        assert kismet_checksum(payload) == checksum, \
            "checksum %08x, payload sums to %08x" % (
                checksum, kismet_checksum(payload))
        f = parse(payload)
        return (f[1][-1].decode(), f[2][-1], f.get(3, [b""])[-1])

    def send_v1(self, cmd, content):
        self.seq += 1
        payload = (field(1, cmd.encode()) + varint(2 << 3) +
                   varint(self.seq) + field(3, content))
        self.conn.sendall(struct.pack(">III", 0xDECAFBAD,
                                      kismet_checksum(payload),
                                      len(payload)) + payload)
        return self.seq


def expected_frames():
    """tshark's MD5 of every frame's bytes, in order."""
    r = subprocess.run(["tshark", "-r", CAPTURE, "-o",
                        "frame.generate_md5_hash:TRUE", "-T", "fields",
                        "-e", "frame.md5_hash"], capture_output=True,
                       text=True, timeout=120)
    return [h for h in r.stdout.split()]


def main():
    if not os.access(HELPER, os.X_OK):
        print("1..0 # SKIP osprey_cap_pcapfile is not built")
        return 0
    if not os.path.exists(CAPTURE):
        print("1..0 # SKIP no captures at OSPREY_CAPTURES=%r" % CAPS)
        return 0
    want = expected_frames()
    print("1..5")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    definition = CAPTURE + ":name=v1-sensor"
    helper = subprocess.Popen([HELPER, "--connect", "127.0.0.1:%d" % port,
                               "--source=" + definition, "--disable-retry"],
                              stderr=subprocess.PIPE, text=True)
    ok = 0
    try:
        srv.settimeout(DEADLINE)
        conn, _ = srv.accept()
        link = Link(conn)

        cmd, seqno, body = link.read_v2()
        f = parse(body)
        assert cmd == "KDSNEWSOURCE", cmd
        assert f[1][0].decode() == definition and f[2][0] == b"pcapfile"
        print("ok 1 - the helper announces its source in v2 (seqno %d)"
              % seqno)
        ok += 1

        t0 = time.monotonic()
        req = link.send_v1("KDSOPENSOURCE", field(1, definition.encode()))
        cmd, _, body = link.read_v1()
        assert cmd == "KDSOPENSOURCEREPORT", cmd
        success = parse(parse(body)[1][0])
        assert success[1][0] == 1 and success[2][0] == req, success
        print("ok 2 - a v1 KDSOPENSOURCE is answered by a v1 open report "
              "echoing seqno %d, valid checksum (%.1f ms)" %
              (req, (time.monotonic() - t0) * 1000))
        ok += 1

        # Frames until the end-of-file message; a ping now and then.
        got, pongs, pings, text = [], set(), {}, ""
        pings[link.send_v1("PING", b"")] = True
        while "end of file" not in text:
            cmd, seqno, body = link.read_v1()
            if cmd == "KDSDATAREPORT":
                p = parse(body)
                if 3 in p:
                    pkt = parse(p[3][0])
                    got.append(hashlib.md5(pkt[5][0]).hexdigest())
                    if len(got) % 50 == 0:
                        pings[link.send_v1("PING", b"")] = True
                if 2 in p:
                    text = parse(p[2][0])[2][0].decode()
            elif cmd == "PONG":
                assert parse(body)[1][0] in pings, "pong for no ping"
                pongs.add(parse(body)[1][0])
            elif cmd == "MESSAGE":
                text = parse(body)[2][0].decode()
            else:
                raise AssertionError("unexpected %s" % cmd)
        assert got == want, "%d frames, %d expected" % (len(got), len(want))
        print("ok 3 - %d v1 data reports with valid checksums, each frame "
              "as tshark reads it" % len(got))
        ok += 1
        # A ping after the last frame too; then every one is answered.
        pings[link.send_v1("PING", b"")] = True
        while len(pongs) < len(pings):
            cmd, _, body = link.read_v1()
            assert cmd == "PONG", "unexpected %s" % cmd
            assert parse(body)[1][0] in pings, "pong for no ping"
            pongs.add(parse(body)[1][0])
        print("ok 4 - each of %d v1 pings answered by a v1 pong" %
              len(pings))
        ok += 1
        link.send_v1("KDSCLOSEDATASOURCE", b"")
        rc = helper.wait(timeout=DEADLINE)
        err = helper.stderr.read()
        assert rc == 0, "exit %d: %s" % (rc, err[-500:])
        assert "speaks datasource protocol v1" in err, err[-500:]
        print("ok 5 - closed in v1, the helper exits 0 and said it "
              "answers in v1")
        ok += 1
    except Exception as e:
        print("not ok %d - %s" % (ok + 1, str(e)[:500]))
        if helper.poll() is None:
            helper.kill()
        helper.wait()
        for line in helper.stderr.read().splitlines()[-10:]:
            print("# " + line)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
