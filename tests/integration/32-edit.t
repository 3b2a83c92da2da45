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
for i in $(seq 50); do [ -s "$D/editor.pid" ] && break; sleep 0.1; done
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
sandbox_clean
done_testing
