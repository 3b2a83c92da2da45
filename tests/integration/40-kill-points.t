#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kill at every step: the helper is SIGKILLed at each system call that
# changes something (strace fault injection, so nothing of it is in the
# release build) during session-open, session-close, up and down, for the
# isolated, nat, vpn (wireguard-go), macvlan and bridge kinds (physical:
# 28-physical.t); after each kill `gc` (and, for a shared
# namespace, `down`) must bring the sandbox back to its baseline: no
# namespace, link, mount, nft table, record, lease or /etc/netns entry,
# and forwarding off again. Prints "N kill points, N recovered".
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
command -v strace >/dev/null || { echo "not ok 1 - strace is missing"; echo 1..1; exit 1; }

# a WireGuard config whose peer never answers: the tunnel still comes up
d=$PN_SANDBOX_DIR
(umask 077; wg genkey > "$d/k1"; wg genkey > "$d/k2")
printf '[Interface]\nPrivateKey = %s\nAddress = 10.99.0.2/32\n\n[Peer]\nPublicKey = %s\nEndpoint = 198.51.100.1:51820\nAllowedIPs = 0.0.0.0/0\n' \
	"$(cat "$d/k1")" "$(wg pubkey < "$d/k2")" > "$d/wg.conf"
chmod 0600 "$d/wg.conf"

policy "networks = {
  lab = { type = \"nat\"; pool = \"10.213.0.0/16\"; pool6 = \"fd6e:7300::/48\"; dns = [ \"192.0.2.53\" ]; };
  iso = { type = \"isolated\"; };
  corp = { type = \"vpn\"; wireguard = \"$d/wg.conf\"; };
  lan = { type = \"macvlan\"; parent = \"uplink0\"; address = \"198.51.100.77/24\"; gateway = \"198.51.100.1\"; };
  l2 = { type = \"bridge\"; bridge = \"pnbr0\"; subnet = \"10.214.0.0/24\"; nat = true; };
};
rules = (
  { user = \"root\"; service = \"nat\"; network = \"lab\"; scope = \"session\"; },
  { user = \"root\"; service = \"iso\"; network = \"iso\"; scope = \"user\"; },
  { user = \"root\"; service = \"vpn\"; network = \"corp\"; scope = \"shared\"; },
  { user = \"root\"; service = \"mv\"; network = \"lan\"; scope = \"shared\"; },
  { user = \"root\"; service = \"br\"; network = \"l2\"; scope = \"session\"; },
);"

# The calls by which the helper changes the system.
CALLS=${PN_KILL_CALLS:-"sendto mount umount2 unshare mkdirat renameat unlinkat write"}
points=0 recovered=0 failed=""
# live wireguard-go daemons of this sandbox (the helper starts them in its
# own namespace; zombies do not count: an init that does not reap keeps
# them); those running before the test are not ours
wgs() {
	local p me
	me=$(readlink /proc/self/ns/net)
	for p in $(ps -C wireguard-go -o pid=,stat= | awk '$2 !~ /^Z/ {print $1}'); do
		[ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] && echo "$p"
	done | sort
}
wg0=$(wgs)

# killed_at CALL N CMD...: run CMD, SIGKILLed at its Nth CALL.
# Returns 0 when it was killed, 1 when it finished first.
killed_at() {
	local call=$1 n=$2
	shift 2
	# in a subshell that is not strace itself (hence the exit): bash's
	# "Killed" notice then goes to /dev/null with the rest
	# the helper alone (no -f): strace would wait for the daemons it
	# starts (wireguard-go), and what children do is not the helper's state
	(strace -qq -o /dev/null -e trace="$call" \
		-e inject="$call":signal=KILL:when="$n" "$@"; exit $?) >/dev/null 2>&1
	[ $? = 137 ]
}

owner() { sleep 600 & owner=$!; }
# shared namespaces are not reclaimed by gc (they have no owner): down
downs() {
	local n
	for n in shared1 corp lan; do helper down --force $n >/dev/null 2>&1; done
}

# reclaim: what a logout or a reboot's cleanup does: the owner dies, gc
reclaim() {
	kill "$owner" 2>/dev/null; wait "$owner" 2>/dev/null
	helper gc >/dev/null 2>&1
	downs
}

# after_kill WHAT: reclaim, then compare with the baseline
after_kill() {
	local l
	reclaim
	l=$(leftovers)
	[ "$(wgs)" = "$wg0" ] || l+=" wireguard-go left running"
	[ "$(sysctl -n net.ipv4.ip_forward)" = 0 ] || l+=" ip_forward=1"
	points=$((points + 1))
	if [ -z "$l" ]; then
		recovered=$((recovered + 1))
	else
		failed+="$1: $(echo $l | head -c 200); "
		# start the next point from a clean sandbox
		for t in $(ls /run/pam_netns/sessions 2>/dev/null); do
			helper session-close --session "${t%.tmp}" >/dev/null 2>&1
		done
	fi
}

# sweep NAME SETUP: for every CALL, kill the command that SETUP puts in
# cmd[] at its 1st, 2nd, ... occurrence of CALL until it runs to the end.
sweep() {
	local name=$1 setup=$2 call n
	for call in $CALLS; do
		for n in $(seq 1 400); do
			owner
			$setup
			if ! killed_at "$call" "$n" "${cmd[@]}"; then
				reclaim		# it ran to the end
				break
			fi
			after_kill "$name/$call#$n"
		done
	done
}

H=("$HELPER" --config "$POLICY")
open_as() {	# open_as SERVICE: a session-open owned by $owner
	cmd=("${H[@]}" session-open --user root --service "$1" --pid "$owner")
}
open_nat() { open_as nat; }
open_iso() { open_as iso; }
open_vpn() { open_as vpn; }
open_macvlan() { open_as mv; }
open_bridge() { open_as br; }
close_nat() {	# a session to close, owned by $owner
	local tok
	tok=$(kv session "$(helper session-open --user root --service nat --pid "$owner")")
	cmd=("${H[@]}" session-close --session "$tok")
}
up_shared() {
	cmd=("${H[@]}" up lab --name shared1)
}
down_shared() {
	helper up lab --name shared1 >/dev/null 2>&1
	cmd=("${H[@]}" down shared1)
}

for s in open_nat open_iso close_nat up_shared down_shared open_vpn open_macvlan open_bridge; do
	p0=$points r0=$recovered
	sweep "$s" "$s"
	echo "# $s: $((points - p0)) kill points, $((recovered - r0)) recovered"
done
echo "# total: $points kill points, $recovered recovered"
ok "there were kill points in every phase" test "$points" -gt 50
is "$recovered" "$points" "every kill point recovered to the baseline"
[ -z "$failed" ] || echo "# not recovered: $failed" | head -c 3000
sandbox_clean
done_testing
