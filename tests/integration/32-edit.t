#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edit, the policy's visudo: the editor ($VISUAL, $EDITOR) works on a copy
# next to the file; a valid copy replaces the file in one rename, keeping
# its owner and mode; an invalid one is refused when there is no terminal
# to ask (and edited again when the answer on one is 'e'); an unchanged
# one changes nothing. No copy is ever left behind, also on SIGTERM.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

D=$PN_SANDBOX_DIR
valid='networks = { offline = { type = "isolated"; }; };
rules = ( { user = "root"; network = "offline"; } );'
policy "$valid"
copies() { ls -A "$D" | grep '^pam_netns\.conf\.' || true; }
sum() { sha256sum "$POLICY" | cut -d' ' -f1; }

# editor NAME BODY: an editor script $D/NAME; "$1" is the file to edit
editor() {
	printf '#!/bin/sh\n%s\n' "$2" > "$D/$1"
	chmod 0755 "$D/$1"
}
editor writes 'printf "%s\n" "$PN_NEW" > "$1"'
editor nothing 'exit 0'
editor fails 'echo "# half" >> "$1"; exit 3'

# (a) a valid new version is installed
new='networks = { lab = { type = "isolated"; }; };
rules = ( { user = "root"; network = "lab"; } );'
chmod 0640 "$POLICY"
out=$(PN_NEW=$new EDITOR=$D/writes helper edit 2>&1 </dev/null); rc=$?
is "$rc" 0 "a valid version: edit exits 0"
like "$out" "$POLICY: installed" "and says so"
is "$(cat "$POLICY")" "$new" "the file has the new text"
is "$(stat -c '%a %u %g' "$POLICY")" "640 0 0" "with the file's mode and owner"
is "$(copies)" "" "no copy is left"
ok "check agrees" helper check

# (b) a broken version, stdin not a terminal: refused, the file untouched
before=$(sum)
broken='networks = { lab = { type = "isolated"; };
  bad = { tpye = "nat"; }; };'
out=$(PN_NEW=$broken EDITOR=$D/writes helper edit 2>&1 </dev/null); rc=$?
is "$rc" 4 "an invalid version: edit exits 4"
like "$out" "error: $POLICY:2: network 'bad': unknown key 'tpye'" \
	"the error names the file (not the copy) and the line"
like "$out" "$POLICY: unchanged: the edited version is invalid" "and says the file was kept"
is "$(sum)" "$before" "the file is unchanged"
is "$(copies)" "" "no copy is left"

# (c) no change
ino=$(stat -c %i "$POLICY")
out=$(EDITOR=$D/nothing helper edit 2>&1 </dev/null); rc=$?
is "$rc" 0 "nothing changed: edit exits 0"
like "$out" "$POLICY: unchanged\$" "and says so"
is "$(stat -c %i "$POLICY")" "$ino" "the file was not replaced"
is "$(copies)" "" "no copy is left"

# the editor's exit status
out=$(EDITOR=$D/fails helper edit 2>&1 </dev/null); rc=$?
is "$rc" 1 "an editor that fails: edit exits 1"
like "$out" "the editor \\($D/fails\\) exited with status 3" "and says why"
is "$(sum)" "$before" "the file is unchanged"
is "$(copies)" "" "no copy is left"

# $VISUAL before $EDITOR, blank ones skipped, arguments, the caller's
# environment
editor args 'echo "# $PN_MARK $1" >> "$2"'
out=$(PN_MARK=marked VISUAL="$D/args --flag" EDITOR=$D/fails helper edit 2>&1 </dev/null); rc=$?
is "$rc" 0 "\$VISUAL with an argument"
is "$(tail -n1 "$POLICY")" "# marked --flag" "runs with its argument and the caller's environment"
out=$(VISUAL=' ' PN_NEW=$valid EDITOR=$D/writes helper edit 2>&1 </dev/null); rc=$?
is "$(cat "$POLICY")" "$valid" "a blank \$VISUAL is skipped for \$EDITOR"
out=$(EDITOR="$D/nothing"$'\n'x helper edit 2>&1 </dev/null); rc=$?
is "$rc" 2 "an \$EDITOR with a control character is refused"
like "$out" "\\\$EDITOR contains a control character" "and says so"

# a warning does not stop a valid version
out=$(PN_NEW='rules = ( { user = "contractrs"; network = "host"; } );' \
	EDITOR=$D/writes helper edit 2>&1 </dev/null); rc=$?
is "$rc" 0 "a version with warnings is installed"
like "$out" "warning: $POLICY:1: rule names user 'contractrs', unknown to NSS" "with the warnings"

# a file that does not exist yet starts empty, and is made root:root 0644
rm -f "$POLICY"
editor fresh '[ -s "$1" ] && exit 9; printf "%s\n" "$PN_NEW" > "$1"'
out=$(PN_NEW=$valid EDITOR=$D/fresh helper edit 2>&1 </dev/null); rc=$?
is "$rc" 0 "a new file: edit exits 0"
is "$(cat "$POLICY" 2>&1)" "$valid" "the editor started from an empty file"
is "$(stat -c '%a %u %g' "$POLICY")" "644 0 0" "root:root 0644"
rm -f "$POLICY"
out=$(EDITOR=$D/nothing helper edit 2>&1 </dev/null); rc=$?
like "$out" "unchanged" "a new file left empty is not made"
fails "and is not there" test -e "$POLICY"
policy "$valid"
before=$(sum)

# an unsafe file is not edited
chmod 0666 "$POLICY"
out=$(EDITOR=$D/writes helper edit 2>&1 </dev/null); rc=$?
is "$rc" 4 "a world-writable file is refused"
like "$out" "is writable by group or others" "with the loader's reason"
chmod 0644 "$POLICY"

# root only
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
out=$(EDITOR=$D/writes $nobody "$HELPER" --config "$POLICY" edit 2>&1); rc=$?
is "$rc" 1 "edit needs root"
like "$out" "needs root" "and says so"

# SIGTERM while the editor runs: passed on, and the copy removed
editor waits 'echo $$ > "'"$D"'/editor.pid"; exec sleep 60'
EDITOR=$D/waits "$HELPER" --config "$POLICY" edit </dev/null >/dev/null 2>&1 &
h=$!
wait_until '[ -s "$D/editor.pid" ]'
like "$(copies)" "pam_netns\\.conf\\.......\$" "the copy exists while the editor runs"
kill -TERM "$h"
wait "$h"; rc=$?
is "$rc" 143 "the helper ends by the SIGTERM"
fails "the editor got it too" kill -0 "$(cat "$D/editor.pid")"
is "$(copies)" "" "no copy is left"
is "$(sum)" "$before" "the file is unchanged"
kill "$(cat "$D/editor.pid")" 2>/dev/null

# on a terminal, an invalid version is edited again on 'e', dropped on 'x'
editor twice 'n=$(cat "'"$D"'/runs" 2>/dev/null || echo 0); echo $((n + 1)) > "'"$D"'/runs"
if [ "$n" = 0 ]; then echo "bad = 1;" > "$1"; else printf "%s\n" "$PN_NEW" > "$1"; fi'
rm -f "$D/runs"
out=$(printf 'e\n' | PN_NEW=$new EDITOR=$D/twice script -qec "$HELPER --config $POLICY edit" /dev/null 2>&1); rc=$?
is "$rc" 0 "on a terminal: 'e' edits again, and the fixed version is installed"
like "$out" "What now\\? \\(e\\)dit again, e\\(x\\)it without saving" "after asking"
is "$(cat "$D/runs")" 2 "the editor ran twice"
is "$(cat "$POLICY")" "$new" "the second version is the file"
before=$(sum)
rm -f "$D/runs"
out=$(printf 'x\n' | PN_NEW=$valid EDITOR=$D/twice script -qec "$HELPER --config $POLICY edit" /dev/null 2>&1); rc=$?
is "$rc" 4 "'x' exits without saving"
is "$(sum)" "$before" "the file is unchanged"
is "$(copies)" "" "no copy is left"

# drop-ins: edit NAME (or its path) edits one, checked with the other files
DD=$D/pam_netns.d
dcopies() { ls -A "$DD" 2>/dev/null | grep -v '\.conf$' || true; }
policy 'networks = { offline = { type = "isolated"; }; };
rules = ( { user = "root"; service = "sshd"; network = "offline"; } );'
rm -rf "$DD"
out=$(EDITOR=$D/nothing helper edit 50-lab.conf 2>&1 </dev/null); rc=$?
is "$rc" 0 "a new drop-in left empty: edit exits 0"
fails "  and makes neither it nor its directory" test -e "$DD"
lab='networks = { lab = { type = "isolated"; }; };
rules = ( { user = "root"; service = "login"; network = "lab"; } );'
out=$(PN_NEW=$lab EDITOR=$D/writes helper edit 50-lab.conf 2>&1 </dev/null); rc=$?
is "$rc" 0 "a new drop-in by name: edit exits 0"
like "$out" "$DD/50-lab.conf: installed" "and names the drop-in"
is "$(cat "$DD/50-lab.conf")" "$lab" "the drop-in has the new text"
is "$(stat -c '%a %u %g' "$DD" "$DD/50-lab.conf" | tr '\n' ' ')" "755 0 0 644 0 0 " \
	"the directory is made root:root 0755, the drop-in root:root 0644"
like "$(helper explain root --service login)" "rule: +$DD/50-lab.conf:2 " "logins read it"
before=$(sha256sum "$DD/50-lab.conf")
out=$(PN_NEW='networks = { offline = { type = "isolated"; }; };' \
	EDITOR=$D/writes helper edit "$DD/50-lab.conf" 2>&1 </dev/null); rc=$?
is "$rc" 4 "a drop-in by path, redefining a network of the main file: edit exits 4"
like "$out" "error: $DD/50-lab.conf:1: network 'offline' is already defined at $POLICY:1" \
	"the error names the drop-in (not the copy) and the main file's line"
is "$(sha256sum "$DD/50-lab.conf")" "$before" "the drop-in is unchanged"
is "$(dcopies)" "" "no copy is left"
out=$(PN_NEW='networks = { offline = { type = "isolated"; }; lab = { type = "isolated"; }; };' \
	EDITOR=$D/writes helper edit 2>&1 </dev/null); rc=$?
is "$rc" 4 "the main file, defining a network a drop-in defines: edit exits 4"
like "$out" "error: $DD/50-lab.conf:1: network 'lab' is already defined at $POLICY:1" \
	"checked together with the drop-ins"
out=$(PN_NEW='rules = ( { network = "deny"; } );' \
	EDITOR=$D/writes helper edit 60-all.conf 2>&1 </dev/null); rc=$?
is "$rc" 4 "a drop-in with a rule for every login: edit exits 4"
fails "  and it is not made" test -e "$DD/60-all.conf"
out=$(EDITOR=$D/writes helper edit notes.txt 2>&1 </dev/null); rc=$?
is "$rc" 2 "a name that would not be read: edit exits 2"
like "$out" "'notes.txt': a drop-in is read only when its name ends in \".conf\"" "and says why"
out=$(EDITOR=$D/writes helper edit .x.conf 2>&1 </dev/null); rc=$?
is "$rc" 2 "a hidden name: edit exits 2"
out=$(EDITOR=$D/writes helper edit /etc/passwd 2>&1 </dev/null); rc=$?
is "$rc" 2 "a path outside the drop-in directory: edit exits 2"
like "$out" "/etc/passwd is neither the policy file $POLICY nor a drop-in of $DD/" "and says so"
chmod 0664 "$DD/50-lab.conf"
out=$(EDITOR=$D/writes helper edit 50-lab.conf 2>&1 </dev/null); rc=$?
is "$rc" 4 "an unsafe drop-in is not edited"
like "$out" "$DD/50-lab.conf: is writable by group or others" "with the loader's reason"
chmod 0644 "$DD/50-lab.conf"
mv "$POLICY" "$POLICY.away"
out=$(PN_NEW=$lab EDITOR=$D/writes helper edit 70-x.conf 2>&1 </dev/null); rc=$?
is "$rc" 4 "a drop-in without the main file: edit exits 4"
like "$out" "$POLICY: cannot open: No such file or directory: a drop-in is read only with the policy file" "and says why"
mv "$POLICY.away" "$POLICY"
rm -rf "$DD"
sandbox_clean
done_testing
