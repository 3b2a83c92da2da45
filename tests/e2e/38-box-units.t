#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd units under a real systemd (../shared/tools/systemd-box:
# systemd 252 as PID 1, its own network namespace), after `make install`:
# `systemd-analyze verify` is clean for every unit; with the units'
# hardening as shipped, `systemctl enable --now netns-helper@NET` builds
# each kind (isolated, nat, vpn with wireguard-go, vpn adopting a tun,
# macvlan static and DHCP, physical, bridge) and its daemons live in the
# unit's cgroup; reload repairs a tunnel in place, restart rebuilds it;
# `systemctl stop` leaves nothing; netns-helper-gc.timer starts gc, which
# reclaims a dead session and leaves the shared namespaces alone.
#
# In the box: a namespace "lan" plays the outside world: the uplink's far
# end 198.51.100.1 (the box's default route), a LAN 203.0.113.128/25 on a
# bridge with a DHCP server (dnsmasq) and two veth stand-ins for NICs
# (lan0: a macvlan parent, lan1: a physical device), and a wireguard-go
# peer (the kernel has no WireGuard here, so the helper uses wireguard-go
# too). The box is started from the host, never from inside the test
# sandbox, and stopped at the end.
. "$(dirname "$0")/../lib.sh"
needs_root
. "$TESTS_DIR/e2e/box.sh"

box_needs wireguard-go wg busybox dnsmasq
box_start_tree pnu
box_install
units="netns-helper@lab.service netns-helper-gc.service netns-helper-gc.timer user@0.service"
is "$(inbox systemd-analyze verify $units 2>&1)" "" \
	"systemd-analyze verify: nothing to say about the units (and the user@ drop-in)"

# ---- the world outside ----------------------------------------------------
ok "the LAN, its DHCP server and the WireGuard peer (box-lan.sh)" \
	inbox sh "$ROOT/tests/e2e/box-lan.sh" 2 dns
out=$(inbox sh -ec '
cat > /etc/security/pam_netns.conf <<EOF
networks = {
  iso   = { type = "isolated"; };
  lab   = { type = "nat"; pool = "10.213.0.0/16"; };
  corp  = { type = "vpn"; wireguard = "/etc/wireguard/corp.conf"; };
  ovpn  = { type = "vpn"; interface = "tun-corp"; address = [ "10.77.0.2/24" ];
            dns = "10.77.0.53"; timeout = 20; };
  wire  = { type = "macvlan"; parent = "lan0"; address = "203.0.113.150/25";
            gateway = "203.0.113.129"; };
  lease = { type = "macvlan"; parent = "lan0"; address = "dhcp"; };
  nic   = { type = "physical"; device = "lan1"; address = "203.0.113.140/25";
            gateway = "203.0.113.129"; };
  l2    = { type = "bridge"; bridge = "pnbr0"; subnet = "10.214.0.0/24"; nat = true; };
  gcnat = { type = "nat"; pool = "10.215.0.0/16"; };
  gcdhcp = { type = "macvlan"; parent = "lan0"; address = "dhcp"; };
};
rules = (
  { user = "root"; service = "gcnat"; network = "gcnat"; scope = "session"; },
  { user = "root"; service = "gcdhcp"; network = "gcdhcp"; scope = "session"; },
);
default = "host";
EOF
netns-helper check >/dev/null
' 2>&1)
rc=$?
is "$rc" 0 "the box has its LAN, DHCP server, WireGuard peer and policy"
[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/# /'

# ---- helpers ----------------------------------------------------------------
reach() { inbox ip netns exec "$1" busybox ping -c 1 -w 10 "$2" >/dev/null 2>&1; }
links() { inbox ip ${1:+-n "$1"} -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' '; }
addr4() { inbox ip -n "$1" -j -4 addr show "$2" | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"'; }
# the pids in a unit's cgroup, space separated
procs() {
	local cg
	cg=$(inbox systemctl show -p ControlGroup --value "netns-helper@$1.service")
	[ -n "$cg" ] && inbox cat "/sys/fs/cgroup$cg/cgroup.procs" 2>/dev/null | tr '\n' ' '
}
comm_of() { inbox cat "/proc/$1/comm" 2>/dev/null; }
# what pam_netns left in the box: namespaces, links, nftables, records,
# resolv.conf dirs, wireguard-go sockets and daemons, DHCP clients
leftovers() {
	inbox sh -c 'ls -A /run/netns | grep -vx lan
		ip -o link show | awk -F": " "{print \$2}" | cut -d@ -f1 |
			grep -vx -e lo -e lan0 -e lan1 -e uplink0 -e tun-corp
		nft list ruleset
		find /run/pam_netns/ns /run/pam_netns/sessions /run/pam_netns/members \
			/run/pam_netns/leases /run/pam_netns/ino /run/pam_netns/locks \
			/run/pam_netns/dhcp /run/pam_netns/mntns -mindepth 1 2>/dev/null
		ls -A /etc/netns
		ls -A /run/wireguard | grep -vx wgpeer.sock
		pgrep -a "wireguard-go|udhcpc" | grep -v wgpeer' 2>&1
}
# up NET: systemctl enable --now, then the unit is active
up() {
	local rc=0
	inbox systemctl enable -q --now "netns-helper@$1.service" >/dev/null 2>&1 || rc=$?
	is "$rc $(inbox systemctl is-active "netns-helper@$1.service")" "0 active" \
		"$2: systemctl enable --now netns-helper@$1 builds it"
}
# down NET WHAT: systemctl stop, and the namespace and its cgroup are gone
down() {
	local rc=0
	inbox systemctl stop "netns-helper@$1.service" || rc=$?
	is "$rc $(inbox systemctl is-active "netns-helper@$1.service")" "0 inactive" \
		"$2: systemctl stop netns-helper@$1"
	ok "$2: its namespace is gone" inbox test ! -e "/run/netns/$1" -a ! -e "/etc/netns/$1"
	is "$(procs "$1")" "" "$2: no process is left in the unit's cgroup"
}
in_cgroup() {	# in_cgroup NET PID
	case " $(procs "$1")" in *" $2 "*) return 0 ;; esac
	return 1
}
# confined PID: the unit's system call filters reached the daemon (the
# box's own filters are PID 1's too: it has more) and so did its UTS
# namespace (ProtectHostname=)
confined() {
	local f1 f
	f1=$(inbox awk '/^Seccomp_filters:/ {print $2}' /proc/1/status)
	f=$(inbox awk '/^Seccomp_filters:/ {print $2}' "/proc/$1/status")
	[ -n "$f" ] && [ "$f" -gt "${f1:-0}" ] &&
		[ "$(inbox readlink "/proc/$1/ns/uts")" != "$(inbox readlink /proc/1/ns/uts)" ]
}

# ---- isolated ---------------------------------------------------------------
up iso isolated
is "$(links iso)" "lo " "isolated: lo only inside"
down iso isolated

# ---- nat --------------------------------------------------------------------
up lab nat
like "$(addr4 lab eth0)" '^10\.213\.' "nat: eth0 inside has an address from the pool"
ok "nat: the uplink's far end answers, through the masquerade" reach lab 198.51.100.1
ok "nat: its part of the nftables table is there" inbox nft list chain inet pam_netns net_lab
down lab nat
fails "nat: and its nftables part" inbox nft list chain inet pam_netns net_lab

# ---- vpn, WireGuard through wireguard-go --------------------------------------
up corp "vpn (wireguard-go)"
st=$(inbox netns-helper status corp --json)
is "$(printf '%s' "$st" | jq -r '.vpn | "\(.backend) \(.up)"')" "userspace true" \
	"vpn: the tunnel is up, through wireguard-go"
wgpid=$(printf '%s' "$st" | jq -r '.vpn.pid')
is "$(comm_of "$wgpid")" wireguard-go "vpn: its pid is wireguard-go's"
ok "vpn: wireguard-go is in the unit's cgroup" in_cgroup corp "$wgpid"
ok "vpn: under the unit's system call filter and UTS namespace" confined "$wgpid"
is "$(links corp)" "lo wg0 " "vpn: lo and wg0 only inside"
ok "vpn: the server behind the tunnel answers" reach corp 10.99.0.1
like "$(inbox cat /etc/netns/corp/resolv.conf)" "nameserver 10.99.0.53" "vpn: DNS from the wg-quick file"

# the daemon dies: the unit stays, the tunnel is down; reload makes it again
inbox kill "$wgpid"
waitfor "! kill -0 $wgpid 2>/dev/null"
is "$(inbox netns-helper status corp --json | jq -r .vpn.up)" false "vpn: wireguard-go killed: the tunnel is down"
is "$(inbox systemctl is-active netns-helper@corp.service)" active "vpn: the unit stays active (the daemon is not its main process)"
ok "vpn: systemctl reload netns-helper@corp" inbox systemctl reload netns-helper@corp.service
wgpid=$(inbox netns-helper status corp --json | jq -r '.vpn.pid')
is "$(comm_of "$wgpid")" wireguard-go "vpn: reload started wireguard-go again"
ok "vpn: in the unit's cgroup" in_cgroup corp "$wgpid"
ok "vpn: the server behind the tunnel answers again" reach corp 10.99.0.1

# restart: down, then a new namespace with a new daemon, none left over
ino=$(inbox stat -L -c %i /run/netns/corp)
ok "vpn: systemctl restart netns-helper@corp" inbox systemctl restart netns-helper@corp.service
ok "vpn: the old wireguard-go is gone" inbox sh -c "! kill -0 $wgpid 2>/dev/null"
ok "vpn: the namespace is a new one" test "$(inbox stat -L -c %i /run/netns/corp)" != "$ino"
newpid=$(inbox netns-helper status corp --json | jq -r '.vpn.pid')
is "$(procs corp)" "$newpid " "vpn: the cgroup holds the new wireguard-go alone"
ok "vpn: the server behind the tunnel answers after the restart" reach corp 10.99.0.1
# kept up for gc below, stopped after it

# ---- vpn adopting an interface a VPN daemon makes ------------------------------
inbox systemctl enable -q netns-helper@ovpn.service
inbox systemctl start --no-block netns-helper@ovpn.service
ok "vpn (adopted): the unit waits for tun-corp" \
	waitfor '[ "$(systemctl show -p ActiveState --value netns-helper@ovpn.service)" = activating ]'
inbox ip tuntap add dev tun-corp mode tun
rc=0; inbox systemctl start netns-helper@ovpn.service || rc=$?
is "$rc $(inbox systemctl is-active netns-helper@ovpn.service)" "0 active" \
	"vpn (adopted): it finishes once tun-corp appears"
is "$(links ovpn)" "lo tun-corp " "vpn (adopted): tun-corp is inside, alone with lo"
is "$(addr4 ovpn tun-corp)" 10.77.0.2/24 "vpn (adopted): with the policy's address"
fails "vpn (adopted): it left the host" inbox ip link show tun-corp
down ovpn "vpn (adopted)"
ok "vpn (adopted): tun-corp is back on the host" inbox ip link show tun-corp
inbox ip link del tun-corp

# ---- macvlan, static -------------------------------------------------------------
up wire "macvlan (static)"
is "$(inbox ip -n wire -j -d link show eth0 | jq -r '.[0].linkinfo.info_kind')" macvlan \
	"macvlan (static): eth0 inside is a macvlan"
is "$(addr4 wire eth0)" 203.0.113.150/25 "macvlan (static): with the static address"
ok "macvlan (static): the LAN answers" reach wire 203.0.113.129
down wire "macvlan (static)"
ok "macvlan (static): the parent stays" inbox ip link show lan0

# ---- macvlan, DHCP (busybox udhcpc) ----------------------------------------------
up lease "macvlan (DHCP)"
la=$(addr4 lease eth0)
like "$la" '^203\.0\.113\.2(0[0-9]|10)/25$' "macvlan (DHCP): eth0 has a lease from dnsmasq ($la)"
cpid=$(inbox cat /run/pam_netns/dhcp/lease.pid 2>/dev/null); cpid=${cpid:-0}
like "$(inbox sh -c "tr '\\0' ' ' < /proc/$cpid/cmdline" 2>/dev/null)" \
	'^busybox udhcpc ' "macvlan (DHCP): its client is udhcpc"
ok "macvlan (DHCP): udhcpc is in the unit's cgroup" in_cgroup lease "$cpid"
ok "macvlan (DHCP): under the unit's system call filter and UTS namespace" confined "$cpid"
ok "macvlan (DHCP): the lease's router is the way out" reach lease 198.51.100.1
down lease "macvlan (DHCP)"
ok "macvlan (DHCP): udhcpc is stopped" inbox sh -c "! kill -0 $cpid 2>/dev/null"
ok "macvlan (DHCP): and released its lease" waitfor "! grep -q ' ${la%/*} ' /run/lan-dhcp.leases"

# ---- physical ----------------------------------------------------------------------
idx=$(inbox ip -j link show lan1 | jq -r '.[0].ifindex')
up nic physical
fails "physical: lan1 has left the host" inbox ip link show lan1
is "$(inbox ip -n nic -j link show lan1 | jq -r '.[0].ifindex')" "$idx" "physical: it is inside, same device"
is "$(addr4 nic lan1)" 203.0.113.140/25 "physical: with the static address"
ok "physical: the LAN answers" reach nic 203.0.113.129
down nic physical
is "$(inbox ip -j link show lan1 | jq -r '.[0].ifindex')" "$idx" "physical: lan1 is back on the host under its name"

# ---- bridge -------------------------------------------------------------------------
up l2 bridge
is "$(inbox ip -j -4 addr show pnbr0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" \
	10.214.0.1/24 "bridge: pnbr0 on the host is the gateway"
is "$(addr4 l2 eth0)" 10.214.0.2/24 "bridge: the member has the next address"
ok "bridge: the uplink's far end answers, through NAT" reach l2 198.51.100.1
down l2 bridge
fails "bridge: pnbr0 is gone" inbox ip link show pnbr0

# ---- gc from its timer -----------------------------------------------------------------
# Two sessions whose owner died, in session scope namespaces: nat, and
# macvlan on DHCP (a udhcpc that is not in gc's cgroup). The timer,
# started with a drop-in that makes it fire at once, runs gc: it closes
# the sessions, removes the namespaces, the nat link and nftables part,
# stops the DHCP client, and leaves corp (shared, its unit's) alone.
dead_session() {	# dead_session SERVICE: session-open for a process gone since
	inbox sh -c 'sleep 600 & o=$!
		netns-helper session-open --user root --service "$1" --pid $o
		kill $o; wait $o' sh "$1" 2>/dev/null
}
gcns=$(kv netns "$(dead_session gcnat)")
like "$gcns" '^gcnat\.root\.' "gc: a nat session whose owner is dead ($gcns)"
gcdns=$(kv netns "$(dead_session gcdhcp)")
like "$gcdns" '^gcdhcp\.root\.' "gc: a DHCP session whose owner is dead ($gcdns)"
gcpid=$(inbox cat "/run/pam_netns/dhcp/$gcdns.pid" 2>/dev/null)
ok "gc: its udhcpc runs" inbox kill -0 "${gcpid:-0}"
before=$(inbox systemctl show -p ExecMainExitTimestampMonotonic --value netns-helper-gc.service)
# where the journal stands: gc's lines are looked for after it, by their
# text (journald may miss the unit of a process that has exited already)
cursor=$(inbox journalctl -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p')
inbox sh -c 'mkdir -p /run/systemd/system/netns-helper-gc.timer.d &&
	printf "[Timer]\nOnActiveSec=1s\nAccuracySec=1s\n" > /run/systemd/system/netns-helper-gc.timer.d/now.conf &&
	systemctl daemon-reload'
ok "gc: systemctl start netns-helper-gc.timer" inbox systemctl start netns-helper-gc.timer
ok "gc: the timer starts netns-helper-gc.service, which runs to its end" \
	waitfor "[ \"\$(systemctl show -p ExecMainExitTimestampMonotonic --value netns-helper-gc.service)\" != '$before' ]"
ok "gc: the timer elapsed" test "$(inbox systemctl show -p LastTriggerUSecMonotonic --value netns-helper-gc.timer)" != 0
is "$(inbox systemctl show -p Result,ExecMainStatus --value netns-helper-gc.service | tr '\n' ' ')" "success 0 " \
	"gc: it exits 0"
# journald may write the run's lines after the unit has ended: wait for
# its last one
ok "gc: its run's summary reaches the journal" \
	waitfor "journalctl -q -o cat --after-cursor='$cursor' | grep -q '^gc: .*sessions closed'"
log=$(inbox journalctl -q -o cat --after-cursor="$cursor" | grep '^gc: ')
like "$log" "gc: removed namespace $gcns" "gc: its journal: the nat session's namespace is removed"
like "$log" "gc: removed namespace $gcdns" "gc: and the DHCP session's"
like "$log" "gc: 2 sessions closed, 2 namespaces removed, 1 links deleted, 1 network nftables parts removed" \
	"gc: with the nat link and nftables part"
ok "gc: the namespaces are gone" inbox test ! -e "/run/netns/$gcns" -a ! -e "/run/netns/$gcdns"
ok "gc: the DHCP client is stopped" inbox sh -c "! kill -0 ${gcpid:-0} 2>/dev/null"
is "$(inbox netns-helper list --json | jq -r '[.namespaces[].name] | join(" ")')" corp \
	"gc: the shared namespace of netns-helper@corp stays"
is "$(inbox netns-helper status corp --json | jq -r '"\(.vpn.up) \(.vpn.pid)"')" "true $newpid" \
	"gc: and so does its tunnel"

# ---- the end -------------------------------------------------------------------------------
down corp "vpn (wireguard-go)"
ok "vpn: wireguard-go is stopped" inbox sh -c "! kill -0 $newpid 2>/dev/null"
is "$(leftovers)" "" "after every stop: no namespace, link, nftables table, record or daemon is left"
is "$(inbox journalctl -q -o cat -u 'netns-helper@*' -u netns-helper-gc.service | grep -iE 'warning|error|denied|not permitted')" "" \
	"the units' journal has no warning and no error"
inbox systemctl disable -q netns-helper@iso netns-helper@lab netns-helper@corp netns-helper@ovpn \
	netns-helper@wire netns-helper@lease netns-helper@nic netns-helper@l2
is "$(inbox sh -c 'ls /etc/systemd/system/multi-user.target.wants | grep -c netns-helper')" 0 \
	"systemctl disable: no instance is left enabled"

done_testing
