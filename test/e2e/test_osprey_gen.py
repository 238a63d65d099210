#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: osprey_gen's output checked by an independent decoder (tshark)
#
# For each format (pcapng, pcap) and link type (radiotap, bare 802.11):
# tshark reads the file without a malformed frame, an expert error or a
# bad FCS, and finds exactly the frames, networks and handshakes the
# generator's --summary says it wrote.  Then: the same seed gives the same
# bytes, another seed other bytes, and --frames-dir writes seed files.
# Usage: test_osprey_gen.py OSPREY_GEN
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

SKIP = 77
EXPERT_ERROR = 0x00800000
ARGS = ["--aps", "24", "--clients", "90", "--seconds", "12", "--seed", "11"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, flush=True)


def gen(tool, out, *extra):
    cmd = [tool, *extra, "-o", out]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("osprey_gen failed: %s\n%s" % (" ".join(cmd), r.stderr))


def is_true(v):
    return v in ("1", "True", "true")


def tshark_fields(path, radiotap):
    fields = ["wlan.fc.type", "wlan.fc.subtype", "wlan.fc.protected",
              "wlan.fc.retry", "wlan.bssid", "wlan.ssid",
              "wlan_rsna_eapol.keydes.msgnr", "eapol.type", "_ws.malformed",
              "_ws.expert.severity", "wlan.fcs.status",
              "radiotap.dbm_antsignal", "wlan_radio.frequency"]
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    if radiotap:
        cmd += ["-o", "wlan.check_checksum:TRUE"]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("tshark failed on %s: %s" % (path, r.stderr))
    rows = []
    for line in r.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(fields) - len(v))
        rows.append(dict(zip(fields, v)))
    return rows


def ssid_hex(v):
    # tshark prints an empty SSID as nothing or "<MISSING>".
    if v in ("", "<MISSING>"):
        return ""
    return v.split(",")[0].replace(":", "").lower()


def compare(path, summary, radiotap):
    name = os.path.basename(path)
    s = json.load(open(summary))
    rows = tshark_fields(path, radiotap)
    c = s["counts"]
    check(len(rows) == s["frames"],
          "%s: tshark read %d frames, generator wrote %d" %
          (name, len(rows), s["frames"]))

    bad = [i + 1 for i, r in enumerate(rows) if r["_ws.malformed"]]
    check(not bad, "%s: malformed frames %s" % (name, bad[:10]))
    errs = [i + 1 for i, r in enumerate(rows)
            if any(int(x) >= EXPERT_ERROR
                   for x in r["_ws.expert.severity"].split(",") if x)]
    check(not errs, "%s: expert errors in frames %s" % (name, errs[:10]))
    if radiotap:
        st = Counter(r["wlan.fcs.status"] for r in rows)
        check(set(st) == {"1"}, "%s: FCS status %s (1 = good)" % (name, st))
        sig = {r["radiotap.dbm_antsignal"] for r in rows}
        check(len(sig) > 10, "%s: only %d signal levels" % (name, len(sig)))
        freqs = {int(r["wlan_radio.frequency"]) for r in rows
                 if r["wlan_radio.frequency"]}
        check(any(f < 3000 for f in freqs) and any(f > 5000 for f in freqs),
              "%s: frequencies %s not on both bands" % (name, sorted(freqs)))

    by = Counter((int(r["wlan.fc.type"]), int(r["wlan.fc.subtype"]))
                 for r in rows)
    names = {"assoc_req": (0, 0), "assoc_resp": (0, 1), "probe_req": (0, 4),
             "probe_resp": (0, 5), "beacon": (0, 8), "disassoc": (0, 10),
             "auth": (0, 11), "deauth": (0, 12), "action": (0, 13),
             "block_ack_req": (1, 8), "block_ack": (1, 9), "rts": (1, 11),
             "cts": (1, 12), "ack": (1, 13), "data_plain": (2, 0),
             "null": (2, 4), "qos_data": (2, 8), "qos_null": (2, 12)}
    for k, ts in names.items():
        check(by[ts] == c[k], "%s: %s: tshark %d, generator %d" %
              (name, k, by[ts], c[k]))
    for t, k in enumerate(("mgmt", "ctrl", "data")):
        n = sum(v for (ty, _), v in by.items() if ty == t)
        check(n == c[k], "%s: %s: tshark %d, generator %d" % (name, k, n, c[k]))
    prot = sum(1 for r in rows if is_true(r["wlan.fc.protected"]))
    check(prot == c["protected"], "%s: protected: tshark %d, generator %d" %
          (name, prot, c["protected"]))
    retry = sum(1 for r in rows if is_true(r["wlan.fc.retry"]))
    check(retry == c["retries"], "%s: retries: tshark %d, generator %d" %
          (name, retry, c["retries"]))
    msg = Counter(r["wlan_rsna_eapol.keydes.msgnr"] for r in rows
                  if r["wlan_rsna_eapol.keydes.msgnr"])
    for m in range(1, 5):
        check(msg[str(m)] == c["eapol_m%d" % m],
              "%s: EAPOL M%d: tshark %d, generator %d" %
              (name, m, msg[str(m)], c["eapol_m%d" % m]))
    eap = sum(1 for r in rows if r["eapol.type"] == "0")
    check(eap == c["eap"], "%s: EAP: tshark %d, generator %d" %
          (name, eap, c["eap"]))

    # The networks: every (BSSID, SSID) pair in beacons, cloaked included.
    seen = {(r["wlan.bssid"], ssid_hex(r["wlan.ssid"])) for r in rows
            if (r["wlan.fc.type"], r["wlan.fc.subtype"]) == ("0", "8")}
    want = {(a["bssid"], a["beacon_ssid_hex"]) for a in s["access_points"]
            if a["beacons"] > 0}
    check(seen == want, "%s: beacon networks differ: only tshark %s, "
          "only generator %s" % (name, sorted(seen - want)[:5],
                                 sorted(want - seen)[:5]))
    probes = {ssid_hex(r["wlan.ssid"]) for r in rows
              if (r["wlan.fc.type"], r["wlan.fc.subtype"]) == ("0", "4")}
    probes.discard("")
    check(probes == set(s["probe_ssids_hex"]),
          "%s: probed SSIDs differ: only tshark %s, only generator %s" %
          (name, sorted(probes - set(s["probe_ssids_hex"]))[:5],
           sorted(set(s["probe_ssids_hex"]) - probes)[:5]))
    return s


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_osprey_gen.py OSPREY_GEN")
    tool = sys.argv[1]
    if shutil.which("tshark") is None:
        print("tshark not installed (scripts/install-deps): skipped")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="osprey-gen-test.")
    try:
        sums = {}
        for fmt in ("pcapng", "pcap"):
            for dlt in ("radiotap", "80211"):
                out = os.path.join(tmp, "%s-%s.%s" % (dlt, fmt, fmt))
                js = out + ".json"
                gen(tool, out, *ARGS, "--format", fmt, "--dlt", dlt,
                    "--summary", js)
                sums[(fmt, dlt)] = compare(out, js, dlt == "radiotap")
        s = sums[("pcapng", "radiotap")]
        c = s["counts"]
        print("pcapng/radiotap: %d frames, %d beacons, %d data, %d EAPOL-Key, "
              "%d APs with beacons" % (s["frames"], c["beacon"], c["data"],
                                       c["eapol_key"],
                                       sum(1 for a in s["access_points"]
                                           if a["beacons"])))
        # A world rich enough to mean something.
        check(c["eapol_key"] > 0 and c["eap"] > 0 and c["probe_req"] > 0 and
              c["block_ack"] > 0 and c["rts"] > 0 and c["deauth"] +
              c["disassoc"] > 0, "some frame kinds missing: %s" % c)
        secs = {a["security"] for a in s["access_points"]}
        check(len(secs) == 8, "security modes: %s" % sorted(secs))
        hidden = {a["hidden"] for a in s["access_points"]}
        check(hidden == {"no", "empty", "nuls"}, "cloaking: %s" % hidden)
        # Both formats hold the same frames.
        check(sums[("pcap", "radiotap")]["counts"] == c,
              "pcap and pcapng differ")

        # Determinism.
        a = os.path.join(tmp, "radiotap-pcapng.pcapng")
        b = os.path.join(tmp, "again.pcapng")
        gen(tool, b, *ARGS, "--format", "pcapng", "--dlt", "radiotap")
        check(open(a, "rb").read() == open(b, "rb").read(),
              "same seed, different bytes")
        other = [x if x != "11" else "12" for x in ARGS]
        gen(tool, b, *other)
        check(open(a, "rb").read() != open(b, "rb").read(),
              "another seed, same bytes")

        # --hello: every client probes (and is heard) in the first 0.5 s;
        # passers-by send nothing else.
        h = os.path.join(tmp, "hello.pcapng")
        gen(tool, h, "--aps", "6", "--clients", "200", "--passers-by",
            "150", "--hello", "500", "--seconds", "2", "--seed", "5")
        r = subprocess.run(["tshark", "-n", "-r", h, "-T", "fields",
                            "-e", "frame.time_relative", "-e",
                            "wlan.fc.type_subtype", "-e", "wlan.sa"],
                           capture_output=True, text=True)
        check(r.returncode == 0, "tshark on --hello: " + r.stderr)
        probers, early, sent = set(), set(), Counter()
        for line in r.stdout.splitlines():
            v = (line.split("\t") + ["", "", ""])[:3]
            if v[2] == "":
                continue
            sent[v[2]] += 1
            if v[1] in ("4", "0x0004"):
                probers.add(v[2])
                if float(v[0]) < 0.6:
                    early.add(v[2])
        check(len(early) == 200, "--hello: %d of 200 clients probed in "
              "the first 0.5 s" % len(early))
        once = [m for m in probers if sent[m] == 1]
        check(len(once) >= 150, "--passers-by: %d clients sent one frame "
              "only, want 150 or more" % len(once))

        # Seed files: one frame per file, each kind once.
        d = os.path.join(tmp, "seeds")
        r = subprocess.run([tool, *ARGS, "--frames-dir", d],
                           capture_output=True, text=True)
        check(r.returncode == 0, "--frames-dir failed: " + r.stderr)
        files = sorted(os.listdir(d)) if os.path.isdir(d) else []
        check(len(files) >= 20, "--frames-dir wrote %d files" % len(files))
        check(all(os.path.getsize(os.path.join(d, f)) > 10 for f in files),
              "--frames-dir wrote an empty file")

        # Bad options are refused with a message, not a crash.
        for bad in (["--aps", "0"], ["--format", "txt"], ["--frames", "x"],
                    ["--channels", "1,999"], ["--frames", "5",
                                              "--seconds", "5"],
                    ["--passers-by", "5"], ["--clients", "4",
                                            "--hello", "9",
                                            "--passers-by", "5"]):
            r = subprocess.run([tool, *bad, "-o", os.path.join(tmp, "x")],
                               capture_output=True, text=True)
            check(r.returncode == 2 and "usage" in r.stderr,
                  "%s: exit %d" % (bad, r.returncode))
    finally:
        shutil.rmtree(tmp)
    if failures:
        print("%d checks failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
