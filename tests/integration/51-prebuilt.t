#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Pre-built namespaces ("prebuilt = N", prebuilt.h): `prebuild` makes the
# spares, a session-scope login claims one (the same namespace, now its
# user's), the namespace ends with its session, gc keeps the spares a
# network asks for and removes the others; nat spares carry traffic.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

pol() {		# pol N: the policy with N spares of each network
	policy 'networks = {
  iso = { type = "isolated"; prebuilt = '"$1"'; };
  lab = { type = "nat"; pool = "10.213.0.0/16"; prebuilt = '"$(($1 ? 1 : 0))"'; };
};
rules = (
  { user = "root"; service = "sshd"; network = "iso"; scope = "session"; },
  { user = "root"; service = "login"; network = "lab"; scope = "session"; },
);'
}
spares() {	# spares NETWORK: how many spares it has
	helper list --json | jq --arg n "$1" \
		'[.namespaces[] | select(.network == $n and .sessions == 0)] | length'
}

pol 2
is "$(helper prebuild)" "prebuild: 3 namespaces made" "prebuild makes what the policy asks for"
is "$(spares iso) $(spares lab)" "2 1" "two spares of iso, one of lab"
like "$(ls /run/netns | tr '\n' ' ')" 'iso\.-[0-9]+ iso\.-[0-9]+ lab\.-[0-9]+' "named NETWORK.-SERIAL"
is "$(helper prebuild)" "prebuild: 0 namespaces made" "a second prebuild makes nothing"

before=$(ls /run/netns | grep '^iso\.' | tr '\n' ' ')
out=$(helper session-open --user root --service sshd --pid $$)
ns=$(kv netns "$out")
like "$before" "(^| )$ns " "a login claims a spare ($ns)"
is "$(kv netns_ino "$out")" "$(stat -L -c %i "/run/netns/$ns")" "its inode is answered"
like "$(helper list)" "$ns .*iso +isolated +session +1" "list shows it with its session"
is "$(spares iso)" 1 "one spare of iso is left"
is "$(helper prebuild)" "prebuild: 1 namespaces made" "prebuild makes the claimed one again"
helper session-close --session "$(kv session "$out")"
ok "the claimed namespace ends with its session" test ! -e "/run/netns/$ns"
is "$(spares iso)" 2 "the spares stay"

# a nat spare works like a namespace made for the login
peerd wan 198.51.100.1 8080
out=$(helper session-open --user root --service login --pid $$)
n=$(kv netns "$out")
like "$n" '^lab\.-[0-9]+$' "a nat login claims the nat spare"
is "$(probe "$n" 198.51.100.1 8080)" "peer=198.51.100.2" "and reaches the wan through it"
helper session-close --session "$(kv session "$out")"
is "$(spares lab)" 0 "no nat spare until the next prebuild"

# without spares left, a login is served as without a pool
out=$(helper session-open --user root --service login --pid $$)
like "$(kv netns "$out")" '^lab\.root\.[0-9]+$' "no spare: a namespace made for the login"
helper session-close --session "$(kv session "$out")"

like "$(helper gc)" "^gc: 0 sessions closed, 0 namespaces removed" "gc keeps the spares the policy asks for"

# --- the resident service keeps the pool: after a session-scope login
# (of the login's policy) and every minute
serve_start
out=$("$B/tests/tools/svc-client" verb=session-open user=root service=sshd config="$POLICY")
like "$(kv netns "$out")" '^iso\.-[0-9]+$' "by the service: a login claims a spare"
is "$(kv exit "$out")" 0 "and is answered"
ok "the service builds the claimed one again" wait_until '[ "$(spares iso)" = 2 ]'
ok "the login's session ended with its client (the owner)" \
	wait_until '[ ! -e "/run/netns/$(kv netns "$out")" ]'
is "$(spares lab)" 1 "the nat network got its spare back too"
serve_stop
pol 0
like "$(helper gc)" "^gc: 0 sessions closed, 3 namespaces removed" "and removes them once it asks for none"
is "$(ls /run/netns | grep -c -e '^iso' -e '^lab')" 0 "nothing is left"

# the key: where it may stand, its range, check's warning
policy 'networks = { v = { type = "vpn"; interface = "tun0"; prebuilt = 1; }; };
rules = ();'
like "$(helper check 2>&1)" "unknown key 'prebuilt'" "only isolated and nat networks take prebuilt"
policy 'networks = { i = { type = "isolated"; prebuilt = 17; }; };
rules = ();'
like "$(helper check 2>&1)" "network 'i': prebuilt 17 out of range 0-16" "at most 16"
policy 'networks = { i = { type = "isolated"; prebuilt = 2; }; };
rules = ( { user = "root"; network = "i"; scope = "user"; } );'
like "$(helper check 2>&1)" "prebuilt namespaces serve session-scope logins only" "check warns when no rule can use them"
is "$(leftovers)" "" "nothing left"
done_testing
