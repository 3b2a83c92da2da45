#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo` (etc/demo.sh): real PAM sessions under the shipped example
# policy, each seeing what the policy says, listed from the host side, and
# all gone at the end; the sandbox it runs in is left clean.
. "$(dirname "$0")/../lib.sh"
needs_root

out=$(B="$B" timeout -s KILL 120 sh "$ROOT/etc/demo.sh" 2>&1)
rc=$?
is "$rc" 0 "the demo exits 0 (and its sandbox is clean)"
[ $rc = 0 ] || printf '%s\n' "$out" | tail -n 30 | sed 's/^/#   /'
like "$out" 'uplink "eth0" changed to' "it says how the example policy was adapted"
section() { printf '%s\n' "$out" | sed -n "/^== $1/,/^== /p"; }
sam=$(section sam)
like "$sam" 'pam_open_session: Success \(NETNS=lab\.sam\.[0-9]+\)' "sam (students, sshd) gets a nat session namespace"
like "$sam" 'interfaces: +lo eth0 $' "inside: lo and eth0"
like "$sam" 'resolv.conf: +nameserver 192.0.2.53' "the policy's DNS server"
like "$sam" 'wan server 203.0.113.1: +answered; the server saw 198.51.100.2' "the wan answers, masqueraded"
like "$sam" "host's own 192.0.2.10: +blocked" "the host's own address does not"
carol=$(section carol)
like "$carol" 'pam_open_session: Success \(NETNS=offline\.carol\)' "carol (contractors) gets the isolated network"
like "$carol" 'interfaces: +lo $' "inside: loopback only"
like "$carol" 'wan server 203.0.113.1: +blocked' "nothing is reachable"
like "$out" '== alice.*
   (skipped: .+|pam_open_session: Success \(NETNS=corp\.alice\))' "alice: a vpn session, or a clear line why not"
alice=$(section alice)
if printf '%s' "$alice" | grep -q 'skipped:'; then
	echo "ok $((_tap_n += 1)) # SKIP the vpn part: $(printf '%s' "$alice" | sed -n 's/.*skipped: //p')"
else
	like "$alice" 'interfaces: +lo wg0 $' "alice (vpn): lo and the tunnel only"
	like "$alice" 'wan server 203.0.113.1: +answered; the server saw 10.77.0.2' "out through the tunnel"
	like "$(section 'The tunnel goes down')" 'wan server 203.0.113.1: +blocked' "and nothing once the tunnel is down"
fi
like "$(section 'The host side')" 'lab\.sam\.[0-9]+ +lab +nat +session +1' "netns-helper list shows the open sessions"
like "$out" 'netns-helper list: no namespaces' "all closed at the end"
like "$out" 'nftables tables: none' "and the firewall table is gone"
done_testing
