#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# \summary: every alert family end to end: an attack capture in, the
# right alert out over REST, with the right addresses and channel
#
# Usage: test_attacks.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE OSPREY_GEN
#
# Each scenario of osprey_gen --attack runs through the real core and web
# worker; the alerts it must raise are checked field by field, and any
# other 802.11 alert is a failure unless the scenario lists it (with the
# reason).  Then: a ten-minute deauthentication flood (capture time) is
# bounded by DEAUTHFLOOD's limit; an alert is fetched by id with its
# frame; the device's num_alerts counts; the kismetdb log holds the
# alerts; the watch lists and SOURCEERROR fire; a burst two sources hear
# is checked once.

import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

import alertlib
from alertlib import AP, CLIENT, ROGUE, KARMA, SYSTEM, gpslib

BINS = dict(zip(["osprey", "osprey_web", "osprey_cap_pcapfile"],
                (os.path.abspath(a) for a in sys.argv[1:4])))
GEN = os.path.abspath(sys.argv[4])
TMP = tempfile.mkdtemp(prefix="osprey-alerts-test-")

# attack: ({alert: {field: value}}, {other alerts allowed: why})
EXPECT = {
    "deauth-flood": ({"DEAUTHFLOOD": {"transmitter_mac": AP,
                                      "source_mac": AP,
                                      "dest_mac": CLIENT, "channel": "6"}},
                     {"DISASSOCTRAFFIC": "the client keeps sending after "
                      "the forged deauthentications, as it should"}),
    "bcast-disconnect": ({"BCASTDISCON": {"transmitter_mac": AP,
                                          "dest_mac": "FF:FF:FF:FF:FF:FF",
                                          "channel": "6"}}, {}),
    "bad-reason": ({"DEAUTHCODEINVALID": {"transmitter_mac": AP,
                                          "dest_mac": CLIENT},
                    "DISCONCODEINVALID": {"transmitter_mac": AP,
                                          "dest_mac": CLIENT}},
                   {"DISASSOCTRAFFIC": "the client keeps sending"}),
    "beacon-flood": ({"BEACONFLOOD": {"channel": None}}, {}),
    "karma": ({"KARMA": {"transmitter_mac": KARMA, "channel": "6"},
               "KARMAOUI": {"transmitter_mac": KARMA}}, {}),
    "evil-twin": ({"EVILTWIN": {"transmitter_mac": ROGUE,
                                "other_mac": AP, "channel": "11"},
                   "APSPOOF": {"transmitter_mac": ROGUE}}, {}),
    "rogue-ap": ({"ROGUEAP": {"transmitter_mac": ROGUE, "other_mac": AP,
                              "channel": "1"},
                  "APSPOOF": {"transmitter_mac": ROGUE}}, {}),
    "crypto-drop": ({"CRYPTODROP": {"transmitter_mac": AP,
                                    "channel": "6"}}, {}),
    "chan-change": ({"CHANCHANGE": {"transmitter_mac": AP}}, {}),
    "beacon-rate": ({"BEACONRATE": {"transmitter_mac": AP}}, {}),
    "bss-timestamp": ({"BSSTIMESTAMP": {"transmitter_mac": AP}}, {}),
    "long-ssid": ({"LONGSSID": {"transmitter_mac": ROGUE}}, {}),
    "null-probe-resp": ({"NULLPROBERESP": {"transmitter_mac": ROGUE,
                                           "dest_mac": CLIENT}}, {}),
    "airjack": ({"AIRJACKSSID": {"transmitter_mac": ROGUE}}, {}),
    "netstumbler": ({"NETSTUMBLER": {"source_mac": ROGUE}}, {}),
    "lucent-test": ({"LUCENTTEST": {"source_mac": ROGUE}}, {}),
    "malformed": ({"MALFORMMGMT": {"source_mac": ROGUE}}, {}),
    "nonce-degrade": ({"NONCEDEGRADE": {"transmitter_mac": AP,
                                        "dest_mac": CLIENT}}, {}),
    "krack": ({"NONCEREUSE": {"transmitter_mac": AP,
                              "dest_mac": CLIENT}}, {}),
    "wps-brute": ({"WPSBRUTE": {"transmitter_mac": AP,
                                "source_mac": ROGUE}}, {}),
    "pmkid": ({"PMKIDHARVEST": {"source_mac": ROGUE, "channel": "6"}},
              {}),
    "format-string": ({"FORMATSTRING": {"source_mac": ROGUE}}, {}),
    "canary": ({"SSIDCANARY": {"source_mac": ROGUE}}, {}),
    "disassoc-traffic": ({"DISASSOCTRAFFIC": {"transmitter_mac": AP,
                                              "source_mac": CLIENT}}, {}),
    "msf-bcom": ({"MSFBCOMSSID": {"transmitter_mac": ROGUE,
                                  "dest_mac": CLIENT}},
                 {"LONGSSID": "the same element is over 32 bytes"}),
    "dlink-rates": ({"MSFDLINKRATE": {"source_mac": ROGUE}}, {}),
    "bad-country": ({"DOT11D": {"transmitter_mac": ROGUE}}, {}),
    "wmm-overflow": ({"WMMOVERFLOW": {"source_mac": ROGUE}}, {}),
    "rsn-loop": ({"RSNLOOP": {"source_mac": ROGUE}}, {}),
    "probe-chan": ({"PROBECHAN": {"transmitter_mac": AP, "dest_mac": CLIENT,
                                  "channel": "11"}}, {}),
    "no-client-mfp": ({"NOCLIENTMFP": {"transmitter_mac": AP,
                                       "source_mac": CLIENT,
                                       "channel": "6"},
                       "DEAUTHFLOOD": {"transmitter_mac": AP}},
                      {"DISASSOCTRAFFIC": "the client keeps sending",
                       "HANDSHAKECAPTURE": "the client rejoins right after "
                       "the first burst, as the attacker wants"}),
    "overpowered": ({"OVERPOWERED": {"transmitter_mac": ROGUE,
                                     "source_mac": ROGUE, "channel": "6"}},
                    {}),
    "msf-netgear": ({"MSFNETGEARBEACON": {"transmitter_mac": ROGUE,
                                          "channel": "6"}}, {}),
    "bcom-11k": ({"BCOM11KCHAN": {"transmitter_mac": ROGUE,
                                  "source_mac": ROGUE, "dest_mac": CLIENT,
                                  "channel": "6"}}, {}),
    "qcom-extcap": ({"QCOMEXTENDED": {"transmitter_mac": ROGUE,
                                      "channel": "6"}}, {}),
    "rtl8195": ({"RTL8195VD1406": {"transmitter_mac": ROGUE,
                                   "source_mac": ROGUE, "dest_mac": CLIENT,
                                   "channel": "6"}}, {}),
    "rtl-p2p": ({"RTLWIFIP2P": {"transmitter_mac": ROGUE, "channel": "6"}},
                {}),
    "handshake-capture": ({"HANDSHAKECAPTURE": {"transmitter_mac": AP,
                                                "source_mac": CLIENT,
                                                "channel": "6"}}, {}),
    "evil-twin-loud": ({"EVILTWIN": {"transmitter_mac": ROGUE,
                                     "other_mac": AP, "channel": "11"},
                        "APSPOOF": {"transmitter_mac": ROGUE}}, {}),
    "rogue-caps": ({"ROGUEAP": {"transmitter_mac": ROGUE, "other_mac": AP,
                                "channel": "1"},
                    "APSPOOF": {"transmitter_mac": ROGUE}}, {}),
    "adhoc-conflict": ({"ADHOCCONFLICT": {"transmitter_mac": AP,
                                          "source_mac": ROGUE,
                                          "channel": "6"},
                        "APSPOOF": {"transmitter_mac": ROGUE}}, {}),
    "wmm-tspec": ({"WMMTSPEC": {"transmitter_mac": ROGUE,
                                "source_mac": ROGUE, "dest_mac": CLIENT,
                                "channel": "6"}}, {}),
    "bad-fixlen": ({"BADFIXLENIE": {"transmitter_mac": ROGUE,
                                    "source_mac": ROGUE, "channel": "6"}},
                   {}),
    "vdoo-27301": ({"VDOO202027301": {"transmitter_mac": ROGUE,
                                      "source_mac": ROGUE,
                                      "dest_mac": CLIENT, "channel": "6"}},
                   {}),
    "vdoo-27302": ({"VDOO202027302": {"transmitter_mac": ROGUE,
                                      "source_mac": ROGUE,
                                      "dest_mac": CLIENT, "channel": "6"}},
                   {}),
    "none": ({}, {}),
}

# Scenarios that repeat their attack every second (every fifth for
# handshake-capture) for 35 s: the alert's limit (5/min, 1/sec) lets at
# most 5 through and holds back the rest.
REPEATED = {"probe-chan": "PROBECHAN", "no-client-mfp": "NOCLIENTMFP",
            "overpowered": "OVERPOWERED", "msf-netgear": "MSFNETGEARBEACON",
            "bcom-11k": "BCOM11KCHAN", "qcom-extcap": "QCOMEXTENDED",
            "rtl8195": "RTL8195VD1406", "rtl-p2p": "RTLWIFIP2P",
            "handshake-capture": "HANDSHAKECAPTURE",
            "adhoc-conflict": "ADHOCCONFLICT", "wmm-tspec": "WMMTSPEC",
            "bad-fixlen": "BADFIXLENIE", "vdoo-27301": "VDOO202027301",
            "vdoo-27302": "VDOO202027302"}

# Kismet's class for OVERPOWERED: not an attack, the receiver's trouble.
OTHER_CLASS = {"OVERPOWERED"}

# The site's access points by a mask: 02:00:5e:10:00:xx.
KEYS = ['apspoof=Home:ssid="osprey-home",'
        'validmacs="02:00:5e:10:00:00/ff:ff:ff:ff:ff:00"',
        'ssidcanary=Bait:ssid="osprey-canary"']


def check_scenario(attack):
    want, allowed = EXPECT[attack]
    cap = alertlib.generate(GEN, TMP, attack)
    core = alertlib.AlertCore(BINS, [cap], KEYS)
    try:
        core.wait_done()
        got = core.alerts()
        defs = core.definitions()
    finally:
        core.stop()
    names = {a["kismet.alert.header"] for a in got}
    for name, fields in want.items():
        mine = [a for a in got if a["kismet.alert.header"] == name]
        assert mine, (attack, name, names)
        a = mine[0]
        assert (a["kismet.alert.class"] != "OTHER") == (
            name not in OTHER_CLASS), a
        assert a["kismet.alert.severity"] > 0, a
        assert a["kismet.alert.phy_id"] == 0, a
        for f, v in fields.items():
            got_v = a["kismet.alert.%s" % f]
            if v is None:
                continue
            assert got_v == v, (attack, name, f, got_v, v, a)
        if "transmitter_mac" in fields and name not in SYSTEM:
            assert a["kismet.alert.device_key"].startswith(
                "4202770D00000000_"), a
    extra = names - set(want) - set(allowed) - SYSTEM
    assert not extra, (attack, "unexpected alerts", extra, got)
    if attack in REPEATED:
        d = defs[REPEATED[attack]]
        sent, held = (d["kismet.alert.definition.total_sent"],
                      d["osprey.alert.definition.throttled"])
        assert 1 <= sent <= 5 and held >= 1, (attack, sent, held)


def make_test(attack):
    def t():
        check_scenario(attack)
    t.__name__ = "attack_" + attack.replace("-", "_")
    return t


def test_flood_rate_limit():
    """Ten minutes of deauthentication flood, replayed as fast as the core
    takes it: DEAUTHFLOOD stays within 5/min (plus its 2/sec burst), and
    the rest are counted as throttled."""
    cap = alertlib.generate(GEN, TMP, "deauth-flood", seconds=600)
    core = alertlib.AlertCore(BINS, [cap])
    try:
        core.wait_done()
        d = core.definitions()["DEAUTHFLOOD"]
        devs = core.get("/devices/by-mac/%s/devices.json" % AP)
        alerts = core.alerts()
        one = [a for a in alerts if a["kismet.alert.header"] ==
               "DEAUTHFLOOD"][-1]
        by_id = core.get("/alerts/by-id/%d/alert.json" %
                         one["osprey.alert.id"])
        st, _, _ = core.request("GET", "/alerts/by-id/0/alert.json")
        assert st == 404, st
        st, _, pcapng = core.request(
            "GET", "/alerts/by-id/%d/packets.pcapng" % one["osprey.alert.id"])
        assert st == 200, (st, pcapng[:200])
    finally:
        core.stop()
    sent, held = (d["kismet.alert.definition.total_sent"],
                  d["osprey.alert.definition.throttled"])
    # 595 s of flood, one attempt a second: 5 a minute get through.
    assert 45 <= sent <= 5 * 10 + 2, (sent, held)
    assert held >= 500, (sent, held)
    assert d["kismet.alert.definition.limit_rate"] == 5
    # The backlog keeps the newest 50.
    assert len(alerts) == 50, len(alerts)
    # The AP's device counts every alert raised about it.
    assert devs[0]["kismet.device.base.num_alerts"] >= sent, devs[0]
    # The frame that raised it: radiotap, then a deauthentication.
    pkt = by_id["osprey.alert.packet"]
    assert pkt["osprey.alert.packet.dlt"] == 127, pkt
    raw = bytes.fromhex(pkt["osprey.alert.packet.data"])
    rt = raw[2] | raw[3] << 8
    assert raw[rt] == 0xc0, raw[:rt + 2].hex()
    assert by_id["kismet.alert.timestamp"] == one["kismet.alert.timestamp"]
    # The same frame as pcapng: section, interface (radiotap), the frame.
    import struct
    assert pcapng[:4] == b"\x0a\x0d\x0d\x0a", pcapng[:8]
    off, blocks = 0, []
    while off < len(pcapng):
        btype, blen = struct.unpack_from("<II", pcapng, off)
        blocks.append((btype, pcapng[off:off + blen]))
        off += blen
    assert [b[0] for b in blocks] == [0x0a0d0d0a, 1, 6], blocks
    assert struct.unpack_from("<H", blocks[1][1], 8)[0] == 127
    epb = blocks[2][1]
    caplen = struct.unpack_from("<I", epb, 20)[0]
    assert epb[28:28 + caplen] == raw, (caplen, len(raw))
    hi, lo = struct.unpack_from("<II", epb, 12)
    assert abs(((hi << 32) | lo) / 1e6 -
               one["kismet.alert.timestamp"]) < 1e-5
    assert by_id["kismet.alert.frequency"] == 2437000.0, by_id


def test_kismetdb_alerts():
    """With log_types=kismet, each alert is a row of the alerts table."""
    cap = alertlib.generate(GEN, TMP, "bcast-disconnect")
    logdir = tempfile.mkdtemp(prefix="kdb-", dir=TMP)
    core = alertlib.AlertCore(BINS, [cap], [
        "enable_logging=true", "log_types=kismet",
        "log_prefix=%s/" % logdir])
    try:
        core.wait_done()
        n = len([a for a in core.alerts()
                 if a["kismet.alert.header"] == "BCASTDISCON"])
    finally:
        core.stop()
    files = [f for f in os.listdir(logdir) if f.endswith(".kismet")]
    assert len(files) == 1, files
    db = sqlite3.connect(os.path.join(logdir, files[0]))
    rows = db.execute("SELECT header, devmac, phyname, json FROM alerts "
                      "WHERE header = 'BCASTDISCON'").fetchall()
    db.close()
    assert n == 3 and len(rows) == n, (n, rows)
    assert rows[0][1] == AP and rows[0][2] == "IEEE802.11", rows[0]
    js = rows[0][3] if isinstance(rows[0][3], str) else rows[0][3].decode()
    assert '"kismet.alert.dest_mac":"FF:FF:FF:FF:FF:FF"' in \
        js.replace(" ", ""), js


def test_watch_lists_and_source_error():
    """devicefound= for the client, devicelost= (1 s) for the AP, and a
    capture file that is not one: SOURCEERROR."""
    cap = alertlib.generate(GEN, TMP, "none")
    bad = os.path.join(TMP, "not-a-capture.pcap")
    with open(bad, "wb") as f:
        f.write(b"this is not a capture file" * 10)
    core = alertlib.AlertCore(BINS, [cap], [
        "devicefound=%s" % CLIENT.lower(), "devicelost=%s" % AP,
        "devicelost_timeout=1", "source=%s:name=bad" % bad])
    try:
        core.wait_done()
        got = core.wait(lambda: (lambda a: a if {"DEVICEFOUND",
                                                  "DEVICELOST",
                                                  "SOURCEERROR"} <= {
            x["kismet.alert.header"] for x in a} else None)(core.alerts()),
            "the watch list and source alerts")
    finally:
        core.stop()
    by = {a["kismet.alert.header"]: a for a in got}
    assert by["DEVICEFOUND"]["kismet.alert.source_mac"] == CLIENT, by
    assert by["DEVICELOST"]["kismet.alert.source_mac"] == AP, by
    assert by["DEVICEFOUND"]["kismet.alert.class"] == "SYSTEM"
    assert "bad" in by["SOURCEERROR"]["kismet.alert.text"], by


def test_apspoof_regex():
    """apspoof= with Kismet's ssidregex= (its "(?i)" form too) fires for
    the rogue of the evil-twin scenario, and a bad expression stops the
    start with the key's file and line."""
    cap = alertlib.generate(GEN, TMP, "evil-twin")
    core = alertlib.AlertCore(BINS, [cap], [
        'apspoof=Home:ssidregex="(?i)^OSPREY-HO.E$",'
        'validmacs="02:00:5e:10:00:00/ff:ff:ff:ff:ff:00"',
        'apspoof=Other:ssidregex="^home",validmacs="00:11:22:33:44:55"'])
    try:
        core.wait_done()
        got = [a for a in core.alerts()
               if a["kismet.alert.header"] == "APSPOOF"]
    finally:
        core.stop()
    assert got and all(a["kismet.alert.transmitter_mac"] == ROGUE and
                       "Rule Home:" in a["kismet.alert.text"]
                       for a in got), got
    conf = os.path.join(TMP, "badregex.conf")
    with open(conf, "w") as f:
        f.write('remote_capture_enabled=false\n'
                'apspoof=Bad:ssidregex="(unclosed",validmacs="00:11:22:33:44:55"\n')
    r = subprocess.run([BINS["osprey"], "-f", conf, "--allow-root",
                        "--no-web", "-n", "--exit-when-done"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    assert r.returncode != 0 and "badregex.conf:2: apspoof: ssidregex:" \
        in r.stderr, (r.returncode, r.stderr)
    return "%d APSPOOF from the rogue by expression; a bad one: %s" % (
        len(got), r.stderr.strip().splitlines()[-1][-80:])


def two_sources_attempts(prelude):
    """A burst of 40 broadcast deauthentications (aireplay-ng's, 1 ms
    apart) heard by two sources, north and south, replaying the same
    capture.  The sources are added one after the other over REST, each
    once the one before has delivered every frame, so the order the core
    sees is fixed, not a race between two helpers.  Every frame lies
    within 100 ms of capture time (the deduplication window), so the
    order alone decides what is a copy.  The tracker only keeps frames
    for comparison once a second source is active (doc/devices.md): with
    the prelude (two sources delivering two beacons first) it is when the
    burst comes; without it, north's copies were never kept.  Returns
    BCASTDISCON's and DEAUTHFLOOD's attempts (sent and held back)."""
    t0 = 1700000000.0
    ap = bytes.fromhex(AP.replace(":", ""))
    pre = [(t0 + i * 0.001, gpslib.radiotap(6, -40) +
            gpslib.beacon(ap, "osprey-home", 6, True, i)) for i in range(2)]
    burst = [(t0 + 0.010 + i * 0.001, gpslib.radiotap(6, -40) +
              struct.pack("<HH6s6s6sHH", 0x00c0, 314, b"\xff" * 6, ap, ap,
                          (100 + i) << 4, 7)) for i in range(40)]
    paths = {}
    for name, frames in (("pre", pre), ("burst", burst)):
        paths[name] = os.path.join(TMP, "two-%s.pcapng" % name)
        with open(paths[name], "wb") as f:
            f.write(gpslib.pcapng(frames))
    steps = [("burst", "north", 40), ("burst", "south", 40)]
    if prelude:
        steps = [("pre", "pre1", 2), ("pre", "pre2", 2)] + steps
    core = gpslib.Core(BINS)
    try:
        for cap, name, n in steps:
            core.post("/datasource/add_source.cmd",
                      {"definition": "%s:name=%s" % (paths[cap], name)})
            core.wait(lambda: (core.source(name) or {}).get(
                "kismet.datasource.num_packets", 0) >= n,
                "%s's %d frames" % (name, n))
        defs = {d["kismet.alert.definition.header"]: d
                for d in core.get("/alerts/definitions.json")}
    finally:
        core.stop()
    return tuple(defs[a]["kismet.alert.definition.total_sent"] +
                 defs[a]["osprey.alert.definition.throttled"]
                 for a in ("BCASTDISCON", "DEAUTHFLOOD"))


def test_two_sources_count_once():
    """A flood two sources hear is checked once (the tracker's cross-source
    deduplication); the same run without the prelude checks every copy,
    which shows what the deduplication took away."""
    once = two_sources_attempts(True)
    assert once == (40, 1), once
    twice = two_sources_attempts(False)
    assert twice == (80, 1), twice
    return "BCASTDISCON checked %d times for 40 frames heard twice (%d " \
        "without the prelude)" % (once[0], twice[0])


def main():
    tests = [make_test(a) for a in EXPECT]
    tests += [test_flood_rate_limit, test_kismetdb_alerts,
              test_watch_lists_and_source_error, test_apspoof_regex,
              test_two_sources_count_once]
    try:
        return alertlib.run_tap(tests)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
