#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# openvpn.sh SERVER-DIR CLIENT-CONF DEV - an OpenVPN 2.6 server and the
# start of a client's configuration, for the tests (52-openvpn.t in the
# sandbox, 41-box-openvpn.t in a systemd box). Self-signed keys, each side
# pinning the other's fingerprint (peer-fingerprint: no CA). The server,
# SERVER-DIR/server.conf, listens on 198.51.100.1:1194 (udp), has
# 10.98.0.1/24 on tun-srv and pushes redirect-gateway, DNS 10.98.0.1 and
# the client's fixed address (SERVER-DIR/ccd/client: 10.98.0.2). The
# client's CLIENT-CONF names device DEV and its key and certificate next
# to it (CLIENT-CONF without .conf, plus .key and .crt); the caller appends
# what its case needs (persist-tun, ifconfig-noexec, ...).
set -e
srv=$1 conf=$2 dev=$3
base=${conf%.conf}
mkdir -p -m 700 "$srv/ccd"
key() {	# key PATH-WITHOUT-SUFFIX NAME
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$1.key" -out "$1.crt" -days 30 -subj "/CN=$2" 2>/dev/null
	chmod 600 "$1.key"
}
fpr() { openssl x509 -in "$1.crt" -noout -fingerprint -sha256 | cut -d= -f2; }
key "$srv/server" server
key "$base" client
echo "ifconfig-push 10.98.0.2 255.255.255.0" > "$srv/ccd/client"
cat > "$srv/server.conf" <<EOF
dev tun-srv
local 198.51.100.1
port 1194
proto udp
mode server
tls-server
topology subnet
ifconfig 10.98.0.1 255.255.255.0
ifconfig-pool 10.98.0.100 10.98.0.200
push "topology subnet"
push "redirect-gateway def1"
push "dhcp-option DNS 10.98.0.1"
client-config-dir $srv/ccd
cert $srv/server.crt
key $srv/server.key
dh none
peer-fingerprint $(fpr "$base")
explicit-exit-notify 1
keepalive 1 5
verb 3
EOF
cat > "$conf" <<EOF
client
dev $dev
dev-type tun
proto udp
remote 198.51.100.1 1194
nobind
connect-retry 1 1
cert $base.crt
key $base.key
peer-fingerprint $(fpr "$srv/server")
verb 3
EOF
