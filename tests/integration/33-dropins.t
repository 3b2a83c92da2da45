#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Policy drop-ins: the files of the policy file's directory pam_netns.d
# whose names end in .conf (not hidden) are read in byte order, after the
# main file's checks; their networks share the main file's names; their
# rules come after the main file's, in file order, and the first match
# wins; only the main file sets the default. check, explain and logins read
# them; one that is broken or unsafe makes the whole policy invalid, and
# confined logins are refused.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

D=$PN_SANDBOX_DIR/pam_netns.d
policy 'networks = {
  lab = { type = "isolated"; };
};
rules = (
  { user = "root"; service = "sshd"; network = "lab"; scope = "session"; },
);
default = "deny";'
mkdir -m 0755 "$D"

# dropin NAME TEXT: a root-owned 0644 drop-in
dropin() {
	printf '%s\n' "$2" > "$D/$1"
	chmod 0644 "$D/$1"
}
open() {	# open SERVICE: session-open as root for SERVICE
	helper session-open --user root --service "$1" --pid $$
}

dropin 50-corp.conf 'networks = {
  corp = { type = "isolated"; };
};
rules = (
  { user = "root"; service = "login"; network = "corp"; },
  { user = "root"; service = "sshd"; network = "corp"; },
);'
dropin 10-first.conf 'rules = ( { user = "root"; service = "su"; network = "lab"; scope = "shared"; } );'
# names that are not read, however broken
for n in 50-corp.conf.dpkg-old 50-corp.conf.dpkg-dist 50-corp.conf~ \
	.50-corp.conf.swp .hidden.conf README 50-corp.conf.Ab12Cd; do
	dropin "$n" 'this is { not a policy'
done
chmod 0666 "$D/README"

# --- check
out=$(helper check 2>&1); rc=$?
is "$rc" 0 "check: the main file and two drop-ins"
is "$(printf '%s\n' "$out" | grep ': OK$' | tr '\n' ' ')" \
	"$POLICY: OK $D/10-first.conf: OK $D/50-corp.conf: OK " \
	"every file read is named, the main file first, then by name; other names are not read"
like "$out" "  corp +isolated +\\(50-corp.conf:2\\)" "a drop-in's network is shown with its file and line"
is "$(printf '%s\n' "$out" | sed -n '/^rules/,/^default/s/^  \(line [0-9]*\|[^ ]*:[0-9]*\) .*/\1/p' | tr '\n' '|')" \
	"line 5|10-first.conf:1|50-corp.conf:5|50-corp.conf:6|" \
	"the rules: the main file's, then each drop-in's in order"
like "$out" "default: deny" "the main file's default"

# --- explain names the file and line that matched
like "$(helper explain root --service sshd)" "rule: +$POLICY:5 " \
	"the main file's rule comes first (sshd is in a drop-in too)"
out=$(helper explain root --service login)
like "$out" "rule: +$D/50-corp.conf:5 \\(user root, service login\\)" "explain names the drop-in and the line"
like "$out" "netns: +corp.root" "and the drop-in's network"
like "$(helper explain root --service su)" "rule: +$D/10-first.conf:1 " "10-first.conf before 50-corp.conf"
like "$(helper explain root --service cron)" "none matched: the default applies \\($POLICY:7\\)" \
	"no rule: the main file's default, with its line"

# --- logins
out=$(open login); rc=$?
is "$rc" 0 "a login by a drop-in's rule"
is "$(kv netns "$out")" corp.root "gets the drop-in's network"
helper session-close --session "$(kv session "$out")" >/dev/null
out=$(open su)
is "$(kv netns "$out")" lab "a drop-in's rule may name the main file's network"
helper down --force lab >/dev/null
out=$(open cron 2>&1); rc=$?
is "$rc" 3 "the main file's default deny still applies"

# --- errors: each makes the whole policy invalid, and logins fail closed
# invalid NAME TEXT WANT DESC: drop-in NAME with TEXT makes check say WANT
invalid() {
	dropin "$1" "$2"
	out=$(helper check 2>&1); rc=$?
	is "$rc" 4 "$4: check exits 4"
	like "$out" "$3" "  and says where and why"
	out=$(open login 2>&1); rc=$?
	is "$rc" 4 "  a login is refused (fail closed)"
	rm -f "$D/$1"
}
invalid 60-dup.conf 'networks = {
  lab = { type = "isolated"; };
};' "error: $D/60-dup.conf:2: network 'lab' is already defined at $POLICY:2" \
	"a name the main file defines"
dropin 70-dup.conf 'networks = { twice = { type = "isolated"; }; };'
invalid 60-dup.conf '
networks = { twice = { type = "isolated"; }; };' \
	"error: $D/70-dup.conf:1: network 'twice' is already defined at $D/60-dup.conf:2" \
	"a name another drop-in defines"
rm -f "$D/70-dup.conf"
invalid 60-def.conf 'default = "host";' \
	"error: $D/60-def.conf:1: default: only the main file $POLICY may set it" \
	"a drop-in's default"
invalid 60-all.conf 'rules = ( { network = "host"; } );' \
	"error: $D/60-all.conf:1: rule: matches every login: only the main file may have such a rule" \
	"a drop-in's rule for every login (a default in all but name)"
invalid 60-broken.conf 'rules = ( {' "error: $D/60-broken.conf:[0-9]+: syntax error" \
	"a drop-in that does not parse"
invalid 60-net.conf 'rules = ( { user = "root"; network = "nosuch"; } );' \
	"error: $D/60-net.conf:1: rule: network 'nosuch' is not defined" \
	"a drop-in naming an unknown network"

# unsafe files and directory
unsafe() {	# unsafe WANT DESC
	out=$(helper check 2>&1); rc=$?
	is "$rc" 4 "$2: check exits 4"
	like "$out" "$1" "  and says which and why"
	out=$(open login 2>&1); rc=$?
	is "$rc" 4 "  a login is refused"
}
chmod 0664 "$D/50-corp.conf"
unsafe "error: $D/50-corp.conf: is writable by group or others" "a group-writable drop-in"
chmod 0644 "$D/50-corp.conf"
chown 1:1 "$D/50-corp.conf"
unsafe "error: $D/50-corp.conf: is not owned by root" "a drop-in owned by another user"
chown 0:0 "$D/50-corp.conf"
ln -s "$POLICY" "$D/80-link.conf"
unsafe "error: $D/80-link.conf: is a symbolic link" "a drop-in that is a symlink"
rm -f "$D/80-link.conf"
chmod 0777 "$D"
unsafe "error: $D: is writable by group or others" "a world-writable drop-in directory"
chmod 0755 "$D"
chown 1:1 "$D"
unsafe "error: $D: is not owned by root" "a drop-in directory owned by another user"
chown 0:0 "$D"
mv "$D" "$D.real"
ln -s "$D.real" "$D"
unsafe "error: $D: is a symbolic link" "a drop-in directory that is a symlink"
rm -f "$D"
mv "$D.real" "$D"
ok "all safe again" helper check

# without the directory: the main file alone
mv "$D" "$D.away"
out=$(helper check 2>&1); rc=$?
is "$rc" 0 "no drop-in directory: check exits 0"
is "$(printf '%s\n' "$out" | grep -c ': OK$')" 1 "  and reads the main file only"
mv "$D.away" "$D"

# --config FILE: the drop-ins of FILE, its .conf replaced by .d
mkdir -p "$PN_SANDBOX_DIR/alt/site.d"
printf 'networks = { alt = { type = "isolated"; }; };\n' > "$PN_SANDBOX_DIR/alt/site.conf"
printf 'rules = ( { user = "root"; network = "alt"; } );\n' > "$PN_SANDBOX_DIR/alt/site.d/a.conf"
chmod 0644 "$PN_SANDBOX_DIR/alt/site.conf" "$PN_SANDBOX_DIR/alt/site.d/a.conf"
like "$("$HELPER" --config "$PN_SANDBOX_DIR/alt/site.conf" explain root)" \
	"rule: +$PN_SANDBOX_DIR/alt/site.d/a.conf:1 " "--config /x/site.conf reads /x/site.d/*.conf"
rm -rf "$PN_SANDBOX_DIR/alt"

# --- through libpam: pam_netns.so conf= reads the file's drop-ins too
. "$TESTS_DIR/e2e/e2e.sh"
e2e_users
pam_service pn-drop $MOD_ARGS
dropin 60-pn.conf 'rules = ( { user = "pnuser"; network = "corp"; scope = "session"; } );'
host=$(stat -L -c %i /proc/self/ns/net)
out=$(driver -s pn-drop pnuser)
is "$(kv open "$out")" 0 "a login by a drop-in's rule, through the module"
like "$(kv env_netns "$out")" '^corp\.pnuser\.[0-9]+$' "  lands in the drop-in's network"
ok "  in its namespace" test "$(kv netns "$out")" != "$host"
is "$(kv close "$out")" 0 "  and closes"
printf 'rules = ( {\n' > "$D/60-pn.conf"
out=$(driver -s pn-drop pnuser)
ok "a broken drop-in: the module refuses the login" test "$(kv open "$out")" != 0
like "$out" "log=.*60-pn.conf:[0-9]+: syntax error" "  and logs the drop-in's error"
is "$(kv netns "$out")" "$host" "  the process stays where it was"
rm -f "$D/60-pn.conf"
out=$(driver -s pn-drop pnuser)
ok "without the drop-in, the main file's default deny refuses pnuser" test "$(kv open "$out")" != 0
like "$out" "log=.*no rule matches and the default is deny" "  by the policy"
sandbox_clean
done_testing
