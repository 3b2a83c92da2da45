#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Cloud metadata endpoints, IPv4 and IPv6, are out of reach of the sessions
# of every network that routes through the host (nat, bridge): the
# link-local range with 169.254.169.254 and 169.254.170.2, 168.63.129.16,
# 100.100.100.200, fd00:ec2::254, fd00:ec2::23, fd20:ce::254. An allow list
# that only covers them (0.0.0.0/0) opens nothing; an allow entry that names
# one opens it for its own network only, and check says so with the file
# and the line. The endpoints are played by the sandbox's wan namespace.
# In the production layout (a private /run, /run/netns a plain directory).
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48"; };
  l2 = { type = "bridge"; bridge = "pnbr0"; subnet = "10.214.0.0/24"; nat = true; };
  wide = { type = "nat"; pool = "10.216.0.0/24"; pool6 = "fd6e:7301::/48";
           allow = [ "0.0.0.0/0", "::/0" ]; };
  imds = { type = "nat"; pool = "10.217.0.0/24"; pool6 = "fd6e:7302::/48";
           allow = [ "0.0.0.0/0", "::/0",
                     "169.254.169.254/32",
                     "fd00:ec2::254" ]; };
};
rules = (
  { user = "root"; service = "lab"; network = "lab"; scope = "session"; },
  { user = "root"; service = "l2"; network = "l2"; scope = "session"; },
  { user = "root"; service = "wide"; network = "wide"; scope = "session"; },
  { user = "root"; service = "imds"; network = "imds"; scope = "session"; },
);'

open() { helper session-open --user root --service "$1" --pid $$; }
close() { helper session-close --session "$(kv session "$1")" >/dev/null; }

is "$(findmnt -n -o SOURCE /run/netns | sed 's/\[.*//')" "$(findmnt -n -o SOURCE /run)" \
   "the production layout: /run/netns is a plain directory of the private /run"

meta4="169.254.169.254 169.254.170.2 168.63.129.16 100.100.100.200"
meta6="fd00:ec2::254 fd00:ec2::23 fd20:ce::254"
for m in $meta4; do ip -n wan addr add "$m/32" dev lo; peerd wan "$m" 80; done
for m in $meta6; do ip -n wan addr add "$m/128" dev lo nodad; peerd wan "$m" 80; done
peerd wan 198.51.100.1 8080
peerd wan 2001:db8:100::1 8080
is "$("$B/tests/tools/probe" -t 700 169.254.169.254 80)" "peer=198.51.100.2" "the host itself reaches the wan's metadata service"
is "$("$B/tests/tools/probe" -t 700 fd00:ec2::254 80)" "peer=2001:db8:100::2" "over IPv6 too"

# blocked NS ADDR...: one result per address, "blocked" or what answered
blocked() {
	local ns=$1 m out
	shift
	for m in "$@"; do
		out=$(probe "$ns" "$m" 80)
		case $out in error*) echo "$m blocked" ;; *) echo "$m $out" ;; esac
	done
}
all_blocked() { for m in "$@"; do echo "$m blocked"; done; }

l=$(open lab); L=$(kv netns "$l")
is "$(probe "$L" 198.51.100.1 8080)" "peer=198.51.100.2" "a nat session reaches the wan"
is "$(blocked "$L" $meta4)" "$(all_blocked $meta4)" "but no IPv4 metadata endpoint"
is "$(probe "$L" 2001:db8:100::1 8080)" "peer=2001:db8:100::2" "it reaches the wan over IPv6"
is "$(blocked "$L" $meta6)" "$(all_blocked $meta6)" "but no IPv6 metadata endpoint (pool6)"

b=$(open l2); Bn=$(kv netns "$b")
is "$(probe "$Bn" 198.51.100.1 8080)" "peer=198.51.100.2" "a bridge network's member reaches the wan"
is "$(blocked "$Bn" $meta4)" "$(all_blocked $meta4)" "but no metadata endpoint"

w=$(open wide); W=$(kv netns "$w")
is "$(blocked "$W" 169.254.169.254 168.63.129.16 fd00:ec2::254)" \
   "$(all_blocked 169.254.169.254 168.63.129.16 fd00:ec2::254)" \
   "allow = [ \"0.0.0.0/0\", \"::/0\" ] covers the endpoints but opens none"

i=$(open imds); I=$(kv netns "$i")
is "$(probe "$I" 169.254.169.254 80)" "peer=198.51.100.2" "an allow entry naming 169.254.169.254 opens it for its network"
is "$(probe "$I" fd00:ec2::254 80)" "peer=2001:db8:100::2" "and one naming fd00:ec2::254 that"
is "$(blocked "$I" 169.254.170.2 168.63.129.16 100.100.100.200 fd00:ec2::23 fd20:ce::254)" \
   "$(all_blocked 169.254.170.2 168.63.129.16 100.100.100.200 fd00:ec2::23 fd20:ce::254)" \
   "the endpoints it does not name stay blocked, the rest of 169.254.0.0/16 too"
is "$(blocked "$L" 169.254.169.254 fd00:ec2::254)" "$(all_blocked 169.254.169.254 fd00:ec2::254)" \
   "and the other networks keep them all blocked"
like "$(nft list set inet pam_netns imds_meta4)" "169\.254\.0\.0-169\.254\.169\.253, 169\.254\.169\.255-169\.254\.255\.255" \
   "the network's own metadata set has the hole"

out=$(helper check 2>&1); rc=$?
is "$rc" 0 "check accepts the policy"
like "$out" "warning: $POLICY:8: network 'imds': allow '169\.254\.169\.254/32' opens the metadata endpoint 169\.254\.0\.0/16 \(link-local: " \
   "and warns about the IPv4 override, naming the file and its line"
like "$out" "warning: $POLICY:9: network 'imds': allow 'fd00:ec2::254/128' opens the metadata endpoint fd00:ec2::254/128 \(the AWS instance metadata service over IPv6\)" \
   "and the IPv6 one"
is "$(printf '%s\n' "$out" | grep -c 'opens the metadata endpoint')" 2 "and about nothing else (0.0.0.0/0 opens none)"

for s in "$l" "$b" "$w" "$i"; do close "$s"; done
for m in $meta4; do ip -n wan addr del "$m/32" dev lo; done
for m in $meta6; do ip -n wan addr del "$m/128" dev lo; done
sandbox_clean
done_testing
