#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile files (THREATS.md 1 and 3): what is planted in /run/netns,
# /etc/netns or /run/pam_netns, and policy files anyone but root could have
# written, are refused with a clear message and change nothing.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = { offline = { type = "isolated"; }; };
rules = ( { user = "root"; network = "offline"; scope = "user"; } );'
good=$POLICY
open() { helper session-open --user root --service sshd --pid $$; }

# --- /run/netns: symlink, FIFO, plain file where a namespace should be
for kind in symlink fifo file; do
	case $kind in
	symlink) ln -s /proc/1/ns/net /run/netns/offline.root ;;
	fifo) mkfifo /run/netns/offline.root ;;
	file) : > /run/netns/offline.root ;;
	esac
	out=$(timeout 10 "$HELPER" --config "$good" session-open --user root --service sshd --pid $$ 2>&1); rc=$?
	is "$rc" 1 "a $kind planted in /run/netns: session-open fails"
	like "$out" "not made by pam_netns" "  and says the name is taken by something else"
	is "$(kv action "$out")" "" "  and gives no join answer"
	rm -f /run/netns/offline.root
done

# a namespace of ours replaced behind the helper's back
a=$(open)
umount /run/netns/offline.root && rm /run/netns/offline.root
ln -s /proc/1/ns/net /run/netns/offline.root
out=$(open 2>&1); rc=$?
is "$rc" 1 "joining a namespace replaced by a symlink fails"
is "$(kv action "$out")" "" "  with no join answer"
rm /run/netns/offline.root
helper session-close --session "$(kv session "$a")" >/dev/null 2>&1
helper gc >/dev/null

# --- /etc/netns/NAME planted as a symlink to /etc
ln -s /etc /etc/netns/offline.root
sum=$(ls -la /etc | md5sum)
out=$(open 2>&1); rc=$?
is "$rc" 1 "a symlink at /etc/netns/NAME: session-open fails"
like "$out" "/etc/netns/offline.root/resolv.conf: cannot write" "  naming the path"
is "$(ls -la /etc | md5sum)" "$sum" "  and /etc is untouched"
ok "  and the half-made namespace is rolled back" test ! -e /run/netns/offline.root
rm /etc/netns/offline.root

# --- /run/pam_netns with a mode others could use
chmod 0755 /run/pam_netns
out=$(open 2>&1); rc=$?
is "$rc" 1 "a state dir readable by others is refused"
like "$out" "must be a directory owned by root with mode 0700" "  with the reason"
chmod 0700 /run/pam_netns

# --- policy files only root could have written (THREATS 3)
try() {	# try NAME EXPECTED-MESSAGE: check and session-open both refuse
	local out rc
	out=$("$HELPER" --config "$POLICY" check 2>&1); rc=$?
	is "$rc" 4 "$1: check exits 4"
	like "$out" "$2" "  message: $2"
	out=$(timeout 10 "$HELPER" --config "$POLICY" session-open --user root --service sshd --pid $$ 2>&1); rc=$?
	is "$rc" 4 "  session-open fails closed (exit 4)"
}
d=$PN_SANDBOX_DIR/conf; mkdir -m 0755 "$d"
cp "$good" "$d/p.conf"
POLICY=$d/p.conf
chown 65534 "$d/p.conf"; try "not owned by root" "p.conf: is not owned by root"
chown 0 "$d/p.conf"; chmod 0664 "$d/p.conf"
try "group-writable" "p.conf: is writable by group or others"
chmod 0644 "$d/p.conf"; chmod 0775 "$d"
try "parent dir group-writable" "parent directory $d is writable by group or others"
chmod 0755 "$d"
ln -s "$good" "$d/link.conf"; POLICY=$d/link.conf
try "a symlink" "link.conf: is a symbolic link"
mkfifo "$d/fifo.conf"; POLICY=$d/fifo.conf
try "a FIFO" "fifo.conf: is not a regular file"
head -c 1100000 /dev/zero | tr '\0' '#' > "$d/huge.conf"; POLICY=$d/huge.conf
try "1.1 MB" "huge.conf: is larger than 1048576 bytes"
printf '@include "/etc/passwd"\n' > "$d/inc.conf"; POLICY=$d/inc.conf
try "@include" "inc.conf:1: @include is not allowed"
printf 'networks = { lab = { type = "nat"; pool = "10.0.0.1/8"; }; };\n' > "$d/bad.conf"; POLICY=$d/bad.conf
try "a bad pool" "bad.conf:1: network 'lab': 'pool' '10.0.0.1/8': host bits set"
sandbox_clean
done_testing
