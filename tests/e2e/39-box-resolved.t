#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DNS under systemd-resolved, for real (../shared/tools/systemd-box, with
# Debian's systemd-resolved and libnss-resolve installed in the box only):
# /etc/resolv.conf is resolved's stub symlink, resolved's upstream answers
# one address, the network's DNS server another. A confined login resolves
# through its network's server: its resolv.conf, NSS (nss-resolve's
# varlink socket is masked, so NSS falls back to dns), not the stub at
# 127.0.0.53. resolved's D-Bus API still answers over the system bus (the
# documented limit), until the shipped D-Bus policy denies it to the
# confined users' group.
. "$(dirname "$0")/../lib.sh"
needs_root
. "$TESTS_DIR/e2e/box.sh"

# resolved for the box only: installing it on this machine would replace
# its /etc/resolv.conf
debs=$B/resolved-debs
mkdir -p "$debs"
get() { (cd "$debs" && apt-get download -q systemd-resolved libnss-resolve >/dev/null 2>&1); }
ls "$debs"/systemd-resolved_*.deb >/dev/null 2>&1 || get ||
	{ apt-get update -qq >/dev/null 2>&1; get; }
ok "systemd-resolved and libnss-resolve are downloaded" ls "$debs"/systemd-resolved_*.deb "$debs"/libnss-resolve_*.deb

box_start_tree pnr --bind-ro "$debs"

# The box's network: an uplink to "wan", which runs two DNS servers on
# documentation addresses: the lab network's (198.51.100.1) answers
# test.example with 192.0.2.7, resolved's upstream (203.0.113.1) with
# 203.0.113.9.
inbox sh -c '
ip netns add wan
ip link add uplink0 type veth peer name wan0 netns wan
ip addr add 198.51.100.2/24 dev uplink0 && ip link set uplink0 up
ip -n wan link set lo up
ip -n wan addr add 198.51.100.1/24 dev wan0 && ip -n wan link set wan0 up
ip -n wan addr add 203.0.113.1/32 dev lo
ip route add default via 198.51.100.1
for s in 198.51.100.1:192.0.2.7 203.0.113.1:203.0.113.9; do
	ip netns exec wan dnsmasq --conf-file=/dev/null --no-resolv --no-hosts \
		--listen-address=${s%:*} --bind-interfaces --user=root --group=root \
		--address=/test.example/${s#*:} --pid-file=/run/dnsmasq-${s%:*}.pid
done'
inbox rm -f /usr/sbin/policy-rc.d
inbox sh -c "DEBIAN_FRONTEND=noninteractive dpkg -i $debs/*.deb >/dev/null 2>&1"
inbox sh -c 'mkdir -p /etc/systemd/resolved.conf.d &&
	printf "[Resolve]\nDNS=203.0.113.1\nDNSStubListener=yes\n" > /etc/systemd/resolved.conf.d/test.conf &&
	systemctl restart systemd-resolved'
like "$(inbox readlink /etc/resolv.conf)" "run/systemd/resolve/stub-resolv.conf" \
	"the box's /etc/resolv.conf is resolved's stub symlink"
is "$(inbox getent hosts test.example | awk '{print $1}')" 203.0.113.9 "on the host, resolved answers 203.0.113.9"

ok "make install in the box (the build is up to date: the tree is read-only there)" inbox make -s -C "$ROOT" B="$B" install
inbox sh -c 'useradd -m -s /bin/bash alice && cat > /etc/security/pam_netns.conf' <<'EOT'
networks = { lab = { type = "nat"; pool = "10.213.0.0/16"; dns = [ "198.51.100.1" ]; }; };
rules = ( { user = "alice"; network = "lab"; scope = "user"; } );
default = "host";
EOT
inbox sh -c 'DEBIAN_FRONTEND=noninteractive pam-auth-update --enable netns'
inbox sh -c 'mkdir -p /root/k && ssh-keygen -q -t ed25519 -N "" -f /root/k/key &&
	install -d -m 700 -o alice -g alice ~alice/.ssh &&
	install -m 600 -o alice -g alice /root/k/key.pub ~alice/.ssh/authorized_keys'
login() {
	inbox ssh -i /root/k/key -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR alice@127.0.0.1 "$@" 2>&1
}

out=$(login 'echo "conf=$(grep nameserver /etc/resolv.conf)"
	echo "nss=$(getent hosts test.example | cut -d" " -f1)"
	echo "stub=$('"$B"'/tests/tools/probe -t 700 127.0.0.53 53)"
	echo "varlink=$(ls -A /run/systemd/resolve)"
	echo "dbus=$(resolvectl query test.example 2>&1 | head -n1)"')
is "$(kv conf "$out")" "nameserver 198.51.100.1" "the login's resolv.conf is the network's, over the stub symlink"
is "$(kv nss "$out")" 192.0.2.7 "NSS resolves through the network's server"
like "$(kv stub "$out")" "^error" "the stub at 127.0.0.53 is out of reach"
is "$(kv varlink "$out")" "" "nss-resolve's varlink socket directory is masked"
like "$(kv dbus "$out")" "203\.0\.113\.9" "resolved's D-Bus API still answers from the host's network (the documented limit)"

# the shipped D-Bus policy closes it for the confined users' group
inbox sh -c "groupadd netns-confined && usermod -aG netns-confined alice &&
	install -m 0644 $ROOT/etc/dbus/pam_netns-resolve1.conf /etc/dbus-1/system.d/ &&
	systemctl reload dbus"
out=$(login 'echo "dbus=$(resolvectl query test.example 2>&1 | head -n1)"
	echo "nss=$(getent hosts test.example | cut -d" " -f1)"')
like "$(kv dbus "$out")" "[Aa]ccess denied|not allowed|AccessDenied" "with the D-Bus policy, resolved refuses the confined user"
is "$(kv nss "$out")" 192.0.2.7 "and names still resolve through the network's server"
is "$(inbox getent hosts test.example | awk '{print $1}')" 203.0.113.9 "the host's own resolving is unchanged"
done_testing
