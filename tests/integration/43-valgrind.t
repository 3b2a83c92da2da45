#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The helper under valgrind (memcheck): every verb on the isolated and
# nat kinds (and those of adopted VPN devices), including a rollback (an exhausted pool) and gc, with zero
# errors and zero definitely lost bytes.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
command -v valgrind >/dev/null || { echo "not ok 1 - valgrind is missing"; echo 1..1; exit 1; }

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/30"; pool6 = "fd6e:7300::/48"; dns = [ "192.0.2.53" ]; };
  iso = { type = "isolated"; };
  vg = { type = "vpn"; interface = "vgtun"; address = "10.97.0.2/24"; dns = "10.97.0.1"; };
};
rules = (
  { user = "root"; service = "nat"; network = "lab"; scope = "session"; },
  { user = "root"; service = "iso"; network = "iso"; scope = "user"; },
  { user = "root"; service = "no"; network = "deny"; },
);'
log=$PN_SANDBOX_DIR/vg.log
# vg NAME ARGS...: run the helper under memcheck; errors make it exit 99
vg() {
	local name=$1 rc
	shift
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --log-file="$log" \
		"$HELPER" --config "$POLICY" "$@" > "$PN_SANDBOX_DIR/out" 2>/dev/null
	rc=$?
	# (valgrind's notes on nsfs ioctls it has no wrapper for are no errors)
	if [ $rc = 99 ]; then
		_result 1 "valgrind: $name"
		sed 's/^/#   /' "$log" | head -n 40
	else
		_result 0 "valgrind: $name (exit $rc)"
	fi
}
out() { cat "$PN_SANDBOX_DIR/out"; }

vg check check
printf '#!/bin/sh\necho "# edited" >> "$1"\n' > "$PN_SANDBOX_DIR/ed"
chmod 0755 "$PN_SANDBOX_DIR/ed"
EDITOR=$PN_SANDBOX_DIR/ed vg edit edit
vg explain explain root --service nat
vg "session-open nat" session-open --user root --service nat --pid $$
a=$(kv session "$(out)"); A=$(kv netns "$(out)")
c=$(kv session "$(helper session-open --user root --service nat --pid $$)")
vg "session-open isolated" session-open --user root --service iso --pid $$
b=$(kv session "$(out)")
vg "session-open deny" session-open --user root --service no --pid $$
vg "session-open nat, pool exhausted (rollback)" session-open --user root --service nat --pid $$
vg list list
vg "list --json" list --json
vg status status "$A"
vg "session-close nat" session-close --session "$a"
helper session-close --session "$c"
vg "session-close isolated" session-close --session "$b"
vg "up" up iso --name shared1
vg "down" down shared1
sleep 600 & owner=$!
helper session-open --user root --service nat --pid $owner >/dev/null
kill $owner; wait $owner 2>/dev/null
vg "gc (reclaims a dead owner's session)" gc

# an adopted device: remade on the host, reported by its client
ip tuntap add dev vgtun mode tun
helper up vg
ip -n vg link del vgtun
ip tuntap add dev vgtun mode tun
vg "adopt (takes a remade device back)" adopt
like "$(out)" "adopt: vg: its device is back inside" "  and says so"
vg "tunnel (agrees)" tunnel --dev vgtun --address 10.97.0.2/24 --dns 10.97.0.1
vg "tunnel (refused: sets the device down)" tunnel --dev vgtun --address 10.97.0.7/24
like "$(out)" "which is not the policy's: set down in the namespace" "  and says why"
vg "openvpn-up (no service)" openvpn-up
dev=vgtun ifconfig_local=10.97.0.2 ifconfig_netmask=255.255.255.0 \
	foreign_option_1="dhcp-option DNS 10.97.0.1" vg "openvpn-up (as OpenVPN runs it)" openvpn-up vgtun 1500 0 init
helper down vg >/dev/null
ip link del vgtun
helper adopt >/dev/null

# drop-ins: read, refused, edited
DD=$PN_SANDBOX_DIR/pam_netns.d
mkdir -m 0755 "$DD"
printf 'networks = { more = { type = "isolated"; }; };\nrules = ( { user = "root"; service = "more"; network = "more"; } );\n' > "$DD/50-more.conf"
printf 'nor = this;\n' > "$DD/50-more.conf~"
chmod 0644 "$DD"/*
vg "check with a drop-in" check
vg "explain by a drop-in's rule" explain root --service more
vg "status --json" status "$(kv netns "$(helper session-open --user root --service more --pid $$)")" --json
helper down --force more.root >/dev/null 2>&1
EDITOR=$PN_SANDBOX_DIR/ed vg "edit a drop-in" edit 50-more.conf
EDITOR=$PN_SANDBOX_DIR/ed vg "edit a new drop-in" edit 60-new.conf
printf 'networks = { lab = { type = "isolated"; }; };\n' > "$DD/70-dup.conf"
chmod 0644 "$DD/70-dup.conf"
vg "check with a duplicate network (invalid)" check
chmod 0666 "$DD/70-dup.conf"
vg "check with an unsafe drop-in (invalid)" check
rm -rf "$DD"
sandbox_clean
done_testing
