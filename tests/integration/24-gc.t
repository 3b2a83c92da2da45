#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gc: sessions whose owner died are reclaimed, and a helper SIGKILLed at
# random points leaves nothing that gc cannot bring back to the baseline.
# What gc reports is exactly what it removed.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48"; };
  iso = { type = "isolated"; };
};
rules = (
  { user = "root"; service = "sshd"; network = "lab"; scope = "session"; },
  { user = "root"; service = "login"; network = "iso"; scope = "user"; },
);'

# owner death: the process that opened the session is gone
sleep 600 & owner=$!
track $owner
a=$(helper session-open --user root --service sshd --pid $owner)
b=$(helper session-open --user root --service login --pid $owner)
ok "two sessions of a live owner" test -n "$(kv netns "$a")" -a -n "$(kv netns "$b")"
ino=$(stat -L -c %i "/run/netns/$(kv netns "$a")")
is "$(cat "/run/pam_netns/ino/$ino")" "name=$(kv netns "$a")" "the inode index names the namespace"
rm /run/pam_netns/ino/*
printf 'name=%s\n' nosuch > /run/pam_netns/ino/12345
helper gc >/dev/null
is "$(cat "/run/pam_netns/ino/$ino" 2>&1)" "name=$(kv netns "$a")" "gc rebuilds a lost index entry"
fails "and drops one that names no namespace" test -e /run/pam_netns/ino/12345
out=$(helper gc)
is "$out" "gc: 0 sessions closed, 0 namespaces removed, 0 links deleted, 0 network nftables parts removed" \
	"gc leaves live sessions alone, and says it removed nothing"
kill $owner; wait $owner 2>/dev/null
out=$(helper gc)
is "$(tail -n1 <<< "$out")" "gc: 2 sessions closed, 2 namespaces removed, 1 links deleted, 1 network nftables parts removed" \
	"gc closes the sessions of a dead owner; their namespaces, the nat one's host link and its network's nftables part go with them"
is "$(grep -c -e "^gc: closed session $(kv session "$a")\$" -e "^gc: closed session $(kv session "$b")\$" \
	-e "^gc: removed namespace $(kv netns "$a")\$" -e "^gc: removed namespace $(kv netns "$b")\$" \
	-e "^gc: deleted link pnh[0-9a-f]*\$" -e "^gc: removed the nftables part of network lab\$" <<< "$out")" 6 \
	"and names each"
ok "their namespaces are gone" test ! -e "/run/netns/$(kv netns "$a")" -a ! -e "/run/netns/$(kv netns "$b")"
helper session-close --session "$(kv session "$a")" >/dev/null 2>&1
is "$?" 0 "a late session-close of a reclaimed session is harmless"
sandbox_clean "gc after owner death leaves the baseline"

# a namespace whose file vanished, with a live owner; a link named like
# ours that no record claims
sleep 600 & owner=$!
track $owner
a=$(helper session-open --user root --service login --pid $owner)
umount "/run/netns/$(kv netns "$a")" && rm "/run/netns/$(kv netns "$a")"
ip link add pnh7fff0 type veth peer name leak7fff
out=$(helper gc)
is "$out" "gc: closed session $(kv session "$a")
gc: removed namespace $(kv netns "$a")
gc: deleted link pnh7fff0
gc: 1 sessions closed, 1 namespaces removed, 1 links deleted, 0 network nftables parts removed" \
	"a vanished namespace and a leaked link: each counted once"
out=$(helper gc)
is "$(tail -n1 <<< "$out")" "gc: 0 sessions closed, 0 namespaces removed, 0 links deleted, 0 network nftables parts removed" \
	"a second gc finds nothing"
kill $owner; wait $owner 2>/dev/null
sandbox_clean "and the baseline"

# SIGKILL at random points of session-open and session-close
runs=${PN_KILL_RUNS:-100}
killed=0
# "$HELPER" itself, not the helper() function: a function run with & is a
# subshell, and SIGKILL to it would leave the real helper running on.
for i in $(seq "$runs"); do
	svc=sshd; [ $((i % 3)) = 0 ] && svc=login
	"$HELPER" --config "$POLICY" session-open --user root --service $svc --pid $$ > "$PN_SANDBOX_DIR/o" 2>/dev/null &
	pid=$!
	# 0..4 ms: a nat session open takes a few ms, so this lands anywhere
	sleep "0.00$((RANDOM % 5))"
	kill -9 $pid 2>/dev/null && killed=$((killed + 1))
	wait $pid 2>/dev/null
	t=$(kv session "$(cat "$PN_SANDBOX_DIR/o")")
	if [ -n "$t" ] && [ $((i % 2)) = 0 ]; then
		"$HELPER" --config "$POLICY" session-close --session "$t" >/dev/null 2>&1 &
		pid=$!
		sleep "0.00$((RANDOM % 3))"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
	fi
done
echo "# $killed of $runs session-opens killed mid-way"
# the remaining sessions belong to this shell: close them via their records
for t in $(ls /run/pam_netns/sessions 2>/dev/null | grep -v '\.tmp$'); do
	helper session-close --session "$t" >/dev/null 2>&1
done
out=$(helper gc); rc=$?
is "$rc" 0 "gc after $runs runs with random SIGKILLs"
sandbox_clean "the sandbox is back to its baseline"
is "$(ls /run/pam_netns/leases | wc -l)" 0 "no stale leases"
done_testing
