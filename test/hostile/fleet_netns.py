#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: sensors and server in two network namespaces, clean and bad link
#
# The test makes two network namespaces of its own (unique names, so two
# copies of the suite can run at once) joined by a veth pair: the server
# (the real core, web worker on) in one, a fleet of real
# osprey_cap_pcapfile sensors in the other, talking across real
# addresses.  First a clean link: every frame accounted for.  Then the
# same fleet through fleet_relay.py, a user-space relay beside the server
# that delays every byte 200 ms, stalls all traffic for seconds at a
# time and cuts connections in the middle of a frame: every sensor dials
# back by itself and finishes its file, the fleet is connected at the
# end, and what the cuts lost is counted.  Skipped, with the reason,
# where namespaces cannot be made.
# Output is TAP.  Usage: fleet_netns.py OSPREY OSPREY_WEB
#                                       OSPREY_CAP_PCAPFILE

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleet_lib import (Core, Netns, Sensor, Tap, cap,  # noqa: E402
                       netns_probe, sanitizer_clean, unique_tag, wait_for)

OSPREY, WEB, PCAPFILE = [os.path.abspath(a) for a in sys.argv[1:4]]
BINS = {"osprey": OSPREY, "osprey_web": WEB,
        "osprey_cap_pcapfile": PCAPFILE}
RELAY = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     "fleet_relay.py")
SERVER_IP, SENSOR_IP = "10.77.0.1", "10.77.0.2"
FILES = [
    "aircrack-ng__capture_wds-01.cap", "wifite2__contains_wps_network.cap",
    "aircrack-ng__test1.pcap", "ehn1225-airodump__80211-sample.pcap",
    "aircrack-ng__n-02.cap", "packetnet__80211_plus_radiotap_header.pcap",
    "ehn1225-airodump__80211-sample1.pcap",
    "aircrack-ng__wpa2-psk-linksys.cap", "pyrit__wpa2psk-2WIRE972.pcap",
    "aircrack-ng__wpa-psk-linksys.cap", "john-samples__wpa-Induction.pcapng",
    "wifite2__handshake_not_exists.cap", "angryoxide__allframes.pcapng",
    "ehn1225-airodump__sample2.pcap", "ehn1225-airodump__80211-sample3.pcap",
    "pyrit__wpapsk-virgin_broadband.pcap",
]
# The bad link: 200 ms each way, 4 s of nothing every 9 s, connections
# cut after 20 to 120 KB from a sensor, 12 cuts in all.
DELAY_MS, STALL, CUT, CUTS = 200, "9:4", "20000:120000", 12
PPS = 150


def topology(tag):
    """Two namespaces and a veth pair between them."""
    srv, sen = Netns("ospS" + tag), Netns("ospC" + tag)
    a, b = "ovS" + tag, "ovC" + tag
    try:
        subprocess.run(["ip", "link", "add", a, "netns", srv.name, "type",
                        "veth", "peer", "name", b, "netns", sen.name],
                       check=True, capture_output=True)
        srv.run("ip", "addr", "add", SERVER_IP + "/24", "dev", a)
        sen.run("ip", "addr", "add", SENSOR_IP + "/24", "dev", b)
        srv.run("ip", "link", "set", a, "up")
        sen.run("ip", "link", "set", b, "up")
    except Exception:
        srv.close()
        sen.close()
        raise
    return srv, sen


def fleet(t, core, sen, port, label, pps=None):
    """Start a sensor per file; wait until the core has each one's end
    of file.  Returns ({name: (read, received, drops, running,
    links)}, seconds)."""
    sensors = {}
    for i, f in enumerate(FILES):
        d = "%s:name=n%02d" % (cap(f), i)
        if pps:
            d += ",pps=%d" % pps
        sensors["n%02d" % i] = Sensor(PCAPFILE, SERVER_IP, port, d,
                                      netns=sen)
    try:
        def settled():
            """Each source's end-of-file message reached the core: it
            travels behind the sensor's last frame, so every frame that
            will ever arrive has."""
            if any(s.sent() is None for s in sensors.values()):
                return False
            bus = core.get_json("/messagebus/last-time/0/messages.json")[
                "kismet.messagebus.list"]
            done = set(re.findall(r"source '(n\d\d)': helper: [^\n]*end "
                                  r"of file after", "\n".join(
                                      m["kismet.messagebus.message_string"]
                                      for m in bus)))
            return done >= set(sensors)
        t0 = time.monotonic()
        wait_for(settled, "%s: every file delivered" % label, 300, 0.5)
        secs = time.monotonic() - t0
        src = core.by_name()
        out = {}
        for n, s in sensors.items():
            out[n] = (s.sent(), src.get(n, {}).get(
                "kismet.datasource.num_packets", 0), src.get(n, {}).get(
                "kismet.datasource.num_drops", 0), src.get(n, {}).get(
                "kismet.datasource.running", False),
                s.text().count("connected to"))
        return out, secs
    finally:
        for s in sensors.values():
            s.stop()


def main():
    t = Tap()
    for b in BINS.values():
        if not os.access(b, os.X_OK):
            t.skip_all("%s is not built" % b)
            return 0
    if any(not os.path.exists(cap(f)) for f in FILES):
        t.skip_all("no captures at OSPREY_CAPTURES")
        return 0
    why = netns_probe()
    if why is not None:
        t.skip_all(why)
        return 0
    tag = unique_tag()
    try:
        srv, sen = topology(tag)
    except subprocess.CalledProcessError as e:
        err = e.stderr or ""
        if isinstance(err, bytes):
            err = err.decode(errors="replace")
        t.skip_all("cannot join two network namespaces with a veth pair: "
                   "%s" % err.strip())
        return 0
    core = relay = None
    try:
        core = Core(BINS, netns=srv, listen="0.0.0.0")
        port = core.remote_port
        out, secs = fleet(t, core, sen, port, "clean link")
        bad = ["%s: read %s, received %d, dropped %d" % (n, v[0], v[1],
                                                         v[2])
               for n, v in sorted(out.items()) if v[0] is None or
               v[1] + v[2] != v[0]]
        read = sum(v[0] or 0 for v in out.values())
        t.ok(not bad, "clean link between namespaces: %d sensors, %d "
             "frames read, %d received, in %.1f s" % (
                 len(out), read, sum(v[1] for v in out.values()), secs),
             "\n".join(bad))
        t.note("core RSS: %d kB" % core.rss_kb())
        text = core.stop()
        core = None
        t.ok(sanitizer_clean(text), "the core ran clean", text[-2000:])

        # The same fleet through the bad link.
        core = Core(BINS, netns=srv, listen="0.0.0.0")
        relay = subprocess.Popen(
            srv.prefix() + [sys.executable, RELAY, "--listen",
                            "%s:0" % SERVER_IP, "--target",
                            "127.0.0.1:%d" % core.remote_port, "--delay",
                            str(DELAY_MS), "--stall", STALL, "--cut", CUT,
                            "--cuts", str(CUTS), "--seed", "16"],
            stdout=subprocess.PIPE, text=True)
        m = re.match(r"listening on \S+:(\d+)", relay.stdout.readline())
        rport = int(m.group(1))
        out, secs = fleet(t, core, sen, rport, "bad link", PPS)
        relay.terminate()
        stats = json.loads(relay.stdout.read().strip().splitlines()[-1])
        relay.wait()
        relay = None
        read = sum(v[0] or 0 for v in out.values())
        got = sum(v[1] for v in out.values())
        unfinished = [n for n, v in out.items() if v[0] is None]
        down = [n for n, v in out.items() if not v[3]]
        t.ok(not unfinished and not down,
             "bad link (%d ms each way, %d stalls of %s s, %d cuts): "
             "every sensor finished its file and is connected at the end"
             % (DELAY_MS, stats["stalls"], STALL.split(":")[1],
                stats["cuts"]), (unfinished, down))
        t.ok(got <= read and stats["cuts"] > 0,
             "%d frames read, %d received, %d lost in %d cuts (%.1f s, "
             "%d connections through the relay)" % (
                 read, got, read - got, stats["cuts"], secs,
                 stats["connections"]))
        t.note("reconnects per sensor: %s" % ", ".join(
            "%s %d" % (n, v[4] - 1) for n, v in sorted(out.items())))
        t.note("core RSS: %d kB" % core.rss_kb())
        text = core.stop()
        core = None
        t.ok(sanitizer_clean(text), "the core ran clean", text[-2000:])
    except Exception as e:
        t.note("error: %s" % e)
        t.ok(False, "netns fleet", "%s\n%s" % (
            e, core.text()[-3000:] if core else ""))
    finally:
        if relay is not None:
            relay.kill()
            relay.wait()
        if core is not None:
            core.stop()
        srv.close()
        sen.close()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
