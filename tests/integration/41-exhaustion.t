#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Exhaustion: a helper with too few fds, a full state filesystem, a full
# address pool. Each ends in a clear error and a refused login, changes
# nothing, and leaves the sessions already running untouched.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; };
  tiny = { type = "nat"; pool = "10.215.0.0/30"; };
};
rules = (
  { user = "root"; service = "sshd"; network = "lab"; scope = "session"; },
  { user = "root"; service = "tiny"; network = "tiny"; scope = "session"; },
);'
open() { helper session-open --user root --service "${1:-sshd}" --pid $$; }
peerd wan 198.51.100.1 8080

a=$(open); A=$(kv netns "$a")
is "$(probe "$A" 198.51.100.1 8080)" "peer=198.51.100.2" "a running session"
snapshot() { ls /run/netns; ip -o link show | cut -d: -f2; nft list ruleset | grep -c elements; ls -R /run/pam_netns /etc/netns; }
before=$(snapshot)

# --- too few file descriptors
out=$(ulimit -Sn 5; open 2>&1); rc=$?
is "$rc" 0 "a soft fd limit of 5: the helper raises it and the login opens"
helper session-close --session "$(kv session "$out")"
out=$(ulimit -n 5; open 2>&1); rc=$?
is "$rc" 1 "a hard fd limit of 5: session-open exits 1"
is "$out" "netns-helper: error: too few file descriptors: the limit is 5, netns-helper needs 64" "and says why, up front"
is "$(snapshot)" "$before" "nothing changed"

# --- a full state filesystem (the sandbox's private /run)
mount -o remount,size=256k /run
dd if=/dev/zero of=/run/pam_netns/fill bs=4k count=1000 2>/dev/null
out=$(open 2>&1); rc=$?
is "$rc" 1 "session-open on a full /run/pam_netns exits 1"
like "$out" "No space left on device" "and says why"
is "$(kv action "$out")" "" "with no join answer"
rm -f /run/pam_netns/fill
mount -o remount,size=64m /run
is "$(snapshot)" "$before" "nothing changed"
is "$(probe "$A" 198.51.100.1 8080)" "peer=198.51.100.2" "the running session still works"
b=$(open); ok "with space again, a login opens" test -n "$(kv netns "$b")"
helper session-close --session "$(kv session "$b")"

# --- a full address pool (/30: two /31 slots)
t1=$(open tiny); t2=$(open tiny)
out=$(open tiny 2>&1); rc=$?
is "$rc" 1 "a third session in a /30 pool exits 1"
like "$out" "address pool 10\.215\.0\.0/30 exhausted \(2 sessions\)" "and names the pool"
for t in "$t1" "$t2"; do helper session-close --session "$(kv session "$t")"; done

helper session-close --session "$(kv session "$a")"
sandbox_clean
done_testing
