#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# macvlan networks: a child of a host NIC born inside the namespace, on the
# NIC's LAN with a static address or a DHCP lease (busybox udhcpc against
# dnsmasq in wan); the client is stopped by close, down and gc; a missing
# parent and a LAN without a DHCP server fail cleanly.
#
# The stand-in NIC is a veth: lan0 in the sandbox (the "host"), lan0p in
# wan, the LAN 203.0.113.128/25 with wan as its router at .129.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  wire = { type = "macvlan"; parent = "lan0"; address = "203.0.113.150/25";
           gateway = "203.0.113.129"; dns = [ "203.0.113.129" ]; };
  lease = { type = "macvlan"; parent = "lan0"; mode = "private"; address = "dhcp"; };
  nope = { type = "macvlan"; parent = "lan9"; address = "203.0.113.151/25"; };
  m1 = { type = "macvlan"; parent = "lan0"; address = "203.0.113.160/25"; };
  m2 = { type = "macvlan"; parent = "lan0"; address = "203.0.113.161/25"; };
  b1 = { type = "macvlan"; parent = "lan0"; mode = "bridge"; address = "203.0.113.162/25"; };
  b2 = { type = "macvlan"; parent = "lan0"; mode = "bridge"; address = "203.0.113.163/25"; };
};
rules = (
  { user = "root"; service = "static"; network = "wire"; scope = "shared"; },
  { user = "root"; service = "dhcp"; network = "lease"; scope = "session"; },
  { user = "root"; service = "nope"; network = "nope"; scope = "shared"; },
  { user = "root"; service = "m1"; network = "m1"; scope = "shared"; },
  { user = "root"; service = "m2"; network = "m2"; scope = "shared"; },
  { user = "root"; service = "b1"; network = "b1"; scope = "shared"; },
  { user = "root"; service = "b2"; network = "b2"; scope = "shared"; },
);'

ip link add lan0 type veth peer name lan0p netns wan
ip link set lan0 up
ip -n wan addr add 203.0.113.129/25 dev lan0p
ip -n wan link set lan0p up
peerd wan 203.0.113.129 8080
peerd wan 198.51.100.1 8081

open() { helper session-open --user root --service "$1" --pid "${2:-$$}"; }
inner_addr() { ip -n "$1" -j -4 addr show eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"'; }

# static
s=$(open static); S=$(kv netns "$s")
is "$(kv action "$s")" join "a static macvlan session opens"
is "$(ip -n "$S" -j -d link show eth0 | jq -r '.[0].linkinfo | "\(.info_kind) \(.info_data.mode)"')" \
   "macvlan private" "eth0 inside is a macvlan in private mode (the default)"
is "$(inner_addr "$S")" 203.0.113.150/25 "with the static address"
is "$(ip -n "$S" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')" "lo eth0 " "inside: lo and eth0 only"
is "$(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')" "lo uplink0 lan0 " "nothing new on the host"
is "$(probe "$S" 203.0.113.129 8080)" "peer=203.0.113.150" "it reaches a host on the LAN, as itself"
is "$(probe "$S" 198.51.100.1 8081)" "peer=203.0.113.150" "and beyond, through the gateway"
like "$(ip -n "$S" -6 route show default)" "^unreachable default" "IPv6 without gateway6 has an unreachable default"
is "$(ip netns exec "$S" sysctl -n net.ipv6.conf.eth0.accept_ra)" 0 "accept_ra=0 inside"
like "$(cat "/etc/netns/$S/resolv.conf")" "nameserver 203.0.113.129" "resolv.conf names the policy's DNS"
like "$(helper status "$S")" "attached: macvlan of lan0 \(private\) 203.0.113.150/25" "status shows parent, mode and address"
is "$(helper list --json | jq -r '.namespaces[0] | "\(.parent) \(.mode)"')" "lan0 private" "list --json has parent and mode"
helper session-close --session "$(kv session "$s")"
helper down "$S"
ok "down removes the namespace" test ! -e "/run/netns/$S"
ok "the parent stays" ip link show lan0

# two namespaces on one parent: private by default, bridge when asked
pair() {	# pair NET1 NET2: can NET2 reach a server in NET1?
	local s1 s2 n1 n2 out
	s1=$(open "$1"); n1=$(kv netns "$s1")
	s2=$(open "$2"); n2=$(kv netns "$s2")
	peerd "$n1" "$3" 8082
	out=$(probe "$n2" "$3" 8082)
	helper session-close --session "$(kv session "$s1")"
	helper session-close --session "$(kv session "$s2")"
	helper down "$n1"; helper down "$n2"
	echo "$out"
}
like "$(pair m1 m2 203.0.113.160)" "^error" "two macvlan namespaces of the default mode cannot reach each other"
is "$(pair b1 b2 203.0.113.162)" "peer=203.0.113.163" "with mode = \"bridge\" they can"

# a parent that does not exist
out=$(open nope 2>&1)
like "$out" "network 'nope': parent 'lan9' does not exist on the host" "a missing parent is a clear error"
is "$(ls -A /run/netns | grep -vx wan; find /run/pam_netns/ns /etc/netns -mindepth 1)" "" "and leaves nothing behind"

# dhcp, two sessions with a lease each
ip netns exec wan dnsmasq --conf-file=/dev/null --port=0 --interface=lan0p \
	--bind-interfaces --dhcp-authoritative \
	--dhcp-range=203.0.113.200,203.0.113.210,255.255.255.128,1h \
	--dhcp-option=3,203.0.113.129 \
	--dhcp-leasefile="$PN_SANDBOX_DIR/dnsmasq.leases" \
	--pid-file="$PN_SANDBOX_DIR/dnsmasq.pid" --user=root --group=root
dns_pid=$(cat "$PN_SANDBOX_DIR/dnsmasq.pid")
track "$dns_pid"

a=$(open dhcp); A=$(kv netns "$a")
b=$(open dhcp); Bn=$(kv netns "$b")
aa=$(inner_addr "$A"); ba=$(inner_addr "$Bn")
like "$aa" '^203\.0\.113\.2(0[0-9]|10)/25$' "the first session has a lease from dnsmasq ($aa)"
like "$ba" '^203\.0\.113\.2(0[0-9]|10)/25$' "so has the second ($ba)"
ok "and they differ" test "$aa" != "$ba"
is "$(ip -n "$A" -j -d link show eth0 | jq -r '.[0].linkinfo.info_data.mode')" private "mode private"
is "$(probe "$A" 198.51.100.1 8081)" "peer=${aa%/*}" "the lease's router is the default route"
pidf=/run/pam_netns/dhcp/$A.pid
ok "the client's pid file is under /run/pam_netns/dhcp" test -s "$pidf"
cpid=$(cat "$pidf")
is "$(ip netns identify "$cpid")" "$A" "the client runs inside the namespace"
like "$(tr '\0' ' ' < "/proc/$cpid/cmdline")" "^busybox udhcpc -i eth0" "and it is udhcpc"
is "$(sed -n 's/^CapPrm:[[:space:]]*//p' "/proc/$cpid/status")" 0000000000003400 \
	"with CAP_NET_ADMIN, CAP_NET_RAW and CAP_NET_BIND_SERVICE only (not CAP_SYS_ADMIN)"
like "$(helper status "$A")" "attached: macvlan of lan0 \(private\) dhcp" "status shows dhcp"
helper session-close --session "$(kv session "$a")"
ok "session-close stops the client" test ! -e "/proc/$cpid"
ok "and removes its pid file" test ! -e "$pidf"
like "$(cat "$PN_SANDBOX_DIR/dnsmasq.leases")" "${ba%/*}" "the second lease is still held"

# gc stops the client of a session whose owner died
sleep 600 & owner=$!
track $owner
c=$(open dhcp $owner); C=$(kv netns "$c")
cpid=$(cat "/run/pam_netns/dhcp/$C.pid")
kill $owner; wait $owner 2>/dev/null
like "$(helper gc)" "^gc: 1 sessions closed" "gc reclaims the dead owner's session"
ok "and stops its DHCP client" test ! -e "/proc/$cpid"
helper session-close --session "$(kv session "$b")"

# no DHCP server: a clear error, nothing left
kill "$dns_pid"
out=$(open dhcp 2>&1)
like "$out" "network 'lease': no DHCP lease on eth0 \(parent 'lan0'\)" "no lease is a clear error"
is "$(pgrep -c udhcpc)" 0 "no client is left running"
ip link del lan0
sandbox_clean
done_testing
