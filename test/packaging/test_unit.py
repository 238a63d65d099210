#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: osprey.service keeps the helpers' file capabilities working
#
# usage: test_unit.py UNIT BINDIR
#
# UNIT is the configured unit from the build tree.  File capabilities are
# ignored at exec under no_new_privs, which NoNewPrivileges= sets and a
# list of other directives implies for a unit with User= (systemd.exec(5));
# a bounding set without CAP_NET_ADMIN or CAP_NET_RAW caps them as well.
# The unit must have none of that, run the core as osprey, give it a
# writable working folder, say why for each directive, and pass
# systemd-analyze verify.  Output is TAP.

import os
import re
import shutil
import subprocess
import sys
import tempfile

# Directives that set or imply NoNewPrivileges=yes for a unit with User=
# (systemd 252, systemd.exec(5)).
NNP = [
    "NoNewPrivileges", "SystemCallFilter", "SystemCallArchitectures",
    "SystemCallErrorNumber", "SystemCallLog", "RestrictAddressFamilies",
    "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID",
    "LockPersonality", "MemoryDenyWriteExecute", "PrivateDevices",
    "ProtectClock", "ProtectHostname", "ProtectKernelTunables",
    "ProtectKernelModules", "ProtectKernelLogs", "DynamicUser",
]
HELPER_CAPS = {"CAP_NET_ADMIN", "CAP_NET_RAW"}

results = []


def check(ok, what, diag=""):
    results.append((bool(ok), what, diag))


def finish():
    print("1..%d" % len(results))
    failed = 0
    for i, (ok, what, diag) in enumerate(results, 1):
        if ok is None:
            print("ok %d - %s # SKIP %s" % (i, what, diag))
            continue
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
        if not ok:
            failed += 1
            for line in diag.splitlines():
                print("#   " + line)
    sys.exit(1 if failed else 0)


def parse(text):
    """Sections of (key, value) pairs, and the paragraphs of each section
    as lists of lines, for the comment check."""
    sections, paragraphs = {}, {}
    cur, para = None, []
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            cur = line[1:-1]
            sections.setdefault(cur, [])
            paragraphs.setdefault(cur, [])
            para = []
            continue
        if not line:
            if cur is not None and para:
                paragraphs[cur].append(para)
            para = []
            continue
        para.append(line)
        if line[0] in "#;" or cur is None:
            continue
        key, _, value = line.partition("=")
        sections[cur].append((key.strip(), value.strip()))
    return sections, paragraphs


def values(sec, key):
    return [v for k, v in sec if k == key]


def main():
    unit, bindir = sys.argv[1], sys.argv[2]
    text = open(unit, encoding="utf-8").read()
    sections, paragraphs = parse(text)
    svc = sections.get("Service", [])
    check(svc, "the unit has a [Service] section")

    for key in NNP:
        check(not values(svc, key),
              "%s= is not set (it would stop file capabilities)" % key,
              "found %s=%s" % (key, values(svc, key)))
    check(values(svc, "PrivateUsers") in ([], ["no"]),
          "PrivateUsers= is off (capabilities in a user namespace do not "
          "count for the host's interfaces)")
    check(values(svc, "PrivateNetwork") in ([], ["no"]),
          "PrivateNetwork= is off (capture on the host's radios)")
    check(values(svc, "ProtectProc") in ([], ["default"]),
          "ProtectProc= hides no process (the Wi-Fi helper looks for "
          "NetworkManager)")
    check(not [v for v in values(svc, "AmbientCapabilities") if v],
          "no ambient capabilities: the core holds none")

    bounding = values(svc, "CapabilityBoundingSet")
    ok = True
    diag = ""
    for v in bounding:
        caps = set(v.lstrip("~").split())
        if v.startswith("~") and caps & HELPER_CAPS:
            ok, diag = False, "removes " + " ".join(caps & HELPER_CAPS)
        if not v.startswith("~") and not HELPER_CAPS <= caps:
            ok, diag = False, "lacks " + " ".join(HELPER_CAPS - caps)
    check(ok, "the bounding set keeps CAP_NET_ADMIN and CAP_NET_RAW", diag)

    check(values(svc, "User") == ["osprey"] and
          values(svc, "Group") == ["osprey"],
          "runs as user and group osprey",
          "User=%s Group=%s" % (values(svc, "User"), values(svc, "Group")))
    exe = values(svc, "ExecStart")
    argv = exe[0].split() if len(exe) == 1 else []
    check(argv and argv[0] == os.path.join(bindir, "osprey") and
          "--allow-root" not in argv and "--user" not in argv,
          "ExecStart runs %s/osprey, without --allow-root or --user" %
          bindir, "ExecStart=%s" % exe)
    check("--daemonize" not in argv and
          values(svc, "Type") in (["simple"], ["exec"]),
          "the core stays in the foreground (Type=simple, no --daemonize)")

    # ProtectSystem=strict leaves only these writable: the working
    # folder, where log_prefix=./ puts the logs, must be one of them.
    writable = ["%%L/%s" % d for d in values(svc, "LogsDirectory")]
    writable += ["/var/log/%s" % d for d in values(svc, "LogsDirectory")]
    writable += ["/var/lib/%s" % d for d in values(svc, "StateDirectory")]
    check(values(svc, "ProtectSystem") == ["strict"] and
          values(svc, "WorkingDirectory") and
          values(svc, "WorkingDirectory")[0] in writable,
          "ProtectSystem=strict with a writable working folder",
          "WorkingDirectory=%s, writable %s" %
          (values(svc, "WorkingDirectory"), writable))
    check(values(svc, "StateDirectory") == ["osprey"],
          "StateDirectory=osprey: the home of the user osprey exists")
    check(values(svc, "KillMode") == ["mixed"],
          "KillMode=mixed: the core stops its helpers in order")
    check("multi-user.target" in " ".join(
        values(sections.get("Install", []), "WantedBy")),
        "WantedBy=multi-user.target")

    bare = [p[0] for p in paragraphs.get("Service", [])
            if not any(line[0] in "#;" for line in p)]
    check(not bare, "every group of directives in [Service] has a comment",
          "no comment: " + ", ".join(bare))

    sa = shutil.which("systemd-analyze")
    if sa is None:
        results.append((None, "systemd-analyze verify",
                        "systemd-analyze is not installed"))
        finish()
    # verify checks that ExecStart exists; the core may not be installed
    # here, so a copy runs /bin/true instead.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "osprey.service")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(re.sub(r"^ExecStart=\S+", "ExecStart=/bin/true", text,
                           flags=re.M))
        r = subprocess.run([sa, "verify", "--man=no", copy],
                           capture_output=True, text=True)
    check(r.returncode == 0 and not r.stderr.strip(),
          "systemd-analyze verify accepts the unit", r.stdout + r.stderr)
    finish()


if __name__ == "__main__":
    main()
