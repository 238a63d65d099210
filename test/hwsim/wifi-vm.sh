#!/bin/bash
# SPDX-License-Identifier: ISC
# \summary: inside the hwsim VM: the linux-wifi modules on mac80211_hwsim
#
# Runs INSIDE the testbed VM (test/hwsim/run-hwsim.sh starts it): three
# hwsim radios, hostapd with an AP on the second, and hwsim-wifi (the test
# tool linking the helper's modules) on the others.  Every result is
# checked against an independent view: iw, sysfs, and tcpdump reading the
# pcap files the tool wrote.  TAP output, plan at the end.
#
# Under the VM's software emulation starting a program costs a quarter of
# a second, so checks use bash builtins and sysfs reads, and programs run
# only where they are the thing being checked.
# The last part runs the real core, osprey, with osprey_cap_linux_wifi on
# fresh radios: two sources split one hop list, and a deleted monitor
# interface is retried.
#   wifi-vm.sh HWSIM_WIFI_BINARY [OSPREY OSPREY_CAP_LINUX_WIFI]
T=${1:?usage: wifi-vm.sh HWSIM_WIFI_BINARY [OSPREY HELPER]}
OSPREY=${2:-}
HELPER=${3:-}
SSID=osprey-hwsim
W=/tmp/wifi-vm.$$
mkdir -p "$W"
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
stamp() { local u; read -r u _ < /proc/uptime; echo "# $u s: $*"; }
# show FILE: copy a file into the log as TAP comments
show() { local l; while IFS= read -r l; do echo "# ${l:0:200}"; done < "$1"; }
# line FILE TEXT: FILE holds exactly this line
line() { local l; [ -e "$1" ] || return 1; while IFS= read -r l; do [[ $l == "$2" ]] && return 0; done < "$1"; return 1; }
# match FILE REGEX: a line of FILE matches
match() { local l; [ -e "$1" ] || return 1; while IFS= read -r l; do [[ $l =~ $2 ]] && return 0; done < "$1"; return 1; }
# count FILE REGEX: how many lines match
count() { local l k=0; [ -e "$1" ] || { echo 0; return; }; while IFS= read -r l; do [[ $l =~ $2 ]] && k=$((k + 1)); done < "$1"; echo $k; }
exists() { [ -e "/sys/class/net/$1" ]; }
up() { local f; read -r f < "/sys/class/net/$1/flags" && (( f & 1 )); }
# beacons PCAP: beacons of our AP, as tcpdump decodes them (into PCAP.txt)
beacons() { tcpdump -r "$1" -n > "$1.txt" 2>/dev/null; count "$1.txt" "Beacon \\($SSID\\)"; }
finish() {
	stamp done
	# With a host check to follow, it numbers on and prints the plan.
	if [ -n "${HWSIM_OUT:-}" ]; then echo "$n" > "$HWSIM_OUT/n"
	else echo "1..$n"; fi
	[ -f "$W/hostapd.pid" ] && kill "$(< "$W/hostapd.pid")" 2>/dev/null
	exit 0
}

stamp start
modprobe mac80211_hwsim radios=3 || { nok "modprobe mac80211_hwsim"; finish; }
PHYS=(/sys/class/ieee80211/*)
PHYS=("${PHYS[@]##*/}")
[ ${#PHYS[@]} = 3 ] && ok "3 hwsim radios: ${PHYS[*]}" ||
    { nok "radios: ${PHYS[*]}"; finish; }
P0=${PHYS[0]} P1=${PHYS[1]} P2=${PHYS[2]}
netof() { local d=(/sys/class/ieee80211/$1/device/net/*); echo "${d[0]##*/}"; }
W0=$(netof "$P0") W1=$(netof "$P1") W2=$(netof "$P2")

stamp "list"
"$T" list > "$W/list" 2>&1
show "$W/list"
check "list shows 3 interfaces" [ "$(count "$W/list" '^iface ')" = 3 ]
check "every interface has driver mac80211_hwsim" [ "$(count "$W/list" \
    '^iface .* driver mac80211_hwsim type managed monitor yes')" = 3 ]
CH=" $(while read -r a b rest; do [[ $a == channels && $b == "$W0" ]] &&
    echo "${rest#*: }"; done < "$W/list") "
inlist() { [[ $CH == *" $1 "* ]]; }
for c in 1 6 11 14 6HT40+ 6HT40- 11HT40- 36 36HT40+ 36VHT80 36VHT160 \
    149VHT80 165; do
	check "list of $W0 has $c" inlist "$c"
done
for c in 14HT40- 1HT40- 11HT40+ 165VHT80 144; do
	check "list of $W0 leaves out $c, which $P0 cannot tune" \
	    eval '! inlist "$c"'
done
# the 20 MHz channels are exactly the ones iw shows enabled (2.4, 5 GHz)
iw phy "$P0" info > "$W/iw"
IWCH=" "
while IFS= read -r l; do
	[[ $l =~ \*\ ([0-9]+)(\.0)?\ MHz\ \[([0-9]+)\] ]] || continue
	[[ $l == *disabled* ]] && continue
	(( BASH_REMATCH[1] >= 2400 && BASH_REMATCH[1] < 5900 )) &&
	    IWCH+="${BASH_REMATCH[3]} "
done < "$W/iw"
OURCH=" "
for c in $CH; do [[ $c =~ ^[0-9]+$ ]] && OURCH+="$c "; done
echo "# iw:   $IWCH"
check "20 MHz channels are iw's enabled ones" [ "$IWCH" = "$OURCH" ]

stamp "an AP on $W1"
cat > "$W/hostapd.conf" <<EOF
interface=$W1
driver=nl80211
ssid=$SSID
hw_mode=g
channel=6
EOF
hostapd -B -P "$W/hostapd.pid" "$W/hostapd.conf" > "$W/hostapd.log" 2>&1 ||
    { show "$W/hostapd.log"; nok "hostapd"; finish; }
ok "hostapd AP $SSID on $W1 channel 6"

stamp "open, lock, tune, hop, close"
ip link set "$W0" up
"$T" run "$W0" info tune:6 cap:1000:$W/ch6.pcap tune:1 cap:600:$W/ch1.pcap \
    tune:6 cap:600:$W/ch6b.pcap tune:6HT40+ cap:600:$W/ht40.pcap \
    tune:36VHT80 cap:300:$W/vht80.pcap tune:36VHT160 tune:11HT40- \
    hop:10:1200:1,6,11,36 stats info > "$W/run" 2>&1
rc=$?
show "$W/run"
check "run exits 0" [ $rc = 0 ]
check "created ${W0}mon, radiotap" line "$W/run" \
    "open $W0 vif ${W0}mon created yes dlt 127"
check "parent $W0 taken down while capturing" line "$W/run" \
    "info vif ${W0}mon created yes parent $W0 down"
for c in 6 1 6HT40+ 36VHT80 36VHT160 11HT40-; do
	check "tuned $c, kernel reads back $c" line "$W/run" \
	    "tuned $c readback $c"
done
b=$(beacons "$W/ch6.pcap")
check "channel 6: $b beacons of $SSID in 1 s" [ "$b" -ge 6 ]
check "channel 6: every one says 2437 MHz and DS channel 6" [ "$(count \
    "$W/ch6.pcap.txt" "2437 MHz.*Beacon \\($SSID\\).*CH: 6")" = "$b" ]
LT=$(od -An -tu4 -j20 -N4 "$W/ch6.pcap")
check "pcap link type is radiotap" [ $LT = 127 ]
b=$(beacons "$W/ch1.pcap")
check "locked to 1: beacons stop ($b)" [ "$b" = 0 ]
b=$(beacons "$W/ch6b.pcap")
check "back on 6: beacons return ($b)" [ "$b" -ge 3 ]
b=$(beacons "$W/ht40.pcap")
check "6HT40+: $b beacons" [ "$b" -ge 3 ]
b=$(beacons "$W/vht80.pcap")
check "36VHT80: no beacons of a 2.4 GHz AP ($b)" [ "$b" = 0 ]
for c in 1 6 11 36; do
	check "hop visited $c" line "$W/run" "visit $c readback $c"
done
check "hop: no channel failed" match "$W/run" \
    '^hopped [0-9]+ times over 4 channels, 0 failed$'
check "kernel counters read" match "$W/run" \
    '^stats received [1-9][0-9]* dropped 0 '
check "${W0}mon deleted at exit" eval '! exists ${W0}mon'
check "$W0 up again at exit" up "$W0"

stamp "a name too long for <if>mon"
LONG=wlan2longname1
ip link set "$W2" down && ip link set "$W2" name "$LONG"
"$T" run "$LONG" info tune:6 cap:600:$W/long.pcap > "$W/long" 2>&1
rc=$?
show "$W/long"
check "$LONG (14 characters): vif osmon0" line "$W/long" \
    "open $LONG vif osmon0 created yes dlt 127"
b=$(beacons "$W/long.pcap")
check "osmon0 captures $b beacons" eval '[ $rc = 0 ] && [ "$b" -ge 3 ]'
check "osmon0 deleted at exit" eval '! exists osmon0'

stamp "an existing monitor interface, soft rfkill"
iw phy "$P2" interface add mon7 type monitor
SOFT=(/sys/class/ieee80211/$P2/rfkill*/soft)
echo 1 > "${SOFT[0]}"
check "$P2 soft-blocked before" [ "$(< "${SOFT[0]}")" = 1 ]
"$T" run mon7 info tune:6 cap:600:$W/mon7.pcap > "$W/mon7" 2>&1
rc=$?
show "$W/mon7"
check "mon7 used as it is" line "$W/mon7" "open mon7 vif mon7 created no dlt 127"
b=$(beacons "$W/mon7.pcap")
check "soft block cleared: mon7 captures $b beacons" \
    eval '[ $rc = 0 ] && [ "$b" -ge 3 ]'
check "soft rfkill block set again at exit" [ "$(< "${SOFT[0]}")" = 1 ]
check "mon7 still there at exit" exists mon7
check "mon7 down again at exit, as it was" eval '! up mon7'
iw dev mon7 del
echo 0 > "${SOFT[0]}"

stamp "the vif vanishes mid-capture"
"$T" run "$W0" tune:6 gone:8000 reopen tune:6 cap:600:$W/retry.pcap \
    > "$W/gone" 2>&1 &
pid=$!
for ((i = 0; i < 100; i++)); do exists "${W0}mon" && break; sleep 0.1; done
sleep 0.5
iw dev "${W0}mon" del
wait $pid
rc=$?
show "$W/gone"
check "deletion reported clearly" match "$W/gone" \
    "^error: (monitor interface ${W0}mon was deleted by another program|capture on ${W0}mon: .*)$"
check "the tool saw the vif go" line "$W/gone" "gone ${W0}mon"
check "retry opens a new ${W0}mon" [ "$(count "$W/gone" \
    "^open $W0 vif ${W0}mon created yes")" = 2 ]
b=$(beacons "$W/retry.pcap")
check "after the retry: $b beacons" eval '[ $rc = 0 ] && [ "$b" -ge 3 ]'
check "no ${W0}mon left" eval '! exists ${W0}mon'

stamp "options and refusals"
"$T" run "$W0:vif=osprey7" info > "$W/vif" 2>&1
show "$W/vif"
check "vif=osprey7 names the monitor interface" match "$W/vif" \
    "^open $W0 vif osprey7 created yes"
"$T" run "$W0:ignoreprimary=true" info > "$W/ign" 2>&1
check "ignoreprimary leaves $W0 up" line "$W/ign" \
    "info vif ${W0}mon created yes parent $W0 up"
"$T" run "$W0:vif=$W1" info > "$W/busy" 2>&1
show "$W/busy"
check "vif= naming the AP interface is refused" match "$W/busy" \
    "^error: open: interface $W1 exists and is not a monitor interface"
iw dev "$W1" info > "$W/w1"
check "the AP interface is untouched" match "$W/w1" "type AP"
"$T" run nosuch0 info > "$W/nosuch" 2>&1
check "a missing interface is named" line "$W/nosuch" \
    "error: nosuch0: no such interface"
"$T" run lo info > "$W/lo" 2>&1
check "lo is not a Wi-Fi interface" line "$W/lo" \
    "error: lo: not a Wi-Fi interface"
"$T" run "$W0" tune:144 > "$W/bad" 2>&1
show "$W/bad"
check "a channel the phy lacks fails with the kernel's reason" match \
    "$W/bad" "^tune 144 failed: cannot tune ${W0}mon to 144: "
check "and the vif is cleaned up" eval '! exists ${W0}mon'

# --- the core: split hopping, retry after the vif is deleted
stamp "the core: fresh radios"
if [ -z "$OSPREY" ] || [ -z "$HELPER" ]; then
	ok "# SKIP the core and the helper were not given"
	finish
fi
kill "$(< "$W/hostapd.pid")" 2>/dev/null
rm -f "$W/hostapd.pid"
sleep 0.3
rmmod mac80211_hwsim && modprobe mac80211_hwsim radios=5 ||
    { nok "reload mac80211_hwsim with 5 radios"; finish; }
PHYS=(/sys/class/ieee80211/*)
PHYS=("${PHYS[@]##*/}")
for i in 0 1 2 3 4; do R[$i]=$(netof "${PHYS[$i]}"); done
i=1
for ch in 3 6 11; do
	printf 'interface=%s\ndriver=nl80211\nssid=osprey-%s\nhw_mode=g\nchannel=%s\n' \
	    "${R[$i]}" "$ch" "$ch" > "$W/ap$ch.conf"
	hostapd -B -P "$W/ap$ch.pid" "$W/ap$ch.conf" > "$W/ap$ch.log" 2>&1 ||
	    { show "$W/ap$ch.log"; nok "hostapd on channel $ch"; finish; }
	i=$((i + 1))
done
ok "APs osprey-3, osprey-6, osprey-11 on ${R[1]}, ${R[2]}, ${R[3]}"
mkdir -p "$W/hl"
ln -sf "$HELPER" "$W/hl/osprey_cap_linux_wifi"
export OSPREY_HELPER_PATH=$W/hl
# conf DIR: a config whose packet log goes to DIR
conf() {
	mkdir -p "$1"
	printf '%s\n' "log_prefix=$1" "remote_capture_port=0" \
	    "channel_hop_speed=10/sec" "randomized_hopping=false" \
	    "source_retry_delay=0.5" > "$1/osprey.conf"
}
# await FILE REGEX SECONDS: until a line of FILE matches
await() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		match "$1" "$2" && return 0
		sleep 0.1
	done
	return 1
}
stamp "the core: two radios split one hop list"
C=$W/split
conf "$C"
"$OSPREY" -f "$C/osprey.conf" --allow-root --no-web \
    -c "${R[0]}:name=left,channels=\"3,6,11,1\"" \
    -c "${R[4]}:name=right,channels=\"3,6,11,1\"" 2> "$C/err" &
pid=$!
await "$C/err" "source 'right': hopping" 30 &&
    await "$C/err" "source 'left': hopping" 5
sleep 4
kill -INT $pid
wait $pid
rc=$?
show "$C/err"
check "osprey ends cleanly on SIGINT" [ $rc = 0 ]
check "'left' hops the 4 channels from offset 0" match "$C/err" \
    "source 'left': hopping 4 channels at 10/sec from offset 0$"
check "'right' hops the same list from offset 2" match "$C/err" \
    "source 'right': hopping 4 channels at 10/sec from offset 2$"
# The packet log is read by tshark on the host (wifi-vm-host.sh).
LOG=("$C"/Osprey-*.pcapng)
[ -n "${HWSIM_OUT:-}" ] && cp "${LOG[0]}" "$HWSIM_OUT/split.pcapng"
check "no monitor interface left at exit" eval \
    '! exists ${R[0]}mon && ! exists ${R[4]}mon'

stamp "the core: the vif deleted mid-capture is retried"
C=$W/retry
conf "$C"
"$OSPREY" -f "$C/osprey.conf" --allow-root --no-web \
    -c "${R[0]}:name=solo,channel=6" 2> "$C/err" &
pid=$!
await "$C/err" "source 'solo': locked to channel 6" 30
sleep 1
printf -v gone_at '%(%s)T' -1
iw dev "${R[0]}mon" del
# until the retried helper has opened and locked again
for ((i = 0; i < 300; i++)); do
	[ "$(count "$C/err" "source 'solo': locked to channel 6")" = 2 ] &&
	    break
	sleep 0.1
done
sleep 2
kill -INT $pid
wait $pid
rc=$?
show "$C/err"
check "osprey ends cleanly on SIGINT" [ $rc = 0 ]
check "the helper's error names the vif" match "$C/err" \
    "source 'solo'.*${R[0]}mon.*(deleted by another program|went down or was removed)"
check "the core retries the source" match "$C/err" "source 'solo'.*retry 1"
check "and it opens again" [ "$(count "$C/err" \
    "source 'solo': opened")" = 2 ]
LOG=("$C"/Osprey-*.pcapng)
if [ -n "${HWSIM_OUT:-}" ]; then
	cp "${LOG[0]}" "$HWSIM_OUT/retry.pcapng"
	echo "$gone_at" > "$HWSIM_OUT/gone_at"
fi
check "no monitor interface left at exit" eval '! exists ${R[0]}mon'
for ch in 3 6 11; do kill "$(< "$W/ap$ch.pid")" 2>/dev/null; done
finish
