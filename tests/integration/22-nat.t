#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nat networks end to end: masqueraded IPv4 and IPv6 to the wan, egress
# deny lists, host protection (the host's own addresses, link-local
# metadata, other sessions), the DNS exception, inbound forwards, constant
# ruleset size, forwarding restored, pool exhaustion.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48";
          dns = [ "192.0.2.10" ]; deny = [ "203.0.113.0/24" ]; };
  open = { type = "nat"; pool = "10.214.0.0/24";
           forward = ( { proto = "tcp"; port = 10105; to = 8080; } ); };
  tiny = { type = "nat"; pool = "10.215.0.0/29"; };
  viaup = { type = "nat"; pool = "10.216.0.0/24"; uplink = "uplink0"; };
  viaother = { type = "nat"; pool = "10.217.0.0/24"; uplink = "nosuch0"; };
};
rules = (
  { user = "root"; service = "sshd"; network = "lab"; scope = "session"; },
  { user = "root"; service = "login"; network = "open"; scope = "shared"; },
  { user = "root"; service = "tiny"; network = "tiny"; scope = "session"; },
  { user = "root"; service = "viaup"; network = "viaup"; scope = "session"; },
  { user = "root"; service = "viaother"; network = "viaother"; scope = "session"; },
);'

ip addr add 169.254.169.254/32 dev lo
peerd wan 198.51.100.1 8080
peerd wan 2001:db8:100::1 8080
peerd wan 203.0.113.1 8080
peerd - 192.0.2.10 8080
peerd - 198.51.100.2 8081
peerd - 169.254.169.254 80
peerd - 192.0.2.10 53 -u

open() { helper session-open --user root --service "$1" --pid $$; }
rules() { nft -j list ruleset | jq '[.nftables[] | select(.rule)] | length'; }
# the elements the helper writes: those that count connections are the
# kernel's, one per source address with connections (47-conn-limit.t)
elements() { nft -j list ruleset | jq '[.nftables[] | (.set // .map) | select(.) | .elem // [] | .[] | select((try .elem["ct count"] catch null) == null)] | length'; }
fwd0=$(sysctl -n net.ipv4.ip_forward)
sysctl -qw net.ipv6.conf.all.forwarding=0

a=$(open sshd); A=$(kv netns "$a")
is "$(kv action "$a")" join "a nat session opens"
is "$(ip -n "$A" -j addr show eth0 | jq -r '[.[0].addr_info[] | select(.scope=="global") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
   "10.213.0.1/31 fd6e:7300::2/64" "eth0 inside has the first lease of both pools"
is "$(ip -n "$A" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')" "lo eth0 " "inside: lo and eth0 only"
is "$(ip netns exec "$A" sysctl -n net.ipv6.conf.eth0.accept_ra)" 0 "accept_ra=0 inside"
hostif=$(ip -j link show | jq -r --argjson i "$(ip -n "$A" -j link show eth0 | jq '.[0].link_index')" '.[] | select(.ifindex == $i) | .ifname')
is "$(ip -6 -j addr show dev "$hostif" | jq '[.[].addr_info[] | select(.scope == "link")] | length')" 1 "with pool6 the host end keeps its link-local address (neighbour discovery of forwarded replies needs it)"
like "$(timeout 10 "$HELPER" --config "$POLICY" status "$A")" "eth0 +veth +up +10\.213\.0\.1/31" "status lists the links inside with their addresses"
is "$(timeout 10 "$HELPER" --config "$POLICY" status --json "$A" | jq -r '.links[].name' | tr '\n' ' ')" "lo eth0 " "status --json too"
is "$(sysctl -n net.ipv4.ip_forward)" 1 "forwarding is on while a nat namespace is up"
is "$(sysctl -n net.ipv6.conf.all.forwarding)" 1 "IPv6 forwarding too (the network has pool6)"
is "$(probe "$A" 198.51.100.1 8080)" "peer=198.51.100.2" "IPv4 to the wan, masqueraded as the uplink address"
is "$(probe "$A" 2001:db8:100::1 8080)" "peer=2001:db8:100::2" "IPv6 to the wan, masqueraded"
like "$(probe "$A" 203.0.113.1 8080)" "^error" "the deny list blocks 203.0.113.0/24"
like "$(probe "$A" 192.0.2.10 8080)" "^error" "the host's own address is unreachable"
like "$(probe "$A" 198.51.100.2 8081)" "^error" "the host's uplink address is unreachable"
like "$(probe "$A" 169.254.169.254 80)" "^error" "link-local metadata is unreachable"
is "$(ip netns exec "$A" "$B/tests/tools/probe" -u -t 700 192.0.2.10 53)" "peer=10.213.0.1" "but the DNS server it was given answers"
like "$(cat "/etc/netns/$A/resolv.conf")" "nameserver 192.0.2.10" "resolv.conf names that server"

n1=$(rules); e1=$(elements)
b=$(open sshd); Bns=$(kv netns "$b")
peerd "$A" 10.213.0.1 9000
like "$(probe "$Bns" 10.213.0.1 9000)" "^error" "a second session cannot reach the first"
peerd "$Bns" 10.213.0.3 9000
like "$(probe "$A" 10.213.0.3 9000)" "^error" "nor the first the second"
is "$(probe "$Bns" 198.51.100.1 8080)" "peer=198.51.100.2" "the second session reaches the wan"
is "$(rules)" "$n1" "the ruleset does not grow with sessions ($n1 rules)"
is "$(elements)" "$e1" "nor does any set: a session adds no element ($e1)"
is "$(nft list set inet pam_netns ifs | grep -c 'elements = { "pnh\*" }')" 1 "session links are known by name: ifs holds \"pnh*\""
is "$(nft -j list map inet pam_netns nets4 | jq -r '.nftables[1].map.elem[0][0].prefix | "\(.addr)/\(.len)"')" 10.213.0.0/16 "the network's pool names its filter"
like "$(nft list chain inet pam_netns net_lab)" 'comment "pam_netns digest [0-9a-f]{16} v4 10.213.0.0/16 v6 fd6e:7300::/48 masq 1 bridge -"' "the network's chain records its part"

o=$(open login)
peerd open 0.0.0.0 8080
is "$(probe wan 198.51.100.2 10105)" "peer=198.51.100.1" "a forward lets the wan reach a server inside"
helper session-close --session "$(kv session "$o")"
helper down open

helper session-close --session "$(kv session "$a")"
helper session-close --session "$(kv session "$b")"
is "$(nft list tables)" "" "the nftables table goes with the last nat namespace"
is "$(sysctl -n net.ipv4.ip_forward)" "$fwd0" "forwarding is restored"
is "$(sysctl -n net.ipv6.conf.all.forwarding)" 0 "IPv6 forwarding too"

# pool exhaustion: a /29 holds four sessions
toks=()
for i in 1 2 3 4; do toks+=("$(kv session "$(open tiny)")"); done
is "$(ls /run/netns | grep -c '^tiny\.')" 4 "four sessions fill a /29"
tiny_if=$(ip -j link show | jq -r '[.[] | select(.ifname | startswith("pnh"))][-1].ifname')
is "$(ip -6 -j addr show dev "$tiny_if" | jq '[.[].addr_info[] | select(.local)] | length')" 0 "without pool6 the host end has no IPv6 address, not even link-local"
is "$(ip -6 route show table all dev "$tiny_if" | grep -vc '^multicast ff00::/8')" 0 "and no IPv6 route but ff00::/8"
out=$(open tiny 2>&1); rc=$?
is "$rc" 1 "a fifth session fails"
like "$out" "address pool 10.215.0.0/29 exhausted \(4 sessions\)" "with a clear error"
is "$(kv action "$out")" "" "and no join answer"
is "$(ls /run/netns | grep -c '^tiny\.')" 4 "the four running sessions are untouched"
for t in "${toks[@]}"; do helper session-close --session "$t"; done

# uplink: traffic leaves by that device only
u=$(open viaup); v=$(open viaother)
is "$(probe "$(kv netns "$u")" 198.51.100.1 8080)" "peer=198.51.100.2" "uplink = the route's device: the wan answers"
like "$(probe "$(kv netns "$v")" 198.51.100.1 8080)" "^error" "uplink = another device: nothing leaves"
for t in "$u" "$v"; do helper session-close --session "$(kv session "$t")"; done
sandbox_clean
done_testing
