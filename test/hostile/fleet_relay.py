#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: a TCP relay that makes a bad link: delay, stalls, cuts
#
# The machine's kernel has no netem qdisc, so the bad link is made here,
# in user space, on the path between the sensors and the server:
#
#   --delay MS        every byte is held MS milliseconds, each direction
#   --stall EVERY:FOR every EVERY seconds nothing moves for FOR seconds
#                     (the relay stops reading too, so the senders' own
#                     buffers fill, as on a link that went quiet)
#   --cut MIN:MAX     each connection is cut after a number of bytes
#                     from the sensor drawn in [MIN, MAX], in the middle
#                     of whatever it was sending (both sides closed at
#                     once, what the relay held lost), at most --cuts N
#                     times in all
#   --seed N          the draws are repeatable
#
# It prints "listening on ADDR:PORT" once ready and, on SIGTERM, one line
# of JSON with what it did.  Usage: fleet_relay.py --listen ADDR:PORT
#                                     --target ADDR:PORT [options]

import argparse
import asyncio
import json
import random
import signal
import sys
import time

QUEUE_CHUNKS = 8        # at most 8 reads (512 KiB) held per direction


class Relay:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.t0 = time.monotonic()
        self.stats = {"connections": 0, "cuts": 0, "bytes_up": 0,
                      "bytes_down": 0, "stalls": 0}
        self.stalled = asyncio.Event()
        self.stalled.set()          # set: traffic may move

    def cut_budget(self):
        if self.a.cut is None or self.stats["cuts"] >= self.a.cuts:
            return None
        lo, hi = self.a.cut
        return self.rng.randint(lo, hi)

    async def stall_loop(self):
        every, length = self.a.stall
        while True:
            await asyncio.sleep(every)
            self.stats["stalls"] += 1
            self.stalled.clear()
            await asyncio.sleep(length)
            self.stalled.set()

    async def pump_in(self, reader, q):
        while True:
            await self.stalled.wait()
            data = await reader.read(65536)
            await q.put((time.monotonic() + self.a.delay / 1000.0, data))
            if not data:
                return

    async def pump_out(self, q, writer, conn, up):
        while True:
            due, data = await q.get()
            if not data:
                writer.close()
                return
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.stalled.wait()
            if up and conn["budget"] is not None:
                left = conn["budget"] - conn["sent"]
                if len(data) >= left and self.stats["cuts"] < self.a.cuts:
                    # Mid-stream: the server gets part of what the sensor
                    # wrote, then the end; the sensor a reset.
                    writer.write(data[:left])
                    writer.close()
                    conn["writers"][0].transport.abort()
                    self.stats["cuts"] += 1
                    self.stats["bytes_up"] += left
                    conn["cut"] = True
                    return
            conn["sent"] += len(data)
            self.stats["bytes_up" if up else "bytes_down"] += len(data)
            writer.write(data)
            await writer.drain()

    async def handle(self, creader, cwriter):
        self.stats["connections"] += 1
        try:
            sreader, swriter = await asyncio.open_connection(
                *self.a.target)
        except OSError:
            cwriter.transport.abort()
            return
        conn = {"budget": self.cut_budget(), "sent": 0, "cut": False,
                "writers": (cwriter, swriter)}
        up = asyncio.Queue(QUEUE_CHUNKS)
        down = asyncio.Queue(QUEUE_CHUNKS)
        tasks = [asyncio.ensure_future(x) for x in (
            self.pump_in(creader, up), self.pump_out(up, swriter, conn, True),
            self.pump_in(sreader, down),
            self.pump_out(down, cwriter, conn, False))]
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(
                pending, return_when=asyncio.FIRST_COMPLETED)
            if conn["cut"] or any(not t.cancelled() and t.exception()
                                  for t in done):
                break
        for t in pending:
            t.cancel()
        for w in conn["writers"]:
            if not w.is_closing():
                w.transport.abort()

    async def run(self):
        srv = await asyncio.start_server(self.handle, *self.a.listen)
        addr = srv.sockets[0].getsockname()
        print("listening on %s:%d" % (addr[0], addr[1]), flush=True)
        if self.a.stall is not None:
            asyncio.ensure_future(self.stall_loop())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        srv.close()
        print(json.dumps(self.stats), flush=True)


def hostport(s):
    host, _, port = s.rpartition(":")
    return host, int(port)


def pair(s, conv):
    lo, _, hi = s.partition(":")
    return conv(lo), conv(hi)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=hostport, required=True)
    p.add_argument("--target", type=hostport, required=True)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--stall", type=lambda s: pair(s, float))
    p.add_argument("--cut", type=lambda s: pair(s, int))
    p.add_argument("--cuts", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    asyncio.run(Relay(p.parse_args()).run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
