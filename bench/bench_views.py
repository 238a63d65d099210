#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the paged device view, last-time polls and full dumps, by curl
#
# Starts osprey (with its web worker) on a generated capture, waits until
# every frame is in, then times with curl what the web UI and API clients
# ask for: pages of /devices/views/all/devices.json (start, length,
# sort, search, as DataTables sends them), a last-time poll with the
# timestamp of the previous answer, and a full all_devices.json.  Each
# request runs ROUNDS times; the median, min and max are printed with the
# curl command.  With LOOP, a second source replays that capture in a
# loop meanwhile (ingest running).
# Usage: bench_views.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE BIG.pcapng
#        [ROUNDS [LOOP.pcapng]]

import json
import os
import subprocess
import sys
import time
import urllib.request

from benchcore import BenchCore, USER, PASSWORD


def main():
    osprey, web, pcapfile, big = [os.path.abspath(a) for a in sys.argv[1:5]]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    loop = os.path.abspath(sys.argv[6]) if len(sys.argv) > 6 else None
    core = BenchCore(osprey, web, pcapfile, big, "osprey-bench-views-")
    port = core.port
    base = "http://127.0.0.1:%d" % port

    def get(path, body=None):
        req = urllib.request.Request(base + path, data=body, headers={
            "Authorization": core.tok})
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.read()

    def status():
        return json.loads(get("/system/status.json"))

    t0 = time.time()
    last = -1
    while True:
        s = status()
        n = s["osprey.system.packets.total"]
        if n == last and n > 0:
            break
        last = n
        time.sleep(1)
    print("capture: %d frames, %d devices, read in %.1f s" % (
        n, s["kismet.system.devices.count"], time.time() - t0 - 1))
    if loop:
        get("/datasource/add_source.cmd", ("json=" + json.dumps(
            {"definition": "%s:name=live,loop=true" % loop})).encode())
        time.sleep(2)
        print("ingest running: a second source replays %s in a loop" %
              os.path.basename(loop))

    def curl(path, data=None):
        cmd = ["curl", "-s", "-o", "/dev/null", "-u",
               "%s:%s" % (USER, PASSWORD), "-w",
               "%{http_code} %{time_starttransfer} %{time_total} "
               "%{size_download}"]
        if data is not None:
            cmd += ["--data-urlencode", "json=" + json.dumps(data)]
        out = subprocess.run(cmd + [base + path], capture_output=True,
                             text=True, check=True).stdout.split()
        if out[0] != "200":
            sys.exit("%s: HTTP %s" % (path, out[0]))
        return float(out[1]), float(out[2]), int(out[3])

    def run(name, path, data=None):
        v = sorted(curl(path, data) for _ in range(rounds))
        tot = sorted(x[1] for x in v)
        first = sorted(x[0] for x in v)
        shown = "curl -u U:P %s$OSPREY%s" % (
            "--data-urlencode 'json=%s' " % json.dumps(data)
            if data is not None else "", path)
        print("%-34s median %7.3f s (min %.3f, max %.3f), first byte "
              "%.3f s, %d bytes\n    %s" % (
                  name, tot[len(tot) // 2], tot[0], tot[-1],
                  first[len(first) // 2], v[0][2], shown))

    view = "/devices/views/all/devices.json"
    fields = ["kismet.device.base.macaddr", "kismet.device.base.commonname",
              "kismet.device.base.type", "kismet.device.base.last_time",
              "kismet.device.base.packets.total",
              "kismet.device.base.signal/kismet.common.signal.last_signal"]
    run("view page 0-50, no sort", view, {"start": 0, "length": 50,
                                          "fields": fields})
    run("view page, sort last_time desc", view, {
        "start": 0, "length": 50, "sort": "kismet.device.base.last_time",
        "sort_dir": "desc", "fields": fields})
    run("view page 40000, sort name", view, {
        "start": 40000, "length": 50,
        "sort": "kismet.device.base.commonname", "fields": fields})
    run("view page, sort signal", view, {
        "start": 0, "length": 50,
        "sort": "kismet.device.base.signal/kismet.common.signal.last_signal",
        "sort_dir": "desc", "fields": fields})
    run("view page, search 'a1:'", view, {
        "start": 0, "length": 50, "search": "a1:", "fields": fields,
        "sort": "kismet.device.base.packets.total", "sort_dir": "desc"})
    run("view page, datatable, full records", view, {
        "start": 0, "length": 50, "datatable": True, "draw": 3,
        "sort": "kismet.device.base.last_time", "sort_dir": "desc"})
    stamp = time.time() - 1
    run("view last-time poll (TS = now-1)",
        "/devices/views/all/last-time/%.3f/devices.json" % stamp)
    run("all_devices.json", "/devices/all_devices.json")
    core.stop(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
