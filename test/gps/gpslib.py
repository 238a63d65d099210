# SPDX-License-Identifier: ISC
# \summary: what the GPS end-to-end tests share: the core, NMEA, a drive
#
# Core runs the real osprey with its real helpers (osprey_cap_pcapfile,
# osprey_web, osprey_gps) from a scratch folder, with a config the test
# writes, and talks to it over HTTP (test/lib/harness.py).  drive() writes a drive along a
# route: a pcapng capture of the access points a car passes, the NMEA log
# of the same drive with matching times, and the truth (where each access
# point stands).  Everything here is the project's own; gpsd and gpsfake
# come from Debian.

import json
import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import harness  # noqa: E402

USER, PASSWORD = "tester", "Gps-Test-Password-42"
# 2023-11-14 22:13:20 UTC: the capture and the NMEA log start here.
EPOCH = 1700000000
EARTH = 6371000.0


def nmea(body):
    """A sentence with its checksum and CR LF."""
    s = 0
    for c in body.encode():
        s ^= c
    return "$%s*%02X\r\n" % (body, s)


def nmea_coord(v, lon):
    a = abs(v)
    deg = int(a)
    minutes = (a - deg) * 60
    if lon:
        return "%03d%07.4f,%s" % (deg, minutes, "E" if v >= 0 else "W")
    return "%02d%07.4f,%s" % (deg, minutes, "N" if v >= 0 else "S")


def nmea_epoch(t, lat, lon, alt=35.0, speed_ms=0.0, track=0.0, fix=True):
    """GGA and RMC for one second t after EPOCH (a 3D fix, or none)."""
    tm = time.gmtime(EPOCH + t)
    hms = time.strftime("%H%M%S", tm) + ".00"
    dmy = time.strftime("%d%m%y", tm)
    if not fix:
        return (nmea("GPGGA,%s,,,,,0,00,,,M,,M,," % hms) +
                nmea("GPRMC,%s,V,,,,,,,%s,," % (hms, dmy)))
    pos = "%s,%s" % (nmea_coord(lat, False), nmea_coord(lon, True))
    return (nmea("GPGGA,%s,%s,1,08,0.9,%.1f,M,46.9,M,," % (hms, pos, alt)) +
            nmea("GPRMC,%s,A,%s,%.1f,%.1f,%s,," % (
                hms, pos, speed_ms / 0.514444, track, dmy)))


def offset(lat0, lon0, east, north):
    """The point east and north metres from (lat0, lon0)."""
    return (lat0 + math.degrees(north / EARTH),
            lon0 + math.degrees(east / (EARTH *
                                        math.cos(math.radians(lat0)))))


def distance(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = (math.sin(dp / 2) ** 2 +
         math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2)
    return EARTH * 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))


# --- pcapng of radiotap beacons -------------------------------------------

def _block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng(frames):
    """frames: (epoch seconds as float, radiotap+802.11 bytes)."""
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += _block(1, struct.pack("<HHI", 127, 0, 65535))
    for ts, data in frames:
        us = int(round(ts * 1e6))
        out += _block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xffffffff,
                                     len(data), len(data)) + data)
    return out


def radiotap(chan, signal):
    freq = 2407 + 5 * chan
    # Channel (bit 3) and antenna signal (bit 5).
    return struct.pack("<BBHIHHb", 0, 0, 13, (1 << 3) | (1 << 5), freq,
                       0x00a0, signal)


RSN_WPA2_PSK = bytes([48, 20, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac,
                      4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0])


def beacon(bssid, ssid, chan, wpa2, seq):
    cap = 0x0011 if wpa2 else 0x0001
    hdr = struct.pack("<HH6s6s6sH", 0x0080, 0, b"\xff" * 6, bssid, bssid,
                      (seq & 0xfff) << 4)
    body = struct.pack("<QHH", seq * 102400, 100, cap)
    s = ssid.encode()
    body += bytes([0, len(s)]) + s
    body += bytes([1, 8, 0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24])
    body += bytes([3, 1, chan])
    if wpa2:
        body += RSN_WPA2_PSK
    return hdr + body


def probe_req(sta, ssid, seq):
    hdr = struct.pack("<HH6s6s6sH", 0x0040, 0, b"\xff" * 6, sta,
                      b"\xff" * 6, (seq & 0xfff) << 4)
    s = ssid.encode()
    return hdr + bytes([0, len(s)]) + s + bytes([1, 4, 0x82, 0x84, 0x8b,
                                                 0x96])


# --- the drive -----------------------------------------------------------

START = (48.8500, 2.2900)
SPEED = 25.0			# m/s, east
DWELL = 10			# seconds parked before moving
CAPTURE_FROM = 6		# the capture starts at this second of the log
RANGE = 100.0			# metres an access point is heard within
APS = [
    # (east metres, north metres, bssid, ssid, channel, wpa2)
    (150.0, 20.0, "02:00:00:00:0a:01", "Bakery", 1, True),
    (450.0, -20.0, "02:00:00:00:0a:02", 'Cafe, "Le Nord"', 6, False),
    (750.0, 20.0, "02:00:00:00:0a:03", "", 11, True),
]
MARKER = "02:00:00:00:0b:01"	# a phone at the start, heard once


def position(t):
    """Where the car is t seconds after EPOCH: (east metres, lat, lon)."""
    east = max(0.0, (t - DWELL) * SPEED)
    lat, lon = offset(START[0], START[1], east, 0.0)
    return east, lat, lon


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def drive(folder):
    """Write drive.pcapng, drive.nmea and drive.json; their paths."""
    end = DWELL + int((APS[-1][0] + RANGE + 50) / SPEED) + 1
    frames, seq = [], 0
    # The capture starts CAPTURE_FROM seconds into the log, with the
    # phone at the start; then every 0.5 s each AP within range beacons.
    t = float(CAPTURE_FROM)
    frames.append((EPOCH + t, radiotap(6, -40) +
                   probe_req(mac_bytes(MARKER), "", seq)))
    while t < end:
        east, _, _ = position(t)
        for ax, ay, bssid, ssid, chan, wpa2 in APS:
            d = math.hypot(ax - east, ay)
            if d > RANGE:
                continue
            sig = int(round(-30 - 20 * math.log10(max(d, 1.0))))
            seq += 1
            frames.append((EPOCH + t, radiotap(chan, sig) +
                           beacon(mac_bytes(bssid), ssid, chan, wpa2, seq)))
        t += 0.5
    with open(os.path.join(folder, "drive.pcapng"), "wb") as f:
        f.write(pcapng(frames))
    with open(os.path.join(folder, "drive.nmea"), "w") as f:
        for s in range(end + 1):
            _, lat, lon = position(s)
            f.write(nmea_epoch(s, lat, lon, speed_ms=SPEED if s >= DWELL
                               else 0.0, track=90.0))
    truth = {"start": START, "aps": []}
    for ax, ay, bssid, ssid, chan, wpa2 in APS:
        lat, lon = offset(START[0], START[1], ax, ay)
        rlat, rlon = offset(START[0], START[1], ax, 0.0)
        truth["aps"].append({"bssid": bssid.upper(), "ssid": ssid,
                             "lat": lat, "lon": lon, "road_lat": rlat,
                             "road_lon": rlon, "channel": chan,
                             "wpa2": wpa2})
    with open(os.path.join(folder, "drive.json"), "w") as f:
        json.dump(truth, f)
    return [os.path.join(folder, n) for n in
            ("drive.pcapng", "drive.nmea", "drive.json")]


# --- gpsd -----------------------------------------------------------------

class Gpsfake:
    """gpsfake (and its gpsd) on a port, replaying a log in a loop."""

    def __init__(self, log, port, folder):
        self.out = open(os.path.join(folder, "gpsfake-%d.log" %
                                     time.monotonic_ns()), "w")
        # Two sentences an epoch, half a second apart: real time.
        self.proc = subprocess.Popen(
            ["gpsfake", "-q", "-P", str(port), "-c", "0.5", log],
            stdout=self.out, stderr=subprocess.STDOUT,
            start_new_session=True)

    def kill(self):
        """gpsd and gpsfake, at once, as a crash would."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.out.close()


# --- the core -----------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Core(harness.Core):
    """osprey from a scratch folder with its helpers and a config
    (harness.Core), asked about its GPS receivers and devices."""

    def __init__(self, bins, extra=(), sources=()):
        super().__init__(bins, ["log_prefix={tmp}/", "enable_logging=false",
                                "channel_hop=false"] + list(extra),
                         sources, login=(USER, PASSWORD),
                         prefix="osprey-gps-test-")

    def located(self):
        """The best fix, or None while there is none."""
        loc = self.get("/gps/location.json")
        return loc if loc.get("kismet.common.location.valid") else None

    def gps(self, name):
        for g in self.get("/gps/all_gps.json"):
            if g["kismet.gps.name"] == name:
                return g
        return None

    def devices(self):
        return {d["kismet.device.base.macaddr"]: d
                for d in self.get("/devices/all_devices.json")}

    def pids(self, name):
        """This core's descendants running name (the launcher's children):
        not another copy's, when suites run side by side."""
        parent = {}
        comm = {}
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % p) as f:
                    st = f.read()
            except OSError:
                continue
            # comm is in parentheses and may hold spaces: ppid follows.
            r = st.rindex(")")
            comm[int(p)] = st[st.index("(") + 1:r]
            parent[int(p)] = int(st[r + 2:].split()[1])

        def ours(pid):
            while pid > 1:
                if pid == self.proc.pid:
                    return True
                pid = parent.get(pid, 0)
            return False
        return [p for p, c in comm.items()
                if c == name[:15] and p != self.proc.pid and ours(p)]


# What the alert tests take from here too.
status_field = harness.status_field


def run_tap(tests, skip=None, cleanup=None):
    return harness.run_tap(tests, skip, cleanup=cleanup, places=1)


def gpsd_missing():
    """Why a test that needs gpsd cannot run, or None."""
    if shutil.which("gpsfake") is None or shutil.which("gpsd") is None \
            and not os.path.exists("/usr/sbin/gpsd"):
        return "gpsd and gpsfake are not installed (gpsd, gpsd-clients)"
    return None
