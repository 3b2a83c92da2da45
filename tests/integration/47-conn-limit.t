#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No session exhausts the host's connection tracking: each namespace of a
# nat or bridge network has its own count of new connections per address
# family (conn_limit, or 5 % of nf_conntrack_max), over the wan, to the
# host's DNS and to the other members of a bridge, one count for all
# three; all sessions together have half of nf_conntrack_max. Over its
# count a session's new flows are dropped; another session and the host
# go on. Real flows: UDP datagrams from distinct source ports, counted
# where they arrive by a counter of the test's own (in wan, on the host,
# in a member). In the production layout (a private /run, /run/netns a
# plain directory).
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

limits() {	# limits LAB_LIMIT
	policy "networks = {
  lab = { type = \"nat\"; pool = \"10.213.0.0/16\"; pool6 = \"fd6e:7300::/48\";
          dns = [ \"192.0.2.10\" ]; conn_limit = $1; };
  free = { type = \"nat\"; pool = \"10.215.0.0/24\"; };
  l2 = { type = \"bridge\"; bridge = \"pnbr0\"; subnet = \"10.214.0.0/24\";
         nat = true; conn_limit = 20; };
};
rules = (
  { user = \"root\"; service = \"lab\"; network = \"lab\"; scope = \"session\"; },
  { user = \"root\"; service = \"free\"; network = \"free\"; scope = \"session\"; },
  { user = \"root\"; service = \"l2\"; network = \"l2\"; scope = \"session\"; },
);"
}
open() { helper session-open --user root --service "$1" --pid $$; }
close() { helper session-close --session "$(kv session "$1")" >/dev/null; }
burst() {	# burst NS ADDR PORT [N]: N (100) new UDP flows from NS ("-": the host)
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		"$B/tests/tools/burst" -n "${3:-100}" "$1" "$2"
	else
		ip netns exec "$ns" "$B/tests/tools/burst" -n "${3:-100}" "$1" "$2"
	fi
}
# counted NS TABLE PORT: what the counter of TABLE in NS ("-": the host)
# counted to PORT
counted() {
	if [ "$1" = - ]; then nft list chain inet "$2" in
	else ip netns exec "$1" nft list chain inet "$2" in
	fi | sed -n "s/.*udp dport $3 counter packets \([0-9]*\).*/\1/p"
}
ct_count() { cat /proc/sys/net/netfilter/nf_conntrack_count; }

is "$(findmnt -n -o SOURCE /run/netns | sed 's/\[.*//')" "$(findmnt -n -o SOURCE /run)" \
   "the production layout: /run/netns is a plain directory of the private /run"

# what arrives, counted where it arrives: in wan, and on the host after
# the helper's own input chain (priority 0)
ip netns exec wan nft -f - <<'NFT'
table inet pntest {
	chain in {
		type filter hook input priority 0;
		udp dport 9001 counter
		udp dport 9002 counter
		udp dport 9003 counter
		udp dport 9004 counter
		udp dport 9005 counter
		udp dport 9007 counter
	}
}
NFT
nft -f - <<'NFT'
table inet pntest {
	chain in {
		type filter hook input priority 10;
		udp dport 53 counter
	}
}
NFT
peerd wan 198.51.100.1 8080
max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)

limits 20
a=$(open lab); A=$(kv netns "$a")
c0=$(ct_count)
is "$(burst "$A" 198.51.100.1 9001)" "sent=100" "a session (conn_limit = 20) sends 100 new UDP flows to the wan"
is "$(counted wan pntest 9001)" 20 "exactly 20 arrive"
ok "the host's conntrack table got no more than those 20 ($(($(ct_count) - c0)))" test $(($(ct_count) - c0)) -le 20
like "$(probe "$A" 198.51.100.1 8080)" "^error" "over its count, the session's next new connection is dropped"
is "$(nft -j list set inet pam_netns lab_ct4 | jq -r '.nftables[1].set.elem[] | "\(.elem.val) \(.elem."ct count".val)"')" \
   "10.213.0.1 20" "the count is the session's own: one element for its address, with the network's limit"

is "$(burst "$A" 2001:db8:100::1 9004)" "sent=100" "the session sends 100 over IPv6"
is "$(counted wan pntest 9004)" 20 "and IPv6 has a count of 20 of its own"

b=$(open lab); Bn=$(kv netns "$b")
is "$(burst "$Bn" 198.51.100.1 9002 10)" "sent=10" "a second session of the network sends 10 flows"
is "$(counted wan pntest 9002)" 10 "all of them arrive"
is "$(probe "$Bn" 198.51.100.1 8080)" "peer=198.51.100.2" "and it connects as before"
is "$(burst - 198.51.100.1 9003)" "sent=100" "the host sends 100 flows"
is "$(counted wan pntest 9003)" 100 "all of them arrive: the host is not counted"

c=$(open lab); C=$(kv netns "$c")
is "$(burst "$C" 192.0.2.10 53)" "sent=100" "a third session sends 100 DNS queries to the host"
is "$(counted - pntest 53)" 20 "20 reach the host's DNS port: the same count"
is "$(burst "$C" 198.51.100.1 9005 5)" "sent=5" "then 5 flows to the wan"
is "$(counted wan pntest 9005)" 0 "none arrive: one count for every way out"

m=$(open l2); M=$(kv netns "$m")
n=$(open l2); N=$(kv netns "$n")
ip netns exec "$N" nft -f - <<'NFT'
table inet pntest {
	chain in {
		type filter hook input priority 0;
		udp dport 9006 counter
	}
}
NFT
if [ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" = 1 ]; then
	is "$(burst "$M" 10.214.0.3 9006)" "sent=100" "a bridge member sends 100 flows to another (br_netfilter tracks them)"
	is "$(counted "$N" pntest 9006)" 20 "20 arrive: bridged flows count too"
else
	_result 0 "bridged flows # SKIP bridge-nf-call-iptables is off: the host tracks none"
fi

f=$(open free)
is "$(nft list chain inet pam_netns cap_free | grep -c "ct count over $((max * 5 / 100))")" 2 \
   "without conn_limit a namespace may have 5 % of nf_conntrack_max ($((max * 5 / 100)) of $max), per family"
like "$(nft list chain inet pam_netns sess_cap)" "ct state new ct count over $((max / 2)) drop" \
   "all sessions together half of it: the other half stays for the host"

# a changed conn_limit is a changed policy: the network's part is rewritten
limits 30
d=$(open lab)
is "$(nft list chain inet pam_netns cap_lab | grep -c 'ct count over 30')" 2 "a new conn_limit rewrites the network's count"
is "$(burst "$A" 198.51.100.1 9007)" "sent=100" "the first session sends 100 flows again"
is "$(counted wan pntest 9007)" 30 "and 30 arrive: every namespace counts anew under the new limit"

for s in "$a" "$b" "$c" "$d" "$f" "$m" "$n"; do close "$s"; done
nft delete table inet pntest
ip netns exec wan nft delete table inet pntest

# bad values, each with its place
policy 'networks = { lab = { type = "nat"; pool = "10.213.0.0/16";
  conn_limit = 0; }; };'
like "$(helper check 2>&1)" "$POLICY:2: network 'lab': conn_limit 0 out of range 1-2147483647" "conn_limit 0 is refused"
policy 'networks = { lab = { type = "nat"; pool = "10.213.0.0/16";
  conn_limit = "many"; }; };'
like "$(helper check 2>&1)" "$POLICY:2: network 'lab': 'conn_limit' must be an integer" "so is a string"
policy 'networks = { off = { type = "isolated"; conn_limit = 5; }; };'
like "$(helper check 2>&1)" "$POLICY:1: network 'off': unknown key 'conn_limit' for type 'isolated'" "and on a network not routed through the host"
sandbox_clean
done_testing
