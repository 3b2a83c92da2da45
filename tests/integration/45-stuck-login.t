#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No login waits on another login's network: a vpn login whose interface
# never appears waits (its lock held) while another user's isolated login
# completes, as do list and a login of a third namespace; a second login
# of the same namespace waits for the first and joins what it built; gc
# waits too and leaves it alone; a helper killed in the wait is rolled
# back by the next open of that namespace; the module's deadline ends
# both the device wait and a lock wait; check refuses a timeout that is
# not below the module's default limit. Everything waits on events (a
# record, a lock in /proc/locks, a process ending), nothing on times.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

d=$PN_SANDBOX_DIR
# test users in this sandbox only
cp /etc/passwd /etc/group "$d/"
for u in pnvpn:5101 pniso:5102 pnnat:5103; do
	echo "${u%:*}:x:${u#*:}:${u#*:}::/nonexistent:/usr/sbin/nologin" >> "$d/passwd"
	echo "${u%:*}:x:${u#*:}:" >> "$d/group"
done
mount --bind "$d/passwd" /etc/passwd
mount --bind "$d/group" /etc/group

policy 'networks = {
  stuck = { type = "vpn"; interface = "tun-never"; address = [ "10.77.0.2/24" ];
            dns = "10.77.0.53"; timeout = 20; };
  iso = { type = "isolated"; };
  lab = { type = "nat"; pool = "10.213.0.0/16"; };
};
rules = (
  { user = "pnvpn"; network = "stuck"; scope = "user"; },
  { user = "pniso"; network = "iso"; scope = "user"; },
  { user = "pnnat"; network = "lab"; scope = "session"; },
);'
H=("$HELPER" --config "$POLICY")
NS=stuck.pnvpn

# until CMD...: run CMD until it succeeds (at most 30 s: a bound against a
# hang, not a timing the test depends on)
until_ok() {
	local i
	for i in $(seq 600); do
		"$@" && return 0
		sleep 0.05
	done
	echo "# gave up waiting for: $*"
	return 1
}
# waiting_for_lock PID: PID is blocked in flock (a "->" line of /proc/locks)
waiting_for_lock() {
	grep -Eq -- "-> FLOCK +ADVISORY +WRITE +$1 " /proc/locks
}
# holds_lock PID NAME: PID holds the lock of namespace NAME
holds_lock() {
	local ino
	ino=$(stat -c %i "/run/pam_netns/locks/$2" 2>/dev/null) || return 1
	grep -Eq "^[0-9]+: FLOCK +ADVISORY +WRITE +$1 [0-9a-f:]+:$ino " /proc/locks
}
alive() { kill -0 "$1" 2>/dev/null; }
# stuck_open OUT [ARGS...]: a login of pnvpn in the background; STUCK=pid
stuck_open() {
	local out=$1
	shift
	"${H[@]}" session-open --user pnvpn --service sshd --pid $$ "$@" > "$out" 2>&1 &
	STUCK=$!
}

ok "check passes with a timeout below the module's limit" helper check

# ---- another user's login does not wait -----------------------------------
stuck_open "$d/a.out"
a=$STUCK
ok "the vpn login holds the lock of its namespace while it waits" until_ok holds_lock $a $NS
is "$(sed -n 's/^state=//p' /run/pam_netns/ns/$NS)" creating "its record says it is being built"
out=$(helper session-open --user pniso --service sshd --pid $$ 2>&1)
is "$(kv action "$out")" join "an isolated login of another user joins meanwhile"
ok "while the vpn login still waits" alive $a
iso_tok=$(kv session "$out")
out=$(helper session-open --user pnnat --service sshd --pid $$ 2>&1)
is "$(kv action "$out")" join "so does a nat login (leases, nftables, forwarding)"
ok "and the vpn login still waits" alive $a
nat_tok=$(kv session "$out")
like "$(helper list 2>&1)" "$NS +stuck +vpn" "list answers meanwhile, showing the namespace being built"
ok "the other logins close meanwhile" helper session-close --session "$nat_tok"
ok "the vpn login still waits after them" alive $a

# ---- a second login of the same namespace waits, then joins ---------------
stuck_open "$d/b.out"
b=$STUCK
ok "a second login of that namespace waits for its lock" until_ok waiting_for_lock $b
ok "both still wait" alive $a
"${H[@]}" gc > "$d/gc.out" 2>&1 &
gc=$!
ok "gc waits for the logins running" until_ok waiting_for_lock $gc
ip tuntap add dev tun-never mode tun
wait $a; rc_a=$?
wait $b; rc_b=$?
wait $gc
is "$rc_a/$(kv action "$(cat "$d/a.out")")" 0/join "the interface appears: the first login joins"
is "$rc_b/$(kv action "$(cat "$d/b.out")")" 0/join "the second joins too"
is "$(kv netns "$(cat "$d/b.out")")" $NS "into the namespace the first built"
is "$(ls /run/pam_netns/members/$NS | wc -l)" 2 "which holds both sessions"
is "$(ip -n $NS -o link show tun-never | wc -l)" 1 "with the interface inside"
like "$(cat "$d/gc.out")" "0 namespaces removed" "gc, run meanwhile, left the namespace alone"
for f in a b; do helper session-close --session "$(kv session "$(cat "$d/$f.out")")"; done
helper session-close --session "$iso_tok"
ok "the last logout gives the interface back" ip link show tun-never
ip link del tun-never
sandbox_clean "nothing left after the logins"

# ---- killed in the wait: the next open of the namespace rolls it back -----
stuck_open "$d/c.out"
ok "a vpn login waits again" until_ok holds_lock $STUCK $NS
kill -KILL $STUCK; wait $STUCK 2>/dev/null
is "$(sed -n 's/^state=//p' /run/pam_netns/ns/$NS)" creating "killed in the wait, it leaves a namespace half made"
ok "and its lock free" sh -c "! grep -q ' $STUCK ' /proc/locks"
ip tuntap add dev tun-never mode tun
out=$(helper session-open --user pnvpn --service sshd --pid $$ 2>&1)
is "$(kv action "$out")" join "the next open of that namespace joins"
is "$(sed -n 's/^state=//p' /run/pam_netns/ns/$NS)" ready "a namespace built again"
is "$(ip -n $NS -o link show tun-never | wc -l)" 1 "with the interface"
is "$(ls /run/pam_netns/members/$NS)" "$(kv session "$out")" "and this session alone"
helper session-close --session "$(kv session "$out")"
ip link del tun-never
sandbox_clean "nothing left of the killed login"

# ---- the module's deadline ends every wait ---------------------------------
out=$(helper session-open --user pnvpn --service sshd --pid $$ --deadline-ms 5000 2>&1); rc=$?
is "$rc" 1 "a login whose limit comes before the network's timeout fails"
like "$out" "vpn 'stuck': interface 'tun-never' did not appear within [0-9.]+ s, the rest of the login's time limit \(the network's timeout is 20 s\)" \
	"at its deadline, saying so"
sandbox_clean "and rolls back"
stuck_open "$d/e.out"
e=$STUCK
ok "a vpn login waits" until_ok holds_lock $e $NS
out=$(helper session-open --user pnvpn --service sshd --pid $$ --deadline-ms 5000 2>&1); rc=$?
is "$rc" 1 "a second login of it gives up the lock wait at its deadline"
like "$out" "namespace '$NS' is still being set up by another login at this login's time limit" \
	"saying why"
ok "the first still waits" alive $e
ip tuntap add dev tun-never mode tun
wait $e
is "$(kv action "$(cat "$d/e.out")")" join "and joins once the interface is there"
helper session-close --session "$(kv session "$(cat "$d/e.out")")"
ip link del tun-never
fails "a bad --deadline-ms is refused" helper session-open --user pnvpn --service sshd --pid $$ --deadline-ms 0
sandbox_clean "nothing left after the deadlines"

# ---- check: a timeout the module would cut short ---------------------------
good=$POLICY
policy 'networks = { stuck = { type = "vpn"; interface = "tun-never";
  timeout = 30; }; };'
out=$(helper check 2>&1); rc=$?
is "$rc" 4 "check rejects a vpn timeout of 30 s"
like "$out" "$POLICY:2: network 'stuck': timeout 30 out of range 1-29: it must be below the 30 s a login may take \(pam_netns\(8\), timeout=\)" \
	"with the file, the line and why"
POLICY=$good
sandbox_clean
done_testing
