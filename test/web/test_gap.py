#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the core measures its own gaps; a slow client costs the web nothing
#
# Generates a capture of about ten thousand devices with osprey_gen and
# runs the real core and web worker on it, then checks:
#   - /system/status carries the loop figures (osprey.system.loop.*,
#     doc/performance.md "Gaps in packet processing"): histograms whose
#     counts add up, maxima inside their top bucket;
#   - reading the capture at full speed left the source with frames
#     waiting (gaps were counted), and every bridge request is a turn;
#   - while clients dump all_devices.json, no bridge turn holds the loop
#     for long (in the core's CPU time; a bound far above the 2 ms turn,
#     for the sanitizers, but below what one turn serving every waiting
#     request took);
#   - a client that stops reading all_devices.json part way does not
#     make the web worker hold the rest (its RSS stays within a bound far
#     below the answer's size), and the answer is whole once it reads on
#     (it used to end early now and then: a late write callback closed
#     the connection with the answer's tail still queued);
#   - with a source replaying in a loop at full speed, dumps' slices are
#     held for capture (the bridge's share, osprey.system.loop.bulk_held)
#     while status requests are still answered; with capture over,
#     nothing is held.
# Output is TAP.
#
# Usage: test_gap.py OSPREY OSPREY_WEB OSPREY_CAP_PCAPFILE OSPREY_GEN

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import harness  # noqa: E402

OSPREY, WEB, PCAPFILE, GEN = [os.path.abspath(a) for a in sys.argv[1:5]]
USER, PASSWORD = "tester", "Gap-Password-42"
L = "osprey.system.loop."
with open(WEB, "rb") as f:
    SANITIZED = b"__asan_init" in f.read()


def start(capture, tmp):
    core = harness.Core({"osprey": OSPREY, "osprey_web": WEB,
                         "osprey_cap_pcapfile": PCAPFILE},
                        ["enable_logging=false"], ["%s:name=gen" % capture],
                        login=(USER, PASSWORD), tmp=tmp, timeout=300)
    core.capture = capture
    return core


def rss_kib(pid):
    return int(harness.status_field(pid, "VmRSS").split()[0])


def check_hist(s, key):
    bounds = s[L + "hist_bounds_usec"]
    hist, n, mx = s[L + key + "_hist"], s[L + key + "_count"], \
        s[L + key + "_max_usec"]
    assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds), \
        bounds
    assert len(hist) == len(bounds) + 1, (hist, bounds)
    assert sum(hist) == n, (key, hist, n)
    if n == 0:
        assert mx == 0, (key, mx)
        return
    top = max(i for i, c in enumerate(hist) if c)
    lo = bounds[top - 1] if top > 0 else 0
    hi = bounds[top] if top < len(bounds) else float("inf")
    assert lo < mx <= hi or (top == 0 and mx == 0), (key, mx, lo, hi)


def test_fields(core, st):
    for key in ("gap", "hold"):
        check_hist(st, key)
    return "the loop's histograms add up (%d gaps, longest %.1f ms; " \
        "%d turns, longest %.1f ms)" % (
            st[L + "gap_count"], st[L + "gap_max_usec"] / 1000,
            st[L + "hold_count"], st[L + "hold_max_usec"] / 1000)


def test_counted(core, st):
    # 200,000 frames at full speed: the core reads 256 KiB a turn and the
    # helper writes faster than the core decodes.
    assert st[L + "gap_count"] > 0, "no gap counted while reading the file"
    a = core.get("/system/status.json")[L + "hold_count"]
    for i in range(5):
        core.get("/system/status.json")
    b = core.get("/system/status.json")[L + "hold_count"]
    assert b - a >= 6, (a, b)
    return "gaps counted while reading; every request is a bridge turn"


def test_dump_turns(core, st):
    before = core.get("/system/status.json")
    sizes, errors = [], []

    def dump():
        for i in range(2):
            try:
                body = core.raw("/devices/all_devices.json")
                json.loads(body)
                sizes.append(len(body))
            except Exception as e:
                errors.append(repr(e)[:200])
    threads = [threading.Thread(target=dump) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = core.get("/system/status.json")
    check_hist(after, "hold")
    bounds = after[L + "hist_bounds_usec"]
    d = [b - a for a, b in zip(before[L + "hold_hist"],
                               after[L + "hold_hist"])]
    # Each answer whole: a cut one fails to read (no last chunk) or
    # to parse.
    assert not errors, errors
    assert len(sizes) == 8 and min(sizes) == max(sizes), sizes
    # A turn is 2 ms and one message (a slice is cut at 1.5 ms).  Without
    # that bound one turn served every waiting MORE: four dumps' slices
    # of 256 KiB at once.  In the core's CPU time, so a loaded machine
    # does not count; 20 ms leaves room for the sanitizers.
    over = sum(c for c, lim in zip(d, bounds + [None])
               if lim is None or lim > 20000)
    assert sum(d) > 30, d
    assert over == 0, (d, bounds)
    # Capture was over: no source had frames waiting, nothing held.
    assert after[L + "bulk_held"] == before[L + "bulk_held"], \
        (before[L + "bulk_held"], after[L + "bulk_held"])
    return "8 dumps of %d bytes in %d bridge turns, none over 20 ms of " \
        "CPU (the longest since start %.1f ms)" % (
            sizes[0], sum(d), after[L + "hold_max_usec"] / 1000)


def test_slow_reader(core, st):
    base = rss_kib(core.web_pid)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect(("127.0.0.1", core.port))
    s.sendall(("GET /devices/all_devices.json HTTP/1.1\r\nHost: x\r\n"
               "Authorization: %s\r\nConnection: close\r\n\r\n" %
               core.tok).encode())
    got = b""
    while len(got) < 256 * 1024:
        got += s.recv(65536)
    # Stop reading: wait until the worker's RSS settles (the dump has
    # stalled behind the client), with a bound.
    samples, deadline = [], time.time() + 60
    while time.time() < deadline:
        samples.append(rss_kib(core.web_pid))
        if len(samples) >= 10 and max(samples[-10:]) == min(samples[-10:]):
            break
        time.sleep(0.2)
    peak = max(samples)
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        got += b
    s.close()
    SLOW["got"] = got
    size = SLOW["size"] = len(got) - got.find(b"\r\n\r\n")
    grew = peak - base
    assert size > 4 * 4096 * 1024, size
    # The web holds at most 1 MiB and a slice for a client (doc/bridge.md),
    # and their JSON, plus its allocator's slack.  Under AddressSanitizer
    # freed memory stays in its quarantine (the worker gets no
    # ASAN_OPTIONS: the launcher passes no environment), so there the
    # bound is only that the answer was not held whole.
    bound = 4096 if not SANITIZED else size * 9 // 10 // 1024
    assert grew < bound, (base, peak, size, bound)
    return "a stalled client of a %d-byte answer: the web grew %d KiB" % (
        size, grew)


def test_slow_whole(core, st):
    """The stalled client's answer, once read on, is whole."""
    devs = json.loads(chunked_body(SLOW["got"]))
    return "whole: %d devices" % len(devs)


def chunked_body(got):
    """The body of a whole chunked answer, or an AssertionError."""
    head, rest = got.split(b"\r\n\r\n", 1)
    assert b"chunked" in head.lower(), head
    out = b""
    while True:
        assert b"\r\n" in rest, "the answer stops after %d of its bytes, " \
            "with no last chunk" % len(out)
        ln, rest = rest.split(b"\r\n", 1)
        n = int(ln, 16)
        if n == 0:
            return out
        out += rest[:n]
        rest = rest[n + 2:]


def test_rounds(core, st):
    """Rounds of one client that pauses and four that read at once: each
    answer whole (a late write callback used to close a connection with
    the answer's tail still queued, about one round in four)."""
    def fetch(k, pause, res):
        s = socket.socket()
        if pause:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.connect(("127.0.0.1", core.port))
        s.sendall(("GET /devices/all_devices.json HTTP/1.1\r\nHost: x\r\n"
                   "Authorization: %s\r\nConnection: close\r\n\r\n" %
                   core.tok).encode())
        got = b""
        if pause:
            while len(got) < 256 * 1024:
                got += s.recv(65536)
            time.sleep(1)
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            got += b
        s.close()
        try:
            res[k] = len(json.loads(chunked_body(got)))
        except Exception as e:
            res[k] = repr(e)[:200]
    for r in range(4):
        res = {}
        ts = [threading.Thread(target=fetch, args=(k, k == 0, res))
              for k in range(5)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert len(set(res.values())) == 1 and \
            isinstance(res[0], int), (r, res)
    return "4 rounds of 5 dumps, each whole (%d devices)" % res[0]


def test_share(core, st):
    """With a source replaying in a loop as fast as it can, dumps get the
    bridge's share: their slices are held for capture (bulk_held), each
    answer is still whole, and status requests are answered meanwhile."""
    core.post("/datasource/add_source.cmd",
              {"definition": "%s:name=loop,loop=true" % core.capture})
    start = core.get("/system/status.json")
    held0 = start[L + "bulk_held"]
    sizes, errors, polls = [], [], []
    done = threading.Event()

    def dump():
        try:
            sizes.append(len(json.loads(
                core.raw("/devices/all_devices.json"))))
        except Exception as e:
            errors.append(repr(e)[:200])

    def poll():
        while not done.is_set():
            polls.append(core.get("/system/status.json")[L + "bulk_held"])
    held = held0
    for r in range(10):
        threads = [threading.Thread(target=dump) for i in range(2)]
        p = threading.Thread(target=poll)
        done.clear()
        for t in threads + [p]:
            t.start()
        for t in threads:
            t.join()
        done.set()
        p.join()
        held = core.get("/system/status.json")[L + "bulk_held"]
        if held > held0:
            break
    assert not errors, errors
    assert min(sizes) > 0, sizes
    assert held > held0, "no slice held in %d rounds" % (r + 1)
    # A status request was answered after slices were held and before
    # the dumps ended: it did not wait behind them.
    assert any(v > held0 for v in polls), (held0, polls)
    return "%d dumps of %d devices with a looping source: %d slices " \
        "held for capture, %d status answers meanwhile" % (
            2 * (r + 1), sizes[0], held - held0, len(polls))


SLOW = {}
TODO = {}


def main():
    # test_share last: its source replays for as long as the core runs.
    tests = [test_fields, test_counted, test_dump_turns, test_slow_reader,
             test_slow_whole, test_rounds, test_share]
    print("1..%d" % len(tests))
    tmp = tempfile.mkdtemp(prefix="osprey-gap-test-")
    core = None
    fails = 0
    try:
        capture = os.path.join(tmp, "gen.pcapng")
        subprocess.run([GEN, "--aps", "1000", "--clients", "12000",
                        "--frames", "200000", "--seed", "17", "-o",
                        capture], check=True, stdout=subprocess.DEVNULL)
        core = start(capture, tmp)
        st = core.settled()
        n = st["osprey.system.packets.total"]
        print("# %d frames, %d devices" % (
            n, st["kismet.system.devices.count"]))
        for i, t in enumerate(tests, 1):
            try:
                print("ok %d - %s" % (i, t(core, st)))
            except Exception as e:
                if t in TODO:
                    print("not ok %d - %s: %r # TODO %s" % (
                        i, t.__name__, e, TODO[t]))
                    continue
                fails += 1
                print("not ok %d - %s: %r" % (i, t.__name__, e))
            sys.stdout.flush()
    finally:
        if core is not None:
            core.stop(60, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
