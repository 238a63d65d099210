#!/bin/sh
# SPDX-License-Identifier: ISC
# \summary: run a test script inside the hwsim VM of the shared testbed
#
#   run-hwsim.sh [--host-check CHECK] SCRIPT [ARG...]
# Boots the testbed VM ($OSPREY_TESTBED/hwsim-vm; it builds its image and
# installs qemu, iw, hostapd and tcpdump with apt on first use) and runs
# SCRIPT there; the guest sees the host's file system read-only, so the
# build tree's binaries run as they are.  Skips, with a TAP skip line, when
# not root or when the testbed is missing.
#
# With --host-check, the guest gets a folder shared with the host in
# $HWSIM_OUT and leaves there what is better checked at native speed
# (tshark takes 20 s to start under the VM's emulation); CHECK then runs
# on the host with that folder, continues the guest's TAP numbering (the
# guest writes its count to $HWSIM_OUT/n instead of a plan) and ends with
# the plan.
set -u
skip() { echo "1..0 # SKIP $*"; exit 0; }

check=""
if [ "${1:-}" = --host-check ]; then
	check=$2
	shift 2
fi
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
share="--no-share"
out=""
if [ -n "$check" ]; then
	out=$(mktemp -d /tmp/osprey-hwsim.XXXXXX)
	trap 'rm -rf "$out"' EXIT
	share="-s $out"
fi
# The sanitizer settings of `meson test --setup=asan` reach the guest too.
set --  -e "ASAN_OPTIONS=${ASAN_OPTIONS:-}" -e "UBSAN_OPTIONS=${UBSAN_OPTIONS:-}" \
    -e "HWSIM_OUT=$out" -- bash "$@"
start=$(date +%s)
# shellcheck disable=SC2086
"$VM" run $share -C / -t 280 "$@"
rc=$?
echo "# VM run took $(($(date +%s) - start)) s"
if [ $rc != 0 ]; then
	echo "Bail out! the VM run failed (status $rc)"
	exit $rc
fi
[ -z "$check" ] || bash "$check" "$out"
