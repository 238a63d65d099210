#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the tracker through the real core and pcapfile helper, vs tshark
#
#   core_tracker.py OSPREY OSPREY_CAP_PCAPFILE
#
# Every capture of $OSPREY_CAPTURES goes through the whole core in batch
# mode, as an operator would run it:
#
#   osprey --allow-root --exit-when-done -n --devices-json OUT -c FILE...
#
# with the real osprey_cap_pcapfile reading each file, and the devices the
# core writes at exit are held against tshark's view of the same file by
# tracker_compare.py (its rules, its tshark fields, its table of explained
# differences with their frame numbers).
#
# Several captures share one core run when no unicast address (RA, TA,
# SA, BSSID, as tshark reads them) appears in more than one of them: their
# devices cannot touch, so each device belongs to the one capture whose
# addresses hold its MAC.  The groups are made here, from tshark's output,
# never written down; two core runs go at once (2 cores).  Beyond the
# comparison, every device's seen-by entries must name the uuid the core
# gave that capture's source, and a device that belongs to no capture of
# its run is a difference.  Exit 0 when every difference is explained,
# 1 otherwise, 77 when tshark, the captures or the helper are missing.
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracker_compare as tc  # noqa: E402

ADDR_FIELDS = ("wlan.ra", "wlan.ta", "wlan.sa", "wlan.bssid")
# Generous: under ASan on a loaded 2-core machine some 90 helpers start.
RUN_TIMEOUT = 300
OPENED = re.compile(r"source '(.*)': opened \(.*, uuid ([0-9a-f-]{36}), ")


def addresses(rows):
    """The unicast addresses of a capture: group and all-zero addresses
    never become devices (doc/devices.md), and every capture has them."""
    out = set()
    for t in rows:
        for f in ADDR_FIELDS:
            for a in t[f].split(","):
                if tc.unicast(a):
                    out.add(a.lower())
    return out


def groups_of(caps):
    """First fit: a capture joins the first group it shares no address
    with; otherwise it starts a new one."""
    groups = []
    for c in caps:
        for g in groups:
            if not g["addrs"] & c["addrs"]:
                g["caps"].append(c)
                g["addrs"] |= c["addrs"]
                break
        else:
            groups.append({"caps": [c], "addrs": set(c["addrs"])})
    return groups


# A source that fails (a damaged capture) is named with its reason; the
# batch then ends with status 1 after a line counting the failures.
FAILED = re.compile(r"warning: source '([^']*)': (no helper accepted|"
                    r"helper error|open failed)")
SUMMARY = re.compile(r"every source is done, (\d+) of \d+ failed")


def honest_exit(rc, err):
    """Status 0 with no failed source, 1 with as many failed as named."""
    failed = set(m.group(1) for m in FAILED.finditer(err))
    m = SUMMARY.search(err)
    if rc == 0:
        return not failed and m is None
    return rc == 1 and m is not None and int(m.group(1)) == len(failed) > 0


def run_core(osprey, tmp, i, group):
    d = os.path.join(tmp, "run%d" % i)
    os.mkdir(d)
    conf = os.path.join(d, "osprey.conf")
    with open(conf, "w") as f:
        f.write("helper_binary_path=%s\n" % os.path.join(tmp, "bin"))
        f.write("remote_capture_enabled=false\n")
        f.write("source_pong_timeout=120\n")
    out = os.path.join(d, "devices.json")
    cmd = [osprey, "-f", conf, "--allow-root", "--exit-when-done", "-n",
           "--devices-json", out]
    for c in group["caps"]:
        cmd += ["-c", c["path"]]
    env = dict(os.environ, OSPREY_HELPER_PATH=os.path.join(tmp, "bin"))
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env,
                           universal_newlines=True, errors="replace",
                           timeout=RUN_TIMEOUT)
        rc, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired as e:
        rc, err = "timeout", (e.stderr or b"").decode(errors="replace")
    secs = time.monotonic() - t0
    if not honest_exit(rc, err) or not os.path.exists(out):
        return None, err, "exit %s after %.1f s" % (rc, secs)
    with open(out) as f:
        return json.load(f), err, "%.1f s" % secs


def check_group(group, devs, err):
    """Split the run's devices by capture; extra differences."""
    uuids = {}
    for line in err.splitlines():
        m = OPENED.search(line)
        if m:
            uuids[m.group(1)] = m.group(2)
    extra = []
    for c in group["caps"]:
        c["devs"] = []
        if c["path"] not in uuids:
            extra.append((c, "source", "-", "no 'opened' line for %s" %
                          c["path"]))
    for d in devs:
        mac = d["kismet.device.base.macaddr"].lower()
        owner = [c for c in group["caps"] if mac in c["addrs"]]
        if not owner:
            extra.append((group["caps"][0], "stray", mac,
                          "device in no capture of its run"))
            continue
        c = owner[0]
        c["devs"].append(d)
        for sb in d["kismet.device.base.seenby"]:
            u = sb["kismet.common.seenby.uuid"]
            if u != uuids.get(c["path"]):
                extra.append((c, "seenby", mac, "seen by %r, its source "
                              "is %r" % (u, uuids.get(c["path"]))))
    return extra


def main():
    if len(sys.argv) != 3:
        print("usage: core_tracker.py OSPREY OSPREY_CAP_PCAPFILE",
              file=sys.stderr)
        return 2
    osprey, helper = sys.argv[1], sys.argv[2]
    if shutil.which("tshark") is None:
        print("tshark not installed, skipped")
        return 77
    if not os.access(helper, os.X_OK):
        print("%s is not built, skipped" % helper)
        return 77
    caps_dir = os.environ.get("OSPREY_CAPTURES", "")
    manifest = os.path.join(caps_dir, "MANIFEST.tsv")
    if not caps_dir or not os.path.isfile(manifest):
        print("OSPREY_CAPTURES (%s) has no captures, skipped" % caps_dir)
        return 77
    with open(manifest) as f:
        names = [l.split("\t")[0] for l in f.read().splitlines()[1:] if l]
    t0 = time.monotonic()
    bad = total = 0
    with tempfile.TemporaryDirectory(prefix="osprey-coretrack.") as tmp:
        os.mkdir(os.path.join(tmp, "bin"))
        os.symlink(os.path.abspath(helper),
                   os.path.join(tmp, "bin", "osprey_cap_pcapfile"))
        caps = [{"name": n, "path": tc.plain_copy(os.path.join(caps_dir, n),
                                                  tmp)} for n in names]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for c, rows in zip(caps, pool.map(
                    lambda c: tc.tshark_rows(c["path"]), caps)):
                c["rows"] = rows
                c["addrs"] = addresses(rows)
            groups = groups_of(caps)
            print("%d captures in %d core runs of %s" %
                  (len(caps), len(groups),
                   ", ".join(str(len(g["caps"])) for g in groups)))
            runs = list(pool.map(lambda ig: run_core(osprey, tmp, *ig),
                                 enumerate(groups)))
        n_devs = 0
        for g, (devs, err, how) in zip(groups, runs):
            if devs is None:
                print("core run of %d captures failed: %s" %
                      (len(g["caps"]), how))
                for line in err.splitlines()[-15:]:
                    print("  " + line)
                bad += 1
                continue
            print("core run of %d captures: %d devices, %s" %
                  (len(g["caps"]), len(devs), how))
            n_devs += len(devs)
            for c, what, mac, detail in check_group(g, devs, err):
                print("%s: %s %s: %s" % (c["name"], what, mac, detail))
                bad += 1
                total += 1
            for c in g["caps"]:
                diffs, n_aps, n_clients = tc.compare(c["name"], c["devs"],
                                                     c["rows"])
                bad += tc.report(c["name"], diffs, n_aps, n_clients)
                total += len(diffs)
    print("%d captures through the core, %d devices, %d differences, "
          "%d unexplained, %.1f s" % (len(caps), n_devs, total, bad,
                                      time.monotonic() - t0))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
