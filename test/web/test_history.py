#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: device and system histories (RRDs) through the REST API
#
# Generates a capture of a few minutes with osprey_gen, runs the real
# core and web worker on it until every frame is in, and checks from
# /devices/all_devices.json that each device's packet history adds up to
# its packet count (hour and day vectors: the capture is shorter than an
# hour), its data history to its data bytes, and that its signal history
# holds dBm; that the histories run on capture time (serial_time is the
# newest capture second, not the wall clock); that a batch run of the
# same capture (--devices-json) gives the same histories, so a replayed
# capture draws the same graphs; and that /system/status.json and the
# source's record carry the core's own histories.  Output is TAP.
#
# Usage: test_history.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE OSPREY_GEN

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import harness  # noqa: E402

OSPREY, WEB, PCAPFILE, GEN = [os.path.abspath(a) for a in sys.argv[1:5]]
USER, PASSWORD = "tester", "History-Password-42"
B = "kismet.device.base."
R = "kismet.common.rrd."
RRDS = [B + "packets.rrd", B + "datasize.rrd"]


def start(capture, tmp):
    return harness.Core({"osprey": OSPREY, "osprey_web": WEB,
                         "osprey_cap_pcapfile": PCAPFILE},
                        ["enable_logging=false"], ["%s:name=gen" % capture],
                        login=(USER, PASSWORD), tmp=tmp, timeout=120)


def rrd_ok(r, n):
    assert len(r[R + "minute_vec"]) == 60
    assert len(r[R + "hour_vec"]) == 60
    assert len(r[R + "day_vec"]) == 24
    assert r[R + "blank_val"] == 0
    return r


def main():
    tests = []
    tmp = tempfile.mkdtemp(prefix="osprey-history-test-")
    core = None

    def ok(name, fn):
        try:
            fn()
            tests.append((True, name, None))
        except Exception as e:      # report, go on to the next check
            tests.append((False, name, repr(e)[:2000]))

    try:
        capture = os.path.join(tmp, "gen.pcapng")
        # 150 s: the minute turns twice, the hour does not.
        summary = os.path.join(tmp, "gen.json")
        subprocess.run([GEN, "--aps", "20", "--clients", "120",
                        "--seconds", "150", "--seed", "5", "--summary",
                        summary, "-o", capture], check=True,
                       stdout=subprocess.DEVNULL)
        # Wait for every frame (a count that stood still for a second was
        # not enough on a loaded machine).
        with open(summary) as f:
            want = json.load(f)["frames"]
        core = start(capture, tmp)
        deadline = time.time() + 240
        while True:
            s = core.get("/system/status.json")
            last = s["osprey.system.packets.total"]
            if last >= want:
                break
            if time.time() > deadline:
                raise RuntimeError("ingest did not finish: %d of %d "
                                   "frames" % (last, want))
            time.sleep(0.2)
        devs = core.get("/devices/all_devices.json")
        print("# %d devices, %d packets" % (len(devs), last))
        newest = max(d[B + "last_time"] for d in devs)

        def sums():
            bad = []
            for d in devs:
                p = rrd_ok(d[B + "packets.rrd"], d)
                b = rrd_ok(d[B + "datasize.rrd"], d)
                tot = d[B + "packets.total"]
                if sum(p[R + "hour_vec"]) != tot or \
                        sum(p[R + "day_vec"]) != tot or \
                        sum(b[R + "hour_vec"]) != d[B + "datasize"] or \
                        sum(p[R + "minute_vec"]) > tot:
                    bad.append(d[B + "key"])
            assert not bad, "%d devices whose history does not add " \
                "up, e.g. %s" % (len(bad), bad[:3])
            assert sum(d[B + "packets.total"] for d in devs) > 1000
        ok("each device's packet and data history adds up to its counts",
           sums)

        def signal():
            seen = 0
            for d in devs:
                s = rrd_ok(d[B + "signal"]["kismet.common.signal.signal_rrd"],
                           d)
                assert s[R + "aggregator"] == "peak_signal"
                for v in s[R + "hour_vec"] + s[R + "minute_vec"]:
                    assert v == 0 or -120 <= v < 0, v
                    seen += v != 0
            assert seen > 0, "no signal in any history"
        ok("signal histories hold dBm", signal)

        def capture_clock():
            for d in devs:
                p = d[B + "packets.rrd"]
                assert p[R + "serial_time"] == newest, \
                    (p[R + "serial_time"], newest)
                assert p[R + "last_time"] == d[B + "last_time"]
            # The generator's clock, not ours.
            assert abs(newest - time.time()) > 3600
        ok("histories run on capture time", capture_clock)

        def replay():
            out = os.path.join(tmp, "batch.json")
            subprocess.run([OSPREY, "--allow-root", "-f", core.conf,
                            "--no-web", "-n", "--exit-when-done",
                            "--devices-json", out, "-c", capture],
                           env=core.env, check=True,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            with open(out) as f:
                batch = {d[B + "key"]: d for d in json.load(f)}
            diff = [d[B + "key"] for d in devs
                    if any(d[k] != batch[d[B + "key"]][k] for k in RRDS)]
            assert not diff, "%d devices differ, e.g. %s" % (len(diff),
                                                             diff[:3])
        ok("a batch run of the capture gives the same histories", replay)

        def system():
            # The system histories take the counters at the core's
            # once-a-second tick: wait for the tick after the last frame.
            deadline = time.time() + 30
            while True:
                s = core.get("/system/status.json")
                rate = s["kismet.system.packets.rrd"]
                if sum(rate[R + "minute_vec"]) + \
                        60 * sum(rate[R + "hour_vec"]) >= last * 0.9 or \
                        time.time() > deadline:
                    break
                time.sleep(0.2)
            for k in ["kismet.system.packets.rrd",
                      "kismet.system.devices.rrd",
                      "kismet.system.memory.rrd"]:
                rrd_ok(s[k], None)
            d = s["kismet.system.devices.rrd"]
            assert max(d[R + "minute_vec"] + d[R + "hour_vec"]) == \
                len(devs), (d, len(devs))
            rate = s["kismet.system.packets.rrd"]
            assert sum(rate[R + "minute_vec"]) + \
                60 * sum(rate[R + "hour_vec"]) >= last * 0.9
            src = core.get("/datasource/all_sources.json")
            assert len(src) == 1
            r = rrd_ok(src[0]["kismet.datasource.packets_rrd"], None)
            assert sum(r[R + "minute_vec"]) + \
                60 * sum(r[R + "hour_vec"]) >= last * 0.9, r
        ok("status and the source carry the core's histories", system)
    except Exception as e:
        tests.append((False, "setup", repr(e)[:2000]))
        if core is not None:
            print("# " + core.text()[-2000:].replace("\n", "\n# "))
    finally:
        if core is not None:
            core.stop(60, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(tests))
    for i, (good, name, why) in enumerate(tests, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, name))
        if why:
            print("# " + why.replace("\n", "\n# "))
    sys.exit(0 if all(t[0] for t in tests) else 1)


if __name__ == "__main__":
    main()
