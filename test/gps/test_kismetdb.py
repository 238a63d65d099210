#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a drive with the real gpsd into the kismetdb log: the fix on
# packets, devices, messages and the GPS track, as Kismet's tools read it
#
# gpsfake replays the NMEA log of gpslib.drive() into Debian's gpsd; the
# core reads it through osprey_gps and logs to kismetdb (log_types=kismet)
# while the drive's capture plays at its own pace, so packets and fixes
# keep the same time.  A second receiver, virtual and data-only, stands
# still.  After the core has exited the .kismet file is read with
# Python's sqlite3, with the queries Kismet's tools run:
#
# - packets: every row has the car's position at the packet's time
#   (lat, lon, alt, speed in km/h, heading), which kismetdb_to_wiglecsv
#   selects (sourcemac, lat, lon, alt, speed where lat and lon are not 0)
#   and then looks the device up by devmac and phyname;
# - devices: min/max/avg lat/lon are the device record's own box and
#   average (its kismet.device.base.location), near the road;
# - snapshots: the GPS track as Kismet writes it, a "GPS" row a second
#   per receiver at that receiver's position, its json the receiver;
# - messages: stamped with the fix of the moment.
#
# Usage: test_kismetdb.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE OSPREY_GPS

import glob
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpslib  # noqa: E402

BINS = dict(zip(("osprey", "osprey_web", "osprey_cap_pcapfile",
                 "osprey_gps"), [os.path.abspath(a) for a in sys.argv[1:5]]))
# The capture and gpsd start a second or two apart (25 m/s), and an
# average is over the stretch a device was heard on.
SLACK_M = 120.0
# The data-only receiver on a roof, 2 km south of the start.
ROOF = gpslib.offset(gpslib.START[0], gpslib.START[1], 0.0, -2000.0)
ZERO_MAC = "00:00:00:00:00:00"

STATE = {}


def test_drive_logged():
    tmp = tempfile.mkdtemp(prefix="osprey-gps-kismetdb-")
    STATE["tmp"] = tmp
    cap, log, truth = gpslib.drive(tmp)
    with open(truth) as f:
        STATE["truth"] = json.load(f)
    # gpsfake plays its log in a loop: the car parks at the end of the
    # road for a while rather than jump back to the start.
    with open(log) as f:
        end = f.read().count("GPGGA") - 1
    STATE["end"] = end
    _, lat, lon = gpslib.position(end)
    with open(log, "a") as f:
        for s in range(end + 1, end + 120):
            f.write(gpslib.nmea_epoch(s, lat, lon, track=90.0))
    port = gpslib.free_port()
    STATE["gpsd"] = gpslib.Gpsfake(log, port, tmp)
    c = gpslib.Core(BINS, extra=[
        "gps=gpsd:host=127.0.0.1,port=%d,name=car" % port,
        "gps=virtual:lat=%.7f,lon=%.7f,alt=120,name=roof,data_only=true"
        % ROOF,
        "enable_logging=true", "log_types=kismet",
        "log_prefix=%s/" % tmp])
    STATE["core"] = c
    c.wait(c.located, "a fix from gpsd")
    c.wait(lambda: 0 <= (c.located() or {}).get(
        "kismet.common.location.time_sec", 0) - gpslib.EPOCH -
        gpslib.CAPTURE_FROM < 60, "the capture's first second")
    STATE["t0"] = time.time()
    c.post("/datasource/add_source.cmd",
           {"definition": "%s:name=drive,realtime=true" % cap})
    c.wait(lambda: "source 'drive': finished" in c.text(),
           "the drive to end", timeout=300)
    STATE["devs"] = c.devices()
    # At exit the core writes its last devices and messages.
    STATE["text"] = c.stop()
    del STATE["core"]
    STATE["t1"] = time.time()
    files = glob.glob(os.path.join(tmp, "*.kismet"))
    assert len(files) == 1, files
    STATE["db"] = sqlite3.connect("file:%s?mode=ro" % files[0], uri=True)


def where(ts):
    """Where the car was at capture time ts (epoch seconds)."""
    _, lat, lon = gpslib.position(ts - gpslib.EPOCH)
    return lat, lon


def test_packets_located():
    db = STATE["db"]
    rows = db.execute("SELECT ts_sec, ts_usec, sourcemac, lat, lon, alt, "
                      "speed, heading FROM packets").fetchall()
    assert len(rows) > 40, len(rows)
    moving = parked = 0
    for ts_sec, ts_usec, mac, lat, lon, alt, speed, heading in rows:
        t = ts_sec + ts_usec / 1e6
        # The capture was added once the fix had reached its first
        # second: every packet has a position, the car's at that time.
        assert lat != 0 and lon != 0, (t, mac)
        off = gpslib.distance(lat, lon, *where(t))
        assert off < SLACK_M, (t, mac, lat, lon, off)
        assert abs(alt - 35) < 1, (t, alt)
        # Kismet's units: km/h, degrees.
        if t - gpslib.EPOCH >= gpslib.DWELL + 5:
            assert abs(speed - gpslib.SPEED * 3.6) < 1, (t, speed)
            assert abs(heading - 90) < 1, (t, heading)
            moving += 1
        elif t - gpslib.EPOCH <= gpslib.DWELL - 3:
            assert speed < 1, (t, speed)
            parked += 1
    assert moving > 30 and parked > 0, (moving, parked)
    # The car moved east: the positions follow the packets' times.
    lons = [r[4] for r in sorted(rows)]
    assert lons == sorted(lons), "positions out of time order"
    print("# %d packets located, %d moving at 90 km/h" % (len(rows),
                                                          moving))


def test_wiglecsv_queries():
    """kismetdb_to_wiglecsv's own queries find every located packet."""
    db = STATE["db"]
    total, usable = db.execute(
        "SELECT count(*), sum(CASE WHEN (sourcemac != '00:00:00:00:00:00' "
        "AND lat != 0 AND lon != 0) THEN 1 ELSE 0 END) "
        "FROM packets").fetchone()
    with_source = db.execute("SELECT count(*) FROM packets WHERE "
                             "sourcemac != ?", (ZERO_MAC,)).fetchone()[0]
    assert usable == with_source > 0, (total, usable, with_source)
    macs = set()
    for ts, mac, phy, lat, lon, sig, freq, alt, speed in db.execute(
            "SELECT ts_sec, sourcemac, phyname, lat, lon, signal, "
            "frequency, alt, speed FROM packets WHERE sourcemac != ? "
            "AND lat != 0 AND lon != 0", (ZERO_MAC,)):
        macs.add((mac, phy))
    aps = {a["bssid"] for a in STATE["truth"]["aps"]}
    assert aps <= {m for m, _ in macs}, macs
    for mac, phy in macs:
        dev = db.execute("SELECT device FROM devices WHERE devmac = ? AND "
                         "phyname = ?", (mac, phy)).fetchone()
        assert dev is not None, mac
        rec = json.loads(dev[0])
        if mac in aps:
            assert rec["kismet.device.base.type"] == "Wi-Fi AP", rec


def test_devices_located():
    db = STATE["db"]
    devs = STATE["devs"]
    cols = ("min_lat", "min_lon", "max_lat", "max_lon", "avg_lat",
            "avg_lon")
    rows = {r[0]: r[1:] for r in db.execute(
        "SELECT devmac, %s, device FROM devices" % ", ".join(cols))}
    for ap in STATE["truth"]["aps"]:
        r = rows[ap["bssid"]]
        got = dict(zip(cols, r[:6]))
        loc = json.loads(r[6])["kismet.device.base.location"]
        # The columns are the record's own box and average.
        for key, name in (("min", "min_loc"), ("max", "max_loc"),
                          ("avg", "avg_loc")):
            lon, lat = loc["kismet.common.location." + name][
                "kismet.common.location.geopoint"]
            assert got[key + "_lat"] == lat and got[key + "_lon"] == lon, (
                ap["bssid"], key, got, loc)
        # ... and the record is what REST showed.
        rest = devs[ap["bssid"]]["kismet.device.base.location"]
        assert rest["kismet.common.location.avg_loc"] == loc[
            "kismet.common.location.avg_loc"], (rest, loc)
        off = gpslib.distance(got["avg_lat"], got["avg_lon"],
                              ap["road_lat"], ap["road_lon"])
        assert off < SLACK_M, (ap["bssid"], off)
        width = gpslib.distance(got["min_lat"], got["min_lon"],
                                got["max_lat"], got["max_lon"])
        assert 80 < width < 2 * gpslib.RANGE + SLACK_M, (ap, width)
    # The phone heard once, parked: one point, at the start.
    r = rows[gpslib.MARKER.upper()]
    assert r[0] == r[2] == r[4] and r[1] == r[3] == r[5], r
    assert gpslib.distance(r[4], r[5], *gpslib.START) < 20, r


def test_gps_track():
    db = STATE["db"]
    rows = db.execute("SELECT ts_sec, ts_usec, lat, lon, json FROM "
                      "snapshots WHERE snaptype = 'GPS' ORDER BY ts_sec, "
                      "ts_usec").fetchall()
    per = {}
    for ts, usec, lat, lon, js in rows:
        g = json.loads(js)
        # Wall-clock times of the run, as Kismet stamps its track.
        assert STATE["t0"] - 300 < ts <= STATE["t1"] + 1, ts
        name = g["kismet.gps.name"]
        per.setdefault(name, []).append((ts, lat, lon, g))
        if lat != 0 or lon != 0:
            # The row's position is the receiver's, as its record says.
            gl = g["kismet.gps.location"]
            assert gl["kismet.common.location.geopoint"] == [lon, lat], g
            assert gl["kismet.common.location.fix"] >= 2, g
    assert set(per) == {"car", "roof"}, set(per)
    # Once a second for each (the drive alone lasts 40 s).
    for name, pts in per.items():
        assert len(pts) >= 30, (name, len(pts))
        secs = [p[0] for p in pts]
        assert len(set(secs)) >= len(secs) - 2, (name, secs)
    for ts, lat, lon, g in per["roof"]:
        assert gpslib.distance(lat, lon, *ROOF) < 0.01, (lat, lon)
        assert g["kismet.gps.data_only"] == 1, g
    car = [p for p in per["car"] if p[1] != 0]
    assert len(car) >= 30, len(car)
    # The track follows the road east of the start, 750 m and more.
    for ts, lat, lon, g in car:
        assert abs(lat - gpslib.START[0]) < 1e-5, lat
    east = gpslib.distance(gpslib.START[0], gpslib.START[1],
                           gpslib.START[0], max(p[2] for p in car))
    assert east > 750, east
    print("# track: %d points for the car, %d for the roof" % (
        len(per["car"]), len(per["roof"])))


def test_messages_stamped():
    db = STATE["db"]
    rows = db.execute("SELECT lat, lon, message FROM messages WHERE "
                      "message LIKE '%drive%finished%'").fetchall()
    assert len(rows) == 1, rows
    lat, lon, _ = rows[0]
    # The car's fix of the moment: at the end of the drive, where it
    # parks (the best fix; the roof is data-only).
    assert lat != 0 and lon != 0, rows
    _, elat, elon = gpslib.position(STATE["end"])
    off = gpslib.distance(lat, lon, elat, elon)
    assert off < SLACK_M, (rows, off)


def cleanup():
    if "gpsd" in STATE:
        STATE["gpsd"].kill()
    if "core" in STATE:
        STATE["core"].stop()
    if "db" in STATE:
        STATE["db"].close()
    if "tmp" in STATE:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


def main():
    return gpslib.run_tap([test_drive_logged, test_packets_located,
                          test_wiglecsv_queries, test_devices_located,
                          test_gps_track, test_messages_stamped],
                          gpslib.gpsd_missing(), cleanup)


if __name__ == "__main__":
    sys.exit(main())
