#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the core and a helper that reads one frame per recv (Kismet's)
#
# fleet_onerecv handles at most one frame per recv(), as Kismet's capture
# helpers do, and logs what each recv held.  A server that sends a frame
# the helper did not ask for before or with a request (a PING at connect,
# a PING with the open) leaves the request behind until the next frame
# comes: an open took 5-10 s and every later command lagged a ping.  The
# real core (web worker on) drives the helper as a local source (probe,
# then open) and as a remote sensor (--connect); the checks are on what
# the helper saw: each request alone in its recv, and no PING before the
# open report.  Latencies (open, channel changes through the REST API)
# are printed as figures, not judged.
# Output is TAP.  Usage: fleet_wire.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE
#                                      FLEET_ONERECV

import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleet_lib import Core, Tap, sanitizer_clean, wait_for  # noqa: E402

OSPREY, WEB, PCAPFILE, ONERECV = [os.path.abspath(a) for a in sys.argv[1:5]]
BINS = {"osprey": OSPREY, "osprey_web": WEB,
        "osprey_cap_pcapfile": PCAPFILE}
UUID = "0e1ec000-0000-4000-8000-00000000f1ee"
LINE = re.compile(r"onerecv\[(\d+)\] ([0-9.]+) (\w+) ?(.*)")


def events(text):
    """{pid: [(ms, what, rest)]} from onerecv's lines."""
    out = {}
    for m in LINE.finditer(text):
        out.setdefault(int(m.group(1)), []).append(
            (float(m.group(2)), m.group(3), m.group(4)))
    return out


def recvs(ev):
    """(ms, complete, cmd) of each recv."""
    out = []
    for ms, what, rest in ev:
        if what == "recv":
            f = dict(kv.split("=") for kv in rest.split()[1:])
            out.append((ms, int(f["complete"]), f["cmd"]))
    return out


def first_sent(ev, cmd):
    for ms, what, rest in ev:
        if what == "sent" and rest.startswith(cmd + " "):
            return ms
    return None


def check_open_alone(t, ev, who):
    """The request came alone, first, and no PING before the report."""
    rv = recvs(ev)
    t.ok(len(rv) > 0 and rv[0][2] == "KDSOPENSOURCE" and rv[0][1] == 1,
         "%s: KDSOPENSOURCE is the first frame, alone in its recv" % who,
         rv[:3])
    report = first_sent(ev, "KDSOPENSOURCEREPORT")
    pings = [r for r in rv if r[2] == "PING" and (report is None or
                                                 r[0] < report)]
    t.ok(report is not None and not pings,
         "%s: no PING before the open report" % who, rv[:5])
    return rv[0][0] if rv else None


def main():
    t = Tap()
    for b in BINS.values():
        if not os.access(b, os.X_OK):
            t.skip_all("%s is not built" % b)
            return 0
    caps = os.environ.get("OSPREY_CAPTURES", "")
    devices = os.path.join(caps, "aircrack-ng__test1.pcap")
    sources = ["onerecv-local:name=local"]
    if os.path.exists(devices):
        sources.append(devices + ":name=file,type=pcapfile")
    core = Core(BINS, links={"osprey_cap_linux_wifi": ONERECV},
                sources=sources, extra=["source_ping_interval=5"])
    sensor = None
    try:
        # A local source: probed by one helper, opened by another.
        wait_for(lambda: core.by_name().get("local", {}).get(
            "kismet.datasource.running"), "the local source running")
        evs = events(core.text())
        probe = [ev for ev in evs.values() if recvs(ev) and
                 recvs(ev)[0][2] == "KDSPROBESOURCE"]
        t.ok(len(probe) == 1 and recvs(probe[0])[0][1] == 1,
             "local: KDSPROBESOURCE is the first frame, alone in its recv",
             [recvs(ev)[:2] for ev in evs.values()])
        opened = [ev for ev in evs.values() if recvs(ev) and
                  recvs(ev)[0][2] != "KDSPROBESOURCE"]
        t.ok(len(opened) == 1, "local: one helper opened the source",
             evs)
        if opened:
            check_open_alone(t, opened[0], "local")
            start = opened[0][0][0]
            got = recvs(opened[0])[0][0]
            t.note("local: open request %.1f ms after the helper started"
                   % (got - start))

        # A remote sensor.
        t0 = time.monotonic()
        err = open(os.path.join(core.tmp, "sensor.log"), "w+")
        sensor = subprocess.Popen(
            [ONERECV, "--connect", "127.0.0.1:%d" % core.remote_port,
             "--source=onerecv-remote:name=remote,uuid=" + UUID],
            stderr=err)
        wait_for(lambda: core.by_name().get("remote", {}).get(
            "kismet.datasource.running"), "the remote source running")
        running = time.monotonic()

        def sensor_ev():
            with open(err.name) as f:
                return events(f.read()).get(sensor.pid, [])
        ev = sensor_ev()
        got = check_open_alone(t, ev, "remote")
        announced = first_sent(ev, "KDSNEWSOURCE")
        open_ms = got - announced if got and announced else float("nan")
        t.note("remote: open request %.1f ms after KDSNEWSOURCE; source "
               "running %.1f ms after the sensor started" %
               (open_ms, (running - t0) * 1000))

        # Channel changes through the REST API; each answer waits for
        # the helper's report, so its time is the whole round trip.
        rtt, lag = [], []
        for i in range(10):
            want = ["1", "11"][i % 2]
            sent = time.monotonic() * 1000
            st, data = core.request(
                "POST", "/datasource/by-uuid/%s/set_channel.cmd" % UUID,
                body=json.dumps({"channel": want}),
                ctype="application/json")
            done = time.monotonic() * 1000
            ok = st == 200 and json.loads(data).get(
                "kismet.datasource.channel") == want
            if not ok:
                t.ok(False, "set_channel %s answered" % want, data[:300])
                break
            rtt.append(done - sent)
            conf = [r for r in recvs(sensor_ev()) if r[2] ==
                    "KDSCONFIGURE" and r[0] >= sent]
            if conf:
                lag.append(conf[0][0] - sent)
        else:
            t.ok(True, "10 channel changes through the REST API each "
                 "answered with the channel asked for")
        if rtt:
            t.note("set_channel round trip: median %.1f ms, max %.1f ms; "
                   "request to the helper's recv: median %.1f ms, max "
                   "%.1f ms" % (statistics.median(rtt), max(rtt),
                                statistics.median(lag or [0]),
                                max(lag or [0])))
        rv = recvs(sensor_ev())
        t.note("remote: %d recvs, %d held more than one whole frame" %
               (len(rv), sum(1 for r in rv if r[1] > 1)))

        # A time past what 64 bits of microseconds hold (the unchecked
        # conversion was undefined behaviour: the sanitizer build
        # aborted, the release build listed all).  The argument rules
        # (web/args.c) refuse it with a 400; it must never list a
        # device, and the core must live on.
        if len(sources) > 1:
            wait_for(lambda: core.get_json("/devices/all_devices.json"),
                     "devices from the capture")
        for ts in ("2e13", "1e300"):
            path = "/devices/last-time/%s/devices.json" % ts
            st, data = core.request("GET", path)
            t.ok(st == 400 or (st == 200 and
                 json.loads(data).get("kismet.device.list") == []),
                 "%s: refused or no device" % path,
                 "%d %s" % (st, data[:300]))
        t.ok(core.get_json("/devices/all_devices.json") is not None,
             "the core answers after them")
    except Exception as e:
        t.note("error: %s" % e)
        t.ok(False, "fleet wire test", "%s\n%s" % (e, core.text()[-2000:]))
    finally:
        if sensor is not None and sensor.poll() is None:
            sensor.kill()
            sensor.wait()
        text = core.stop()
        t.ok(sanitizer_clean(text), "the core ran clean", text[-2000:])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
