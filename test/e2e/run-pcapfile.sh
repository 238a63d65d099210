#!/bin/sh
# SPDX-License-Identifier: ISC
# \summary: the core with the real osprey_cap_pcapfile: captures, remote, kill
#
# One osprey --exit-when-done run replays every capture of
# $OSPREY_CAPTURES through the real osprey_cap_pcapfile helper, one
# source each.  tshark then reads the inputs (through editcap and
# mergecap, so one tshark run reads them all) and the core's pcapng log,
# and each source's frames must equal its file's, frame for frame: link
# type, original and captured length, timestamp (to the microsecond the
# protocol carries) and an MD5 of the bytes.  A file the helper refuses
# outright (not a capture) must leave its source in error with a reason.
# Then the helper as a remote sensor (--connect) into the listener, and a
# helper SIGKILLed mid-stream while a second source keeps flowing.
# Output is TAP.  Usage: run-pcapfile.sh OSPREY OSPREY_CAP_PCAPFILE
set -u

OSPREY=$1
PCAPFILE=$2
if ! [ -x "$PCAPFILE" ]; then
	# TAP's skip (meson reads exit 77 as an error under TAP).
	echo "1..0 # SKIP osprey_cap_pcapfile is not built ($PCAPFILE)"
	exit 0
fi
if ! [ -r "${OSPREY_CAPTURES:-}/MANIFEST.tsv" ]; then
	echo "1..0 # SKIP no captures at OSPREY_CAPTURES='${OSPREY_CAPTURES:-}'"
	exit 0
fi
T=$(mktemp -d /tmp/osprey-caps.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin" "$T/in" "$T/log"
ln -s "$PCAPFILE" "$T/bin/osprey_cap_pcapfile"
export OSPREY_HELPER_PATH="$T/bin"

# The capture files, in MANIFEST order.
awk -F'\t' 'NR > 1 { print $1 }' "$OSPREY_CAPTURES/MANIFEST.tsv" |
    while read -r f; do
	[ -f "$OSPREY_CAPTURES/$f" ] && echo "$OSPREY_CAPTURES/$f"
done >"$T/files"
nfiles=$(wc -l <"$T/files")

# 1. The core replays them all, one source each, and exits by itself.
{
	echo "log_prefix=$T/log"
	echo "remote_capture_port=0"
	# Some 90 helpers start at once: on a loaded machine under ASan a
	# start takes seconds.  This run is about the frames, not timeouts.
	echo "source_pong_timeout=120"
	while read -r f; do echo "source=$f"; done <"$T/files"
} >"$T/osprey.conf"
start=$(date +%s.%N)
timeout --foreground 120 "$OSPREY" -f "$T/osprey.conf" --allow-root --exit-when-done \
    2>"$T/err"
rc=$?
end=$(date +%s.%N)
log=$(ls "$T"/log/*.pcapng 2>/dev/null)
secs=$(echo "$end - $start" | bc)
# Damaged captures fail their source, each named with its reason, and the
# run then ends with status 1 after a line that counts them.
nfailed=$(sed -n "s/.*warning: source '\([^']*\)': \(no helper accepted\|helper error\|open failed\).*/\1/p" \
    "$T/err" | sort -u | wc -l)
said=$(sed -n 's/.*every source is done, \([0-9]*\) of [0-9]* failed.*/\1/p' "$T/err")
if [ -n "$log" ] && { { [ $rc -eq 0 ] && [ "$nfailed" = 0 ] && [ -z "$said" ]; } ||
    { [ $rc -eq 1 ] && [ "$nfailed" -gt 0 ] && [ "$said" = "$nfailed" ]; }; }; then
	echo "ok 1 - osprey --exit-when-done replayed $nfiles captures in ${secs}s, exit $rc: $nfailed failed, each named"
else
	echo "not ok 1 - osprey exit $rc"
	tail -20 "$T/err" | sed 's/^/# /'
	echo "1..1"
	exit 1
fi

# 2. What tshark reads in each input.  editcap keeps what wiretap can
# read of a file (a truncated one up to its cut); mergecap -a then puts
# them one after the other, so one tshark run reads every input.
i=0
while read -r f; do
	i=$((i + 1))
	editcap -F pcapng "$f" "$T/in/$i.pcapng" 2>/dev/null ||
	    rm -f "$T/in/$i.pcapng"
done <"$T/files"
FIELDS="-e frame.encap_type -e frame.len -e frame.cap_len -e frame.time_epoch -e frame.md5_hash"
# Times are cut to microseconds below: the protocol carries time_usec.
j=1
while [ $j -le $i ]; do
	[ -f "$T/in/$j.pcapng" ] && echo "$T/in/$j.pcapng"
	j=$((j + 1))
done >"$T/inlist"
mergecap -a -I none -F pcapng -w "$T/merged.pcapng" $(cat "$T/inlist")
capinfos -c -M -T $(cat "$T/inlist") 2>/dev/null |
    awk -F'\t' 'NR > 1 { n = split($1, p, "/"); sub(".pcapng", "", p[n]);
	print p[n] "\t" $2 }' >"$T/counts"
tshark -r "$T/merged.pcapng" -o frame.generate_md5_hash:TRUE -T fields \
    $FIELDS 2>/dev/null >"$T/in.raw"
tshark -r "$log" -o frame.generate_md5_hash:TRUE -T fields \
    -e frame.interface_name $FIELDS 2>/dev/null >"$T/out.raw"

# libpcap, which the helper reads with, cuts a record longer than the
# file header's snapshot length down to it; wiretap hands out the whole
# record.  Such a file matches when every frame is equal but for the
# captured bytes, which are that many, a prefix the MD5 cannot check.
snaplen_cut() {	# FILE
	snap=$(capinfos -l "$1" 2>/dev/null |
	    sed -n 's/.*file hdr: \([0-9]*\) bytes.*/\1/p')
	[ -n "$snap" ] || return 1
	paste "$T/want" "$T/got" | awk -F'\t' -v snap="$snap" '
	    NF != 10 || $1 != $6 || $2 != $7 || $4 != $9 { bad = 1 }
	    $3 != $8 && !($3 > snap && $8 == snap) { bad = 1 }
	    $3 != $8 { cut++ }
	    END { exit bad || cut == 0 }'
}

# 3. Per file: its slice of the merged input against its source's
# frames in the log (the interface name is the source name, the path).
ok=0
bad=0
refused=0
cut=0
# Split both sides once: inputs by frame counts, the log by source name.
mkdir "$T/want.d" "$T/got.d"
awk -F'\t' -v OFS='\t' -v d="$T/want.d" '
    NR == FNR { n[$1] = $2; last = $1; next }
    FNR == 1 { i = 1; left = n[1] + 0 }
    { while (left == 0 && i < last) { close(d "/" i); i++; left = n[i] + 0 }
      $4 = substr($4, 1, index($4, ".") + 6); print > (d "/" i); left-- }' \
    "$T/counts" "$T/in.raw"
awk -F'\t' -v OFS='\t' -v d="$T/got.d" '
    NR == FNR { idx[$0] = FNR; next }
    ($1 in idx) { f = d "/" idx[$1]; $5 = substr($5, 1, index($5, ".") + 6);
      print $2, $3, $4, $5, $6 > f }' "$T/files" "$T/out.raw"
i=0
while read -r f; do
	i=$((i + 1))
	cat "$T/want.d/$i" >"$T/want" 2>/dev/null || : >"$T/want"
	cat "$T/got.d/$i" >"$T/got" 2>/dev/null || : >"$T/got"
	n=$(wc -l <"$T/want")
	if cmp -s "$T/want" "$T/got"; then
		ok=$((ok + 1))
	elif snaplen_cut "$f"; then
		cut=$((cut + 1))
		echo "# libpcap cut records to the file's snaplen: $(basename "$f")"
	elif ! [ -s "$T/got" ] &&
	    grep -q "source '$f': .*\(no helper accepted\|helper error\|open failed\)" \
	    "$T/err"; then
		refused=$((refused + 1))
		echo "# refused with a reason: $(basename "$f"): $(grep -o \
		    "source '$f': .*" "$T/err" | tail -1 | cut -c1-200)"
	else
		bad=$((bad + 1))
		echo "# differs: $f ($n frames in, $(wc -l <"$T/got") logged)"
		diff "$T/want" "$T/got" | head -4 | sed 's/^/#   /'
		grep -F "source '$f'" "$T/err" | grep -v "helper: " |
		    tail -3 | cut -c1-300 | sed 's/^/#   /'
	fi
done <"$T/files"
frames=$(wc -l <"$T/out.raw")
if [ $bad -eq 0 ] && [ $ok -gt 0 ]; then
	echo "ok 2 - $ok captures logged frame for frame equal ($frames frames: link type, lengths, time, bytes); $cut cut to snaplen by libpcap; $refused refused with a reason"
else
	echo "not ok 2 - $bad captures differ, $ok equal, $cut cut, $refused refused"
fi

# 4. No retry of files: the run ended, and no source was retried.
if ! grep -q "retry [0-9]" "$T/err"; then
	echo "ok 3 - no capture file was retried"
else
	echo "not ok 3 - a capture file was retried"
	grep "retry [0-9]" "$T/err" | head -3 | sed 's/^/# /'
	bad=$((bad + 1))
fi

wait_for() {	# FILE PATTERN SECONDS
	w=0
	while [ $w -lt $(($3 * 20)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		w=$((w + 1))
	done
	return 1
}

# 5. The real helper as a remote sensor: one keeps its own timestamps
# (timestamp=false) and must match its file exactly; the other's are
# replaced by the server's time.  (One file twice: the helper derives a
# uuid from the path, so each says its own; one uuid is one source.)
SMALL=$OSPREY_CAPTURES/ehn1225-airodump__80211-sample.pcap
mkdir "$T/rem"
printf 'log_prefix=%s\nremote_capture_port=0\n' "$T/rem" >"$T/rem/osprey.conf"
"$OSPREY" -f "$T/rem/osprey.conf" --allow-root 2>"$T/rem/err" &
pid=$!
wait_for "$T/rem/err" "remote capture listening" 5
port=$(sed -n 's/.*remote capture listening on 127.0.0.1:\([0-9]*\).*/\1/p' \
    "$T/rem/err")
"$PCAPFILE" --connect "127.0.0.1:$port" --disable-retry \
    --source="$SMALL:name=own,timestamp=false,uuid=5e1f0000-0000-4000-8000-00000000c0a1" \
    2>"$T/rem/own.err" &
s1=$!
"$PCAPFILE" --connect "127.0.0.1:$port" --disable-retry \
    --source="$SMALL:name=server,uuid=5e1f0000-0000-4000-8000-00000000c0a2" \
    2>"$T/rem/server.err" &
s2=$!
wait_for "$T/rem/err" "'own': helper: .*end of file" 10
wait_for "$T/rem/err" "'server': helper: .*end of file" 10
now=$(date +%s)
kill -TERM $pid
wait $pid
rc=$?
wait $s1 $s2 2>/dev/null
rlog=$(ls "$T"/rem/*.pcapng 2>/dev/null)
tshark -r "$SMALL" -o frame.generate_md5_hash:TRUE -T fields $FIELDS \
    2>/dev/null | awk -F'\t' -v OFS='\t' \
    '{ $4 = substr($4, 1, index($4, ".") + 6); print }' >"$T/rem/want"
tshark -r "$rlog" -o frame.generate_md5_hash:TRUE -T fields \
    -e frame.interface_name $FIELDS 2>/dev/null >"$T/rem/got"
awk -F'\t' -v OFS='\t' '$1 == "own" { $5 = substr($5, 1, index($5, ".") + 6);
    print $2, $3, $4, $5, $6 }' "$T/rem/got" >"$T/rem/own"
awk -F'\t' '$1 == "server" { print $2 "\t" $3 "\t" $4 "\t" $6 }' \
    "$T/rem/got" >"$T/rem/server"
cut -f1-3,5 "$T/rem/want" >"$T/rem/want.notime"
late=$(awk -F'\t' -v now="$now" '$1 == "server" && ($5 < now - 60 ||
    $5 > now + 5) { n++ } END { print n + 0 }' "$T/rem/got")
if [ $rc -eq 0 ] && [ -s "$T/rem/want" ] &&
    cmp -s "$T/rem/want" "$T/rem/own" &&
    cmp -s "$T/rem/want.notime" "$T/rem/server" && [ "$late" = 0 ]; then
	echo "ok 4 - two --connect sensors: $(wc -l <"$T/rem/own") frames each, one with its own time equal to the file, one stamped with server time"
else
	echo "not ok 4 - remote: exit $rc, late $late"
	tail -5 "$T/rem/err" | sed 's/^/# /'
	bad=$((bad + 1))
fi

# 6. SIGKILL of the real helper mid-stream: reported, retried, and the
# other source keeps flowing.
BIG=$OSPREY_CAPTURES/aircrack-ng__wep_64_ptw.cap
mkdir "$T/kill"
printf 'log_prefix=%s\nremote_capture_port=0\nsource_retry_delay=0.1\n' \
    "$T/kill" >"$T/kill/osprey.conf"
"$OSPREY" -f "$T/kill/osprey.conf" --allow-root \
    -c "$BIG:name=victim,pps=2000,retry=true" \
    -c "$SMALL:name=other,pps=400,loop=true" 2>"$T/kill/err" &
pid=$!
wait_for "$T/kill/err" "'victim': opened" 5
wait_for "$T/kill/err" "'other': opened" 5
sleep 0.5
victim=$(sed -n "s/.*'victim': opened.*helper pid \([0-9]*\).*/\1/p" \
    "$T/kill/err" | head -1)
klog=$(ls "$T"/kill/*.pcapng 2>/dev/null)
kill -KILL "$victim"
wait_for "$T/kill/err" "'victim': helper killed by signal 9" 5
before=$(tshark -r "$klog" -Y 'frame.interface_name == "other"' \
    2>/dev/null | wc -l)
wait_for "$T/kill/err" "'victim': .*retry 1" 5
# The second 'opened' (the first is already there): a restart under ASan
# on a loaded machine takes seconds.
w=0
while [ "$(grep -c "'victim': opened" "$T/kill/err")" -lt 2 ] &&
    [ $w -lt 400 ]; do
	sleep 0.05
	w=$((w + 1))
done
n_open=$(grep -c "'victim': opened" "$T/kill/err")
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
after=$(tshark -r "$klog" -Y 'frame.interface_name == "other"' \
    2>/dev/null | wc -l)
if [ $rc -eq 0 ] && [ "$n_open" -ge 2 ] && [ "$after" -gt "$before" ] &&
    ! grep -q "'other': .*\(retry\|error\)" "$T/kill/err"; then
	echo "ok 5 - pcapfile helper SIGKILLed mid-stream: reported, reopened; 'other' went on ($before then $after frames)"
else
	echo "not ok 5 - kill: exit $rc, victim pid '$victim', opened $n_open, other $before then $after"
	grep -v "helper: " "$T/kill/err" | tail -8 | sed 's/^/# /'
	bad=$((bad + 1))
fi

echo "1..5"
[ $bad -eq 0 ] && [ $ok -gt 0 ]
