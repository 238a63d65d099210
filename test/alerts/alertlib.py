# SPDX-License-Identifier: ISC
# \summary: what the alert tests share: attack captures, the core, alerts
#
# Attack captures come from osprey_gen --attack (tools/gen_attack.c): a
# small site (AP 02:00:5e:10:00:01 "osprey-home" on channel 6, its client
# 02:00:5e:20:00:01) under one attack.  The core is the real osprey with
# its real pcapfile helper and web worker (test/gps/gpslib.py's Core),
# asked over REST once its source has delivered every frame.

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "gps"))
import gpslib  # noqa: E402

AP = "02:00:5E:10:00:01"
CLIENT = "02:00:5E:20:00:01"
ROGUE = "02:66:66:00:00:01"
KARMA = "00:13:37:A1:B2:C3"

# The alerts about the system rather than 802.11 frames.
SYSTEM = {"DEVICEFOUND", "DEVICELOST", "SOURCEERROR", "PACKETLOSS", "LOGLOSS"}

run_tap = gpslib.run_tap


def generate(gen, folder, attack, seconds=40):
    """Write the attack's capture; returns (path, frames written)."""
    path = os.path.join(folder, "%s-%d.pcapng" % (attack, seconds))
    r = subprocess.run([gen, "--attack", attack, "--seconds", str(seconds),
                        "-v", "-o", path], capture_output=True, text=True,
                       check=True)
    frames = int(r.stderr.split(":")[-1].split()[0])
    return path, frames


class AlertCore(gpslib.Core):
    """The core on capture files, with alert keys in its config."""

    def __init__(self, bins, captures, extra=()):
        super().__init__(bins, extra=list(extra),
                         sources=["%s:name=cap%d" % (c, i)
                                  for i, (c, _) in enumerate(captures)])
        self.captures = captures

    def wait_done(self):
        """Every capture delivered (the deadline is a safety net)."""
        want = {"cap%d" % i: n for i, (_, n) in enumerate(self.captures)}

        def done():
            got = {s["kismet.datasource.name"]:
                   s["kismet.datasource.num_packets"]
                   for s in self.get("/datasource/all_sources.json")}
            return all(got.get(k, 0) >= n for k, n in want.items())
        self.wait(done, "every frame of the captures")

    def alerts(self):
        return self.get("/alerts/all_alerts.json")

    def definitions(self):
        return {d["kismet.alert.definition.header"]: d
                for d in self.get("/alerts/definitions.json")}
