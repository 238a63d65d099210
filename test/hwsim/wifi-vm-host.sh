#!/bin/bash
# SPDX-License-Identifier: ISC
# \summary: on the host, after wifi-vm.sh: the core's packet logs, by tshark
#
# wifi-vm.sh ran the core with two hopping sources and with a source whose
# monitor interface was deleted, and left the packet logs (pcapng, one
# interface per source) in OUT, with the number of checks it made in
# OUT/n.  tshark, the independent reader, reads them here at native speed.
# TAP, numbered on from the guest's, then the plan.
#   wifi-vm-host.sh OUT
OUT=${1:?usage: wifi-vm-host.sh OUT}
n=$(cat "$OUT/n" 2>/dev/null || echo 0)

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
hexssid() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# read PCAPNG: source, SSID (hex), frequency and time of every frame
read_log() {
	tshark -r "$1" -T fields -e frame.interface_name -e wlan.ssid \
	    -e radiotap.channel.freq -e frame.time_epoch 2>/dev/null
}

if [ -f "$OUT/split.pcapng" ]; then
	read_log "$OUT/split.pcapng" > "$OUT/split.txt"
	for src in left right; do
		for ch in 3 6 11; do
			f=$((2407 + 5 * ch))
			b=$(awk -v s="$src" -v i="$(hexssid "osprey-$ch")" \
			    -v f="$f" '$1 == s && $2 == i && $3 == f' \
			    "$OUT/split.txt" | wc -l)
			check "log: '$src' heard osprey-$ch at $f MHz ($b beacons)" \
			    [ "$b" -ge 2 ]
		done
	done
else
	nok "no packet log of the split run"
fi

if [ -f "$OUT/retry.pcapng" ] && [ -f "$OUT/gone_at" ]; then
	gone=$(cat "$OUT/gone_at")
	read_log "$OUT/retry.pcapng" > "$OUT/retry.txt"
	# a second after the deletion: what the retried helper sent
	after=$(awk -v i="$(hexssid osprey-6)" -v t="$gone" \
	    '$1 == "solo" && $2 == i && $4 > t + 1' "$OUT/retry.txt" | wc -l)
	check "log: 'solo' logged $after beacons after the retry" \
	    [ "$after" -ge 3 ]
else
	nok "no packet log of the retry run"
fi
echo "1..$n"
