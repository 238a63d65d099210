#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a fleet of 32 remote sensors on loopback; server restart; SIGSTOP
#
# The real core (web worker on, REST through a real HTTP client) and real
# osprey_cap_pcapfile sensors dialling its remote capture port:
#
#  1. 32 sensors at once, each replaying its own shared capture: every
#     frame accounted for (received plus the drops the sensor reported
#     equals what it read from its file), and the devices the same as a
#     local run of the same files (--exit-when-done --devices-json);
#  2. the server killed (SIGKILL) mid-stream and started again on its
#     port: the sensors dial back by themselves and finish their files;
#     what reached either server is counted from the two packet logs;
#  3. a sensor stopped (SIGSTOP): its source is in error once the pong
#     timeout passes, and running again after SIGCONT.
#
# Figures (frames, drops, reconnect times, core RSS) are printed as TAP
# comments; doc/reliability.md keeps them.
# Output is TAP.  Usage: fleet_sensors.py OSPREY OSPREY_WEB
#                                         OSPREY_CAP_PCAPFILE

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleet_lib import (Core, Sensor, Tap, cap, pcapng_counts,  # noqa: E402
                       rss_kb, sanitizer_clean, wait_for)

OSPREY, WEB, PCAPFILE = [os.path.abspath(a) for a in sys.argv[1:4]]
BINS = {"osprey": OSPREY, "osprey_web": WEB,
        "osprey_cap_pcapfile": PCAPFILE}

# 32 captures of 13 to 8207 frames (30,600 in all), no two the same.
FLEET = [
    "aircrack-ng__wpa.cap", "aircrack-ng__wep.shared.key.authentication.cap",
    "john-samples__wpa.full.cap", "john-samples__wpa.bad.passphrase.cap",
    "libpcap__wpa2linkuppassphraseiswireshark.pcap",
    "aircrack-ng__floatingpoint_exception.pcap",
    "ehn1225-airodump__sample.pcap", "aircrack-ng__wpa3-psk.pcap",
    "arkime__80211http.pcap", "tcpdump__ieee802.11_exthdr.pcap",
    "minstrel-blues__test.pcap", "john-samples__DeJong-1.cap",
    "aircrack-ng__capture_wds-01.cap", "wifite2__contains_wps_network.cap",
    "aircrack-ng__test1.pcap", "ehn1225-airodump__80211-sample.pcap",
    "aircrack-ng__n-02.cap", "packetnet__80211_plus_radiotap_header.pcap",
    "ehn1225-airodump__80211-sample1.pcap",
    "aircrack-ng__wpa2-psk-linksys.cap", "pyrit__wpa2psk-2WIRE972.pcap",
    "aircrack-ng__wpa-psk-linksys.cap", "john-samples__wpa-Induction.pcapng",
    "wifite2__handshake_not_exists.cap", "angryoxide__allframes.pcapng",
    "ehn1225-airodump__sample2.pcap", "ehn1225-airodump__80211-sample3.pcap",
    "pyrit__wpapsk-virgin_broadband.pcap",
    "ehn1225-airodump__80211-sample2.pcap",
    "wifite2__handshake_has_1234.cap", "ehn1225-airodump__80211-icmp.pcap",
    "angryoxide__test_output.pcapng",
]
# The restart: 16 sensors (8 files of 1093 to 2189 frames, twice each),
# paced so that the server dies mid-stream and all dial back at once.
PACED = [c for c in FLEET[22:30] for _ in range(2)]
PPS = 100       # 11 to 22 s a file: the kill comes in the middle


def device_table(devs):
    """{key: (packets, type)}: what does not depend on arrival order."""
    return {d["kismet.device.base.key"]:
            (d["kismet.device.base.packets.total"],
             d["kismet.device.base.type"]) for d in devs}


def local_run(tmp):
    """The same files as local sources, one --exit-when-done run."""
    out = os.path.join(tmp, "local-devices.json")
    bindir = os.path.join(tmp, "localbin")
    os.makedirs(bindir)
    os.symlink(PCAPFILE, os.path.join(bindir, "osprey_cap_pcapfile"))
    conf = os.path.join(tmp, "local.conf")
    with open(conf, "w") as f:
        # 32 helpers start at once: on a loaded machine, under ASan, an
        # open takes seconds.  This run is about the devices.
        f.write("remote_capture_enabled=false\nenable_logging=false\n"
                "source_pong_timeout=120\n")
    cmd = [OSPREY, "--allow-root", "-f", conf, "--no-web",
           "--exit-when-done", "--devices-json", out]
    for c in FLEET:
        cmd += ["-c", cap(c) + ":name=" + c]
    env = dict(os.environ, OSPREY_HELPER_PATH=bindir,
               HOME=os.path.join(tmp))
    r = subprocess.run(cmd, env=env, capture_output=True, text=True,
                       timeout=600)
    # Each source finished its file, or (a file cut short) said at which
    # record it stopped; none timed out.  A batch run with a file cut
    # short ends with status 1 and counts it (doc/core.md): that count
    # must be the cut-short files and nothing else.
    # The source's own warning, not the SOURCEERROR alert that quotes it.
    cut = len(re.findall(r"warning: source '[^']*': helper error: "
                         r"pcapfile: .*: record \d+:", r.stderr))
    done = r.stderr.count("': finished") + cut
    # What a failure shows: the sources' warnings and errors, not the
    # log's tail (alerts may fill it).
    why = "status %s, %d cut short:\n" % (r.returncode, cut) + "\n".join(
        ln for ln in r.stderr.splitlines()
        if re.search(r"(warning|error): ", ln))[-3000:]
    if cut == 0:
        assert r.returncode == 0, why
    else:
        assert r.returncode == 1 and (
            "%d of %d failed" % (cut, len(FLEET))) in r.stderr, why
    assert done == len(FLEET), "local run: %d of %d sources done:\n%s" % (
        done, len(FLEET), r.stderr[-2000:])
    with open(out) as f:
        return json.load(f)


def fleet_of_32(t, tmp):
    t0 = time.monotonic()
    local = device_table(local_run(tmp))
    t.note("local run of the 32 files: %d devices in %.1f s" %
           (len(local), time.monotonic() - t0))
    core = Core(BINS)
    sensors = {}
    try:
        rss0 = core.rss_kb()
        t0 = time.monotonic()
        for i, c in enumerate(FLEET):
            sensors["s%02d" % i] = Sensor(
                PCAPFILE, "127.0.0.1", core.remote_port,
                "%s:name=s%02d,timestamp=false" % (cap(c), i))
        peak = [rss0]

        def all_in():
            peak[0] = max(peak[0], core.rss_kb())
            if any(s.sent() is None for s in sensors.values()):
                return False
            src = core.by_name()
            return all(name in src and
                       src[name]["kismet.datasource.num_packets"] +
                       src[name]["kismet.datasource.num_drops"] >= s.sent()
                       for name, s in sensors.items())
        try:
            wait_for(all_in, "every frame of 32 sensors", 300, 0.2)
        except AssertionError:
            pass
        secs = time.monotonic() - t0
        src = core.by_name()
        bad, sent, got, drops = [], 0, 0, 0
        for name, s in sorted(sensors.items()):
            n = s.sent() or 0
            g = src.get(name, {}).get("kismet.datasource.num_packets", 0)
            d = src.get(name, {}).get("kismet.datasource.num_drops", 0)
            sent, got, drops = sent + n, got + g, drops + d
            if s.sent() is None or g + d != n:
                bad.append("%s: read %s, received %d, dropped %d" %
                           (name, s.sent(), g, d))
        t.ok(not bad, "32 sensors: %d frames read, %d received, %d "
             "reported dropped, in %.1f s" % (sent, got, drops, secs),
             "\n".join(bad))
        remote = device_table(core.get_json("/devices/all_devices.json"))
        diff = sorted(k for k in set(local) | set(remote)
                      if local.get(k) != remote.get(k))
        t.ok(not diff, "the fleet's %d devices are the local run's %d "
             "(packets and type of each)" % (len(remote), len(local)),
             "\n".join("%s: local %s, fleet %s" % (k, local.get(k),
                                                  remote.get(k))
                       for k in diff[:10]))
        t.note("core RSS: %d kB idle, %d kB at most with 32 sensors" %
               (rss0, peak[0]))
    finally:
        for s in sensors.values():
            s.stop()
        text = core.stop()
        t.ok(sanitizer_clean(text), "the core ran clean", text[-2000:])


def restart(t, tmp):
    logs = [os.path.join(tmp, "log1"), os.path.join(tmp, "log2")]
    for d in logs:
        os.makedirs(d)
    core = Core(BINS, logging=True, extra=["log_prefix=" + logs[0]])
    port = core.remote_port
    sensors = {}
    core2 = None
    try:
        for i, c in enumerate(PACED):
            sensors["p%02d" % i] = Sensor(
                PCAPFILE, "127.0.0.1", port,
                "%s:name=p%02d,pps=%d,uuid=f1ee7000-0000-4000-8000-%012d" %
                (cap(c), i, PPS, i))
        wait_for(lambda: all(s.get("kismet.datasource.num_packets", 0) >=
                             PPS for s in core.by_name().values()) and
                 len(core.by_name()) == len(PACED), "a second of frames")
        core.kill()
        killed = time.monotonic()
        # One that had already finished would have nothing to carry on
        # with: at 100 frames a second none should have.
        done_before = {n for n, s in sensors.items() if s.sent() is not None}
        core.stop(keep_tmp=True)
        core2 = Core(BINS, logging=True, port=port,
                     extra=["log_prefix=" + logs[1]])
        started = time.monotonic()
        back = {}

        def reconnected():
            for name, s in core2.by_name().items():
                if s["kismet.datasource.running"] and name not in back:
                    back[name] = time.monotonic() - started
            return len(back) == len(PACED)
        wait_for(reconnected, "every sensor back", 60)
        t.ok(True, "server killed mid-stream and started again: all %d "
             "sensors dialled back by themselves, %.1f to %.1f s after "
             "it listened (%.1f s after the kill)" %
             (len(PACED), min(back.values()), max(back.values()),
              started - killed + max(back.values())))
        t.note("refusals while they dialled back: %d" %
               core2.text().count("refused"))
        wait_for(lambda: all(s.sent() is not None
                             for s in sensors.values()) and
                 all(s["kismet.datasource.num_packets"] > 0 for s in
                     core2.by_name().values()), "the files finished", 120)
        src = core2.by_name()
        wait_for(lambda: all(
            core2.by_name()[n]["kismet.datasource.num_packets"] ==
            src[n]["kismet.datasource.num_packets"] for n in src),
            "no more frames", 10)
        text2 = core2.stop(keep_tmp=True)
        core2 = None
        t.ok(sanitizer_clean(text2), "the restarted core ran clean",
             text2[-2000:])
        before = after = {}
        for d in logs:
            files = [os.path.join(d, f) for f in os.listdir(d)]
            counts, err = pcapng_counts(files[0]) if files else ({}, "")
            if d == logs[0]:
                before = counts
            else:
                after = counts
        sent = sum(s.sent() for s in sensors.values())
        b, a = sum(before.values()), sum(after.values())
        ok = not done_before and all(
            before.get(n, 0) + after.get(n, 0) <= s.sent() and
            after.get(n, 0) > 0 for n, s in sensors.items())
        t.ok(ok, "every sensor carried on after the restart: %d frames "
             "read, %d logged before the kill, %d after, %d lost with "
             "the server" % (sent, b, a, sent - b - a),
             (before, after, {n: s.sent() for n, s in sensors.items()},
              "finished before the kill: %s" % sorted(done_before)))
    finally:
        for s in sensors.values():
            s.stop()
        if core2 is not None:
            core2.stop()
        shutil.rmtree(core.tmp, ignore_errors=True)


def sigstop(t):
    core = Core(BINS)
    s = None
    try:
        s = Sensor(PCAPFILE, "127.0.0.1", core.remote_port,
                   cap(FLEET[19]) + ":name=sleepy,loop=true,pps=50")
        wait_for(lambda: core.by_name().get("sleepy", {}).get(
            "kismet.datasource.num_packets", 0) > 0, "the sensor feeding")
        s.signal(signal.SIGSTOP)
        stopped = time.monotonic()
        src = wait_for(lambda: core.by_name()["sleepy"] if
                       core.by_name()["sleepy"]["kismet.datasource.error"]
                       else None, "the source in error", 60)
        err_s = time.monotonic() - stopped
        t.ok("no pong" in src["kismet.datasource.error_reason"],
             "SIGSTOPped sensor: its source in error after %.1f s (%s)" %
             (err_s, src["kismet.datasource.error_reason"]))
        n = src["kismet.datasource.num_packets"]
        s.signal(signal.SIGCONT)
        cont = time.monotonic()
        wait_for(lambda: core.by_name()["sleepy"][
            "kismet.datasource.running"] and core.by_name()["sleepy"][
            "kismet.datasource.num_packets"] > n, "the source back", 60)
        t.ok(True, "after SIGCONT the source runs again, %.1f s later" %
             (time.monotonic() - cont))
    finally:
        if s is not None:
            s.stop()
        text = core.stop()
        t.ok(sanitizer_clean(text), "the core ran clean", text[-2000:])


def main():
    t = Tap()
    for b in BINS.values():
        if not os.access(b, os.X_OK):
            t.skip_all("%s is not built" % b)
            return 0
    missing = [c for c in FLEET if not os.path.exists(cap(c))]
    if missing:
        t.skip_all("captures missing at OSPREY_CAPTURES: %s" % missing[0])
        return 0
    tmp = tempfile.mkdtemp(prefix="osprey-fleet-")
    try:
        for part in (lambda: fleet_of_32(t, tmp), lambda: restart(t, tmp),
                     lambda: sigstop(t)):
            try:
                part()
            except Exception as e:
                t.ok(False, "fleet: %s" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
