# SPDX-License-Identifier: GPL-2.0-or-later
#
# lib.sh - TAP helpers for the shell tests, sourced by tests/*/*.t:
#
#   . "$(dirname "$0")/../lib.sh"
#   needs_root            skip (or, under CI=true, fail) when not root
#   in_sandbox "$@"       re-run this script inside tests/sandbox.sh; with
#                         PN_VIA=socket, with `netns-helper serve` running
#                         there (pam_netns.so asks it instead of exec'ing)
#   ok COND-CMD... -- NAME     is GOT WANT NAME     like RE TEXT NAME
#   sandbox_clean         a test that the sandbox holds nothing of ours
#   track PID             kill PID when the sandbox ends
#   done_testing
set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
B=${B:-$ROOT/build}
HELPER=$B/netns-helper
_tap_n=0
_tap_failed=0

needs_root() {
	if [ "$(id -u)" != 0 ]; then
		if [ "${CI:-}" = true ]; then
			echo "not ok 1 - needs root, and CI=true forbids skipping"
			echo "1..1"
			exit 1
		fi
		echo "1..0 # SKIP needs root"
		exit 0
	fi
}

in_sandbox() {
	needs_root
	if [ "${PN_SANDBOX:-}" != 1 ]; then
		exec "$TESTS_DIR/sandbox.sh" "$0" "$@"
	fi
	if [ "${PN_VIA:-exec}" = socket ]; then
		serve_start
	fi
}

# serve_start [OPTION...]: `netns-helper [OPTION...] serve` (e.g.
# --config FILE, the policy of its own verbs) in the foreground mode, in the
# background (its messages in $PN_SANDBOX_DIR/serve.log, its pid in
# $PN_SANDBOX_DIR/serve.pid: sandbox.sh stops it, as serve_stop does),
# once it listens.
serve_start() {
	local n
	n=$(grep -c 'serve: listening' "$PN_SANDBOX_DIR/serve.log" 2>/dev/null || :)
	# from a subshell: not a child of the test's, whose bare `wait`
	# would wait for it
	( "$HELPER" "$@" serve </dev/null >/dev/null 2>>"$PN_SANDBOX_DIR/serve.log" &
	  echo $! > "$PN_SANDBOX_DIR/serve.pid" )
	# its own line, not the socket: a killed one's may still be there
	wait_until '[ "$(grep -c "serve: listening" "$PN_SANDBOX_DIR/serve.log")" -gt "${n:-0}" ] ||
		! kill -0 $(cat "$PN_SANDBOX_DIR/serve.pid") 2>/dev/null'
}

# exec_only / exec_done: around the cases that test the exec path itself
# (a helper= of the test's, what the exec'd child gets, the helper's
# messages in the module's log): under PN_VIA=socket the service stops
# before them and starts again after.
exec_only() {
	[ "${PN_VIA:-exec}" != socket ] || serve_stop
}
exec_done() {
	[ "${PN_VIA:-exec}" != socket ] || serve_start
}

# serve_stop [SIGNAL]: stop the service (SIGTERM: it finishes what it
# runs, removes its socket) and wait until it is gone.
serve_stop() {
	local pid
	pid=$(cat "$PN_SANDBOX_DIR/serve.pid" 2>/dev/null) || return 0
	kill -"${1:-TERM}" "$pid" 2>/dev/null || true
	wait_until '! kill -0 '"$pid"' 2>/dev/null'
	rm -f "$PN_SANDBOX_DIR/serve.pid"
}

_result() {	# _result RC NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# ok NAME CMD...: passes when CMD exits 0
ok() {
	local name=$1 rc=0
	shift
	"$@" >/dev/null 2>&1 || rc=$?
	_result $rc "$name"
}

# fails NAME CMD...: passes when CMD exits non-zero
fails() {
	local name=$1 rc=0
	shift
	"$@" >/dev/null 2>&1 || rc=$?
	[ $rc -ne 0 ] && _result 0 "$name" || _result 1 "$name"
}

is() {
	if [ "$1" = "$2" ]; then
		_result 0 "$3"
	else
		_result 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

like() {	# like TEXT REGEX NAME
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		_result 0 "$3"
	else
		_result 1 "$3"
		printf '#   text: %.300s\n#   does not match: %s\n' "$1" "$2"
	fi
}

# wait_until 'CONDITION': wait for an event a test cannot be told of
# directly (a file appears, a record goes), checking CONDITION (eval'd)
# every 50 ms. The bound (PN_WAIT_MAX s, 120 by default) only stops a
# test that would otherwise hang: it is not a timing claim (bench/ times).
wait_until() {
	local end=$((SECONDS + ${PN_WAIT_MAX:-120}))

	until eval "$1"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

track() {
	echo "$1" >> "$PN_SANDBOX_DIR/pids"
}

# leftovers: print every namespace, link, nft table, record, lease or
# /etc/netns entry of pam_netns that exists (nothing at the baseline; the
# socket of a service running is not a leftover: sandbox.sh checks it is
# gone once the service stopped).
leftovers() {
	local l
	l=$(ls -A /run/netns | grep -vx wan || true)
	l+=$(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 |
	     grep -vx -e lo -e uplink0 || true)
	l+=$(nft list tables 2>/dev/null || true)
	l+=$(find /run/pam_netns/ns /run/pam_netns/sessions /run/pam_netns/leases \
		/run/pam_netns/members /run/pam_netns/ino /run/pam_netns/locks \
		/run/pam_netns/tunnels \
		-mindepth 1 2>/dev/null || true)
	l+=$(ls -A /run/pam_netns 2>/dev/null | grep -vx -e lock -e seq -e ns -e sessions \
		-e members -e leases -e ino -e hostns -e locks -e tunnels -e resources.lock \
		-e service || true)
	l+=$(ls -A /etc/netns)
	printf '%s' "$l"
}

# Every namespace, link, nft table and record of pam_netns is gone.
sandbox_clean() {
	is "$(leftovers)" "" "${1:-nothing left behind}"
}

done_testing() {
	echo "1..$_tap_n"
	[ $_tap_failed = 0 ]
}

# kv KEY TEXT: the value of KEY in key=value TEXT
kv() {
	printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n1
}

# policy TEXT: write TEXT as a root-owned 0644 policy file in the sandbox
# and export POLICY=path. Every test writes its own policy.
policy() {
	POLICY=$PN_SANDBOX_DIR/pam_netns.conf
	printf '%s\n' "$1" > "$POLICY"
	chmod 0644 "$POLICY"
	export POLICY
}

# helper ARGS...: the built helper with the test policy
helper() {
	"$HELPER" --config "$POLICY" "$@"
}

# peerd NS ADDR PORT [-u]: start a test server in namespace NS ("-" = the
# sandbox itself), tracked for cleanup
peerd() {
	local ns=$1 pid
	shift
	if [ "$ns" = - ]; then
		pid=$("$B/tests/tools/peerd" -d -l 600 "$@")
	else
		pid=$(ip netns exec "$ns" "$B/tests/tools/peerd" -d -l 600 "$@")
	fi
	track "$pid"
}

# probe NS ADDR PORT: what a client in NS gets from ADDR PORT
probe() {
	local ns=$1
	shift
	ip netns exec "$ns" "$B/tests/tools/probe" -t 700 "$@" 2>&1
}
