#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: osprey_log on logs of the real core and on files made by hand
#
#   kismetdb_osprey_log.py OSPREY OSPREY_CAP_PCAPFILE OSPREY_LOG
#
# A batch run of the core over three shared captures (log_types=kismet,
# --devices-json) gives a log; osprey_log turns it into pcapng, which
# tshark reads frame for frame as the captures (time, lengths, MD5), with
# and without filters; into device JSON (equal to --devices-json) and
# ekjson.  Files written here with Python's sqlite3 stand for what other
# programs leave: a Kismet log with GPS positions (WiGLE CSV rows: access
# points only, SSID escaped, AuthMode, channel, rate limit), a log of an
# older db_version, a database of another program and a text file (both
# refused, with the reason).  Output is TAP.
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback

OSPREY, PCAPFILE, OLOG = [os.path.abspath(a) for a in sys.argv[1:4]]
CAPS = os.environ.get("OSPREY_CAPTURES", "")
INPUTS = ["aircrack-ng__wpa2.eapol.cap", "aircrack-ng__capture_wds-01.cap",
          "ehn1225-airodump__80211-icmp.pcap"]
TMP = None
LOG = None
DEVS = None

SCHEMA = [
    "CREATE TABLE KISMET (kismet_version TEXT, db_version INT, "
    "db_module TEXT)",
    "CREATE TABLE devices (first_time INT, last_time INT, devkey TEXT, "
    "phyname TEXT, devmac TEXT, strongest_signal INT, min_lat REAL, "
    "min_lon REAL, max_lat REAL, max_lon REAL, avg_lat REAL, avg_lon REAL, "
    "bytes_data INT, type TEXT, device BLOB, UNIQUE(phyname, devmac) ON "
    "CONFLICT REPLACE)",
    "CREATE TABLE packets (ts_sec INT, ts_usec INT, phyname TEXT, "
    "sourcemac TEXT, destmac TEXT, transmac TEXT, frequency REAL, "
    "devkey TEXT, lat REAL, lon REAL, alt REAL, speed REAL, heading REAL, "
    "packet_len INT, signal INT, datasource TEXT, dlt INT, packet BLOB, "
    "error INT, tags TEXT, datarate REAL, hash INT, packetid INT, "
    "packet_full_len INT)",
    "CREATE TABLE datasources (uuid TEXT, typestring TEXT, definition TEXT, "
    "name TEXT, interface TEXT, json BLOB, UNIQUE(uuid) ON CONFLICT "
    "REPLACE)",
]


def olog(*args, ok=True):
    r = subprocess.run([OLOG] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if ok and r.returncode != 0:
        raise AssertionError("osprey_log %s: %d: %s" % (
            " ".join(args), r.returncode, r.stderr.decode()))
    return r


def tshark_frames(path):
    r = subprocess.run(["tshark", "-n", "-r", path, "-o",
                        "frame.generate_md5_hash:TRUE", "-T", "fields",
                        "-e", "frame.time_epoch", "-e", "frame.cap_len",
                        "-e", "frame.len", "-e", "frame.md5_hash"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True)
    out = []
    for line in r.stdout.splitlines():
        f = line.split("\t")
        sec, _, frac = f[0].partition(".")
        ns = int(frac.ljust(9, "0")) if len(frac) <= 9 else int(frac)
        out.append((int(sec) * 1000000 + ns // 1000, int(f[1]), int(f[2]),
                    f[3]))
    return out


def make_log():
    global LOG, DEVS
    os.mkdir(os.path.join(TMP, "bin"))
    os.symlink(PCAPFILE, os.path.join(TMP, "bin", "osprey_cap_pcapfile"))
    conf = os.path.join(TMP, "osprey.conf")
    with open(conf, "w") as f:
        f.write("log_types=kismet\nlog_prefix=%s\nlog_title=olog\n"
                "remote_capture_enabled=false\n" % TMP)
    DEVS = os.path.join(TMP, "devices.json")
    cmd = [OSPREY, "-f", conf, "--allow-root", "--no-web",
           "--exit-when-done", "--devices-json", DEVS]
    for c in INPUTS:
        cmd += ["-c", "%s:name=%s" % (os.path.join(CAPS, c), c)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120,
                   env=dict(os.environ,
                            OSPREY_HELPER_PATH=os.path.join(TMP, "bin")))
    LOG = [os.path.join(TMP, f) for f in os.listdir(TMP)
           if f.endswith(".kismet")][0]
    # A batch run leaves one closed file: no WAL, no shared memory.
    left = [f for f in os.listdir(TMP) if f.endswith(("-wal", "-shm",
                                                      "-journal"))]
    assert not left, left


def test_pcapng():
    out = os.path.join(TMP, "all.pcapng")
    olog("pcapng", LOG, out)
    got = tshark_frames(out)
    want = []
    for c in INPUTS:
        want += tshark_frames(os.path.join(CAPS, c))
    # The sources ran at once; each keeps its own order.
    assert sorted(got) == sorted(want), (len(got), len(want))
    names = subprocess.run(["tshark", "-r", out, "-T", "fields", "-e",
                            "frame.interface_name"],
                           stdout=subprocess.PIPE, universal_newlines=True,
                           stderr=subprocess.DEVNULL).stdout.split()
    assert set(names) == set(INPUTS), set(names)
    # An output that exists is kept unless -f.
    r = olog("pcapng", LOG, out, ok=False)
    assert r.returncode == 1 and b"-f replaces it" in r.stderr
    olog("pcapng", "-f", LOG, out)
    return "%d frames, as tshark reads the captures" % len(got)


def test_pcapng_filters():
    db = sqlite3.connect(LOG)
    uuid = db.execute("SELECT uuid FROM datasources WHERE name = ?",
                      (INPUTS[1],)).fetchone()[0]
    lo, hi = db.execute("SELECT min(ts_sec), max(ts_sec) FROM packets "
                        "WHERE datasource = ?", (uuid,)).fetchone()
    mid = (lo + hi) // 2
    n_mid = db.execute("SELECT count(*) FROM packets WHERE datasource = ? "
                       "AND ts_sec + ts_usec / 1e6 >= ?",
                       (uuid, mid)).fetchone()[0]
    db.close()
    out = os.path.join(TMP, "one.pcapng")
    olog("pcapng", "--datasource", uuid, LOG, out)
    one = tshark_frames(out)
    assert sorted(one) == sorted(tshark_frames(os.path.join(CAPS,
                                                            INPUTS[1])))
    olog("pcapng", "-f", "--datasource", uuid, "--from", str(mid), LOG, out)
    assert len(tshark_frames(out)) == n_mid, (len(tshark_frames(out)), n_mid)
    olog("pcapng", "-f", "--limit", "7", LOG, out)
    assert len(tshark_frames(out)) == 7
    r = olog("pcapng", "-f", "--from", "yesterday", LOG, out, ok=False)
    assert r.returncode == 1 and b"not a number" in r.stderr
    return "datasource, time and limit filters"


def test_devices():
    out = os.path.join(TMP, "devices.out")
    olog("devices", LOG, out)
    with open(out) as f:
        got = {d["kismet.device.base.key"]: d for d in json.load(f)}
    with open(DEVS) as f:
        want = {d["kismet.device.base.key"]: d for d in json.load(f)}
    for x in list(got.values()) + list(want.values()):
        x["kismet.device.base.packets.rrd"].pop(
            "kismet.common.rrd.serial_time")
    assert got == want
    r = olog("devices", "--ekjson", LOG, "-")
    lines = r.stdout.decode().splitlines()
    assert len(lines) == len(want)
    for line in lines:
        d = json.loads(line)
        assert "kismet_device_base_key" in d and not any(
            "." in k for k in d), line[:200]
    return "%d devices, equal to --devices-json" % len(got)


def ap_json(mac, ssid, crypt, first):
    return json.dumps({
        "kismet.device.base.macaddr": mac,
        "kismet.device.base.type": "Wi-Fi AP",
        "kismet.device.base.first_time": first,
        "dot11.device": {
            "dot11.device.last_beaconed_ssid": ssid,
            "dot11.device.last_beaconed_ssid_record": {
                "dot11.advertisedssid.ssid": ssid,
                "dot11.advertisedssid.crypt_set": crypt}}}).encode()


def test_wiglecsv():
    path = os.path.join(TMP, "gps.kismet")
    db = sqlite3.connect(path)
    for s in SCHEMA:
        db.execute(s)
    db.execute("INSERT INTO KISMET VALUES ('2023.7.1', 9, 'kismetlog')")
    ap, cl = "00:11:22:33:44:55", "66:77:88:99:AA:BB"
    # WPA2-PSK-CCMP: version WPA2, PSK, AES-CCM bits of crypt_set.
    crypt = (1 << 28) | (1 << 7) | (1 << 9)
    db.execute("INSERT INTO devices (first_time, last_time, devkey, "
               "phyname, devmac, type, device) VALUES (?,?,?,?,?,?,?)",
               (1700000000, 1700000100, "k1", "IEEE802.11", ap, "Wi-Fi AP",
                ap_json(ap, 'Caf\u00e9, "bar"', crypt, 1700000000)))
    db.execute("INSERT INTO devices (first_time, last_time, devkey, "
               "phyname, devmac, type, device) VALUES (?,?,?,?,?,?,?)",
               (1700000000, 1700000100, "k2", "IEEE802.11", cl,
                "Wi-Fi Client", json.dumps({
                    "kismet.device.base.type": "Wi-Fi Client"}).encode()))
    rows = [
        (1700000010, ap, 51.5, -0.12, 2437000),
        (1700000010, ap, 51.5, -0.12, 2437000),   # rate limited
        (1700000012, ap, 51.6, -0.13, 2437000),
        (1700000013, cl, 51.6, -0.13, 2437000),   # not an AP
        (1700000014, ap, 0, 0, 2437000),          # no position
        (1700000020, ap, 51.7, -0.14, 5180000),
    ]
    for (ts, mac, lat, lon, freq) in rows:
        db.execute("INSERT INTO packets (ts_sec, ts_usec, phyname, "
                   "sourcemac, frequency, lat, lon, alt, signal, "
                   "datasource, dlt, packet, packet_len) VALUES "
                   "(?,0,'IEEE802.11',?,?,?,?,12.5,-60,'u',105,x'00',1)",
                   (ts, mac, freq, lat, lon))
    db.commit()
    db.close()
    out = olog("wiglecsv", path, "-").stdout.decode().splitlines()
    # WiGLE 1.4's pre-header: the format, then its keys in order.
    pre = out[0].split(",")
    assert pre[0] == "WigleWifi-1.4", out[0]
    assert [kv.split("=", 1)[0] for kv in pre[1:]] == [
        "appRelease", "model", "release", "device", "display", "board",
        "brand"], out[0]
    assert all(kv.split("=", 1)[1] for kv in pre[1:]), out[0]
    assert out[1] == ("MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,"
                      "CurrentLatitude,CurrentLongitude,AltitudeMeters,"
                      "AccuracyMeters,Type")
    body = out[2:]
    assert len(body) == 3, body
    f = body[0].split(",")
    assert f[0] == ap and f[2] == "[WPA2-PSK-CCMP][ESS]", f
    assert f[1] == "Caf\\303\\251\\054 \\042bar\\042", f[1]
    assert f[3] == "2023-11-14 22:13:20" and f[4] == "6" and f[5] == "-60"
    assert float(f[6]) == 51.5 and float(f[7]) == -0.12 and f[-1] == "WIFI"
    assert body[2].split(",")[4] == "36"
    # No rate limit: every located AP packet.
    assert len(olog("wiglecsv", "--rate-limit", "0", path, "-").stdout
               .decode().splitlines()) == 2 + 4
    # The core's own log has no positions: no rows, and it says why.
    r = olog("wiglecsv", LOG, "-")
    assert len(r.stdout.splitlines()) == 2 and b"GPS" in r.stderr
    return "3 rows from 6 packets (rate limit, a client, no position)"


def test_older_and_foreign():
    old = os.path.join(TMP, "v8.kismet")
    db = sqlite3.connect(old)
    db.execute(SCHEMA[0])
    db.execute(SCHEMA[1])
    db.execute(SCHEMA[2].replace(", packet_full_len INT", ""))
    db.execute("INSERT INTO KISMET VALUES ('2021.10.1', 8, 'kismetlog')")
    db.execute("INSERT INTO packets (ts_sec, ts_usec, datasource, dlt, "
               "packet, packet_len) VALUES (1600000000, 5, 'u', 105, ?, 4)",
               (b"\xd4\x00\x00\x00",))
    db.commit()
    db.close()
    r = olog("summary", old)
    assert b"db_version:   8" in r.stdout and b"packets:      1" in r.stdout
    out = os.path.join(TMP, "v8.pcapng")
    olog("pcapng", old, out)
    assert tshark_frames(out) == [(1600000000000005, 4, 4, hashlib.md5(
        b"\xd4\x00\x00\x00").hexdigest())]
    other = os.path.join(TMP, "other.db")
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.commit()
    db.close()
    r = olog("summary", other, ok=False)
    assert r.returncode == 1 and b"not a kismetdb log" in r.stderr, r.stderr
    text = os.path.join(TMP, "notes.kismet")
    with open(text, "w") as f:
        f.write("not a database\n" * 100)
    r = olog("pcapng", text, os.path.join(TMP, "x.pcapng"), ok=False)
    assert r.returncode == 1 and b"not an SQLite database" in r.stderr
    assert not os.path.exists(os.path.join(TMP, "x.pcapng"))
    return "db_version 8 read; other files refused: %s" % \
        r.stderr.decode().strip()


def main():
    global TMP
    tests = [test_pcapng, test_pcapng_filters, test_devices, test_wiglecsv,
             test_older_and_foreign]
    print("1..%d" % len(tests))
    if not all(os.path.exists(os.path.join(CAPS, c)) for c in INPUTS) or \
            not shutil.which("tshark"):
        for i, t in enumerate(tests):
            print("ok %d - %s # SKIP no captures or no tshark" %
                  (i + 1, t.__name__))
        return 0
    TMP = tempfile.mkdtemp(prefix="osprey-olog-")
    failed = 0
    try:
        make_log()
        for i, t in enumerate(tests):
            try:
                print("ok %d - %s: %s" % (i + 1, t.__name__, t()))
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i + 1, t.__name__))
                for line in traceback.format_exc().splitlines()[-30:]:
                    print("# " + line)
            sys.stdout.flush()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
