#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bridge networks: the members of a network share a host bridge that is
# their gateway; they reach each other, reach the wan through NAT when it
# is on, never the host's own addresses; the bridge comes with the first
# member and goes with the last; a subnet over a host route and a foreign
# bridge of the same name are refused, leaving nothing.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  l2 = { type = "bridge"; bridge = "pnbr0"; subnet = "10.214.0.0/24"; nat = true; };
  flat = { type = "bridge"; bridge = "pnbr1"; subnet = "10.216.0.0/24"; };
  taken = { type = "bridge"; bridge = "pnbr2"; subnet = "198.51.100.128/25"; };
  mine = { type = "bridge"; bridge = "hostbr"; subnet = "10.217.0.0/24"; };
};
rules = (
  { user = "root"; service = "l2"; network = "l2"; scope = "session"; },
  { user = "root"; service = "flat"; network = "flat"; scope = "session"; },
  { user = "root"; service = "taken"; network = "taken"; scope = "session"; },
  { user = "root"; service = "mine"; network = "mine"; scope = "session"; },
);'

peerd wan 198.51.100.1 8080
peerd - 192.0.2.10 8080
peerd - 0.0.0.0 8082
open() { helper session-open --user root --service "$1" --pid $$; }
inner_addr() { ip -n "$1" -j -4 addr show eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"'; }

a=$(open l2); A=$(kv netns "$a")
b=$(open l2); Bn=$(kv netns "$b")
is "$(ip -j addr show pnbr0 | jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"')" \
   10.214.0.1/24 "the bridge holds the subnet's first address"
is "$(inner_addr "$A") $(inner_addr "$Bn")" "10.214.0.2/24 10.214.0.3/24" "members get the next addresses"
is "$(ip -j link show master pnbr0 | jq -r 'length')" 2 "two ports on the bridge"
is "$(ip -n "$A" -j route show default | jq -r '.[0].gateway')" 10.214.0.1 "the bridge is the default route"
peerd "$Bn" 10.214.0.3 9000
peerd "$A" 10.214.0.2 9000
is "$(probe "$A" 10.214.0.3 9000)" "peer=10.214.0.2" "the first member reaches the second"
is "$(probe "$Bn" 10.214.0.2 9000)" "peer=10.214.0.3" "and the second the first"
is "$(probe "$A" 198.51.100.1 8080)" "peer=198.51.100.2" "the wan, masqueraded"
like "$(probe "$A" 192.0.2.10 8080)" "^error" "the host's own address is unreachable"
like "$(probe "$A" 10.214.0.1 8082)" "^error" "so is the bridge's"
is "$(nft list set inet pam_netns ifs | grep -o '"pnb[^"]*"' | tr -d '"')" pnbr0 "the bridge, not a port, is a session interface"
is "$(nft -j list set inet pam_netns masq4 | jq -r '.nftables[1].set.elem[] | .prefix | "\(.addr)/\(.len)"')" 10.214.0.0/24 "the subnet is masqueraded, one element for all members"
is "$(nft -j list map inet pam_netns nets4 | jq -r '.nftables[1].map.elem[0][1].goto.target')" net_l2 "the subnet names the network's filter"
like "$(helper status "$A")" "attached: bridge pnbr0 10.214.0.1/24" "status shows the bridge and its address"
is "$(helper list --json | jq -r '[.namespaces[].bridge] | join(" ")')" "pnbr0 pnbr0" "list --json has the bridge"
like "$(helper gc)" "^gc: 0 sessions closed, 0 namespaces removed, 0 links deleted, 0 network nftables parts removed" "gc claims the bridge and the ports"
helper session-close --session "$(kv session "$a")"
ok "the bridge stays while a member is left" ip link show pnbr0
helper session-close --session "$(kv session "$b")"
fails "and goes with the last" ip link show pnbr0
sandbox_clean "nothing left after the last member"

# without nat the members are routed as they are
c=$(open flat); C=$(kv netns "$c")
is "$(nft -j list set inet pam_netns masq4 | jq -r '.nftables[1].set.elem // [] | length')" 0 "nat = false masquerades nothing"
like "$(probe "$C" 192.0.2.10 8080)" "^error" "host protection applies without nat too"
helper session-close --session "$(kv session "$c")"

# bad input
out=$(open taken 2>&1)
like "$out" "network 'taken': subnet 198.51.100.128/25 overlaps a route of the host" "a subnet over a host route is refused"
ip link add hostbr type bridge
out=$(open mine 2>&1)
like "$out" "network 'mine': bridge 'hostbr' already exists on the host and was not made by pam_netns" "a foreign bridge is refused"
ok "and left alone" ip link show hostbr
ip link del hostbr
sandbox_clean
done_testing
