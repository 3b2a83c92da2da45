#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# OpenVPN as the adopted tunnel under a real systemd
# (../shared/tools/systemd-box), with Debian's own units: the client is
# openvpn-client@corp.service (its capability bounding set, its
# sandboxing), configured as pam_netns.conf(5) says; the server runs in a
# "lan" namespace behind the box's uplink, pushing redirect-gateway, DNS
# and the client's fixed address. With netns-helper.socket enabled, an
# ssh login of alice lands in the shared namespace "corp" holding lo and
# tun-corp, reaching the server through the tunnel. `systemctl kill -s
# HUP` and `-s USR1` of the client and a restart of the server each leave
# the session with a working tunnel again, taken back by the service; the
# box's own network never has a route through tun-corp; the service's
# journal has no warning. The box is started from the host and stopped at
# the end.
. "$(dirname "$0")/../lib.sh"
needs_root
. "$TESTS_DIR/e2e/box.sh"

box_needs openvpn openssl busybox
box_start_tree pnovpn
box_install

out=$(inbox env ROOT="$ROOT" sh -ec '
ip netns add lan
ip -n lan link set lo up
ip link add uplink0 type veth peer name wan0 netns lan
ip -n lan addr add 198.51.100.1/24 dev wan0
ip -n lan link set wan0 up
ip addr add 198.51.100.2/24 dev uplink0
ip link set uplink0 up
sh "$ROOT/tests/openvpn.sh" /root/ovpn /etc/openvpn/client/corp.conf tun-corp
cat >> /etc/openvpn/client/corp.conf <<EOF
persist-tun
ifconfig-noexec
route-noexec
script-security 2
up "/usr/sbin/netns-helper openvpn-up"
EOF
cat > /etc/security/pam_netns.conf <<EOF
networks = {
  corp = { type = "vpn"; interface = "tun-corp"; address = "10.98.0.2/24";
           dns = "10.98.0.1"; };
};
rules = (
  { user = "alice"; service = "sshd"; network = "corp"; scope = "shared"; },
);
default = "host";
EOF
netns-helper check
mkdir -p /root/k && ssh-keygen -q -t ed25519 -N "" -f /root/k/key
useradd -m -s /bin/bash alice
install -d -m 700 -o alice -g alice /home/alice/.ssh
install -m 600 -o alice -g alice /root/k/key.pub /home/alice/.ssh/authorized_keys
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable netns
systemctl enable -q --now netns-helper.socket
' 2>&1)
rc=$?
is "$rc" 0 "the box has its uplink, the OpenVPN server's keys, the client's configuration, alice and the policy"
[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/# /'

reach() { inbox ip netns exec corp busybox ping -c 1 -w 10 10.98.0.1 >/dev/null 2>&1; }
connected() { inbox journalctl -q -o cat -u openvpn-client@corp | grep -c 'Initialization Sequence Completed'; }
cursor=$(inbox journalctl -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p')

inbox systemd-run -q --unit=routemon sh -c 'exec ip monitor route > /run/routemon.log 2>&1'
inbox systemd-run -q --unit=ovpn-server ip netns exec lan openvpn --config /root/ovpn/server.conf
ok "the server's tunnel is up" waitfor "ip -n lan -4 addr show dev tun-srv 2>/dev/null | grep -q 10.98.0.1"
ok "systemctl start openvpn-client@corp" inbox systemctl start openvpn-client@corp
ok "the client connects" waitfor "journalctl -q -o cat -u openvpn-client@corp | grep -q 'Initialization Sequence Completed'"
is "$(inbox ip -o addr show dev tun-corp)" "" "its tun-corp is on the box's host network, unconfigured"

inbox systemd-run -q --unit=s-alice $SSH alice@127.0.0.1 'exec sleep 3600'
ok "alice's ssh login is open" waitfor "[ -e /run/netns/corp ] && [ \$(ls /run/pam_netns/sessions 2>/dev/null | wc -l) = 1 ]"
is "$(inbox systemctl is-active netns-helper.service)" active "the login started the service"
is "$(inbox $SSH alice@127.0.0.1 'ip -o link show | cut -d: -f2 | tr -d " " | cut -d@ -f1 | tr "\n" " "; grep nameserver /etc/resolv.conf')" \
   "lo tun-corp nameserver 10.98.0.1" "alice's login sees lo and tun-corp, and the VPN's DNS"
ok "the server answers through the tunnel" reach
ok "tun-corp left the host" inbox sh -c '! ip link show tun-corp >/dev/null 2>&1'

# again TITLE: the tunnel of the session works again, the device inside
again() {
	ok "$1: tun-corp is back inside, not on the host" \
		waitfor "ip -n corp link show tun-corp >/dev/null 2>&1 && ! ip link show tun-corp >/dev/null 2>&1"
	ok "$1: the server answers through the tunnel again" reach
}
idx() { inbox ip -n corp -o link show tun-corp 2>/dev/null | cut -d: -f1; }
old=$(idx)
n=$(connected)
ok "systemctl kill -s HUP openvpn-client@corp" inbox systemctl kill -s HUP openvpn-client@corp
ok "HUP: the client connects again" waitfor "[ \$(journalctl -q -o cat -u openvpn-client@corp | grep -c 'Initialization Sequence Completed') -gt $n ]"
again "HUP"
isnt_idx=$(idx)
ok "HUP: the device inside is a new one, made on the host and taken back (ifindex $old, now $isnt_idx)" \
	test -n "$isnt_idx" -a "$isnt_idx" != "$old"
n=$(connected)
ok "systemctl kill -s USR1 openvpn-client@corp" inbox systemctl kill -s USR1 openvpn-client@corp
ok "USR1: the client connects again" waitfor "[ \$(journalctl -q -o cat -u openvpn-client@corp | grep -c 'Initialization Sequence Completed') -gt $n ]"
again "USR1"
n=$(connected)
inbox systemctl stop ovpn-server
inbox systemd-run -q --unit=ovpn-server2 ip netns exec lan openvpn --config /root/ovpn/server.conf
ok "server restart: the client connects again" waitfor "[ \$(journalctl -q -o cat -u openvpn-client@corp | grep -c 'Initialization Sequence Completed') -gt $n ]"
again "server restart"

# what the server gave the client, reported by openvpn-up from the unit
journal() { inbox journalctl -q -o cat -u openvpn-client@corp | grep -c -- "$1"; }
ok "openvpn-up reported what the server gave the client, which agrees with the policy" \
	test "$(journal 'tunnel: tun-corp: 10.98.0.2/24 agrees with the policy')" -ge 1
inbox sh -c 'echo "ifconfig-push 10.98.0.7 255.255.255.0" > /root/ovpn/ccd/client'
inbox systemctl kill -s USR1 openvpn-client@corp
ok "a changed pushed address is refused, with the reason in the client's journal" \
	waitfor "journalctl -q -o cat -u openvpn-client@corp | grep -q \"gave 'tun-corp' the address 10.98.0.7/24, which is not the policy's\""
ok "the refused tun-corp is inside, down" \
	waitfor "ip -n corp -o link show tun-corp | grep -qv '[<,]UP[,>]'"
ok "the session reaches nothing meanwhile" inbox sh -c '! ip netns exec corp busybox ping -c 1 -w 2 10.98.0.1 >/dev/null 2>&1'
inbox sh -c 'echo "ifconfig-push 10.98.0.2 255.255.255.0" > /root/ovpn/ccd/client'
n=$(journal 'agrees with the policy')
inbox systemctl kill -s USR1 openvpn-client@corp
ok "the address back: agreed again" \
	waitfor "[ \$(journalctl -q -o cat -u openvpn-client@corp | grep -c 'agrees with the policy') -gt $n ]"
again "the address back"

is "$(inbox grep -c tun-corp /run/routemon.log)" 0 "the box's own network never had a route through tun-corp"
inbox systemctl stop s-alice routemon ovpn-server2 >/dev/null 2>&1
ok "netns-helper down corp gives tun-corp back" inbox netns-helper down corp
ok "to the host, while the client still runs" inbox ip link show tun-corp
is "$(inbox journalctl -q -o cat -u netns-helper.service --after-cursor="$cursor" | grep -iE 'warning|error|denied|not permitted|failed' | grep -v "10.98.0.7/24, which is not the policy's")" "" \
	"the service's journal has no warning and no error but the refusal"
inbox systemctl stop openvpn-client@corp
done_testing
