#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The distribution's own stacks, as a host has them: `make install`, the
# real `pam-auth-update --enable netns`, the unmodified /etc/pam.d/sshd
# and sshd_config, /run/netns a plain directory. ssh with a key lands
# where the policy says; a refused login tells the client why; the
# profile and an explicit line together open one session; pamtester
# runs the stock sshd stack; a login's /sys keeps the host's submounts;
# a broken policy leaves root able to log in.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
. "$TESTS_DIR/e2e/realhost.sh"
realhost_setup
realhost_sshd

like "$(grep pam_netns /etc/pam.d/common-session)" 'pam_netns\.so recovery_user=root' \
	"pam-auth-update put the profile's line into common-session"
like "$(grep pam_netns /etc/pam.d/common-session-noninteractive)" 'pam_netns\.so' \
	"and into common-session-noninteractive (sudo)"
ok "the sshd stack is the distribution's" dpkg --verify openssh-server

# --- ssh with a key
out=$(RSSH pnconf "$SHOW; echo \"ns=\$NETNS\"" 2>&1)
is "$(kv who "$out")" pnconf "ssh pnconf: logged in"
is "$(kv ns "$out")" offline.pnconf "ssh pnconf: NETNS is the user's namespace"
ok "ssh pnconf: not the host's namespace" test "$(kv ino "$out")" != "$HOST_INO"
is "$(kv ifs "$out")" "lo " "ssh pnconf: isolated, /sys/class/net shows lo only"
out=$(RSSH pnhost "$SHOW" 2>&1)
is "$(kv ino "$out")" "$HOST_INO" "ssh pnhost (host policy): the host's namespace"

# sftp's server runs in the namespace: its /proc/self is the login's
echo "get /proc/self/net/dev $RH/dev.txt" |
	sftp -q -b - -i "$RH/user_key" -P 2222 -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR pnconf@127.0.0.1 >/dev/null 2>&1
is "$(awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}' "$RH/dev.txt" 2>/dev/null | tr '\n' ' ')" \
	"lo " "sftp: the server sees the namespace's devices only"

# ssh -L: the forward is opened from inside the namespace
peerd - 192.0.2.10 8080
fwd() {	# fwd USER PORT: a -L forward to the host-only 192.0.2.10:8080
	local out
	coproc FWD { RSSH "$1" -o ExitOnForwardFailure=yes \
		-L "127.0.0.1:$2:192.0.2.10:8080" 'echo up; read x' 2>&1; }
	read -r out <&"${FWD[0]}"
	"$B/tests/tools/probe" -t 1500 127.0.0.1 "$2" 2>&1
	echo >&"${FWD[1]}"
	wait "$FWD_PID" 2>/dev/null
}
is "$(fwd pnhost 9001)" "peer=192.0.2.10" "ssh -L of a host-policy user reaches the host-only service"
like "$(fwd pnconf 9002)" "^error" "ssh -L of a confined user cannot"

# --- a refused login says why, on the client, and leaves nothing
out=$(RSSH pndeny "$SHOW" 2>&1); rc=$?
is "$rc" 254 "ssh pndeny: refused (sshd's exit 254)"
like "$out" "^pam_netns: login refused by the network policy: a rule of the policy denies this login" \
	"the client is told, in one line, that the network policy refused it"
ok "nothing of pndeny's shell ran" test -z "$(kv who "$out")"
is "$(records)" 0 "no record of the refused login"

# --- /sys in a login: the host's submounts, on the namespace's sysfs
want=$(findmnt -rn -R -o TARGET /sys | sort | tr '\n' ' ')
out=$(RSSH pnconf 'echo "sys=$(findmnt -rn -R -o TARGET /sys | sort | tr "\n" " ")"' 2>&1)
is "$(kv sys "$out")" "$want" "a login's /sys has the mounts the host has below /sys"
like "$want" "/sys/fs/cgroup" "(among them /sys/fs/cgroup)"

# --- the profile and an explicit line in sshd: one session
sed -i 's/^@include common-session$/&\nsession required pam_netns.so/' /etc/pam.d/sshd
like "$(grep -A1 '^@include common-session$' /etc/pam.d/sshd)" "pam_netns" \
	"sshd now runs the module twice (profile and explicit line)"
coproc LOGIN { RSSH pnconf "$SHOW; read x" 2>&1; }
read -r who <&"${LOGIN[0]}"
is "$who" "who=pnconf" "a login through both lines is let in"
is "$(records)" 1 "with one session record"
echo >&"${LOGIN[1]}"
wait "$LOGIN_PID"; rc=$?
is "$rc" 0 "and logs out cleanly"
wait_until '[ "$(records)" = 0 ]'
is "$(records)" 0 "its one record is gone at logout"
ok "and its namespace" wait_until '[ ! -e /run/netns/offline.pnconf ]'

# an optional first line that fails stays a failure for a required second
sed -i 's/^\(session.*\)pam_netns.so recovery_user=root$/\1pam_netns.so recovery_user=root conf=\/nonexistent.conf/' \
	/etc/pam.d/common-session
out=$(RSSH pnconf "$SHOW" 2>&1); rc=$?
is "$rc" 254 "the first line's failure stands though the second line's policy is fine"
like "$out" "pam_netns: login refused: the network of this login could not be set up" \
	"and the client is told"
sed -i 's/ conf=\/nonexistent.conf$//' /etc/pam.d/common-session
sed -i '/^session required pam_netns.so$/d' /etc/pam.d/sshd

# --- pamtester with the stock sshd stack
out=$(pamtester -v sshd pnconf open_session close_session 2>&1); rc=$?
is "$rc" 0 "pamtester sshd pnconf open_session close_session"
ok "the user namespace is gone after close" wait_until '[ ! -e /run/netns/offline.pnconf ]'
fails "pamtester sshd pndeny open_session is refused" pamtester sshd pndeny open_session
is "$(records)" 0 "no record left by pamtester"

# --- a broken policy: confined users refused, root gets in (recovery_user)
cp /etc/security/pam_netns.conf "$RH/policy.good"
printf 'networks = { offline = { type = "isolated"; };\n' > /etc/security/pam_netns.conf
out=$(RSSH root "$SHOW" 2>&1); rc=$?
is "$rc" 0 "broken policy: root logs in with its key"
is "$(kv ino "$out")" "$HOST_INO" "on the host network"
# sshd shows an open session's PAM messages with the motd, before a shell
out=$("$B/tests/tools/pty-run" -e '# ' -s exit -- ssh -tt -i "$RH/user_key" -p 2222 \
	-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o LogLevel=ERROR root@127.0.0.1 2>&1)
like "$out" "pam_netns: network set-up failed; recovery user" "and is told why at an interactive login"
out=$(RSSH pnconf "$SHOW" 2>&1); rc=$?
is "$rc" 254 "broken policy: a confined user is refused"
ok "and none of its shell ran" test -z "$(kv who "$out")"
out=$(RSSH pnhost "$SHOW" 2>&1); rc=$?
is "$rc" 254 "broken policy: so is a user the policy would leave on the host (fail closed)"
cp "$RH/policy.good" /etc/security/pam_netns.conf

realhost_done
done_testing
