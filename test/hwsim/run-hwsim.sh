#!/bin/sh
# SPDX-License-Identifier: ISC
# \summary: run a test script inside the hwsim VM of the shared testbed
#
#   run-hwsim.sh SCRIPT [ARG...]
# Boots the testbed VM ($OSPREY_TESTBED/hwsim-vm; it builds its image and
# installs qemu, iw, hostapd and tcpdump with apt on first use) and runs
# SCRIPT there; the guest sees the host's file system read-only, so the
# build tree's binaries run as they are.  Skips, with a TAP skip line, when
# not root or when the testbed is missing.
set -u
skip() { echo "1..0 # SKIP $*"; exit 0; }

[ "$(id -u)" = 0 ] || skip "the hwsim VM needs root"
VM=${OSPREY_TESTBED:-}/hwsim-vm
[ -n "${OSPREY_TESTBED:-}" ] && [ -x "$VM" ] ||
    skip "no testbed (OSPREY_TESTBED=${OSPREY_TESTBED:-unset})"
# First use: packages and the kernel image (about 30 s, cached).
log=$(mktemp)
if ! "$VM" build >"$log" 2>&1; then
	sed 's/^/# /' "$log"
	rm -f "$log"
	echo "1..1"
	echo "not ok 1 - hwsim-vm build"
	exit 1
fi
rm -f "$log"
# The sanitizer settings of `meson test --setup=asan` reach the guest too.
set --  -e "ASAN_OPTIONS=${ASAN_OPTIONS:-}" -e "UBSAN_OPTIONS=${UBSAN_OPTIONS:-}" \
    -- bash "$@"
start=$(date +%s)
"$VM" run --no-share -C / -t 240 "$@"
rc=$?
echo "# VM run took $(($(date +%s) - start)) s"
[ $rc = 0 ] || echo "Bail out! the VM run failed (status $rc)"
exit $rc
