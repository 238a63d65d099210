#!/bin/bash
# SPDX-License-Identifier: ISC
# \summary: inside the hwsim VM: the scene for test_linuxwifi
#
# Five hwsim radios: the first captures, APs "osprey-3", "osprey-6" and
# "osprey-11" on the next three (none on channel 1: see
# close_source() in test_linuxwifi.c), and the last renamed to a name too long
# for "<if>mon".  Then test_linuxwifi drives the real helper over the
# protocol and prints TAP.
#   wifi-e2e.sh TEST_LINUXWIFI OSPREY_CAP_LINUX_WIFI
TEST=${1:?usage: wifi-e2e.sh TEST HELPER}
HELPER=${2:?usage: wifi-e2e.sh TEST HELPER}
W=/tmp/wifi-e2e.$$
mkdir -p "$W"
bail() { echo "Bail out! $*"; exit 1; }

modprobe mac80211_hwsim radios=5 || bail "modprobe mac80211_hwsim"
IFS=' ' read -r -a PHYS <<< "$(cd /sys/class/ieee80211 && echo *)"
[ ${#PHYS[@]} = 5 ] || bail "expected 5 radios, got ${PHYS[*]}"
netof() { local d=(/sys/class/ieee80211/$1/device/net/*); echo "${d[0]##*/}"; }
for i in 0 1 2 3 4; do IFS_[$i]=$(netof "${PHYS[$i]}"); done
i=1
for ch in 3 6 11; do
	cat > "$W/ap$ch.conf" <<EOF
interface=${IFS_[$i]}
driver=nl80211
ssid=osprey-$ch
hw_mode=g
channel=$ch
EOF
	hostapd -B -P "$W/ap$ch.pid" "$W/ap$ch.conf" > "$W/ap$ch.log" 2>&1 ||
	    { cat "$W/ap$ch.log"; bail "hostapd on channel $ch"; }
	i=$((i + 1))
done
LONG=wlan4longname1
ip link set "${IFS_[4]}" name "$LONG" || bail "rename ${IFS_[4]}"
ip link set "${IFS_[0]}" up
OSPREY_WIFI_IF=${IFS_[0]} OSPREY_WIFI_LONGIF=$LONG \
    CMOCKA_MESSAGE_OUTPUT=TAP "$TEST" "$HELPER"
rc=$?
for ch in 3 6 11; do kill "$(< "$W/ap$ch.pid")" 2>/dev/null; done
exit $rc
