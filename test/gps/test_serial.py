#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a serial NMEA receiver on a pseudo-terminal: bad checksums,
# garbage, a receiver that goes silent, one that is unplugged
#
# The test holds the master side of a pty and is the receiver; osprey
# opens the slave as gps=serial:device=... through its osprey_gps helper.
# Good sentences give a fix; lines with a bad checksum, binary garbage
# and an overlong line are counted and dropped, said once; silence makes
# the fix stale, then none, one message each; talking again brings it
# back; closing the master (an unplugged receiver) loses the link once,
# and the retries that cannot open the vanished device are not told
# again.  The helper runs with no capability, no_new_privs and its
# seccomp filter.
#
# Usage: test_serial.py OSPREY OSPREY_WEB OSPREY_GPS

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpslib  # noqa: E402

BINS = dict(zip(("osprey", "osprey_web", "osprey_gps"),
                [os.path.abspath(a) for a in sys.argv[1:4]]))
HERE = gpslib.offset(45.0, -73.0, 0.0, 0.0)
STATE = {}


def say(fd, text):
    os.write(fd, text.encode("latin-1"))


def epoch(fd, n, lat=HERE[0], lon=HERE[1]):
    say(fd, gpslib.nmea_epoch(n, lat, lon, alt=120.0))


def fix(c):
    loc = c.get("/gps/location.json")
    return loc if loc["kismet.common.location.valid"] else None


def test_fix_and_garbage():
    master, slave = os.openpty()
    path = os.ttyname(slave)
    # Raw, so the pty passes bytes as they are.
    import tty
    tty.setraw(master)
    STATE["master"], STATE["slave"], STATE["path"] = master, slave, path
    c = gpslib.Core(BINS, extra=[
        "gps=serial:device=%s,baud=9600,name=puck,stale_timeout=2,"
        "lost_timeout=4" % path])
    STATE["core"] = c
    c.wait(lambda: "gps 'puck': opened %s at 9600 baud" % path in
           c.text(), "the helper to open the pty")
    n = 0
    # Garbage first: a receiver that was talking before we listened.
    bad = [
        "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48"
        "\r\n",
        "\x00\x01\xfe\xff binary junk\r\n",
        "$GPRMC,not,a,sentence*00\r\n",
        "$" + "X" * 600 + "\r\n",
        "no dollar at all\r\n",
    ]
    for line in bad:
        say(master, line)
        epoch(master, n)
        n += 1
        time.sleep(0.1)
    loc = c.wait(lambda: fix(c), "a fix from the pty")
    lon, lat = loc["kismet.common.location.geopoint"]
    assert gpslib.distance(lat, lon, *HERE) < 1, (lat, lon)
    assert loc["kismet.common.location.fix"] == 3, loc
    assert abs(loc["kismet.common.location.alt"] - 120) < 0.01, loc
    assert loc["osprey.location.gps_type"] == "serial", loc
    assert loc["osprey.location.satellites_used"] == 8, loc
    g = c.wait(lambda: (c.gps("puck") or {}).get("osprey.gps.bad_lines",
                                                 0) >= len(bad) and
               c.gps("puck"), "every bad line counted")
    assert g["osprey.gps.bad_lines"] == len(bad), g
    assert g["kismet.gps.hdop"] == 0.9, g
    assert c.text().count("gps 'puck': dropped a bad line") == 1
    STATE["n"] = n


def test_silent_receiver():
    c, master = STATE["core"], STATE["master"]
    # Keep talking for a while, then stop.
    n = STATE["n"]
    for _ in range(3):
        epoch(master, n)
        n += 1
        time.sleep(0.3)
    c.wait(lambda: c.gps("puck")["osprey.gps.state"] == "stale",
           "the fix to go stale")
    assert not fix(c), "a stale fix is not used"
    c.wait(lambda: c.gps("puck")["osprey.gps.state"] == "no fix",
           "the fix to go")
    text = c.text()
    assert text.count("gps 'puck': fix is stale") == 1, text
    assert text.count("gps 'puck': no fix: no position for") == 1, text
    msgs = [m["kismet.messagebus.message_string"] for m in
            c.get("/messagebus/all_messages.json")]
    assert sum("fix is stale" in m for m in msgs) == 1, msgs
    # Some seconds more of silence add nothing.
    time.sleep(2.5)
    assert c.text().count("gps 'puck': no fix: no position") == 1
    # It talks again: the fix is back, told once.
    before = c.text().count("gps 'puck': 3D fix at")
    for _ in range(2):
        epoch(master, n, HERE[0] + 0.001, HERE[1])
        n += 1
        time.sleep(0.3)
    loc = c.wait(lambda: fix(c), "the fix to return")
    assert abs(loc["kismet.common.location.geopoint"][1] -
               (HERE[0] + 0.001)) < 1e-6, loc
    assert c.text().count("gps 'puck': 3D fix at") == before + 1


def test_helper_sandboxed():
    c = STATE["core"]
    pids = c.pids("osprey_gps")
    assert len(pids) == 1, pids
    st = {f: gpslib.status_field(pids[0], f) for f in
          ("Seccomp", "NoNewPrivs", "CapEff", "CapPrm")}
    assert st["NoNewPrivs"] == "1" and st["Seccomp"] == "2", st
    assert int(st["CapEff"], 16) == 0 and int(st["CapPrm"], 16) == 0, st


def test_unplugged():
    c = STATE["core"]
    os.close(STATE["master"])
    os.close(STATE["slave"])
    c.wait(lambda: "gps 'puck': the GPS closed the link" in c.text(),
           "the unplugged receiver to be told")
    c.wait(lambda: "gps 'puck': cannot open %s" % STATE["path"] in
           c.text(), "a retry to find no device")
    # Retries go on (1, 2, 4 s apart) and are not told again.
    c.wait(lambda: c.gps("puck")["osprey.gps.state"] == "down", "down")
    time.sleep(4)
    assert c.text().count("gps 'puck': cannot open") == 1, c.text()
    assert not fix(c)


def cleanup():
    if "core" in STATE:
        STATE["core"].stop()


def main():
    return gpslib.run_tap([test_fix_and_garbage, test_silent_receiver,
                           test_helper_sandboxed, test_unplugged],
                          cleanup=cleanup)


if __name__ == "__main__":
    sys.exit(main())
