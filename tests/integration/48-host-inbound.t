#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host protection, inwards: no process of the host - an ordinary user, the
# session's own owner, root - opens a connection to a service in a nat
# session or on a bridge network, over IPv4, IPv6, TCP or UDP (chain
# output: oifname @ifs jump to_sess_out). What the sessions start still
# gets its replies (the host's DNS among them), and a network's declared
# forward still reaches its server. In the production layout (a private
# /run, /run/netns a plain directory).
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48";
          dns = [ "192.0.2.10" ]; };
  open = { type = "nat"; pool = "10.215.0.0/24";
           forward = ( { proto = "tcp"; port = 10105; to = 8080; } ); };
  l2 = { type = "bridge"; bridge = "pnbr0"; subnet = "10.214.0.0/24"; nat = true; };
};
rules = (
  { user = "nobody"; service = "sshd"; network = "lab"; scope = "session"; },
  { user = "root"; service = "sshd"; network = "lab"; scope = "session"; },
  { user = "root"; service = "login"; network = "open"; scope = "shared"; },
  { user = "root"; service = "l2"; network = "l2"; scope = "session"; },
);'

open() { helper session-open --user "$1" --service "$2" --pid $$; }
close() { helper session-close --session "$(kv session "$1")" >/dev/null; }
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
# from the host: as nobody (an ordinary user, here the session's owner) or root
as_nobody() { $nobody "$B/tests/tools/probe" -t 700 "$@" 2>&1; }
as_root() { "$B/tests/tools/probe" -t 700 "$@" 2>&1; }

is "$(findmnt -n -o SOURCE /run/netns | sed 's/\[.*//')" "$(findmnt -n -o SOURCE /run)" \
   "the production layout: /run/netns is a plain directory of the private /run"

peerd wan 198.51.100.1 8080
peerd wan 2001:db8:100::1 8080
peerd - 192.0.2.10 53 -u

a=$(open nobody sshd); A=$(kv netns "$a")
is "$(kv action "$a")" join "a nat session of nobody opens"
peerd "$A" 10.213.0.1 8080
peerd "$A" fd6e:7300::2 8080
peerd "$A" 10.213.0.1 8081 -u
is "$(ip netns exec "$A" "$B/tests/tools/probe" -t 700 10.213.0.1 8080)" "peer=10.213.0.1" \
   "the service inside answers inside"

like "$(as_nobody 10.213.0.1 8080)" "^error" "an ordinary host user (nobody, the session's owner) cannot connect to it over IPv4"
like "$(as_root 10.213.0.1 8080)" "^error" "nor can root"
like "$(as_nobody fd6e:7300::2 8080)" "^error" "nor over IPv6, as nobody"
like "$(as_root fd6e:7300::2 8080)" "^error" "or as root"
like "$(as_nobody -u 10.213.0.1 8081)" "^error" "nor over UDP"
like "$(as_root -u 10.213.0.1 8081)" "^error" "even as root"

b=$(open root sshd); Bn=$(kv netns "$b")
peerd "$Bn" 10.213.0.3 8080
like "$(as_nobody 10.213.0.3 8080)" "^error" "nobody cannot reach another user's session either"
like "$(as_root 10.213.0.3 8080)" "^error" "nor root its own"

is "$(probe "$A" 198.51.100.1 8080)" "peer=198.51.100.2" "the session's own connections get their replies (IPv4)"
is "$(probe "$A" 2001:db8:100::1 8080)" "peer=2001:db8:100::2" "and IPv6"
is "$(ip netns exec "$A" "$B/tests/tools/probe" -u -t 700 192.0.2.10 53)" "peer=10.213.0.1" \
   "the host's DNS server answers the session (a reply of the host's own)"

c=$(open root l2); C=$(kv netns "$c")
d=$(open root l2); D=$(kv netns "$d")
peerd "$C" 10.214.0.2 8080
like "$(as_nobody 10.214.0.2 8080)" "^error" "a bridge network's member is out of reach of a host user"
like "$(as_root 10.214.0.2 8080)" "^error" "and of root"
is "$(probe "$D" 10.214.0.2 8080)" "peer=10.214.0.3" "while the other member reaches it"
is "$(probe "$C" 198.51.100.1 8080)" "peer=198.51.100.2" "and the member reaches the wan"

o=$(open root login)
peerd open 0.0.0.0 8080
is "$(probe wan 198.51.100.2 10105)" "peer=198.51.100.1" "a declared forward still lets the wan reach the server inside"
like "$(as_root 10.215.0.1 8080)" "^error" "which the host itself cannot open"

like "$(nft list chain inet pam_netns output)" "oifname @ifs jump to_sess_out" "the table has an output chain"

for s in "$a" "$b" "$c" "$d" "$o"; do close "$s"; done
helper down open >/dev/null
sandbox_clean
done_testing
