#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: compare osprey's decoding of every shared capture with tshark's
#
# For each capture in $OSPREY_CAPTURES, run tshark once (-T fields) and
# decode_dump once, line the frames up by number and compare field by
# field.  Expectations come from tshark at test time; nothing about the
# captures is written down here except the known differences below, each
# explained.  Exit 0 when every difference is explained, 1 otherwise, 77
# when the captures or tshark are missing.
import concurrent.futures
import gzip
import os
import shutil
import subprocess

from tshark_cache import tshark
import sys
import tempfile

# Fields compared as they are (first occurrence on the tshark side).
SAME = [
    "wlan.fc.type_subtype", "wlan.bssid", "wlan.sa", "wlan.da", "wlan.ta",
    "wlan.ra", "wlan.ssid", "wlan_radio.channel", "wlan_radio.frequency",
    "wlan_radio.signal_dbm", "wlan_radio.noise_dbm",
    "wlan_rsna_eapol.keydes.key_info", "eapol.keydes.replay_counter",
    "wlan.fc.protected", "wlan.fc.retry", "wlan.seq", "wlan.qos.tid",
    "wlan.fixed.beacon", "wlan.fixed.capabilities", "wlan.fixed.reason_code",
    "wlan.fixed.status_code", "wlan.fixed.auth.alg",
    "wlan.ds.current_channel", "wlan.country_info.code",
    "wlan.ht.info.primarychannel", "wlan.ht.info.secchanoffset",
    "wlan.vht.op.channelwidth", "wlan.vht.op.channelcenter0",
    "wps.wifi_protected_setup_state", "llc.type",
]
# tshark-only inputs to the derived checks.
EXTRA = [
    "wlan.extended_supported_rates", "wlan.rsn.akms.type",
    "wlan.rsn.pcs.type", "wlan.rsn.gcs.type", "wlan.rsn.capabilities.mfpc",
    "wlan.rsn.capabilities.mfpr", "wlan.wfa.ie.wpa.type",
    "wlan.wfa.ie.wpa.ucs.type", "wlan.wfa.ie.wpa.mcs.type",
    "radiotap.dbm_antsignal", "radiotap.dbm_antnoise",
    "wlan.fixed.capabilities.privacy", "wlan.wfa.ie.type", "_ws.malformed",
    "frame.len", "frame.cap_len", "wlan.fc.version",
    "wlan_rsna_eapol.keydes.key_info.key_type",
    "radiotap.flags.badfcs", "ppi.80211-common.flags.fcs-invalid",
]

# enum dot11_crypt bits (daemon/packet.h).
CRYPT = dict(WEP=1 << 0, WPA=1 << 1, WPA2=1 << 2, WPA3=1 << 3, OWE=1 << 4,
             TKIP=1 << 8, CCMP=1 << 9, GCMP=1 << 10, WEP40=1 << 11,
             WEP104=1 << 12, PSK=1 << 16, X8021=1 << 17, SAE=1 << 18,
             FT=1 << 19, PMF=1 << 20, WPS=1 << 24, UNKNOWN=1 << 5)
CIPHER = {1: "WEP40", 2: "TKIP", 4: "CCMP", 5: "WEP104", 8: "GCMP",
          9: "GCMP", 10: "CCMP"}
RSN_AKM = {1: "WPA2 X8021", 2: "WPA2 PSK", 3: "WPA2 X8021 FT",
           4: "WPA2 PSK FT", 5: "WPA2 X8021", 6: "WPA2 PSK", 8: "WPA3 SAE",
           9: "WPA3 SAE FT", 11: "WPA3 X8021", 12: "WPA3 X8021",
           13: "WPA3 X8021 FT", 14: "WPA2 X8021", 15: "WPA2 X8021",
           16: "WPA2 X8021 FT", 17: "WPA2 X8021 FT", 18: "OWE",
           19: "WPA2 PSK FT", 20: "WPA2 PSK", 22: "WPA3 X8021 FT",
           23: "WPA3 X8021", 24: "WPA3 SAE", 25: "WPA3 SAE FT"}
WPA_AKM = {1: "X8021", 2: "PSK"}

# Frame errors (enum packet_error).
ERR_OK, ERR_DLT, ERR_RADIO, ERR_FCS, ERR_SHORT, ERR_DOT11 = range(6)


def bits(names):
    v = 0
    for n in names.split():
        v |= CRYPT[n]
    return v


def ints(s):
    return [int(x, 0) for x in s.split(",") if x != ""]


def first(s):
    return s.split(",")[0]


def expect_crypt(t):
    """The dot11_crypt bits tshark's view of the elements implies."""
    v = 0
    for a in ints(t["wlan.rsn.akms.type"]):
        v |= bits(RSN_AKM.get(a, ""))
    for c in ints(t["wlan.rsn.pcs.type"]) + ints(t["wlan.rsn.gcs.type"]):
        v |= bits(CIPHER.get(c, ""))
    if "1" in t["wlan.rsn.capabilities.mfpc"].split(",") or \
            "1" in t["wlan.rsn.capabilities.mfpr"].split(","):
        v |= CRYPT["PMF"]
    if t["wlan.wfa.ie.wpa.mcs.type"] or t["wlan.wfa.ie.wpa.type"]:
        v |= CRYPT["WPA"]
    # Wireshark names the WPA element's AKM type wlan.wfa.ie.wpa.type.
    for a in ints(t["wlan.wfa.ie.wpa.type"]):
        v |= bits(WPA_AKM.get(a, ""))
    for c in ints(t["wlan.wfa.ie.wpa.ucs.type"]) + \
            ints(t["wlan.wfa.ie.wpa.mcs.type"]):
        v |= bits(CIPHER.get(c, ""))
    if 4 in ints(t["wlan.wfa.ie.type"]):
        v |= CRYPT["WPS"]
    if t["wlan.fixed.capabilities.privacy"] == "1" and not v & (
            CRYPT["WPA"] | CRYPT["WPA2"] | CRYPT["WPA3"] | CRYPT["OWE"]):
        v |= CRYPT["WEP"]
    return v


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          errors="replace")


def dump_rows(path, dump):
    """osprey's view of one capture; raises if decode_dump failed."""
    r = run([dump, path])
    if r.returncode != 0 or not r.stdout.startswith("#"):
        raise RuntimeError("%s %s: exit %d: %s" % (dump, path, r.returncode,
                           r.stderr.strip()))
    out = r.stdout.splitlines()
    names = out[0][1:].split("\t")
    return [dict(zip(names, line.split("\t"))) for line in out[1:]]


def load(path, dump):
    """Both views of one capture: (osprey rows, tshark rows)."""
    ours = dump_rows(path, dump)
    tfields = ["frame.number"] + SAME + ["wlan_radio.data_rate",
              "wlan_rsna_eapol.keydes.msgnr", "wlan.mesh.id",
              "wlan.tim.dtim_period", "wlan.supported_rates"] + EXTRA
    args = ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a"]
    for f in tfields:
        args += ["-e", f]
    theirs = [dict(zip(tfields, line.split("\t")))
              for line in tshark(path, args).stdout.splitlines()]
    return ours, theirs


def num(s):
    """A tshark or osprey number, decimal or hex; '' stays ''."""
    return "" if s == "" else str(int(s, 0))


def rate_equal(a, b):
    if a == "" or b == "":
        return a == b
    return abs(float(a) - float(b)) < 0.15


# Management subtypes whose body osprey walks for elements.
MGMT_WITH_IES = ["0x%04x" % s for s in (0, 1, 2, 3, 4, 5, 8, 11)]
# Fields tshark also finds in frames osprey does not dissect that far
# (action frames, SAE authentication, ...): compared only in these.
ONLY_IN = {
    "wlan.fixed.reason_code": ["0x000a", "0x000c"],
    "wlan.fixed.status_code": ["0x0001", "0x0003", "0x000b"],
    "wlan.fixed.auth.alg": ["0x000b"],
}
IE_FIELDS = [
    "wlan.ssid", "wlan.ds.current_channel", "wlan.country_info.code",
    "wlan.ht.info.primarychannel", "wlan.ht.info.secchanoffset",
    "wlan.vht.op.channelwidth", "wlan.vht.op.channelcenter0",
    "wps.wifi_protected_setup_state", "wlan.mesh.id",
]
NUMERIC = [
    "wlan_rsna_eapol.keydes.key_info", "eapol.keydes.replay_counter",
    "wlan.fixed.reason_code", "wlan.fixed.status_code",
    "wlan.fixed.capabilities", "wlan.ht.info.secchanoffset",
    "wps.wifi_protected_setup_state", "llc.type",
]


def expect(f, t):
    """What osprey should print for field f given tshark's row t."""
    v = first(t[f])
    if f in ("wlan_radio.signal_dbm", "wlan_radio.noise_dbm"):
        # wlan_radio takes the last dBm field of a radiotap header; on
        # Linux's per-chain namespaces that is the last antenna.  osprey
        # keeps the first, the combined signal the header starts with.
        rt = t["radiotap.dbm_ant" + f.split(".")[1].split("_")[0]]
        if rt != "":
            v = first(rt)
    if f == "wlan.ssid" and v == "<MISSING>":
        v = ""			# tshark's word for a zero-length SSID
    if f in ("wlan.vht.op.channelwidth", "wlan.vht.op.channelcenter0"):
        v = v or "0"
    return v


def got(f, o):
    v = o[f]
    if f in ("wlan.vht.op.channelwidth", "wlan.vht.op.channelcenter0"):
        v = v or "0"
    return v


# Header fields: compared even when both sides call the frame malformed.
HEADER = ["wlan.fc.type_subtype", "wlan.bssid", "wlan.sa", "wlan.da",
          "wlan.ta", "wlan.ra", "wlan.fc.protected", "wlan.fc.retry"]


def tshark_malformed(t):
    # Only an exception in the 802.11 dissector counts; expert notes in
    # the "Malformed" group (an AIFSN of 0, a TCP retransmission) do not.
    return "Malformed Packet: IEEE 802.11" in t["_ws.malformed"]


def subset(a, b):
    """Whether comma list a is a prefix of comma list b."""
    a = a.split(",") if a else []
    return a == (b.split(",") if b else [])[:len(a)]


def compare(name, ours, theirs, diffs):
    """Append (file, frame, field, ours, tshark) for each difference."""
    def check(n, f, a, b):
        if f in NUMERIC:
            a, b = num(a), num(b)
        if a != b:
            diffs.append((name, n, f, a, b))

    if len(ours) != len(theirs):
        diffs.append((name, 0, "frames", str(len(ours)), str(len(theirs))))
    for o, t in zip(ours, theirs):
        n = int(o["frame.number"])
        err = int(o["osprey.error"])
        ts = first(t["wlan.fc.type_subtype"])
        if err in (ERR_DLT, ERR_RADIO):
            check(n, "osprey.error", str(err), "")
            continue
        for f in ("wlan_radio.channel", "wlan_radio.frequency",
                  "wlan_radio.signal_dbm", "wlan_radio.noise_dbm"):
            check(n, f, o[f], expect(f, t))
        if not rate_equal(o["wlan_radio.data_rate"],
                          first(t["wlan_radio.data_rate"])):
            check(n, "wlan_radio.data_rate", o["wlan_radio.data_rate"],
                  t["wlan_radio.data_rate"])
        badfcs = "1" in (first(t["radiotap.flags.badfcs"]),
                         first(t["ppi.80211-common.flags.fcs-invalid"]))
        check(n, "bad fcs", str(err == ERR_FCS), str(badfcs))
        if err == ERR_FCS:
            continue	# the 802.11 bytes are known bad: not decoded
        check(n, "cut", o["osprey.cut"],
              str(int(int(t["frame.len"]) > int(t["frame.cap_len"]))))
        if first(t["wlan.fc.version"]) not in ("", "0"):
            # tshark stops at an unknown protocol version without calling
            # the frame malformed; osprey counts it as an error.
            check(n, "version", str(err), str(ERR_DOT11))
            continue
        ours_bad = err in (ERR_SHORT, ERR_DOT11)
        cut = o["osprey.cut"] == "1"
        # A header the snap length cut short: tshark says "packet size
        # limited", not malformed; osprey cannot use the frame and counts
        # it (tcpdump__ieee802.11_tim_ie_oobr.pcap frame 3).
        if not (cut and err == ERR_SHORT):
            check(n, "malformed", str(ours_bad), str(tshark_malformed(t)))
        cut = o["osprey.cut"] == "1"
        for f in SAME:
            if f.startswith("wlan_radio"):
                continue
            if ours_bad and f not in HEADER:
                continue	# malformed either way: where it stops differs
            if f in ONLY_IN and ts not in ONLY_IN[f]:
                continue
            if f in IE_FIELDS and (ts not in MGMT_WITH_IES or
                                   o["wlan.fc.protected"] == "1"):
                continue
            if f in IE_FIELDS and cut and got(f, o) in ("", "0"):
                continue	# in an element the snap length cut short
            check(n, f, got(f, o), expect(f, t))
        if ours_bad:
            continue
        msg = t["wlan_rsna_eapol.keydes.msgnr"]
        if first(t["wlan_rsna_eapol.keydes.key_info.key_type"]) == "0":
            msg = "0"	# group key handshake: osprey says 0
        check(n, "msgnr", o["wlan_rsna_eapol.keydes.msgnr"], first(msg))
        if ts not in MGMT_WITH_IES or o["wlan.fc.protected"] == "1":
            continue
        check(n, "tim", o["wlan.tim.dtim_period"] and "tim",
              t["wlan.tim.dtim_period"] and "tim")
        rates = ",".join([r for r in (t["wlan.supported_rates"],
                          t["wlan.extended_supported_rates"]) if r])
        rates = ",".join(rates.split(",")[:16]) if rates else ""
        crypt = int(o["osprey.crypt"], 16)
        if cut:
            # Elements the capture cut short are not read: a prefix of
            # the rates and a subset of the security bits.
            if not subset(o["wlan.supported_rates"], rates):
                check(n, "rates", o["wlan.supported_rates"], rates)
            # A cut frame may have lost its RSN or WPA element, so its
            # Privacy bit alone is "unknown", never WEP.
            allowed = expect_crypt(t) & ~CRYPT["WEP"]
            if t["wlan.fixed.capabilities.privacy"] == "1":
                allowed |= CRYPT["UNKNOWN"]
            if crypt & ~allowed:
                check(n, "crypt", hex(crypt), hex(allowed))
            continue
        check(n, "rates", o["wlan.supported_rates"], rates)
        check(n, "crypt", hex(crypt), hex(expect_crypt(t)))


# Differences understood and accepted, keyed by (file, frame, field); a
# frame of None covers every frame of the file.  Each says why.
KNOWN = {
    # Prism header (DLT 119).  The RSSI item of this MadWifi capture is 0
    # in every frame: tshark shows it as "0 dBm", osprey only takes
    # negative values as dBm (MadWifi's units are relative).  The header
    # gives channel 7 and no frequency: osprey derives 2442 MHz from it,
    # tshark leaves the frequency empty.
    ("aircrack-ng__wpa.cap", None, "wlan_radio.signal_dbm"): "prism rssi",
    ("aircrack-ng__wpa.cap", None, "wlan_radio.frequency"): "prism channel",
    # The bytes under link type 119 are not a Prism header (no known
    # message code): osprey rejects the radio header; tshark falls back to
    # reading them as bare 802.11 and finds a malformed frame.  Both
    # count the frame as bad.
    ("aircrack-ng__wpaclean_crash.pcap", 1, "osprey.error"): "not prism",
    # Radiotap version 48 (fuzzed headers): osprey rejects the header,
    # tshark marks it "(invalid)" and dissects on regardless.
    ("tcpdump__ieee802.11_meshhdr-oobr.pcap", 1, "osprey.error"): "rt v48",
    ("tcpdump__ieee802.11_rates_oobr.pcap", 1, "osprey.error"): "rt v48",
    ("tcpdump__radiotap-heapoverflow.pcap", 1, "osprey.error"): "rt v48",
    # 802.11ad DMG beacon at 60480 MHz: that is DMG channel 2, which
    # tshark 4.0 does not number.  The beacon's only address is the
    # BSSID; osprey also names it the transmitter (the tracker needs one),
    # tshark calls it the receiver.
    ("aircrack-ng__80211ad_beacon.pcap", 1, "wlan_radio.channel"): "dmg",
    ("aircrack-ng__80211ad_beacon.pcap", 1, "wlan.ta"): "dmg beacon",
    # Association response with every fixed field and no elements: valid
    # to osprey; tshark throws an exception at the empty element list.
    ("aircrack-ng__wpa2-psk-linksys.cap", 309, "malformed"): "no elements",
    # Probe requests ending in a vendor element of just an OUI, which
    # IEEE 802.11-2020 §9.4.2.25 allows (the content may be empty);
    # tshark reads a type byte past the element and throws.
    ("angryoxide__test_output.pcapng", 1261, "malformed"): "bare OUI",
    ("angryoxide__test_output.pcapng", 4626, "malformed"): "bare OUI",
    # Link type 105 frames that end in an FCS nothing announces (this
    # file is "raw with FCS"): the 4 bytes read as an element running
    # past the end.  osprey counts the frame as malformed; tshark flags
    # the element with an expert error but no exception.
    ("packetnet__80211_raw_with_fcs.pcap", 1, "malformed"): "hidden fcs",
    # Fuzzed beacon whose RSN element has version 12336: osprey skips the
    # element (ies.invalid) and reads on (a TIM follows); tshark throws
    # inside the element and never reaches the TIM.
    ("tcpdump__ieee802.11_parse_elements_oobr.pcap", 1, "malformed"): "rsn",
    ("tcpdump__ieee802.11_parse_elements_oobr.pcap", 1, "tim"): "rsn",
}


def known(d):
    name, n, field = d[0], d[1], d[2]
    return (name, n, field) in KNOWN or (name, None, field) in KNOWN


def captures(root, tmp):
    """Capture files to compare; gzip ones are unpacked into tmp."""
    for f in sorted(os.listdir(root)):
        path = os.path.join(root, f)
        if f.endswith(".gz"):
            out = os.path.join(tmp, f[:-3])
            with gzip.open(path, "rb") as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
            yield f, out
        elif f.endswith((".pcap", ".pcapng", ".cap")):
            yield f, path


def main():
    if len(sys.argv) != 2:
        print("usage: decode_compare.py decode_dump", file=sys.stderr)
        return 2
    dump = sys.argv[1]
    root = os.environ.get("OSPREY_CAPTURES", "")
    if not root or not os.path.isdir(root):
        print("OSPREY_CAPTURES (%s) missing: skipped" % root)
        return 77
    diffs = []
    frames = 0
    with tempfile.TemporaryDirectory() as tmp:
        files = list(captures(root, tmp))
        if "ASAN_OPTIONS" in os.environ:
            # The sanitizer run (meson test --setup=asan) feeds every
            # capture through the decoders under ASan/UBSan; the tshark
            # comparison gives the same answer as in the plain build, so
            # it is not paid for twice.
            for name, path in files:
                frames += len(dump_rows(path, dump))
            print("%d files, %d frames decoded under the sanitizers" %
                  (len(files), frames))
            return 0
        if shutil.which("tshark") is None:
            print("tshark not installed: skipped")
            return 77
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            jobs = [(name, pool.submit(load, path, dump))
                    for name, path in files]
            for name, job in jobs:
                ours, theirs = job.result()
                frames += len(ours)
                compare(name, ours, theirs, diffs)
    bad = [d for d in diffs if not known(d)]
    for d in bad:
        print("%s #%d %s: osprey %r tshark %r" % d)
    seen = set((d[0], d[1], d[2]) for d in diffs) | \
        set((d[0], None, d[2]) for d in diffs)
    for k in sorted(set(KNOWN) - seen, key=str):
        print("note: known difference no longer seen: %s" % (k,))
    print("%d files, %d frames compared with tshark: %d differences, "
          "%d explained, %d not" % (len(files), frames, len(diffs),
                                    len(diffs) - len(bad), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
