#!/bin/bash
# SPDX-License-Identifier: ISC
# \summary: inside the hwsim VM: channel control through the REST API
#
# Runs INSIDE the testbed VM (test/hwsim/run-hwsim.sh starts it).  The
# real core with its web worker (the VM has no IPv4 address but
# loopback: the worker must still listen) and osprey_cap_linux_wifi on
# a mac80211_hwsim radio; hostapd runs an AP on channel 6 on a second
# radio.  A real HTTP client (curl, with the login) locks the radio
# through POST /datasource/by-uuid/UUID/set_channel.cmd and watches the
# AP's frame count in /devices/by-mac/MAC/devices.json: it stops on
# channel 1 and grows again on channel 6; set_hop.cmd resumes hopping
# over 1, 6 and 11, and the count grows again, more slowly than while
# locked to 6.  TAP output, plan at the end.
#
# Under the VM's software emulation a program start costs a quarter of
# a second and the machine is slow: every wait is for a state, with a
# generous deadline, and counts compare windows the test times itself.
#   rest-vm.sh OSPREY OSPREY_WEB OSPREY_CAP_LINUX_WIFI
OSPREY=${1:?usage: rest-vm.sh OSPREY OSPREY_WEB HELPER}
WEB=${2:?usage: rest-vm.sh OSPREY OSPREY_WEB HELPER}
HELPER=${3:?usage: rest-vm.sh OSPREY OSPREY_WEB HELPER}
SSID=osprey-rest
LOGIN=tester:Rest-VM-Test-3
W=/tmp/rest-vm.$$
mkdir -p "$W/bin"
n=0
pid=

ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
stamp() { local u; read -r u _ < /proc/uptime; echo "# $u s: $*"; }
show() { local l; while IFS= read -r l; do echo "# ${l:0:240}"; done < "$1"; }
match() { local l; [ -e "$1" ] || return 1; while IFS= read -r l; do [[ $l =~ $2 ]] && return 0; done < "$1"; return 1; }
finish() {
	stamp done
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		check "osprey ends cleanly on SIGTERM" [ $? = 0 ]
		show "$W/err"
	fi
	[ -f "$W/hostapd.pid" ] && kill "$(< "$W/hostapd.pid")" 2>/dev/null
	echo "1..$n"
	exit 0
}
# await REGEX SECONDS: until a line of the core's log matches (the
# deadline is on the clock: a check may take long under emulation)
await() {
	local end=$((SECONDS + $2))
	while ((SECONDS < end)); do
		match "$W/err" "$1" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# api METHOD PATH [JSON]: the answer's body in $body, status in $code
api() {
	local args=(-s -o "$W/body" -w '%{http_code}' -u "$LOGIN" -X "$1")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' \
	    --data "$3")
	code=$(curl "${args[@]}" "http://127.0.0.1:$port$2")
	body=$(< "$W/body")
}
# field NAME: a string or number field of $body
field() {
	[[ $body =~ \"$1\":\"?([^\",}]*) ]] && echo "${BASH_REMATCH[1]}"
}
# frames: the AP's frame count as the core tracks it (0 if unknown)
frames() {
	api GET "/devices/by-mac/$AP/devices.json"
	local f
	f=$(field kismet.device.base.packets.total)
	echo "${f:-0}"
}

stamp start
modprobe mac80211_hwsim radios=2 || { nok "modprobe mac80211_hwsim"; finish; }
netof() { local d=(/sys/class/ieee80211/$1/device/net/*); echo "${d[0]##*/}"; }
PHYS=(/sys/class/ieee80211/*)
PHYS=("${PHYS[@]##*/}")
R0=$(netof "${PHYS[0]}") R1=$(netof "${PHYS[1]}")
read -r AP < "/sys/class/net/$R1/address"
AP=${AP^^}
cat > "$W/hostapd.conf" <<EOF
interface=$R1
driver=nl80211
ssid=$SSID
hw_mode=g
channel=6
EOF
hostapd -B -P "$W/hostapd.pid" "$W/hostapd.conf" > "$W/hostapd.log" 2>&1 ||
    { show "$W/hostapd.log"; nok "hostapd"; finish; }
ok "hostapd AP $SSID ($AP) on $R1 channel 6"
check "no IPv4 address but loopback in the VM" eval \
    '! ip -4 -o addr show | grep -vq " lo "'

ln -s "$HELPER" "$W/bin/osprey_cap_linux_wifi"
ln -s "$WEB" "$W/bin/osprey_web"
cat > "$W/osprey.conf" <<EOF
remote_capture_port=0
enable_logging=false
httpd_bind_address=127.0.0.1
httpd_port=0
httpd_username=${LOGIN%%:*}
httpd_password=${LOGIN#*:}
channel_hop_speed=5/sec
randomized_hopping=false
# TCG is slow: no false alarms from the watchdogs.
source_pong_timeout=60
web_pong_timeout=60
EOF
stamp "osprey with its web worker"
OSPREY_HELPER_PATH=$W/bin "$OSPREY" -f "$W/osprey.conf" --allow-root \
    -c "$R0:name=radio,channels=\"1,6,11\"" 2> "$W/err" &
pid=$!
if await "web worker [0-9]+ listening on port [0-9]+" 120; then
	[[ $(< "$W/err") =~ web\ worker\ [0-9]+\ listening\ on\ port\ ([0-9]+) ]]
	port=${BASH_REMATCH[1]}
	ok "the web worker listens on 127.0.0.1:$port"
else
	nok "the web worker listens"
	finish
fi
check "it never failed to listen" eval '! match "$W/err" "cannot listen"'
await "source 'radio': hopping" 120
check "the radio hops" match "$W/err" "source 'radio': hopping 3 channels"

api GET /datasource/all_sources.json
[[ $body =~ \"kismet.datasource.uuid\":\"([0-9a-f-]{36})\" ]]
UUID=${BASH_REMATCH[1]:-}
check "all_sources.json names the source ($UUID)" eval \
    '[ "$code" = 200 ] && [ -n "$UUID" ]'
# Hopping, the AP is heard now and then: wait until the core has it.
end=$((SECONDS + 60))
while ((SECONDS < end)); do
	[ "$(frames)" -gt 0 ] && break
	sleep 0.1
done
check "the AP is tracked while hopping" [ "$(frames)" -gt 0 ]

stamp "lock to channel 1: the AP's beacons stop"
api POST "/datasource/by-uuid/$UUID/set_channel.cmd" '{"channel": "1"}'
echo "# $code ${body:0:300}"
check "set_channel.cmd 1 answers 200 with the source on channel 1" eval \
    '[ "$code" = 200 ] && [ "$(field kismet.datasource.channel)" = 1 ]'
check "and not hopping" [ "$(field kismet.datasource.hopping)" = false ]
# Frames already on their way are let through, then nothing more.
sleep 2
f1=$(frames)
sleep 4
f2=$(frames)
check "on channel 1: no frame of the AP in 4 s ($f1 then $f2)" [ "$f2" = "$f1" ]

stamp "lock to channel 6: they come back"
api POST "/datasource/by-uuid/$UUID/set_channel.cmd" '{"channel": "6"}'
check "set_channel.cmd 6 answers 200 with the source on channel 6" eval \
    '[ "$code" = 200 ] && [ "$(field kismet.datasource.channel)" = 6 ]'
sleep 1
f3=$(frames)
sleep 6
f4=$(frames)
# Ten beacons a second; under TCG fewer make it, but many more than 0.
check "on channel 6: the AP's frames grow again ($f2, $f3, then $f4)" \
    [ "$f4" -ge $((f3 + 10)) ]

stamp "set_hop.cmd: hopping again"
api POST "/datasource/by-uuid/$UUID/set_hop.cmd" '{}'
echo "# $code ${body:0:300}"
check "set_hop.cmd answers 200, hopping" eval \
    '[ "$code" = 200 ] && [ "$(field kismet.datasource.hopping)" = true ]'
sleep 1
h1=$(frames)
sleep 6
h2=$(frames)
# On 6 a third of the time: the count grows, but slower than locked.
check "hopping: the AP is heard again, less often ($((h2 - h1)) frames \
in 6 s, $((f4 - f3)) locked)" eval \
    '[ $((h2 - h1)) -gt 0 ] && [ $(((h2 - h1) * 10)) -lt $(((f4 - f3) * 8)) ]'
api POST "/datasource/by-uuid/$UUID/set_channel.cmd" '{"channel": "14x"}'
echo "# $code ${body:0:300}"
# Refused by the core (400) or by the helper (502), with the reason.
check "a channel that is no channel is refused, with a reason" eval \
    '[ "$code" -ge 400 ] && [[ $body == *"14x"*"not"*"channel"* ]]'
finish
