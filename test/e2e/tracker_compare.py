#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: hold the tracker's devices against what tshark sees in a capture
#
#   tracker_compare.py TRACKER_DUMP            every capture in $OSPREY_CAPTURES
#   tracker_compare.py --json DEVICES CAPTURE  one capture, devices from a file
#
# The first form runs tracker_dump (decode + track, devices as JSON) on
# each shared capture; the second takes a devices JSON file from anything
# that writes /devices/all_devices.json's format (osprey --devices-json)
# and the capture it came from.
#
# tshark is the independent view: its fields for every frame go through
# the classification rules of doc/devices.md, written out again here, to
# give the expected access points (BSSIDs that sent beacons or probe
# responses), their SSIDs, channel and encryption, and the client MACs.
# Nothing is written down about the captures themselves; the known
# differences below name the capture and frame and say why.  Exit 0 when
# every difference is explained, 1 otherwise, 77 when the captures or
# tshark are missing.
import concurrent.futures
import gzip
import json
import os
import re
import shutil
import subprocess

from tshark_cache import tshark
import sys
import tempfile

FIELDS = [
    "frame.number", "wlan.fc.type", "wlan.fc.subtype", "wlan.fc.tods",
    "wlan.fc.fromds", "wlan.ra", "wlan.ta", "wlan.sa", "wlan.bssid",
    "wlan.ssid", "wlan.tag.number", "wlan.fixed.capabilities.ess",
    "wlan.fixed.capabilities.ibss", "wlan.fixed.capabilities.privacy",
    "wlan.ds.current_channel", "wlan.ht.info.primarychannel",
    "wlan_radio.channel", "wlan.rsn.akms.type", "wlan.wfa.ie.wpa.type",
    "wlan.wfa.ie.wpa.mcs.type", "wlan.fixed.status_code", "_ws.malformed",
    "radiotap.flags.badfcs", "ppi.80211-common.flags.fcs-invalid",
    "wlan.fcs.bad_checksum", "frame.len", "frame.cap_len",
    "wlan.fc.protected", "eapol.keydes.type", "wlan.wep.iv",
]

# RSN AKM suite types (IEEE 802.11-2020 Table 9-151) by generation, as
# osprey reports them (the strongest wins: OWE, WPA3, WPA2).
AKM_GEN = {1: "WPA2", 2: "WPA2", 3: "WPA2", 4: "WPA2", 5: "WPA2",
           6: "WPA2", 8: "WPA3", 9: "WPA3", 11: "WPA3", 12: "WPA3",
           13: "WPA3", 14: "WPA2", 15: "WPA2", 16: "WPA2", 17: "WPA2",
           18: "OWE", 19: "WPA2", 20: "WPA2", 22: "WPA3", 23: "WPA3",
           24: "WPA3", 25: "WPA3"}
GEN_ORDER = ["OWE", "WPA3", "WPA2", "WPA", "WEP", "Encrypted (unknown)",
             "Open"]
# EAPOL-Key descriptor types: RSN (WPA2) and WPA's own.
EAPOL_GEN = {2: "WPA2", 254: "WPA"}

# Differences explained, by (capture, what, MAC): what is "ap", "client",
# "not-ap", "not-client", "ssids", "channel" or "crypt".
#
# All of them are frames whose element list runs past the end of the
# captured bytes.  tshark shows what it read before the fault ("Tag Length
# is longer than remaining payload" or "Malformed Packet (Exception
# occurred)"); osprey's decoder marks such a frame PACKET_ERR_DOT11, and
# the tracker counts a frame with an error against no device
# (doc/devices.md, "Input").
CUT = "element list cut short; decoder: PACKET_ERR_DOT11, not tracked"
KNOWN = {
    # Frame 1, its only beacon: 262 bytes, the last element overruns.
    ("aircrack-ng__wpa.cap", "ap", "00:0d:93:eb:b0:8c"): "frame 1: " + CUT,
    # Frame 1, the only frame: a beacon whose element 228 overruns.
    ("packetnet__80211_raw_with_fcs.pcap", "ap", "00:1b:2f:dc:fc:12"):
        "frame 1: " + CUT,
    # Frames 658, 666, 680: 26-byte probe responses (the header and two
    # bytes), the AP's only frames; no fixed fields, no elements.
    ("pyrit__wpapsk-virgin_broadband.pcap", "ap", "00:1f:e2:a0:a1:21"):
        "frames 658, 666, 680: probe responses cut after the header; " +
        CUT,
    # Frame 575: the client's only probe request is cut short.
    ("john-samples__wpa-Induction.pcapng", "client", "4a:91:5a:a3:e4:0b"):
        "frame 575: " + CUT,
    # Frame 731, the AP's last beacon, is cut before its RSN element, so
    # tshark sees Privacy without RSN (WEP); osprey keeps the WPA2 of the
    # earlier, whole beacons.
    ("ehn1225-airodump__sample2.pcap", "crypt", "b8:11:4b:c7:d8:cc"):
        "frame 731: " + CUT,
}


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          errors="replace")


def ints(s):
    out = []
    for x in s.split(","):
        try:
            out.append(int(x, 0))
        except ValueError:
            pass
    return out


def unicast(mac):
    if not mac or mac == "00:00:00:00:00:00":
        return False
    return int(mac[:2], 16) & 1 == 0


def cut(t):
    """The capture kept less of the frame than was sent (snap length)."""
    n, c = ints(t["frame.len"]), ints(t["frame.cap_len"])
    return bool(n and c and c[0] < n[0])


def strongest(gens):
    for g in GEN_ORDER:
        if g in gens:
            return g
    return "Open"


def crypt_gen(t):
    """Security generation of a beacon or probe response, from tshark.

    Privacy without an RSN or WPA element is WEP in a frame captured
    whole; in a frame the snap length cut, that element may be what was
    lost, so it is only "Encrypted (unknown)"."""
    gens = set(AKM_GEN.get(a) for a in ints(t["wlan.rsn.akms.type"]))
    if t["wlan.wfa.ie.wpa.type"] or t["wlan.wfa.ie.wpa.mcs.type"]:
        gens.add("WPA")
    if t["wlan.fixed.capabilities.privacy"] in ("1", "True") and \
            not gens & {"OWE", "WPA3", "WPA2", "WPA"}:
        gens.add("Encrypted (unknown)" if cut(t) else "WEP")
    return strongest(gens)


def tshark_rows(path):
    args = ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
            "-E", "aggregator=,"]
    for f in FIELDS:
        args += ["-e", f]
    r = tshark(path, args)
    if r.returncode != 0 and not r.stdout:
        raise RuntimeError("tshark %s: %s" % (path, r.stderr.strip()))
    rows = []
    for line in r.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        rows.append(dict(zip(FIELDS, v)))
    return rows


def first(s):
    return s.split(",")[0]


def expected(rows):
    """Apply doc/devices.md's rules to tshark's fields, frame by frame."""
    aps = {}		# MAC -> record
    any_ap = set()	# AP, probe-answering AP or BSSID of traffic
    clients = {}	# MAC -> first frame that made it one
    devices = set()
    bss_crypt = {}	# BSSID -> what its data frames showed

    def ap_rec(mac):
        return aps.setdefault(mac, {"ssids": {}, "adv": {}, "chan": None,
                                    "last": None, "first": None,
                                    "frame": None, "resp_chan": None})

    def data_crypt(ap, t, num):
        """A data frame of ap's BSS: protected bit, EAPOL descriptor."""
        c = bss_crypt.setdefault(ap, {})
        if first(t["wlan.fc.protected"]) in ("1", "True"):
            # tshark names a WEP IV (no Extended IV bit) wlan.wep.iv.
            c.setdefault("WEP" if t["wlan.wep.iv"] else
                         "Encrypted (unknown)", num)
        for d in ints(t["eapol.keydes.type"]):
            if d in EAPOL_GEN:
                c.setdefault(EAPOL_GEN[d], num)

    for t in rows:
        if "1" in (first(t["radiotap.flags.badfcs"]),
                   first(t["ppi.80211-common.flags.fcs-invalid"])) or \
                t["wlan.fcs.bad_checksum"] == "1":
            continue		# osprey drops frames with a bad FCS
        num = int(t["frame.number"])
        typ = ints(t["wlan.fc.type"])
        sub = ints(t["wlan.fc.subtype"])
        if not typ or not sub:
            continue
        typ, sub = typ[0], sub[0]
        ta = first(t["wlan.ta"]) or (first(t["wlan.sa"]) if typ == 0
                                     else "")
        ra = first(t["wlan.ra"])
        bssid = first(t["wlan.bssid"])
        if typ == 0:
            if sub in (10, 12):		# deauth, disassoc: create nothing
                continue
            if not unicast(ta):
                continue
            devices.add(ta)
            if sub in (5, 8):		# probe response, beacon
                ess = first(t["wlan.fixed.capabilities.ess"])
                ibss = first(t["wlan.fixed.capabilities.ibss"])
                if ibss in ("1", "True") and ess not in ("1", "True"):
                    continue		# ad-hoc, not an AP
                any_ap.add(ta)
                a = ap_rec(ta)
                if a["frame"] is None:
                    a["frame"] = num
                if 0 not in ints(t["wlan.tag.number"]):
                    continue		# no SSID element
                try:
                    raw = bytes.fromhex(first(t["wlan.ssid"]))
                except ValueError:
                    raw = b""	# "<MISSING>": a zero-length SSID
                cloaked = len(raw) == 0 or raw.count(0) == len(raw)
                key = b"" if cloaked else raw[:32]
                if not cloaked:
                    a["ssids"].setdefault(key, num)
                adv = a["adv"].setdefault(key, {})
                # A cut frame never replaces what a whole one showed.
                if not cut(t):
                    adv["crypt"] = (crypt_gen(t), num)
                    adv["whole"] = True
                elif not adv.get("whole"):
                    g = strongest({crypt_gen(t),
                                   adv.get("crypt", ("Open",))[0]})
                    adv["crypt"] = (g, num)
                ch = ints(t["wlan.ht.info.primarychannel"])
                ds = ints(t["wlan.ds.current_channel"])
                rc = ints(t["wlan_radio.channel"])
                chan = (ch[0] if ch and ch[0] else
                        ds[0] if ds and ds[0] else rc[0] if rc else None)
                if chan:
                    a["adv"][key]["chan"] = (chan, num)
                    if sub == 5:
                        a["resp_chan"] = (chan, num)
                if a["first"] is None:
                    a["first"] = key
                if sub == 8:
                    a["last"] = key
                continue
            if sub == 4:		# probe request
                clients.setdefault(ta, num)
                continue
            if not unicast(bssid):
                continue
            from_bss = bssid == ta
            if sub in (0, 2, 11):	# (re)association request, auth
                if from_bss:
                    any_ap.add(ta)
                    continue
                devices.add(bssid)
                any_ap.add(bssid)
                clients.setdefault(ta, num)
            elif sub in (1, 3):		# (re)association response
                st = ints(t["wlan.fixed.status_code"])
                if from_bss and st and st[0] == 0 and unicast(ra) and \
                        ra != ta:
                    any_ap.add(ta)
                    devices.add(ra)
                    clients.setdefault(ra, num)
        elif typ == 2:
            if not unicast(ta):
                continue
            devices.add(ta)
            tods = first(t["wlan.fc.tods"]) in ("1", "True")
            fromds = first(t["wlan.fc.fromds"]) in ("1", "True")
            if tods and fromds:
                continue		# WDS: neither AP nor client
            if tods:
                if unicast(ra) and ra != ta:
                    devices.add(ra)
                    any_ap.add(ra)
                    clients.setdefault(ta, num)
                    data_crypt(ra, t, num)
            elif fromds:
                any_ap.add(ta)
                data_crypt(ta, t, num)
                if unicast(ra) and ra != ta:
                    devices.add(ra)
                    clients.setdefault(ra, num)
            elif unicast(bssid) and bssid in any_ap and bssid != ta and \
                    bssid in devices:
                clients.setdefault(ta, num)
                data_crypt(bssid, t, num)
    # BSSIDs that never advertised: their data frames' view.
    data_aps = {mac: bss_crypt.get(mac, {}) for mac in any_ap - set(aps)}
    return aps, clients, data_aps


def ssid_bytes(s):
    """Undo devrec.c's escaping: \\xHH is a byte, the rest UTF-8."""
    out = bytearray()
    for part in re.split(r"(\\x[0-9A-F]{2})", s):
        if part.startswith("\\x") and len(part) == 4:
            out.append(int(part[2:], 16))
        else:
            out += part.encode("utf-8")
    return bytes(out)


def observed(devs):
    aps, clients, dcrypt = {}, set(), {}
    for d in devs:
        mac = d["kismet.device.base.macaddr"].lower()
        dcrypt[mac] = d["kismet.device.base.crypt"]
        d11 = d["dot11.device"]
        ts = d11["dot11.device.typeset"]
        if ts & 4:
            clients.add(mac)
        if ts & (1 | 256):
            ssids = set()
            for a in d11["dot11.device.advertised_ssid_map"]:
                if not a["dot11.advertisedssid.cloaked"]:
                    ssids.add(ssid_bytes(a["dot11.advertisedssid.ssid"]))
            crypt = d["kismet.device.base.crypt"].split("-")[0]
            aps[mac] = {"ssids": ssids,
                        "chan": d["kismet.device.base.channel"],
                        "crypt": crypt,
                        "beaconed": ts & 1}
    return aps, clients, dcrypt


def compare(name, devs, rows):
    """Differences as (what, mac, detail) tuples."""
    want_aps, want_clients, want_data = expected(rows)
    got_aps, got_clients, got_crypt = observed(devs)
    diffs = []
    for mac in sorted(set(want_aps) - set(got_aps)):
        diffs.append(("ap", mac, "tshark: AP from frame %d" %
                      want_aps[mac]["frame"]))
    for mac in sorted(set(got_aps) - set(want_aps)):
        diffs.append(("not-ap", mac, "osprey: AP, tshark: none"))
    for mac in sorted(set(want_clients) - got_clients):
        diffs.append(("client", mac, "tshark: client from frame %d" %
                      want_clients[mac]))
    for mac in sorted(got_clients - set(want_clients)):
        diffs.append(("not-client", mac, "osprey: client, tshark: none"))
    for mac in sorted(set(want_aps) & set(got_aps)):
        w, g = want_aps[mac], got_aps[mac]
        if set(w["ssids"]) != g["ssids"]:
            diffs.append(("ssids", mac, "tshark %r, osprey %r" %
                          (sorted(w["ssids"]), sorted(g["ssids"]))))
        # The device's channel and crypt are its last beaconed SSID's
        # (or, never having beaconed, its first answered one's).
        key = w["last"] if w["last"] is not None else w["first"]
        adv = w["adv"].get(key, {})
        if w["last"] is not None and "chan" in adv and \
                str(adv["chan"][0]) != g["chan"]:
            diffs.append(("channel", mac, "tshark %s (frame %d), osprey %s"
                          % (adv["chan"][0], adv["chan"][1], g["chan"])))
        # Never beaconed: the channel its last probe response named.
        rc = w["resp_chan"]
        if w["last"] is None and rc is not None and str(rc[0]) != g["chan"]:
            diffs.append(("channel", mac, "tshark %s (frame %d, probe "
                          "response), osprey %s" % (rc[0], rc[1], g["chan"])))
        if "crypt" in adv and adv["crypt"][0] != g["crypt"]:
            diffs.append(("crypt", mac, "tshark %s (frame %d), osprey %s" %
                          (adv["crypt"][0], adv["crypt"][1], g["crypt"])))
    # A BSSID seen only in traffic: the strongest its data frames show.
    for mac in sorted(set(want_data) & set(got_crypt)):
        w = want_data[mac]
        gen = strongest(set(w))
        got = got_crypt[mac].split("-")[0]
        if gen != got:
            diffs.append(("crypt", mac, "tshark %s (frame %s, data), "
                          "osprey %s" % (gen, w.get(gen, "-"), got)))
    return diffs, len(want_aps), len(want_clients)


def plain_copy(path, tmp):
    """libpcap cannot read gzip: give it the plain file."""
    if not path.endswith(".gz"):
        return path
    out = os.path.join(tmp, os.path.basename(path)[:-3])
    with gzip.open(path, "rb") as f, open(out, "wb") as g:
        shutil.copyfileobj(f, g)
    return out


def one(name, path, dump, tmp):
    path = plain_copy(path, tmp)
    r = run([dump, path])
    if r.returncode != 0:
        raise RuntimeError("%s %s: exit %d: %s" % (dump, path, r.returncode,
                           r.stderr.strip()))
    return compare(name, json.loads(r.stdout), tshark_rows(path))


def report(name, diffs, n_aps, n_clients):
    bad = 0
    for what, mac, detail in diffs:
        why = KNOWN.get((name, what, mac))
        if why is None:
            print("%s: %s %s: %s" % (name, what, mac, detail))
            bad += 1
        else:
            print("%s: %s %s: explained: %s" % (name, what, mac, why))
    print("%s: %d APs, %d clients, %d differences, %d unexplained" %
          (name, n_aps, n_clients, len(diffs), bad))
    return bad


def main():
    if shutil.which("tshark") is None:
        print("tshark not installed, skipped")
        return 77
    if len(sys.argv) == 4 and sys.argv[1] == "--json":
        with open(sys.argv[2]) as f:
            devs = json.load(f)
        name = os.path.basename(sys.argv[3])
        with tempfile.TemporaryDirectory() as tmp:
            rows = tshark_rows(plain_copy(sys.argv[3], tmp))
        return 1 if report(name, *compare(name, devs, rows)) else 0
    if len(sys.argv) != 2:
        print("usage: tracker_compare.py TRACKER_DUMP\n"
              "       tracker_compare.py --json DEVICES.json CAPTURE",
              file=sys.stderr)
        return 2
    dump = sys.argv[1]
    caps = os.environ.get("OSPREY_CAPTURES", "")
    if not caps or not os.path.isfile(os.path.join(caps, "MANIFEST.tsv")):
        print("OSPREY_CAPTURES (%s) has no captures, skipped" % caps)
        return 77
    with open(os.path.join(caps, "MANIFEST.tsv")) as f:
        names = [l.split("\t")[0] for l in f.read().splitlines()[1:] if l]
    bad = total = 0
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(2) as pool:
        jobs = {n: pool.submit(one, n, os.path.join(caps, n), dump, tmp)
                for n in names}
        for n in names:
            diffs, n_aps, n_clients = jobs[n].result()
            bad += report(n, diffs, n_aps, n_clients)
            total += len(diffs)
    stale = [k for k in KNOWN if k[0] not in names]
    for k in stale:
        print("known difference for a capture that is gone: %r" % (k,))
    print("%d captures, %d differences, %d unexplained" %
          (len(names), total, bad))
    return 1 if bad or stale else 0


if __name__ == "__main__":
    sys.exit(main())
