#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# su, sudo, runuser and login with the distribution's own PAM files and
# `pam-auth-update --enable netns`: run by root, and by an ordinary user
# at a terminal (setuid su and sudo, passwords typed on a pty). Each
# lands where the policy says; from inside a confined session there is
# no way out, the same namespace is joined and another one refused.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
. "$TESTS_DIR/e2e/realhost.sh"
realhost_setup
PTY=$B/tests/tools/pty-run

# where COMMAND-OUTPUT: "host", "lo-only:INO" or "other"
where() {
	local ino ifs text
	# a terminal's output: no carriage returns, no escape sequences
	text=$(printf '%s\n' "$1" | tr -d '\r' | sed -E 's/\x1b\[[0-9;?]*[A-Za-z]//g')
	ino=$(kv ino "$text")
	ifs=$(kv ifs "$text")
	if [ "$ino" = "$HOST_INO" ]; then echo host
	elif [ -n "$ino" ] && [ "$ifs" = "lo " ]; then echo "lo-only"
	else echo "other: $1"
	fi
}

# --- root
out=$(su - pnconf -c "$SHOW" 2>&1)
is "$(where "$out")" lo-only "root: su - pnconf lands in pnconf's namespace"
out=$(su pnconf -c "$SHOW" 2>&1)
is "$(where "$out")" lo-only "root: su pnconf too"
out=$(su - pnhost -c "$SHOW" 2>&1)
is "$(where "$out")" host "root: su - pnhost (host policy) stays on the host"
out=$(su - pndeny -c "$SHOW" 2>&1); rc=$?
is "$rc" 1 "root: su - pndeny is refused"
like "$out" "pam_netns: login refused by the network policy" "and su shows why"
# runuser's stacks include no common-session: root's tool, not covered
out=$(runuser -l pnconf -c "$SHOW" 2>&1)
is "$(where "$out")" host "root: runuser -l pnconf is not covered by the profile (documented)"
out=$("$PTY" -e '$ ' -s "$SHOW; exit" -- login -f pnconf 2>&1)
is "$(where "$out")" lo-only "root: login -f pnconf (console login) is confined"
is "$(records)" 0 "no session left by root's logins"

# --- an ordinary user at a terminal: setuid su and sudo
out=$("$PTY" -u pnhost -e 'Password:' -s "$(pw pnconf)" -- su - pnconf -c "$SHOW" 2>&1); rc=$?
is "$rc" 0 "pnhost: su - pnconf with pnconf's password"
is "$(where "$out")" lo-only "lands in pnconf's namespace"
out=$("$PTY" -u pnhost -e 'Password:' -s "$(pw root)" -- su - root -c "$SHOW" 2>&1); rc=$?
is "$rc" 0 "pnhost: su - root with root's password"
is "$(where "$out")" host "root stays on the host"
out=$("$PTY" -u pnhost -e 'Password:' -s "$(pw pnconf)" -- su pnconf -c "$SHOW" 2>&1)
is "$(where "$out")" lo-only "pnhost: su pnconf too"
out=$("$PTY" -u pnhost -e "password for pnhost" -s "$(pw pnhost)" -- sudo -k id -un 2>&1); rc=$?
is "$rc" 0 "pnhost: sudo id works with the profile enabled"
like "$out" "^root" "as root"
out=$("$PTY" -u pnhost -e "password for pnhost" -s "$(pw pnhost)" -- sudo -k -u root sh -c "$SHOW" 2>&1)
is "$(where "$out")" host "pnhost: sudo -u root cmd: on the host"
out=$("$PTY" -u pnhost -e "password for pnhost" -s "$(pw pnhost)" -- sudo -k -u pnconf sh -c "$SHOW" 2>&1)
is "$(where "$out")" lo-only "pnhost: sudo -u pnconf cmd: in pnconf's namespace"
out=$("$PTY" -u pnhost -e "password for pnhost" -s "$(pw pnhost)" -- sudo -k -i sh -c "$SHOW" 2>&1); rc=$?
is "$rc" 0 "pnhost: sudo -i (the sudo-i stack)"
is "$(where "$out")" host "root's login shell on the host"
out=$("$PTY" -u pnhost -e "password for pnhost" -s "$(pw pnhost)" -- sudo -k -u pndeny true 2>&1); rc=$?
ok "pnhost: sudo -u pndeny is refused" test "$rc" -ne 0
like "$out" "pam_netns: login refused by the network policy" "and sudo shows why"
is "$(records)" 0 "no session left by the ordinary user's logins"

# --- from inside a confined session (pnteam1, shared network "team")
# su -c takes the terminal away (a new session), so pnteam1's sudo here
# needs no password; the typed passwords are tested above.
echo 'pnteam1 ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/pnteam1
chmod 0440 /etc/sudoers.d/pnteam1
inner="echo \"outer=\$(stat -L -c %i /proc/self/ns/net)\";
echo \"host=\$(sudo -u pnhost stat -L -c %i /proc/self/ns/net)\";
echo \"same=\$(sudo -u pnteam2 stat -L -c %i /proc/self/ns/net)\";
sudo -u pnconf true; echo \"other=\$?\";
echo \"root=\$(sudo stat -L -c %i /proc/self/ns/net)\""
out=$(su - pnteam1 -c "$inner" 2>&1)
outer=$(kv outer "$out")
ok "pnteam1 (su from root) is in the team namespace" test -n "$outer" -a "$outer" != "$HOST_INO"
is "$(kv host "$out")" "$outer" "inside: sudo -u pnhost (host policy) stays inside"
is "$(kv same "$out")" "$outer" "inside: sudo -u pnteam2 (same shared namespace) joins it"
is "$(kv other "$out")" 1 "inside: sudo -u pnconf (another network) is refused"
like "$out" "pam_netns: login refused by the network policy: this login starts inside a confined session" \
	"with a clear message"
is "$(kv root "$out")" "$outer" "inside: sudo to root stays inside"
ok "nothing was built from inside" test ! -e /run/netns/offline.pnconf
is "$(records)" 0 "every nested session was closed"

# --- su-l includes su: the profile and explicit lines in both
for f in su su-l; do
	sed -i '$a session required pam_netns.so' "/etc/pam.d/$f"
done
out=$(su - pnconf -c "$SHOW" 2>&1); rc=$?
is "$rc" 0 "su - with the module in su-l, su and common-session: let in"
is "$(where "$out")" lo-only "and confined"
is "$(records)" 0 "one session, closed once"
out=$("$PTY" -u pnhost -e 'Password:' -s "$(pw pnconf)" -- su - pnconf -c "$SHOW" 2>&1); rc=$?
is "$rc" 0 "the same by an ordinary user"
is "$(where "$out")" lo-only "confined"

realhost_done
done_testing
