#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pam_netns.so through libpam (a C driver using pam_start, and pamtester):
# uncovered, confined, denied; fail closed when the helper is missing,
# failing or the caller is threaded; the recovery user; a hostile caller
# state does not reach the helper.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
. "$TESTS_DIR/e2e/e2e.sh"
e2e_users

policy 'networks = {
  offline = { type = "isolated"; };
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48";
          dns = [ "192.0.2.53" ]; };
};
rules = (
  { user = "pnfree"; network = "host"; },
  { user = "pnuser"; service = "pn-deny"; network = "deny"; },
  { group = "pnlab"; network = "lab"; scope = "session"; service = [ "pn-test", "pn-threads" ]; },
  { user = "pnuser"; service = "systemd-user"; network = "offline"; scope = "session"; },
  { user = "pnshare"; network = "offline"; scope = "user"; },
);
default = "host";'
for s in pn-test pn-deny pn-threads systemd-user; do
	pam_service "$s" $MOD_ARGS debug
done
pam_service pn-nohelper helper=/nonexistent/netns-helper conf="$POLICY"
pam_service pn-recovery helper=/nonexistent/netns-helper conf="$POLICY" recovery_user=pnuser
pam_service pn-badarg helper=relative/path
pam_service pn-unknown $MOD_ARGS frobnicate
host=$(stat -L -c %i /proc/self/ns/net)

# --- not confined
out=$(driver pnfree)
is "$(kv open "$out")" 0 "an uncovered user: the stack succeeds"
like "$out" "log=.*'pnfree' is not confined" "pam_netns stood aside (PAM_IGNORE)"
is "$(kv netns "$out")" "$host" "and the process stays in the host namespace"
is "$(kv env_netns "$out")" "" "no NETNS in the environment"

# --- confined: nat, session scope; what the login sees from inside
peerd wan 198.51.100.1 8080
peerd - 192.0.2.10 8080
P="$B/tests/tools/probe -t 700"
out=$(driver pnuser sh -c 'echo "links=$(ip -o link show | cut -d: -f2 | cut -d@ -f1 | tr -d " " | tr "\n" " ")";
	echo "dns=$(grep nameserver /etc/resolv.conf)";
	echo "sysnet=$(ls /sys/class/net | tr "\n" " ")";
	echo "nsmounts=$(grep -c " /run/netns/" /proc/self/mountinfo)"; echo "nsdir=$(ls -A /run/netns | wc -l)";
	echo "wan=$('"$P"' 198.51.100.1 8080)";
	echo "hostaddr=$('"$P"' 192.0.2.10 8080)"')
ns=$(kv env_netns "$out")
is "$(kv open "$out")" 0 "a confined user: PAM_SUCCESS"
like "$ns" '^lab\.pnuser\.[0-9]+$' "NETNS=$ns in the PAM environment"
ok "the process was in the session's namespace" test "$(kv netns "$out")" != "$host"
is "$(kv links "$out")" "lo eth0 " "inside: lo and the veth end only"
is "$(kv dns "$out")" "nameserver 192.0.2.53" "/etc/resolv.conf is the namespace's"
is "$(kv sysnet "$out")" "eth0 lo " "/sys shows the namespace's links"
is "$(kv nsmounts "$out")" 0 "no namespace mounts inside (none kept alive, none propagated in)"
is "$(kv nsdir "$out")" 0 "and /run/netns is empty there"
is "$(kv wan "$out")" "peer=198.51.100.2" "the wan answers, masqueraded to the uplink address"
like "$(kv hostaddr "$out")" "^error" "the host's own address does not"
is "$(kv close "$out")" 0 "close_session: PAM_SUCCESS"
ok "the session namespace is gone after close" wait_until '[ -z "$(ls /run/netns | grep -v wan)" ]'

# --- a login's mount namespace is a copy of the helper's template, which
# follows the host's mounts (a shared mount here, as a host's are)
sh_dir=$PN_SANDBOX_DIR/shared
mkdir -p "$sh_dir"
mount -t tmpfs pn-shared "$sh_dir"
mount --make-shared "$sh_dir"
# /run (and the state dir on it) shared, with a slave elsewhere, as /run
# is under systemd: a mount namespace file may not be pinned where mounts
# propagate
mount --make-shared /run
unshare --mount --propagation slave sleep 30 &
slave=$!
track $slave
driver pnuser sleep 3 > "$PN_SANDBOX_DIR/bg.out" &
bg=$!
wait_until '[ -e /run/pam_netns/mntns/login ]'
is "$(stat -f -c %T /run/pam_netns/mntns/login 2>&1)" nsfs "the helper pins a login mount template"
mkdir -p "$sh_dir/late"
mount -t tmpfs pn-late "$sh_dir/late"
out=$(cd /usr && driver pnuser sh -c 'echo "late=$(grep -c " '"$sh_dir"'/late " /proc/self/mountinfo)"; echo "cwd=$(pwd)"')
is "$(kv late "$out")" 1 "a host mount made after the template reaches a new login"
is "$(kv cwd "$out")" /usr "the login keeps its working directory"
wait $bg
umount "$sh_dir/late" "$sh_dir"
kill $slave; wait $slave 2>/dev/null
mount --make-private /run
# (the service's close answers before the teardown: waited for)
ok "the template goes with the last namespace" wait_until '[ ! -e /run/pam_netns/mntns/login ]'

exec_only
# a template that cannot be made is logged, and the login copies the host's
touch /run/pam_netns/mntns
out=$(driver pnuser sh -c 'echo "nsmounts=$(grep -c " /run/netns/" /proc/self/mountinfo)"; echo "nsdir=$(ls -A /run/netns | wc -l)"')
is "$(kv open "$out")" 0 "without a template the login still opens"
like "$out" "login mount template /run/pam_netns/mntns/login: Not a directory \(logins copy the host's mount namespace instead\)" "and the reason is logged"
is "$(kv nsmounts "$out")" 0 "the copy of the host's has no namespace mounts either"
is "$(kv nsdir "$out")" 0 "and an empty /run/netns"
ok "nothing of it is left mounted" test -f /run/pam_netns/mntns -a "$(grep -c ' /run/pam_netns/mntns ' /proc/self/mountinfo)" = 0
rm /run/pam_netns/mntns
exec_done

# --- the host's resolver sockets are masked inside (THREATS.md 7)
# (made in the sandbox's private /run, as systemd-resolved and nscd have them)
mkdir -p /run/systemd/resolve /run/nscd
touch /run/systemd/resolve/io.systemd.Resolve /run/systemd/resolve/stub-resolv.conf /run/nscd/socket
out=$(driver pnuser sh -c 'echo "sd=$(ls -A /run/systemd/resolve | tr "\n" " ")"; echo "nscd=$(ls -A /run/nscd)"')
is "$(kv open "$out")/$(kv sd "$out")" "0/" "systemd-resolved's socket dir is empty inside"
is "$(kv nscd "$out")" "" "so is nscd's"
ok "and still there outside" test -e /run/systemd/resolve/io.systemd.Resolve
rm -rf /run/systemd /run/nscd

# --- refused by policy
out=$(driver -s pn-deny pnuser)
is "$(kv open "$out")" 6 "a deny rule: PAM_PERM_DENIED"
is "$(kv netns "$out")" "$host" "still in the host namespace"
out=$(driver -s systemd-user pnuser)
is "$(kv open "$out")" 6 "session scope in the systemd-user stack: refused"
like "$out" "log=.*session scope cannot apply to the systemd-user service" "with a clear log line"
out=$(driver -s systemd-user pnshare sh -c 'echo "mgr=$(stat -L -c %i /proc/self/ns/net)"')
is "$(kv env_netns "$out")" "offline.pnshare" "user scope in the systemd-user stack: the user manager joins"
is "$(kv mgr "$out")" "$(kv netns "$out")" "and what it starts runs there"

# --- user scope: two logins share one namespace
driver -s pn-test pnshare sleep 2 > "$PN_SANDBOX_DIR/a.out" &
a=$!
sleep 0.5
out=$(driver -s pn-test pnshare)
wait $a
is "$(kv env_netns "$out")" "offline.pnshare" "user scope: NETWORK.USER"
is "$(kv netns "$out")" "$(kv netns "$(cat "$PN_SANDBOX_DIR/a.out")")" "two logins of one user share the namespace"
ok "gone after the last logout" wait_until '[ ! -e /run/netns/offline.pnshare ]'

exec_only
# --- fail closed
out=$(driver -s pn-nohelper pnuser)
is "$(kv open "$out")" 4 "helper missing: PAM_SYSTEM_ERR"
is "$(kv netns "$out")" "$host" "and still in the host namespace"
out=$(driver -s pn-recovery pnuser)
is "$(kv open "$out")" 0 "the recovery user is let in when pam_netns fails"
like "$out" "recovery user 'pnuser': letting the login in on the host network" "and that is logged"
is "$(kv netns "$out")" "$host" "on the host network"
out=$(driver -s pn-recovery pnshare)
is "$(kv open "$out")" 4 "but nobody else"
out=$(driver -s pn-badarg pnuser)
is "$(kv open "$out")" 3 "a relative helper= path: PAM_SERVICE_ERR"
out=$(driver -s pn-unknown pnfree)
like "$out" "log=.*unknown option 'frobnicate', ignoring" "an unknown option is logged"
out=$(driver -T -s pn-threads pnuser)
is "$(kv open "$out")" 4 "a threaded caller: PAM_SYSTEM_ERR"
is "$(kv netns "$out")" "$host" "and still in the host namespace"
printf 'networks = { x = { type = "bogus"; }; };\n' > "$PN_SANDBOX_DIR/bad.conf"
pam_service pn-badconf helper="$HELPER" conf="$PN_SANDBOX_DIR/bad.conf"
out=$(driver -s pn-badconf pnuser)
is "$(kv open "$out")" 4 "an invalid policy: PAM_SYSTEM_ERR"
out=$(driver -s pn-badconf pnfree)
is "$(kv open "$out")" 4 "for every user: the policy cannot say who is confined"
cp "$HELPER" "$PN_SANDBOX_DIR/helper-gw"; chmod 0777 "$PN_SANDBOX_DIR/helper-gw"
pam_service pn-unsafe helper="$PN_SANDBOX_DIR/helper-gw" conf="$POLICY"
out=$(driver -s pn-unsafe pnuser)
is "$(kv open "$out")" 4 "a world-writable helper is not run"
exec_done

exec_only
# --- the caller's state does not reach the helper
# spy (perl: sh unblocks every signal when it starts) -> spy.sh -> helper
cat > "$PN_SANDBOX_DIR/spy" <<EOT
#!/usr/bin/perl
open(my \$st, '<', '/proc/self/status') or die;
open(my \$out, '>', '$PN_SANDBOX_DIR/spy.sig') or die;
print \$out grep(/^SigBlk:/, <\$st>);
close(\$out) or die;
exec('$PN_SANDBOX_DIR/spy.sh', @ARGV) or die;
EOT
cat > "$PN_SANDBOX_DIR/spy.sh" <<EOT
#!/bin/sh
env > $PN_SANDBOX_DIR/spy.env
ls /proc/\$\$/fd > $PN_SANDBOX_DIR/spy.fds
ulimit -n > $PN_SANDBOX_DIR/spy.nofile
grep -E '^SigIgn:' /proc/\$\$/status >> $PN_SANDBOX_DIR/spy.sig
exec $HELPER "\$@"
EOT
chmod 0755 "$PN_SANDBOX_DIR/spy" "$PN_SANDBOX_DIR/spy.sh"
pam_service pn-test helper="$PN_SANDBOX_DIR/spy" conf="$POLICY"
out=$(exec 7</dev/null 8</dev/null; ulimit -Sn 16; trap '' INT HUP TERM; LD_PRELOAD=/nonexistent.so PATH=/tmp IFS=x PN_SECRET=1 \
	"$B/tests/tools/pam-driver" pnuser 2>&1)
is "$(kv open "$out")" 0 "a login with a hostile environment and ulimit -Sn 16 works"
is "$(grep -v -e '^PWD=' "$PN_SANDBOX_DIR/spy.env")" "" "the helper gets an empty environment"
ok "none of the caller's fds (7, 8) reaches the helper" sh -c "! grep -qx -e 7 -e 8 $PN_SANDBOX_DIR/spy.fds"
is "$(cat "$PN_SANDBOX_DIR/spy.nofile")" 1024 "and a sane fd limit"
is "$(cat "$PN_SANDBOX_DIR/spy.sig")" "SigBlk:	0000000000000000
SigIgn:	0000000000000000" "no signal blocked (the module blocks all around vfork) nor ignored (the caller ignored INT, HUP, TERM)"
# GNU make leaves glibc's own signals (32, 33) ignored in what it runs,
# and glibc's sigaction() cannot set them back
printf 'sig:\n\t@grep SigIgn /proc/self/status\ndrive:\n\t@"$(DRIVER)" pnuser >/dev/null 2>&1\n' > "$PN_SANDBOX_DIR/sig.mk"
is "$(make -s -f "$PN_SANDBOX_DIR/sig.mk" sig)" "SigIgn:	0000000180000000" "(make's children have 32 and 33 ignored)"
make -s -f "$PN_SANDBOX_DIR/sig.mk" drive DRIVER="$B/tests/tools/pam-driver"
is "$(cat "$PN_SANDBOX_DIR/spy.sig")" "SigBlk:	0000000000000000
SigIgn:	0000000000000000" "a caller with 32 and 33 ignored: the helper has them at their defaults"
exec_done

# --- a module after pam_netns refuses: nothing of the refused login stays
cat > /etc/pam.d/pn-later <<EOT
auth     sufficient pam_rootok.so
account  required   pam_permit.so
session  required   $MODULE $MOD_ARGS
session  required   pam_deny.so
EOT
out=$(driver -s pn-later pnshare)
ok "a later module refuses the session" test "$(kv open "$out")" != 0
ok "pam_end with the error closes pam_netns' session: no namespace" wait_until '[ ! -e /run/netns/offline.pnshare ]'
is "$(find /run/pam_netns/sessions -mindepth 1 | wc -l)" 0 "and no session record"

# --- the module twice in one handle (a stack included twice), in the
# service pn-test (pnuser: lab, session scope)
mk2() {	# mk2 NAME FIRST-CONTROL FIRST-ARGS SECOND-ARGS
	printf 'auth sufficient pam_rootok.so\naccount required pam_permit.so\nsession %s %s %s\nsession required %s %s\nsession required pam_permit.so\n' \
		"$2" "$MODULE" "$3" "$MODULE" "$4" > "/etc/pam.d/$1"
}
mk2 pn-test required "$MOD_ARGS" "$MOD_ARGS"
out=$(driver -s pn-test pnuser sh -c 'echo "ino=$(stat -L -c %i /proc/self/ns/net)"')
is "$(kv open "$out")" 0 "twice in one handle: the login opens"
like "$(kv env_netns "$out")" '^lab\.pnuser\.[0-9]+$' "into one session namespace"
is "$(kv close "$out")" 0 "and closes"
ok "nothing left" wait_until '[ -z "$(ls /run/netns | grep -v -x wan)" ]'
exec_only
mk2 pn-test optional "helper=/nonexistent/netns-helper conf=$POLICY" "$MOD_ARGS"
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")" 4 "an optional first run that failed: the required second returns the same error (PAM_SYSTEM_ERR)"
is "$(kv netns "$out")" "$host" "and the login is not moved"
mk2 pn-test required "$MOD_ARGS" "helper=/nonexistent/netns-helper conf=$POLICY"
out=$(driver -s pn-test pnfree)
is "$(kv open "$out")" 0 "the first line's arguments win (the second's helper is never run)"
exec_done

# --- pamtester, the stock client
pam_service pn-test $MOD_ARGS
ok "pamtester: open and close a confined session" pamtester pn-test pnuser open_session close_session
fails "pamtester: a denied session fails" pamtester pn-deny pnuser open_session
ok "pamtester: an uncovered user passes" pamtester pn-test pnfree open_session close_session

# --- timeout=: the module's limit, told to the helper (--deadline-ms)
pam_service pn-short $MOD_ARGS timeout=4
out=$(driver -s pn-short pnuser)
is "$(kv open "$out")" 3 "timeout=4, below the least: PAM_SERVICE_ERR"
like "$out" "log=.*option timeout='4': not a number of seconds from 5 to 300" \
	"with the reason logged"
exec_only
printf '#!/bin/sh\necho "$*" >> %s/args\nexec %s "$@"\n' "$PN_SANDBOX_DIR" "$HELPER" \
	> "$PN_SANDBOX_DIR/args.sh"
chmod 0755 "$PN_SANDBOX_DIR/args.sh"
pam_service pn-test helper="$PN_SANDBOX_DIR/args.sh" conf="$POLICY" timeout=12
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")/$(kv close "$out")" 0/0 "timeout=12: a login opens and closes"
is "$(grep -c -e '^--config .* session-open .* --deadline-ms 12000$' \
	-e '^--config .* session-close .* --deadline-ms 12000$' "$PN_SANDBOX_DIR/args")" 2 \
	"the helper is told 12000 ms at open and at close"
printf '#!/bin/sh\nexec sleep 600\n' > "$PN_SANDBOX_DIR/hang.sh"
chmod 0755 "$PN_SANDBOX_DIR/hang.sh"
pam_service pn-hang helper="$PN_SANDBOX_DIR/hang.sh" conf="$POLICY" timeout=5
out=$(driver -s pn-hang pnuser)
is "$(kv open "$out")" 4 "a helper that does not answer: PAM_SYSTEM_ERR"
like "$out" "log=.*hang.sh did not answer in 5 s, killed" "at the limit timeout=5 sets"
exec_done

sandbox_clean
done_testing
