#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: osprey_cap_pcapfile against libpcap on made-up pcap/pcapng files
#
#   pcapfile_formats.py TEST_PCAPFILE OSPREY_CAP_PCAPFILE
#
# osprey_cap_pcapfile reads capture files itself (datasources/pcapfile/
# capfile.c), not through libpcap.  The shared captures cover the common
# cases; this writes the rest into a temporary folder, each built for one
# rule of the formats, and runs `TEST_PCAPFILE HELPER formats DIR`, which
# replays every file through the helper and holds each frame (and where a
# damaged file stops, or that a file is refused) against libpcap reading
# the same file.  Nothing here says what the answer should be: libpcap does.
#
# pcap: both byte orders, microsecond and nanosecond magic, Kuznetzov's
# 24-byte records, versions 2.2 and 2.3 (swapped lengths), a snapshot
# length shorter than the frames (cut to it), no snapshot length, FCS bits
# in the link type, signed times, an unknown version, and cuts.
# pcapng: both byte orders, if_tsresol (decimal and binary) and
# if_tsoffset, several interfaces and sections, SPB, the obsolete PB,
# blocks to step over (one larger than the reader's buffer), options after
# the frame, and each kind of damage the reader checks.
import os
import struct
import subprocess
import sys
import tempfile

T = 1600000000123456    # a time in microseconds


def frame(i, n=40):
    """An 802.11 beacon header and a counter: plainly made up."""
    return bytes([0x80, 0, 0, 0] + [0xff] * 6 +
                 [(i + j) & 0xff for j in range(n - 10)])


def pcap(e="<", magic=0xa1b2c3d4, ver=(2, 4), snap=65535, lt=105,
         recs=(), patched=False, swaplen=False, cut=0):
    b = struct.pack(e + "IHHiiII", magic, ver[0], ver[1], 0, 0, snap, lt)
    for sec, frac, data, olen in recs:
        cl, ln = len(data), olen
        if swaplen:
            cl, ln = ln, cl
        b += struct.pack(e + "IIII", sec, frac, cl, ln)
        b += b"\0" * 8 if patched else b""
        b += data
    return b[:len(b) - cut]


def blk(e, t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(e + "II", t, n) + body + struct.pack(e + "I", n)


def shb(e, ver=(1, 0)):
    return blk(e, 0x0a0d0d0a,
               struct.pack(e + "IHHq", 0x1a2b3c4d, ver[0], ver[1], -1))


def opt(e, code, val):
    return struct.pack(e + "HH", code, len(val)) + val + \
        b"\0" * (-len(val) % 4)


def idb(e, lt=105, snap=0, opts=b""):
    return blk(e, 1, struct.pack(e + "HHI", lt, 0, snap) + opts)


def epb(e, ifid, t, data, olen=None, opts=b""):
    olen = len(data) if olen is None else olen
    return blk(e, 6, struct.pack(e + "IIIII", ifid, t >> 32,
                                 t & 0xffffffff, len(data), olen) +
               data + b"\0" * (-len(data) % 4) + opts)


def spb(e, data, olen):
    return blk(e, 3, struct.pack(e + "I", olen) + data)


def pb(e, ifid, t, data):
    return blk(e, 2, struct.pack(e + "HHIIII", ifid, 0, t >> 32,
                                 t & 0xffffffff, len(data), len(data)) +
               data + b"\0" * (-len(data) % 4))


def files():
    recs = [(1600000000 + i, i * 1000 + 7, frame(i, 40 + i * 10),
             44 + i * 10) for i in range(8)]
    nrecs = [(s, f * 1000 + 999, d, n) for s, f, d, n in recs]
    yield "le.pcap", pcap(recs=recs)
    yield "be.pcap", pcap(e=">", recs=recs)
    yield "be-nsec.pcap", pcap(e=">", magic=0xa1b23c4d, recs=nrecs)
    yield "le-nsec.pcap", pcap(magic=0xa1b23c4d, recs=nrecs)
    yield "patched.pcap", pcap(magic=0xa1b2cd34, recs=recs, patched=True)
    yield "patched-be.pcap", pcap(e=">", magic=0xa1b2cd34, recs=recs,
                                  patched=True)
    yield "snap64.pcap", pcap(snap=64, recs=recs)
    yield "snap64-cut.pcap", pcap(snap=64, recs=recs, cut=20)
    yield "snap0.pcap", pcap(snap=0, recs=recs)
    yield "v22.pcap", pcap(ver=(2, 2), recs=recs, swaplen=True)
    yield "v23.pcap", pcap(ver=(2, 3), recs=recs)
    yield "v23-swapped.pcap", pcap(ver=(2, 3), recs=recs, swaplen=True)
    yield "v543.pcap", pcap(ver=(543, 0), recs=recs, swaplen=True)
    yield "v1.pcap", pcap(ver=(1, 0), recs=recs)
    yield "v25.pcap", pcap(ver=(2, 5), recs=recs)
    yield "fcsbits.pcap", pcap(lt=105 | (4 << 28), recs=recs)
    yield "signed-time.pcap", pcap(recs=[(0xfffffff0, 0xffffff00,
                                          frame(1), 44)])
    yield "huge-frame.pcap", pcap(recs=recs) + struct.pack(
        "<IIII", 0, 0, 300000, 300000) + b"\0" * 300000
    yield "cut-header.pcap", pcap(recs=recs) + b"\0" * 7
    yield "short.pcap", pcap(recs=())[:20]
    for e, n in (("<", "le"), (">", "be")):
        end = opt(e, 0, b"")
        good = shb(e) + idb(e) + epb(e, 0, T, frame(1)) + \
            epb(e, 0, T + 1, frame(2))
        yield "ng-%s.pcapng" % n, good
        yield "ng-%s-tsresol.pcapng" % n, shb(e) + \
            idb(e, opts=opt(e, 2, b"wlan0mon") + opt(e, 9, b"\x09") +
                end) + \
            idb(e, opts=opt(e, 9, b"\x94") +
                opt(e, 14, struct.pack(e + "q", 1000)) + end) + \
            idb(e, opts=opt(e, 9, b"\x03")) + \
            b"".join(epb(e, i % 3, [T * 1000 + i * 123456789,
                                    (T << 20) // 1000000 + i * 777777,
                                    T // 1000 + i][i % 3], frame(i),
                         opts=opt(e, 1, b"comment") + end)
                     for i in range(9))
        yield "ng-%s-blocks.pcapng" % n, shb(e) + idb(e, snap=100) + \
            blk(e, 4, b"\0" * 8) + blk(e, 0x0bad, b"x" * 20) + \
            spb(e, frame(1, 60), 60) + spb(e, frame(2, 100), 140) + \
            pb(e, 0, T, frame(3)) + \
            blk(e, 5, struct.pack(e + "III", 0, 0, 0)) + \
            shb(e, (1, 2)) + idb(e, snap=100) + epb(e, 0, T, frame(4)) + \
            blk(e, 0x0bad, b"y" * 300000) + epb(e, 0, T + 5, frame(5))
        bad = bytearray(epb(e, 0, T + 2, frame(3)))
        bad[-1 if e == ">" else -4] ^= 4
        yield "ng-%s-trailer.pcapng" % n, good + bytes(bad)
        yield "ng-%s-iflinktype.pcapng" % n, good + idb(e, lt=127) + \
            epb(e, 0, T, frame(4))
        yield "ng-%s-ifsnap.pcapng" % n, good + idb(e, snap=50) + \
            epb(e, 0, T, frame(4))
        yield "ng-%s-ifsame.pcapng" % n, good + idb(e) + \
            epb(e, 1, T, frame(4))
        yield "ng-%s-noif.pcapng" % n, good + epb(e, 3, T, frame(4))
        yield "ng-%s-caplen.pcapng" % n, shb(e) + idb(e, snap=30) + \
            epb(e, 0, T, frame(1, 20)) + epb(e, 0, T, frame(1, 40))
        yield "ng-%s-cut.pcapng" % n, (good + epb(e, 0, T, frame(4)))[:-7]
        yield "ng-%s-twice.pcapng" % n, good + \
            idb(e, opts=opt(e, 9, b"\x09") + opt(e, 9, b"\x06")) + \
            epb(e, 0, T, frame(4))
        yield "ng-%s-tsresol99.pcapng" % n, shb(e) + \
            idb(e, opts=opt(e, 9, b"\x63")) + epb(e, 0, T, frame(4))
        yield "ng-%s-packet-first.pcapng" % n, shb(e) + \
            epb(e, 0, T, frame(4)) + idb(e)
        yield "ng-%s-no-idb.pcapng" % n, shb(e) + blk(e, 4, b"\0" * 8)
        yield "ng-%s-v13.pcapng" % n, shb(e, (1, 3)) + idb(e) + \
            epb(e, 0, T, frame(4))
        yield "ng-%s-mixed-order.pcapng" % n, good + \
            shb(">" if e == "<" else "<") + idb(e) + epb(e, 0, T, frame(4))
        yield "ng-%s-len13.pcapng" % n, good + \
            struct.pack(e + "II", 0x0bad, 13) + b"\0" * 5 + \
            epb(e, 0, T, frame(4))
        yield "ng-%s-short-epb.pcapng" % n, good + blk(e, 6, b"\0" * 12)
        yield "ng-%s-epb-over.pcapng" % n, good + \
            blk(e, 6, struct.pack(e + "IIIII", 0, 0, 0, 100, 100) +
                b"z" * 40)


def main():
    if len(sys.argv) != 3:
        print("usage: pcapfile_formats.py TEST_PCAPFILE OSPREY_CAP_PCAPFILE",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pcapfile-formats.") as d:
        for name, data in files():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        return subprocess.call([sys.argv[1], sys.argv[2], "formats", d])


if __name__ == "__main__":
    sys.exit(main())
