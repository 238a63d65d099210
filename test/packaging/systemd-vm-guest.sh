#!/bin/bash
# SPDX-License-Identifier: ISC
# \summary: inside the testbed VM: osprey's packages under a real systemd
#
# usage: systemd-vm-guest.sh DEBDIR    (run by test_systemd_vm.sh)
#
# The VM's root is an overlay of the host's with a RAM upper layer, so
# everything here vanishes at power-off.  systemd runs as PID 1 of a PID
# namespace of its own; dpkg runs in that namespace, so that the packages'
# maintainer scripts see a running systemd (enable, start, stop, purge).
# Two mac80211_hwsim radios: wlan1 is an access point, wlan0 the source
# of osprey.service.  Output is TAP.
set -u
debs=$1
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}
is() { [ "$1" = "$2" ]; echo $?; }
field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }

# The host's policy-rc.d forbids starting services from dpkg (a container
# habit) and man-db's trigger takes minutes under emulation: both go, on
# this throwaway root.
rm -f /usr/sbin/policy-rc.d /var/lib/man-db/auto-update
modprobe mac80211_hwsim radios=2
# No NIC here: libevent binds with AI_ADDRCONFIG, which needs an IPv4
# address other than loopback before it resolves 0.0.0.0.
modprobe dummy
ip link add dummy0 type dummy && ip addr add 10.9.9.1/24 dev dummy0 &&
    ip link set dummy0 up
printf 'interface=wlan1\ndriver=nl80211\nssid=osprey-vm\nhw_mode=g\nchannel=6\n' \
    >/tmp/ap.conf
hostapd -B /tmp/ap.conf >/dev/null

mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
[ -s /etc/machine-id ] || systemd-machine-id-setup >/dev/null 2>&1
unshare --pid --fork --mount-proc env container=other \
    /lib/systemd/systemd --system --unit=basic.target \
    >/tmp/systemd.log 2>&1 &
sd=""
for i in $(seq 1 100); do
	sd=$(pgrep -x systemd | head -n 1)
	[ -n "$sd" ] && break
	sleep 0.2
done
in_sd() { nsenter -t "$sd" -m -p -- "$@"; }
st=none
for i in $(seq 1 300); do
	[ -n "$sd" ] || break
	st=$(in_sd systemctl is-system-running 2>/dev/null)
	case $st in running|degraded) break ;; esac
	sleep 1
done
case $st in
running|degraded) ok 0 "systemd boots as PID 1 of its namespace ($st)" ;;
*) ok 1 "systemd boots as PID 1 of its namespace ($st)" \
    "$(tail -n 5 /tmp/systemd.log 2>&1)" ;;
esac

# The source, before the postinst starts the service.
mkdir -p /etc/osprey
printf 'source=wlan0:name=hwsim0,channels="1,6,11"\n' >/etc/osprey/osprey_site.conf
out=$(in_sd env DEBIAN_FRONTEND=noninteractive dpkg -i \
    $(ls "$debs"/*.deb | grep -v -- -dbgsym_) 2>&1)
ok $? "dpkg -i with systemd running" "$(printf '%s\n' "$out" | tail -n 8)"
ok "$(is "$(in_sd systemctl is-enabled osprey.service)" enabled)" \
    "osprey.service is enabled"

# Wait for the capture to open, through the launcher and the helper's
# file capabilities.
core="" helper=""
for i in $(seq 1 120); do
	core=$(in_sd systemctl show -p MainPID --value osprey.service)
	helper=$(pgrep -u osprey -x osprey_cap_linu | head -n 1)
	[ -z "$helper" ] && helper=$(pgrep -u osprey -f '^osprey_cap_linux_wifi' | head -n 1)
	[ -n "$helper" ] && in_sd journalctl -u osprey.service -o cat |
	    grep -q "source 'hwsim0': opened" && break
	sleep 1
done
ok "$(is "$(in_sd systemctl is-active osprey.service)" active)" \
    "osprey.service is active"
uid=$(id -u osprey)
# MainPID is in systemd's PID namespace: find the core by its user.
hcore=$(pgrep -u osprey -x osprey | head -n 1)
ok "$(is "$(field "$hcore" Uid | cut -f1)" "$uid")" \
    "the core runs as osprey"
ok "$(is "$(field "$hcore" CapBnd)" 0000000000003000)" \
    "its bounding set is CAP_NET_ADMIN and CAP_NET_RAW"
if [ -n "$helper" ]; then
	ok "$(is "$(field "$helper" Uid | cut -f1):$(field "$helper" CapEff):$(field "$helper" Seccomp)" \
	    "$uid:0000000000001000:2")" \
	    "osprey_cap_linux_wifi runs as osprey with CAP_NET_ADMIN alone (file capabilities granted under the unit), seccomp on" \
	    "$(grep -E '^(Uid|Cap|NoNew|Seccomp)' /proc/$helper/status)"
else
	ok 1 "osprey_cap_linux_wifi runs" \
	    "$(in_sd journalctl -u osprey.service -o cat | tail -n 15)"
fi
sleep 5
log=$(ls /var/log/osprey/*.pcapng 2>/dev/null | head -n 1)
pk=$(capinfos -c -M "$log" 2>/dev/null | sed -n 's/^Number of packets:[[:space:]]*//p')
ok "$([ "${pk:-0}" -gt 0 ]; echo $?)" \
    "the packet log in /var/log/osprey holds the access point's frames ($pk)"

if [ -x /usr/libexec/osprey/osprey_web ]; then
	login=/var/lib/osprey/.osprey/osprey_httpd.conf
	pw=$(sed -n 's/^httpd_password=//p' $login 2>/dev/null)
	url=http://127.0.0.1:2501/system/status.json
	a=$(curl -s -o /dev/null -w '%{http_code}' $url)
	b=$(curl -s -u "osprey:$pw" -o /dev/null -w '%{http_code}' $url)
	ok "$(is "$(stat -c %U:%a $login 2>/dev/null):$a:$b" osprey:600:401:200)" \
	    "the web answers on 2501: 401, and 200 with the login generated in /var/lib/osprey/.osprey" \
	    "$(stat -c %U:%a $login 2>&1) $a $b"
else
	echo "ok $((n + 1)) - the web answers on 2501 # SKIP no osprey_web in these packages"
	n=$((n + 1))
fi

in_sd systemctl stop osprey.service
st=$(in_sd systemctl show -p ExecMainStatus --value osprey.service)
ok "$(is "$st" 0)" "systemctl stop: the core exits 0"
ok "$(ip link show wlan0mon >/dev/null 2>&1; [ $? != 0 ]; echo $?)" \
    "the helper deleted its monitor interface at stop"

rm -f /etc/osprey/osprey_site.conf
out=$(in_sd env DEBIAN_FRONTEND=noninteractive dpkg --purge osprey \
    osprey-capture-linux-wifi osprey-capture-pcapfile 2>&1)
ok $? "dpkg --purge with systemd running" "$(printf '%s\n' "$out" | tail -n 8)"
left=$(getent passwd osprey; getent group osprey;
    ls -d /var/lib/osprey /var/log/osprey /etc/osprey /lib/systemd/system/osprey.service 2>/dev/null)
ok "$([ -z "$left" ]; echo $?)" "purge leaves no user, group, folder or unit" "$left"
echo "1..$n"
exit $failed
