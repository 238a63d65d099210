#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the remote capture port under a flood, and throwaway sensors
#
# Issue 16: 64 silent connections to the remote capture port blocked
# remote capture and reset real sensors, each refusal logging two lines;
# 22,000 sensors that each came once with a new UUID grew the core from
# 5.9 to 102 MB and /datasource/all_sources.json answered 500 from then
# on.  Here, with the real core and web worker and real sensors
# (osprey_cap_pcapfile --connect), from loopback addresses of 127/8:
#
#  - a sensor feeding before the flood keeps feeding through it, and one
#    that dials in during it gets in;
#  - one address holds at most max_pending_per_host pending connections,
#    many addresses at most max_pending, and every silent connection is
#    closed at the hello deadline;
#  - the refusals and drops make a line per interval, with a count;
#  - a thousand throwaway sensors leave at most remote_capture_max_sources
#    records, the API answers 200 throughout, a sensor over the cap is
#    told why, and records of sensors gone for the timeout are removed.
#
# Output is TAP.  Usage: fleet_listener.py OSPREY OSPREY_WEB
#                                          OSPREY_CAP_PCAPFILE

import json
import os
import re
import socket
import sys
import time
import uuid as uuidlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleet_lib import (Core, FakeSensor, Sensor, Tap, cap,  # noqa: E402
                       pb_bytes, pb_parse, sanitizer_clean, wait_for)

OSPREY, WEB, PCAPFILE = [os.path.abspath(a) for a in sys.argv[1:4]]
BINS = {"osprey": OSPREY, "osprey_web": WEB,
        "osprey_cap_pcapfile": PCAPFILE}
FEED = "aircrack-ng__wpa2-psk-linksys.cap"
NEWCOMER = "aircrack-ng__wpa-psk-linksys.cap"
MAX_SOURCES = 256       # the default remote_capture_max_sources
# FLEET_THROWAWAY=22000 repeats the measurement (doc/reliability.md).
THROWAWAY = int(os.environ.get("FLEET_THROWAWAY", "1000"))
BIG = int(os.environ.get("FLEET_BIG", "300"))
HELLO_S = 5
TIMEOUT_S = 4
PER_HOST = 8            # the default remote_capture_max_pending_per_host
MAX_PENDING = 64        # the default remote_capture_max_pending


def big_definition(i):
    """As long as a sensor's definition may be (2048 bytes)."""
    d = "big%d:name=%s,info=" % (i, "n" * 1000)
    return d + "x" * (2048 - len(d))


def big_report():
    """An open report with every list full and long names."""
    chans = b"".join(pb_bytes(1, "c%013d" % k) for k in range(600))
    return (pb_bytes(3, "i" * 4000) + pb_bytes(4, chans) +
            pb_bytes(6, chans) + pb_bytes(7, "h" * 4000))


def refusal_lines(text):
    return [ln for ln in text.splitlines() if "remote" in ln and
            ("refused" in ln or "dropped" in ln)]


def silent(port, src):
    """A connection that never says anything."""
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(30)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s):
    """True once the server has closed s (EOF or reset)."""
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def main():
    t = Tap()
    for b in BINS.values():
        if not os.access(b, os.X_OK):
            t.skip_all("%s is not built" % b)
            return 0
    if not os.path.exists(cap(FEED)):
        t.skip_all("no captures at OSPREY_CAPTURES")
        return 0
    core = Core(BINS, extra=["remote_capture_hello_timeout=%d" % HELLO_S,
                             "remote_capture_source_timeout=%d" %
                             TIMEOUT_S])
    port = core.remote_port
    sensors, socks, held = [], [], []
    try:
        a = Sensor(PCAPFILE, "127.0.0.1", port,
                   cap(FEED) + ":name=steady,loop=true,pps=200")
        sensors.append(a)
        wait_for(lambda: core.by_name().get("steady", {}).get(
            "kismet.datasource.num_packets", 0) > 0, "the steady sensor")
        rss0 = core.rss_kb()

        # One address: only PER_HOST stay, the rest are closed at once.
        for i in range(64):
            socks.append(silent(port, "127.0.0.2"))
        wait_for(lambda: sum(closed_by_server(s) for s in socks) >=
                 64 - PER_HOST, "refusals past the per-address limit", 20)
        open_now = sum(not closed_by_server(s) for s in socks)
        t.ok(open_now == PER_HOST, "one address: %d of 64 silent "
             "connections held, the rest refused at once" % open_now)

        # Many addresses: the pending list never fills for a newcomer.
        t0 = time.monotonic()
        for i in range(200):
            socks.append(silent(port, "127.0.0.%d" % (10 + i // 4)))
        b = Sensor(PCAPFILE, "127.0.0.1", port,
                   cap(NEWCOMER) + ":name=newcomer")
        sensors.append(b)
        wait_for(lambda: core.by_name().get("newcomer", {}).get(
            "kismet.datasource.num_packets", 0) > 0, "the newcomer")
        t.ok(True, "a sensor dialling in during a flood from 50 addresses "
             "gets in (%.2f s)" % (time.monotonic() - t0))

        before = core.by_name()["steady"]["kismet.datasource.num_packets"]
        wait_for(lambda: all(closed_by_server(s) for s in socks),
                 "every silent connection closed", 30)
        gone = time.monotonic() - t0
        after = core.by_name()["steady"]["kismet.datasource.num_packets"]
        t.ok(after > before and "lost the link" not in a.text() and
             "reconnected" not in core.text(),
             "the steady sensor fed through the flood without a break "
             "(%d frames in it)" % (after - before), a.text()[-1000:])
        t.ok(True, "all 264 silent connections closed by the server "
             "within %.1f s (hello deadline %d s)" % (gone, HELLO_S))
        for s in socks:
            s.close()
        socks = []

        # One line now and then, with a count: at most one at once and
        # one summary per 10 s interval the flood lasted.
        core.wait_log(r"(\d+) more connections refused or dropped", 30)
        lines = refusal_lines(core.text())
        counted = sum(int(n) for n in re.findall(
            r"(\d+) more connections refused or dropped", core.text()))
        most = 2 + int(gone / 10) + 1
        t.ok(len(lines) <= most and counted + 1 >= 256,
             "%d log lines for %d refusals and drops" % (
                 len(lines), counted + 1), "\n".join(lines))

        # Throwaway sensors, a new UUID each time; the last ones as big
        # as a sensor can make its record.
        codes, most, size = set(), 0, 0
        t0 = time.monotonic()
        for i in range(THROWAWAY):
            big = i >= THROWAWAY - BIG
            f = FakeSensor(port)
            f.announce(str(uuidlib.uuid4()), big_definition(i) if big
                       else "throwaway%d:name=tw%d" % (i, i))
            f.answer_open(big_report() if big else b"")
            f.close()
            if i % 100 == 99:
                st, data = core.request("GET",
                                        "/datasource/all_sources.json")
                codes.add(st)
                if st == 200:
                    most = max(most, len(json.loads(data)))
                    size = max(size, len(data))
        secs = time.monotonic() - t0
        rss1 = core.rss_kb()
        t.ok(codes == {200} and most == MAX_SOURCES,
             "%d throwaway sensors in %.1f s: all_sources.json always "
             "200, %d records at most (the default cap), up to %.1f MB "
             "of JSON" % (THROWAWAY, secs, most, size / 1e6),
             (codes, most))
        t.note("core RSS: %d kB before the flood, %d kB after %d "
               "throwaway sensors (the last %d as big as allowed)" %
               (rss0, rss1, THROWAWAY, BIG))

        # Every slot connected: the next sensor is refused, and told.
        for i in range(MAX_SOURCES - 2):
            f = FakeSensor(port)
            f.announce(str(uuidlib.uuid4()), "held%d:name=held%d" % (i, i))
            f.answer_open()
            held.append(f)
        f = FakeSensor(port)
        f.announce(str(uuidlib.uuid4()), "over:name=over")
        told = None
        while True:
            fr = f.read()
            if fr is None:
                break
            if fr[0] == "MESSAGE":
                told = pb_parse(fr[2])[2][0].decode()
        f.close()
        t.ok(told is not None and "remote source limit reached" in told,
             "a sensor over the cap is told why and let go", told)
        t.ok("source refused: remote source limit reached" in core.text()
             or re.search(r"more connections refused", core.text()),
             "the core says so in its log")

        # Gone for the timeout: removed, and the count comes back down.
        for f in held:
            f.close()
        held = []
        wait_for(lambda: len(core.sources()) == 2, "the records of gone "
                 "sensors removed", TIMEOUT_S * 10)
        m = core.wait_log(r"removed (\d+) remote source records")
        t.ok(True, "records of gone sensors removed after %d s; the "
             "connected two stay" % TIMEOUT_S)
        t.note("core RSS after the removal: %d kB" % core.rss_kb())
    except Exception as e:
        t.note("error: %s" % e)
        t.ok(False, "fleet listener test", "%s\n%s" % (e,
                                                     core.text()[-3000:]))
    finally:
        for s in socks:
            s.close()
        for f in held:
            f.close()
        for s in sensors:
            s.stop()
        text = core.stop()
        t.ok(sanitizer_clean(text), "the core ran clean", text[-2000:])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
