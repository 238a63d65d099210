#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# \summary: no false alarms: every shared capture and the demo, in batch
#
# Usage: test_quiet.py OSPREY OSPREY_CAP_PCAPFILE DEMO_CAPTURE
#
# Each capture of the shared set (OSPREY_CAPTURES; skipped without it)
# and the demo capture go through the real core in batch mode
# (--exit-when-done --no-web) with every alert on.  An 802.11 alert is a
# failure unless ALLOW names the capture and the alert with the frames
# that justify it: captures of real attacks (aircrack-ng's deauth for a
# handshake, wifite, pyrit's test capture) and frames that are what the
# rule says.  doc/alerts.md lists the same.  An allowed alert that no
# longer fires is a failure too, so that the list stays true.

import os
import re
import shutil
import subprocess
import sys
import tempfile

OSPREY, PCAPFILE, DEMO = (os.path.abspath(a) for a in sys.argv[1:4])
CAPS = os.environ.get("OSPREY_CAPTURES", "")
SYSTEM = {"DEVICEFOUND", "DEVICELOST", "SOURCEERROR", "PACKETLOSS", "LOGLOSS"}
ALERT = re.compile(r" info: alert ([A-Z0-9_-]+) \((\d+)\): (.*)$")

DEAUTH = "a deauthentication attack (aireplay-ng style) is in the capture"
ALLOW = {
    ("angryoxide__allframes.pcapng", "BCASTDISCON"):
        "frames 116-979: angryoxide (an attack tool) sends broadcast "
        "deauthentications (reason 7), 2 of the capture's 4",
    ("pyrit__wpapsk-virgin_broadband.pcap", "BCASTDISCON"):
        "frames 67-1819: 529 broadcast deauthentications; " + DEAUTH,
    ("pyrit__wpapsk-virgin_broadband.pcap", "DEAUTHFLOOD"):
        "frames 67-1819: 573 deauthentications in bursts; " + DEAUTH,
    ("pyrit__wpapsk-virgin_broadband.pcap", "DISASSOCTRAFFIC"):
        "frames 823 and on: the client 00:1F:E2:A0:A1:21 keeps sending "
        "data after the forged deauthentications",
    ("aircrack-ng__pmkid-not-recognized.cap", "DEAUTHFLOOD"):
        "frames 5-19898: 6182 deauthentications; " + DEAUTH,
    ("aircrack-ng__pmkid-not-recognized.cap", "BCASTDISCON"):
        "one broadcast deauthentication among the flood",
    ("aircrack-ng__wep_64_ptw.cap", "DEAUTHFLOOD"):
        "frames 14489-58924: 2683 deauthentications to speed up WEP "
        "cracking; " + DEAUTH,
    ("wifite2__handshake_has_1234.cap", "BCASTDISCON"):
        "frames 392-2137: 512 broadcast deauthentications by wifite",
    ("wifite2__handshake_has_1234.cap", "DEAUTHFLOOD"):
        "frames 392-2137: 768 deauthentications by wifite",
    ("wifite2__handshake_not_exists.cap", "NULLPROBERESP"):
        "frame 1011: a probe response from 00:00:00:00:00:00 with an "
        "empty SSID element, exactly the rule",
    ("ehn1225-airodump__sample2.pcap", "MALFORMMGMT"):
        "frame 731: a beacon whose elements run past its end (tshark: "
        "malformed), with no FCS to explain it",
    ("tcpdump__ieee802.11_parse_elements_oobr.pcap", "RSNLOOP"):
        "frame 1: tcpdump's fuzzed out-of-bounds reproducer, an RSN "
        "element claiming 12336 pairwise ciphers",
    ("aircrack-ng__pmkid-not-recognized.cap", "NOCLIENTMFP"):
        "frames 510, 991 and on: the client 24:DF:A7:95:54:E6 associates "
        "without management frame protection while the flood runs",
    ("aircrack-ng__wpa-psk-linksys.cap", "HANDSHAKECAPTURE"):
        "frames 3-4: a deauthentication pair 9 us apart, one as the AP to "
        "the client and one as the client to the AP (two transmitters "
        "cannot; aireplay-ng sends both), the AP's own at 8, then the "
        "client's association (15) and handshake (18-23)",
    ("aircrack-ng__wpa2-psk-linksys.cap", "HANDSHAKECAPTURE"):
        "frames 12-13: the same forged deauthentication pair 10 us apart, "
        "the AP's own at 20, then the association (46) and handshake "
        "(50-54)",
    ("pyrit__wpapsk-virgin_broadband.pcap", "HANDSHAKECAPTURE"):
        "frames 67-1819: bursts of deauthentications, each followed by the "
        "client 00:1F:E2:A0:A1:21 joining again and its handshake (823, "
        "1265, 1529, 1621, 1726, 1870)",
    ("wifite2__handshake_has_1234.cap", "HANDSHAKECAPTURE"):
        "frames 392-2137: wifite's bursts of 256 deauthentications, then "
        "the client's handshake (771-772, 2163-2174): what wifite is for",
    ("john-samples__wpa-Induction.pcapng", "MALFORMMGMT"):
        "frame 575: a probe request whose elements run past its end "
        "(tshark: malformed)",
}


def run(path, tmp):
    """The alerts (name, text) the core raises over one capture."""
    bindir = os.path.join(tmp, "bin")
    if not os.path.isdir(bindir):
        os.makedirs(bindir)
        os.symlink(PCAPFILE, os.path.join(bindir, "osprey_cap_pcapfile"))
    conf = os.path.join(tmp, "osprey.conf")
    with open(conf, "w") as f:
        f.write("log_prefix=%s/\nenable_logging=false\n"
                "remote_capture_port=0\nchannel_hop=false\n" % tmp)
    env = dict(os.environ, HOME=tmp, OSPREY_HELPER_PATH=bindir)
    r = subprocess.run([OSPREY, "--allow-root", "-f", conf, "--no-web",
                        "--exit-when-done", "-c", path], env=env,
                       capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    assert "Sanitizer" not in out and "runtime error" not in out, out
    assert "every source is done" in out, out[-2000:]
    return [(m.group(1), m.group(3)) for m in
            (ALERT.search(line) for line in out.splitlines()) if m]


def captures():
    if not os.path.isdir(CAPS):
        return []
    return sorted(f for f in os.listdir(CAPS)
                  if f.endswith((".pcap", ".pcapng", ".cap")))


def main():
    tmp = tempfile.mkdtemp(prefix="osprey-quiet-test-")
    caps = captures()
    items = [("demo", DEMO)] + [(c, os.path.join(CAPS, c)) for c in caps]
    print("1..%d" % (len(items) + 1))
    failed = 0
    fired = set()
    for i, (name, path) in enumerate(items, 1):
        try:
            got = run(path, tmp)
        except Exception as e:
            failed += 1
            print("not ok %d - %s\n# %s" % (i, name, str(e)[-1500:]))
            continue
        bad = []
        for alert, text in got:
            if alert in SYSTEM:
                continue
            if (name, alert) in ALLOW:
                fired.add((name, alert))
                continue
            bad.append("%s: %s" % (alert, text))
        if bad:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for b in sorted(set(bad)):
                print("# false alarm? " + b)
        else:
            print("ok %d - %s (%d allowed)" % (i, name, len(got)))
        sys.stdout.flush()
    shutil.rmtree(tmp, ignore_errors=True)
    if not caps:
        print("ok %d - allow-list # SKIP no shared captures (%s)" %
              (len(items) + 1, CAPS or "OSPREY_CAPTURES unset"))
    else:
        stale = sorted(set(ALLOW) - fired)
        if stale:
            failed += 1
            print("not ok %d - allow-list entries that no longer fire" %
                  (len(items) + 1))
            for s in stale:
                print("# %s %s" % s)
        else:
            print("ok %d - allow-list entries all fire" % (len(items) + 1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
