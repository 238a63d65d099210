#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# \summary: the manual pages: lint (mandoc, groff), names, cross-references,
# and every option a program's --help lists documented in its page
#
# usage: test_manpages.py SOURCE_MAN_DIR PAGE... [--prog PAGE PROGRAM]...
#
# PAGE is a configured page from the build tree (doc/meson.build).  With
# --prog, PROGRAM --help is run and each --option it prints must appear in
# PAGE as "Fl Fl option"; each option of PAGE's SYNOPSIS must be one the
# program knows.  Output is TAP.

import os
import re
import shutil
import subprocess
import sys

results = []


def check(ok, what, diag=""):
    results.append((bool(ok), what, diag))


def skip(what, why):
    results.append((None, what, why))


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


def parse_args(argv):
    srcdir = argv[0]
    pages, progs = [], []
    i = 1
    while i < len(argv):
        if argv[i] == "--prog":
            progs.append((argv[i + 1], argv[i + 2]))
            i += 3
        else:
            pages.append(argv[i])
            i += 1
    return srcdir, pages, progs


def lint_page(path, known):
    name = os.path.basename(path)
    text = open(path, encoding="utf-8").read()
    left = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    check(not left, "%s: every @VARIABLE@ substituted" % name,
          "left: " + " ".join(left))

    r = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", path],
                       capture_output=True, text=True)
    check(r.returncode == 0 and not r.stdout and not r.stderr,
          "%s: mandoc -T lint -W warning is clean" % name,
          r.stdout + r.stderr)

    # What lintian runs (check documentation/manual): groff's warnings.
    env = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80")
    r = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8",
                        "-Z", path], capture_output=True, text=True, env=env)
    check(r.returncode == 0 and not r.stderr,
          "%s: man --warnings (groff) is clean" % name, r.stderr)

    m = re.search(r"^\.Dt (\S+) (\S+)", text, re.M)
    base, sec = name.rsplit(".", 1)
    check(m is not None and m.group(1) == base.upper() and
          m.group(2) == sec,
          "%s: .Dt names the page and its section" % name,
          "found %r" % (m.group(0) if m else None))
    m = re.search(r"^\.Nm (\S+)", text, re.M)
    check(m is not None and m.group(1) == base,
          "%s: .Nm is %s" % (name, base),
          "found %r" % (m.group(0) if m else None))

    refs = re.findall(r"^\.Xr (osprey\S*) (\d)", text, re.M)
    bad = ["%s(%s)" % r for r in refs if "%s.%s" % r not in known]
    check(not bad, "%s: references to osprey pages name existing pages" %
          name, "unknown: " + ", ".join(bad))
    return text


def section(text, title):
    """The mdoc source of one .Sh section."""
    m = re.search(r"^\.Sh %s\n(.*?)(?=^\.Sh |\Z)" % re.escape(title), text,
                  re.M | re.S)
    return m.group(1) if m else ""


def check_options(page, text, prog):
    name = os.path.basename(page)
    r = subprocess.run([prog, "--help"], capture_output=True, text=True,
                       timeout=30)
    out = r.stdout + r.stderr
    check(r.returncode == 0 and out,
          "%s: %s --help exits 0 and prints something" %
          (name, os.path.basename(prog)), out)
    helplong = set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]*)", out))
    helpshort = set(re.findall(r"(?<![\w-])-([a-zA-Z])\b", out))
    documented = set(re.findall(r"Fl Fl ([a-z][a-z0-9-]*)", text))
    missing = sorted(helplong - documented)
    check(helplong and not missing,
          "%s: documents every long option of --help (%d)" %
          (name, len(helplong)), "not in the page: " + " ".join(missing))

    syn = section(text, "SYNOPSIS")
    synlong = set(re.findall(r"Fl Fl ([a-z][a-z0-9-]*)", syn))
    synshort = set(re.findall(r"Fl ([a-zA-Z])\b", syn))
    unknown = sorted(["--" + o for o in synlong - helplong] +
                     ["-" + o for o in synshort - helpshort])
    check(not unknown, "%s: SYNOPSIS options are the program's own" % name,
          "not in --help: " + " ".join(unknown))


def main():
    srcdir, pages, progs = parse_args(sys.argv[1:])
    for tool in ("mandoc", "man"):
        check(shutil.which(tool) is not None, "%s is installed" % tool,
              "scripts/install-deps installs it")
    if not all(ok for ok, _, _ in results):
        finish()
    known = {f[:-3] for f in os.listdir(srcdir) if f.endswith(".in")}
    texts = {}
    for p in pages:
        texts[os.path.basename(p)] = lint_page(p, known)
    check(len(pages) > 0 and set(texts) <= known,
          "every page built comes from %s" % srcdir, " ".join(texts))
    for page, prog in progs:
        check_options(page, texts[os.path.basename(page)], prog)
    with_prog = {os.path.basename(p) for p, _ in progs}
    for name in sorted(texts):
        if name not in with_prog and name.split(".")[-1] in ("1", "8"):
            skip("%s: options against --help" % name,
                 "the program is not built in this tree")
    finish()


if __name__ == "__main__":
    main()
