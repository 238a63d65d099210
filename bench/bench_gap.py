#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: does capture wait while clients dump every device?
#
# Starts osprey (core and web worker) on a large generated capture, waits
# until every frame is in, then keeps a source replaying a capture in a
# loop at full speed and, for SECONDS each:
#   1. no HTTP load;
#   2. CLIENTS clients fetching /devices/all_devices.json back to back
#      (curl, body thrown away);
# and reports for each phase the ingest rate (frames/s from
# /system/status), the gaps in packet processing the core measured
# itself (osprey.system.loop.*: how long a source with frames waiting
# went unread, and how long one turn of the web bridge ran; doc/
# performance.md, "Gaps in packet processing"), a last-time poll's
# latency, and the web worker's RSS.
#
# Usage: bench_gap.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE BIG.pcapng
#        LOOP.pcapng [CLIENTS [SECONDS]]
# CLIENTS defaults to 4, SECONDS to 30.  LOOP is best a small capture
# (the demo's): replaying BIG would change every device each pass, and
# the last-time polls would then return thousands of devices each.

import json
import os
import subprocess
import sys
import threading
import time

from benchcore import BenchCore, USER, PASSWORD, rss_kib


def main():
    osprey, web, pcapfile, big = [os.path.abspath(a) for a in sys.argv[1:5]]
    loop = os.path.abspath(sys.argv[5])
    clients = int(sys.argv[6]) if len(sys.argv) > 6 else 4
    seconds = float(sys.argv[7]) if len(sys.argv) > 7 else 30
    core = BenchCore(osprey, web, pcapfile, big, "osprey-bench-gap-")
    port = core.port
    get, status = core.get, core.status
    web_pid = core.web_pid()
    s, took = core.wait_read()
    print("capture: %d frames, %d devices, read in %.1f s" % (
        s["osprey.system.packets.total"], s["kismet.system.devices.count"],
        took))
    print("load average: %s" % " ".join(
        open("/proc/loadavg").read().split()[:3]))
    get("/datasource/add_source.cmd", json.dumps(
        {"definition": "%s:name=live,loop=true" % loop}).encode())
    time.sleep(2)

    bounds = s["osprey.system.loop.hist_bounds_usec"]

    def hist_text(before, after, key):
        d = [b - a for a, b in zip(before[key], after[key])]
        n = sum(d)
        over = sum(c for c, lim in zip(d, bounds + [None])
                   if lim is None or lim > 10000)
        top = max((i for i, c in enumerate(d) if c), default=None)
        if top is None:
            rng = "none"
        elif top == len(bounds):
            rng = "over %.1f ms" % (bounds[-1] / 1000)
        else:
            rng = "%.2f-%.2f ms" % (
                (bounds[top - 1] if top else 0) / 1000, bounds[top] / 1000)
        return n, over, rng

    def phase(name, load):
        stop = threading.Event()
        polls, dumps, rss, cut = [], [], [], []

        def poller():
            ts = json.loads(get("/devices/last-time/-1/devices.json")[1])[
                "kismet.devicelist.timestamp"]
            while not stop.is_set():
                time.sleep(0.5)
                dt, data = get("/devices/last-time/%r/devices.json" % ts)
                ts = json.loads(data)["kismet.devicelist.timestamp"]
                polls.append(dt)

        def dumper():
            url = "http://127.0.0.1:%d/devices/all_devices.json" % port
            while not stop.is_set():
                t = time.time()
                cut.append(t)
                out = subprocess.run(
                    ["curl", "-s", "-o", "/dev/null", "-u",
                     "%s:%s" % (USER, PASSWORD), "-w",
                     "%{http_code} %{time_total} %{size_download} "
                     "%{time_starttransfer}", url],
                    capture_output=True, text=True).stdout.split()
                if stop.is_set():
                    break	# cut short: not a whole dump's time
                cut.remove(t)
                if out[0] != "200":
                    sys.exit("all_devices.json: HTTP %s" % out[0])
                dumps.append((float(out[1]), int(out[2]), float(out[3])))

        def sampler():
            while not stop.is_set():
                rss.append(rss_kib(web_pid))
                time.sleep(0.2)

        threads = [threading.Thread(target=poller),
                   threading.Thread(target=sampler)]
        threads += [threading.Thread(target=dumper) for i in range(load)]
        # From before the first request: the dumps' starts count too.
        a, ta = status(), time.time()
        for t in threads:
            t.start()
        time.sleep(seconds)
        b, tb = status(), time.time()
        running = [tb - t for t in cut]
        stop.set()
        for t in threads:
            t.join()
        rate = (b["osprey.system.packets.total"] -
                a["osprey.system.packets.total"]) / (tb - ta)
        print("\n%s (%.0f s):" % (name, tb - ta))
        print("  ingest: %.0f frames/s" % rate)
        for key, what in (("gap", "gaps (a source with frames waiting "
                           "went unread)"),
                          ("hold", "bridge turns (the web's requests)")):
            n, over, rng = hist_text(a, b, "osprey.system.loop.%s_hist" %
                                     key)
            print("  %s: %d, %d over 10 ms of the core's CPU, the longest "
                  "%s (since start: %.2f ms CPU, %.2f ms wall)" % (
                      what, n, over, rng,
                      b["osprey.system.loop.%s_max_usec" % key] / 1000,
                      b["osprey.system.loop.%s_wall_max_usec" % key] /
                      1000))
        if polls:
            p = sorted(polls)
            print("  last-time poll: median %.3f s, max %.3f s (%d)" % (
                p[len(p) // 2], p[-1], len(p)))
        if dumps:
            d = sorted(x[0] for x in dumps)
            print("  all_devices.json: %d dumps of %d bytes, median %.2f s, "
                  "min %.2f, max %.2f, first byte max %.3f s" % (
                      len(d), dumps[0][1], d[len(d) // 2], d[0], d[-1],
                      max(x[2] for x in dumps)))
        if running:
            print("  all_devices.json: %d under way at the end, for %s s" %
                  (len(running), ", ".join("%.1f" % r for r in running)))
        print("  osprey_web RSS: max %d KiB sampled, peak (VmHWM) %d KiB" % (
            max(rss), rss_kib(web_pid, "VmHWM")))
        return rate

    idle = phase("no HTTP load", 0)
    busy = phase("%d clients dumping all_devices.json" % clients, clients)
    print("\ningest with %d dumping clients: %.1f %% of the rate without" % (
        clients, 100.0 * busy / idle if idle else 0))
    core.stop(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
