#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# isolated networks and the three scopes: session (fresh per login), user
# (one per user, refcounted), shared (stays until down); up/down.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  offline = { type = "isolated"; };
  solo = { type = "isolated"; };
  common = { type = "isolated"; };
};
rules = (
  { user = "root"; service = "sshd"; network = "offline"; scope = "session"; },
  { user = "root"; service = "login"; network = "solo"; scope = "user"; },
  { user = "root"; service = "su"; network = "common"; scope = "shared"; },
  { user = "root"; service = "systemd-user"; network = "offline"; scope = "session"; },
  { user = "root"; service = "cron"; network = "deny"; },
);'

open() {	# open SERVICE: session-open as root for SERVICE
	helper session-open --user root --service "$1" --pid $$
}

# --- session scope
out=$(open sshd); rc=$?
is "$rc" 0 "session-open exits 0"
is "$(kv action "$out")" join "action=join"
ns=$(kv netns "$out"); tok=$(kv session "$out")
like "$ns" '^offline\.root\.[0-9]+$' "session scope gets NETWORK.USER.N ($ns)"
ok "the namespace file exists" test -e "/run/netns/$ns"
is "$(kv netns_ino "$out")" "$(stat -L -c %i "/run/netns/$ns")" "netns_ino is the namespace's inode"
is "$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " "isolated: only lo inside"
like "$(ip -n "$ns" link show lo)" "UP" "lo is up"
like "$(cat "/etc/netns/$ns/resolv.conf")" "no DNS servers" "resolv.conf says there is no DNS"
is "$(kv resolv "$out")" "/etc/netns/$ns/resolv.conf" "resolv= points at it"
out2=$(open sshd); ns2=$(kv netns "$out2")
ok "a second login gets a fresh namespace ($ns2)" test "$ns" != "$ns2"
like "$(helper list)" "$ns .*offline +isolated +session +1" "list shows the namespace and its session"
like "$(helper list --json | jq -r '.namespaces[].name' | sort | tr '\n' ' ')" "$ns" "list --json"
is "$(helper session-close --session "$tok"; echo $?)" 0 "session-close exits 0"
ok "the session namespace is gone at logout" test ! -e "/run/netns/$ns"
ok "its /etc/netns dir is gone" test ! -e "/etc/netns/$ns"
helper session-close --session "$(kv session "$out2")"
is "$(helper session-close --session "$tok" 2>&1; echo $?)" "$(printf 'netns-helper: session %s: not open (closed already or reclaimed)\n0' "$tok")" "closing twice is harmless"

# --- user scope: refcounted across logins
a=$(open login); b=$(open login)
is "$(kv netns "$a")" "solo.root" "user scope gets NETWORK.USER"
is "$(kv netns "$b")" "solo.root" "a second login joins it"
is "$(kv netns_ino "$a")" "$(kv netns_ino "$b")" "the same namespace (inode)"
helper session-close --session "$(kv session "$a")"
ok "still there while one login remains" test -e /run/netns/solo.root
helper session-close --session "$(kv session "$b")"
ok "gone after the last logout" test ! -e /run/netns/solo.root

# --- shared scope: stays until down
s=$(open su)
is "$(kv netns "$s")" "common" "shared scope gets NETWORK"
helper session-close --session "$(kv session "$s")"
ok "a shared namespace stays after the last logout" test -e /run/netns/common
s=$(open su)
out=$(helper down common 2>&1); rc=$?
is "$rc" 1 "down refuses while sessions are open"
like "$out" "1 open session" "and says how many"
ok "down --force" helper down --force common
ok "it is gone" test ! -e /run/netns/common
out=$(helper down common 2>&1); rc=$?
is "$rc" 0 "down is idempotent"
like "$out" "down already" "and says so"

# --- up pre-builds; a login joins it
ok "up common" helper up common
ino=$(stat -L -c %i /run/netns/common)
ok "up again is a no-op" helper up common
is "$(stat -L -c %i /run/netns/common)" "$ino" "the same namespace after a second up"
s=$(open su)
is "$(kv netns_ino "$s")" "$ino" "a login joins the pre-built namespace"
helper session-close --session "$(kv session "$s")"
ok "up --name" helper up offline --name offline-extra
ok "it exists" test -e /run/netns/offline-extra
helper down offline-extra; helper down common
out=$(helper up nosuch 2>&1); rc=$?
is "$rc" 2 "up of an undefined network exits 2"
like "$out" "network 'nosuch' is not defined" "and says so"

# --- foreign namespaces are left alone
ip netns add common
out=$(open su 2>&1); rc=$?
is "$rc" 1 "a namespace of the same name made by someone else: refused"
like "$out" "not made by pam_netns" "and says so"
out=$(helper down common 2>&1); rc=$?
is "$rc" 1 "down will not delete a foreign namespace"
ok "which is still there" test -e /run/netns/common
ip netns del common

# --- verdicts
out=$(helper session-open --user root --service cron --pid $$); rc=$?
is "$rc" 3 "a deny rule exits 3"
is "$(kv action "$out")" deny "action=deny"
out=$(helper session-open --user root --service other --pid $$); rc=$?
is "$rc" 0 "an uncovered login exits 0"
is "$(kv action "$out")" none "action=none"
out=$(open systemd-user); rc=$?
is "$rc" 3 "session scope in the systemd-user stack is refused"
like "$(kv reason "$out")" "scope user or shared" "with the reason"
sandbox_clean
done_testing
