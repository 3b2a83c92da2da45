# SPDX-License-Identifier: GPL-2.0-or-later
#
# box.sh - sourced by the tests that run under a real systemd, after
# lib.sh: ../shared/tools/systemd-box boots Debian's systemd as PID 1 in a
# throwaway container (copy-on-write over this machine's /, its own
# network namespace). It is started from the host, never from inside the
# test sandbox, and stopped when the test ends.
#
#   box_start PREFIX [BOX-START-OPTIONS...]   start the box "PREFIX<pid>",
#                         or skip the rest of the test where no box can
#                         start (under CI=true that is a failure)
#   box_start_tree PREFIX [OPTIONS...]   box_start with the tree (and the
#                         build, where it lies elsewhere) bound read-only
#   box_install           `make install` of the build in the box (a test),
#                         and the units it brings loaded
#   box_needs CMD...      fail at once when a command the test runs is
#                         missing (make deps installs them)
#   inbox CMD...          run CMD as root inside the box

BOX=$ROOT/../shared/tools/systemd-box

# _box_skip REASON: the test cannot go on here
_box_skip() {
	if [ "${CI:-}" = true ]; then
		_result 1 "a systemd box starts (CI=true forbids skipping): $1"
	elif [ "$_tap_n" = 0 ]; then
		echo "1..0 # SKIP $1"
		exit 0
	else
		echo "ok $((_tap_n += 1)) # SKIP $1"
	fi
	done_testing
	exit
}

box_start() {
	local err
	box=$1$$
	shift
	[ -x "$BOX" ] && command -v systemd-nspawn >/dev/null ||
		_box_skip "no systemd-box or systemd-nspawn here"
	err=$(mktemp)
	if ! "$BOX" start "$box" "$@" >/dev/null 2>"$err"; then
		local why
		why=$(tail -n1 "$err")
		rm -f "$err"
		_box_skip "the box cannot start here: $why"
	fi
	rm -f "$err"
	trap '"$BOX" stop "$box" >/dev/null 2>&1' EXIT
}

box_start_tree() {
	local prefix=$1 binds=(--bind-ro "$ROOT")

	shift
	case "$B/" in "$ROOT"/*) ;; *) binds+=(--bind-ro "$B") ;; esac
	box_start "$prefix" "${binds[@]}" "$@"
}

box_install() {
	ok "make install in the box (the build is up to date: the tree is read-only there)" \
		inbox make -s -C "$ROOT" B="$B" install
	inbox systemctl daemon-reload
}

box_needs() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null ||
			{ echo "not ok 1 - $t is missing (make deps)"; echo 1..1; exit 1; }
	done
}

inbox() {
	"$BOX" run "$box" -- "$@"
}

# waitfor COND: COND (shell, in the box) becomes true; bounded (90 s, the
# box is slow to start some units), not timed
waitfor() { inbox timeout 90 sh -c "until $1; do sleep 0.1; done" >/dev/null 2>&1; }

# ssh, in the box, with the key a test made in /root/k (inbox $SSH U@H ...)
SSH="ssh -i /root/k/key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
