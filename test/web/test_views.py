#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: paged views cut by the core give what sorting the whole list does
#
# Generates a capture of a few thousand devices with osprey_gen, runs the
# real core and web worker on it until every frame is in, takes
# /devices/all_devices.json once, and then asks
# /devices/views/ID/devices.json for pages (start, length, sort,
# sort_dir, search, datatable, fields) over several views.  Each answer
# must be exactly the rows that searching and stably sorting the full
# list in Python gives, compared as the web compares (a missing field
# first, strings by their bytes, the rest as numbers), with the same
# recordsTotal and recordsFiltered.  A user's name (set_name) must sort
# and search as the commonname.  Output is TAP.
#
# Usage: test_views.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE OSPREY_GEN

import functools
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import harness  # noqa: E402

OSPREY, WEB, PCAPFILE, GEN = [os.path.abspath(a) for a in sys.argv[1:5]]
USER, PASSWORD = "tester", "Views-Password-42"
B = "kismet.device.base."
SIG = B + "signal/kismet.common.signal.last_signal"


def start(capture, tmp):
    return harness.Core({"osprey": OSPREY, "osprey_web": WEB,
                         "osprey_cap_pcapfile": PCAPFILE},
                        ["enable_logging=false"], ["%s:name=gen" % capture],
                        login=(USER, PASSWORD), tmp=tmp, timeout=300)


def lookup(rec, path):
    o = rec
    for p in path.split("/"):
        if not isinstance(o, dict) or p not in o:
            return None
        o = o[p]
    return o


def cmp_val(a, b):
    """The web's dq_cmp_obj."""
    if a is None or b is None:
        return (a is not None) - (b is not None)
    if isinstance(a, str) and isinstance(b, str):
        x, y = a.encode(), b.encode()
        return (x > y) - (x < y)

    def num(v):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return float("-inf")
        return float(v)
    x, y = num(a), num(b)
    return (x > y) - (x < y)


def alower(s):
    return s.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


def matches(rec, needle):
    """Any top-level string, or the last beaconed SSID (ASCII case)."""
    n = alower(needle)
    strs = [v for v in rec.values() if isinstance(v, str)]
    ssid = lookup(rec, "dot11.device/dot11.device.last_beaconed_ssid")
    if isinstance(ssid, str):
        strs.append(ssid)
    return any(n in alower(s) for s in strs)


def expect(devs, start=0, length=0, sort=None, desc=False, search=None):
    rows = [d for d in devs if not search or matches(d, search)]
    if sort:
        rows = sorted(rows, key=functools.cmp_to_key(
            lambda a, b: cmp_val(lookup(a, sort), lookup(b, sort))),
            reverse=desc)
    end = len(rows) if length == 0 else start + length
    return rows[start:end], len(rows)


def main():
    tests = []
    tmp = tempfile.mkdtemp(prefix="osprey-views-test-")
    core = None
    try:
        capture = os.path.join(tmp, "gen.pcapng")
        subprocess.run([GEN, "--aps", "300", "--clients", "3000",
                        "--frames", "150000", "--seed", "17", "-o",
                        capture], check=True, stdout=subprocess.DEVNULL)
        core = start(capture, tmp)
        # Every frame in: the count stops moving and the source is done.
        core.settled()
        devs = core.get("/devices/all_devices.json")
        keys = [d[B + "key"] for d in devs]
        print("# %d devices" % len(devs))
        assert len(devs) > 2000, len(devs)
        # A user's name for one device: the commonname sorts by it.
        named = devs[len(devs) // 2]
        core.get("/devices/by-key/%s/set_name.cmd" % named[B + "key"],
                 {"username": "Zz-Named-Device"})
        devs = core.get("/devices/all_devices.json")
        assert [d[B + "key"] for d in devs] == keys, "table order moved"
        assert any(d[B + "commonname"] == "Zz-Named-Device" for d in devs)

        aps = [d for d in devs if d["dot11.device"]["dot11.device.typeset"]
               & 0x101]
        mac1 = devs[7][B + "macaddr"]
        cases = [
            ("first page, table order", "all", devs, dict(length=50)),
            ("page 3, table order", "all", devs,
             dict(start=100, length=50)),
            ("last_time desc", "all", devs,
             dict(length=50, sort=B + "last_time", desc=True)),
            ("commonname asc, deep page", "all", devs,
             dict(start=1500, length=40, sort=B + "commonname")),
            ("commonname desc: the user name first", "all", devs,
             dict(length=5, sort=B + "commonname", desc=True)),
            ("packets desc, a page in the back half (ties)", "all", devs,
             dict(start=2000, length=100, sort=B + "packets.total",
                  desc=True)),
            ("last_time asc, from the back half to the end", "all", devs,
             dict(start=1400, sort=B + "last_time")),
            ("signal desc", "all", devs,
             dict(start=10, length=60, sort=SIG, desc=True)),
            ("packets asc, the whole view", "all", devs,
             dict(sort=B + "packets.total")),
            ("manuf desc", "all", devs,
             dict(length=30, sort=B + "manuf", desc=True)),
            ("channel (a string) asc", "all", devs,
             dict(start=5, length=30, sort=B + "channel")),
            ("crypt asc", "all", devs,
             dict(start=5, length=30, sort=B + "crypt")),
            ("a record field (num_client_aps), desc", "all", devs,
             dict(length=25, sort="dot11.device/dot11.device."
                  "num_client_aps", desc=True)),
            ("a missing field sorts in table order", "all", devs,
             dict(length=25, sort=B + "no.such.field")),
            ("search a MAC part", "all", devs,
             dict(length=50, search=mac1[3:11].lower(),
                  sort=B + "last_time", desc=True)),
            ("search a type", "all", devs,
             dict(start=3, length=20, search="wi-fi ap")),
            ("search the user name", "all", devs,
             dict(search="zz-named", sort=B + "commonname")),
            ("search with no match", "all", devs,
             dict(length=10, search="no-such-thing-here")),
            ("start past the end", "all", devs,
             dict(start=10 ** 6, length=10, sort=B + "last_time")),
            ("access points by signal", "phydot11_accesspoints", aps,
             dict(length=20, sort=SIG, desc=True)),
            ("phy view by first_time", "phy-IEEE802.11", devs,
             dict(start=20, length=20, sort=B + "first_time")),
        ]
        for name, view, base, q in cases:
            body = {"start": q.get("start", 0),
                    "length": q.get("length", 0), "datatable": True,
                    "draw": 7, "fields": [B + "key", B + "commonname"]}
            if "sort" in q:
                body["sort"] = q["sort"]
                body["sort_dir"] = "desc" if q.get("desc") else "asc"
            if "search" in q:
                body["search"] = q["search"]
            try:
                ans = core.get("/devices/views/%s/devices.json" % view,
                               body)
                rows, nf = expect(base, q.get("start", 0),
                                  q.get("length", 0), q.get("sort"),
                                  q.get("desc", False), q.get("search"))
                got = [r[B + "key"] for r in ans["data"]]
                want = [r[B + "key"] for r in rows]
                assert ans["draw"] in (7, "7"), ans["draw"]
                assert ans["recordsTotal"] == len(base), (
                    ans["recordsTotal"], len(base))
                assert ans["recordsFiltered"] == nf, (
                    ans["recordsFiltered"], nf)
                assert got == want, "first difference at %s: %s" % (
                    next((i for i, (a, b) in enumerate(zip(got, want))
                          if a != b), min(len(got), len(want))),
                    (len(got), len(want)))
                assert all(set(r) == {B + "key", B + "commonname"}
                           for r in ans["data"])
                tests.append((name, None, "%d rows" % len(got)))
            except Exception as e:
                tests.append((name, repr(e)[:300], None))
        # Without datatable: the plain list of full records.
        try:
            ans = core.get("/devices/views/all/devices.json",
                           {"start": 2, "length": 3,
                            "sort": B + "last_time", "sort_dir": "desc"})
            rows, _ = expect(devs, 2, 3, B + "last_time", True)
            assert ans == rows, "records differ"
            tests.append(("plain list, full records", None, None))
        except Exception as e:
            tests.append(("plain list, full records", repr(e)[:300], None))
    except Exception as e:
        tests.append(("setup", repr(e)[:500] + (
            "\n" + core.text()[-2000:] if core else ""), None))
    finally:
        if core is not None:
            core.stop(60, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(tests))
    fails = 0
    for i, (name, err, note) in enumerate(tests, 1):
        if err is None:
            print("ok %d - %s%s" % (i, name, " (%s)" % note if note
                                    else ""))
        else:
            fails += 1
            print("not ok %d - %s" % (i, name))
            for line in err.splitlines():
                print("# " + line)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
