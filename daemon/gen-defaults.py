#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# \summary: the core's built-in defaults, generated from etc/ at build time
#
# osprey runs on these when the default config file is not there (a build
# tree that was never installed).  They are the installed files
# themselves: etc/osprey.conf with each include= (and opt_include=) line
# replaced by the file it names, so the compiled-in values cannot drift
# from the shipped ones.  Comment and empty lines are left out.
#
# Usage: gen-defaults.py ETC/osprey.conf OUT.c

import os
import re
import sys

INCLUDE = re.compile(r"^\s*(opt_)?include\s*=\s*(.*?)\s*$", re.I)


def lines(path, depth=0):
    if depth > 8:
        sys.exit("%s: includes nest too deep" % path)
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            s = line.strip()
            if s == "" or s.startswith("#"):
                continue
            m = INCLUDE.match(line)
            if m is None:
                yield line
                continue
            inc = os.path.join(os.path.dirname(path), m.group(2))
            if m.group(1) and not os.path.exists(inc):
                continue
            yield from lines(inc, depth + 1)


def c_string(s):
    out = []
    for ch in s:
        if ch in '\\"':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append("\\%03o" % ord(ch))
    return '"' + "".join(out) + '\\n"'


def main():
    src, dst = sys.argv[1], sys.argv[2]
    body = [c_string(l) for l in lines(src)]
    with open(dst, "w", encoding="utf-8") as f:
        f.write("/* Generated from etc/osprey.conf by gen-defaults.py. */\n"
                "#include <stddef.h>\n\n"
                "#include \"defaults.h\"\n\n"
                "const char osprey_defaults[] =\n")
        for b in body:
            f.write("    %s\n" % b)
        f.write("    \"\";\n"
                "const size_t osprey_defaults_len = "
                "sizeof(osprey_defaults) - 1;\n")


if __name__ == "__main__":
    main()
