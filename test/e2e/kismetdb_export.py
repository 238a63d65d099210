#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: GET /logging/kismetdb/pcap/TITLE.pcapng through the real core,
# writer and web worker, read back by tshark
#
#   kismetdb_export.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE
#
# Two captures replayed once into a core with log_types=kismet; once the
# status says every packet is committed, the export is fetched with a
# real HTTP client and tshark reads it: the same frames as the captures
# (time, lengths, MD5), one interface per source, named after it; then
# Kismet's filters as query variables (datasource, device_id, time range,
# limit) and as a POST command; a bad filter (400), a wrong suffix (404),
# a core without the log (404), a client that leaves mid-export (the
# core and the web go on).  Device passes (one a second here) write only
# the devices that changed: none once the captures are done.  Output is
# TAP.
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kismetdb_core  # noqa: E402

OSPREY, WEB, PCAPFILE = [os.path.abspath(a) for a in sys.argv[1:4]]
CAPS = os.environ.get("OSPREY_CAPTURES", "")
A = "ehn1225-airodump__80211-icmp.pcap"
B = "aircrack-ng__capture_wds-01.cap"
TMP = None
CORE = None


def frames(path):
    r = subprocess.run(["tshark", "-n", "-r", path, "-o",
                        "frame.generate_md5_hash:TRUE", "-T", "fields",
                        "-e", "frame.time_epoch", "-e", "frame.cap_len",
                        "-e", "frame.len", "-e", "frame.md5_hash",
                        "-e", "wlan.ta"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True)
    out = []
    for line in r.stdout.splitlines():
        f = line.split("\t")
        sec, _, frac = f[0].partition(".")
        ns = int(frac.ljust(9, "0")) if len(frac) <= 9 else int(frac)
        out.append((int(sec) * 1000000 + ns // 1000, int(f[1]), int(f[2]),
                    f[3], f[4].upper()))
    return out


def export(query="", method="GET", body=None, headers=None, expect=200):
    st, r, data = CORE.request(method, "/logging/kismetdb/pcap/test.pcapng"
                               + query, body=body, headers=headers)
    assert st == expect, (st, data[:300])
    if st != 200:
        return data
    path = os.path.join(TMP, "export.pcapng")
    with open(path, "wb") as f:
        f.write(data)
    assert r.getheader("Content-Type") == "application/vnd.tcpdump.pcap"
    return frames(path)


def setup():
    global TMP, CORE
    TMP = tempfile.mkdtemp(prefix="osprey-kdbexport-")
    CORE = kismetdb_core.Core(OSPREY, WEB, PCAPFILE, [
        "%s:name=a" % os.path.join(CAPS, A),
        "%s:name=b" % os.path.join(CAPS, B)])
    want = len(frames(os.path.join(CAPS, A))) + len(
        frames(os.path.join(CAPS, B)))
    CORE.wait(lambda: CORE.status()["osprey.kismetdb.packets_logged"] ==
              want, "%d packets committed" % want)


def uuid_of(name):
    for s in CORE.get("/datasource/all_sources.json"):
        if s["kismet.datasource.name"] == name:
            return s["kismet.datasource.uuid"]
    raise AssertionError("no source " + name)


def test_all():
    got = export()
    want = frames(os.path.join(CAPS, A)) + frames(os.path.join(CAPS, B))
    assert sorted(got) == sorted(want), (len(got), len(want))
    path = os.path.join(TMP, "export.pcapng")
    names = set(subprocess.run(
        ["tshark", "-r", path, "-T", "fields", "-e", "frame.interface_name"],
        stdout=subprocess.PIPE, universal_newlines=True,
        stderr=subprocess.DEVNULL).stdout.split())
    assert names == {"a", "b"}, names
    return "%d frames, as tshark reads the captures" % len(got)


def test_filters():
    ua = uuid_of("a")
    got = export("?datasource=" + ua)
    assert sorted(got) == sorted(frames(os.path.join(CAPS, A)))
    allb = frames(os.path.join(CAPS, B))
    mid = allb[len(allb) // 2][0] / 1e6
    got = export("?" + urllib.parse.urlencode({
        "datasource": uuid_of("b"), "timestamp_start": "%.6f" % mid}))
    assert sorted(got) == sorted(f for f in allb if f[0] / 1e6 >= mid)
    ta = [f[4] for f in allb if f[4]][0]
    key = "4202770D00000000_" + "".join(reversed(ta.split(":")))
    got = export("?device_id=" + key)
    assert got and all(f[4] == ta for f in got), got[:3]
    assert len(export("?limit=5")) == 5
    # The same filter as a POST command, under "filter".
    got = export(method="POST", body='{"filter": {"datasource": "%s", '
                 '"limit": 3}}' % ua,
                 headers={"Content-Type": "application/json"})
    assert len(got) == 3
    return "datasource, time, device, limit; GET and POST"


def test_errors():
    data = export("?timestamp_start=yesterday", expect=400)
    assert b"timestamp_start" in data, data
    st, _, _ = CORE.request("GET", "/logging/kismetdb/pcap/test.pcap")
    assert st == 404
    # A client that leaves after the first bytes: the rest is dropped,
    # the web and the core go on.
    import socket
    import base64
    s = socket.create_connection(("127.0.0.1", CORE.port))
    tok = base64.b64encode(("%s:%s" % (kismetdb_core.USER,
                                       kismetdb_core.PASSWORD)).encode())
    s.sendall(b"GET /logging/kismetdb/pcap/x.pcapng HTTP/1.1\r\nHost: x\r\n"
              b"Authorization: Basic " + tok + b"\r\n\r\n")
    assert s.recv(100).startswith(b"HTTP/1.1 200")
    s.close()
    assert len(export("?limit=2")) == 2
    return "bad filter 400, wrong suffix 404, a client gone mid-way"


def test_device_passes():
    # A pass a second writes the devices changed since the last one:
    # once the captures are done, nothing changes and nothing is written.
    import time
    n = len(CORE.get("/devices/all_devices.json"))
    CORE.wait(lambda: CORE.status()["osprey.kismetdb.devices_logged"] >= n,
              "every device logged")
    time.sleep(2)
    before = CORE.status()["osprey.kismetdb.devices_logged"]
    time.sleep(3)
    after = CORE.status()["osprey.kismetdb.devices_logged"]
    assert after == before, (before, after)
    return "%d devices, %d rows written, none in 3 idle passes" % (n, after)


def test_not_enabled():
    c = kismetdb_core.Core(OSPREY, WEB, PCAPFILE, [], extra=[
        "log_types=pcapng"], wait_log=False)
    try:
        st, _, data = c.request("GET", "/logging/kismetdb/pcap/x.pcapng")
        assert st == 404 and b"not enabled" in data, (st, data)
        return data.decode()[:80]
    finally:
        c.stop()
        c.clean()


def main():
    tests = [test_all, test_filters, test_errors, test_device_passes,
             test_not_enabled]
    print("1..%d" % len(tests))
    if not all(os.path.exists(os.path.join(CAPS, c)) for c in (A, B)) or \
            not shutil.which("tshark"):
        for i, t in enumerate(tests):
            print("ok %d - %s # SKIP no captures or no tshark" %
                  (i + 1, t.__name__))
        return 0
    failed = 0
    try:
        setup()
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
        if CORE is not None:
            text = CORE.stop()
            CORE.clean()
            if "Sanitizer" in text or "runtime error" in text:
                print("# " + text[-2000:])
                failed += 1
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
