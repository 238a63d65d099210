#!/bin/sh
# SPDX-License-Identifier: ISC
# \summary: osprey's packages under a real systemd, in the testbed VM
#
# usage: test_systemd_vm.sh GUEST_SCRIPT DEBDIR
#
# Runs only with OSPREY_TEST_SYSTEMD_VM=1 (ten minutes or more: the VM
# boots under emulation, then systemd), as root, with the testbed of
# OSPREY_TESTBED, on packages that the deb test built into DEBDIR (or
# OSPREY_DEB_DIR) including osprey-capture-linux-wifi.  The guest script
# prints TAP.
guest=$1
debs=${OSPREY_DEB_DIR:-$2}
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "${OSPREY_TEST_SYSTEMD_VM:-}" = 1 ] ||
    skip "set OSPREY_TEST_SYSTEMD_VM=1 to boot systemd in the testbed VM (slow)"
[ "$(id -u)" = 0 ] || skip "needs root (the testbed VM)"
vm=${OSPREY_TESTBED:-}/hwsim-vm
[ -x "$vm" ] || skip "no testbed VM at $vm (OSPREY_TESTBED)"
ls "$debs"/osprey-capture-linux-wifi_*.deb >/dev/null 2>&1 ||
    skip "no osprey-capture-linux-wifi package in $debs (run the deb test first)"
debs=$(cd "$debs" && pwd)
exec "$vm" run -t 1500 -s "$debs" -s "$(dirname "$guest")" -C / -- \
    "$guest" "$debs"
