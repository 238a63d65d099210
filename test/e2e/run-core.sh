#!/bin/sh
# SPDX-License-Identifier: ISC
# \summary: end-to-end tests of the osprey binary with real helper processes
#
# The helpers are test/e2e/test_helper installed under the helpers'
# names in a scratch folder (OSPREY_HELPER_PATH); they make their own
# frames, numbered, so every frame the pcapng log holds can be checked
# against what was sent, with tshark as the independent reader.
# timeout(1) runs with --foreground: without it, its signal goes to the
# whole process group, the core's launcher included.
# Output is TAP.  Usage: run-core.sh OSPREY TEST_HELPER
set -u

OSPREY=$1
HELPER=$2
T=$(mktemp -d /tmp/osprey-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin"
ln -s "$HELPER" "$T/bin/osprey_cap_pcapfile"
ln -s "$HELPER" "$T/bin/osprey_cap_linux_wifi"
export OSPREY_HELPER_PATH="$T/bin"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	shift
	for f in "$@"; do sed 's/^/# /' "$f" | tail -20; done
}

# A config in its own folder; extra lines from the arguments.
mkconf() {
	d=$T/$1
	shift
	mkdir -p "$d"
	{
		echo "log_prefix=$d"
		echo "remote_capture_port=0"
		echo "source_ping_interval=0.2"
		echo "source_pong_timeout=2"
		echo "source_retry_delay=0.1"
		for l in "$@"; do echo "$l"; done
	} >"$d/osprey.conf"
}

# tshark, with its warning about running as root left out of its errors.
tsh() {
	tshark "$@" 2>"$T/tshark.out"
	r=$?
	grep -v 'Running as user "root"' "$T/tshark.out" >"$T/tshark.err"
	return $r
}

fields() {
	tsh -r "$1" -T fields -e frame.interface_name -e frame.encap_type \
	    -e frame.len -e frame.cap_len -e frame.time_epoch
}

# Live processes among the pids given (zombies count as gone: in a
# container nobody may reap an orphan).
# The children of a process, without the symbolizer a sanitizer build
# starts beside them (it is not ours to account for).
children() {
	for c in $(pgrep -P "$1"); do
		case "$(cat "/proc/$c/comm" 2>/dev/null)" in
		llvm-symbolizer* | "") ;;
		*) echo "$c" ;;
		esac
	done
}

alive() {
	for h in "$@"; do
		st=$(ps -o stat= -p "$h" 2>/dev/null)
		case "$st" in
		"" | Z*) ;;
		*) printf ' %s' "$h" ;;
		esac
	done
}

# What test_helper sends for source NAME: COUNT frames of link type DLT.
expected() {
	awk -v name="$1" -v n="$2" -v dlt="$3" 'BEGIN {
		for (i = 0; i < n; i++) {
			len = (dlt == 127 ? 8 : 0) + 24 + i % 200
			printf "%s\t%d\t%d\t%d\t%d.%06d000\n", name,
			    dlt == 127 ? 23 : 20, len, len,
			    1700000000 + int(i / 1000), (i % 1000) * 1000 + 7
		}
	}'
}

wait_for() {	# FILE PATTERN SECONDS
	i=0
	while [ $i -lt $(($3 * 20)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# 1. Batch run: two sources, two link types, every frame back.
mkconf batch
timeout --foreground 20 "$OSPREY" -f "$T/batch/osprey.conf" --allow-root \
    --exit-when-done -c "fakeA:packets=700,name=alpha" \
    -c "fakeB:packets=300,dlt=105,name=beta" 2>"$T/batch/err"
rc=$?
log=$(ls "$T"/batch/Osprey-*-1.pcapng 2>/dev/null)
if [ $rc -eq 0 ] && [ -n "$log" ] && fields "$log" >"$T/batch/got" &&
    ! [ -s "$T/tshark.err" ] &&
    { expected alpha 700 127; expected beta 300 105; } | sort >"$T/batch/want" &&
    sort "$T/batch/got" | cmp -s - "$T/batch/want"; then
	ok "batch: 1000 frames of two sources and link types read back by tshark, frame for frame"
else
	notok "batch: exit $rc, log '$log'" "$T/batch/err" "$T/tshark.err"
fi
# Per source, in the order sent.
expected alpha 700 127 >"$T/batch/want.alpha"
expected beta 300 105 >"$T/batch/want.beta"
if grep '^alpha' "$T/batch/got" | cmp -s - "$T/batch/want.alpha" &&
    grep '^beta' "$T/batch/got" | cmp -s - "$T/batch/want.beta"; then
	ok "batch: each source's frames in the order sent"
else
	notok "batch: order" "$T/batch/err"
fi

# 2. The log is readable while it grows, and after the core is killed.
mkconf live
"$OSPREY" -f "$T/live/osprey.conf" --allow-root \
    -c "fakeL:interval_ms=1,name=live" 2>"$T/live/err" &
pid=$!
wait_for "$T/live/err" "opened" 5
sleep 0.5
log=$(ls "$T"/live/Osprey-*.pcapng 2>/dev/null)
c1=$(tsh -r "$log" | wc -l)
helpers=$(children $pid)
sleep 0.3
kill -KILL $pid
wait $pid 2>/dev/null
c2=$(tsh -r "$log" | wc -l)
sleep 0.3
alive=$(alive $helpers)
if [ "$c1" -gt 0 ] && [ "$c2" -gt "$c1" ] && ! [ -s "$T/tshark.err" ] &&
    [ -z "$alive" ]; then
	ok "live: tshark reads the growing log ($c1 frames), then $c2 after SIGKILL of the core; the helper left with it"
else
	notok "live: $c1 then $c2 frames, helpers alive:$alive" \
	    "$T/live/err" "$T/tshark.err"
fi

# 3. SIGTERM: clean exit 0, every logged frame readable, helper gone.
mkconf term
"$OSPREY" -f "$T/term/osprey.conf" --allow-root \
    -c "fakeT:interval_ms=1" 2>"$T/term/err" &
pid=$!
wait_for "$T/term/err" "opened" 5
sleep 0.3
helpers=$(children $pid)
kill -TERM $pid
wait $pid
rc=$?
log=$(ls "$T"/term/Osprey-*.pcapng 2>/dev/null)
said=$(sed -n 's/.*packet log .*: \([0-9]*\) packets.*/\1/p' "$T/term/err")
got=$(tsh -r "$log" | wc -l)
alive=$(alive $helpers)
if [ $rc -eq 0 ] && [ -n "$said" ] && [ "$said" = "$got" ] &&
    [ "$got" -gt 0 ] && [ -z "$alive" ]; then
	ok "sigterm: exit 0, $got frames logged and read back, helper gone"
else
	notok "sigterm: exit $rc, said $said, read $got, alive:$alive" \
	    "$T/term/err"
fi

# 3b. A kill of the core's whole process group (what timeout(1) or a
# service manager sends): the launcher has a session of its own, so the
# core still stops its helpers in order through it, and nothing is left.
mkconf group
# (setsid(1) forks when it leads a group already: the pid comes from the
# shell it runs, which execs the core.)
setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$T/group.pid" \
    "$OSPREY" -f "$T/group/osprey.conf" --allow-root \
    -c "fakeP:interval_ms=1" 2>"$T/group/err" </dev/null >/dev/null &
wait_for "$T/group/err" "opened" 5
sleep 0.2
pid=$(cat "$T/group.pid")
launcher=$(children "$pid")
helpers=$(for l in $launcher; do children "$l"; done)
lpgid=$(ps -o pgid= -p "$launcher" 2>/dev/null | tr -d ' ')
kill -TERM "-$pid"
# Not the shell's child: wait for it to go, then read its exit line.
i=0
while [ -n "$(alive "$pid")" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -z "$(alive "$pid")" ] && grep -q "shutting down" "$T/group/err"
rc=$?
sleep 0.3
alive=$(alive $launcher $helpers)
if [ $rc -eq 0 ] && [ -n "$helpers" ] && [ "$lpgid" = "$launcher" ] &&
    ! grep -q "launcher has gone" "$T/group/err" && [ -z "$alive" ]; then
	ok "group kill: the launcher is in a group of its own, the core stopped its helper in order, nothing left"
else
	notok "group kill: ended $rc, launcher '$launcher' (pgid '$lpgid'), helpers '$helpers', alive:$alive" \
	    "$T/group/err"
fi

# 4. Resilience in the real binary: one helper dies, one hangs, one
# writes garbage, one breaks its seccomp sandbox; each is reported (the
# last with the forbidden call's name) and retried, 'good' keeps flowing.
mkconf res
timeout --foreground 20 "$OSPREY" -f "$T/res/osprey.conf" --allow-root \
    -c "fakeGood:interval_ms=2,name=good" \
    -c "fakeD:mode=die,after=50,retry=true,name=dies" \
    -c "fakeH:mode=hang,after=50,retry=true,name=hangs" \
    -c "fakeG:mode=garbage,after=50,retry=true,name=garbles" \
    -c "fakeS:mode=sandbox,after=50,retry=true,name=sandboxed" \
    2>"$T/res/err" &
pid=$!
wait_for "$T/res/err" "'hangs': helper stopped answering" 8
# On a loaded machine the launcher's report may come after the socket's
# end: the core then tells it on a line of its own, as soon as it comes.
wait_for "$T/res/err" "'sandboxed': .*\(SIGSYS\|status 3\)" 5
sleep 0.3
kill -TERM $pid
wait $pid
rc=$?
log=$(ls "$T"/res/Osprey-*.pcapng 2>/dev/null)
good=$(tshark -r "$log" -Y 'frame.interface_name == "good"' 2>/dev/null |
    wc -l)
if [ $rc -eq 0 ] &&
    grep -q "'dies': helper .*killed by signal 9 (Killed)" "$T/res/err" &&
    grep -q "'hangs': helper stopped answering (no pong for 2000 ms); retry 1" "$T/res/err" &&
    grep -q "'garbles': bad data from helper: bad frame signature" "$T/res/err" &&
    grep -q "'dies': opened" "$T/res/err" &&
    ! grep -q "'good': .*retry" "$T/res/err" && [ "$good" -gt 100 ]; then
	ok "resilience: killed, hung and garbage helpers each reported and retried; 'good' kept flowing ($good frames)"
else
	notok "resilience: exit $rc, good $good" "$T/res/err"
fi
if grep -q "'sandboxed': .*helper .*killed by SIGSYS: sandbox violation, system call socket" "$T/res/err"; then
	ok "sandbox: a helper killed by its seccomp filter is reported with the call's name"
elif grep -q "'sandboxed': .*helper exited with status 3" "$T/res/err"; then
	ok "sandbox: # SKIP this build has no seccomp sandbox"
else
	notok "sandbox: no SIGSYS report naming socket" "$T/res/err"
fi

# 5. A remote sensor through the listener.
mkconf rem
"$OSPREY" -f "$T/rem/osprey.conf" --allow-root 2>"$T/rem/err" &
pid=$!
wait_for "$T/rem/err" "remote capture listening" 5
port=$(sed -n 's/.*remote capture listening on 127.0.0.1:\([0-9]*\).*/\1/p' \
    "$T/rem/err")
"$HELPER" --connect "127.0.0.1:$port" \
    --source="fakeR:packets=120,name=sensor,uuid=5e1f0000-0000-4000-8000-00000000e2e0" \
    2>/dev/null &
spid=$!
wait_for "$T/rem/err" "'sensor': helper: fake: end of file" 5
kill -TERM $pid
wait $pid
rc=$?
wait $spid 2>/dev/null
log=$(ls "$T"/rem/Osprey-*.pcapng 2>/dev/null)
got=$(tshark -r "$log" -T fields -e frame.interface_name 2>/dev/null |
    grep -c '^sensor$')
if [ $rc -eq 0 ] && [ "$got" = 120 ]; then
	ok "remote: a --connect sensor's 120 frames logged under its name"
else
	notok "remote: exit $rc, $got frames" "$T/rem/err"
fi

# 6. Start-up errors: one line naming what is wrong, exit status 1.
startup() {	# NAME EXPECTED-TEXT ARGS...
	name=$1
	want=$2
	shift 2
	timeout --foreground 10 "$OSPREY" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q -- "$want" "$T/err"; then
		ok "startup: $name"
	else
		notok "startup: $name: exit $rc" "$T/err"
	fi
}
mkconf bad1 "channel_hop=true" "this line is wrong"
startup "malformed config line names file:line" \
    "bad1/osprey.conf:7: expected key=value" -f "$T/bad1/osprey.conf" \
    --allow-root
mkconf bad2 "channel_hop=maybe"
startup "bad value names file:line and key" \
    "bad2/osprey.conf:6: channel_hop: 'maybe' is not true or false" \
    -f "$T/bad2/osprey.conf" --allow-root
mkconf bad3 "source=fake:channel_hoprate=fast"
startup "bad source option is named" \
    "bad3/osprey.conf:6: source 'fake': option 'channel_hoprate'" \
    -f "$T/bad3/osprey.conf" --allow-root
mkconf bad4 "include=missing.conf"
startup "missing include" "missing.conf: No such file" \
    -f "$T/bad4/osprey.conf" --allow-root
mkconf bad5 "helper_binary_path=/nonexistent"
mkdir "$T/empty"
OSPREY_HELPER_PATH="$T/empty" startup "missing helper" \
    "source 'wlan9': no helper osprey_cap_linux_wifi" \
    -f "$T/bad5/osprey.conf" --allow-root -c "wlan9:type=linuxwifi"
startup "root refused without --allow-root" "refusing to run as root" \
    -f "$T/bad5/osprey.conf"
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(5)' >"$T/port" &
ppid=$!
wait_for "$T/port" "[0-9]" 5
mkconf bad6 "remote_capture_port=$(cat "$T/port")"
startup "remote port in use" "Address already in use" \
    -f "$T/bad6/osprey.conf" --allow-root
kill $ppid 2>/dev/null
mkconf bad7 "log_template=%p/%q.%l"
startup "bad log template" "unknown escape '%q'" -f "$T/bad7/osprey.conf" \
    --allow-root

# 7. Unknown keys warn; -n writes no log; no sources and
# --exit-when-done exits at once.
mkconf warn "no_such_key=1"
timeout --foreground 10 "$OSPREY" -f "$T/warn/osprey.conf" --allow-root -n \
    --exit-when-done 2>"$T/warn/err"
rc=$?
if [ $rc -eq 0 ] &&
    grep -q "warn/osprey.conf:6: unknown key 'no_such_key' ignored" "$T/warn/err" &&
    ! ls "$T"/warn/*.pcapng >/dev/null 2>&1; then
	ok "unknown key warns with file:line; -n writes no log"
else
	notok "unknown key: exit $rc" "$T/warn/err"
fi

# 8. The shipped config set loads without a warning; a site file beside
# it overrides (here the port and log folder, so the test runs anywhere).
mkdir "$T/etc"
cp "$OSPREY_SOURCE_ROOT"/etc/osprey*.conf "$T/etc/"
printf 'remote_capture_port=0\nlog_prefix=%s\n' "$T/etc" \
    >"$T/etc/osprey_site.conf"
timeout --foreground 10 "$OSPREY" -f "$T/etc/osprey.conf" --allow-root \
    --exit-when-done -c "fakeS:packets=10" 2>"$T/etc/err"
rc=$?
if [ $rc -eq 0 ] && ! grep -q "unknown key" "$T/etc/err" &&
    grep -q "remote capture listening on 127.0.0.1:[1-9]" "$T/etc/err" &&
    ls "$T"/etc/Osprey-*.pcapng >/dev/null 2>&1; then
	ok "etc/osprey*.conf load cleanly; osprey_site.conf overrides"
else
	notok "etc: exit $rc" "$T/etc/err"
fi

# 9. A helper that reports frames lost in its queue raises one
# PACKETLOSS alert with the count; the source keeps running.
mkconf loss
"$OSPREY" -f "$T/loss/osprey.conf" --allow-root -n \
    -c "fakeD:interval_ms=5,drops=17,name=lossy" 2>"$T/loss/err" &
pid=$!
wait_for "$T/loss/err" "alert PACKETLOSS" 30
helpers=$(children $pid)
kill -TERM $pid
wait $pid
rc=$?
if [ $rc -eq 0 ] &&
    grep -q "alert PACKETLOSS ([0-9]*): Datasource lossy (.*) lost 17 frames in its capture helper's queue (17 since it started)" "$T/loss/err" &&
    [ "$(grep -c 'alert PACKETLOSS' "$T/loss/err")" -eq 1 ]; then
	ok "a helper's reported queue loss raises one PACKETLOSS alert with the count"
else
	notok "packetloss: exit $rc" "$T/loss/err"
fi

echo "1..$n"
[ $failed -eq 0 ]
