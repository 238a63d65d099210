#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a drive with the real gpsd: device locations, WiGLE CSV,
# GeoJSON, and gpsd killed and restarted mid-run
#
# gpsfake (Debian's gpsd-clients) runs Debian's gpsd on a pty and replays
# the NMEA log of a drive that gpslib.drive() writes along with the
# capture of the access points the car passes.  osprey reads gpsd through
# its osprey_gps helper; once its fix reaches the second the capture
# starts at, the capture is added as a paced pcapfile source, so packets
# and fixes keep the same time.  The devices must then sit where the
# route passed them; the WiGLE CSV must read with a strict CSV reader and
# carry WiGLE's columns; the GeoJSON must hold the same points.  Then
# gpsd is killed while a looping source runs: the fix goes, the source
# goes on, and once gpsd is back (with another position) the fix
# returns and new packets get it.
#
# Usage: test_gpsd.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE OSPREY_GPS

import csv
import glob
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpslib  # noqa: E402

BINS = dict(zip(("osprey", "osprey_web", "osprey_cap_pcapfile",
                 "osprey_gps"), [os.path.abspath(a) for a in sys.argv[1:5]]))
WIGLE_PREHEADER = ["appRelease", "model", "release", "device", "display",
                   "board", "brand"]
WIGLE_COLUMNS = ["MAC", "SSID", "AuthMode", "FirstSeen", "Channel", "RSSI",
                 "CurrentLatitude", "CurrentLongitude", "AltitudeMeters",
                 "AccuracyMeters", "Type"]
# Where the car parks while gpsd comes back: 5 km north of the start.
PARK = gpslib.offset(gpslib.START[0], gpslib.START[1], 0.0, 5000.0)
# How far from the truth a location may be: the capture and gpsd start
# a second or two apart (25 m/s), and an average is over a stretch.
SLACK_M = 120.0

STATE = {}


Gpsfake = gpslib.Gpsfake


def test_drive_locations():
    tmp = tempfile.mkdtemp(prefix="osprey-gpsd-test-")
    STATE["tmp"] = tmp
    cap, log, truth = gpslib.drive(tmp)
    with open(truth) as f:
        STATE["truth"] = json.load(f)
    park = os.path.join(tmp, "park.nmea")
    with open(park, "w") as f:
        for s in range(30):
            f.write(gpslib.nmea_epoch(100 + s, PARK[0], PARK[1], alt=80.0))
    STATE["park"] = park
    port = gpslib.free_port()
    STATE["port"] = port
    STATE["gpsd"] = Gpsfake(log, port, tmp)
    c = gpslib.Core(BINS, extra=[
        "gps=gpsd:host=127.0.0.1,port=%d,name=car" % port,
        "enable_logging=true", "log_types=wiglecsv",
        "log_prefix=%s/" % tmp])
    STATE["core"] = c
    # gpsd is ready once it answers osprey with a fix; then wait for the
    # second the capture starts at and add the capture.
    first = c.wait(c.located, "a fix from gpsd", timeout=120)
    assert first["osprey.location.gps_name"] == "car", first
    assert first["osprey.location.gps_type"] == "gpsd", first
    # (gpsd's first report may have no time: osprey stamps it with its
    # own clock, which is not the log's.)
    c.wait(lambda: 0 <= (c.located() or {}).get(
        "kismet.common.location.time_sec", 0) - gpslib.EPOCH -
        gpslib.CAPTURE_FROM < 60, "the capture's first second")
    c.post("/datasource/add_source.cmd",
           {"definition": "%s:name=drive,realtime=true" % cap})
    c.wait(lambda: "source 'drive': finished" in c.text(),
           "the drive to end", timeout=300)
    devs = c.devices()
    fixes = c.get("/gps/all_gps.json")
    car = [g for g in fixes if g["kismet.gps.name"] == "car"][0]
    assert car["osprey.gps.state"] == "fix", car
    assert car["kismet.gps.connected"] == 1, car
    assert car["osprey.gps.bad_lines"] == 0, car

    aps = STATE["truth"]["aps"]
    for ap in aps:
        d = devs.get(ap["bssid"])
        assert d is not None, (ap, sorted(devs))
        loc = d["kismet.device.base.location"]
        assert loc["kismet.common.location.loc_fix"] == 3, loc
        lon, lat = loc["kismet.common.location.avg_loc"][
            "kismet.common.location.geopoint"]
        off = gpslib.distance(lat, lon, ap["road_lat"], ap["road_lon"])
        assert off < SLACK_M, (ap["bssid"], off, loc)
        # Nearer its own place than any other access point's.
        near = min(aps, key=lambda a: gpslib.distance(lat, lon, a["lat"],
                                                      a["lon"]))
        assert near["bssid"] == ap["bssid"], (ap, near)
        # The box spans the stretch of road it was heard on.
        x0 = loc["kismet.common.location.min_loc"][
            "kismet.common.location.geopoint"]
        x1 = loc["kismet.common.location.max_loc"][
            "kismet.common.location.geopoint"]
        width = gpslib.distance(x0[1], x0[0], x1[1], x1[0])
        assert 80 < width < 2 * gpslib.RANGE + SLACK_M, (width, loc)
        assert abs(loc["kismet.common.location.last"][
            "kismet.common.location.alt"] - 35) < 1, loc
        # The strongest signal was near where the road passes closest.
        plon, plat = d["kismet.device.base.signal"][
            "kismet.common.signal.peak_loc"][
            "kismet.common.location.geopoint"]
        poff = gpslib.distance(plat, plon, ap["road_lat"], ap["road_lon"])
        assert poff < SLACK_M, (ap["bssid"], poff)
        print("# %s: average %.0f m and strongest signal %.0f m from the "
              "road's nearest point; box %.0f m" % (ap["bssid"], off, poff,
                                                    width))
    # The phone heard while parked is at the start.
    phone = devs[gpslib.MARKER.upper()]
    lon, lat = phone["kismet.device.base.location"][
        "kismet.common.location.avg_loc"]["kismet.common.location.geopoint"]
    assert gpslib.distance(lat, lon, *gpslib.START) < 20, (lat, lon)
    # Field simplification reaches inside the location record.
    rows = c.post("/devices/summary/devices.json", {"fields": [
        "kismet.device.base.macaddr",
        ["kismet.device.base.location/kismet.common.location.avg_loc/"
         "kismet.common.location.geopoint", "where"]]})
    got = {r["kismet.device.base.macaddr"]: r["where"] for r in rows}
    for ap in aps:
        avg = devs[ap["bssid"]]["kismet.device.base.location"][
            "kismet.common.location.avg_loc"]
        assert got[ap["bssid"]] == avg["kismet.common.location.geopoint"]


def test_wiglecsv_strict():
    tmp = STATE["tmp"]
    files = glob.glob(os.path.join(tmp, "*.wiglecsv"))
    assert len(files) == 1, files
    with open(files[0], newline="") as f:
        pre = f.readline()
        # WiGLE 1.4's pre-header: the format, then its keys in order.
        fields = pre.rstrip("\r\n").split(",")
        assert fields[0] == "WigleWifi-1.4", pre
        assert [kv.split("=", 1)[0] for kv in fields[1:]] == \
            WIGLE_PREHEADER, pre
        assert all(kv.split("=", 1)[1] for kv in fields[1:]), pre
        rows = list(csv.reader(f, strict=True))
    assert rows[0] == WIGLE_COLUMNS, rows[0]
    aps = {a["bssid"]: a for a in STATE["truth"]["aps"]}
    per_ap = {}
    for r in rows[1:]:
        assert len(r) == 11, r
        a = aps.get(r[0])
        assert a is not None, r
        per_ap[r[0]] = per_ap.get(r[0], 0) + 1
        assert r[1] == a["ssid"], (r, a)
        want = "[WPA2-PSK-CCMP][ESS]" if a["wpa2"] else "[ESS]"
        assert r[2] == want, r
        time.strptime(r[3], "%Y-%m-%d %H:%M:%S")
        assert int(r[4]) == a["channel"], r
        assert -100 < int(r[5]) < 0, r
        lat, lon = float(r[6]), float(r[7])
        assert gpslib.distance(lat, lon, a["road_lat"],
                               a["road_lon"]) < gpslib.RANGE + SLACK_M, r
        assert abs(float(r[8]) - 35) < 1, r
        float(r[9])
        assert r[10] == "WIFI", r
    # Heard for about 8 s each, one line per 10 s at most.
    assert set(per_ap) == set(aps), per_ap
    assert all(1 <= n <= 2 for n in per_ap.values()), per_ap


def test_geojson():
    c = STATE["core"]
    st, _, data = c.request("GET", "/devices/location/devices.geojson")
    assert st == 200, (st, data[:200])
    g = json.loads(data)
    assert g["type"] == "FeatureCollection"
    feats = {f["properties"]["mac"]: f for f in g["features"]}
    devs = c.devices()
    for ap in STATE["truth"]["aps"]:
        f = feats[ap["bssid"]]
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        avg = devs[ap["bssid"]]["kismet.device.base.location"][
            "kismet.common.location.avg_loc"]
        assert f["geometry"]["coordinates"] == avg[
            "kismet.common.location.geopoint"], (f, avg)
        assert len(f["bbox"]) == 4
        assert f["properties"]["loc_fix"] == 3
    located_devs = [d for d in devs.values()
                    if "kismet.device.base.location" in d]
    assert len(feats) == len(located_devs), (len(feats), len(located_devs))


def test_gpsd_killed_and_back():
    c = STATE["core"]
    tmp = STATE["tmp"]
    cap = os.path.join(tmp, "drive.pcapng")
    c.post("/datasource/add_source.cmd",
           {"definition": "%s:name=loop,realtime=true,loop=true" % cap})
    c.wait(lambda: (c.source("loop") or {}).get(
        "kismet.datasource.num_packets", 0) > 0, "the looping source")
    STATE["gpsd"].kill()
    # The link ends: no fix, said once; the rest goes on.
    c.wait(lambda: not c.located(), "the fix to go")
    c.wait(lambda: "gps 'car': the GPS closed the link" in c.text(),
           "the lost link to be told")
    before = c.source("loop")["kismet.datasource.num_packets"]
    c.wait(lambda: c.source("loop")["kismet.datasource.num_packets"] >
           before, "packets while gpsd is away")
    s = c.source("loop")
    assert s["kismet.datasource.running"] and not s[
        "kismet.datasource.error"], s
    car = c.gps("car")
    assert car["osprey.gps.state"] == "down", car
    assert car["osprey.gps.opens"] == 1, car
    # gpsd comes back on the same port, the car parked elsewhere.
    STATE["gpsd"] = Gpsfake(STATE["park"], STATE["port"], tmp)
    loc = c.wait(c.located, "the fix to return", timeout=180)
    c.wait(lambda: gpslib.distance(
        c.located()["kismet.common.location.geopoint"][1],
        c.located()["kismet.common.location.geopoint"][0], *PARK) < 5,
        "the parked position")
    car = c.gps("car")
    assert car["osprey.gps.opens"] == 2, car
    assert c.text().count("gps 'car': connected to 127.0.0.1") == 2
    # New packets get the new fix: an AP of the loop is seen there.
    def parked_ap():
        for ap in STATE["truth"]["aps"]:
            d = c.devices().get(ap["bssid"], {})
            last = d.get("kismet.device.base.location", {}).get(
                "kismet.common.location.last")
            if last is None:
                continue
            lon, lat = last["kismet.common.location.geopoint"]
            if gpslib.distance(lat, lon, *PARK) < 5:
                return True
        return False
    c.wait(parked_ap, "a packet heard at the parked position",
           timeout=180)
    # Nothing else was disturbed: the drive's source record is intact.
    assert c.source("drive")["kismet.datasource.num_packets"] > 0
    assert loc["osprey.location.gps_name"] == "car"


def cleanup():
    if "gpsd" in STATE:
        STATE["gpsd"].kill()
    text = STATE["core"].stop() if "core" in STATE else ""
    if "tmp" in STATE:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)
    return text


def main():
    return gpslib.run_tap([test_drive_locations, test_wiglecsv_strict,
                          test_geojson, test_gpsd_killed_and_back],
                          gpslib.gpsd_missing(), cleanup)


if __name__ == "__main__":
    sys.exit(main())
