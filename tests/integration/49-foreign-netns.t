#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The helper builds only from the host's network namespace, told by the
# reference it keeps (STATE_DIR/hostns), never by its own records: from a
# namespace that is neither the host's nor one of its own (a process left
# in a torn-down namespace, another tool's namespace) a login is denied,
# up and gc refuse, and nothing is made or removed.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = { lab = { type = "nat"; pool = "10.213.0.0/16"; }; };
rules = (
  { user = "root"; service = "host"; network = "host"; },
  { user = "root"; network = "lab"; scope = "session"; },
);'
open() { "$HELPER" --config "$POLICY" session-open --user root --service "$1" --pid $$ 2>&1; }

a=$(open sshd)
is "$(kv action "$a")" join "from the host: a login opens"
ok "the reference to the host's namespace is kept" test -s /run/pam_netns/hostns
helper session-close --session "$(kv session "$a")"
before=$(ls -A /run/netns | tr '\n' ' ')

out=$(unshare --net "$HELPER" --config "$POLICY" session-open --user root --service sshd --pid $$ 2>&1); rc=$?
is "$rc" 3 "from a foreign namespace: the login is denied"
like "$(kv reason "$out")" "does not start in the host's network namespace" "with the reason"
out=$(unshare --net "$HELPER" --config "$POLICY" session-open --user root --service host --pid $$ 2>&1); rc=$?
is "$rc/$(kv action "$out")" "0/none" "a host-policy login stays where it is"
out=$(unshare --net "$HELPER" --config "$POLICY" up lab 2>&1); rc=$?
ok "up is refused there" test "$rc" -ne 0
like "$out" "not in the host's network namespace" "and says why"
out=$(unshare --net "$HELPER" --config "$POLICY" gc 2>&1); rc=$?
ok "so is gc" test "$rc" -ne 0
is "$(ls -A /run/netns | tr '\n' ' ')" "$before" "nothing was made or removed in /run/netns"
is "$(find /run/pam_netns/sessions -mindepth 1 | wc -l)" 0 "no session was recorded"
a=$(open sshd)
is "$(kv action "$a")" join "the host still opens logins"
helper session-close --session "$(kv session "$a")"
sandbox_clean
done_testing
