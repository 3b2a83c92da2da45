#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kill at every step: the helper is SIGKILLed at each system call that
# changes something (strace fault injection, so nothing of it is in the
# release build) during session-open, session-close, up and down, for the
# isolated and nat kinds; after each kill `gc` (and, for a shared
# namespace, `down`) must bring the sandbox back to its baseline: no
# namespace, link, mount, nft table, record, lease or /etc/netns entry,
# and forwarding off again. Prints "N kill points, N recovered".
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
command -v strace >/dev/null || { echo "not ok 1 - strace is missing"; echo 1..1; exit 1; }

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48"; dns = [ "192.0.2.53" ]; };
  iso = { type = "isolated"; };
};
rules = (
  { user = "root"; service = "nat"; network = "lab"; scope = "session"; },
  { user = "root"; service = "iso"; network = "iso"; scope = "user"; },
);'

# The calls by which the helper changes the system.
CALLS=${PN_KILL_CALLS:-"sendto mount umount2 unshare mkdirat renameat unlinkat write"}
points=0 recovered=0 failed=""

# killed_at CALL N CMD...: run CMD, SIGKILLed at its Nth CALL.
# Returns 0 when it was killed, 1 when it finished first.
killed_at() {
	local call=$1 n=$2
	shift 2
	# in a subshell that is not strace itself (hence the exit): bash's
	# "Killed" notice then goes to /dev/null with the rest
	(strace -f -qq -o /dev/null -e trace="$call" \
		-e inject="$call":signal=KILL:when="$n" "$@"; exit $?) >/dev/null 2>&1
	[ $? = 137 ]
}

owner() { sleep 600 & owner=$!; }

# after_kill WHAT: reclaim, then compare with the baseline
after_kill() {
	local l
	kill "$owner" 2>/dev/null; wait "$owner" 2>/dev/null
	helper gc >/dev/null 2>&1
	helper down --force shared1 >/dev/null 2>&1
	l=$(leftovers)
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
				# ran to the end: clean up as a logout would
				[ -z "${close_tok:-}" ] || helper session-close --session "$close_tok" >/dev/null 2>&1
				kill "$owner" 2>/dev/null; wait "$owner" 2>/dev/null
				helper gc >/dev/null 2>&1; helper down --force shared1 >/dev/null 2>&1
				break
			fi
			after_kill "$name/$call#$n"
		done
	done
}

H=("$HELPER" --config "$POLICY")
open_nat() {
	close_tok=""
	cmd=("${H[@]}" session-open --user root --service nat --pid "$owner")
}
open_iso() {
	close_tok=""
	cmd=("${H[@]}" session-open --user root --service iso --pid "$owner")
}
close_nat() {	# a session to close, owned by $owner
	close_tok=$(kv session "$(helper session-open --user root --service nat --pid "$owner")")
	cmd=("${H[@]}" session-close --session "$close_tok")
	close_tok=""
}
up_shared() {
	close_tok=""
	cmd=("${H[@]}" up lab --name shared1)
}
down_shared() {
	close_tok=""
	helper up lab --name shared1 >/dev/null 2>&1
	cmd=("${H[@]}" down shared1)
}

for s in open_nat open_iso close_nat up_shared down_shared; do
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
