#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd_user = true: a drop-in user@UID.service.d/pam_netns.conf puts the
# user manager into the namespace while it is up (user and shared scope),
# written atomically, root-owned 0644, never through a planted symlink or
# in a directory others can write; removed at teardown and by gc; nothing
# is written when systemd is not running. No systemd runs here: the tests
# look at the files, in /run/systemd of the sandbox's private /run.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
. "$TESTS_DIR/e2e/e2e.sh"
e2e_users

mkdir -m 0755 /run/systemd	# in the sandbox's private /run
SD=/run/systemd/system
mkdir -m 0755 $SD

policy 'networks = {
  offline = { type = "isolated"; };
  common = { type = "isolated"; };
};
rules = (
  { user = "pnshare"; service = "login"; network = "offline"; scope = "user"; systemd_user = true; },
  { user = "pnshare"; service = "su"; network = "offline"; scope = "user"; },
  { group = "pnlab"; network = "common"; scope = "shared"; systemd_user = true; },
  { user = "pnfree"; network = "common"; scope = "shared"; systemd_user = true; },
);'

open() {	# open USER SERVICE
	helper session-open --user "$1" --service "$2" --pid $$ 2>&1
}
close() { helper session-close --session "$(kv session "$1")" >/dev/null 2>&1; }
want() {	# want NAME: the drop-in for namespace NAME
	printf '%s\n' "# written by netns-helper: the user manager runs in namespace '$1';" \
		"# removed when that namespace is torn down" "[Service]" \
		"NetworkNamespacePath=/run/netns/$1"
}
U=$SD/user@4202.service.d

# --- user scope: written at the first login, removed with the namespace
a=$(open pnshare login)
is "$(kv netns "$a")" offline.pnshare "a user-scope login of a systemd_user rule"
is "$(cat $U/pam_netns.conf 2>&1)" "$(want offline.pnshare)" "user@4202.service gets NetworkNamespacePath"
is "$(stat -c '%U:%G %a %F' $U/pam_netns.conf)" "root:root 644 regular file" "root-owned 0644"
is "$(stat -c '%U %a' $U)" "root 755" "in a root-owned 0755 user@4202.service.d"
is "$(ls -A $U)" "pam_netns.conf" "no temporary file is left"
b=$(open pnshare login)
is "$(kv netns "$b")" offline.pnshare "a second login joins"
close "$a"
ok "the drop-in stays while a session holds the namespace" test -f $U/pam_netns.conf
close "$b"
ok "it goes with the namespace" test ! -e $U/pam_netns.conf
ok "and so does the then empty user@4202.service.d" test ! -e $U

# --- a rule without systemd_user writes nothing
a=$(open pnshare su)
is "$(kv netns "$a")" offline.pnshare "a rule without systemd_user"
ok "leaves the user manager alone" test ! -e $U
close "$a"

# --- shared scope: one drop-in per user, all removed at `down`
a=$(open pnuser login); b=$(open pnfree login)
is "$(kv netns "$a")/$(kv netns "$b")" common/common "two users in a shared namespace"
is "$(cat $SD/user@4201.service.d/pam_netns.conf)" "$(want common)" "pnuser's manager goes there"
is "$(cat $SD/user@4203.service.d/pam_netns.conf)" "$(want common)" "and pnfree's"
close "$a"; close "$b"
ok "a shared namespace and its drop-ins stay after logout" test -f $SD/user@4201.service.d/pam_netns.conf
ok "down common" helper down common
is "$(ls -A $SD)" "" "down removes both drop-ins and their directories"

# --- the administrator's own drop-ins are left alone
mkdir -m 0755 $U
echo "[Service]" > $U/override.conf
a=$(open pnshare login)
ok "ours is added next to an administrator's override.conf" test -f $U/pam_netns.conf
close "$a"
is "$(ls -A $U)" "override.conf" "teardown removes ours only, and keeps the directory"
printf '[Service]\nNetworkNamespacePath=/run/netns/offline.pnshare\n' > $U/pam_netns.conf
a=$(open pnshare login)
is "$(cat $U/pam_netns.conf)" "$(want offline.pnshare)" "a stale file of that name is replaced"
printf '[Service]\nNetworkNamespacePath=/run/netns/elsewhere\n' > $U/pam_netns.conf
close "$a"
is "$(cat $U/pam_netns.conf)" "$(printf '[Service]\nNetworkNamespacePath=/run/netns/elsewhere')" \
	"one that is not exactly ours survives the teardown"
rm -rf $U

# --- nothing is followed, nothing is written where others could write
echo victim > "$PN_SANDBOX_DIR/victim"
mkdir -m 0755 $U
ln -s "$PN_SANDBOX_DIR/victim" $U/pam_netns.conf
a=$(open pnshare login)
is "$(kv action "$a")" join "a symlink planted as the drop-in: the login opens"
is "$(cat "$PN_SANDBOX_DIR/victim")" victim "its target is not written"
is "$(stat -c %F $U/pam_netns.conf)" "regular file" "the link is replaced by our file"
close "$a"
rm -rf $U
mkdir -m 0755 "$PN_SANDBOX_DIR/elsewhere"
ln -s "$PN_SANDBOX_DIR/elsewhere" $U
a=$(open pnshare login); rc=$?
is "$rc" 1 "a symlink planted as user@4202.service.d: the login fails closed"
like "$a" "user@4202.service.d/pam_netns.conf: cannot write" "naming the file"
is "$(ls -A "$PN_SANDBOX_DIR/elsewhere")" "" "nothing is written through it"
ok "and the namespace is rolled back" test ! -e /run/netns/offline.pnshare
rm $U
mkdir -m 0777 $U
a=$(open pnshare login); rc=$?
is "$rc" 1 "a world-writable user@4202.service.d: refused"
like "$a" "not root's alone" "with the reason"
rmdir $U
chmod 0777 $SD
a=$(open pnshare login); rc=$?
is "$rc" 1 "a world-writable $SD: refused"
chmod 0755 $SD

# --- gc removes a drop-in of ours whose namespace has no record
mkdir -m 0755 $SD/user@4203.service.d $SD/user@4201.service.d
want gone.pnfree > $SD/user@4203.service.d/pam_netns.conf
echo "[Service]" > $SD/user@4201.service.d/pam_netns.conf
ok "gc" helper gc
ok "removes our drop-in for a namespace that is no more" test ! -e $SD/user@4203.service.d
ok "and leaves a file that is not ours" test -f $SD/user@4201.service.d/pam_netns.conf
rm -rf $SD/user@4201.service.d

# --- systemd not running: nothing to do
rmdir $SD
a=$(open pnshare login)
is "$(kv action "$a")" join "without $SD a systemd_user login opens"
ok "and $SD is not created" test ! -e $SD
close "$a"

# --- session scope cannot confine the one user manager
policy 'networks = { offline = { type = "isolated"; }; };
rules = ( { user = "pnshare"; network = "offline"; scope = "session";
            systemd_user = true; } );'
a=$(open pnshare login); rc=$?
is "$rc" 4 "systemd_user with scope session is an invalid policy"
like "$a" "pam_netns.conf:3: rule: 'systemd_user' needs scope 'user' or 'shared'" "with file and line"

# --- the user manager of a user confined elsewhere does not start on the host
policy 'networks = { offline = { type = "isolated"; }; };
rules = (
  { user = "pnshare"; service = "sshd"; network = "offline"; scope = "session"; },
  { group = "pnlab"; rhost = "192.0.2.0/24"; network = "offline"; scope = "session"; },
  { user = "pnfree"; service = "systemd-user"; network = "host"; },
  { user = "pnfree"; network = "offline"; },
);
default = "host";'
a=$(open pnshare systemd-user); rc=$?
is "$rc" 3 "pnshare, confined for sshd: its user manager is refused"
like "$(kv reason "$a")" "the user manager would run on the host network" "with the reason"
a=$(open pnuser systemd-user); rc=$?
is "$rc" 3 "pnuser, confined from 192.0.2.0/24: refused too"
a=$(open pnfree systemd-user); rc=$?
is "$rc/$(kv action "$a")" "0/none" "a rule naming systemd-user as host lets the manager start"
a=$(open pnshare login); rc=$?
is "$rc/$(kv action "$a")" "0/none" "other host-policy services are not affected"

rm -rf /run/systemd
sandbox_clean
done_testing
