#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: poll osprey for changed devices, as a Kismet REST script would
#
# Asks /devices/last-time/TS/devices.json for the devices changed since
# the last poll, passing back the timestamp each answer gives, with a
# field list that simplifies the records: plain names, a path into the
# dot11 map, a renamed field ([path, alias]) and a field no device has
# (which answers 0).  Standard library only.
#
#   poll_devices.py [--url http://127.0.0.1:2501] [--user osprey]
#                   [--password PW] [--interval 1] [--count N] [--json]
#
# Without --password it reads ~/.osprey/osprey_httpd.conf, where osprey
# keeps a generated login.  Each poll prints one line per device (or, with
# --json, one JSON object a line) and "poll N: M devices, next since T"
# on stderr.

import argparse
import base64
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

FIELDS = [
    "kismet.device.base.macaddr",
    "kismet.device.base.type",
    "kismet.device.base.channel",
    "kismet.device.base.packets.total",
    "dot11.device/dot11.device.last_beaconed_ssid",
    ["kismet.device.base.commonname", "name"],
    "kismet.device.base.signal/kismet.common.signal.last_signal",
    "example.no_such_field",
]


def login_from_file():
    path = os.path.expanduser("~/.osprey/osprey_httpd.conf")
    with open(path) as f:
        text = f.read()
    user = re.search(r"^\s*httpd_username\s*=\s*(.*?)\s*$", text, re.M)
    pw = re.search(r"^\s*httpd_password\s*=\s*(.*?)\s*$", text, re.M)
    return user.group(1), pw.group(1)


def poll(url, user, password, since):
    body = urllib.parse.urlencode(
        {"json": json.dumps({"fields": FIELDS})}).encode()
    req = urllib.request.Request(
        "%s/devices/last-time/%s/devices.json" % (url, since), data=body)
    tok = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    req.add_header("Authorization", "Basic " + tok)
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req, timeout=30) as r:
        answer = json.load(r)
    return answer["kismet.devicelist.timestamp"], \
        answer["kismet.device.list"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", default="http://127.0.0.1:2501")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--count", type=int, default=0,
                    help="stop after this many polls (0: forever)")
    ap.add_argument("--since", default="0",
                    help="first timestamp (negative: seconds ago)")
    ap.add_argument("--json", action="store_true",
                    help="print each device as a JSON line")
    a = ap.parse_args()
    user, password = a.user, a.password
    if password is None:
        user, password = login_from_file()
    since = a.since
    n = 0
    while a.count == 0 or n < a.count:
        n += 1
        since, devices = poll(a.url.rstrip("/"), user or "osprey", password,
                              since)
        for d in devices:
            if a.json:
                print(json.dumps(d, sort_keys=True))
            else:
                print("%s %-12s ch %-4s pkts %-6s sig %-4s %r %s" % (
                    d["kismet.device.base.macaddr"],
                    d["kismet.device.base.type"],
                    d["kismet.device.base.channel"],
                    d["kismet.device.base.packets.total"],
                    d["kismet.common.signal.last_signal"],
                    d["dot11.device.last_beaconed_ssid"], d["name"]))
        print("poll %d: %d devices, next since %s" % (n, len(devices),
              since), file=sys.stderr)
        sys.stdout.flush()
        if a.count == 0 or n < a.count:
            time.sleep(a.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
