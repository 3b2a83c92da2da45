#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# box-lan.sh PORTS [dns] - run inside a systemd box (box.sh) by the box
# tests: the world outside the host, on documentation addresses. A "lan"
# namespace with a bridge (203.0.113.128/25, the gateway .129) reached
# from the box by PORTS veth pairs lan0..lanN-1, a DHCP server on it
# (dnsmasq, 203.0.113.200-210), an uplink (the box 198.51.100.2, lan
# 198.51.100.1, the box's default route) and a WireGuard peer there
# (wireguard-go, 10.99.0.1/24, port 51820) whose client configuration is
# /etc/wireguard/corp.conf (10.99.0.2; "DNS = 10.99.0.53" with dns).
set -e
ports=$1
ip netns add lan
ip -n lan link set lo up
ip -n lan link add lanbr type bridge
i=0
while [ "$i" -lt "$ports" ]; do
	ip link add lan$i type veth peer name lan${i}p netns lan
	ip -n lan link set lan${i}p master lanbr up
	i=$((i + 1))
done
ip -n lan addr add 203.0.113.129/25 dev lanbr
ip -n lan link set lanbr up
ip link set lan0 up
ip link add uplink0 type veth peer name wan0 netns lan
ip -n lan addr add 198.51.100.1/24 dev wan0
ip -n lan link set wan0 up
ip addr add 198.51.100.2/24 dev uplink0
ip link set uplink0 up
ip route add default via 198.51.100.1
systemd-run -q --unit=lan-dhcp ip netns exec lan dnsmasq --keep-in-foreground \
	--conf-file=/dev/null --port=0 --interface=lanbr --bind-interfaces \
	--dhcp-authoritative --dhcp-range=203.0.113.200,203.0.113.210,255.255.255.128,1h \
	--dhcp-option=3,203.0.113.129 --dhcp-leasefile=/run/lan-dhcp.leases \
	--user=root --group=root
mkdir -p -m 700 /root/wg /etc/wireguard
cd /root/wg
(umask 077; wg genkey > peer.key; wg genkey > cli.key)
wg pubkey < peer.key > peer.pub
wg pubkey < cli.key > cli.pub
systemd-run -q --unit=lan-wg ip netns exec lan wireguard-go -f wgpeer
timeout 30 sh -c "until [ -S /run/wireguard/wgpeer.sock ]; do sleep 0.05; done"
ip netns exec lan wg set wgpeer private-key peer.key listen-port 51820 \
	peer "$(cat cli.pub)" allowed-ips 10.99.0.0/24
ip -n lan addr add 10.99.0.1/24 dev wgpeer
ip -n lan link set wgpeer up
dns=
[ "${2:-}" = dns ] && dns="DNS = 10.99.0.53"
(umask 077; cat > /etc/wireguard/corp.conf) <<CONF
[Interface]
PrivateKey = $(cat cli.key)
Address = 10.99.0.2/32
$dns

[Peer]
PublicKey = $(cat peer.pub)
Endpoint = 198.51.100.1:51820
AllowedIPs = 10.99.0.0/24
PersistentKeepalive = 25
CONF
