#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a remote sensor's own position (--fixed-gps, the protocol's
# SubGps on every data report)
#
# A real osprey_cap_pcapfile dials the core's remote capture port with
# --fixed-gps, as a fixed sensor elsewhere would.  Its packets must keep
# the sensor's position (not the server's own fix, a virtual GPS here),
# the sensor must be listed as a data-only receiver named after its
# source, and the server's own location must stay its own.
#
# Usage: test_remote.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE

import os
import glob
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpslib  # noqa: E402

BINS = dict(zip(("osprey", "osprey_web", "osprey_cap_pcapfile"),
                [os.path.abspath(a) for a in sys.argv[1:4]]))
SERVER = (45.5017, -73.5673)		# the server's virtual GPS
SENSOR = (45.4215, -75.6972, 70.0)	# the remote sensor's --fixed-gps
STATE = {}


def test_sensor_position():
    tmp = tempfile.mkdtemp(prefix="osprey-gps-remote-")
    STATE["tmp"] = tmp
    cap, _, truth = gpslib.drive(tmp)
    c = gpslib.Core(BINS, extra=[
        "remote_capture_enabled=true",
        "gps=virtual:lat=%s,lon=%s,name=server" % SERVER,
        "enable_logging=true", "log_types=kismet", "log_prefix=%s/" % tmp])
    STATE["core"] = c
    port = int(c.wait(lambda: re.findall(
        r"remote capture listening on 127\.0\.0\.1:(\d+)", c.text()),
        "the remote capture port")[-1])
    # The sensor replays the drive's capture once, as fast as it can.
    helper = subprocess.Popen(
        [BINS["osprey_cap_pcapfile"], "--connect", "127.0.0.1:%d" % port,
         "--source=%s:name=north" % cap, "--disable-retry",
         "--fixed-gps", "%s,%s,%s" % SENSOR],
        stdout=open(os.path.join(tmp, "helper.log"), "w"),
        stderr=subprocess.STDOUT)
    STATE["helper"] = helper
    aps = [a["bssid"] for a in gpslib.json.load(open(truth))["aps"]]
    devs = c.wait(lambda: (lambda d: d if all(
        "kismet.device.base.location" in d.get(m, {}) for m in aps)
        else None)(c.devices()), "the sensor's devices, located")
    for mac in aps:
        loc = devs[mac]["kismet.device.base.location"]
        lon, lat = loc["kismet.common.location.avg_loc"][
            "kismet.common.location.geopoint"]
        assert gpslib.distance(lat, lon, SENSOR[0], SENSOR[1]) < 1, loc
        assert loc["kismet.common.location.loc_fix"] == 3, loc
        assert abs(loc["kismet.common.location.last"][
            "kismet.common.location.alt"] - SENSOR[2]) < 0.01, loc
    # Listed, data-only, named after the source.
    g = c.wait(lambda: c.gps("north"), "the sensor as a receiver")
    assert g["osprey.gps.type"] == "remote", g
    assert g["kismet.gps.data_only"] == 1, g
    assert g["osprey.gps.state"] == "fix", g
    # The server's own fix is still the server's.
    loc = c.get("/gps/location.json")
    assert loc["osprey.location.gps_name"] == "server", loc
    assert loc["kismet.common.location.geopoint"] == [SERVER[1],
                                                      SERVER[0]], loc


def test_sensor_position_logged():
    """The kismetdb log's packets carry the sensor's position too."""
    c = STATE["core"]
    files = glob.glob(os.path.join(STATE["tmp"], "*.kismet"))
    assert len(files) == 1, files

    def track_logged():
        db = sqlite3.connect(files[0])
        try:
            return db.execute("SELECT count(*) FROM snapshots WHERE "
                              "snaptype = 'GPS'").fetchone()[0] > 0
        except sqlite3.OperationalError:
            return False
        finally:
            db.close()
    # The track is written once a second: wait for its first point.
    c.wait(track_logged, "the GPS track in the log")
    STATE.pop("core").stop()
    db = sqlite3.connect("file:%s?mode=ro" % files[0], uri=True)
    rows = db.execute("SELECT lat, lon, alt FROM packets").fetchall()
    snaps = db.execute("SELECT lat, lon, json FROM snapshots WHERE "
                       "snaptype = 'GPS'").fetchall()
    db.close()
    assert len(rows) > 40, len(rows)
    for lat, lon, alt in rows:
        assert gpslib.distance(lat, lon, SENSOR[0], SENSOR[1]) < 1, (
            lat, lon)
        assert abs(alt - SENSOR[2]) < 0.01, alt
    # The server's own receiver is in the GPS track at its place.
    server = [(lat, lon) for lat, lon, js in snaps
              if gpslib.json.loads(js)["kismet.gps.name"] == "server"]
    assert server, snaps
    assert all(gpslib.distance(lat, lon, *SERVER) < 1
               for lat, lon in server), server


def cleanup():
    h = STATE.get("helper")
    if h is not None and h.poll() is None:
        h.send_signal(signal.SIGTERM)
        try:
            h.wait(15)
        except subprocess.TimeoutExpired:
            h.kill()
            h.wait()
    try:
        if "core" in STATE:
            STATE["core"].stop()
    finally:
        if "tmp" in STATE:
            shutil.rmtree(STATE["tmp"], ignore_errors=True)


def main():
    return gpslib.run_tap([test_sensor_position,
                           test_sensor_position_logged], cleanup=cleanup)


if __name__ == "__main__":
    sys.exit(main())
