#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A network's part of the nftables table (nft_network.c): written at the
# network's first login and never again while its policy stays the same,
# rewritten in one transaction when the policy changes (only the changed
# elements replaced), rebuilt when an element was removed by hand, and
# taken out by gc when no namespace uses the network. Spoofed sources
# never choose another network's filter.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

two() {		# two DENY_A POOL_A
	policy "networks = {
  a = { type = \"nat\"; pool = \"$2\"; deny = [ \"$1\" ]; };
  b = { type = \"nat\"; pool = \"10.231.0.0/24\"; };
};
rules = (
  { user = \"root\"; service = \"a\"; network = \"a\"; scope = \"session\"; },
  { user = \"root\"; service = \"b\"; network = \"b\"; scope = \"session\"; },
);"
}
open() { helper session-open --user root --service "$1" --pid $$; }
close() { helper session-close --session "$(kv session "$1")" >/dev/null; }
handles() { nft -a list chain inet pam_netns "net_$1" | grep -o 'handle [0-9]*' | tr '\n' ' '; }
mark() { nft list chain inet pam_netns "net_$1" | grep -o 'comment "[^"]*"'; }
prefixes() {	# prefixes SET: its elements as A/P, sorted
	nft -j list ruleset | jq -r --arg s "$1" '.nftables[] | (.set // .map) |
		select(. and .name == $s) | .elem // [] | .[] |
		(if type == "array" then .[0] else . end) | .prefix |
		"\(.addr)/\(.len)"' | sort | tr '\n' ' '
}

peerd wan 198.51.100.1 8080
peerd wan 203.0.113.1 8080

two 192.0.2.0/24 10.230.0.0/24
a1=$(open a); A1=$(kv netns "$a1")
h=$(handles a); m=$(mark a)
like "$m" '^comment "pam_netns digest [0-9a-f]{16} v4 10.230.0.0/24 v6 - masq 1 bridge -"$' "the first login writes the network's part and its record"
is "$(prefixes nets4)" "10.230.0.0/24 " "its pool names its filter"
a2=$(open a); A2=$(kv netns "$a2")
is "$(handles a)" "$h" "a second login of the network rewrites nothing (same rule handles)"
is "$(probe "$A2" 203.0.113.1 8080)" "peer=198.51.100.2" "and reaches the wan"

two 203.0.113.0/24 10.230.0.0/24
a3=$(open a)
m2=$(mark a)
ok "a changed deny list changes the record's digest" test "$m2" != "$m"
is "$(prefixes nets4)" "10.230.0.0/24 " "but not the elements"
like "$(probe "$A1" 203.0.113.1 8080)" "^error" "the new filter holds for the sessions already open"
is "$(probe "$A1" 198.51.100.1 8080)" "peer=198.51.100.2" "which still reach the rest"

# A source address of another network is not believed. Its reply could
# not come back anyway, so count what reaches the wan instead.
ip netns exec wan nft -f - <<'NFT'
table ip spy { chain in { type filter hook prerouting priority 0; tcp dport 8080 counter; }; }
NFT
spied() { ip netns exec wan nft -j list chain ip spy in | jq '[.nftables[] | .rule.expr[]? | .counter.packets // empty] | add'; }
ip -n "$A1" addr add 10.231.0.200/32 dev eth0
s0=$(spied)
like "$(ip netns exec "$A1" "$B/tests/tools/probe" -t 300 -b 10.231.0.200 198.51.100.1 8080 2>&1)" "^error" "a spoofed source of network b gets no answer"
is "$(spied)" "$s0" "and nothing of it leaves the host"
is "$(probe "$A1" 198.51.100.1 8080)" "peer=198.51.100.2" "while the session's own address still does"
ok "which the wan saw" test "$(spied)" -gt "$s0"

close "$a1"; close "$a2"; close "$a3"
two 203.0.113.0/24 10.232.0.0/24
b1=$(open b); Bn=$(kv netns "$b1")
is "$(prefixes nets4)" "10.231.0.0/24 " "b's part joins; a's stays until gc"
a4=$(open a); A4=$(kv netns "$a4")
is "$(prefixes nets4)" "10.231.0.0/24 10.232.0.0/24 " "a new pool replaces the old one in nets4"
is "$(prefixes masq4)" "10.231.0.0/24 10.232.0.0/24 " "and in masq4"
is "$(probe "$A4" 198.51.100.1 8080)" "peer=198.51.100.2" "sessions of the new pool get out"
close "$a4"

like "$(helper gc)" "^gc: 0 sessions closed, 0 namespaces removed, 0 links deleted, 1 network nftables parts removed" "gc removes the part of a network no namespace uses"
fails "chain net_a is gone" nft list chain inet pam_netns net_a
is "$(prefixes nets4) $(prefixes masq4)" "10.231.0.0/24  10.231.0.0/24 " "and exactly its elements"
is "$(probe "$Bn" 198.51.100.1 8080)" "peer=198.51.100.2" "b is untouched"

nft delete element inet pam_netns masq4 '{ 10.231.0.0/24 }'
like "$(probe "$Bn" 198.51.100.1 8080)" "^error" "without its masq4 element b's traffic is not masqueraded"
policy "$(sed 's/pool = "10.231.0.0\/24";/pool = "10.231.0.0\/24"; deny = [ "192.0.2.99\/32" ];/' "$POLICY")"
b2=$(open b)
is "$(prefixes masq4)" "10.231.0.0/24 " "a changed policy rebuilds a part whose element was removed by hand"
is "$(probe "$Bn" 198.51.100.1 8080)" "peer=198.51.100.2" "and b gets out again"
# a firewall reload that flushes the whole ruleset: gc puts it back
nft flush ruleset
like "$(probe "$Bn" 198.51.100.1 8080)" "^error" "without the table b's traffic goes nowhere"
helper gc >/dev/null
is "$(prefixes nets4)" "10.231.0.0/24 " "gc rebuilds the table and the part of every network in use"
is "$(probe "$Bn" 198.51.100.1 8080)" "peer=198.51.100.2" "and b gets out again"
close "$b1"; close "$b2"
fails "the table goes with the last nat namespace" nft list table inet pam_netns

# a table of the older per-session layout is replaced, not written into
nft -f - <<'NFT'
table inet pam_netns { set addrs4 { type ipv4_addr; }; set ifs { type ifname; }; }
NFT
b3=$(open b); B3=$(kv netns "$b3")
is "$(kv action "$b3")" join "a login with an old-layout table present opens"
is "$(prefixes nets4)" "10.231.0.0/24 " "in a table of this layout"
is "$(probe "$B3" 198.51.100.1 8080)" "peer=198.51.100.2" "and gets out"
close "$b3"
fails "that table goes with the last nat namespace too" nft list table inet pam_netns
sandbox_clean "nothing left behind"
done_testing
