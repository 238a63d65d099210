#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the kismetdb log read the way Kismet's own tools read it
#
#   kismetdb_compat.py OSPREY OSPREY_CAP_PCAPFILE
#
# One osprey --exit-when-done run replays every capture of
# $OSPREY_CAPTURES (one source each, the real osprey_cap_pcapfile) with
# log_types=kismet and --devices-json.  The .kismet file is then opened
# with Python's sqlite3, not with osprey's code, and read with the exact
# queries Kismet's tools run on a log:
#
#   kismetdb_to_pcap      the version, the datasources, per source its
#                         packet count and link types, every packet
#                         (ts_sec, ts_usec, dlt, datasource, packet, lat,
#                         lon, alt, tags), the GPS track snapshots
#   kismetdb_dump_devices the device count, every device's JSON
#   kismetdb_to_wiglecsv  the counts, the located packets with their
#                         devices looked up by devmac and phyname, the
#                         located Bluetooth data rows
#   kismetdb_statistics   the counts, the time range, every datasource's
#                         JSON fields, the tags, the location bounds
#
# and what they return is held against the inputs: each source's packets
# are its capture's frames as tshark reads them, in order, byte for byte
# (MD5), with the same time, captured and original length; every device
# row is a device of --devices-json (the same JSON, /devices/ REST's),
# with devkey, devmac, phyname, type, first/last time, strongest signal
# and bytes_data equal to the record's fields.  Exit 0 when all holds,
# 1 with the differences, 77 when tshark, the captures or the helper are
# missing.
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_cache import tshark  # noqa: E402
from core_tracker import honest_exit  # noqa: E402

OPENED = re.compile(r"source '(.*)': opened \(.*, uuid ([0-9a-f-]{36}), ")
# What the helper's reader (libpcap) and tshark's (wiretap) read
# differently, as run-pcapfile.sh explains: a record longer than the
# file's snapshot length is cut to it by libpcap only.
SNAP = re.compile(r"file hdr: (\d+) bytes")


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def frames_of(path):
    """tshark's frames: (usec time, cap_len, len, md5)."""
    r = tshark(path, ["-o", "frame.generate_md5_hash:TRUE", "-T", "fields",
                      "-e", "frame.time_epoch", "-e", "frame.cap_len",
                      "-e", "frame.len", "-e", "frame.md5_hash"])
    out = []
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if len(f) != 4 or not f[1]:
            continue
        # tshark prints nanoseconds, all of them when a capture file's
        # microsecond field is a million or more (the core carries those
        # into the seconds, as wiretap does when it converts).
        sec, _, frac = f[0].partition(".")
        ns = int(frac.ljust(9, "0")) if len(frac) <= 9 else int(frac)
        usec = int(sec) * 1000000 + ns // 1000
        out.append((usec, int(f[1]), int(f[2]), f[3]))
    return out


def snaplen(path):
    r = subprocess.run(["capinfos", "-l", path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    m = SNAP.search(r.stdout)
    return int(m.group(1)) if m else None


def run_osprey(osprey, tmp, caps):
    conf = os.path.join(tmp, "osprey.conf")
    with open(conf, "w") as f:
        f.write("remote_capture_enabled=false\n")
        f.write("source_pong_timeout=120\n")
        f.write("log_types=kismet\n")
        f.write("log_prefix=%s\n" % tmp)
        f.write("log_title=compat\n")
        # Device passes during the run, not only the last one at exit:
        # every device row must still end as the device's last state.
        f.write("kis_log_device_rate=1\n")
    devs = os.path.join(tmp, "devices.json")
    cmd = [osprey, "-f", conf, "--allow-root", "--no-web",
           "--exit-when-done", "--devices-json", devs]
    for c in caps:
        cmd += ["-c", c]
    env = dict(os.environ, OSPREY_HELPER_PATH=os.path.join(tmp, "bin"))
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=env, universal_newlines=True, errors="replace",
                       timeout=900)
    # A damaged capture ends the batch run with status 1 and its name
    # (doc/core.md); the log must still hold every packet that was read.
    if not honest_exit(r.returncode, r.stderr):
        print(r.stderr[-3000:])
        sys.exit("osprey exited %d" % r.returncode)
    logs = [f for f in os.listdir(tmp) if f.endswith(".kismet")]
    if len(logs) != 1:
        sys.exit("expected one .kismet file, found %s" % logs)
    uuids = {}
    for line in r.stderr.splitlines():
        m = OPENED.search(line)
        if m:
            uuids[m.group(1)] = m.group(2)
    with open(devs) as f:
        return os.path.join(tmp, logs[0]), json.load(f), uuids, r.stderr


def kismetdb_to_pcap(db, bad):
    """Its queries; returns {uuid: [(usec, caplen, full, md5, dlt)]}."""
    version = db.execute("SELECT db_version FROM KISMET").fetchone()[0]
    if version != 9:
        bad.append("db_version %r, not 9" % version)
    sources = {}
    for (uuid, typestring, definition, name, interface) in db.execute(
            "SELECT uuid, typestring, definition, name, interface "
            "FROM datasources"):
        js = json.loads(db.execute("SELECT json FROM datasources WHERE "
                                   "uuid = ?", (uuid,)).fetchone()[0])
        n = db.execute("SELECT count(*) FROM packets WHERE datasource = ?",
                       (uuid,)).fetchone()[0]
        dlts = [d for (d,) in db.execute(
            "SELECT DISTINCT dlt FROM packets WHERE datasource = ?",
            (uuid,))]
        sources[uuid] = {"name": name, "definition": definition,
                         "type": typestring, "interface": interface,
                         "count": n, "dlts": dlts,
                         "error": js.get("kismet.datasource.error_reason")
                         if js.get("kismet.datasource.error") else None}
        # A source no helper took has no type.
        if typestring not in ("pcapfile", "") or definition != name:
            bad.append("datasource %s: type %r definition %r name %r" %
                       (uuid, typestring, definition, name))
    # Every packet, with the columns db_version 6 and later give it,
    # in the order the tool reads them (the table's own).
    got = {}
    for (ts_sec, ts_usec, dlt, ds, packet, lat, lon, alt, tags) in \
            db.execute("SELECT ts_sec, ts_usec, dlt, datasource, packet, "
                       "lat, lon, alt, tags FROM packets"):
        if lat != 0 or lon != 0 or alt != 0 or tags != "":
            bad.append("packet with a location or tags without GPS")
        got.setdefault(ds, []).append(
            (ts_sec * 1000000 + ts_usec, len(packet), None,
             hashlib.md5(packet).hexdigest(), dlt))
    for (ds, rows) in got.items():
        if ds not in sources:
            bad.append("packets of datasource %s, which is not in the "
                       "datasources table" % ds)
        elif sources[ds]["count"] != len(rows):
            bad.append("%s: count(*) %d, %d rows" %
                       (ds, sources[ds]["count"], len(rows)))
    # The original lengths, which kismetdb_to_pcap does not read.
    full = {}
    for (ds, n) in db.execute("SELECT datasource, packet_full_len FROM "
                              "packets"):
        full.setdefault(ds, []).append(n)
    for ds in got:
        got[ds] = [(a, b, f, d, e) for (a, b, _, d, e), f in
                   zip(got[ds], full[ds])]
    gps = db.execute("SELECT ts_sec, ts_usec, json FROM snapshots WHERE "
                     "snaptype = ?", ("GPS",)).fetchall()
    if gps:
        bad.append("GPS snapshots without a GPS")
    return sources, got


def kismetdb_dump_devices(db, ref, bad):
    n = db.execute("SELECT count(*) FROM devices").fetchone()[0]
    if n != len(ref):
        bad.append("devices: %d rows, --devices-json has %d" % (n, len(ref)))
    byk = {d["kismet.device.base.key"]: d for d in ref}
    for (blob,) in db.execute("SELECT device FROM devices"):
        d = json.loads(blob)
        k = d.get("kismet.device.base.key")
        want = byk.get(k)
        if want is None:
            bad.append("device %s not in --devices-json" % k)
            continue
        # The histories are as of the time the record was written: the
        # newest capture second then, which later captures move on (a
        # device idle since reads as zeros).  test/web/test_history.py
        # checks them; here the rest of the record must be equal.
        for x in (d, want):
            x.pop("kismet.device.base.packets.rrd", None)
            x.pop("kismet.device.base.datasize.rrd", None)
            x.get("kismet.device.base.signal", {}).pop(
                "kismet.common.signal.signal_rrd", None)
        if d != want:
            bad.append("device %s: JSON differs from --devices-json" % k)
    for (devkey, devmac, phy, typ, first, last, sig, data) in db.execute(
            "SELECT devkey, devmac, phyname, type, first_time, last_time, "
            "strongest_signal, bytes_data FROM devices"):
        d = byk.get(devkey)
        if d is None:
            continue
        want = (d["kismet.device.base.macaddr"],
                d["kismet.device.base.phyname"], d["kismet.device.base.type"],
                d["kismet.device.base.first_time"],
                d["kismet.device.base.last_time"],
                d["kismet.device.base.signal"]
                ["kismet.common.signal.max_signal"],
                d["kismet.device.base.datasize"])
        if (devmac, phy, typ, first, last, sig, data) != want:
            bad.append("device %s columns %r, record %r" %
                       (devkey, (devmac, phy, typ, first, last, sig, data),
                        want))


def kismetdb_to_wiglecsv(db, bad):
    total, located = db.execute(
        "SELECT count(*), sum(case when (sourcemac != '00:00:00:00:00:00' "
        "and lat != 0 and lon != 0) then 1 else 0 end) FROM packets"
    ).fetchone()
    db.execute("SELECT count(*) FROM devices").fetchone()
    rows = db.execute(
        "SELECT ts_sec, sourcemac, phyname, lat, lon, signal, frequency, "
        "alt, speed FROM packets WHERE sourcemac != ? AND lat != ? AND "
        "lon != ?", ("00:00:00:00:00:00", 0, 0)).fetchall()
    # Without a GPS nothing is located: the tool says "no usable data".
    if (located or 0) != 0 or rows:
        bad.append("located packets without a GPS")
    # Its per-packet device lookup, for every source MAC that has one.
    found = 0
    for (mac, phy) in db.execute(
            "SELECT DISTINCT sourcemac, phyname FROM packets WHERE "
            "sourcemac != '00:00:00:00:00:00'"):
        r = db.execute("SELECT device FROM devices WHERE devmac = ? AND "
                       "phyname = ?", (mac, phy)).fetchone()
        if r is not None:
            d = json.loads(r[0])
            d["kismet.device.base.first_time"] + 0
            d["kismet.device.base.type"].lower()
            found += 1
    if found == 0:
        bad.append("no packet source MAC leads to a device row")
    db.execute("SELECT ts_sec, devmac, phyname, lat, lon, alt FROM data "
               "WHERE lat != 0 AND lon != 0 AND (phyname = 'Bluetooth' OR "
               "phyname = 'BTLE')").fetchall()
    return total, found


def kismetdb_statistics(db, bad):
    db.execute("SELECT count(*), sum(case when (lat != 0 and lon != 0) "
               "then 1 else 0 end) FROM data").fetchone()
    n, lo, hi = db.execute("SELECT count(*), min(first_time), "
                           "max(last_time) FROM devices").fetchone()
    if n and hi < lo:
        bad.append("device time range %r..%r" % (lo, hi))
    for (uuid, t, d, name, intf, js) in db.execute(
            "SELECT uuid, typestring, definition, name, interface, json "
            "FROM datasources"):
        j = json.loads(js)
        # The fields the tool prints, with the types it reads them as.
        if not isinstance(j["kismet.datasource.hardware"], str) or \
                not isinstance(j["kismet.datasource.num_packets"],
                               (int, float)) or \
                not isinstance(j["kismet.datasource.channel"], str) or \
                j["kismet.datasource.uuid"] != uuid:
            bad.append("datasource %s JSON lacks Kismet's fields" % uuid)
        int(j["kismet.datasource.hopping"])
    tags = db.execute("SELECT DISTINCT tags FROM packets WHERE tags != ''"
                      ).fetchall()
    if tags:
        bad.append("tags %r" % tags)
    db.execute("SELECT min(min_lat), min(min_lon), max(max_lat), "
               "max(max_lon) FROM devices WHERE min_lat != 0 AND min_lon != 0 "
               "AND max_lat != 0 AND max_lon != 0").fetchone()
    db.execute("SELECT lat, lon FROM snapshots WHERE lat != 0 AND lon != 0 "
               "AND snaptype = 'GPS'").fetchall()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: kismetdb_compat.py OSPREY OSPREY_CAP_PCAPFILE")
    osprey, helper = sys.argv[1], sys.argv[2]
    caps_dir = os.environ.get("OSPREY_CAPTURES", "")
    manifest = os.path.join(caps_dir, "MANIFEST.tsv")
    if not os.path.exists(manifest):
        skip("no captures at OSPREY_CAPTURES=%r" % caps_dir)
    if not shutil.which("tshark") or not shutil.which("capinfos"):
        skip("tshark is not installed")
    if not os.access(helper, os.X_OK):
        skip("osprey_cap_pcapfile is not built")
    caps = []
    with open(manifest) as f:
        for line in f.read().splitlines()[1:]:
            p = os.path.join(caps_dir, line.split("\t")[0])
            if os.path.isfile(p):
                caps.append(p)
    tmp = tempfile.mkdtemp(prefix="osprey-kdbcompat.")
    try:
        os.mkdir(os.path.join(tmp, "bin"))
        os.symlink(os.path.abspath(helper),
                   os.path.join(tmp, "bin", "osprey_cap_pcapfile"))
        t0 = time.monotonic()
        path, ref, uuids, err = run_osprey(osprey, tmp, caps)
        t1 = time.monotonic()
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        bad = []
        sources, got = kismetdb_to_pcap(db, bad)
        kismetdb_dump_devices(db, ref, bad)
        total, found = kismetdb_to_wiglecsv(db, bad)
        kismetdb_statistics(db, bad)
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            bad.append("integrity_check fails")
        # Each source's rows against its capture, as tshark reads it.
        # Each capture's source, by its definition in the log (the
        # core's "opened" lines are a fallback: helpers share stderr).
        by_def = {v["definition"]: u for u, v in sources.items()}
        frames = cut = refused = 0
        for c in caps:
            want = frames_of(c)
            uuid = by_def.get(c, uuids.get(c))
            rows = got.get(uuid, []) if uuid else []
            if not want and not rows:
                continue
            if not rows and uuid is not None and \
                    sources.get(uuid, {}).get("error"):
                # run-pcapfile.sh's case: the helper refused the file,
                # and the source's record says why.
                refused += 1
                continue
            if uuid is None:
                bad.append("%s: no source opened" % c)
                continue
            snap = None
            for i, (w, g) in enumerate(zip(want, rows)):
                ok = w[0] == g[0] and w[1] == g[1] and w[2] == g[2] and \
                    w[3] == g[3]
                if not ok and w[0] == g[0] and w[2] == g[2]:
                    snap = snap or snaplen(c)
                    ok = snap is not None and w[1] > snap and g[1] == snap
                    cut += ok
                if not ok:
                    bad.append("%s frame %d: tshark %r, kismetdb %r" %
                               (os.path.basename(c), i + 1, w, g[:4]))
                    break
            if len(want) != len(rows):
                bad.append("%s: tshark reads %d frames, kismetdb holds %d" %
                           (os.path.basename(c), len(want), len(rows)))
            frames += len(rows)
        print("osprey ran %.1f s, the checks %.1f s" %
              (t1 - t0, time.monotonic() - t1))
        print("%d captures (%d refused by the helper with a reason), %d "
              "packets (%d in the packets table), %d devices, %d source "
              "MACs lead to device rows; %d frames cut to the file's "
              "snaplen by libpcap" % (len(caps), refused, frames, total,
                                     len(ref), found, cut))
        for b in bad[:40]:
            print("DIFF: " + b)
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
