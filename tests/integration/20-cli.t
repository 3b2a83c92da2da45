#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netns-helper's command line: help, version, exit codes, usage errors,
# root-only verbs, and refusal to run setuid.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = { offline = { type = "isolated"; }; };
rules = ( { user = "root"; network = "offline"; } );'

out=$("$HELPER" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" "session-open --user U" "--help lists the verbs"
like "$("$HELPER" --version)" "^netns-helper [0-9]" "--version"

out=$("$HELPER" frobnicate 2>&1); rc=$?
is "$rc" 2 "an unknown verb exits 2"
like "$out" "unknown verb 'frobnicate'" "and says which"
out=$("$HELPER" --bogus check 2>&1); rc=$?
is "$rc" 2 "an unknown option exits 2"
out=$("$HELPER" --config relative.conf check 2>&1); rc=$?
is "$rc" 2 "a relative --config exits 2"
out=$(helper session-open --user root 2>&1); rc=$?
is "$rc" 2 "session-open without --service/--pid exits 2"
like "$out" "usage: session-open" "and prints its usage"
out=$(helper session-close --session '../../etc' 2>&1); rc=$?
is "$rc" 2 "a malformed session token is refused"

out=$("$HELPER" --config "$PN_SANDBOX_DIR/none.conf" check 2>&1); rc=$?
is "$rc" 4 "a missing policy file exits 4"
like "$out" "none.conf: cannot open" "and names the file"

# a non-root caller: read-only verbs work, changing ones are refused
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
out=$($nobody "$HELPER" --config "$POLICY" check 2>&1); rc=$?
is "$rc" 0 "check works without root"
out=$($nobody "$HELPER" --config "$POLICY" session-open --user root \
	--service sshd --pid $$ 2>&1); rc=$?
is "$rc" 1 "session-open as non-root exits 1"
like "$out" "needs root" "and says it needs root"
is "$(ls -A /run/netns | grep -vx wan)" "" "and made no namespace"

# a setuid copy refuses to do anything
cp "$HELPER" "$PN_SANDBOX_DIR/netns-helper.suid"
chmod 4755 "$PN_SANDBOX_DIR/netns-helper.suid"
out=$($nobody "$PN_SANDBOX_DIR/netns-helper.suid" --version 2>&1); rc=$?
is "$rc" 1 "a setuid copy exits 1"
like "$out" "refusing to run setuid" "and says why"
rm -f "$PN_SANDBOX_DIR/netns-helper.suid"

# explain changes nothing and answers by rule line
out=$(helper explain root --service sshd); rc=$?
is "$rc" 0 "explain exits 0"
like "$out" "rule: +$POLICY:2 " "explain names the rule's line"
like "$out" "netns: +offline.root" "explain names the namespace"
sandbox_clean "explain and check changed nothing"
done_testing
