#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: REST latency with many tracked devices, and ingest meanwhile
#
# Starts osprey (with its web worker) on a large generated capture, waits
# until every frame is in, then keeps a second source replaying a small
# capture in a loop (the live ingest) and measures:
#   - ingest rate (frames/s) with no HTTP load,
#   - latency of /devices/last-time/TS/devices.json polled with the
#     timestamp of the previous answer (only changed devices),
#   - latency of a full /devices/all_devices.json (and .msgpack),
#   - ingest rate while those requests run back to back.
# Usage: bench_web.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE BIG.pcapng
#        LOOP.pcapng [ROUNDS [PPS]]
# The live source replays at PPS frames/s, or as fast as the core takes
# them with PPS 0 (the default).

import json
import os
import sys
import threading
import time

from benchcore import BenchCore


def main():
    osprey, web, pcapfile, big, loop = [os.path.abspath(a) for a in
                                        sys.argv[1:6]]
    rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 5
    pps = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    core = BenchCore(osprey, web, pcapfile, big, "osprey-bench-web-")
    proc = core.proc
    get, status = core.get, core.status

    def cpu(pid):
        """User+system CPU seconds of a process."""
        with open("/proc/%d/stat" % pid) as f:
            v = f.read().rsplit(")", 1)[1].split()
        return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")

    web_pid = core.web_pid()
    s, took = core.wait_read()
    print("capture: %d frames, %d devices, read in %.1f s" % (
        s["osprey.system.packets.total"], s["kismet.system.devices.count"],
        took))

    get("/datasource/add_source.cmd", json.dumps(
        {"definition": "%s:name=live,loop=true%s" % (
            loop, ",pps=%d" % pps if pps else "")}).encode())
    time.sleep(2)

    def rate(seconds):
        a = status()["osprey.system.packets.total"]
        time.sleep(seconds)
        b = status()["osprey.system.packets.total"]
        return (b - a) / seconds

    idle = rate(5)
    print("ingest, no HTTP load: %.0f frames/s" % idle)

    busy = {"stop": False, "frames": []}

    def sampler():
        a = status()["osprey.system.packets.total"]
        ta = time.time()
        while not busy["stop"]:
            time.sleep(1)
            b = status()["osprey.system.packets.total"]
            tb = time.time()
            busy["frames"].append((b - a) / (tb - ta))
            a, ta = b, tb

    th = threading.Thread(target=sampler)
    th.start()
    ts = json.loads(get("/devices/last-time/0/devices.json")[1])[
        "kismet.devicelist.timestamp"]
    polls, counts = [], []
    for i in range(rounds * 4):
        time.sleep(0.25)
        dt, data = get("/devices/last-time/%r/devices.json" % ts)
        ans = json.loads(data)
        ts = ans["kismet.devicelist.timestamp"]
        polls.append(dt)
        counts.append(len(ans["kismet.device.list"]))
    full, sizes, cpus = [], [], []
    for fmt in ["json"] * rounds + ["msgpack"] * rounds:
        w0, c0 = cpu(web_pid), cpu(proc.pid)
        dt, data = get("/devices/all_devices." + fmt)
        cpus.append((fmt, cpu(web_pid) - w0, cpu(proc.pid) - c0))
        full.append((fmt, dt))
        sizes.append((fmt, len(data)))
    busy["stop"] = True
    th.join()

    def stats(v):
        v = sorted(v)
        return "median %.3f s, min %.3f, max %.3f" % (
            v[len(v) // 2], v[0], v[-1])
    print("last-time poll (%d polls, %d-%d changed devices each): %s" % (
        len(polls), min(counts), max(counts), stats(polls)))
    for fmt in ["json", "msgpack"]:
        print("all_devices.%s (%d bytes): %s" % (
            fmt, dict(sizes)[fmt], stats([d for f, d in full if f == fmt])))
        w = sorted(x[1] for x in cpus if x[0] == fmt)
        c = sorted(x[2] for x in cpus if x[0] == fmt)
        print("    CPU per dump: web %.2f s, core %.2f s (core includes "
              "its ingest meanwhile)" % (w[len(w) // 2], c[len(c) // 2]))
    fr = busy["frames"]
    print("ingest while serving: median %.0f frames/s, min %.0f "
          "(no load: %.0f); per second: %s" % (
              sorted(fr)[len(fr) // 2], min(fr), idle,
              " ".join("%.0f" % x for x in fr)))
    st = status()
    print("devices at the end: %d" % st["kismet.system.devices.count"])
    core.stop(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
